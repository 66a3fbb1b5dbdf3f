#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# na-repo check-tenants (docs/tenants.md): the example file passes with its
# size printed; a bad file exits 1 naming file, line and reason on stderr;
# a bad command line exits 2.  compile --tenants copies a valid file into the
# repository (and refuses a bad one before compiling); serve answers
# GET /v1/tenants with an ETag (304 when unchanged, a new one after SIGHUP,
# the old file kept when the new one is bad).
set -u
cd "$(dirname "$0")/../.."
NAREPO=${NAREPO:-build/na-repo}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() {
	echo "ok: $1"
	pass=$((pass + 1))
}
ko() {
	echo "FAIL: $1"
	fail=$((fail + 1))
}

out=$($NAREPO check-tenants topologies/example.tenants 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ "$out" = "topologies/example.tenants: 2 tenants, 6 subnets (3 IPv4, 3 IPv6), 4 routes" ]; then
	ok "example file: $out"
else
	ko "example file: rc $rc, '$out'"
fi

out=$($NAREPO check-tenants - <topologies/example.tenants 2>&1)
[ $? -eq 0 ] && [[ $out == "<stdin>: 2 tenants"* ]] && ok "stdin" || ko "stdin: '$out'"

# expect <name> <file contents> <wanted stderr>: exit 1, nothing on stdout
expect() {
	printf '%s' "$2" >"$T/f"
	$NAREPO check-tenants "$T/f" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$T/out" ] && [ "$(cat "$T/err")" = "na-repo: $T/f:$3" ]; then
		ok "$1"
	else
		ko "$1: rc $rc, stdout '$(cat "$T/out")', stderr '$(cat "$T/err")'"
	fi
}
expect "router outside" $'tenant 5\n# c\nsubnet 10.0.0.0/24 router 10.0.1.1\n' \
	"3: router 10.0.1.1 is outside its subnet 10.0.0.0/24"
expect "next hop outside" $'tenant 5\nsubnet fd00::/64 router fd00::1\nroute default via fd01::1\n' \
	"3: route ::/0: next hop fd01::1 is outside every subnet of tenant 5"
expect "unknown key" $'tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 vlan 3\n' \
	"2: unknown key 'vlan' (router, mac-space, dns, lease, domain, mode)"
expect "duplicate tenant" $'tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\ntenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n' \
	"3: tenant 5 declared twice (first on line 1)"

$NAREPO check-tenants "$T/nonexistent" >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && grep -q "No such file" "$T/err" && ok "missing file" || ko "missing file: rc $rc"
$NAREPO check-tenants >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "no argument: exit 2" || ko "no argument: rc $rc"
$NAREPO check-tenants --help | grep -q "docs/tenants.md" && ok "--help" || ko "--help"

# ---- compile --tenants ------------------------------------------------------------
$NAREPO compile --serial 7 --tenants topologies/example.tenants -o "$T/repo" topologies/demo.topo \
	>/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 0 ] && cmp -s topologies/example.tenants "$T/repo/tenants.txt" &&
	ok "compile --tenants copies the file" || ko "compile --tenants: rc $rc $(cat "$T/err")"
printf 'tenant 5\nsubnet 10.0.0.0/24 router 10.0.1.1\n' >"$T/bad"
$NAREPO compile --serial 8 --tenants "$T/bad" -o "$T/repo" topologies/demo.topo >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && grep -q "^na-repo: $T/bad:2: router 10.0.1.1 is outside" "$T/err" &&
	grep -q '^serial 7$' "$T/repo/vlan-table.txt" && cmp -s topologies/example.tenants "$T/repo/tenants.txt" &&
	ok "compile --tenants with a bad file: refused before compiling" ||
	ko "compile, bad tenants: rc $rc $(cat "$T/err") $(head -3 "$T/repo/vlan-table.txt")"

# ---- serve: GET /v1/tenants -------------------------------------------------------
$NAREPO serve --listen 127.0.0.1:0 "$T/repo" 2>"$T/log" &
srv=$!
port=
for _ in $(seq 200); do
	port=$(sed -nE 's/.*serving serial 7 on 127\.0\.0\.1:([0-9]+).*/\1/p' "$T/log")
	[ -n "$port" ] && break
	sleep 0.05
done
url=http://127.0.0.1:$port/v1/tenants
if [ -z "$port" ]; then
	ko "serve did not start: $(cat "$T/log")"
else
	curl -s -D "$T/h" -o "$T/body" "$url"
	etag=$(sed -nE 's/^ETag: ("t-[0-9a-f]{16}")\r$/\1/Ip' "$T/h")
	grep -q "^HTTP/1.1 200" "$T/h" && cmp -s "$T/body" topologies/example.tenants && [ -n "$etag" ] &&
		ok "GET /v1/tenants: the file, ETag $etag" || ko "GET /v1/tenants: $(cat "$T/h")"
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url")
	[ "$code" = 304 ] && ok "If-None-Match: 304" || ko "If-None-Match: $code"
	$NAREPO check-tenants "$T/body" >/dev/null && ok "served file passes check-tenants" ||
		ko "served file"
	# a new valid file, then a bad one: SIGHUP reloads, a bad file keeps the old one
	printf 'tenant 9\nsubnet 10.9.0.0/16 router 10.9.0.1\n' >"$T/repo/tenants.txt"
	kill -HUP $srv
	for _ in $(seq 200); do grep -q "reloaded" "$T/log" && break; sleep 0.05; done
	curl -s -D "$T/h" -o "$T/body" "$url"
	etag2=$(sed -nE 's/^ETag: ("t-[0-9a-f]{16}")\r$/\1/Ip' "$T/h")
	grep -q "^tenant 9" "$T/body" && [ -n "$etag2" ] && [ "$etag2" != "$etag" ] &&
		ok "SIGHUP: new file, new ETag $etag2" || ko "SIGHUP: $(cat "$T/h" "$T/body")"
	printf 'tenant 9\nsubnet 10.9.0.0/16 router 10.9.0.1 bogus 1\n' >"$T/repo/tenants.txt"
	kill -HUP $srv
	for _ in $(seq 200); do grep -q "reload failed" "$T/log" && break; sleep 0.05; done
	curl -s -o "$T/body" "$url"
	grep -q "reload failed, keeping serial 7: $T/repo/tenants.txt:2: unknown key 'bogus'" "$T/log" &&
		grep -q "^tenant 9" "$T/body" && ! grep -q bogus "$T/body" &&
		ok "SIGHUP with a bad file: refused, the old one served" ||
		ko "bad reload: $(tail -2 "$T/log")"
	kill $srv
	wait $srv 2>/dev/null
fi

# without --tenants: a stale tenants.txt is removed, and /v1/tenants is 404
$NAREPO compile --serial 9 -o "$T/repo" topologies/demo.topo >/dev/null 2>&1
[ ! -e "$T/repo/tenants.txt" ] && ok "compile without --tenants removes the stale file" ||
	ko "stale tenants.txt kept"
$NAREPO serve --listen 127.0.0.1:0 "$T/repo" 2>"$T/log2" &
srv=$!
port=
for _ in $(seq 200); do
	port=$(sed -nE 's/.*serving serial 9 on 127\.0\.0\.1:([0-9]+).*/\1/p' "$T/log2")
	[ -n "$port" ] && break
	sleep 0.05
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/tenants")
[ "$code" = 404 ] && ok "no tenants file: 404" || ko "no tenants file: $code"
kill $srv
wait $srv 2>/dev/null

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

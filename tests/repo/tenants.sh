#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# na-repo check-tenants (docs/tenants.md): the example file passes with its
# size printed; a bad file exits 1 naming file, line and reason on stderr;
# a bad command line exits 2.
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

out=$($NAREPO check-tenants topologies/demo.tenants 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ "$out" = "topologies/demo.tenants: 2 tenants, 6 subnets (3 IPv4, 3 IPv6), 4 routes" ]; then
	ok "example file: $out"
else
	ko "example file: rc $rc, '$out'"
fi

out=$($NAREPO check-tenants - <topologies/demo.tenants 2>&1)
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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

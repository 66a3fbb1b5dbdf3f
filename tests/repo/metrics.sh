#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# na-repo serve --metrics (docs/operations.md): requests by URL and status
# code, body bytes, the table's serial and reloads, checked on a real server
# with Debian's `promtool check metrics`; /metrics is 404 without --metrics.
# And its systemd notifications (na-repo.service is Type=notify), on a
# NOTIFY_SOCKET this test owns: READY=1 once listening with the table,
# RELOADING=1 / READY=1 around a SIGHUP, STOPPING=1.
# Prints "repo-metrics: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh" # ok, bad, check, wait_for
REPO=${NA_REPO:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-repo}
TMP=$(mktemp -d /tmp/na-repo-metrics.XXXXXX)
PASS=0
FAIL=0
SRV=
LISTENER=
HERE=$(cd "$(dirname "$0")" && pwd)
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	[ "$FAIL" -ne 0 ] && { tail -n 20 "$TMP/serve.log"; grep -v "^#" "$TMP/m1.txt"; }
	rm -rf "$TMP"
}
trap cleanup EXIT
for c in promtool python3; do
	command -v $c >/dev/null || { bad "$c not installed"; echo "repo-metrics: $PASS passed, $FAIL failed"; exit 1; }
done
# HTTP request -> "<code> <body bytes>", the body in $TMP/body
http() { # method url [header]
	python3 - "$@" <<'PY' 2>>"$TMP/http.log"
import sys, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, method=method, data=b"x" if method == "POST" else None)
if len(sys.argv) > 3:
    k, v = sys.argv[3].split(": ", 1)
    req.add_header(k, v)
try:
    r = urllib.request.urlopen(req, timeout=5)
    code, body = r.status, r.read()
except urllib.error.HTTPError as e:
    code, body = e.code, e.read()
print(f"{code} {len(body)}")
PY
}
scrape() { python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$URL/metrics"; }
start() { # extra serve flags...
	: >"$TMP/serve.log"
	NOTIFY_SOCKET=$TMP/notify.sock "$REPO" serve --listen 127.0.0.1:0 "$@" "$TMP/repo" \
		2>>"$TMP/serve.log" &
	SRV=$!
	wait_for 10 grep -q "serving serial" "$TMP/serve.log" || return 1
	URL=http://$(sed -n 's/.*serving serial [0-9]* on \(.*\)$/\1/p' "$TMP/serve.log" | head -1)
}

"$REPO" gen clique 3 >"$TMP/t.topo"
"$REPO" compile -k 2 --serial 11 -o "$TMP/repo" "$TMP/t.topo" >/dev/null
SIZE=$(stat -c %s "$TMP/repo/vlan-table.txt")

python3 "$HERE/../agent/notify_listen.py" "$TMP/notify.sock" "$TMP/notify.log" &
LISTENER=$!
wait_for 5 test -S "$TMP/notify.sock"
check "serve --metrics started" start --metrics
check "sd_notify: READY=1 with STATUS=serving serial 11" \
	wait_for 5 grep -qx "READY=1|STATUS=serving serial 11" "$TMP/notify.log"
check "GET /v1/vlan-table: 200" test "$(http GET "$URL/v1/vlan-table")" = "200 $SIZE"
http GET "$URL/v1/vlan-table" >/dev/null
check "conditional GET: 304" test "$(http GET "$URL/v1/vlan-table" 'If-None-Match: "11"' | cut -d' ' -f1)" = 304
check "GET /nope: 404" test "$(http GET "$URL/nope" | cut -d' ' -f1)" = 404
r405=$(http POST "$URL/v1/vlan-table")
check "POST /v1/vlan-table: 405" test "${r405% *}" = 405
scrape >"$TMP/m1.txt"
promtool check metrics <"$TMP/m1.txt" >"$TMP/promtool.log" 2>&1
rc=$?
check "promtool check metrics accepts the scrape (exit $rc)" test "$rc" -eq 0 -a ! -s "$TMP/promtool.log"
has() { grep -qxF "$1" "$TMP/m1.txt" || { echo "    missing: $1"; return 1; }; }
check "requests: 2 x 200 on /v1/vlan-table" has 'netlord_repo_http_requests_total{url="/v1/vlan-table",code="200"} 2'
check "requests: 1 x 304" has 'netlord_repo_http_requests_total{url="/v1/vlan-table",code="304"} 1'
check "requests: 1 x 405 on /v1/vlan-table" has 'netlord_repo_http_requests_total{url="/v1/vlan-table",code="405"} 1'
check "requests: unknown paths as url=\"other\"" has 'netlord_repo_http_requests_total{url="other",code="404"} 1'
check "requests: this scrape counted" has 'netlord_repo_http_requests_total{url="/metrics",code="200"} 1'
check "bytes: 2 tables of $SIZE bytes and the 405's ${r405#* }" \
	has "netlord_repo_http_response_bytes_total{url=\"/v1/vlan-table\"} $((2 * SIZE + ${r405#* }))"
check "table serial 11, $SIZE bytes" bash -c "grep -qx 'netlord_repo_vlan_table_serial 11' $TMP/m1.txt && grep -qx 'netlord_repo_vlan_table_bytes $SIZE' $TMP/m1.txt"

# a new table, then one that does not parse
"$REPO" compile -k 2 --serial 12 -o "$TMP/repo" "$TMP/t.topo" >/dev/null
kill -HUP "$SRV"
wait_for 5 grep -q "reloaded: serial 11 -> 12" "$TMP/serve.log"
echo "garbage" >"$TMP/repo/vlan-table.txt"
kill -HUP "$SRV"
wait_for 5 grep -q "reload failed" "$TMP/serve.log"
scrape >"$TMP/m1.txt"
check "after SIGHUP: serial 12" has 'netlord_repo_vlan_table_serial 12'
check "reloads: 1 ok, 1 failed" bash -c "grep -qx 'netlord_repo_vlan_table_reloads_total{result=\"ok\"} 1' $TMP/m1.txt && grep -qx 'netlord_repo_vlan_table_reloads_total{result=\"failed\"} 1' $TMP/m1.txt"
check "sd_notify: RELOADING=1 then READY=1 around the good reload" \
	bash -c "grep -A1 -x 'RELOADING=1|STATUS=serving serial 12' $TMP/notify.log | tail -1 | grep -qx READY=1"
check "sd_notify: nothing for the failed reload (READY=1 twice in all)" \
	test "$(grep -c '^READY=1' "$TMP/notify.log")" -eq 2
kill "$SRV"
wait "$SRV" 2>/dev/null
SRV=
check "sd_notify: STOPPING=1" wait_for 5 grep -qx STOPPING=1 "$TMP/notify.log"

"$REPO" compile -k 2 --serial 13 -o "$TMP/repo" "$TMP/t.topo" >/dev/null
check "serve without --metrics started" start
check "without --metrics: GET /metrics is 404" test "$(http GET "$URL/metrics" | cut -d' ' -f1)" = 404

echo "repo-metrics: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The agents' repository client over HTTP (user/lib/repo_client.c, patent
# [0012], [0036]-[0038]), run through tests/repo/bootstorm.c (the same
# nl_repo_fetch() the agent calls): rows from `na-repo serve`; the whole
# table from an older repository that answers 404 to /v1/row/<mac>; a row
# with a bad CRC-32 or another switch's row refused; an unreachable
# repository reported.  Prints "repo-client: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
NAREPO=$B/na-repo
STORM=$B/bench/bootstorm
T=$(mktemp -d /tmp/na-client.XXXXXX)
PASS=0
FAIL=0
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
check() { # description, command...
	local d=$1
	shift
	if "$@"; then echo "PASS: $d"; PASS=$((PASS + 1)); else echo "FAIL: $d"; FAIL=$((FAIL + 1)); fi
}
for x in "$NAREPO" "$STORM"; do [ -x "$x" ] || { echo "FAIL: $x not built"; echo "repo-client: 0 passed, 1 failed"; exit 1; }; done

"$NAREPO" gen fattree 8 >"$T/ft8.topo"
"$NAREPO" compile --serial 5 -o "$T/out" "$T/ft8.topo" >/dev/null

# na-repo serve: rows
"$NAREPO" serve --listen 127.0.0.1:0 "$T/out" 2>"$T/serve.log" &
PIDS+=($!)
for _ in $(seq 100); do
	PORT=$(sed -n 's/.*serving serial [0-9]* on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.log")
	[ -n "$PORT" ] && break
	sleep 0.1
done
"$STORM" --repo "127.0.0.1:$PORT" --macs "$T/out/rows" --clients 40 >"$T/a.txt" 2>&1
check "na-repo serve: 40 agents, each gets its row (no whole table)" \
	grep -q 'documents: 40 rows, 0 whole tables' "$T/a.txt"
"$STORM" --repo "http://127.0.0.1:$PORT/v1/vlan-table" --macs "$T/out/rows" --clients 4 >"$T/b.txt" 2>&1
check "the explicit default path /v1/vlan-table also means rows" \
	grep -q 'documents: 4 rows, 0 whole tables' "$T/b.txt"

# an older repository (whole table only) and a corrupting one, in Python
cat >"$T/old.py" <<'PY'
import http.server, sys
table = open(sys.argv[2], 'rb').read()
rowdir, mode = sys.argv[3], sys.argv[4]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def send(self, body):
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('ETag', '"5"')
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path == '/v1/vlan-table':
            return self.send(table)
        if self.path.startswith('/v1/row/') and mode != 'old':
            row = open(rowdir + '/' + self.path[8:], 'rb').read()
            if mode == 'badcrc':
                # a valid-looking document whose bytes no longer match its CRC-32
                row = row.replace(b'serial 5\n', b'serial 6\n')
            if mode == 'other':
                import os
                other = sorted(os.listdir(rowdir))[0]
                if self.path[8:] == other:
                    other = sorted(os.listdir(rowdir))[1]
                row = open(rowdir + '/' + other, 'rb').read()
            return self.send(row)
        self.send_response(404)
        self.send_header('Content-Length', '0')
        self.end_headers()
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
open(sys.argv[1], 'w').write(str(srv.server_address[1]))
srv.serve_forever()
PY
oldserver() { # mode: a server on a free port, its port in OPORT
	rm -f "$T/port"
	python3 "$T/old.py" "$T/port" "$T/out/vlan-table.txt" "$T/out/rows" "$1" &
	PIDS+=($!)
	OPORT=
	for _ in $(seq 100); do
		[ -s "$T/port" ] && OPORT=$(cat "$T/port") && return 0
		sleep 0.1
	done
}
oldserver old
"$STORM" --repo "127.0.0.1:$OPORT" --macs "$T/out/rows" --clients 4 >"$T/c.txt" 2>&1
check "an older repository (404 on /v1/row): the whole table instead, 0 failed" bash -c \
	"grep -q 'documents: 0 rows, 4 whole tables' $T/c.txt && grep -q ' 0 failed' $T/c.txt"
oldserver badcrc
"$STORM" --repo "127.0.0.1:$OPORT" --macs "$T/out/rows" --clients 4 >"$T/d.txt" 2>&1
check "a row with a changed byte is refused (CRC-32), never loaded" bash -c \
	"grep -q 'documents: 0 rows, 0 whole tables' $T/d.txt && grep -q 'checksum mismatch' $T/d.txt"
oldserver other
"$STORM" --repo "127.0.0.1:$OPORT" --macs "$T/out/rows" --clients 4 >"$T/e.txt" 2>&1
check "another switch's row is refused" bash -c \
	"grep -q 'documents: 0 rows, 0 whole tables' $T/e.txt && grep -q 'not that of our switch' $T/e.txt"
"$STORM" --repo "127.0.0.1:1" --macs "$T/out/rows" --clients 2 >"$T/f.txt" 2>&1
check "an unreachable repository: an error, no table" grep -q 'cannot connect' "$T/f.txt"
"$STORM" --repo "etcd://127.0.0.1:1/netlord" --macs "$T/out/rows" --clients 2 \
	--deadline-ms 3000 >"$T/g.txt" 2>&1
check "an unreachable etcd: an error naming the member tried next" \
	grep -q 'cannot connect to etcd at http://127.0.0.1:1.*trying http://127.0.0.1:1 next' "$T/g.txt"
for bad in "etcd://127.0.0.1:2379" "etcd:///netlord" "etcd://a:1,,b:2/p" "etcd://host/p"; do
	"$STORM" --repo "$bad" --macs "$T/out/rows" --clients 1 >"$T/h.txt" 2>&1
	rc=$?
	check "bad repository URL '$bad' refused with a message (exit $rc)" bash -c \
		"test $rc -ne 0 && grep -qi 'expected\|empty' $T/h.txt"
done
echo "repo-client: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

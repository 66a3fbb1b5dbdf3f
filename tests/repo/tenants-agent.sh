#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The tenants file from the repository to the agent (docs/tenants.md, issue
# 16; patent [0012], [0013]).  One edge switch with real lldpd, one server
# namespace running `na-repo serve` (behind a pass-through proxy that can
# hand out a bad file, since serve itself refuses one), an etcd member and
# the agent:
#   the agent gets the file with its row (status, JSON status, metrics);
#   `vif add` with only tenant, MAC and addresses takes /len, routers and
#   the MAC space from the subnets; an address outside them is refused
#   (exit 4, the message names tenant and address); a bad file on the
#   server is refused and counted, the file in force stays; a changed file
#   and `refresh` -> the new one in force; the same through etcd
#   (`na-repo publish --etcd` with the file, SIGHUP to an etcd:// source,
#   a bad tenants value refused and the file in force kept).
# Needs root, lldpd, etcd, etcdctl, curl, python3.  Prints
# "repo-tenants-agent: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"
tc_init repo-tenants-agent --need-pass

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
NAREPO=${NA_REPO:-$(dirname "$NA")/na-repo}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nltsw$T
SWMAC=02:5f:${T:0:2}:${T:2:2}:00:01
OTHERMAC=02:5f:${T:0:2}:${T:2:2}:00:02
TMP=$(mktemp -d /tmp/na-tenants.XXXXXX)
chmod 755 "$TMP"
declare -A AGENT_PID
SRV_PID='' PROXY_PID='' ETCD_PID=''
srv() { echo "nlts$T$1"; }
up() { echo "nltu$T$1"; }
S=$(srv 1)
U=$(up 1)
na() { timeout 10 nsenter --net=/var/run/netns/"$S" "$NA" "$@" -i "$U"; }
ctl() { inns "$S" env ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:23790 --dial-timeout=2s "$@"; }

cleanup() {
	set +e
	for p in $SRV_PID $PROXY_PID $ETCD_PID; do kill -9 "$p" 2>/dev/null; done
	nw_stop_world "^nlt(sw|s|v)$T" 1
	nw_show_logs 40 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require repo-tenants-agent lldpd lldpcli etcd etcdctl nsenter python3 curl
[ -x "$NAREPO" ] || nw_abort repo-tenants-agent "$NAREPO not built"

# ---- the world: one switch, one server, the VLAN table with our switch --------------------
nw_switch "$SW" "$SWMAC"
nw_port "$SW" "$SWMAC" 1 "$S" "$U" "swp1$T"
nw_switch_route "$SW" 1
nw_key_file "$TMP/nlarp.key"
cat >"$TMP/fabric.topo" <<EOF
switch a edge mac $SWMAC
switch b edge mac $OTHERMAC
link a:10 b:10
server a:1
server b:1
EOF
cat >"$TMP/t1" <<EOF
tenant 42
	subnet 10.42.0.0/24 router 10.42.0.1 mac-space 3 dns 10.42.0.53 lease 3600
	subnet fd42::/64 router fd42::1 mac-space 3
EOF
{ cat "$TMP/t1"; printf 'tenant 43\n\tsubnet 10.43.0.0/24 router 10.43.0.1\n'; } >"$TMP/t2"
{ cat "$TMP/t2"; printf 'tenant 44\n\tsubnet 10.44.0.0/24 router 10.44.0.1\n'; } >"$TMP/t3"
printf 'tenant 42\n\tsubnet 10.42.0.0/24 router 10.42.9.1\n' >"$TMP/tbad" # router outside
compile() { # serial tenants-file dir
	"$NAREPO" compile --serial "$1" --tenants "$2" -o "$3" "$TMP/fabric.topo" >/dev/null
}
check "compile serial 1 with tenants file t1" compile 1 "$TMP/t1" "$TMP/repo"

# ---- na-repo serve, and a pass-through proxy (a bad file: $TMP/override) ---------------------
nsenter --net=/var/run/netns/"$S" "$NAREPO" serve --listen 127.0.0.1:0 "$TMP/repo" 2>"$TMP/serve.log" &
SRV_PID=$!
wait_for 10 grep -q "serving serial 1 on 127.0.0.1:" "$TMP/serve.log" ||
	nw_abort repo-tenants-agent "na-repo serve did not start"
SPORT=$(sed -nE 's/.*serving serial 1 on 127\.0\.0\.1:([0-9]+).*/\1/p' "$TMP/serve.log")
cat >"$TMP/proxy.py" <<'EOF'
import hashlib, http.server, os, sys, urllib.request, urllib.error
up, override, portfile = sys.argv[1], sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_GET(self):
        if self.path == '/v1/tenants' and os.path.exists(override):
            body = open(override, 'rb').read()
            etag = '"bad-%s"' % hashlib.sha1(body).hexdigest()[:12]
            if self.headers.get('If-None-Match') == etag:
                self.send_response(304); self.send_header('ETag', etag); self.end_headers(); return
            self.send_response(200); self.send_header('ETag', etag)
            self.send_header('Content-Length', str(len(body))); self.end_headers()
            self.wfile.write(body); return
        req = urllib.request.Request(up + self.path)
        if self.headers.get('If-None-Match'):
            req.add_header('If-None-Match', self.headers['If-None-Match'])
        try:
            r = urllib.request.urlopen(req, timeout=5)
            code, hdrs, body = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            code, hdrs, body = e.code, e.headers, e.read()
        self.send_response(code)
        for k in ('ETag', 'Content-Type'):
            if hdrs.get(k):
                self.send_header(k, hdrs[k])
        self.send_header('Content-Length', str(len(body))); self.end_headers()
        self.wfile.write(body)
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
open(portfile, 'w').write(str(srv.server_address[1]))
srv.serve_forever()
EOF
nsenter --net=/var/run/netns/"$S" python3 "$TMP/proxy.py" "http://127.0.0.1:$SPORT" "$TMP/override" "$TMP/pport" \
	>"$TMP/proxy.log" 2>&1 &
PROXY_PID=$!
wait_for 10 test -s "$TMP/pport" || nw_abort repo-tenants-agent "the proxy did not start"
PPORT=$(cat "$TMP/pport")
MPORT=$((20000 + RANDOM % 20000))

# ---- the agent: its repository from a configuration file (SIGHUP switches it to etcd) --------
printf 'repo = http://127.0.0.1:%s\nmetrics = 127.0.0.1:%s\n' "$PPORT" "$MPORT" >"$TMP/na.conf"
nw_start_agent "$S" "$U" 1 --config "$TMP/na.conf" --key-file "$TMP/nlarp.key" -v
nw_lldpd "$SW" swp1 "netlord tenants test switch" || bad "lldpd started"
status_has() { na status 2>/dev/null | grep -q "$1"; }
etag_in_force() { na status 2>/dev/null | sed -nE 's/^tenants file: .*ETag ("[^"]*").*/\1/p'; }
stat_of() { na stats 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
check "the agent loads serial 1 (its row)" wait_for 40 status_has "VLAN table: *loaded, serial 1,"
check "status: tenants file t1 in force (1 tenant, 2 subnets, with serial 1)" wait_for 20 \
	status_has "tenants file: *1 tenants, 2 subnets, 0 routes, ETag \"t-[0-9a-f]*\", with serial 1,"
E1=$(etag_in_force)
inns "$S" curl -sI "http://127.0.0.1:$SPORT/v1/tenants" >"$TMP/h" 2>&1
check "the ETag in force ($E1) is na-repo serve's" grep -qiF "ETag: $E1" "$TMP/h"
check "status --json: tenants_file in force, 1 tenant" bash -c \
	"$(declare -f na); NA=$NA S=$S U=$U; na status --json | python3 -c '
import json, sys
t = json.load(sys.stdin)[\"tenants_file\"]
assert t[\"in_force\"] and t[\"tenants\"] == 1 and t[\"subnets\"] == 2 and t[\"serial\"] == 1, t'"
metrics_ok() {
	inns "$S" curl -s "http://127.0.0.1:$MPORT/metrics" >"$TMP/metrics" 2>/dev/null &&
		grep -q "^netlord_tenants_file_loaded 1" "$TMP/metrics" &&
		grep -q "^netlord_tenants_file_tenants 1" "$TMP/metrics" &&
		grep -q "^netlord_tenants_file_refused_total 0" "$TMP/metrics"
}
check "metrics: netlord_tenants_file_loaded 1, 1 tenant, 0 refused" wait_for 10 metrics_ok

# ---- vif add against the file ------------------------------------------------------------------
nw_vm "nltv${T}1" "vt${T}1" "$S" 52:54:00:42:00:05 10.42.0.5/24 1400 on
nw_vm "nltv${T}2" "vt${T}2" "$S" 52:54:00:42:00:06 10.43.0.5/24 1400 on
nw_vm "nltv${T}3" "vt${T}3" "$S" 52:54:00:42:00:07 10.43.0.7/24 1400 on
check "vif add with only tenant, MAC and addresses" \
	na vif add "vt${T}1" --tenant 42 --mac 52:54:00:42:00:05 --ip 10.42.0.5 --ip6 fd42::5
check "vif list: /24, router 10.42.0.1, MAC space 3, fd42::5/64, router6 fd42::1" bash -c \
	"$(declare -f na); NA=$NA S=$S U=$U; na vif list --json | python3 -c '
import json, sys
v = [x for x in json.load(sys.stdin) if x[\"ifname\"] == \"vt${T}1\"][0]
assert v[\"ip\"] == \"10.42.0.5/24\" and v[\"router\"] == \"10.42.0.1\" and v[\"mac_as\"] == 3, v
assert v[\"ip6\"] == [\"fd42::5/64\"] and v[\"router6\"] == \"fd42::1\", v'"
# the persisted definition is the completed one (attach re-applies it before any file arrives)
REC="${NETLORD_STATE_DIR:-/var/lib/netlord}/$U.vifs/vt${T}1.vif"
check "the persisted VIF record holds ip=10.42.0.5/24, router, mac_as=3" bash -c \
	"grep -qx 'ip=10.42.0.5/24' '$REC' && grep -qx 'router=10.42.0.1' '$REC' && grep -qx 'mac_as=3' '$REC'"
na vif add "vt${T}2" --tenant 42 --mac 52:54:00:42:00:06 --ip 10.43.0.5 >"$TMP/out" 2>&1
rc=$?
check "an address outside tenant 42's subnets: refused, exit 4 (got $rc)" test "$rc" -eq 4
check "... naming the tenant and the address" grep -q "10.43.0.5 is outside the subnets of tenant 42" "$TMP/out"
na vif add "vt${T}2" --tenant 42 --mac 52:54:00:42:00:06 --ip 10.42.0.6/16 >"$TMP/out" 2>&1
rc=$?
check "a /len contradicting the subnet: refused, exit 4 (got $rc)" test "$rc" -eq 4
check "a tenant the file does not define: as before (/len needed, given: added)" \
	na vif add "vt${T}2" --tenant 77 --mac 52:54:00:42:00:06 --ip 10.43.0.5/24

# ---- a bad file on the server: refused, counted, the file in force stays -----------------------
r0=$(stat_of tenants_file_refused)
cp "$TMP/tbad" "$TMP/override"
na refresh >/dev/null 2>&1
more_refused() { [ "$(stat_of tenants_file_refused)" -gt "$r0" ]; }
check "a bad tenants file is refused and counted (tenants_file_refused)" wait_for 20 more_refused
check "the file in force stays (same ETag), the error shown" bash -c \
	"$(declare -f na); NA=$NA S=$S U=$U; na status | grep 'tenants file:' | grep -F '$E1' | grep -q 'last error: .*router 10.42.9.1'"
check "the agent logged the refusal" grep -q "tenants file from .* refused: .*router 10.42.9.1" "$TMP/agent1.log"
rm -f "$TMP/override"

# ---- a new file on the server, refresh: the new one in force ----------------------------------
n0=$(grep -c reloaded "$TMP/serve.log")
reloaded() { [ "$(grep -c reloaded "$TMP/serve.log")" -gt "$n0" ]; }
check "compile serial 2 with t2" compile 2 "$TMP/t2" "$TMP/repo"
kill -HUP "$SRV_PID"
check "serve reloads (serial 2, t2)" wait_for 30 reloaded
check "refresh" na refresh
check "t2 in force after refresh (2 tenants, new ETag)" wait_for 10 \
	status_has "tenants file: *2 tenants, 3 subnets, 0 routes, ETag \"t-[0-9a-f]*\", with serial 2,"
check "... and a VIF of tenant 43 is completed from it" \
	na vif add "vt${T}3" --tenant 43 --mac 52:54:00:42:00:07 --ip 10.43.0.7
check "vif list: 10.43.0.7/24 router 10.43.0.1" bash -c \
	"$(declare -f na); NA=$NA S=$S U=$U; na vif list | grep -q '^vt${T}3 .* 10.43.0.7/24 *10.43.0.1 '"

# ---- a repository without a tenants file (404): none in force, no error loop ------------------
e0=$(stat_of tenants_file_errors)
n0=$(grep -c reloaded "$TMP/serve.log")
"$NAREPO" compile --serial 2 -o "$TMP/repo" "$TMP/fabric.topo" >/dev/null
kill -HUP "$SRV_PID"
check "serve reloads (no tenants.txt now)" wait_for 30 reloaded
check "refresh with no tenants file on the server" na refresh
check "status: no tenants file (the repository has none)" wait_for 10 \
	status_has "tenants file: *none (the repository has none)"
check "a 404 is no error (tenants_file_errors unchanged)" test "$(stat_of tenants_file_errors)" = "$e0"

# ---- etcd: publish with the tenants file, the agent switched to etcd:// -----------------------
nsenter --net=/var/run/netns/"$S" etcd --name m1 --data-dir "$TMP/etcd" \
	--listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
	--listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
	--initial-cluster m1=http://127.0.0.1:23800 >"$TMP/etcd.log" 2>&1 &
ETCD_PID=$!
check "etcd up" wait_for 30 ctl endpoint health
check "compile serial 3 with t3" compile 3 "$TMP/t3" "$TMP/repo3"
check "publish --etcd: the rows and the tenants file of serial 3" bash -c \
	"nsenter --net=/var/run/netns/$S $NAREPO publish --etcd 127.0.0.1:23790 $TMP/repo3 >$TMP/publish.log 2>&1 &&
	 grep -q 'the tenants file' $TMP/publish.log"
check "etcd holds <serial 3>/tenants, byte for byte" bash -c \
	"$(declare -f ctl inns); S=$S; ctl get /netlord/serials/00000000000000000003/tenants --print-value-only | cmp -s - <(cat $TMP/t3; echo)"
printf 'repo = etcd://127.0.0.1:23790/netlord\n' >"$TMP/na.conf"
kill -HUP "${AGENT_PID[1]}"
check "the agent loads serial 3 from etcd" wait_for 30 status_has "VLAN table: *loaded, serial 3,"
check "t3 in force from etcd (3 tenants, with serial 3)" wait_for 10 \
	status_has "tenants file: *3 tenants, 4 subnets, 0 routes, ETag \"t-[0-9a-f]*\", with serial 3,"
E3=$(etag_in_force)
# serial 4 by hand: our row, a bad tenants value, then current
r0=$(stat_of tenants_file_refused)
check "compile serial 4" compile 4 "$TMP/t3" "$TMP/repo4"
ctl put "/netlord/serials/00000000000000000004/rows/$SWMAC" <"$TMP/repo4/rows/$SWMAC" >/dev/null
ctl put /netlord/serials/00000000000000000004/tenants <"$TMP/tbad" >/dev/null
ctl put /netlord/current '{"serial":"4"}' >/dev/null
check "etcd: a bad tenants value of serial 4 is refused and counted" wait_for 30 more_refused
check "etcd: serial 4's rows load, the tenants file in force stays" bash -c \
	"$(declare -f na); NA=$NA S=$S U=$U; for i in \$(seq 50); do na status | grep -q 'serial 4,' && break; sleep 0.2; done;
	 na status | grep 'tenants file:' | grep -qF '$E3'"

finish

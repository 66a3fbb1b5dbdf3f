#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Operating the agent (issue 14, docs/operations.md), on one server behind
# an emulated edge switch in network namespaces with real lldpd:
#   - systemd readiness without systemd: NOTIFY_SOCKET is a unix datagram
#     socket this test owns (notify_listen.py); READY=1 must come only after
#     LLDP named the location AND the VLAN table was loaded, WATCHDOG=1 must
#     keep coming, `status --check` must follow (exit 6, then 0);
#   - the configuration file: settings from it, SIGHUP reload of what can
#     change (metrics address, log level), refusal of what cannot (encap), a
#     bad file rejected with its line and key while the old settings stay;
#   - /metrics: Debian's `promtool check metrics` on a scrape, the series a
#     spoofing VM makes; a real Prometheus server scraping the agent, asked
#     over its HTTP API for NetLord series.
# Needs root.  Prints "agent-ops: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nlosw$T
SRV=nlos$T
VM=nlov$T
UP=no$T
VIF=nvo$T
SWMAC=02:5d:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-ops.XXXXXX)
chmod 755 "$TMP"
PASS=0
FAIL=0
AGENT=
LISTENER=
PROM=

na() { timeout 10 nsenter --net=/var/run/netns/"$SRV" "$NA" "$@"; }
# HTTP GET from inside the server's namespace (python: no curl needed)
get() {
	inns "$SRV" python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"
}
not_get() { ! get "$1" >/dev/null 2>&1; }

cleanup() {
	set +e
	[ -n "$PROM" ] && kill "$PROM" 2>/dev/null
	[ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	[ -f "$TMP/lldpd.pid" ] && kill "$(cat "$TMP/lldpd.pid")" 2>/dev/null
	sleep 0.3
	[ -n "$AGENT" ] && kill -9 "$AGENT" 2>/dev/null
	[ -n "$PROM" ] && kill -9 "$PROM" 2>/dev/null
	nw_detach "$SRV" "$UP"
	rm -rf "${NETLORD_STATE_DIR:-/var/lib/netlord}/$UP.vifs" # persisted VIF records
	for n in "$SW" "$SRV" "$VM"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	nw_show_logs 40 "$TMP"/*.log
	[ -n "${KEEP_SCRAPE:-}" ] && cp "$TMP/scrape1.txt" "$KEEP_SCRAPE"; rm -rf "$TMP"
}
trap cleanup EXIT

nw_require agent-ops lldpd lldpcli nsenter python3 promtool prometheus

# ---- the systemd units (pointing at this build) ---------------------------------------------
if command -v systemd-analyze >/dev/null; then
	REPO_BIN=$(dirname "$NA")/na-repo
	sed "s|/usr/sbin/na-loader|$NA|" "$HERE/../../scripts/na-loader@.service" \
		>"$TMP/na-loader@lo.service"
	sed "s|/usr/bin/na-repo|$REPO_BIN|" "$HERE/../../scripts/na-repo.service" \
		>"$TMP/na-repo.service"
	for u in "na-loader@lo.service" na-repo.service; do
		check "systemd-analyze verify $u" \
			systemd-analyze verify --man=no "$TMP/$u"
	done
	check "na-loader@.service is Type=notify" grep -q '^Type=notify$' "$TMP/na-loader@lo.service"
	check "na-loader@.service has a watchdog" grep -q '^WatchdogSec=' "$TMP/na-loader@lo.service"
else
	echo "NOTE: systemd-analyze not installed: units not verified (not counted)"
fi

# ---- one switch, one server, one VM --------------------------------------------------------
ip netns add "$SW"
ip netns add "$SRV"
ip netns add "$VM"
for n in "$SW" "$SRV" "$VM"; do inns "$n" ip link set lo up; done
ip link add "swp$T" type veth peer name "$UP"
ip link set "swp$T" netns "$SW"
ip link set "$UP" netns "$SRV"
inns "$SW" ip link set "swp$T" name swp1 # port 1: lldpd sends the port's name
inns "$SW" ip link set swp1 address "$SWMAC" up
inns "$SRV" ip link set "$UP" up

# ---- configuration: the VLAN table file does not exist yet ---------------------------------
MPORT=9101
nw_key_file "$TMP/nlarp.key"
cat >"$TMP/na-loader.conf" <<CONF
# test configuration (docs/operations.md); the NL-ARP key comes from it too
repo = $TMP/vlan-table.txt
key_file = $TMP/nlarp.key
log_level = info
metrics = 127.0.0.1:$MPORT

[$UP]
refresh_interval = 2
CONF
check "config check: the test's file is good" "$NA" config check "$TMP/na-loader.conf"

# ---- the agent, under a fake systemd ---------------------------------------------------------
python3 "$HERE/notify_listen.py" "$TMP/notify.sock" "$TMP/notify.log" &
LISTENER=$!
wait_for 5 test -S "$TMP/notify.sock" || bad "notify listener started"
NOTIFY_SOCKET="$TMP/notify.sock" WATCHDOG_USEC=2000000 \
	nsenter --net=/var/run/netns/"$SRV" "$NA" attach "$UP" --config "$TMP/na-loader.conf" \
	>>"$TMP/agent.log" 2>&1 &
AGENT=$!
check "agent started (control socket)" wait_for 10 test -S "/run/netlord/$UP.sock"

notified() { grep -q "$1" "$TMP/notify.log"; }
check "sd_notify: STATUS says waiting for LLDP" wait_for 10 notified "STATUS=waiting for LLDP"
check "sd_notify: WATCHDOG=1 arrives" wait_for 10 notified "WATCHDOG=1"
check "sd_notify: no READY=1 before LLDP" bash -c "! grep -q READY=1 $TMP/notify.log"
na status --check -i "$UP" >"$TMP/check.out"
rc=$?
check "status --check before LLDP: exit 6 (not ready), got $rc" test "$rc" -eq 6

# ---- LLDP: the location, but still no VLAN table -------------------------------------------------
nw_lldpd "$SW" swp1 "netlord ops test switch"
check "sd_notify: STATUS says waiting for the VLAN table after LLDP" \
	wait_for 20 notified "STATUS=switch .* waiting for the VLAN table"
check "sd_notify: no READY=1 with a location but no VLAN table" \
	bash -c "! grep -q READY=1 $TMP/notify.log"
na status --check -i "$UP" >"$TMP/check.out"
rc=$?
check "status --check without a VLAN table: exit 6, got $rc ($(cat "$TMP/check.out"))" \
	test "$rc" -eq 6

# ---- the VLAN table appears: READY=1 ------------------------------------------------------
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 7
check "sd_notify: READY=1 once the VLAN table is loaded" wait_for 15 notified "READY=1"
ready_line=$(grep -n 'READY=1' "$TMP/notify.log" | head -1 | cut -d: -f1)
lldp_line=$(grep -n 'waiting for the VLAN table' "$TMP/notify.log" | head -1 | cut -d: -f1)
check "sd_notify: READY=1 (line $ready_line) came after the VLAN-table wait (line $lldp_line)" \
	test "${ready_line:-0}" -gt "${lldp_line:-999999}"
check "sd_notify: READY=1 carries STATUS=forwarding ... serial 7" \
	bash -c "grep 'READY=1' $TMP/notify.log | head -1 | grep -q 'STATUS=forwarding: switch .*serial 7'"
na status --check -i "$UP" >"$TMP/check.out"
rc=$?
check "status --check when ready: exit 0, got $rc ($(cat "$TMP/check.out"))" test "$rc" -eq 0
wd=$(grep -c 'WATCHDOG=1' "$TMP/notify.log")
check "sd_notify: WATCHDOG=1 keeps arriving (more than $wd)" \
	wait_for 10 bash -c "[ \$(grep -c 'WATCHDOG=1' $TMP/notify.log) -gt $wd ]"
check "sd_notify: READY=1 sent once" test "$(grep -c 'READY=1' "$TMP/notify.log")" -eq 1

# ---- a spoofing VM ----------------------------------------------------------------------------
ip link add "$VIF" type veth peer name eth0 netns "$VM"
ip link set "$VIF" netns "$SRV"
inns "$SRV" ip link set "$VIF" up
inns "$VM" ip link set eth0 address 52:54:00:0c:00:01 mtu 1458 up # the default gre mode
inns "$VM" ip addr add 192.168.7.1/24 dev eth0
check "vif add (tenant 321)" na vif add "$VIF" -i "$UP" --tenant 321 --mac-as 1 \
	--mac 52:54:00:0c:00:01 --ip 192.168.7.1/24
# a source address the VIF does not own: tx_spoof_ip (ARP or IPv4)
inns "$VM" ip addr add 192.168.7.66/24 dev eth0
inns "$VM" ping -c 2 -i 0.2 -W 1 -I 192.168.7.66 192.168.7.2 >/dev/null 2>&1

# ---- /metrics -----------------------------------------------------------------------------------
wait_for 5 get "http://127.0.0.1:$MPORT/metrics" || true
get "http://127.0.0.1:$MPORT/metrics" >"$TMP/scrape1.txt" 2>>"$TMP/scrape.log"
check "metrics: a scrape answered ($(wc -l <"$TMP/scrape1.txt") lines)" test -s "$TMP/scrape1.txt"
promtool check metrics <"$TMP/scrape1.txt" >"$TMP/promtool.log" 2>&1
rc=$?
check "metrics: promtool check metrics accepts the scrape (exit $rc, $(wc -l <"$TMP/promtool.log") findings)" \
	test "$rc" -eq 0 -a ! -s "$TMP/promtool.log"
has() { grep -qE "$1" "$TMP/scrape1.txt"; }
check "metrics: netlord_agent_ready 1" has '^netlord_agent_ready 1$'
check "metrics: netlord_vlan_table_serial 7" has '^netlord_vlan_table_serial 7$'
check "metrics: agent info with the uplink" has "^netlord_agent_info\\{.*uplink=\"$UP\""
check "metrics: location info names the switch and port 1" \
	has "^netlord_location_info\\{switch_mac=\"$SWMAC\",port=\"1\"\\} 1$"
check "metrics: the spoofing VM's drops counted under tx_spoof_ip" \
	bash -c "grep -E '^netlord_datapath_drops_total\\{reason=\"tx_spoof_ip\"\\} [1-9]' $TMP/scrape1.txt"
check "metrics: per-VIF packets labelled by tenant and vif" \
	has "^netlord_vif_packets_total\\{tenant=\"321\",vif=\"$VIF\",direction=\"tx\"\\} "
check "metrics: NART occupancy (entries and capacity) of NART-1" \
	bash -c "grep -qE '^netlord_nart_entries\\{table=\"nart1\"\\} [1-9]' $TMP/scrape1.txt && grep -qE '^netlord_nart_capacity_entries\\{table=\"nart1\"\\} [1-9]' $TMP/scrape1.txt"
check "metrics: NL-ARP HERE sent counted" \
	has '^netlord_nlarp_messages_total\{direction="tx",type="here"\} [1-9]'
check "metrics: path health for the pair (switch, VLAN 0)" \
	has "^netlord_path_up\\{switch_mac=\"$SWMAC\",vlan=\"0\"\\} 1$"
check "metrics: no page at another path (HTTP 404)" not_get "http://127.0.0.1:$MPORT/nope"

# scrape size and time (printed, not asserted)
inns "$SRV" python3 -c 'import statistics, sys, time, urllib.request
ts = []
for _ in range(20):
    t = time.perf_counter()
    body = urllib.request.urlopen(sys.argv[1], timeout=5).read()
    ts.append((time.perf_counter() - t) * 1000)
lines = len(body.splitlines())
print(f"NOTE: /metrics: {len(body)} bytes, {lines} lines, "
      f"median {statistics.median(ts):.2f} ms over 20 scrapes (1 VIF)")' \
	"http://127.0.0.1:$MPORT/metrics"

# clients that never finish their request hold the HTTP thread's connections,
# not the agent's loop: the control socket and the watchdog go on
inns "$SRV" python3 -c 'import socket, sys, time
socks = []
for _ in range(24):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    except OSError:
        pass
time.sleep(6)' "$MPORT" &
SLOW=$!
sleep 1
wd=$(grep -c 'WATCHDOG=1' "$TMP/notify.log")
check "stalled HTTP clients: the agent still answers status" na status -i "$UP"
check "stalled HTTP clients: WATCHDOG=1 goes on" \
	wait_for 5 bash -c "[ \$(grep -c 'WATCHDOG=1' $TMP/notify.log) -gt $wd ]"
wait "$SLOW" 2>/dev/null
check "after the stalled clients left: /metrics answers again" \
	wait_for 15 get "http://127.0.0.1:$MPORT/metrics"

# ---- a real Prometheus server scrapes the agent ------------------------------------------------
PPORT=9190
cat >"$TMP/prometheus.yml" <<PY
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $HERE/../../packaging/netlord-alerts.yml
scrape_configs:
  - job_name: netlord
    static_configs:
      - targets: ['127.0.0.1:$MPORT']
PY
inns "$SRV" prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/prom-data" \
	--web.listen-address="127.0.0.1:$PPORT" >>"$TMP/prometheus.log" 2>&1 &
PROM=$!
query() { # PromQL -> the first sample's value
	get "http://127.0.0.1:$PPORT/api/v1/query?query=$1" |
		python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}
prom_has() { [ "$(query "$1")" = "$2" ]; }
check "prometheus: scraped the agent (up{job=\"netlord\"} == 1)" wait_for 60 prom_has 'up{job="netlord"}' 1
check "prometheus: netlord_agent_ready == 1" wait_for 20 prom_has netlord_agent_ready 1
check "prometheus: netlord_vlan_table_serial == 7" wait_for 20 prom_has netlord_vlan_table_serial 7
spoof_seen() { [ -n "$(query 'netlord_datapath_drops_total{reason="tx_spoof_ip"}>0')" ]; }
check "prometheus: the tx_spoof_ip drop series is there (> 0)" wait_for 20 spoof_seen
# the example alerting rules evaluate against the real series without error
NRULES=$(grep -c -- '- alert:' "$HERE/../../packaging/netlord-alerts.yml")
rules_ok() {
	get "http://127.0.0.1:$PPORT/api/v1/rules" | python3 -c 'import json, sys
rules = [r for g in json.load(sys.stdin)["data"]["groups"] for r in g["rules"]]
ok = len(rules) == int(sys.argv[1]) and all(r["health"] == "ok" and r.get("lastEvaluation", "").startswith("2") for r in rules)
sys.exit(0 if ok else 1)' "$NRULES"
}
check "prometheus: the $NRULES example alerting rules evaluated with health ok" wait_for 20 rules_ok
missing=$(grep -o 'netlord_[a-z_]*' "$HERE/../../packaging/netlord-alerts.yml" | sort -u |
	while read -r m; do grep -q "^$m[{ ]" "$TMP/scrape1.txt" || echo "$m"; done)
check "every metric the example rules use is exported${missing:+ (missing: $missing)}" \
	test -z "$missing"
kill "$PROM" 2>/dev/null
wait "$PROM" 2>/dev/null
PROM=

# ---- SIGHUP: reload what can change, refuse what cannot -------------------------------------
MPORT2=9102
sed -i -e "s/^metrics = .*/metrics = 127.0.0.1:$MPORT2/" -e "s/^log_level = .*/log_level = debug/" \
	"$TMP/na-loader.conf"
echo "encap = udp" >>"$TMP/na-loader.conf"
kill -HUP "$AGENT"
check "reload: metrics moved to port $MPORT2" wait_for 10 get "http://127.0.0.1:$MPORT2/metrics"
check "reload: the old port $MPORT is closed" not_get "http://127.0.0.1:$MPORT/metrics"
check "reload: log level debug applied" grep -q "reload: log_level info -> debug" "$TMP/agent.log"
check "reload: encap change refused and said so" \
	grep -q "reload: encap = udp needs a detach and a new attach; gre stays" "$TMP/agent.log"
check "sd_notify: RELOADING=1 then READY=1 again" \
	bash -c "grep -A3 RELOADING=1 $TMP/notify.log | grep -q '^READY=1'"
# a bad file: nothing changes, the line and key are named
printf 'key_file = %s\nmetrics = 127.0.0.1:%s\nrefresh_interval = never\n' "$TMP/nlarp.key" \
	"$MPORT" >"$TMP/na-loader.conf"
kill -HUP "$AGENT"
check "reload of a bad file: line 3 and key refresh_interval named, nothing changed" \
	wait_for 10 grep -q "na-loader.conf:3: key 'refresh_interval'.*nothing changed" "$TMP/agent.log"
check "reload of a bad file: metrics still on port $MPORT2" get "http://127.0.0.1:$MPORT2/metrics"

# ---- config check ------------------------------------------------------------------------------
printf '[eth9]\nencap = vxlan\n' >"$TMP/bad.conf"
out=$("$NA" config check "$TMP/bad.conf" 2>&1)
rc=$?
names_it() { [ "$rc" -eq 1 ] && grep -q "bad.conf:2: \[eth9\] key 'encap'" <<<"$out"; }
check "config check: bad value -> exit 1 naming line 2, section and key ($out)" names_it
out=$("$NA" config check "$TMP/none.conf" 2>&1)
rc=$?
check "config check: missing file -> exit 2 ($out)" test "$rc" -eq 2

# ---- the agent stops: STOPPING=1 ------------------------------------------------------------
kill "$AGENT"
wait "$AGENT" 2>/dev/null
AGENT=
check "sd_notify: STOPPING=1 on SIGTERM" wait_for 5 notified "STOPPING=1"

echo "agent-ops: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

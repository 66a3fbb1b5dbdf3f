#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Real QEMU guests on tap VIFs, and their live migration (issue 12; patent
# [0019]-[0026]: VMs behind NAs; [0034]-[0035]: a VM that moves).
#
# Three servers are network namespaces on the host behind one emulated edge
# switch with an untagged fabric (tests/lib/netns-world.sh, as the agent
# integration test does: the host kernel has no 802.1Q).  Server 1's agent
# receives with XDP (frames for its guest are XDP-redirected into the tap),
# server 2's with tc (after GRO, handed to the tap by tc).  Guests are QEMU
# processes (TCG here, scripts/guest/lib.sh) whose virtio-net NIC is a tap in
# their server's namespace, registered with `na-loader vif add`; each boots
# the tiny initramfs of scripts/guest/build-initramfs.sh.  A namespace VM on
# server 3 is the "other server" of the migration measurement.
#
#   1. guests: g1 on server 1 with virtio offloads (checksum, TSO), g2 on
#      server 2 without any; ping both ways and to server 3, TCP (iperf3)
#      both ways, then again with g1's offloads turned off inside the guest
#      (ethtool -K) and with g1's MTU at 1500 (larger than the VIF's: the
#      datapath's ICMP "fragmentation needed" must make TCP fit);
#   2. live migration of g1 from server 1 to server 2 with QEMU's own
#      migration, ordered as libvirt does: `vif add --incoming-migration` on
#      the destination, migrate, `vif del` at the source; 1,000 echo
#      requests a second from server 3 towards g1 throughout.  Checked: no
#      HERE before the guest resumed (server 3 still sends to server 1
#      during the pre-copy phase), every NA learns the new place, g1
#      answers at the destination, nothing is delivered to the source's tap
#      after `vif del`.  Printed (never asserted): packets lost, the reply
#      gap versus QEMU's downtime, the time until every NA had the new place.
#
# Prints "guest: N passed, M failed".  Needs root, qemu-system-x86_64.
#   NA_ENCAP=ip|udp|gre (default gre)  KEEP_LOGS=1
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/netns-world.sh
. "$root/tests/lib/netns-world.sh"

NA=${NA_LOADER:-$root/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=ngsw$T
SWMAC=02:5d:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-guest.XXXXXX)
chmod 755 "$TMP"
GDIR=$TMP
ENCAP=${NA_ENCAP:-gre}
case $ENCAP in
ip) VMMTU=1466 ;;
udp | gre) VMMTU=1458 ;;
*) echo "FAIL: NA_ENCAP must be ip, udp or gre"; echo "guest: 0 passed, 1 failed"; exit 1 ;;
esac
PASS=0
FAIL=0
declare -A AGENT_PID
# shellcheck source=../../scripts/guest/lib.sh
. "$root/scripts/guest/lib.sh"

srv() { echo "ngs$T$1"; }  # server namespace
up() { echo "ngu$T$1"; }   # server uplink
tap() { echo "ngt$T$1"; }  # a guest's tap
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
gx() { guest_exec "$@"; } # instance timeout command

cleanup() {
	set +e
	for i in g1 g2 g1m g1b; do guest_stop $i; done
	nw_stop_world "^ng(sw|s|v)$T" 1 2 3
	nw_show_logs 30 "$TMP"/agent*.log "$TMP"/*.console "$TMP"/g*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require guest lldpd lldpcli iperf3 ping nsenter python3 ethtool qemu-system-x86_64 cpio
guest_prepare || nw_abort guest "cannot build the guest initramfs (scripts/guest/build-initramfs.sh)"

TENANT=100
MAC1=52:54:00:ee:00:01
MAC2=52:54:00:ee:00:02
MAC3=52:54:00:ee:00:03
IP1=10.77.0.1
IP2=10.77.0.2
IP3=10.77.0.3

# ---- the world: switch, VLAN table, key, agents, lldpd --------------------------------------
nw_switch "$SW" "$SWMAC"
for p in 1 2 3; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "ngp$p$T"; done
nw_switch_route "$SW" 3
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1
nw_key_file "$TMP/nlarp.key"
RX=([1]=xdp [2]=tc [3]=auto)
for s in 1 2 3; do
	nw_start_agent "$(srv $s)" "$(up $s)" $s --repo "$TMP/vlan-table.txt" --encap "$ENCAP" \
		--rx "${RX[$s]}" --key-file "$TMP/nlarp.key" -v
done
agent_running() { na "$1" status 2>/dev/null | grep -q '^agent: *running'; }
for s in 1 2 3; do wait_for 20 agent_running $s || nw_abort guest "agent $s did not start"; done
nw_lldpd "$SW" swp1,swp2,swp3 "netlord guest-test switch" || nw_abort guest "lldpd"
ready() { na "$1" status | grep -q 'state: *ready'; }
for s in 1 2 3; do wait_for 20 ready $s || nw_abort guest "agent $s not ready after LLDP"; done
echo "encapsulation $ENCAP; server 1 receives with XDP, server 2 with tc; VIF MTU $VMMTU"
check "server 1's uplink runs the XDP receive program" bash -c \
	"ip -n $(srv 1) link show dev $(up 1) | grep -q 'prog/xdp'"
check "server 2's uplink has no XDP program (--rx tc)" bash -c \
	"! ip -n $(srv 2) link show dev $(up 2) | grep -q 'prog/xdp'"

# ---- guests ------------------------------------------------------------------------------
guest_tap "$(srv 1)" "$(tap 1)" || nw_abort guest "tap on server 1"
guest_tap "$(srv 2)" "$(tap 2)" || nw_abort guest "tap on server 2"
check "vif add g1's tap on server 1" na 1 vif add "$(tap 1)" --tenant $TENANT --mac-as 1 \
	--mac $MAC1 --ip $IP1/24
check "vif add g2's tap on server 2" na 2 vif add "$(tap 2)" --tenant $TENANT --mac-as 1 \
	--mac $MAC2 --ip $IP2/24
xdp_target() { na 1 vif list | grep "$(tap 1)" | grep -q xdp-redirect; }
check "a tap VIF is an XDP-redirect target" xdp_target
# addresses: from the agent's DHCP server (busybox udhcpc in the guest) when
# the agent has one (its datapath counts DHCP requests handed to it), else
# static with the VIF MTU, as DHCP would give them
if na 1 stats | grep -q tx_punt_dhcp4; then
	ADDR=dhcp
	g_append() { echo "ng.ip=dhcp"; }
else
	ADDR=static
	g_append() { echo "ng.ip=$1/24 ng.mtu=$VMMTU"; }
fi
echo "guest addresses: $ADDR"
GUEST_APPEND=$(g_append $IP1) guest_start g1 "$(srv 1)" "$(tap 1)" $MAC1 on
GUEST_APPEND=$(g_append $IP2) guest_start g2 "$(srv 2)" "$(tap 2)" $MAC2 off
nw_vm "ngv${T}3" "ngf${T}3" "$(srv 3)" $MAC3 $IP3/24 $VMMTU on
check "vif add the namespace VM on server 3" na 3 vif add "ngf${T}3" --tenant $TENANT \
	--mac-as 1 --mac $MAC3 --ip $IP3/24
check "guest g1 booted (QEMU on server 1's tap)" guest_wait_ready g1 120
check "guest g2 booted (QEMU on server 2's tap)" guest_wait_ready g2 120
g_addr() { # instance ip -> eth0 has ip/24 and MTU $VMMTU
	local a
	a=$(gx "$1" 10 "ip -4 addr show dev eth0; ip link show dev eth0")
	grep -q "inet $2/24" <<<"$a" && grep -q "mtu $VMMTU " <<<"$a"
}
check "g1 has $IP1/24 and MTU $VMMTU ($ADDR)" g_addr g1 $IP1
check "g2 has $IP2/24 and MTU $VMMTU ($ADDR)" g_addr g2 $IP2
gx g1 10 'ethtool -k eth0' >"$TMP/g1.features" 2>&1
gx g2 10 'ethtool -k eth0' >"$TMP/g2.features" 2>&1
check "g1 negotiated checksum and TSO offloads" bash -c \
	"grep -q '^tcp-segmentation-offload: on' $TMP/g1.features && grep -q '^tx-checksumming: on' $TMP/g1.features"
check "g2 negotiated no offload" bash -c \
	"grep -q '^tcp-segmentation-offload: off' $TMP/g2.features && grep -q '^tx-checksumming: off' $TMP/g2.features"

quiet() { "$@" >/dev/null 2>&1; }
vm3() { nsenter --net=/var/run/netns/"ngv${T}3" "$@"; }
traffic() { # label
	local l=$1 rate
	check "$l: ping g1 -> g2 (XDP into g1's tap, tc into g2's)" quiet gx g1 30 "ping -q -c 3 -W 2 $IP2"
	check "$l: ping g2 -> g1" quiet gx g2 30 "ping -q -c 3 -W 2 $IP1"
	check "$l: ping server 3's VM -> g1" quiet vm3 ping -q -c 3 -i 0.2 -W 2 $IP1
	gx g2 10 "iperf3 -s -1 -D" >/dev/null
	sleep 1
	check "$l: TCP g1 -> g2 (iperf3, 4 MB)" gx g1 90 "iperf3 -c $IP2 -n 4M -J > /tmp/up.json"
	rate=$(gx g1 10 "cat /tmp/up.json" | python3 -c \
		'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' 2>/dev/null)
	echo "    $l: g1 -> g2 ${rate:-?} Mbit/s (TCG guests)"
	gx g1 10 "iperf3 -s -1 -D" >/dev/null
	sleep 1
	check "$l: TCP g2 -> g1 (iperf3, 4 MB)" gx g2 90 "iperf3 -c $IP1 -n 4M > /dev/null"
	gx g1 10 "iperf3 -s -1 -D" >/dev/null
	sleep 1
	check "$l: TCP server 3's VM -> g1 (4 MB)" vm3 timeout 90 iperf3 -c $IP1 -n 4M >/dev/null
}
traffic "offloads on (g1)"
gx g1 10 "ethtool -K eth0 tso off gso off tx off sg off" >/dev/null
g1_tso_off() { gx g1 10 'ethtool -k eth0' | grep '^tcp-segmentation-offload: off' >/dev/null; }
check "g1's offloads turned off inside the guest" g1_tso_off
traffic "offloads off (g1)"
gx g1 10 "ethtool -K eth0 tso on gso on tx on sg on; ip link set eth0 mtu 1500" >/dev/null
gx g2 10 "iperf3 -s -1 -D" >/dev/null
sleep 1
check "g1 with MTU 1500 (> VIF MTU $VMMTU): TCP to g2 through path MTU discovery" \
	gx g1 90 "iperf3 -c $IP2 -n 2M > /dev/null"
gx g1 10 "ip link set eth0 mtu $VMMTU" >/dev/null

counter() { na "$1" stats | awk -v c="$2" '$1 == c {print $2; exit}'; }
for s in 1 2; do
	check "server $s delivered decapsulated frames to its guest (rx_delivered $(counter $s rx_delivered))" \
		test "$(counter $s rx_delivered)" -gt 0
done
bad_counters=
for s in 1 2 3; do
	for c in rx_malformed rx_bad_csum tx_malformed tx_encap_failed tx_gso_ip_mode; do
		v=$(counter $s $c)
		[ "${v:-0}" -eq 0 ] || bad_counters+=" server$s:$c=$v"
	done
done
check "no malformed/bad-checksum/encap-failure drop counted${bad_counters:+:$bad_counters}" \
	test -z "$bad_counters"

# ---- live migration of g1 ------------------------------------------------------------------
nart_port() { # server -> port of g1 in that server's NART-2 ("" if none)
	na "$1" nart | awk -v m=$MAC1 -v t=$TENANT '$1 == t && $3 == m {for (i = 1; i < NF; i++) if ($i == "port") {print $(i + 1); exit}}'
}
every_na_at() { [ "$(nart_port 1)$(nart_port 2)$(nart_port 3)" = "$1$1$1" ]; }
tx_packets() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_packets"; }

# the figures (printed, never asserted: timings on a shared machine)
figures() { # label pinger.json migrate.json destination-server
	python3 - "$@" "$MAC1" "$TMP" <<'EOF'
import json, re, sys
label, pj, mj, dst, mac, tmp = sys.argv[1:7]
def ms(x):  # agent logs stamp whole milliseconds
    return "<1" if x < 1 else f"{x:.0f}"
p = json.load(open(pj))
try:
    m = json.load(open(mj))
except Exception:
    m = {}
print(f"    FIGURES {label}:")
print(f"      {p['sent']} echo requests at {p['rate']:.0f}/s from server 3, {p['lost']} without reply")
stop, resume, down = m.get("src_stop"), m.get("dst_resume"), m.get("downtime_ms")
if not (stop and resume):
    print(f"      QEMU: no STOP/RESUME events: {m}")
    sys.exit(0)
print(f"      QEMU: downtime {down} ms (query-migrate), total {m.get('total_ms')} ms; "
      f"source STOP -> destination RESUME {(resume - stop) * 1000:.0f} ms")
ls = p["lost_sent"]
before = sum(1 for t in ls if t < stop)
pause = sum(1 for t in ls if stop <= t < resume)
after = sum(1 for t in ls if t >= resume)
print(f"      lost echoes by send time: {before} before STOP (in flight), {pause} during the "
      f"pause, {after} after RESUME (the network's share)")
# the agents' own clocks: when each NA learned the new place
ts = {}
for s in (1, 2, 3):
    for line in open(f"{tmp}/agent{s}.log"):
        f = line.split(" ", 1)
        try:
            t = float(f[0])
        except ValueError:
            continue
        if t < m["started"] or s in ts:
            continue
        if str(s) == dst and re.search(rf"HERE tenant \d+ mac_as \d+ {mac} version", line):
            ts[s] = t
        elif str(s) != dst and re.search(rf"HERE tenant \d+ mac_as \d+ {mac} at port {dst} .*: (update|insert)", line):
            ts[s] = t
    if str(s) == dst:
        for line in open(f"{tmp}/agent{s}.log"):
            if "the guest transmitted" in line and float(line.split()[0]) >= m["started"]:
                fr = re.search(r"ethertype (0x[0-9a-f]+)\) \(frame at ([0-9.]+)", line)
                if fr:
                    print(f"      the guest's first frame (ethertype {fr.group(1)}) reached the "
                          f"destination tap {(float(fr.group(2)) - resume) * 1000:.1f} ms after RESUME; "
                          f"its NA acted on it {ms((float(line.split()[0]) - float(fr.group(2))) * 1000)} ms later")
                break
if ts:
    print("      NAs with the new place, ms after RESUME (agent logs): "
          + ", ".join(f"server {s} {ms((t - resume) * 1000)}" for s, t in sorted(ts.items()))
          + (f"; every NA: {ms((max(ts.values()) - resume) * 1000)} ms" if len(ts) == 3 else "; not all NAs"))
EOF
}

# from server $1 (instance $3 on tap $4) to server $2 (instance $5, new tap $6);
# $7: QEMU's announce-initial on the destination in ms ("" = QEMU's default, 50)
migrate_g1() {
	local from=$1 to=$2 si=$3 stap=$4 di=$5 dtap=$6 ann=$7 l="migration $1 -> $2" rc pinger at_del
	check "$l: before: every NA has g1 at port $from" every_na_at "$from"
	guest_tap "$(srv "$to")" "$dtap" || nw_abort guest "destination tap"
	check "$l: destination: vif add --incoming-migration" na "$to" vif add "$dtap" \
		--tenant $TENANT --mac-as 1 --mac $MAC1 --ip $IP1/24 --incoming-migration
	GUEST_APPEND=$(g_append $IP1) GUEST_INCOMING="unix:$TMP/mig-$di.sock" \
		guest_start g1 "$(srv "$to")" "$dtap" $MAC1 on "$di"
	sleep 2
	[ -n "$ann" ] && guest_qmp "$di" migrate-set-parameters "{\"announce-initial\": $ann}" >/dev/null
	check "$l: pre-copy: no HERE yet, every NA still has g1 at port $from" every_na_at "$from"
	check "$l: pre-copy: g1 still answers at the source" quiet vm3 ping -q -c 2 -i 0.2 -W 2 $IP1
	# the stream from server 3, then the migration
	vm3 python3 "$root/scripts/guest/pinger.py" $IP1 1000 12 "$TMP/pinger-$di.json" &
	pinger=$!
	sleep 3
	guest_migrate "$si" "$di" "unix:$TMP/mig-$di.sock" >"$TMP/migrate-$di.json" 2>"$TMP/migrate-$di.err"
	rc=$?
	cat "$TMP/migrate-$di.json" "$TMP/migrate-$di.err" | sed 's/^/    migrate: /'
	check "$l: QEMU live migration completed, g1 runs at the destination" test $rc -eq 0
	# libvirt's order: the source's VIF goes after the migration
	check "$l: source: vif del" na "$from" vif del "$stap"
	at_del=$(tx_packets "$(srv "$from")" "$stap")
	wait $pinger
	guest_stop "$si"
	check "$l: after: every NA has g1 at port $to" every_na_at "$to"
	check "$l: after: nothing delivered to the source's tap after vif del" \
		test "$(tx_packets "$(srv "$from")" "$stap")" = "$at_del"
	check "$l: after: server 3's VM -> g1 at the destination" quiet vm3 ping -q -c 3 -i 0.2 -W 2 $IP1
	check "$l: after: g1 -> g2" quiet gx "$di" 30 "ping -q -c 3 -W 2 $IP2"
	gx g2 10 "iperf3 -s -1 -D" >/dev/null
	sleep 1
	check "$l: after: TCP g1 -> g2 (2 MB)" gx "$di" 90 "iperf3 -c $IP2 -n 2M > /dev/null"
	check "$l: the destination agent announced on the guest's first frame" \
		grep -q "VIF $dtap: the guest transmitted .*live migration arrived" "$TMP/agent$to.log"
	figures "$l, QEMU announce-initial ${ann:-50 (default)} ms" "$TMP/pinger-$di.json" \
		"$TMP/migrate-$di.json" "$to"
}

# there and back: the XDP-receiving server to the tc one and back, QEMU's default announce
migrate_g1 1 2 g1 "$(tap 1)" g1m "$(tap 1m)" ""
migrate_g1 2 1 g1m "$(tap 1m)" g1b "$(tap 1b)" ""

echo "guest: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

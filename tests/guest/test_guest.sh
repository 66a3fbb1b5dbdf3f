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
# The world, the guests' VIFs, migrate_g1 and its figures are
# scripts/guest/world.sh and scripts/guest/migfigures.py, shared with the
# demo's guest stage (scripts/dc/demo-guests.sh).
#
# Prints "guest: N passed, M failed".  Needs root, qemu-system-x86_64.
#   NA_ENCAP=ip|udp|gre (default gre)  KEEP_LOGS=1
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$root/tests/lib/netns-world.sh"
# shellcheck source=SCRIPTDIR/../../scripts/guest/lib.sh
. "$root/scripts/guest/lib.sh"
# shellcheck source=SCRIPTDIR/../../scripts/guest/world.sh
. "$root/scripts/guest/world.sh"

NA=${NA_LOADER:-$root/build/na-loader}
TMP=$(mktemp -d /tmp/na-guest.XXXXXX)
chmod 755 "$TMP"
GDIR=$TMP
PASS=0
FAIL=0
declare -A AGENT_PID
gw_init ng "${NA_ENCAP:-gre}" || { echo "FAIL: NA_ENCAP: $GW_ERR"; echo "guest: 0 passed, 1 failed"; exit 1; }

cleanup() {
	set +e
	gw_teardown g1 g2 g1m g1b
	nw_show_logs 30 "$TMP"/agent*.log "$TMP"/*.console "$TMP"/g*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require guest lldpd lldpcli iperf3 ping nsenter python3 ethtool qemu-system-x86_64 cpio
guest_prepare || nw_abort guest "cannot build the guest initramfs (scripts/guest/build-initramfs.sh)"

# ---- the world: switch, VLAN table, key, agents, lldpd --------------------------------------
gw_world_up || nw_abort guest "$GW_ERR"
echo "encapsulation $ENCAP; server 1 receives with XDP, server 2 with tc; VIF MTU $VMMTU"
check "server 1's uplink runs the XDP receive program" bash -c \
	"ip -n $(srv 1) link show dev $(up 1) | grep -q 'prog/xdp'"
check "server 2's uplink has no XDP program (--rx tc)" bash -c \
	"! ip -n $(srv 2) link show dev $(up 2) | grep -q 'prog/xdp'"
gw_addr_modes
echo "guest addresses: IPv4 $ADDR, IPv6 $ADDR6"

# ---- guests ------------------------------------------------------------------------------
check "tap and vif add g1's tap on server 1" gw_plug 1 "$(tap 1)" $MAC1 $IP1 $IP6_1
check "tap and vif add g2's tap on server 2" gw_plug 2 "$(tap 2)" $MAC2 $IP2 $IP6_2
xdp_target() { na 1 vif list | grep "$(tap 1)" | grep -q xdp-redirect; }
check "a tap VIF is an XDP-redirect target" xdp_target
gw_boot g1 1 "$(tap 1)" $MAC1 $IP1 $IP6_1 on
gw_boot g2 2 "$(tap 2)" $MAC2 $IP2 $IP6_2 off
check "vif add the namespace VM on server 3" gw_vm3_up
for g in g1 g2; do
	guest_wait_ready $g 180 || nw_abort guest "guest $g did not boot: $(tail -n 5 "$TMP/$g.log" "$TMP/$g.console" 2>&1 | tr '\n' ' ')"
	ok "guest $g booted (QEMU on its server's tap)"
done
check "g1 has $IP1/24 and MTU $VMMTU ($ADDR)" g_addr g1 $IP1
check "g2 has $IP2/24 and MTU $VMMTU ($ADDR)" g_addr g2 $IP2
if [ "$ADDR6" != none ]; then
	check "g1 has $IP6_1/64 ($ADDR6)" wait_for 20 g_addr6 g1 $IP6_1
	check "g2 has $IP6_2/64 ($ADDR6)" wait_for 20 g_addr6 g2 $IP6_2
fi
gx g1 10 'ethtool -k eth0' >"$TMP/g1.features" 2>&1
gx g2 10 'ethtool -k eth0' >"$TMP/g2.features" 2>&1
check "g1 negotiated checksum and TSO offloads" bash -c \
	"grep -q '^tcp-segmentation-offload: on' $TMP/g1.features && grep -q '^tx-checksumming: on' $TMP/g1.features"
check "g2 negotiated no offload" bash -c \
	"grep -q '^tcp-segmentation-offload: off' $TMP/g2.features && grep -q '^tx-checksumming: off' $TMP/g2.features"

traffic() { # label
	local l=$1 rate
	check "$l: ping g1 -> g2 (XDP into g1's tap, tc into g2's)" quiet gx g1 30 "ping -q -c 3 -W 2 $IP2"
	check "$l: ping g2 -> g1" quiet gx g2 30 "ping -q -c 3 -W 2 $IP1"
	check "$l: ping server 3's VM -> g1" quiet vm3 ping -q -c 3 -i 0.2 -W 2 $IP1
	if [ "$ADDR6" != none ]; then
		check "$l: ping6 g1 -> g2" quiet gx g1 30 "ping6 -q -c 3 -W 2 $IP6_2"
		check "$l: ping6 server 3's VM -> g1" quiet vm3 ping -6 -q -c 3 -i 0.2 -W 2 $IP6_1
	fi
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

# ---- live migration of g1 (scripts/guest/world.sh: migrate_g1) -------------------------------
# there and back: the XDP-receiving server to the tc one and back, QEMU's default announce
migrate_g1 1 2 g1 "$(tap 1)" g1m "$(tap 1m)" ""
migrate_g1 2 1 g1m "$(tap 1m)" g1b "$(tap 1b)" ""

echo "guest: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

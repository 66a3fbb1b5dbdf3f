#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Segmentation offloads through the real datapath (issue 13), on the
# bench-e2e topology (scripts/bench-e2e/topo.sh: two hypervisors, one edge
# switch that segments like a wire, namespaces as VMs):
#  - UDP-GSO: a VM sends with UDP_SEGMENT (one 8-datagram packet per send);
#    across the switch the peer VM must receive every datagram, whole, in
#    udp and gre modes (encapsulated as one GSO packet with the MSS kept:
#    BPF_F_ADJ_ROOM_FIXED_GSO), with both receive paths;
#  - TSO/GRO: 20 MB of TCP in gre mode with the tc receive path: the
#    uplink's GRO must merge the GRE segments, so the datapath decapsulates
#    far fewer frames than the TCP segments that crossed the switch;
#  - a tap guest (TOPO_TAP_VM2: a tap VIF with vnet headers and TSO, and a
#    relay into a real TCP stack, as QEMU does) receives 10 MB of TCP in gre
#    mode through the tc receive path: at least 1 MB reaches the guest (iperf3
#    ends before a slow relay has moved all of it), every frame the tap hands it
#    is either a GSO aggregate with its metadata or fits the VM MTU, and the
#    transfer completes (the aggregate reached the guest intact, whole or
#    re-segmented by the kernel; which one is printed);
#  - the counters show no drop reason.
# Ends with "offload: N passed, M failed".
#   NL_STATIC=build/bench/nl-static tests/offload/test_offload.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
NL_STATIC=${NL_STATIC:-$root/build/bench/nl-static}
export NL_STATIC
# shellcheck source=../lib/counters.sh
. "$root/tests/lib/counters.sh"
tc_init offload

for tool in ip ethtool iperf3 python3; do
	command -v "$tool" >/dev/null || { bad "$tool is missing"; finish; }
done
[ -x "$NL_STATIC" ] || { bad "nl-static not built: $NL_STATIC"; finish; }
TOPO_LOGDIR=$(mktemp -d /tmp/nl-offload.XXXXXX)
# shellcheck source=../../scripts/bench-e2e/topo.sh
source "$root/scripts/bench-e2e/topo.sh"
cleanup() {
	topo_down
	rm -rf "$TOPO_LOGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BAD_COUNTERS="tx_malformed tx_mtu tx_gso_ip_mode tx_encap_failed rx_not_ready rx_malformed
rx_bad_csum rx_bad_proto rx_bad_tenant rx_inner_bcast rx_not_here"
SEGS=8
SIZE=1000
SENDS=50

counter() { # mode hv name -> value (after topo_down)
	awk -v c="$3" '$1 == "nl-static" && $3 == c {print $4}' \
		"$TOPO_LOGDIR/$(topo_prefix "$1")-nl-static-hv$2.log"
}

uso() { # mode
	local m=$1 P out
	P=$(topo_prefix "$m")
	out=$TOPO_LOGDIR/$m.uso
	ip netns exec "${P}vm2" python3 "$here/uso.py" recv "$TOPO_VM2_IP" 7000 \
		$((SENDS * SEGS)) "$SIZE" 3 >"$out" 2>&1 &
	local rx=$!
	for _ in $(seq 50); do
		grep -q listening "$out" && break
		sleep 0.1
	done
	ip netns exec "${P}vm1" python3 "$here/uso.py" send "$TOPO_VM2_IP" 7000 "$SENDS" \
		"$SEGS" "$SIZE" >"$out.tx" 2>&1
	wait "$rx"
	if grep -q "^received $((SENDS * SEGS)) of size $SIZE, 0 other" "$out"; then
		ok "$m: UDP_SEGMENT: $((SENDS * SEGS)) datagrams of $SIZE bytes arrived"
	else
		bad "$m: UDP_SEGMENT: $(cat "$out.tx" "$out" | tr '\n' ' ')"
	fi
}

modes="udp udp-tc gre gre-xdp"
for m in $modes; do
	if ! topo_up "$m"; then
		bad "$m: topology"
		continue
	fi
	P=$(topo_prefix "$m")
	# the VM really offloads UDP segmentation (veth default)
	if ip netns exec "${P}vm1" ethtool -k eth0 | grep -q '^tx-udp-segmentation: on'; then
		ok "$m: VM has tx-udp-segmentation on"
	else
		bad "$m: VM has no tx-udp-segmentation"
	fi
	uso "$m"
done
# TCP through gre mode and the tc receive path: GRO merges before decapsulation
P=$(topo_prefix gre)
ip netns exec "${P}vm2" iperf3 -s -1 -D -B "$TOPO_VM2_IP"
sleep 0.3
if ip netns exec "${P}vm1" timeout 30 iperf3 -c "$TOPO_VM2_IP" -n 20M -J >"$TOPO_LOGDIR/tcp.json" 2>&1; then
	ok "gre: 20 MB over TCP"
else
	bad "gre: 20 MB over TCP"
fi
topo_down # nl-static prints its counters

for m in $modes; do
	for p in 1 2; do
		problems=
		for c in $BAD_COUNTERS; do
			v=$(counter "$m" "$p" "$c")
			[ "${v:-0}" -eq 0 ] || problems+=" $c=$v"
		done
		[ -z "$problems" ] && ok "$m hv$p: no drop counted" || bad "$m hv$p:$problems"
	done
	v=$(counter "$m" 1 tx_encap)
	[ "${v:-0}" -gt 0 ] && ok "$m: encapsulated ($v)" || bad "$m: tx_encap=0"
done
# 20 MB in segments of at most 1398 bytes of payload cross the switch: about
# 15,000 frames.  Decapsulated once per GRO aggregate, far fewer.
segs=$((20 * 1024 * 1024 / 1398))
v=$(counter gre 2 rx_delivered)
if [ "${v:-0}" -gt 0 ] && [ "$v" -lt $((segs / 2)) ]; then
	ok "gre + tc receive: $v decapsulations for >= $segs TCP segments (GRO before decap)"
else
	bad "gre + tc receive: $v decapsulations for >= $segs TCP segments (no GRO?)"
fi

# ---- a tap guest behind the tc receive path -------------------------------------------------
TOPO_TAP_VM2=1
TOPO_RUN_ID=${TOPO_RUN_ID}t
if topo_up gre; then
	P=$(topo_prefix gre)
	ip netns exec "${P}vm2" iperf3 -s -1 -D -B "$TOPO_VM2_IP"
	sleep 0.3
	if ip netns exec "${P}vm1" timeout 60 iperf3 -c "$TOPO_VM2_IP" -n 10M >/dev/null 2>&1; then
		ok "tap guest: 10 MB over TCP through the tc receive path"
	else
		bad "tap guest: 10 MB over TCP through the tc receive path"
	fi
	topo_down
	stats=$(cat "$TOPO_LOGDIR/$P-tap.stats" 2>/dev/null)
	read -r _ frames _ gso _ maxlen _ bytes <<<"${stats:-x 0 x 0 x 0 x 0}"
	decaps=$(counter gre 2 rx_delivered)
	if [ "$bytes" -ge $((1024 * 1024)) ] &&
		{ [ "$gso" -gt 0 ] || [ "$maxlen" -le $((VM_MTU + 14)) ]; }; then
		ok "tap guest: $frames frames ($gso GSO, largest $maxlen bytes, $bytes bytes) from $decaps decapsulations"
	else
		bad "tap guest: $stats after $decaps decapsulations"
	fi
	v=$(counter gre 2 rx_malformed)
	[ "${v:-0}" -eq 0 ] && ok "tap guest: no drop counted" || bad "tap guest: rx_malformed=$v"
else
	bad "tap guest: topology"
fi
finish

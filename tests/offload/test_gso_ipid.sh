#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What the outer IP-ID carries for GSO segments (docs/wire-format.md 2.1,
# issue 13), on the bench-e2e topology (scripts/bench-e2e/topo.sh: the
# switch segments GSO packets as they leave, as a wire would): in udp and
# gre modes a VM sends TCP with TSO and UDP with UDP_SEGMENT; the outer
# frames captured on the switch port towards the receiver must each carry
# either the path VLAN (a frame sent whole, or the first segment) or the
# IP-ID + 1 of a recent frame (segment i of a GSO packet: VLAN + i; two GSO
# packets may interleave when two CPUs send), and
# the later-segment case must occur (segmentation did happen).  The path
# here is untagged (VLAN 0), so the first segment carries 0.
# Ends with "gso-ipid: N passed, M failed".
#   NL_STATIC=build/bench/nl-static tests/offload/test_gso_ipid.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
NL_STATIC=${NL_STATIC:-$root/build/bench/nl-static}
export NL_STATIC
# shellcheck source=../lib/counters.sh
. "$root/tests/lib/counters.sh"
tc_init gso-ipid --need-pass

for tool in ip iperf3 tcpdump python3; do
	command -v "$tool" >/dev/null || { bad "$tool is missing"; finish; }
done
[ -x "$NL_STATIC" ] || { bad "nl-static not built: $NL_STATIC"; finish; }
TOPO_LOGDIR=$(mktemp -d /tmp/nl-ipid.XXXXXX)
# shellcheck source=../../scripts/bench-e2e/topo.sh
source "$root/scripts/bench-e2e/topo.sh"
TD=
cleanup() {
	[ -n "$TD" ] && kill "$TD" 2>/dev/null
	topo_down
	[ -n "${KEEP:-}" ] || rm -rf "$TOPO_LOGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

capture() { # prefix file: outer frames towards hv2 (port 2) on the switch
	ip netns exec "$1sw" tcpdump -i swp2 -Q out -U --immediate-mode -s 64 -w "$2" \
		'(ip proto 47 or udp dst port 24143) or (vlan and (ip proto 47 or udp dst port 24143))' \
		2>"$2.log" &
	TD=$!
	for _ in $(seq 100); do
		grep -q listening "$2.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.2
}
stop_capture() {
	sleep 0.5
	kill "$TD" 2>/dev/null
	wait "$TD" 2>/dev/null
	TD=
}
check() { # mode what pcap
	local r
	r=$(python3 "$here/ipid.py" "$3" 0)
	read -r _ n _ first _ next _ other <<<"$r"
	if [ "${n:-0}" -gt 0 ] && [ "$other" -eq 0 ] && [ "$next" -gt 0 ]; then
		ok "$1 $2: IP-ID = VLAN or VLAN + i continuing a recent frame, on every frame ($r)"
	else
		bad "$1 $2: $r"
	fi
}

for m in udp gre; do
	if ! topo_up "$m"; then
		bad "$m: topology"
		continue
	fi
	P=$(topo_prefix "$m")
	ip netns exec "${P}vm1" ethtool -k eth0 | grep -q '^tcp-segmentation-offload: on' &&
		ok "$m: the VM offloads TCP segmentation" || bad "$m: VM without TSO"
	ip netns exec "${P}vm2" iperf3 -s -1 -D -B "$TOPO_VM2_IP"
	sleep 0.3
	capture "$P" "$TOPO_LOGDIR/$m-tcp.pcap"
	ip netns exec "${P}vm1" timeout 30 iperf3 -c "$TOPO_VM2_IP" -n 2M >"$TOPO_LOGDIR/$m-iperf.log" 2>&1 ||
		bad "$m: 2 MB over TCP: $(tail -n 3 "$TOPO_LOGDIR/$m-iperf.log")"
	stop_capture
	check "$m" "TCP (TSO)" "$TOPO_LOGDIR/$m-tcp.pcap"
	capture "$P" "$TOPO_LOGDIR/$m-uso.pcap"
	ip netns exec "${P}vm2" timeout 10 python3 "$here/uso.py" recv "$TOPO_VM2_IP" 7001 80 1000 2 \
		>/dev/null 2>&1 &
	rx=$!
	sleep 0.5
	ip netns exec "${P}vm1" python3 "$here/uso.py" send "$TOPO_VM2_IP" 7001 10 8 1000 >/dev/null 2>&1 ||
		bad "$m: UDP_SEGMENT send"
	wait "$rx"
	stop_capture
	check "$m" "UDP (UDP_SEGMENT)" "$TOPO_LOGDIR/$m-uso.pcap"
done
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Functional smoke test (not a benchmark) of the bench-e2e topology, i.e. real
# traffic through the datapath: in each mode (NetLord ip and udp with
# XDP_REDIRECT delivery and again with XDP_PASS + tc delivery, gre and udp
# with the tc receive path after GRO, VXLAN, no overlay) VM1 pings VM2 and moves 20 MB over TCP (TSO through udp mode, GRO
# after XDP delivery); for NetLord, the datapath counters must show
# encapsulation and delivery and no drop reason.
# Ends with "bench-e2e-smoke: N passed, M failed" (and the same line labelled
# "end-to-end-smoke:" for scripts/run-tests.sh).
#   NL_STATIC=build/bench/nl-static scripts/bench-e2e/smoke.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
NL_STATIC=${NL_STATIC:-$root/build/bench/nl-static}
export NL_STATIC
# shellcheck source=../../tests/lib/counters.sh
. "$root/tests/lib/counters.sh"
tc_init bench-e2e-smoke

for tool in ip ethtool iperf3 ping; do
	if ! command -v "$tool" >/dev/null; then
		bad "$tool is missing"
		finish
	fi
done
TOPO_LOGDIR=$(mktemp -d /tmp/nl-e2e-smoke.XXXXXX)
# shellcheck source=topo.sh
source "$here/topo.sh"
cleanup() {
	topo_down
	rm -rf "$TOPO_LOGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# drop reasons that must stay at zero on a clean path
BAD_COUNTERS="tx_not_ready tx_unknown_vif tx_malformed tx_spoof_mac tx_spoof_ip tx_arp_miss
tx_no_route tx_nart1_miss tx_nart2_miss tx_vlan_miss tx_mtu tx_gso_ip_mode tx_encap_failed
rx_not_ready rx_malformed rx_bad_csum rx_bad_proto rx_bad_tenant rx_inner_bcast rx_not_here
event_lost event_vif_limited"

check_mode() { # label mode
	local label=$1 m=$2 P
	P=$(topo_prefix "$m")
	if ! topo_up "$m"; then
		bad "$label: topology"
		return
	fi
	if ip netns exec "${P}vm1" ping -c 3 -i 0.1 -W 2 "$TOPO_VM2_IP" >/dev/null 2>&1; then
		ok "$label: ping vm1 -> vm2"
	else
		bad "$label: ping vm1 -> vm2"
	fi
	ip netns exec "${P}vm2" iperf3 -s -1 -D -B "$TOPO_VM2_IP"
	sleep 0.2
	if ip netns exec "${P}vm1" timeout 20 iperf3 -c "$TOPO_VM2_IP" -n 20M >/dev/null 2>&1; then
		ok "$label: 20 MB over TCP"
	else
		bad "$label: 20 MB over TCP"
	fi
}

check_counters() { # label mode
	local label=$1 m=$2 p log c v problems
	for p in 1 2; do
		log=$TOPO_LOGDIR/$(topo_prefix "$m")-nl-static-hv$p.log
		problems=
		for c in tx_encap rx_delivered; do
			v=$(awk -v c="$c" '$1 == "nl-static" && $3 == c {print $4}' "$log")
			[ "${v:-0}" -gt 0 ] || problems+=" $c=0"
		done
		for c in $BAD_COUNTERS; do
			v=$(awk -v c="$c" '$1 == "nl-static" && $3 == c {print $4}' "$log")
			[ "${v:-0}" -eq 0 ] || problems+=" $c=$v"
		done
		if [ -z "$problems" ]; then
			ok "$label: hv$p datapath counters"
		else
			bad "$label: hv$p datapath counters:$problems"
		fi
	done
}

label_rx() { # mode xdp-delivery-label
	if [ "$(topo_rx "$1")" = tc ]; then echo "tc receive after GRO"; else echo "$2"; fi
}

base=$$
for redirect in 1 0; do
	NL_XDP_REDIRECT=$redirect
	TOPO_RUN_ID=${base}r$redirect
	how=$([ "$redirect" = 1 ] && echo xdp_redirect || echo xdp_pass+tc)
	# gre receives in tc after GRO (--rx auto), udp-tc forces that path for udp
	nl_modes="ip udp"
	[ "$redirect" = 1 ] && nl_modes="ip udp gre udp-tc"
	for m in $nl_modes; do
		check_mode "netlord $m ($(label_rx "$m" "$how"))" "$m"
	done
	# nl-static prints its counters when it stops
	topo_down
	for m in $nl_modes; do
		check_counters "netlord $m ($(label_rx "$m" "$how"))" "$m"
	done
done
TOPO_RUN_ID=${base}k
for m in vxlan direct; do
	check_mode "$m" "$m"
done
topo_down

finish

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The part of tests/dc/test_gateway.sh that needs a fabric kernel (run through
# scripts/vm/in-fabric-kernel.sh): gateways of the public tenant (patent
# [0053], issue 16 item 3; docs/tenants.md "Gateways of the public tenant").
# The demo data center with the VMs of tests/dc/gateway.vms and the tenants
# file tests/dc/gateway.tenants (compiled into the repository the agents
# fetch), the outside host and its links to the gateways g1 and g2
# (scripts/dc/gateway-lib.sh); then: the public VM p1 reaches the outside
# host (ping, TCP; IPv4 and IPv6) and is reached from it; 13.7's y1 (x1's
# private addresses, no public VIF) reaches nothing outside; 12.25's x1
# reaches 10.99.0.0/16 through its appliance x9; one gateway stops under
# traffic (vif del on its hypervisor, its outside link down) and traffic
# resumes through the other in both directions (the outage is printed, not
# asserted).  Prints "ok <check>" / "FAIL <check>: why" and "# ..." lines.
# Usage: tests/dc/gateway-guest.sh <out dir> <compiled dir> <vms file> <prefix>
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$1
cdir=$2
vmsf=$3
P=$4
RUN=/run/netlord-dc/$P
export P RUN
# shellcheck source=scripts/dc/dc-lib.sh
. "$repo/scripts/dc/dc-lib.sh"
# shellcheck source=scripts/dc/gateway-lib.sh
. "$repo/scripts/dc/gateway-lib.sh"

fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
cleanup() {
	cp "$RUN"/agent-*.log "$RUN"/gwf-*.txt "$out/" 2>/dev/null
	"$repo/scripts/dc/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q 2>/dev/null || true
}
trap cleanup EXIT
T0=$(date +%s)
pps=${GW_PPS:-200}

if "$repo/scripts/dc/dc-up.sh" "$cdir" "$vmsf" --prefix "$P" --run-dir "$RUN" --encap udp \
	-q 2>"$out/dc-up.err"; then
	ok "dc-up: 6 agents ready, $(wc -l <"$RUN/vms.txt") VMs"
else
	bad "dc-up" "$(tail -n 3 "$out/dc-up.err" | tr '\n' ' ')"
	exit 1
fi
if outside_up g1 g2 && gw_vm_ip6 p1; then
	ok "outside host $GW_OUT_IP / $GW_OUT_IP6, linked to gateways g1 (edge1-2) and g2 (edge2-2)"
else
	bad "outside network"
	exit 1
fi
echo "# up in $(($(date +%s) - T0)) s"
outx ip route show "$GW_PUB4" | sed 's/^/# outside: /'

for h in edge3-1 edge1-1; do
	na "$h" status 2>/dev/null | grep -i 'tenant' | sed "s/^/# $h status: /"
done

p1=$(vm_ip p1)
p16=$(vm_field p1 8)
p16=${p16%/*}
ping4() { vmx "$1" ping -n -q -c "${3:-3}" -i 0.2 -W 2 "$2" >/dev/null 2>&1; }
ping6() { vmx "$1" ping -6 -n -q -c "${3:-3}" -i 0.2 -W 2 "$2" >/dev/null 2>&1; }
opng() { outx ping "$@" -n -q -c 3 -i 0.2 -W 2 >/dev/null 2>&1; }

# 1. the public VM and the outside host, both ways
check "ping p1 -> outside host $GW_OUT_IP (tenant 2's default route via a gateway)" ping4 p1 "$GW_OUT_IP"
check "ping6 p1 -> outside host $GW_OUT_IP6" ping6 p1 "$GW_OUT_IP6"
check "ping outside host -> p1 $p1 (through a gateway's VIF)" opng "$p1"
check "ping6 outside host -> p1 $p16" opng -6 "$p16"

# TCP: iperf3 one second each way, IPv4 and IPv6
tcp() { # <label> <server: vm|out> <client: vm|out> <dst> [-6]
	local label=$1 srv=$2 cli=$3 dst=$4 v=${5:-} bw
	local sx=(vmx "$srv") cx=(vmx "$cli")
	[ "$srv" = out ] && sx=(outx)
	[ "$cli" = out ] && cx=(outx)
	"${sx[@]}" iperf3 -s -1 -D -I "$RUN/iperf-gw.pid" >/dev/null 2>&1
	sleep 0.5
	bw=$("${cx[@]}" timeout 20 iperf3 $v -c "$dst" -t 1 -J 2>/dev/null |
		python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bytes"]))' 2>/dev/null)
	kill "$(cat "$RUN/iperf-gw.pid" 2>/dev/null)" 2>/dev/null
	rm -f "$RUN/iperf-gw.pid"
	if [ -n "$bw" ] && [ "$bw" -gt 0 ]; then ok "TCP $label: iperf3 moved $bw bytes"; else bad "TCP $label" "no transfer"; fi
}
tcp "p1 -> outside host (IPv4)" out p1 "$GW_OUT_IP"
tcp "p1 -> outside host (IPv6)" out p1 "$GW_OUT_IP6" -6
tcp "outside host -> p1 (IPv4)" p1 out "$p1"

# 2. a VM without a public VIF reaches nothing outside
l=$(ping_loss y1 "$GW_OUT_IP" 3)
if [ "$l" = 100 ]; then ok "13.7 y1 (no public VIF, x1's addresses) cannot reach the outside host"
else bad "13.7 y1 isolated from the outside" "$l% loss"; fi
l=$(ping_loss x1 "$GW_OUT_IP" 3)
if [ "$l" = 100 ]; then ok "12.25 x1 (no route to the outside) cannot reach the outside host"
else bad "12.25 x1 isolated from the outside" "$l% loss"; fi
l=$(ping_loss y1 "$p1" 3)
if [ "$l" = 100 ]; then ok "13.7 y1 cannot reach the public VM p1 ($p1)"
else bad "13.7 y1 -> p1 isolated" "$l% loss"; fi

# 3. a routed appliance: 12.25's 10.99.0.0/16 lies behind x9
# (arp_announce 2: x9 asks ARP from its VIF's address, not from the routed
# address its answer comes from, which anti-spoofing would drop; docs/tenants.md)
ip -n "$(vm_ns x9)" address add 10.99.0.1/32 dev lo
nsctl "$(vm_ns x9)" net.ipv4.ip_forward=1 net.ipv4.conf.all.arp_announce=2
if ping4 x1 10.99.0.1; then
	ok "12.25 x1 -> 10.99.0.1 through the appliance x9 (route 10.99.0.0/16 via 192.168.1.9)"
else
	bad "12.25 x1 -> 10.99.0.1 through the appliance x9 (route 10.99.0.0/16 via 192.168.1.9)"
	for h in edge3-1 edge1-1; do na "$h" stats 2>&1 | grep -E '^ +(tx|rx|route)' | sed "s/^/# $h: /"; done
	vmx x9 ip -s link show eth0 | sed 's/^/# x9: /'
fi
l=$(ping_loss y1 10.99.0.1 3)
if [ "$l" = 100 ]; then ok "13.7 y1 has no such route: 10.99.0.1 unreachable"
else bad "13.7 y1 -> 10.99.0.1" "$l% loss"; fi

# 4. one gateway stops under traffic
echo "# failover: $pps pings/s each way, the gateway carrying p1's flow stops after 2 s"
gw_failover p1 "$pps" 2 6 g1 g2
read -r so _ lo go ao <<<"$GWF_OUT"
read -r si _ li gi ai <<<"$GWF_IN"
echo "# stopped $GWF_STOPPED (vif del + outside link down, $GWF_STOP_MS ms), $GWF_OTHER stays"
echo "# p1 -> outside: sent $so, lost $lo, longest gap $go ms, $ao replies after the stop"
echo "# outside -> p1: sent $si, lost $li, longest gap $gi ms, $ai replies after the stop"
echo "# p1's agent forgot $GWF_STOPPED (HERE+GONE) -> next reply: $GWF_GONE_MS ms"
echo "# $GWF_OTHER forwarded $GWF_OTHER_OUT packets out and $GWF_OTHER_IN in after the stop"
check "p1 -> outside resumes after $GWF_STOPPED stops ($ao replies after)" test "${ao:-0}" -gt 0
check "outside -> p1 resumes after $GWF_STOPPED stops ($ai replies after)" test "${ai:-0}" -gt 0
check "$GWF_OTHER carries the traffic both ways after the stop" \
	test "$GWF_OTHER_OUT" -gt 0 -a "$GWF_OTHER_IN" -gt 0
check "ping p1 -> outside host with $GWF_STOPPED gone" ping4 p1 "$GW_OUT_IP"
check "ping6 p1 -> outside host with $GWF_STOPPED gone" ping6 p1 "$GW_OUT_IP6"
check "ping outside host -> p1 with $GWF_STOPPED gone" opng "$p1"
check "ping6 outside host -> p1 with $GWF_STOPPED gone" opng -6 "$p16"
echo "# total $(($(date +%s) - T0)) s"
[ "$fails" = 0 ]

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
# make demo's gateway stage (sourced by scripts/dc/demo.sh after dc-lib.sh;
# uses its step/done_/row): the public tenant's gateways (patent [0053],
# docs/tenants.md "Gateways of the public tenant").  The demo data center's
# gateways g1 (edge1-2) and g2 (edge2-2) get their link to the outside host
# (scripts/dc/gateway-lib.sh); the public VM p1 pings the outside host and
# is pinged from it (IPv4 and IPv6), moves a second of TCP each way, 13.7's
# b1 tries the outside and fails, then the gateway carrying p1's traffic
# stops under a ping stream in both directions and the outage is shown.

# shellcheck source=scripts/dc/gateway-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/gateway-lib.sh"

demo_gateway() {
	local pps=${DEMO_GW_PPS:-200} p1 p16 l bw
	step "gateways: the outside host $GW_OUT_IP / $GW_OUT_IP6 behind g1 (edge1-2) and g2 (edge2-2)"
	if ! outside_up g1 g2 || ! gw_vm_ip6 p1; then
		row "outside network and gateways" FAIL "outside_up failed"
		done_
		return 0
	fi
	p1=$(vm_ip p1)
	p16=$(vm_field p1 8)
	p16=${p16%/*}
	l=$(ping_loss p1 "$GW_OUT_IP" 3)
	[ "$l" = 0 ] && row "ping p1 (public) -> outside host" ok "3/3 replies via a gateway" ||
		row "ping p1 (public) -> outside host" FAIL "$l% loss"
	if vmx p1 ping -6 -n -q -c 3 -i 0.2 -W 2 "$GW_OUT_IP6" >/dev/null 2>&1; then
		row "ping6 p1 (public) -> outside host" ok "replies"
	else
		row "ping6 p1 (public) -> outside host" FAIL "no reply"
	fi
	if outx ping -n -q -c 3 -i 0.2 -W 2 "$p1" >/dev/null 2>&1 &&
		outx ping -6 -n -q -c 3 -i 0.2 -W 2 "$p16" >/dev/null 2>&1; then
		row "ping outside host -> p1 $p1 / $p16" ok "replies (IPv4, IPv6)"
	else
		row "ping outside host -> p1 $p1 / $p16" FAIL "no reply"
	fi
	outx iperf3 -s -1 -D -I "$RUN/iperf-out.pid" >/dev/null 2>&1
	sleep 0.5
	bw=$(vmx p1 timeout 15 iperf3 -c "$GW_OUT_IP" -t 1 -J 2>/dev/null |
		python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' 2>/dev/null)
	kill "$(cat "$RUN/iperf-out.pid" 2>/dev/null)" 2>/dev/null
	if [ -n "$bw" ]; then row "TCP p1 -> outside host (iperf3 1 s)" ok "$bw Mbit/s"; else row "TCP p1 -> outside host" FAIL "no transfer"; fi
	l=$(ping_loss b1 "$GW_OUT_IP" 3)
	[ "$l" = 100 ] && row "13.7 b1 (no public VIF) -> outside host" ok "100% loss" ||
		row "13.7 b1 (no public VIF) -> outside host" FAIL "$l% loss"
	done_

	step "a gateway stops under $pps pings/s each way (vif del on its server, outside link down)"
	gw_failover p1 "$pps" 2 5 g1 g2
	local so lo go ao si li gi ai
	read -r so _ lo go ao <<<"$GWF_OUT"
	read -r si _ li gi ai <<<"$GWF_IN"
	if [ "${ao:-0}" -gt 0 ]; then
		row "gateway $GWF_STOPPED stops: p1 -> outside" ok "lost $lo of $so, longest gap $go ms, then via $GWF_OTHER"
	else
		row "gateway $GWF_STOPPED stops: p1 -> outside" FAIL "lost $lo of $so, no reply after the stop"
	fi
	if [ "${ai:-0}" -gt 0 ]; then
		row "gateway $GWF_STOPPED stops: outside -> p1" ok "lost $li of $si, longest gap $gi ms"
	else
		row "gateway $GWF_STOPPED stops: outside -> p1" FAIL "lost $li of $si, no reply after the stop"
	fi
	[ "$GWF_GONE_MS" -ge 0 ] &&
		row "  p1's agent forgets $GWF_STOPPED -> next reply" info "$GWF_GONE_MS ms (vif del took $GWF_STOP_MS ms)"
	done_
}

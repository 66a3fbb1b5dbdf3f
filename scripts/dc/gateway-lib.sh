# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash disable=SC2034
# Gateways of the public tenant (patent [0053]: tenant 2, whose addresses are
# visible outside the data center and whose VIFs relay to real routers) in
# the emulated data center (docs/emulated-dc.md "Gateways and the outside
# network", docs/tenants.md "Gateways of the public tenant").  Sourced after
# dc-lib.sh by tests/dc/gateway-guest.sh and scripts/dc/demo-gateway.sh.
#
# The outside: one namespace <P>out, the outside host 198.51.100.10 and
# 2001:db8:100::10 (documentation prefixes, on a dummy "host0"), which is
# also the border router the gateways are cabled to: one point-to-point link
# per gateway (veth "g<i>" here <-> "out0" in the gateway VM), 198.51.100.(4i-4)/30
# (host .4i-3, gateway .4i-2) and 2001:db8:10<i>::/64 (host ::1, gateway ::2).
# A gateway is an ordinary tenant-2 VM of the VM file, a next hop of tenant
# 2's default routes (so its VIF may send the outside's packets into the
# fabric), with Linux forwarding on and its default routes out of out0.  The outside host
# reaches the public subnets by one ECMP route over every gateway, and skips
# a gateway whose link lost its carrier (ignore_routes_with_linkdown).

GW_OUT_IP=198.51.100.10
GW_OUT_IP6=2001:db8:100::10
GW_PUB4=${GW_PUB4:-203.0.113.0/24}
GW_PUB6=${GW_PUB6:-2001:db8:2::/64}

gw_out_ns() { echo "${P}out"; }
outx() { ip netns exec "$(gw_out_ns)" "$@"; }
gw_host_ip() { echo "198.51.100.$((4 * $1 - 3))"; } # <i>: the host's end of link i
gw_link_ip() { echo "198.51.100.$((4 * $1 - 2))"; } # <i>: the gateway's end
gw_host_ip6() { echo "2001:db8:10$1::1"; }
gw_link_ip6() { echo "2001:db8:10$1::2"; }

# sysctl in a namespace, quietly
nsctl() {
	local ns=$1
	shift
	ip netns exec "$ns" sysctl -qw "$@" >/dev/null
}

# gw_vm_ip6 <vm>: the VM's --ip6 address (field 8 of vms.txt) on eth0
# without DAD, and its IPv6 default route via the virtual router (field 9)
# when it has one.  (dc-up.sh configures IPv4 only.)
gw_vm_ip6() {
	local vm=$1 a r
	a=$(vm_field "$vm" 8)
	r=$(vm_field "$vm" 9)
	[ -n "$a" ] && [ "$a" != - ] || return 0
	ip -n "$(vm_ns "$vm")" -6 address replace "$a" dev eth0 nodad || return 1
	if [ -n "$r" ] && [ "$r" != - ]; then
		ip -n "$(vm_ns "$vm")" -6 route replace default via "$r" dev eth0 || return 1
	fi
	return 0
}

# outside_up <gateway vm> ...: the outside host and one link per gateway
# (gateway i = its position in the arguments), forwarding in the gateways,
# the outside host's ECMP routes to the public subnets through all of them.
outside_up() {
	local ns i=0 gw nh4=() nh6=() vns
	ns=$(gw_out_ns)
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	nsctl "$ns" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.all.ignore_routes_with_linkdown=1 \
		net.ipv4.conf.default.ignore_routes_with_linkdown=1 \
		net.ipv6.conf.all.ignore_routes_with_linkdown=1 \
		net.ipv6.conf.default.ignore_routes_with_linkdown=1 || return 1
	ip -n "$ns" link add host0 type dummy || return 1
	ip -n "$ns" link set host0 up
	ip -n "$ns" address add "$GW_OUT_IP/32" dev host0
	ip -n "$ns" -6 address add "$GW_OUT_IP6/128" dev host0 nodad
	for gw in "$@"; do
		i=$((i + 1))
		vns=$(vm_ns "$gw")
		ip -n "$ns" link add "g$i" type veth peer name out0 netns "$vns" || return 1
		nsctl "$ns" "net.ipv4.conf.g$i.ignore_routes_with_linkdown=1" \
			"net.ipv6.conf.g$i.ignore_routes_with_linkdown=1" "net.ipv4.conf.g$i.rp_filter=0"
		ip -n "$ns" address add "$(gw_host_ip "$i")/30" dev "g$i"
		ip -n "$ns" -6 address add "$(gw_host_ip6 "$i")/64" dev "g$i" nodad
		ip -n "$ns" link set "g$i" up
		# the gateway: a router between its tenant-2 VIF and the outside
		nsctl "$vns" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
			net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.conf.eth0.rp_filter=0 || return 1
		ip -n "$vns" address add "$(gw_link_ip "$i")/30" dev out0
		ip -n "$vns" -6 address add "$(gw_link_ip6 "$i")/64" dev out0 nodad
		ip -n "$vns" link set out0 up
		gw_vm_ip6 "$gw" || return 1
		ip -n "$vns" route replace default via "$(gw_host_ip "$i")" dev out0 || return 1
		ip -n "$vns" -6 route replace default via "$(gw_host_ip6 "$i")" dev out0 || return 1
		nh4+=(nexthop via "$(gw_link_ip "$i")" dev "g$i")
		nh6+=(nexthop via "$(gw_link_ip6 "$i")" dev "g$i")
	done
	# src: answers and pings leave from the host's own address, not a link's
	ip -n "$ns" route add "$GW_PUB4" src "$GW_OUT_IP" "${nh4[@]}" || return 1
	ip -n "$ns" -6 route add "$GW_PUB6" src "$GW_OUT_IP6" "${nh6[@]}" || return 1
	# wait for the links' carrier (the routes are skipped while it is down)
	for _ in $(seq 1 50); do
		ip -n "$ns" route show "$GW_PUB4" | grep -q linkdown || return 0
		sleep 0.1
	done
	return 1
}

# gw_index <gateway vm>: its link number on the outside host (1, 2, ...)
gw_index() {
	local dev
	dev=$(ip -n "$(vm_ns "$1")" -o link show out0 2>/dev/null | sed -nE 's/.*out0@if([0-9]+).*/\1/p')
	[ -n "$dev" ] || return 1
	ip -n "$(gw_out_ns)" -o link show | awk -v i="$dev" -F': ' '$1 == i {sub(/@.*/, "", $2); sub(/^g/, "", $2); print $2}'
}

# gw_fwd <gateway vm>: packets it forwarded out of out0 so far (tx of out0)
gw_fwd() {
	ip netns exec "$(vm_ns "$1")" cat /sys/class/net/out0/statistics/tx_packets 2>/dev/null || echo 0
}
# gw_fwd_in <gateway vm>: packets it sent into the fabric (tx of eth0)
gw_fwd_in() {
	ip netns exec "$(vm_ns "$1")" cat /sys/class/net/eth0/statistics/tx_packets 2>/dev/null || echo 0
}

# gw_stop <gateway vm>: the gateway VM stops the way it really dies: its
# hypervisor's libvirt hook runs vif del (the fabric withdraws the VIF: GONE)
# and its outside link loses its carrier (out0 goes down with the VM).
gw_stop() {
	local gw=$1
	ip -n "$(vm_ns "$gw")" link set out0 down
	vm_unplug "$gw"
}

# gw_ping_stats <ping -D output> <t_end>: "sent received lost gap_ms after"
# gap_ms: the longest time between two replies; after: replies received
# after <t_end> (epoch seconds).
gw_ping_stats() {
	awk -v te="$2" '
		/packets transmitted/ { sent = $1; recv = $4 }
		/bytes from/ { t = substr($1, 2, length($1) - 2) + 0
			if (n++ && (t - last) * 1000 > gap) gap = (t - last) * 1000
			if (t > te) after++
			last = t }
		END { printf "%d %d %d %d %d\n", sent, recv, sent - recv, gap, after }' "$1"
}

# gw_failover <public vm> <pps> <seconds before> <seconds after> <gateway vm>...:
# pings at <pps> from the public VM to the outside host and from the outside
# host to the public VM, stops (gw_stop) the gateway that carries the public
# VM's outgoing flow <seconds before> into the stream, and measures both
# directions.  Sets GWF_STOPPED (the gateway stopped), GWF_OTHER (the one
# that stays), GWF_OUT / GWF_IN ("sent received lost gap_ms after" of
# gw_ping_stats: public VM -> outside, outside -> public VM; "after" counts
# replies after gw_stop returned), GWF_OTHER_OUT / GWF_OTHER_IN (packets the remaining gateway
# forwarded out / in after the stop), GWF_STOP_MS (how long gw_stop took),
# GWF_GONE_MS (the public VM's agent logged the gateway's HERE+GONE -> the
# next reply to the public VM; -1: not seen).
gw_failover() {
	local vm=$1 pps=$2 before=$3 after=$4 iv n dst p_out p_in g best=0 d t_stop t_end
	shift 4
	local gws=("$@")
	declare -A f0
	iv=$(awk -v p="$pps" 'BEGIN {printf "%.4f", 1 / p}')
	n=$(awk -v p="$pps" -v a="$before" -v b="$after" 'BEGIN {printf "%d", p * (a + b)}')
	dst=$(vm_ip "$vm")
	vmx "$vm" ping -n -D -i "$iv" -c "$n" -W 1 "$GW_OUT_IP" >"$RUN/gwf-out.txt" 2>&1 &
	p_out=$!
	outx ping -n -D -i "$iv" -c "$n" -W 1 "$dst" >"$RUN/gwf-in.txt" 2>&1 &
	p_in=$!
	for g in "${gws[@]}"; do f0[$g]=$(gw_fwd "$g"); done
	sleep "$before"
	# the gateway the public VM's flow goes through: the one forwarding most
	GWF_STOPPED=${gws[0]}
	for g in "${gws[@]}"; do
		d=$(($(gw_fwd "$g") - f0[$g]))
		[ "$d" -gt "$best" ] && { best=$d; GWF_STOPPED=$g; }
	done
	for g in "${gws[@]}"; do [ "$g" != "$GWF_STOPPED" ] && GWF_OTHER=$g; done
	local o_out o_in hv l0 mac t_gone
	hv=$(vm_hv "$vm")
	mac=$(vm_field "$GWF_STOPPED" 5)
	l0=$(wc -l <"$RUN/agent-$hv.log")
	o_out=$(gw_fwd "$GWF_OTHER")
	o_in=$(gw_fwd_in "$GWF_OTHER")
	t_stop=$(date +%s.%N)
	gw_stop "$GWF_STOPPED"
	t_end=$(date +%s.%N)
	GWF_STOP_MS=$(awk -v a="$t_stop" -v b="$t_end" 'BEGIN {printf "%d", (b - a) * 1000}')
	wait "$p_out" "$p_in"
	GWF_OUT=$(gw_ping_stats "$RUN/gwf-out.txt" "$t_end")
	GWF_IN=$(gw_ping_stats "$RUN/gwf-in.txt" "$t_end")
	GWF_OTHER_OUT=$(($(gw_fwd "$GWF_OTHER") - o_out))
	GWF_OTHER_IN=$(($(gw_fwd_in "$GWF_OTHER") - o_in))
	# the public VM's agent forgot the gateway (its HERE+GONE, debug log) ->
	# the next reply from the outside host
	t_gone=$(tail -n +"$((l0 + 1))" "$RUN/agent-$hv.log" |
		awk -v m="$mac" 'index($0, m) && /delete gone/ {print $1; exit}')
	GWF_GONE_MS=-1
	if [ -n "$t_gone" ]; then
		GWF_GONE_MS=$(awk -v tg="$t_gone" '/bytes from/ { t = substr($1, 2, length($1) - 2) + 0
			if (t > tg) { printf "%d", (t - tg) * 1000; f = 1; exit } }
			END { if (!f) print -1 }' "$RUN/gwf-out.txt")
	fi
}

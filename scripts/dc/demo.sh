#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make demo: the emulated NetLord data center end to end (docs/emulated-dc.md).
#   host part (no --guest): runs the guest part through
#     scripts/vm/in-fabric-kernel.sh, i.e. directly on a host kernel with
#     8021q and VLAN-aware bridges, else in the qemu kernel VM (it says which
#     and why);
#   guest part (--guest): dc-up.sh --dhcp (fabric of topologies/demo.topo, agents,
#     the VMs of topologies/demo.vms, configured by dhclient), then ping and iperf3 within each
#     tenant (same server, same edge switch, across the core, routed, a
#     dual-stack pair with IPv6 by SLAAC), cross-tenant attempts with the counters
#     that dropped them, a VM migration in both orders during a 1,000 pps ping
#     stream, the public VM p1 and the outside host both ways through tenant 2's
#     gateways and a gateway failover under traffic (demo-gateway.sh), core FDB
#     sizes; a summary table; and a
#     teardown that is checked (also on Ctrl-C);
#   then, on the host, scripts/dc/demo-guests.sh: real QEMU guests on tap
#     VIFs and QEMU's live migration (DEMO_GUESTS=0 skips it).
# Usage: scripts/dc/demo.sh [--encap udp|ip]   (needs root; make demo builds first)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
encap=udp
guest=0
while [ $# -gt 0 ]; do
	case $1 in
	--guest) guest=1; shift ;;
	--encap) encap=$2; shift 2 ;;
	*) echo "usage: $0 [--encap udp|ip]" >&2; exit 2 ;;
	esac
done
cdir=${DC_DIR:-$repo/build/dc/demo}
vmsf=${DC_VMS:-$repo/topologies/demo.vms}

if [ "$guest" = 0 ]; then
	[ "$(id -u)" = 0 ] || { echo "demo: needs root" >&2; exit 2; }
	for f in "$repo/build/na-loader" "$repo/build/na-repo" "$cdir/vlan-table.txt"; do
		[ -e "$f" ] || { echo "demo: $f missing (make demo builds it)" >&2; exit 2; }
	done
	echo "NetLord demo: an emulated data center ($(basename "$cdir"): 2 core + 3 edge switches, 6 hypervisors)"
	cd "$repo" || exit 2
	out=$(mktemp /tmp/na-demo.XXXXXX)
	scripts/vm/in-fabric-kernel.sh --timeout "${DEMO_TIMEOUT:-1200}" --env DC_DIR --env DC_VMS --env NA --env DEMO_PPS -- \
		"$here/demo.sh" --guest --encap "$encap" | tee "$out"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 130 ] && { rm -f "$out"; exit 130; }
	# then real QEMU guests on tap VIFs, on the host (scripts/dc/demo-guests.sh;
	# DEMO_GUESTS=0 skips it)
	if [ "${DEMO_GUESTS:-1}" != 0 ]; then
		"$here/demo-guests.sh" --encap "$encap" | tee -a "$out"
		grc=${PIPESTATUS[0]}
		[ "$grc" = 130 ] && { rm -f "$out"; exit 130; }
		[ "$grc" = 0 ] || rc=1
		awk '/^demo( guests)?: [0-9]+ ok, [0-9]+ failed/ {o += $(NF - 5); f += $(NF - 3); n++}
			END {printf "demo, both stages: %d ok, %d failed, %d s%s\n", o, f, s, n == 2 ? "" : " (a stage printed no summary)"}' s="$SECONDS" "$out"
	fi
	rm -f "$out"
	exit "$rc"
fi

# ---- guest part ----------------------------------------------------------
P=nld$$-
RUN=/run/netlord-dc/$P
export P RUN
# shellcheck source=scripts/dc/dc-lib.sh
. "$here/dc-lib.sh"
# shellcheck source=scripts/dc/dc-measure.sh
. "$here/dc-measure.sh"
T0=$(date +%s.%N)
el() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN {printf "%5.1f", b - a}'; }
step() { printf '[%s s] %s ... ' "$(el)" "$*"; S0=$(date +%s.%N); }
done_() { awk -v a="$S0" -v b="$(date +%s.%N)" -v m="${1:-done}" 'BEGIN {printf "%s (%.1f s)\n", m, b - a}'; }
rows=()
row() { rows+=("$(printf '%-50s %-6s %s' "$1" "$2" "$3")"); }
torn=0
teardown() {
	[ "$torn" = 1 ] && return
	torn=1
	trap - INT TERM
	local pb
	step "tearing everything down"
	"$here/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q
	done_
	# Nothing left: namespaces, run directory (pins lived in the holders'
	# private bpffs), our processes.
	local ns procs
	ns=$(ip netns list 2>/dev/null | grep -c "^$P" || true)
	procs=0
	for p in "${allpids[@]}"; do kill -0 "$p" 2>/dev/null && procs=$((procs + 1)); done
	if [ "$ns" = 0 ] && [ ! -e "$RUN" ] && [ "$procs" = 0 ]; then
		echo "teardown: no namespace, pin, agent, lldpd or na-repo of this run is left"
	else
		echo "teardown: LEFT: $ns namespaces, run dir $([ -e "$RUN" ] && echo present || echo gone), $procs processes"
	fi
}
allpids=()
on_int() { echo; echo "demo: interrupted"; teardown; exit 130; }
trap on_int INT TERM
trap teardown EXIT

step "building the data center: fabric, 6 agents, $(grep -c '^vm ' "$vmsf") VMs ($encap encapsulation, IPv4 by DHCP)"
# --dhcp: each VM's IPv4 address, router and MTU come from its agent's DHCP server (docs/dhcp.md)
# --vif-minimal (and the migrations below): vif add with only tenant, MAC and
# addresses, the agents complete the rest from the tenants file (docs/tenants.md)
export DC_VIF_MINIMAL=1
if ! "$here/dc-up.sh" "$cdir" "$vmsf" --prefix "$P" --run-dir "$RUN" --encap "$encap" --dhcp --vif-minimal -q 2>"/tmp/dc-up-$P.err"; then
	echo "FAILED"
	tail -n 5 "/tmp/dc-up-$P.err"
	rm -f "/tmp/dc-up-$P.err"
	exit 1
fi
rm -f "/tmp/dc-up-$P.err"
done_
# what the agent made of a7's "vif add --tenant 3097 --mac ... --ip 192.168.3.7 --ip6 fd00::...:7"
a7def=$(na "$(vm_field a7 2)" vif list --json 2>/dev/null | python3 -c 'import json, sys
v = [x for x in json.load(sys.stdin) if x["ifname"] == "v-a7"][0]
print(v["mac_as"], v["ip"], v["router"], " ".join(v["ip6"]), v["router6"])' 2>/dev/null)
want_a7="3 192.168.3.7/24 192.168.3.254 $(vm_field a7 8) fd00::1"
if [ "$a7def" = "$want_a7" ]; then
	row "vif add with tenant, MAC, addresses only" ok "a7 completed from demo.tenants: MAC_AS, /24, router, /64, router6"
else
	row "vif add with tenant, MAC, addresses only" FAIL "a7: '$a7def', want '$want_a7'"
fi
for f in "$RUN"/*.pid; do allpids+=("$(cat "$f")"); done
echo
echo "VMs (tenant a.b, MAC_AS, MAC, IP given by dhclient from the agent's DHCP server -> hypervisor):"
while read -r vm hv t m mac _ _; do
	# the address the VM has (from DHCP), not the one in the VM file
	ip=$(vmx "$vm" ip -4 -o address show dev eth0 | awk '{print $4; exit}')
	ip=${ip:--}
	td=$(tdot "$t")
	[ "$t" = 2 ] && td="2 (public)"
	printf '  %-3s tenant %-10s MAC_AS %s  %s  %-16s on %s\n' "$vm" "$td" "$m" "$mac" "$ip" "$hv"
done <"$RUN/vms.txt"
echo

# 1. ping within each tenant
step "ping within the tenants (3 echo requests per pair)"
pingrow() { # label src dst
	local l
	l=$(ping_loss "$2" "$3" 3)
	[ "$l" = 0 ] && row "$1" ok "3/3 replies" || row "$1" FAIL "$l% loss"
}
pingrow "ping 12.25 a1->a2 same server" a1 192.168.1.2
pingrow "ping 12.25 a1->a3 same edge switch" a1 192.168.1.3
pingrow "ping 12.25 a1->a4 across the core" a1 192.168.1.4
pingrow "ping 12.25 a1->a5 routed, across the core" a1 192.168.2.5
pingrow "ping 13.7  b1->b4 across the core" b1 192.168.1.4
pingrow "ping 13.7  b1->b5 routed, across the core" b1 192.168.2.5
pingrow "ping 14.3  c1->c5 routed, across the core" c1 192.168.2.5
# the dual-stack pair of MAC space 3: IPv4 by DHCP as every VM, IPv6 by
# SLAAC from the agents' router advertisements (no address given to the
# guest, no static neighbour, DAD on; proxy NDP, docs/ipv6.md, docs/dhcp.md)
pingrow "ping 12.25 a6->a7 dual-stack, across the core" a6 "$(vm_ip a7)"
slaac6() { # vm: the VM's global IPv6 address once SLAAC made it (DAD done)
	vmx "$1" ip -6 -o address show dev eth0 scope global -tentative |
		awk '/dynamic/ { sub("/.*", "", $4); print $4; exit }'
}
for _ in $(seq 1 100); do
	[ -n "$(slaac6 a6)" ] && [ -n "$(slaac6 a7)" ] && break
	sleep 0.2
done
a6v6=$(slaac6 a6)
a7v6=$(slaac6 a7)
if [ -z "$a6v6" ] || [ -z "$a7v6" ]; then
	row "SLAAC a6, a7" FAIL "no global address from the RAs (a6 ${a6v6:--}, a7 ${a7v6:--})"
elif vmx a6 ping -6 -n -q -c 3 -i 0.2 -W 1 "$a7v6" >/dev/null 2>&1; then
	row "ping6 12.25 a6->a7 across the core" ok "SLAAC $a6v6 -> $a7v6, no static address or neighbour, DAD on"
else
	row "ping6 12.25 a6->a7 across the core" FAIL "no reply ($a6v6 -> $a7v6)"
fi
done_

# 2. iperf3
step "iperf3 within the tenants (2 s per pair)"
iperfrow() { # label src dst-vm
	local dst bw
	dst=$(vm_ip "$3")
	vmx "$3" iperf3 -s -1 -D -I "$RUN/iperf-$3.pid" >/dev/null 2>&1
	sleep 0.5
	bw=$(vmx "$2" timeout 15 iperf3 -c "$dst" -t 2 -J 2>/dev/null |
		python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' 2>/dev/null)
	kill "$(cat "$RUN/iperf-$3.pid" 2>/dev/null)" 2>/dev/null
	if [ -n "$bw" ] && [ "$bw" -gt 0 ]; then row "$1" ok "$bw Mbit/s"; else row "$1" FAIL "no transfer"; fi
}
iperfrow "iperf3 12.25 a1->a2 same server" a1 a2
iperfrow "iperf3 12.25 a1->a3 same edge switch" a1 a3
iperfrow "iperf3 12.25 a1->a4 across the core" a1 a4
iperfrow "iperf3 12.25 a1->a5 routed" a1 a5
iperfrow "iperf3 13.7  b1->b4 across the core" b1 b4
done_

# 3. cross-tenant
step "cross-tenant attempts"
c0=$(counter edge1-1 tx_arp_miss)
l=$(ping_loss b1 192.168.1.2 3)   # a2's IP: only tenant 12.25 has it
c1=$(counter edge1-1 tx_arp_miss)
[ "$l" = 100 ] && row "13.7 b1 -> 192.168.1.2 (only 12.25 has it)" ok "100% loss, tx_arp_miss +$((c1 - c0))" ||
	row "13.7 b1 -> 192.168.1.2 (only 12.25 has it)" FAIL "$l% loss"
# with a2's MAC forced into b1's neighbour table: NART-2 miss, WHERE unanswered
vmx b1 ip neigh replace 192.168.1.2 lladdr "$(vm_field a2 5)" dev eth0 nud permanent
c0=$(counter edge1-1 tx_nart2_miss)
l=$(ping_loss b1 192.168.1.2 3)
c1=$(counter edge1-1 tx_nart2_miss)
[ "$l" = 100 ] && row "13.7 b1 -> a2's MAC (static neighbour)" ok "100% loss, tx_nart2_miss +$((c1 - c0))" ||
	row "13.7 b1 -> a2's MAC (static neighbour)" FAIL "$l% loss"
vmx b1 ip neigh del 192.168.1.2 dev eth0 2>/dev/null
c0=$(counter edge2-2 tx_arp_miss)
l=$(ping_loss c1 192.168.1.4 3)
c1=$(counter edge2-2 tx_arp_miss)
[ "$l" = 100 ] && row "14.3 c1 -> 192.168.1.4 (12.25 and 13.7 have it)" ok "100% loss, tx_arp_miss +$((c1 - c0))" ||
	row "14.3 c1 -> 192.168.1.4 (12.25 and 13.7 have it)" FAIL "$l% loss"
done_

# 4. migration, both orders
pps=${DEMO_PPS:-1000}
migrow() { # label order
	if [ "$MIG_RECV" -gt 0 ] && [ "$MIG_CONV_MS" -ge 0 ]; then
		if [ "$2" = add-del ]; then
			row "$1" ok "lost $MIG_LOST of $MIG_SENT at $pps pps, $MIG_LOST_OUT of them outside the VM's $MIG_PAUSE_MS ms pause"
		else
			row "$1" ok "lost $MIG_LOST of $MIG_SENT at $pps pps, outage $MIG_GAP_MS ms (unplug+replug)"
		fi
		row "  HERE sent -> last NA updated" ok "$MIG_CONV_MS ms ($MIG_UPDATED agents)"
	else
		row "$1" FAIL "sent $MIG_SENT received $MIG_RECV conv $MIG_CONV_MS"
	fi
}
step "live-migrating a4 edge2-1 -> edge3-2, libvirt order (vif add there, then vif del here), $pps pps ping from a1"
migrate a4 edge3-2 "$encap" a1 "$pps" 2 3 add-del
migrow "migration a4 -> edge3-2, add-before-del" add-del
done_
step "migrating a4 back edge3-2 -> edge2-1, del-before-add, $pps pps ping from a1"
migrate a4 edge2-1 "$encap" a1 "$pps" 2 3 del-add
migrow "migration a4 -> edge2-1, del-before-add" del-add
l=$(ping_loss a1 192.168.1.4 3)
[ "$l" = 0 ] && row "ping a1->a4 at its new place" ok "3/3 replies" || row "ping a1->a4 at its new place" FAIL "$l% loss"
done_

# 5. gateways of the public tenant (scripts/dc/demo-gateway.sh)
# shellcheck source=scripts/dc/demo-gateway.sh
. "$here/demo-gateway.sh"
demo_gateway

# 6. core FDBs
nvm=$(wc -l <"$RUN/vms.txt")
for c in core1 core2; do
	n=$(fdb_count "$c")
	u=$(fdb_macs "$c" | wc -l)
	row "FDB entries on $c" info "$n (= $u edge switch MACs x VLANs) for $nvm VMs"
done
nonedge=$(for c in core1 core2; do fdb_macs "$c"; done | grep -v -i '^02:4e:4c:00:e0:0' | sort -u | wc -l)
[ "$nonedge" = 0 ] && row "core FDBs hold only edge switch MACs" ok "no VM MAC" ||
	row "core FDBs hold only edge switch MACs" FAIL "$nonedge other MACs"

echo
echo "=== summary ($encap encapsulation, $(el | tr -d ' ') s so far) ==="
printf '%-50s %-6s %s\n' "check" "result" "figure"
printf '%s\n' "${rows[@]}"
nf=$(printf '%s\n' "${rows[@]}" | awk '$0 ~ / FAIL /' | wc -l)
echo
teardown
echo "demo: $(printf '%s\n' "${rows[@]}" | grep -c ' ok ') ok, $nf failed, $(el | tr -d ' ') s"
[ "$nf" = 0 ]

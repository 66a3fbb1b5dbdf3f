#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The part of tests/dc/test_e2e.sh that needs a fabric kernel (run through
# scripts/vm/in-fabric-kernel.sh): the demo data center (dc-up.sh with
# topologies/demo.vms) and everything make demo shows, as assertions, plus
# core link captures (judged by tshark on the host), a lost HERE repaired by
# NOT-HERE and WHERE, a core link failure, an agent killed and restarted,
# hostile VMs, and ping/iperf3 in ip mode; or, with "tenant-bits-24", a
# short run in the 24-bit tenant scheme (dc-up.sh --tenant-bits 24).  Prints "ok <check>" /
# "FAIL <check>: why" and "# ..." lines; exit 1 if any check failed.
# Usage: tests/dc/e2e-guest.sh <out dir> <compiled dir> <vms file> <prefix>
#          [tenant-bits-24]   (only the short run in the 24-bit tenant scheme)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$1
cdir=$2
vmsf=$3
P=$4
RUN=/run/netlord-dc/$P
export P RUN
py=/usr/bin/python3
# shellcheck source=scripts/dc/dc-lib.sh
. "$repo/scripts/dc/dc-lib.sh"
# shellcheck source=scripts/dc/dc-measure.sh
. "$repo/scripts/dc/dc-measure.sh"

fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
note() { echo "# $*"; }
T0=$(date +%s)
tick() { echo "$1 $(($(date +%s) - T0)) s" >>"$out/times.txt"; }
cleanup() {
	"$repo/scripts/dc/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$out/pcap"
: >"$out/times.txt"

pingchk() { # label src dst
	local l
	l=$(ping_loss "$2" "$3" 3)
	if [ "$l" = 0 ]; then ok "ping $1"; else bad "ping $1" "$l% loss"; fi
}

# ---- the 24-bit tenant scheme (a run of its own: e2e-guest.sh ... tenant-bits-24) ----
# The same data center with dc-up.sh --tenant-bits 24: special addresses
# p.T.T.T, edge switches routing p.0.0.0/8.  A subset: bring-up, ping on one
# server, across the core and routed, cross-tenant refused, the outer
# addresses seen on a core link, teardown.
tenant_bits_24() {
	local cap24 c l n24 n16 nns
	trap cleanup EXIT
	if "$repo/scripts/dc/dc-up.sh" "$cdir" "$vmsf" --prefix "$P" --run-dir "$RUN" --encap udp \
		--tenant-bits 24 -q 2>"$out/dc-up24.err"; then
		ok "24-bit: dc-up --tenant-bits 24: 6 agents ready, every NART-2 complete"
		bits24() { na edge1-1 status | grep -q 'tenant bits 24'; }
		check "24-bit: agents report tenant bits 24" bits24
		cap24=()
		for c in core1 core2; do
			ip netns exec "${P}sw-$c" tcpdump -Z root -U -n -s 96 -i swp1 \
				-w "$out/pcap24-$c.pcap" 2>"$out/pcap24-$c.err" &
			cap24+=($!)
		done
		for _ in $(seq 1 100); do
			[ "$(cat "$out"/pcap24-*.err 2>/dev/null | grep -c 'listening on')" -ge 2 ] && break
			sleep 0.1
		done
		pingchk "24-bit 12.25 a1->a2 same server" a1 192.168.1.2
		pingchk "24-bit 12.25 a1->a4 across the core" a1 192.168.1.4
		pingchk "24-bit 12.25 a1->a5 routed" a1 192.168.2.5
		pingchk "24-bit 13.7 b1->b4 across the core" b1 192.168.1.4
		l=$(ping_loss b1 192.168.1.2 3)
		[ "$l" = 100 ] && ok "24-bit: 13.7 cannot reach 12.25's 192.168.1.2" ||
			bad "24-bit: 13.7 cannot reach 12.25's 192.168.1.2" "$l% loss"
		sleep 1
		kill "${cap24[@]}" 2>/dev/null
		wait "${cap24[@]}" 2>/dev/null
		# edge1's servers are on ports 1 and 2, MAC_AS 1 and 2; tenants 3097
		# = 0.12.25 and 3335 = 0.13.7: outer addresses [12].0.12.25 / [12].0.13.7
		for c in core1 core2; do tcpdump -n -r "$out/pcap24-$c.pcap" 2>/dev/null; done >"$out/pcap24.txt"
		n24=$(grep -cE ' IP [12]\.0\.(12\.25|13\.7)\.[0-9]+ > [12]\.0\.(12\.25|13\.7)\.24143: UDP' "$out/pcap24.txt")
		n16=$(grep -cE ' IP 10\.[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+ > 10\.[0-9.]+\.24143: UDP' "$out/pcap24.txt")
		[ "$n24" -gt 0 ] && [ "$n16" = 0 ] &&
			ok "24-bit: core links carry outer addresses p.T.T.T (e.g. 1.0.12.25: $n24 frames, none 10.p.T)" ||
			bad "24-bit: outer addresses p.T.T.T on the core" "$n24 p.T.T.T, $n16 10.p.T of $(wc -l <"$out/pcap24.txt") frames"
	else
		bad "24-bit: dc-up --tenant-bits 24" "$(tail -n 3 "$out/dc-up24.err" | tr '\n' ' ')"
	fi
	trap - EXIT
	cp "$RUN"/agent-*.log "$out/" 2>/dev/null
	"$repo/scripts/dc/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q
	nns=$(ip netns list | grep -c "^$P")
	[ "$nns" = 0 ] && [ ! -e "$RUN" ] && ok "24-bit teardown: no namespace or run directory left" ||
		bad "24-bit teardown" "$nns namespaces left"
	tick tenant-bits-24
}

if [ "${5:-}" = tenant-bits-24 ]; then
	tenant_bits_24
	[ "$fails" = 0 ]
	exit
fi

# ---- 1. up (udp) --------------------------------------------------------
if "$repo/scripts/dc/dc-up.sh" "$cdir" "$vmsf" --prefix "$P" --run-dir "$RUN" --encap udp -q 2>"$out/dc-up.err"; then
	ok "dc-up: fabric, 6 agents ready (LLDP, server address, VLAN table), $(wc -l <"$RUN/vms.txt") VMs, every NART-2 complete"
else
	bad "dc-up" "$(tail -n 3 "$out/dc-up.err" | tr '\n' ' ')"
	exit 1
fi
tick up
cp "$RUN/fabric.txt" "$RUN/vms.txt" "$out/"
allpids=()
for f in "$RUN"/*.pid; do allpids+=("$(cat "$f")"); done
hvs=(edge1-1 edge1-2 edge2-1 edge2-2 edge3-1 edge3-2)

# captures on both cores' links to edge1
caps=()
for c in core1 core2; do
	ip netns exec "${P}sw-$c" tcpdump -Z root -U -n -s 160 -i swp1 -w "$out/pcap/$c-swp1.pcap" \
		2>"$out/pcap/$c.err" &
	caps+=($!)
done
for _ in $(seq 1 100); do
	[ "$(cat "$out"/pcap/*.err 2>/dev/null | grep -c 'listening on')" -ge 2 ] && break
	sleep 0.1
done

# ---- 2. ping and iperf3 within each tenant ------------------------------
pingchk "12.25 a1->a2 same server" a1 192.168.1.2
pingchk "12.25 a1->a3 same edge switch" a1 192.168.1.3
pingchk "12.25 a1->a4 across the core" a1 192.168.1.4
pingchk "12.25 a1->a5 routed (subnet 1 -> 2)" a1 192.168.2.5
pingchk "12.25 a5->a3 routed (subnet 2 -> 1)" a5 192.168.1.3
pingchk "13.7 b1->b4 across the core" b1 192.168.1.4
pingchk "13.7 b1->b5 routed" b1 192.168.2.5
pingchk "14.3 c1->c5 routed" c1 192.168.2.5
# IPv6-only pair: no static neighbour, DAD on; the agents answer neighbour
# solicitations (proxy NDP, docs/ipv6.md)
vmx a6 ip -6 address add "$(vm_field a6 8)" dev eth0
vmx a7 ip -6 address add "$(vm_field a7 8)" dev eth0
for _ in $(seq 1 50); do
	vmx a6 ip -6 addr show dev eth0 tentative | grep -q . ||
		vmx a7 ip -6 addr show dev eth0 tentative | grep -q . || break
	sleep 0.2
done
check "ping6 12.25 a6->a7: IPv6 VIFs (MAC space 3), no static neighbour, DAD on, across the core" \
	vmx a6 ping -6 -n -q -c 3 -i 0.2 -W 1 "$(vm_field a7 8 | sed 's|/.*||')"
iperfchk() { # label src dst-vm floor(Mbit/s)
	local bw
	vmx "$3" iperf3 -s -1 -D -I "$RUN/iperf-$3.pid" >/dev/null 2>&1
	sleep 0.5
	bw=$(vmx "$2" timeout 15 iperf3 -c "$(vm_ip "$3")" -t 2 -J 2>/dev/null |
		$py -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' 2>/dev/null)
	kill "$(cat "$RUN/iperf-$3.pid" 2>/dev/null)" 2>/dev/null
	if [ -n "$bw" ] && [ "$bw" -ge "$4" ]; then ok "iperf3 $1: $bw Mbit/s (>= $4)"; else bad "iperf3 $1" "${bw:-no} Mbit/s, floor $4"; fi
}
iperfchk "12.25 a1->a4 across the core (udp, TSO on)" a1 a4 10
iperfchk "12.25 a1->a5 routed" a1 a5 10
iperfchk "13.7 b1->b4 across the core" b1 b4 10
sleep 1
kill "${caps[@]}" 2>/dev/null
wait "${caps[@]}" 2>/dev/null
tick traffic

# ---- 3. core FDBs ---------------------------------------------------------
for c in core1 core2; do
	fdb_macs "$c" >"$out/fdb-$c.txt"
	n=$(fdb_count "$c")
	other=$(grep -v -i -c '^02:4e:4c:00:e0:0[123]$' "$out/fdb-$c.txt")
	if [ "$other" = 0 ] && [ "$n" -gt 0 ]; then
		ok "$c FDB: $n entries, only edge switch MACs ($(wc -l <"$out/fdb-$c.txt") MACs; $(wc -l <"$RUN/vms.txt") VMs)"
	else
		bad "$c FDB holds only edge switch MACs" "$other other MACs: $(tr '\n' ' ' <"$out/fdb-$c.txt")"
	fi
done

# ---- 4. cross-tenant -------------------------------------------------------
c0=$(counter edge1-1 tx_arp_miss)
l=$(ping_loss b1 192.168.1.2 3)
c1=$(counter edge1-1 tx_arp_miss)
if [ "$l" = 100 ] && [ "$c1" -gt "$c0" ]; then ok "13.7 cannot reach 12.25's 192.168.1.2 (tx_arp_miss +$((c1 - c0)))"
else bad "13.7 cannot reach 12.25's 192.168.1.2" "loss $l%, tx_arp_miss $c0 -> $c1"; fi
vmx b1 ip neigh replace 192.168.1.2 lladdr "$(vm_field a2 5)" dev eth0 nud permanent
c0=$(counter edge1-1 tx_nart2_miss)
l=$(ping_loss b1 192.168.1.2 3)
c1=$(counter edge1-1 tx_nart2_miss)
if [ "$l" = 100 ] && [ "$c1" -gt "$c0" ]; then ok "13.7 with 12.25 a2's MAC as static neighbour: dropped (tx_nart2_miss +$((c1 - c0)))"
else bad "13.7 to 12.25 a2's MAC" "loss $l%, tx_nart2_miss $c0 -> $c1"; fi
vmx b1 ip neigh del 192.168.1.2 dev eth0 2>/dev/null
l=$(ping_loss p1 192.168.1.4 3)
if [ "$l" = 100 ]; then ok "public tenant p1 cannot reach tenants' 192.168.1.4"; else bad "public p1 isolated" "$l% loss"; fi

# ---- 5. hostile VM b1 (13.7, on edge1-1 next to 12.25's a1 and a2) -------
snap() { # NARTs of every agent, without the hostile tenant's entries
	for h in "${hvs[@]}"; do
		echo "== $h"
		na "$h" nart | grep -E '^ +[0-9]+ ' | awk '$1 != 3335' | sed -E 's/ version [0-9]+//' | sort
	done
}
snap >"$out/nart-before.txt"
st0=$(na edge1-1 status | grep -E '^(switch MAC|port|server address):')
lc0=$(na edge1-1 stats | awk '$1 == "lldp_changes" {print $2}')
vmx a1 ping -n -q -i 0.2 -w 40 -W 1 192.168.1.4 >"$out/hostile-ping.txt" 2>&1 &
hp=$!
vmx c1 ping -n -q -i 0.2 -w 40 -W 1 192.168.2.5 >"$out/hostile-ping-c.txt" 2>&1 &
hp2=$!
sleep 1
c0=$(counter edge1-1 tx_spoof_mac)
vmx b1 $py "$here/hostile.py" eth0 spoof-mac "$(vm_field a2 5)" "$(vm_field a4 5)" 192.168.1.2 192.168.1.4 20 >/dev/null
c1=$(counter edge1-1 tx_spoof_mac)
[ $((c1 - c0)) -ge 20 ] && ok "hostile: 20 frames with 12.25 a2's source MAC dropped (tx_spoof_mac +$((c1 - c0)))" ||
	bad "hostile: spoofed source MAC dropped" "tx_spoof_mac $c0 -> $c1"
c0=$(counter edge1-1 tx_spoof_ip)
vmx b1 $py "$here/hostile.py" eth0 spoof-ip "$(vm_field b4 5)" 192.168.1.9 192.168.1.4 20 >/dev/null
c1=$(counter edge1-1 tx_spoof_ip)
[ $((c1 - c0)) -ge 20 ] && ok "hostile: 20 frames with a foreign source IP dropped (tx_spoof_ip +$((c1 - c0)))" ||
	bad "hostile: spoofed source IP dropped" "tx_spoof_ip $c0 -> $c1"
vmx b1 $py "$here/hostile.py" eth0 nlarp 3097 "$(vm_field a4 5)" 192.168.1.4 10 02:4e:4c:00:e0:02 >/dev/null
vmx b1 $py "$here/hostile.py" eth0 lldp 02:66:66:66:66:66 9 10 >/dev/null
w0=$(na edge1-1 stats | awk '$1 == "nlarp_tx_where" {print $2}')
rl0=$(na edge1-1 stats | awk '$1 == "where_ratelimited" {print $2}')
ts=$(date +%s.%N)
vmx b1 $py "$here/hostile.py" eth0 scan 192.168.16.0 1024 192.168.1.1 >/dev/null
sleep 3
w1=$(na edge1-1 stats | awk '$1 == "nlarp_tx_where" {print $2}')
rl1=$(na edge1-1 stats | awk '$1 == "where_ratelimited" {print $2}')
note "address scan from b1 (1,024 ARP requests for 192.168.16.0/22): edge1-1 sent $((w1 - w0)) WHEREs, where_ratelimited +$((rl1 - rl0)), datapath tx_arp_miss $(counter edge1-1 tx_arp_miss)"
# the scan guard: at most burst 50 + 20/s per scanning VIF (3-4 s here)
[ $((w1 - w0)) -le 150 ] && ok "hostile: a 1,024-address scan caused $((w1 - w0)) WHEREs, not 1,024 (scan guard)" ||
	bad "hostile: WHERE storm from an address scan bounded" "$((w1 - w0)) WHEREs for 1,024 addresses"
wait "$hp" "$hp2"
snap >"$out/nart-after.txt"
if cmp -s "$out/nart-before.txt" "$out/nart-after.txt"; then
	ok "hostile: forged NL-ARP HERE (0x88B5, untagged and VLAN 4094), forged LLDP, spoofing and the scan left every agent's NART entries of the other tenants unchanged ($(grep -vc '^==' "$out/nart-after.txt") entries)"
else
	bad "hostile: other tenants' NART entries unchanged" "$(diff "$out/nart-before.txt" "$out/nart-after.txt" | head -n 4 | tr '\n' ' ')"
fi
st1=$(na edge1-1 status | grep -E '^(switch MAC|port|server address):')
lc1=$(na edge1-1 stats | awk '$1 == "lldp_changes" {print $2}')
[ "$st0" = "$st1" ] && [ "$lc0" = "$lc1" ] && ok "hostile: forged LLDP from a VM did not move edge1-1's location (lldp_changes $lc1)" ||
	bad "hostile: forged LLDP ignored" "$st1 / lldp_changes $lc0 -> $lc1"
for f in hostile-ping hostile-ping-c; do
	l=$(sed -nE 's/.* ([0-9.]+)% packet loss.*/\1/p' "$out/$f.txt")
	what="12.25 a1->a4"; [ "$f" = hostile-ping-c ] && what="14.3 c1->c5 (routed)"
	if [ -n "$l" ] && awk -v l="$l" 'BEGIN {exit !(l <= 5)}'; then ok "hostile: $what kept working during the attacks ($l% loss of $(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$out/$f.txt"), <= 5%)"
	else bad "hostile: $what kept working" "${l:-?}% loss"; fi
done
tick hostile

# ---- 6. agent killed and restarted ----------------------------------------
vmx a1 ping -n -q -i 0.1 -w 12 -W 1 192.168.1.4 >"$out/restart-ping.txt" 2>&1 &
rp=$!
sleep 1
agent_kill edge1-1 KILL
sleep 2
agent_start edge1-1 udp
allpids+=("$(agent_pid edge1-1)")
agent_wait edge1-1 200 && ok "agent on edge1-1 killed (-9) and restarted: ready again" || bad "agent restart" "$(tail -n 3 "$RUN/agent-edge1-1.log")"
wait "$rp"
l=$(sed -nE 's/.* ([0-9.]+)% packet loss.*/\1/p' "$out/restart-ping.txt")
[ "$l" = 0 ] && ok "forwarding continued while the agent was dead (a1->a4 10/s: 0% loss of $(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$out/restart-ping.txt"))" ||
	bad "forwarding while the agent was dead" "${l:-?}% loss"
n=$(na edge1-1 vif list | grep -c 'v-')
[ "$n" = 3 ] && ok "restarted agent re-adopted its 3 VIFs" || bad "restarted agent re-adopted its VIFs" "$n"
check "after the restart a new destination is learned: a2->a5 routed" ping_ok a2 192.168.2.5
tick restart

# ---- 7. migration during a ping stream -----------------------------------
migrate a4 edge3-2 udp a1 500 2 3
note "migration a4 edge2-1 -> edge3-2 at 500 pps: lost $MIG_LOST of $MIG_SENT, longest gap $MIG_GAP_MS ms (unplug/replug included), HERE -> first reply $MIG_AFTER_MS ms, HERE -> last NA updated $MIG_CONV_MS ms ($MIG_UPDATED agents)"
[ "$MIG_UPDATED" = 5 ] && ok "migration: the HERE updated all 5 other agents (${MIG_CONV_MS} ms)" || bad "migration: all other agents updated" "$MIG_UPDATED"
[ "$MIG_RECV" -gt 0 ] && [ "$MIG_AFTER_MS" -ge 0 ] && [ "$MIG_AFTER_MS" -lt 3000 ] &&
	ok "migration: ping stream resumed $MIG_AFTER_MS ms after the HERE (lost $MIG_LOST of $MIG_SENT)" ||
	bad "migration: ping stream resumed" "received $MIG_RECV, after $MIG_AFTER_MS ms"
check "migration: a1->a4 at its new place" ping_ok a1 192.168.1.4
tick migration

# ---- 8. a HERE dropped on purpose: NOT-HERE + WHERE repair it --------------
# edge1's downlink to edge1-1 leaves the broadcast VLAN: the HERE (and GONE)
# of the next move never reach edge1-1.
bridge -n "${P}sw-edge1" vlan del dev swp1 vid 4094
vm_unplug a4
vm_plug a4 edge2-1 udp
sleep 1
bridge -n "${P}sw-edge1" vlan add dev swp1 vid 4094
stale=$(na edge1-1 nart | grep -i "3097 *1 52:54:00:00:00:04 -> 02:4e:4c:00:e0:03 port 2" | wc -l)
[ "$stale" = 1 ] && ok "dropped HERE: edge1-1 still has a4 at edge3 port 2 (stale)" || bad "dropped HERE: edge1-1 entry stale" "$(na edge1-1 nart | grep 52:54:00:00:00:04 | grep ' 3097 ')"
nh0=$(counter edge3-2 rx_not_here)
rnh0=$(na edge1-1 stats | awk '$1 == "nlarp_rx_not_here" {print $2}')
w0=$(na edge1-1 stats | awk '$1 == "nlarp_tx_where" {print $2}')
vmx a1 ping -n -i 0.2 -c 25 -W 1 192.168.1.4 >"$out/herelost-ping.txt" 2>&1
nh1=$(counter edge3-2 rx_not_here)
rnh1=$(na edge1-1 stats | awk '$1 == "nlarp_rx_not_here" {print $2}')
w1=$(na edge1-1 stats | awk '$1 == "nlarp_tx_where" {print $2}')
first=$(sed -nE 's/.*icmp_seq=([0-9]+) .*/\1/p' "$out/herelost-ping.txt" | head -n 1)
fixed=$(na edge1-1 nart | grep -ic "3097 *1 52:54:00:00:00:04 -> 02:4e:4c:00:e0:02 port 1")
if [ -n "$first" ] && [ "$fixed" = 1 ] && [ "$nh1" -gt "$nh0" ] && [ "$rnh1" -gt "$rnh0" ] && [ "$w1" -gt "$w0" ]; then
	ok "lost HERE repaired: edge3-2 rx_not_here +$((nh1 - nh0)) -> NOT-HERE to edge1-1 (+$((rnh1 - rnh0))) -> WHERE (+$((w1 - w0))) -> a4 at edge2 port 1; first reply at icmp_seq $first (0.2 s apart)"
else
	bad "lost HERE repaired by NOT-HERE and WHERE" "first reply ${first:-none}, entry fixed $fixed, rx_not_here $nh0->$nh1, nlarp_rx_not_here $rnh0->$rnh1, tx_where $w0->$w1"
fi
tick here-lost

# ---- 9. a core link goes down ------------------------------------------------
# a4 (edge2-1), a5 (edge3-1): servers for 16 UDP flows each from a1 (edge1).
vmx a4 $py "$here/flows.py" server 7777 60 &
allpids+=($!)
vmx a5 $py "$here/flows.py" server 7777 60 &
allpids+=($!)
sleep 1
read -r n12 t12 < <(vmx a1 $py "$here/flows.py" client 192.168.1.4 7777 16)
[ "$n12" = 16 ] && ok "16 UDP flows edge1 -> edge2 (both VLANs) answered" || bad "16 flows edge1 -> edge2 before the failure" "$n12 of $t12"
ip -n "${P}sw-core1" link set swp2 down
read -r n12 t12 < <(vmx a1 $py "$here/flows.py" client 192.168.1.4 7777 16)
read -r n13 t13 < <(vmx a1 $py "$here/flows.py" client 192.168.2.5 7777 16)
note "core1's link to edge2 down: $n12 of $t12 flows edge1 -> edge2 answered, $n13 of $t13 flows edge1 -> edge3"
[ "$n13" = 16 ] && ok "core1-edge2 down: edge1 -> edge3 (not using that link) unaffected: 16 of 16 flows" ||
	bad "core1-edge2 down: edge1 -> edge3 unaffected" "$n13 of 16"
[ "$n12" -gt 0 ] && ok "core1-edge2 down: flows hashed onto VLAN 11 (via core2) still answered ($n12 of 16)" ||
	bad "core1-edge2 down: flows on the surviving VLAN" "0 of 16"
# VLAN failover: the agents' per-VLAN probes (docs/agent.md) drop VLAN 10
# after 3 unanswered probes, so every flow between edge1 and edge2 moves to
# VLAN 11 within about 4 s.
sleep 5
read -r n12 t12 < <(vmx a1 $py "$here/flows.py" client 192.168.1.4 7777 16)
[ "$n12" = 16 ] && ok "VLAN failover: all 16 flows edge1 -> edge2 answered 5 s after the failure" ||
	bad "VLAN failover: all 16 flows edge1 -> edge2 answered 5 s after the failure" "$n12 of 16"
ip -n "${P}sw-core1" link set swp2 up
tick link-down

# ---- 10. ip mode -------------------------------------------------------------
# the VMs stop first (libvirt's hook: vif del, so no persisted record waits
# for them), then the agents restart in ip mode and the VMs start again
while read -r vm hv _; do na "$hv" vif del "v-$vm" >>"$RUN/agent-$hv.log" 2>&1; done <"$RUN/vms.txt"
for h in "${hvs[@]}"; do na "$h" detach uplink >>"$RUN/agent-$h.log" 2>&1; done
for h in "${hvs[@]}"; do agent_kill "$h"; done
while read -r vm hv _; do ip -n "$(hv_ns "$hv")" link del "v-$vm" 2>/dev/null; done <"$RUN/vms.txt"
for h in "${hvs[@]}"; do agent_start "$h" ip; allpids+=("$(agent_pid "$h")"); done
okr=1
why=
for h in "${hvs[@]}"; do agent_wait "$h" 300 || { okr=0; why+="agent $h not ready ($(tail -n 2 "$RUN/agent-$h.log" | tr '\n' ' ')); "; }; done
while read -r vm hv _; do
	vm_plug "$vm" "$hv" ip || { okr=0; why+="vm_plug $vm on $hv failed ($(tail -n 2 "$RUN/agent-$hv.log" | tr '\n' ' ')); "; }
done < <(cat "$RUN/vms.txt")
[ "$okr" = 1 ] && ok "ip mode: agents restarted with --encap ip, VMs re-plugged (MTU 1466, TSO/GSO off)" || bad "ip mode restart" "$why"
sleep 2
pingchk "ip mode 12.25 a1->a2 same server" a1 192.168.1.2
pingchk "ip mode 12.25 a1->a3 same edge switch" a1 192.168.1.3
pingchk "ip mode 12.25 a1->a4 across the core" a1 192.168.1.4
pingchk "ip mode 12.25 a1->a5 routed" a1 192.168.2.5
iperfchk "ip mode 12.25 a1->a4 across the core" a1 a4 10
tick ip-mode

# ---- 11. teardown -----------------------------------------------------------
trap - EXIT
cp "$RUN"/agent-*.log "$out/" 2>/dev/null
"$repo/scripts/dc/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q
left=0
for p in "${allpids[@]}"; do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
nns=$(ip netns list | grep -c "^$P")
[ "$nns" = 0 ] && [ "$left" = 0 ] && [ ! -e "$RUN" ] &&
	ok "teardown: no namespace, process (agents, holders with the pins, lldpd, na-repo) or run directory left" ||
	bad "teardown" "$nns namespaces, $left processes"
tick down

[ "$fails" = 0 ]

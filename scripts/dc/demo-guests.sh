#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make demo's host stage (issue 12): real QEMU guests on tap VIFs, the VMs of
# patent [0019]-[0026], and QEMU's own live migration of one of them
# ([0034]-[0035]).  The emulated data center of the demo runs in the kernel
# VM (the host kernel has no 802.1Q), where a guest would be TCG inside TCG;
# this stage runs on the host instead, on the world of tests/guest/test_guest.sh
# (scripts/guest/world.sh, the same code): three servers as network
# namespaces behind one edge switch with an untagged fabric, one agent each
# (server 1 receives with XDP redirect into the tap, server 2 with tc),
#   1. guests g1 (server 1) and g2 (server 2): QEMU (TCG, or KVM where the
#      machine has it) with Debian's kernel and the initramfs of
#      scripts/guest/build-initramfs.sh, virtio-net on a tap registered with
#      `na-loader vif add`; IPv4 by DHCP (busybox udhcpc) and IPv6 by SLAAC
#      from their agents;
#   2. ping, ping6 and iperf3 across servers;
#   3. QEMU live migration of g1 to server 2 in libvirt's order (`vif add
#      --incoming-migration` there, migrate, `vif del` here; the agent
#      announces on the guest's first frame) under a 1,000 pps ping from a
#      namespace VM on server 3: lost pings, QEMU's downtime, when every NA
#      had the new place (printed, not asserted);
# then a summary of "ok"/"FAIL" rows like the data-center part's, and a
# checked teardown.  The VIFs are added by hand here, as libvirt's hook
# (scripts/libvirt/qemu, tested in tests/libvirt/) would add them: see
# docs/guests.md for why the demo does not start libvirtd.
#
# Usage: scripts/dc/demo-guests.sh [--encap gre|udp|ip]   (root; build/na-loader)
# Prints "demo guests: N ok, M failed, T s"; exits 0 only if nothing failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
encap=gre
while [ $# -gt 0 ]; do
	case $1 in
	--encap) encap=$2; shift 2 ;;
	*) echo "usage: $0 [--encap gre|udp|ip]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "demo-guests: needs root" >&2; exit 2; }

# shellcheck source=SCRIPTDIR/../../tests/lib/netns-world.sh
. "$repo/tests/lib/netns-world.sh"
# shellcheck source=SCRIPTDIR/../guest/lib.sh
. "$repo/scripts/guest/lib.sh"
# shellcheck source=SCRIPTDIR/../guest/world.sh
. "$repo/scripts/guest/world.sh"

NA=${NA:-$repo/build/na-loader}
TMP=$(mktemp -d /tmp/na-demo-guests.XXXXXX)
chmod 755 "$TMP"
GDIR=$TMP
PASS=0
FAIL=0
declare -A AGENT_PID

T0=$(date +%s.%N)
el() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN {printf "%5.1f", b - a}'; }
step() { printf '[%s s] %s ... ' "$(el)" "$*"; S0=$(date +%s.%N); }
done_() { awk -v a="$S0" -v b="$(date +%s.%N)" -v m=done 'BEGIN {printf "%s (%.1f s)\n", m, b - a}'; }
rows=()
row() { rows+=("$(printf '%-50s %-6s %s' "$1" "$2" "$3")"); }

# The checks of scripts/guest/world.sh (tests/lib/counters.sh's check -> ok
# or bad) go to $TMP/checks.log; a row sums up the checks made since the
# previous row (FAIL naming the ones that failed).
GFAILS=()
ok() { echo "ok   $*" >>"$TMP/checks.log"; PASS=$((PASS + 1)); }
bad() {
	echo "FAIL $*" >>"$TMP/checks.log"
	FAIL=$((FAIL + 1))
	GFAILS+=("$1")
}
grow() { # label figure: one row for the checks since the last grow
	if [ ${#GFAILS[@]} -eq 0 ]; then
		row "$1" ok "$2"
	else
		row "$1" FAIL "$(printf '%s; ' "${GFAILS[@]}")"
	fi
	GFAILS=()
}

torn=0
teardown() {
	[ "$torn" = 1 ] && return
	torn=1
	trap - INT TERM
	local ns procs i
	step "tearing the guest stage down"
	gw_teardown g1 g2 g1m >/dev/null 2>&1
	done_
	ns=$(ip netns list 2>/dev/null | grep -cE "^${GWP}(sw|s|v)$T" || true)
	procs=0
	for i in g1 g2 g1m; do
		[ -f "$TMP/$i.pid" ] && kill -0 "$(cat "$TMP/$i.pid")" 2>/dev/null && procs=$((procs + 1))
	done
	for i in "${AGENT_PID[@]}"; do kill -0 "$i" 2>/dev/null && procs=$((procs + 1)); done
	if [ "$ns" = 0 ] && [ "$procs" = 0 ]; then
		echo "teardown: no namespace, guest, agent or lldpd of this stage is left"
	else
		echo "teardown: LEFT: $ns namespaces, $procs processes"
	fi
	# what went wrong: the checks and the logs' tails
	if [ "$FAIL" -ne 0 ]; then
		for i in "$TMP/checks.log" "$TMP"/agent*.log "$TMP"/*.console "$TMP"/g*.log; do
			[ -s "$i" ] && echo "----- $(basename "$i") (last 20 lines)" && tail -n 20 "$i"
		done
	fi
	rm -rf "$TMP"
}
summary() {
	local nf
	echo
	echo "=== summary of the guest stage ($ENCAP encapsulation, $(el | tr -d ' ') s so far) ==="
	printf '%-50s %-6s %s\n' "check" "result" "figure"
	printf '%s\n' "${rows[@]}"
	echo
	nf=$(printf '%s\n' "${rows[@]}" | awk '$0 ~ / FAIL /' | wc -l)
	[ "$nf" = 0 ] || FAIL=$((FAIL + nf)) # (the logs' tails at teardown)
	teardown
	echo "demo guests: $(printf '%s\n' "${rows[@]}" | grep -c ' ok ') ok, $nf failed, $(el | tr -d ' ') s"
	[ "$nf" = 0 ]
}
# a setup step failed: its row, the summary, exit 1
fatal() { # label why
	echo "FAILED"
	row "$1" FAIL "$2"
	summary
	exit 1
}
trap 'echo; echo "demo-guests: interrupted"; teardown; exit 130' INT TERM
trap teardown EXIT

gw_init nq "$encap" || { echo "demo-guests: $GW_ERR" >&2; exit 2; }
accel=TCG
guest_accel | grep -q kvm && accel=KVM
echo
echo "NetLord demo, guest stage: real QEMU guests ($accel) on tap VIFs, 3 servers as host namespaces on an untagged fabric"

step "building the world: edge switch, 3 servers, agents (server 1 XDP, server 2 tc), guest initramfs"
for c in lldpd lldpcli iperf3 ping nsenter python3 ethtool qemu-system-x86_64 cpio; do
	command -v "$c" >/dev/null || fatal "world: $c" "not installed (scripts/deps.txt)"
done
[ -x "$NA" ] || fatal "world: na-loader" "$NA not built (make demo builds it)"
guest_prepare >"$TMP/prepare.log" 2>&1 || fatal "guest kernel + initramfs" "$(tail -n 1 "$TMP/prepare.log")"
gw_world_up || fatal "3 agents ready" "$GW_ERR"
gw_addr_modes
row "3 agents ready (server 1 XDP, server 2 tc)" ok "VIF MTU $VMMTU, guests: IPv4 $ADDR, IPv6 $ADDR6"
done_

step "booting g1 on server 1 and g2 on server 2 (QEMU, virtio-net on taps registered with vif add)"
check "tap and vif add g1's tap on server 1" gw_plug 1 "$(tap 1)" $MAC1 $IP1 $IP6_1
check "tap and vif add g2's tap on server 2" gw_plug 2 "$(tap 2)" $MAC2 $IP2 $IP6_2
gw_boot g1 1 "$(tap 1)" $MAC1 $IP1 $IP6_1 on
gw_boot g2 2 "$(tap 2)" $MAC2 $IP2 $IP6_2 on
check "vif add the namespace VM on server 3" gw_vm3_up
for g in g1 g2; do
	# generous: a TCG guest on a loaded machine boots in 10-100 s
	if guest_wait_ready $g 300; then
		ok "guest $g booted (QEMU on its server's tap)"
	else
		fatal "guest $g booted" "QEMU exited or 300 s passed: $(tail -q -n 3 "$TMP/$g.log" "$TMP/$g.console" 2>&1 | tr '\n' ' ')"
	fi
done
check "g1 has $IP1/24 and MTU $VMMTU ($ADDR)" wait_for 30 g_addr g1 $IP1
check "g2 has $IP2/24 and MTU $VMMTU ($ADDR)" wait_for 30 g_addr g2 $IP2
if [ "$ADDR6" != none ]; then
	check "g1 has $IP6_1/64 ($ADDR6)" wait_for 30 g_addr6 g1 $IP6_1
	check "g2 has $IP6_2/64 ($ADDR6)" wait_for 30 g_addr6 g2 $IP6_2
fi
grow "guests g1, g2 booted, addresses from their agents" "IPv4 $ADDR, IPv6 $ADDR6, $(awk -v a="$S0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}') s"
done_
echo
echo "Guests (tenant $TENANT, MAC_AS 1; addresses as the guest reports them):"
for g in g1 g2; do
	s=${g#g}
	a=$(gx $g 20 "ip -o addr show dev eth0" 2>/dev/null)
	a4=$(awk '$3 == "inet" {print $4; exit}' <<<"$a")
	a6=$(awk '$3 == "inet6" && $4 !~ /^fe80/ {print $4; exit}' <<<"$a")
	mac=$([ "$g" = g1 ] && echo $MAC1 || echo $MAC2)
	path=$([ "$s" = 1 ] && echo "XDP redirect into the tap" || echo "tc into the tap")
	printf '  %s  %s  %-15s %-28s on server %s (%s)\n' "$g" "$mac" "${a4:--}" "${a6:--}" "$s" "$path"
done
echo

step "ping and ping6 across servers"
check "ping g1 -> g2" quiet gx g1 30 "ping -q -c 3 -W 2 $IP2"
grow "ping g1 -> g2 (server 1 -> server 2)" "3/3 replies"
check "ping g2 -> g1" quiet gx g2 30 "ping -q -c 3 -W 2 $IP1"
grow "ping g2 -> g1 (server 2 -> server 1)" "3/3 replies"
check "ping server 3's VM -> g1" quiet vm3 ping -q -c 3 -i 0.2 -W 2 $IP1
grow "ping VM on server 3 -> g1" "3/3 replies"
if [ "$ADDR6" != none ]; then
	check "ping6 g1 -> g2" quiet gx g1 30 "ping6 -q -c 3 -W 2 $IP6_2"
	grow "ping6 g1 -> g2 ($ADDR6 addresses)" "3/3 replies"
fi
done_

step "iperf3 between the guests (4 MB each way)"
iperf_g() { # label src dst dst-ip
	local bw
	gx "$3" 10 "iperf3 -s -1 -D" >/dev/null
	sleep 1
	bw=
	if gx "$2" 120 "iperf3 -c $4 -n 4M -J > /tmp/ip.json" >/dev/null 2>&1; then
		bw=$(gx "$2" 10 "cat /tmp/ip.json" | python3 -c \
			'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' 2>/dev/null)
	fi
	if [ -n "$bw" ]; then row "$1" ok "$bw Mbit/s ($accel guests)"; else row "$1" FAIL "no transfer"; fi
}
iperf_g "iperf3 g1 -> g2 (TCP, virtio offloads on)" g1 g2 $IP2
iperf_g "iperf3 g2 -> g1" g2 g1 $IP1
done_

step "live-migrating g1 server 1 -> server 2 with QEMU, libvirt order, 1,000 pps ping from server 3"
migrate_g1 1 2 g1 "$(tap 1)" g1m "$(tap 1m)" "" >"$TMP/migrate.out" 2>&1
fig() { awk -F= -v k="$1" '$1 == k {print $2}' "$TMP/figures-g1m.txt" 2>/dev/null; } # KEY
grow "QEMU live migration g1 -> server 2, libvirt order" \
	"lost $(fig lost) of $(fig sent) at $(fig rate) pps; QEMU downtime $(fig downtime_ms) ms"
if [ "$(fig lost_after)" != -1 ] && [ -n "$(fig lost_after)" ]; then
	row "  lost pings by send time" ok "$(fig lost_before) before STOP, $(fig lost_pause) in QEMU's pause ($(fig pause_ms) ms), $(fig lost_after) after RESUME"
	row "  pings the fabric sent to the old server late" ok "$(fig late_to_source) after RESUME (the network's share)"
else
	row "  lost pings by send time" FAIL "no STOP/RESUME events from QEMU"
fi
if [ "$(fig every_na_ms)" != -1 ] && [ -n "$(fig every_na_ms)" ]; then
	row "  RESUME -> guest's first frame -> every NA" ok "$(fig first_frame_ms) ms -> $(fig every_na_ms | awk '{print ($1 < 1 ? "<1" : sprintf("%.0f", $1))}') ms (agents' logs, 3 NAs)"
else
	row "  RESUME -> guest's first frame -> every NA" FAIL "$(fig nas_updated) of 3 agents logged the new place"
fi
done_
grep -E '^ {4}(FIGURES|  )' "$TMP/migrate.out"

summary

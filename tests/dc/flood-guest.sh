#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The part of tests/dc/test_flood.sh that needs a fabric kernel (run through
# scripts/vm/in-fabric-kernel.sh): tenant multicast in the demo data center
# (topologies/demo.vms, three tenants with the same addresses) across the
# core (issue 11, docs/wire-format.md section 3).  A python3 sender on
# 239.1.1.1 in a1 (tenant 12.25, MAC space 1): a2 (same server), a3 (same
# edge switch) and a4 (across the core) get every datagram; a5 (MAC space
# 2), tenants 13.7 and 14.3 and the public VIF get none (the L2-only
# a6/a7 have no address to join the group with: not receivers).  Then tenant 13.7's b4 sends: only b1 (across the core) gets it.
# Prints "ok <check>" / "FAIL <check>: why" / "# ..." lines; exit 1 on failure.
# Usage: tests/dc/flood-guest.sh <out dir> <compiled dir> <vms file> <prefix>
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

fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
note() { echo "# $*"; }
cleanup() {
	cp "$RUN"/agent-*.log "$out/" 2>/dev/null
	"$repo/scripts/dc/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q 2>/dev/null || true
}
trap cleanup EXIT

if "$repo/scripts/dc/dc-up.sh" "$cdir" "$vmsf" --prefix "$P" --run-dir "$RUN" --encap udp -q 2>"$out/dc-up.err"; then
	ok "dc-up: agents ready, $(wc -l <"$RUN/vms.txt") VMs"
else
	bad "dc-up" "$(tail -n 3 "$out/dc-up.err" | tr '\n' ' ')"
	exit 1
fi
vms=$(awk '{print $1}' "$RUN/vms.txt")

RECV='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", 5000))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton("239.1.1.1") + socket.inet_aton(sys.argv[1]))
s.settimeout(15)
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "w") as out:
    try:
        while True:
            out.write(s.recv(100).decode() + "\n"); out.flush()
    except socket.timeout:
        pass
'
SEND='
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[1]))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
for i in range(5):
    s.sendto(("%s-%d" % (sys.argv[2], i)).encode(), ("239.1.1.1", 5000)); time.sleep(0.2)
'
# the receivers: every VM with an IPv4 address (the L2-only pair of MAC
# space 3 has none to join a group with)
rvms=$(for v in $vms; do [ -n "$(vm_ip "$v")" ] && echo "$v"; done)
round() { # sender tag
	local v pids=()
	for v in $rvms; do
		vmx "$v" timeout 60 python3 -c "$RECV" "$(vm_ip "$v")" "$out/mc-$2-$v.txt" &
		pids+=($!)
	done
	# every receiver has joined the group (python starts slowly under TCG)
	for _ in $(seq 240); do
		[ "$(ls "$out"/mc-"$2"-*.txt.ready 2>/dev/null | wc -l)" -ge "$(wc -w <<<"$rvms")" ] && break
		sleep 0.5
	done
	note "round $2: $(ls "$out"/mc-"$2"-*.txt.ready 2>/dev/null | wc -l) receivers ready"
	sleep 0.5
	vmx "$1" python3 -c "$SEND" "$(vm_ip "$1")" "$2"
	# each receiver ends 15 s after its last datagram (no kill: under TCG a
	# receiver may need seconds to read what arrived)
	wait "${pids[@]}" 2>/dev/null
}
got() { cat "$out/mc-$1-$2.txt" 2>/dev/null | awk -v t="$1-" 'index($0, t) == 1 { n++ } END { print n + 0 }'; }
expect() { # tag sender receivers...
	local tag=$1 snd=$2 v
	shift 2
	for v in $rvms; do
		if [[ " $* " == *" $v "* ]]; then
			[ "$(got "$tag" "$v")" = 5 ] && ok "multicast from $snd reaches $v ($(vm_hv "$v"))" ||
				bad "multicast from $snd reaches $v ($(vm_hv "$v"))" "got $(got "$tag" "$v")/5"
		else
			[ "$(got "$tag" "$v")" = 0 ] && ok "multicast from $snd does not reach $v" ||
				bad "multicast from $snd does not reach $v" "got $(got "$tag" "$v")"
		fi
	done
}
round a1 A
expect A a1 a2 a3 a4
round b4 B
expect B b4 b1
for hv in edge1-1 edge2-1; do
	note "$hv: tx_flood_local $(counter "$hv" tx_flood_local) tx_flood_remote $(counter "$hv" tx_flood_remote) rx_flood $(counter "$hv" rx_flood) rx_inner_bcast $(counter "$hv" rx_inner_bcast)"
done
[ "$(counter edge2-1 rx_flood)" -ge 5 ] && ok "edge2-1 delivered floods from across the core (rx_flood)" ||
	bad "edge2-1 rx_flood" "$(counter edge2-1 rx_flood)"

trap - EXIT
cleanup
[ "$fails" = 0 ]

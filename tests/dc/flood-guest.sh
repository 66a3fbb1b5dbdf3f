#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The part of tests/dc/test_flood.sh that needs a fabric kernel (run through
# scripts/vm/in-fabric-kernel.sh): tenant multicast in the demo data center
# (topologies/demo.vms, three tenants with the same addresses) across the
# core (issue 11, docs/wire-format.md section 3).  A multicast application
# (tests/dc/mcast.py: every receiver joined to 239.1.1.1 before anything
# is sent) sends from a1 (tenant 12.25, MAC space 1): a2 (same server), a3
# (same edge switch) and a4 (across the core) get every datagram; a5 (MAC
# space 2), a6/a7 (MAC space 3), tenants 13.7 and 14.3 and the public VIF
# get none.  Then tenant 13.7's b4 sends: only b1 (across the core) gets it.
# Prints "ok <check>" / "FAIL <check>: why" / "# ..." lines; exit 1 on failure.
# Usage: tests/dc/flood-guest.sh <out dir> <compiled dir> <vms file> <prefix>
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/guest.sh
. "$repo/tests/dc/lib/guest.sh" "$@"

dc_guest_up "dc-up" --encap udp
ok "dc-up: agents ready, $(wc -l <"$RUN/vms.txt") VMs"
note "up in $(elapsed)"

# the receivers: every VM with an IPv4 address to join the group with ("-"
# in vms.txt: an L2-only VM has none)
rvms=$(awk '$6 != "-" { print $1 }' "$RUN/vms.txt")
recv=()
for v in $rvms; do recv+=("$v:$(vm_ns "$v"):$(vm_ip "$v")"); done
python3 "$here/mcast.py" "${recv[@]}" -- "A:a1:a2,a3,a4" "B:b4:b1" >"$out/mcast.txt" 2>"$out/mcast.err" ||
	bad "mcast.py ran" "$(tail -n 3 "$out/mcast.err" | tr '\n' ' ')"
note "multicast rounds done at $(elapsed)"

got() { awk -v t="$1" -v v="$2" '$1 == t && $2 == v { print $3 }' "$out/mcast.txt"; }
expect() { # tag sender receivers...
	local tag=$1 snd=$2 v n
	shift 2
	for v in $rvms; do
		n=$(got "$tag" "$v")
		if [[ " $* " == *" $v "* ]]; then
			[ "$n" = 5 ] && ok "multicast from $snd reaches $v ($(vm_hv "$v"))" ||
				bad "multicast from $snd reaches $v ($(vm_hv "$v"))" "got ${n:-nothing}/5"
		else
			[ "$n" = 0 ] && ok "multicast from $snd does not reach $v" ||
				bad "multicast from $snd does not reach $v" "got ${n:-nothing}"
		fi
	done
}
expect A a1 a2 a3 a4
expect B b4 b1
for hv in edge1-1 edge2-1; do
	note "$hv: tx_flood_local $(counter "$hv" tx_flood_local) tx_flood_remote $(counter "$hv" tx_flood_remote) rx_flood $(counter "$hv" rx_flood) rx_inner_bcast $(counter "$hv" rx_inner_bcast)"
done
[ "$(counter edge2-1 rx_flood)" -ge 5 ] && ok "edge2-1 delivered floods from across the core (rx_flood)" ||
	bad "edge2-1 rx_flood" "$(counter edge2-1 rx_flood)"
note "total $(elapsed)"
dc_guest_done

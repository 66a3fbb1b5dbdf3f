#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make bench-dc: measured, printed, not asserted (docs/emulated-dc.md):
#   1. migration: a4 moves between edge2-1 and edge3-2 (vif del, veth
#      re-created, vif add) while a1 pings it at 1,000 pps: packets lost,
#      HERE sent -> first reply, HERE sent -> last other NA updated (agent
#      logs); median of 3 moves;
#   2. core FDB entries with 10, 100 and 1,000 VMs: NetLord (frames as the
#      agents send them: outer MACs are edge switch MACs) versus the same VM
#      MACs on a plain VLAN-bridged network (VM frames bridged on the VLAN
#      that spans every server).
# Runs in the fabric kernel (host or kernel VM, scripts/vm/in-fabric-kernel.sh).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if [ "${1:-}" != --guest ]; then
	cd "$repo" && exec scripts/vm/in-fabric-kernel.sh --timeout 600 --env NA -- "$here/bench-dc.sh" --guest
fi
P=nlb$$-
RUN=/run/netlord-dc/$P
export P RUN
. "$here/dc-lib.sh"
. "$here/dc-measure.sh"
trap '"$here/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q' EXIT
trap 'exit 130' INT TERM
echo "bench-dc: building the data center (fabric, agents, VMs) ..."
"$here/dc-up.sh" "$repo/build/dc/demo" "$repo/topologies/demo.vms" --prefix "$P" --run-dir "$RUN" -q || exit 1
ping_ok a1 192.168.1.4 || echo "bench-dc: warning: a1 cannot ping a4"
res=()
to=edge3-2
for k in 1 2 3; do
	echo "bench-dc: migration $k: a4 $(vm_hv a4) -> $to during a 1,000 pps ping ..."
	migrate a4 "$to" udp a1 1000 2 3
	res+=("$MIG_LOST $MIG_SENT $MIG_AFTER_MS $MIG_CONV_MS $MIG_GAP_MS")
	echo "  lost $MIG_LOST of $MIG_SENT, HERE -> first reply $MIG_AFTER_MS ms, HERE -> last NA updated $MIG_CONV_MS ms ($MIG_UPDATED agents), longest gap $MIG_GAP_MS ms"
	[ "$to" = edge3-2 ] && to=edge2-1 || to=edge3-2
done
med() { printf '%s\n' "${res[@]}" | awk -v f="$1" '{print $f}' | sort -n | sed -n 2p; }

fl() { for c in core1 core2; do bridge -n "${P}sw-$c" fdb flush dev br0 2>/dev/null; ip -n "${P}sw-$c" link set br0 type bridge fdb_flush 2>/dev/null; done; }
mapfile -t hvl < <(awk '$1 == "hv" {print $2, $3, $4, $5}' "$RUN/fabric.txt")
fdbrow=()
for n in 10 100 1000; do
	for mode in netlord plain; do
		fl
		nh=${#hvl[@]}
		per=$(((n + nh - 1) / nh))
		first=0
		for j in "${!hvl[@]}"; do
			read -r ns sw port smac <<<"${hvl[j]}"
			cnt=$per
			[ $((first + cnt)) -gt "$n" ] && cnt=$((n - first))
			[ "$cnt" -gt 0 ] || continue
			read -r _ dsw dport dmac <<<"${hvl[$(((j + 2) % nh))]}"
			if [ "$mode" = netlord ]; then
				ip netns exec "$ns" /usr/bin/python3 "$here/fdb_frames.py" netlord uplink "$smac" "$dmac" "$dport" "$first" "$cnt"
			else
				ip netns exec "$ns" /usr/bin/python3 "$here/fdb_frames.py" plain uplink "$first" "$cnt"
			fi
			first=$((first + cnt))
		done
		sleep 0.5
		c1=$(fdb_count core1)
		c2=$(fdb_count core2)
		eval "fdb_${mode}_$n='$c1 $c2'"
	done
	eval "a=\$fdb_netlord_$n; b=\$fdb_plain_$n"
	fdbrow+=("$(printf '%6d VMs   %8s %8s   %8s %8s' "$n" $a $b)")
done
echo
echo "=== bench-dc ($(uname -r)) ==="
echo "migration (a4 between edge2 and edge3, ping at 1,000 pps from edge1, median of 3, udp mode):"
echo "  packets lost:                  $(med 1) of $(med 2) (includes the move itself: vif del, veth re-created, vif add)"
echo "  HERE sent -> first reply:      $(med 3) ms"
echo "  HERE sent -> last NA updated:  $(med 4) ms"
echo "  longest gap between replies:   $(med 5) ms"
echo "core FDB entries (learned, all VLANs):"
printf '  %-12s %17s   %17s\n' "" "NetLord" "plain VLAN bridging"
printf '  %-12s %8s %8s   %8s %8s\n' "" core1 core2 core1 core2
printf '  %s\n' "${fdbrow[@]}"
echo "  (NetLord: the core only learns edge switch MACs, 3 switches x VLANs, whatever the"
echo "   number of VMs; plain bridging: every VM MAC on the VLAN's tree, through core1)"

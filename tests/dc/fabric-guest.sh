#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The part of tests/dc/test_fabric.sh that needs a fabric kernel (8021q,
# VLAN-aware bridge): run through scripts/vm/in-fabric-kernel.sh, so in the
# kernel VM on hosts without those features.  It builds the fabric, captures
# on every server uplink and on one link of each core switch, sends the
# frames fabric_frames.py made (phase 1), takes core1's link to edge2 down,
# sends phase 2, saves the core FDBs, tears the fabric down and checks that
# nothing is left.  The captures are judged afterwards on the host.
#
# Usage: tests/dc/fabric-guest.sh <out dir> <compiled dir> <prefix>
# Prints "ok <check>" / "FAIL <check>: why" lines; exit 1 if any failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$1
cdir=$2
P=$3
run_dir=/run/netlord-dc/$P
py=/usr/bin/python3

fails=0
ok() { echo "ok   $1"; }
bad() {
	echo "FAIL $1${2:+: $2}"
	fails=$((fails + 1))
}
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

cleanup() {
	"$repo/scripts/dc/fabric-down.sh" --prefix "$P" --run-dir "$run_dir" -q 2>/dev/null || true
}
trap cleanup EXIT

mkdir -p "$out/pcap"
: >"$out/times.txt"

# 1. The fabric.
t=$(now)
if "$repo/scripts/dc/fabric-up.sh" "$cdir" --prefix "$P" --run-dir "$run_dir" -q 2>"$out/fabric-up.err"; then
	echo "fabric-up $(took "$t") s" >>"$out/times.txt"
	ok "fabric-up builds the demo fabric ($(took "$t") s)"
else
	bad "fabric-up builds the demo fabric" "$(tail -n 3 "$out/fabric-up.err" | tr '\n' ' ')"
	exit 1
fi
cp "$run_dir/fabric.txt" "$out/fabric.txt"
mapfile -t hvs < <(awk '$1 == "hv" {print $2}' "$run_dir/fabric.txt")

# The repository answers on the management network, from a hypervisor.
if ip netns exec "${P}hv-edge3-2" curl -sf --max-time 5 http://192.168.255.1:8080/v1/vlan-table >"$out/vlan-table.got" &&
	cmp -s "$out/vlan-table.got" "$cdir/vlan-table.txt"; then
	ok "hypervisor downloads the VLAN table from na-repo serve at 192.168.255.1:8080"
else
	bad "hypervisor downloads the VLAN table from na-repo serve at 192.168.255.1:8080"
fi

# 2. Captures: incoming frames on every server uplink, both directions on
# port 1 of each core switch (its link to edge1).
caps=()
for ns in "${hvs[@]}"; do
	ip netns exec "$ns" tcpdump -Z root -Q in -U -n -s 0 -i uplink -w "$out/pcap/$ns.pcap" \
		2>"$out/pcap/$ns.err" &
	caps+=($!)
done
for c in core1 core2; do
	ip netns exec "${P}sw-$c" tcpdump -Z root -U -n -s 0 -i swp1 -w "$out/pcap/$c-swp1.pcap" \
		2>"$out/pcap/$c-swp1.err" &
	caps+=($!)
done
t=$(now)
for _ in $(seq 1 200); do
	n=$(cat "$out"/pcap/*.err 2>/dev/null | grep -c 'listening on' || true)
	[ "$n" -ge "${#caps[@]}" ] && break
	sleep 0.1
done
[ "$n" -ge "${#caps[@]}" ] || bad "captures start" "$n of ${#caps[@]} tcpdump listening"
echo "captures-start $(took "$t") s" >>"$out/times.txt"

# What na-loader attach will do: the server address 10.p.0.1/16 on the
# uplink (docs/wire-format.md), so the kernel answers the switch's ARP.
while read -r _ ns _ port _; do
	ip -n "$ns" address add "10.$port.0.1/16" dev uplink
done < <(awk '$1 == "hv"' "$run_dir/fabric.txt")

# 3. Phase 1: LLDP has been flowing (1 s interval), all frames.
sleep 2
t=$(now)
if "$py" "$here/send_frames.py" "$out/phase1.txt" 0.05 >>"$out/send.log" 2>&1; then
	ok "phase 1: $(grep -c '^sent' "$out/send.log") frames sent"
else
	bad "phase 1 frames sent" "$(tail -n 2 "$out/send.log" | tr '\n' ' ')"
fi
sleep 2
echo "phase1 $(took "$t") s" >>"$out/times.txt"

# 4. Phase 2: core1's link to edge2 down.
read -r _ dead <"$out/dead-port.txt"
ip -n "${P}sw-core1" link set "swp$dead" down
sleep 0.5
t=$(now)
if "$py" "$here/send_frames.py" "$out/phase2.txt" 0.05 >>"$out/send.log" 2>&1; then
	ok "phase 2 (core1 swp$dead down): frames sent"
else
	bad "phase 2 frames sent" "$(tail -n 2 "$out/send.log" | tr '\n' ' ')"
fi
sleep 2
echo "phase2 $(took "$t") s" >>"$out/times.txt"

# 5. Core FDBs: MAC per line.
for c in core1 core2; do
	bridge -n "${P}sw-$c" fdb show br br0 dynamic | awk '{print $1, $3, $5}' >"$out/fdb-$c.txt"
done
kill -INT "${caps[@]}" 2>/dev/null || true
wait "${caps[@]}" 2>/dev/null || true

# The routed edge switch resolved the servers by ARP from 10.p.0.0.
neigh=$(ip -n "${P}sw-edge2" neigh show dev br0 | grep -c 'lladdr' || true)
if [ "$neigh" -ge 2 ]; then
	ok "edge2 resolved its servers by ARP ($neigh neighbours)"
else
	bad "edge2 resolved its servers by ARP" "$(ip -n "${P}sw-edge2" neigh show dev br0 | tr '\n' ' ')"
fi

# 6. Teardown leaves nothing.
mapfile -t pids < <(awk '$1 == "lldpd" {print $4} $1 == "repo" {print $3}' "$run_dir/fabric.txt")
t=$(now)
"$repo/scripts/dc/fabric-down.sh" --prefix "$P" --run-dir "$run_dir" -q
echo "fabric-down $(took "$t") s" >>"$out/times.txt"
left=$(ip netns list | awk '{print $1}' | grep -c "^$P" || true)
alive=0
for pid in "${pids[@]}"; do
	kill -0 "$pid" 2>/dev/null && alive=$((alive + 1))
done
procs=$(pgrep -f -- "$run_dir" | wc -l || true)
if [ "$left" = 0 ] && [ "$alive" = 0 ] && [ "$procs" = 0 ] && [ ! -e "$run_dir" ]; then
	ok "fabric-down leaves no namespace, lldpd, na-repo or run directory"
else
	bad "fabric-down leaves nothing" "$left namespaces, $alive recorded processes, $procs with the run dir in their command line"
fi
# Idempotent.
if "$repo/scripts/dc/fabric-down.sh" --prefix "$P" --run-dir "$run_dir" -q; then
	ok "fabric-down again succeeds"
else
	bad "fabric-down again succeeds"
fi
[ "$fails" = 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The emulated data center's fabric (scripts/dc/, docs/emulated-dc.md), with
# hand-crafted NetLord frames and no agent:
#   1. host: check and compile topologies/demo.topo (na-repo), craft the
#      frames with scapy (tests/dc/fabric_frames.py gen);
#   2. fabric kernel (the kernel VM here: one boot): tests/dc/fabric-guest.sh
#      builds the fabric, captures, sends, fails a core link, tears down;
#   3. host: judge the captures and FDBs (fabric_frames.py check): LLDP,
#      delivery of ip/udp frames on every VLAN of a pair and on one switch,
#      NL-ARP broadcast, core links and FDBs with edge switch MACs only,
#      failover to the surviving VLAN.
# Last line: "dc-fabric: N passed, M failed".  Needs root, qemu (or a host
# kernel with 8021q and VLAN-aware bridges), lldpd, tcpdump, python3-scapy.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
na_repo=$repo/build/na-repo

# shellcheck source=../lib/counters.sh
. "$repo/tests/lib/counters.sh"
tc_init dc-fabric --need-pass

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_dc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="nlt$$-"

# 1. Topology and frames.
if [ ! -x "$na_repo" ]; then
	bad "build/na-repo exists" "make build/na-repo first"
	finish
fi
if "$na_repo" check-topo "$repo/topologies/demo.topo" >"$tmp/check.out" 2>&1; then
	ok "na-repo check-topo topologies/demo.topo: $(head -n 1 "$tmp/check.out" | sed 's/^[^:]*: //')"
else
	bad "na-repo check-topo topologies/demo.topo" "$(cat "$tmp/check.out")"
fi
if "$na_repo" compile -k 2 -o "$tmp/demo" "$repo/topologies/demo.topo" >"$tmp/compile.out" 2>&1; then
	npairs=$(grep -c '^pair ' "$tmp/demo/vlan-table.txt")
	multi=$(awk '$1 == "pair" && $2 != $3 && $4 ~ /,/' "$tmp/demo/vlan-table.txt" | wc -l)
	if [ "$multi" -eq 6 ]; then
		ok "compile -k 2: every pair of the 3 edge switches has 2 VLANs ($npairs pair lines)"
	else
		bad "compile -k 2: every pair has 2 VLANs" "only $multi of 6 ordered pairs"
	fi
else
	bad "na-repo compile -k 2 demo.topo" "$(cat "$tmp/compile.out")"
	finish
fi
if ! "$py" "$here/fabric_frames.py" gen "$tmp/demo" "$prefix" "$tmp" >"$tmp/gen.out" 2>&1; then
	bad "craft frames (scapy)" "$(tail -n 3 "$tmp/gen.out")"
	finish
fi
echo "# $(cat "$tmp/gen.out")"

# 2. The fabric, in a fabric kernel: one VM boot for everything.
t0=$(date +%s)
(cd "$repo" && scripts/vm/in-fabric-kernel.sh --timeout 300 --out "$tmp" -- \
	tests/dc/fabric-guest.sh "$tmp" "$tmp/demo" "$prefix") >"$tmp/guest.out" 2>"$tmp/guest.err"
rc=$?
echo "# fabric run (VM boot, fabric, traffic, teardown): $(($(date +%s) - t0)) s, exit $rc"
sed 's/^/# /' "$tmp/times.txt" 2>/dev/null
grep -v -E '^(ok|FAIL|#) ' "$tmp/guest.out" | sed 's/^/# guest: /'
sed 's/^/# stderr: /' "$tmp/guest.err" | grep -v '^# stderr: vm: running' | tail -n 20
before=$FAIL
tally "$tmp/guest.out"
if [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before" ]; then
	bad "fabric run in the fabric kernel" "exit $rc without a failed check"
fi

# 3. What the captures show.
if [ -f "$tmp/fabric.txt" ]; then
	"$py" "$here/fabric_frames.py" check "$tmp" >"$tmp/check-frames.out" 2>&1
	crc=$?
	tally "$tmp/check-frames.out"
	if [ "$crc" -ne 0 ]; then
		bad "capture analysis ran" "$(tail -n 3 "$tmp/check-frames.out")"
	fi
else
	bad "fabric state came back from the fabric run"
fi
# tshark dissects every delivered frame as NetLord (ip: IP protocol 143 =
# Ethernet; udp: decode port 24143 as Ethernet) with TTL 63.
if command -v tshark >/dev/null && [ -f "$tmp/fabric.txt" ]; then
	want=$("$py" -c 'import json, sys
print(sum(1 for c in json.load(open(sys.argv[1]))["cases"] if c["kind"] == "data" and c["expect"]))' "$tmp/cases.json")
	got=0
	while read -r _ ns _ _ _ mac _; do
		f=$tmp/pcap/$ns.pcap
		[ -s "$f" ] || continue
		n=$(tshark -r "$f" -d udp.port==24143,eth -Y "eth.dst == $mac" -T fields \
			-e frame.protocols -e ip.ttl 2>/dev/null |
			grep -cE '^eth:ethertype:ip:(udp:)?eth:ethertype:ip:udp:data[[:space:]]63,64$' || true)
		got=$((got + n))
	done < <(awk '$1 == "hv"' "$tmp/fabric.txt")
	if [ "$got" -eq "$want" ]; then
		ok "tshark dissects all $want delivered frames as outer IPv4 (TTL 63) + inner Ethernet"
	else
		bad "tshark dissects the delivered frames" "$got of $want"
	fi
fi
if [ -n "${NETLORD_DC_KEEP:-}" ]; then
	rm -rf "$NETLORD_DC_KEEP" && cp -r "$tmp" "$NETLORD_DC_KEEP" && echo "# kept in $NETLORD_DC_KEEP"
fi
finish

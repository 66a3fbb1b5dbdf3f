#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# End-to-end test of the emulated data center with agents and VMs
# (docs/emulated-dc.md, issue 5): one fabric kernel run (the kernel VM here)
# of tests/dc/e2e-guest.sh, then tshark on the core link captures:
# only edge switch MACs as outer Ethernet addresses, every frame tagged with a
# VLAN of that link, the tenant ID in the low 16 bits of both outer IPv4
# addresses of every data frame.
# Last line: "dc-e2e: N passed, M failed".  Needs root, build/na-loader,
# build/na-repo, qemu (or a fabric-capable host kernel), lldpd, iperf3,
# tcpdump, tshark.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/counters.sh
. "$repo/tests/lib/counters.sh"
tc_init dc-e2e --need-pass
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="nle$$-"
na_repo=$repo/build/na-repo
for b in "$na_repo" "${NA:-$repo/build/na-loader}"; do
	[ -x "$b" ] || { bad "$b exists" "make first"; finish; }
done
if ! "$na_repo" compile -k 2 -o "$tmp/demo" "$repo/topologies/demo.topo" >"$tmp/compile.out" 2>&1; then
	bad "na-repo compile demo.topo" "$(tail -n 3 "$tmp/compile.out")"
	finish
fi
t0=$(date +%s)
(cd "$repo" && scripts/vm/in-fabric-kernel.sh --timeout 540 --out "$tmp" --env NA -- \
	tests/dc/e2e-guest.sh "$tmp" "$tmp/demo" "$repo/topologies/demo.vms" "$prefix") >"$tmp/guest.out" 2>"$tmp/guest.err"
rc=$?
echo "# fabric kernel run: $(($(date +%s) - t0)) s, exit $rc"
sed 's/^/# at /' "$tmp/times.txt" 2>/dev/null | tr '\n' ';' && echo
grep -E '^vm: ' "$tmp/guest.err" | sed 's/^/# /'
before=$FAIL
tally "$tmp/guest.out"
if [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before" ]; then
	bad "e2e run in the fabric kernel" "exit $rc without a failed check; $(tail -n 5 "$tmp/guest.err" | tr '\n' ' ')"
fi

# tshark on the core links (core1 and core2, port 1 = link to edge1)
edges='02:4e:4c:00:e0:01 02:4e:4c:00:e0:02 02:4e:4c:00:e0:03'
tenants=$(awk '$1 == "vm" {for (i = 2; i < NF; i++) if ($i == "tenant") print $(i + 1)}' "$repo/topologies/demo.vms" | sort -u | tr '\n' ' ')
for c in core1:10 core2:11; do
	sw=${c%:*}
	vl=${c#*:}
	f=$tmp/pcap/$sw-swp1.pcap
	if [ ! -s "$f" ] || ! command -v tshark >/dev/null; then
		bad "tshark on $sw's link to edge1" "no capture or no tshark"
		continue
	fi
	tshark -r "$f" -d udp.port==24143,eth -T fields -E separator=' ' -E occurrence=f \
		-e eth.src -e eth.dst -e vlan.id -e ip.src -e ip.dst -e udp.dstport >"$tmp/$sw.fields" 2>"$tmp/$sw.tshark.err"
	res=$(awk -v edges="$edges" -v tenants="$tenants" -v vl="$vl" '
		BEGIN { n = split(edges, e, " "); for (i = 1; i <= n; i++) E[e[i]] = 1; E["ff:ff:ff:ff:ff:ff"] = 1
			n = split(tenants, t, " "); for (i = 1; i <= n; i++) T[t[i]] = 1 }
		function low16(a,   o) { split(a, o, "."); return o[3] * 256 + o[4] }
		{ tot++
		  if (!($1 in E) || !($2 in E)) badmac++
		  if ($3 == "" ) untagged++
		  else if ($3 != vl && $3 != 4094) badvlan++
		  vls[$3] = 1
		  if ($6 == 24143) { data++; if (!(low16($4) in T) || !(low16($5) in T) || low16($4) != low16($5)) badten++; else seen[low16($5)] = 1 } }
		END { s = ""; for (k in seen) s = s " " k; v = ""; for (k in vls) v = v " " k
		      printf "%d %d %d %d %d %d|%s|%s\n", tot, badmac, untagged, badvlan, data, badten, s, v }' "$tmp/$sw.fields")
	read -r tot badmac untagged badvlan data badten <<<"${res%%|*}"
	rest=${res#*|}
	seen=${rest%%|*}
	vls=${rest#*|}
	[ "$tot" -gt 0 ] && [ "$badmac" = 0 ] &&
		ok "tshark $sw-edge1: all $tot frames carry only edge switch MACs (or broadcast) as outer Ethernet addresses" ||
		bad "tshark $sw-edge1: only edge switch MACs" "$badmac of $tot frames other"
	[ "$tot" -gt 0 ] && [ "$untagged" = 0 ] && [ "$badvlan" = 0 ] &&
		ok "tshark $sw-edge1: every frame 802.1Q-tagged with this link's VLANs (seen:$vls)" ||
		bad "tshark $sw-edge1: VLAN tags" "$untagged untagged, $badvlan on other VLANs"
	[ "$data" -gt 0 ] && [ "$badten" = 0 ] &&
		ok "tshark $sw-edge1: $data data frames, tenant ID in the low 16 bits of outer source and destination IPv4 (tenants seen:$seen)" ||
		bad "tshark $sw-edge1: tenant ID in outer IPv4" "$data data frames, $badten without"
done

# The 24-bit tenant scheme: a short run of its own (e2e-guest.sh tenant-bits-24:
# dc-up --tenant-bits 24, pings, cross-tenant, outer p.T.T.T on the core).
# About 2 minutes more on an idle 2-core machine (VM boot, dc-up, checks,
# teardown); 7 minutes were measured with ~7 other VM jobs running.
mkdir -p "$tmp/b24"
t0=$(date +%s)
(cd "$repo" && scripts/vm/in-fabric-kernel.sh --timeout 600 --out "$tmp" --env NA -- \
	tests/dc/e2e-guest.sh "$tmp/b24" "$tmp/demo" "$repo/topologies/demo.vms" "${prefix}b-" \
	tenant-bits-24) >"$tmp/b24/guest.out" 2>"$tmp/b24/guest.err"
rc=$?
echo "# fabric kernel run, 24-bit tenants: $(($(date +%s) - t0)) s, exit $rc"
before=$FAIL
before_ok=$PASS
tally "$tmp/b24/guest.out"
n24=$((PASS - before_ok))
if [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before" ]; then
	bad "24-bit run in the fabric kernel" "exit $rc without a failed check; $(tail -n 5 "$tmp/b24/guest.err" | tr '\n' ' ')"
elif [ "$n24" -eq 0 ]; then
	bad "24-bit run in the fabric kernel" "no check ran"
fi

if [ -n "${NETLORD_DC_KEEP:-}" ]; then
	rm -rf "$NETLORD_DC_KEEP" && cp -r "$tmp" "$NETLORD_DC_KEEP" && echo "# kept in $NETLORD_DC_KEEP"
fi
finish

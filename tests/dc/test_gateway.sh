#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Gateways of the public tenant in the emulated data center (patent [0053],
# issue 16 item 3; docs/tenants.md "Gateways of the public tenant"): one
# fabric kernel run (the kernel VM here) of tests/dc/gateway-guest.sh with
# tests/dc/gateway.vms and the tenants file tests/dc/gateway.tenants.
# Last line: "dc-gateway: N passed, M failed".  Needs root, build/na-loader,
# build/na-repo, qemu (or a fabric-capable host kernel), lldpd, iperf3.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/counters.sh
. "$repo/tests/lib/counters.sh"
tc_init dc-gateway --need-pass
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_gateway.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="nlg$$-"
for b in "$repo/build/na-repo" "${NA:-$repo/build/na-loader}"; do
	[ -x "$b" ] || { bad "$b exists" "make first"; finish; }
done
if ! "$repo/build/na-repo" compile -k 2 --tenants "$here/gateway.tenants" -o "$tmp/demo" \
	"$repo/topologies/demo.topo" >"$tmp/compile.out" 2>&1; then
	bad "na-repo compile --tenants gateway.tenants demo.topo" "$(tail -n 3 "$tmp/compile.out")"
	finish
fi
t0=$(date +%s)
(cd "$repo" && scripts/vm/in-fabric-kernel.sh --timeout "${GW_TIMEOUT:-900}" --out "$tmp" --env NA --env GW_PPS -- \
	tests/dc/gateway-guest.sh "$tmp" "$tmp/demo" "$here/gateway.vms" "$prefix") >"$tmp/guest.out" 2>"$tmp/guest.err"
rc=$?
echo "# fabric kernel run: $(($(date +%s) - t0)) s, exit $rc"
grep -E '^vm: ' "$tmp/guest.err" | sed 's/^/# /'
before=$FAIL
tally "$tmp/guest.out"
if [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before" ]; then
	bad "gateway run in the fabric kernel" "exit $rc without a failed check; $(tail -n 5 "$tmp/guest.err" | tr '\n' ' ')"
fi
if [ "$FAIL" -ne 0 ]; then
	for f in "$tmp"/agent-edge3-1.log "$tmp"/agent-edge1-2.log "$tmp"/dc-up.err; do
		[ -f "$f" ] && { echo "----- $f"; tail -n 15 "$f"; }
	done
fi
if [ -n "${NETLORD_DC_KEEP:-}" ]; then
	rm -rf "$NETLORD_DC_KEEP" && cp -r "$tmp" "$NETLORD_DC_KEEP" && echo "# kept in $NETLORD_DC_KEEP"
fi
finish

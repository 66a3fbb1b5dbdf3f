#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Tenant multicast across the core of the emulated data center (issue 11;
# docs/wire-format.md section 3): one fabric kernel run (the kernel VM
# here) of tests/dc/flood-guest.sh.
# Last line: "dc-flood: N passed, M failed".  Needs root, build/na-loader,
# build/na-repo, qemu (or a fabric-capable host kernel), lldpd, python3.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }
finish() {
	echo "dc-flood: $pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
	exit
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_flood.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="nlf$$-"
for b in "$repo/build/na-repo" "${NA:-$repo/build/na-loader}"; do
	[ -x "$b" ] || { bad "$b exists" "make first"; finish; }
done
if ! "$repo/build/na-repo" compile -k 2 -o "$tmp/demo" "$repo/topologies/demo.topo" >"$tmp/compile.out" 2>&1; then
	bad "na-repo compile demo.topo" "$(tail -n 3 "$tmp/compile.out")"
	finish
fi
t0=$(date +%s)
(cd "$repo" && scripts/vm/in-fabric-kernel.sh --timeout ${FLOOD_TIMEOUT:-900} --out "$tmp" --env NA -- \
	tests/dc/flood-guest.sh "$tmp" "$tmp/demo" "$repo/topologies/demo.vms" "$prefix") >"$tmp/guest.out" 2>"$tmp/guest.err"
rc=$?
echo "# fabric kernel run: $(($(date +%s) - t0)) s, exit $rc"
before=$fail
while IFS= read -r line; do
	case $line in
	"ok "*) pass=$((pass + 1)); echo "$line" ;;
	"FAIL "*) fail=$((fail + 1)); echo "$line" ;;
	"# "*) echo "$line" ;;
	esac
done <"$tmp/guest.out"
if [ "$rc" -ne 0 ] && [ "$fail" -eq "$before" ]; then
	bad "flood run in the fabric kernel" "exit $rc without a failed check; $(tail -n 5 "$tmp/guest.err" | tr '\n' ' ')"
fi
if [ -n "${NETLORD_DC_KEEP:-}" ]; then
	rm -rf "$NETLORD_DC_KEEP" && cp -r "$tmp" "$NETLORD_DC_KEEP" && echo "# kept in $NETLORD_DC_KEEP"
fi
finish

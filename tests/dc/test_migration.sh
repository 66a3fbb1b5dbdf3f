#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Live migration in the emulated data center in both orders, with agent
# restarts in the middle (issue 10; docs/nlarp-ordering.md): one fabric
# kernel run (the kernel VM here) of tests/dc/migration-guest.sh.
# Last line: "dc-migration: N passed, M failed".  Needs root, build/na-loader,
# build/na-repo, qemu (or a fabric-capable host kernel), lldpd.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/counters.sh
. "$repo/tests/lib/counters.sh"
tc_init dc-migration --need-pass
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_migration.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="nlm$$-"
for b in "$repo/build/na-repo" "${NA:-$repo/build/na-loader}"; do
	[ -x "$b" ] || { bad "$b exists" "make first"; finish; }
done
if ! "$repo/build/na-repo" compile -k 2 -o "$tmp/demo" "$repo/topologies/demo.topo" >"$tmp/compile.out" 2>&1; then
	bad "na-repo compile demo.topo" "$(tail -n 3 "$tmp/compile.out")"
	finish
fi
t0=$(date +%s)
(cd "$repo" && scripts/vm/in-fabric-kernel.sh --timeout ${MIG_TIMEOUT:-900} --out "$tmp" --env NA --env MIG_PPS --env MIG_SLACK -- \
	tests/dc/migration-guest.sh "$tmp" "$tmp/demo" "$repo/topologies/demo.vms" "$prefix") >"$tmp/guest.out" 2>"$tmp/guest.err"
rc=$?
echo "# fabric kernel run: $(($(date +%s) - t0)) s, exit $rc"
before=$FAIL
tally "$tmp/guest.out"
if [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before" ]; then
	bad "migration run in the fabric kernel" "exit $rc without a failed check; $(tail -n 5 "$tmp/guest.err" | tr '\n' ' ')"
fi
if [ -n "${NETLORD_DC_KEEP:-}" ]; then
	rm -rf "$NETLORD_DC_KEEP" && cp -r "$tmp" "$NETLORD_DC_KEEP" && echo "# kept in $NETLORD_DC_KEEP"
fi
finish

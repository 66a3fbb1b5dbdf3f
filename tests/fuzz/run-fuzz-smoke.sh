#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Short libFuzzer run of each agent parser target (make fuzz-build builds them):
# the checked-in seeds in tests/fuzz/corpus/<target>/ plus RUNS mutated inputs
# (at most MAX_TIME seconds) per target.  New inputs go to a temporary
# directory, never into the checked-in corpus.  Ends with
# "fuzz: N passed, M failed"; exits non-zero if any target crashed, leaked,
# hit a sanitizer report or is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bindir=${NL_FUZZ_BIN_DIR:-$root/build/fuzz}
runs=${RUNS:-200000}
max_time=${MAX_TIME:-6}
targets=(fuzz_lldp fuzz_nlarp fuzz_nlarp_auth fuzz_dhcp fuzz_tenants fuzz_vlan_row)
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in "${targets[@]}"; do
	bin=$bindir/$t
	seeds=$here/corpus/$t
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: $bin not built (make fuzz-build)"
		fail=$((fail + 1))
		continue
	fi
	if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
		echo "FAIL $t: no seed corpus in $seeds"
		fail=$((fail + 1))
		continue
	fi
	mkdir -p "$tmp/$t"
	log=$tmp/$t.log
	# -seed fixed so a smoke failure reproduces; artifacts kept in $tmp
	if "$bin" -seed=1 -runs="$runs" -max_total_time="$max_time" \
		-artifact_prefix="$tmp/" "$tmp/$t" "$seeds" >"$log" 2>&1; then
		execs=$(grep -aoE 'Done [0-9]+ runs' "$log" | tail -n 1)
		echo "ok   $t: ${execs:-done} (seeds $(ls "$seeds" | wc -l))"
		pass=$((pass + 1))
	else
		echo "FAIL $t:"
		tail -n 40 "$log"
		for a in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-*; do
			[ -e "$a" ] && echo "  input: $(od -An -tx1 -v "$a" | tr -d ' \n')"
		done
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

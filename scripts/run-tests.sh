#!/usr/bin/env bash
# Runs each test program given as an argument, keeps going after a failure,
# and ends with one summary line adding up every program's own results:
# Criterion's "Synthesis:" lines and the scripts' "N passed, N failed" lines.
# A program that exits non-zero without reporting a failed test counts as
# one failed test, so a crash is never hidden.
set -u
total_pass=0
total_fail=0
failed=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	echo "=== $t"
	"$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=0
	f=0
	syn=$(grep -a 'Synthesis: Tested:' "$log" | tail -n 1)
	if [ -n "$syn" ]; then
		p=$(sed -E 's/.*Passing: *([0-9]+).*/\1/' <<<"$syn")
		f1=$(sed -E 's/.*Failing: *([0-9]+).*/\1/' <<<"$syn")
		f2=$(sed -E 's/.*Crashing: *([0-9]+).*/\1/' <<<"$syn")
		f=$((f1 + f2))
	else
		line=$(grep -aE '^([a-z0-9-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		if [ -n "$line" ]; then
			p=$(sed -E 's/^([a-z0-9-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
			f=$(sed -E 's/^([a-z0-9-]+: )?[0-9]+ passed, ([0-9]+) failed.*/\2/' <<<"$line")
		fi
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		failed+=("$t (exit $rc)")
	fi
done
for t in "${failed[@]}"; do
	echo "FAILED: $t"
done
echo "all: $total_pass passed, $total_fail failed"
[ "${#failed[@]}" -eq 0 ]

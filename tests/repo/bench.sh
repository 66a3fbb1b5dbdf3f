#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make bench-repo: compile time and VLAN count against the lower bound
# (docs/repository.md).  SPAIN (NSDI 2010) reports near-optimal VLAN counts
# for fat trees and HyperX; the lower bound is printed beside ours.
NAREPO=${1:-build/na-repo}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '%-14s %9s %6s %8s %6s %6s %10s\n' topology switches edge pairs vlans lower ms
TIMEFORMAT=%R
v() { sed -n "s/^$1 //p" "$T/o/summary.txt"; }
run() { # <label> <gen args> -- <compile options>
	local label=$1 ms
	shift
	local gen=() opt=()
	while [ "$1" != -- ]; do
		gen+=("$1")
		shift
	done
	shift
	opt=("$@")
	"$NAREPO" gen "${gen[@]}" >"$T/t" || exit 1
	ms=$( { time "$NAREPO" compile --serial 1 "${opt[@]}" -o "$T/o" "$T/t" >/dev/null; } 2>&1) ||
		exit 1
	printf '%-14s %9s %6s %8s %6s %6s %10s\n' "$label" \
		"$(v switches)" "$(v edge_switches)" "$(v pairs)" "$(v vlans)" "$(v lower_bound)" \
		"$(awk "BEGIN{printf \"%.0f\", $ms*1000}")"
	rm -rf "$T/o"
}
run "fattree k=8" fattree 8 --
run "fattree k=16" fattree 16 --
run "fattree k=32" fattree 32 --
run "hyperx 4x4" hyperx 4 4 --
run "hyperx 8x8" hyperx 8 8 --
run "hyperx 8x8 s3" hyperx 8 8 -- --stretch 3
run "hyperx 8x8 r" hyperx 8 8 -- --stretch 3 --random --tries 8
run "hyperx 16x16" hyperx 16 16 --
run "clique 8" clique 8 --
run "clique 16" clique 16 --
echo "(k=4 paths per pair, stretch 1 unless: s3 = --stretch 3,"
echo " r = --random --tries 8; ms = wall time including writing every file)"

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# na-repo compile: generated and example topologies pass the independent
# checker (tests/repo/check.py), the checker catches broken output, and bad
# topologies are refused with a message naming the offending element.
set -u
cd "$(dirname "$0")/../.."
NAREPO=${NAREPO:-build/na-repo}
CHECK="python3 tests/repo/check.py"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() {
	echo "ok: $1"
	pass=$((pass + 1))
}
ko() {
	echo "FAIL: $1"
	fail=$((fail + 1))
}

# compile_check <name> <topology> [compile options...]
compile_check() {
	local name=$1 topo=$2
	shift 2
	local kopt=4 a
	for a in "$@"; do
		case $a in -k*) kopt=${a#-k} ;; esac
	done
	if "$NAREPO" compile --serial 42 "$@" -o "$T/$name" "$topo" >"$T/$name.log" 2>&1 &&
		$CHECK --k "$kopt" "$topo" "$T/$name" >>"$T/$name.log" 2>&1 &&
		"$NAREPO" check-table "$T/$name/vlan-table.txt" >>"$T/$name.log" 2>&1; then
		ok "$name: $(sed -n 2p "$T/$name.log")"
	else
		ko "$name"
		cat "$T/$name.log"
	fi
}

gen() {
	"$NAREPO" gen "$@" >"$T/gen.topo" || return 1
}

gen fattree 4 && compile_check fattree4 "$T/gen.topo"
gen fattree 8 && compile_check fattree8 "$T/gen.topo"
gen fattree 8 && compile_check fattree8-k2 "$T/gen.topo" -k2
gen hyperx 4 4 && compile_check hyperx4x4 "$T/gen.topo"
gen hyperx 4 4 && compile_check hyperx4x4-random "$T/gen.topo" --random --seed 3 --tries 4
gen hyperx 3 5 1 && compile_check hyperx3x5 "$T/gen.topo"
gen clique 8 && compile_check clique8 "$T/gen.topo"
gen clique 8 && compile_check clique8-k8 "$T/gen.topo" -k8
gen clique 2 && compile_check clique2 "$T/gen.topo"
gen hyperx 8 8 && compile_check hyperx8x8 "$T/gen.topo"
gen hyperx 4 4 && compile_check hyperx4x4-k8 "$T/gen.topo" -k8
gen clique 16 && compile_check clique16 "$T/gen.topo"
# an irregular fabric where greedy path choice used to list 2 VLANs for the
# pair (s4,s5) although 3 link-disjoint paths exist
{
	for i in 0 1 2 3 4 5 6 7 8 9; do echo "switch s$i edge"; done
	for i in 10 11 12 13; do echo "switch s$i"; done
	for l in s0:3-s1:3 s0:4-s2:3 s0:5-s3:3 s0:6-s6:3 s0:7-s9:3 s1:4-s10:3 s2:4-s5:3 \
		s2:5-s12:3 s2:6-s13:3 s3:4-s4:3 s3:5-s7:3 s4:4-s5:4 s4:5-s8:3 s5:5-s9:4 \
		s8:4-s12:4 s9:5-s11:3; do echo "link ${l%-*} ${l#*-}"; done
	for i in 0 1 2 3 4 5 6 7 8 9; do echo "server s$i:1"; echo "server s$i:2"; done
} >"$T/irregular.topo"
compile_check irregular "$T/irregular.topo"
compile_check irregular-k8 "$T/irregular.topo" -k8
for f in topologies/*.topo; do
	compile_check "example-$(basename "$f" .topo)" "$f"
done

# a fat tree's VLAN count must equal the lower bound (k paths, k trees)
gen fattree 8
if "$NAREPO" compile --serial 1 -o "$T/ft" "$T/gen.topo" | grep -q '^vlans 4 lower-bound 4 '; then
	ok "fattree8: 4 VLANs = lower bound"
else
	ko "fattree8: VLAN count above the lower bound"
fi

# HyperX and cliques: tree-first packing reaches the lower bound (8x8, clique
# 16) or comes within one VLAN of it (4x4: 5 against 4)
expect_vlans() { # <label> <VLAN count> <lower bound> <gen args...>
	local label=$1 nv=$2 lb=$3
	shift 3
	gen "$@"
	if "$NAREPO" compile --serial 1 -o "$T/ev" "$T/gen.topo" | grep -q "^vlans $nv lower-bound $lb "; then
		ok "$label: $nv VLANs, lower bound $lb"
	else
		ko "$label: not $nv VLANs against a lower bound of $lb"
		"$NAREPO" compile --serial 1 -o "$T/ev" "$T/gen.topo"
	fi
}
expect_vlans "hyperx 8x8" 5 5 hyperx 8 8
expect_vlans "hyperx 4x4" 5 4 hyperx 4 4
expect_vlans "clique 16" 5 5 clique 16
expect_vlans "clique 8" 5 4 clique 8

# a single-path fabric needs exactly one path VLAN
"$NAREPO" compile --serial 1 -o "$T/line" topologies/line3.topo >/dev/null
if grep -q '^vlans 1$' "$T/line/summary.txt" &&
	grep -qx 'pair 02:4e:4c:00:00:01 02:4e:4c:00:00:03 10' "$T/line/vlan-table.txt"; then
	ok "line3: one VLAN"
else
	ko "line3: one VLAN"
fi

# same input, same serial => byte-identical output; --random is seeded
"$NAREPO" compile --serial 5 -o "$T/d1" topologies/hyperx4x4.topo >/dev/null
"$NAREPO" compile --serial 5 -o "$T/d2" topologies/hyperx4x4.topo >/dev/null
"$NAREPO" compile --serial 5 --random --seed 9 -o "$T/d3" topologies/hyperx4x4.topo >/dev/null
"$NAREPO" compile --serial 5 --random --seed 9 -o "$T/d4" topologies/hyperx4x4.topo >/dev/null
if diff -r "$T/d1" "$T/d2" >/dev/null && diff -r "$T/d3" "$T/d4" >/dev/null; then
	ok "deterministic output"
else
	ko "deterministic output"
fi

# the checker must catch broken output
mutate() { # <name> <sed expression> <file relative to the compiled dir> <expected error>
	rm -rf "$T/m"
	cp -r "$T/fattree4" "$T/m"
	local f changed=0
	for f in $3; do
		sed -i "$2" "$T/m/$f"
		cmp -s "$T/fattree4/$f" "$T/m/$f" || changed=$((changed + 1))
	done
	if [ "$changed" -ne "$(wc -w <<<"$3")" ]; then
		ko "checker catches $1 (mutation did not apply)"
	elif $CHECK "$T/fattree4.topo" "$T/m" >"$T/m.log" 2>&1; then
		ko "checker catches $1"
		cat "$T/m.log"
	elif grep -q -- "$4" "$T/m.log"; then
		ok "checker catches $1: $(grep -m1 -- "$4" "$T/m.log")"
	else
		ko "checker catches $1: no '$4' in"
		cat "$T/m.log"
	fi
}
"$NAREPO" gen fattree 4 >"$T/fattree4.topo"
mutate "a half-configured link" '/^port 3 vlan 10 tagged$/d' switches/e0_0.conf "ends disagree on VLANs \[10\]"
# a loop: VLAN 10 also on the link e0_0:4 - a0_1:1
# a loop: VLAN 10 also on e0_0:4-a0_1:1 and e0_1:4-a0_1:2 (e0_0 a0_1 e0_1 a0_0)
mutate "a VLAN loop" '/^switch e0_[01]$/,$s/^port 4 vlan 11 tagged$/port 4 vlan 10 tagged\n&/
/^switch a0_1$/,$s/^port \([12]\) vlan 11 tagged$/port \1 vlan 10 tagged\n&/' \
	"switches/e0_0.conf switches/e0_1.conf switches/a0_1.conf" "VLAN 10 is not one tree"
mutate "a pair using a VLAN that is not a path VLAN" \
	's/^\(pair 02:4e:4c:00:00:0[12] 02:4e:4c:00:00:0[12]\) 10,11$/\1 10,11,4093/' vlan-table.txt \
	"VLAN 4093 is not a path VLAN"
mutate "a pair with fewer VLANs than disjoint paths" \
	's/^\(pair 02:4e:4c:00:00:0[12] 02:4e:4c:00:00:0[12]\) 10,11$/\1 10/' vlan-table.txt \
	"but 2 disjoint paths exist"
mutate "an asymmetric pair" 's/^\(pair 02:4e:4c:00:00:02 02:4e:4c:00:00:01\) 10,11/\1 11,10,12/' \
	vlan-table.txt "not symmetric"
mutate "a missing route" '/^route 10.2.0.0/d' switches/e1_1.conf "e1_1: routes"
mutate "a server port left out of the broadcast VLAN" '/^port 2 vlan 4094 tagged$/d' \
	switches/e3_0.conf "e3_0: server port 2 not in the broadcast VLAN"

# bad topologies: refused, and the message names the offender
bad() { # <name> <expected message part> <topology text>
	printf '%s\n' "$3" >"$T/bad.topo"
	if "$NAREPO" compile -o "$T/bad" "$T/bad.topo" >"$T/bad.log" 2>&1; then
		ko "refuses $1 (compiled)"
	elif grep -q -- "$2" "$T/bad.log"; then
		ok "refuses $1: $(cat "$T/bad.log")"
	else
		ko "refuses $1: message lacks '$2'"
		cat "$T/bad.log"
	fi
}
H='switch a edge
switch b edge
server a:1
server b:1'
bad "a disconnected topology" "switch 'b' cannot reach switch 'a'" "$H"
bad "a duplicate link" "duplicate link between 'a' and 'b' (first on line 5)" "$H
link a:2 b:2
link a:3 b:3"
bad "a port used twice" "port a:2 already used on line 5" "$H
link a:2 b:2
switch c edge
server c:1
link a:2 c:2"
bad "an edge switch without servers" "edge switch 'c' has no servers" "$H
switch c edge
link a:2 b:2
link a:3 c:2"
bad "a downlink port above 255" "server a:256: a downlink port must be 1..255" "switch a edge
server a:256"
bad "port 0" "port '0' of switch 'a' must be a number" "switch a edge
server a:0"
bad "an uplink on a server port number" "port a:2 links to a switch, but port 2 is a server port on edge switch 'b'" "switch a edge
switch b edge
server a:1
server b:2
link a:2 b:1"
bad "servers on a core switch" "switch 'c' is not an edge switch" "$H
switch c
server c:1"
bad "an unknown switch" "unknown switch 'zz'" "$H
link a:2 zz:1"
bad "a duplicate MAC" "MAC 02:00:00:00:00:01, already used by switch 'a'" "switch a edge mac 02:00:00:00:00:01
switch b edge mac 02:00:00:00:00:01
server a:1
server b:1
link a:2 b:2"
bad "a multicast MAC" "MAC 01:00:00:00:00:01 is multicast" "switch a edge mac 01:00:00:00:00:01
server a:1"
bad "a switch linked to itself" "switch 'a' linked to itself" "$H
link a:2 a:3"
bad "a duplicate switch" "switch 'a' declared twice" "$H
switch a"
bad "an unknown keyword" "unknown keyword 'host'" "$H
host a:2"
bad "no edge switch" "no edge switches" "switch a"

# generator arguments
if "$NAREPO" gen fattree 3 >/dev/null 2>&1 || "$NAREPO" gen hyperx 4 >/dev/null 2>&1 ||
	"$NAREPO" gen clique x >/dev/null 2>&1; then
	ko "generators refuse bad arguments"
else
	ok "generators refuse bad arguments"
fi

echo "repo-compile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The emulated data center with VMs configured only by a DHCP client and
# SLAAC (issue 11, docs/dhcp.md): one fabric kernel run (the kernel VM
# here) of tests/dc/dhcp-guest.sh with tests/dc/dhcp.vms.
# Last line: "dc-dhcp: N passed, M failed".  Needs root, build/na-loader,
# build/na-repo, qemu (or a fabric-capable host kernel), lldpd, dhclient.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pass=0
fail=0
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }
finish() {
	echo "dc-dhcp: $pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
	exit
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_dhcp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="nlh$$-"
for b in "$repo/build/na-repo" "${NA:-$repo/build/na-loader}"; do
	[ -x "$b" ] || { bad "$b exists" "make first"; finish; }
done
command -v dhclient >/dev/null || { bad "dhclient installed" "apt-get install isc-dhcp-client"; finish; }
if ! "$repo/build/na-repo" compile -k 2 -o "$tmp/demo" "$repo/topologies/demo.topo" >"$tmp/compile.out" 2>&1; then
	bad "na-repo compile demo.topo" "$(tail -n 3 "$tmp/compile.out")"
	finish
fi
t0=$(date +%s)
(cd "$repo" && scripts/vm/in-fabric-kernel.sh --timeout 400 --out "$tmp" --env NA -- \
	tests/dc/dhcp-guest.sh "$tmp" "$tmp/demo" "$here/dhcp.vms" "$prefix") >"$tmp/guest.out" 2>"$tmp/guest.err"
rc=$?
echo "# fabric kernel run: $(($(date +%s) - t0)) s, exit $rc"
grep -E '^vm: ' "$tmp/guest.err" | sed 's/^/# /'
before=$fail
while IFS= read -r line; do
	case $line in
	"ok "*) pass=$((pass + 1)); echo "$line" ;;
	"FAIL "*) fail=$((fail + 1)); echo "$line" ;;
	"# "*) echo "$line" ;;
	esac
done <"$tmp/guest.out"
if [ "$rc" -ne 0 ] && [ "$fail" -eq "$before" ]; then
	bad "dhcp run in the fabric kernel" "exit $rc without a failed check; $(tail -n 5 "$tmp/guest.err" | tr '\n' ' ')"
fi
if [ "$fail" -ne 0 ]; then
	for f in "$tmp"/agent-edge1-1.log "$tmp"/dhclient-d1.log "$tmp"/dc-up.err; do
		[ -f "$f" ] && { echo "----- $f"; tail -n 20 "$f"; }
	done
fi
finish

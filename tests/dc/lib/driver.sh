# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
#
# The host side every emulated-data-center test shares (sourced by
# tests/dc/test_dhcp.sh, test_flood.sh; docs/emulated-dc.md): the counters
# of tests/lib/counters.sh, a scratch directory, the demo topology compiled
# by na-repo, and one fabric-kernel run (scripts/vm/in-fabric-kernel.sh: the
# kernel VM on a host without 8021q and VLAN-aware bridges) of a guest
# script whose "ok"/"FAIL"/"# " lines are relayed and counted.
#
#     . "$repo/tests/dc/lib/driver.sh"
#     dc_driver_init dc-flood nlf    # summary name, namespace prefix stem
#     need dhclient "apt-get install isc-dhcp-client"   # optional
#     dc_driver_run 400 tests/dc/flood-guest.sh topologies/demo.vms [--env X]...
#     finish
#
# The guest script is called as <script> <out dir> <compiled dir> <vms file>
# <prefix> (tests/dc/lib/guest.sh parses that).  NETLORD_DC_KEEP=<dir> keeps
# the scratch directory (agent logs, the guest's output) there.

DC_REPO=${DC_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
# shellcheck source=../../lib/counters.sh
. "$DC_REPO/tests/lib/counters.sh"

# dc_driver_init <summary name> <prefix stem>: $tmp, $prefix, $tmp/demo
dc_driver_init() {
	local b
	tc_init "$1" --need-pass
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_$1.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	prefix="$2$$-"
	for b in "$DC_REPO/build/na-repo" "${NA:-$DC_REPO/build/na-loader}"; do
		[ -x "$b" ] || { bad "$b exists" "make first"; finish; }
	done
	if ! "$DC_REPO/build/na-repo" compile -k 2 -o "$tmp/demo" "$DC_REPO/topologies/demo.topo" \
		>"$tmp/compile.out" 2>&1; then
		bad "na-repo compile demo.topo" "$(tail -n 3 "$tmp/compile.out")"
		finish
	fi
}

# need <command> <how to get it>: a failed check and the summary if missing
need() {
	command -v "$1" >/dev/null || { bad "$1 installed" "$2"; finish; }
}

# dc_driver_run <timeout s> <guest script> <vms file> [run.sh options...]:
# the guest script in the fabric kernel, its checks relayed; the VM's own
# "vm: " lines as comments; a non-zero exit without a failed check fails.
dc_driver_run() {
	local timeout=$1 script=$2 vmsf=$3 t0 rc before
	shift 3
	t0=$(date +%s)
	(cd "$DC_REPO" && scripts/vm/in-fabric-kernel.sh --timeout "$timeout" --out "$tmp" --env NA "$@" -- \
		"$script" "$tmp" "$tmp/demo" "$vmsf" "$prefix") >"$tmp/guest.out" 2>"$tmp/guest.err"
	rc=$?
	echo "# fabric kernel run: $(($(date +%s) - t0)) s, exit $rc"
	grep -E '^vm: ' "$tmp/guest.err" | sed 's/^/# /'
	before=$FAIL
	tally "$tmp/guest.out"
	if [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before" ]; then
		bad "$(basename "$script") in the fabric kernel" \
			"exit $rc without a failed check; $(tail -n 5 "$tmp/guest.err" | tr '\n' ' ')"
	fi
	if [ -n "${NETLORD_DC_KEEP:-}" ]; then
		rm -rf "$NETLORD_DC_KEEP" && cp -r "$tmp" "$NETLORD_DC_KEEP" && echo "# kept in $NETLORD_DC_KEEP"
	fi
	return 0
}

# dc_driver_tails <file>...: the last lines of the scratch files that exist
# (after a failure: agent logs, dc-up's errors)
dc_driver_tails() {
	local f
	for f in "$@"; do
		[ -f "$tmp/$f" ] && { echo "----- $tmp/$f"; tail -n 20 "$tmp/$f"; }
	done
	return 0
}

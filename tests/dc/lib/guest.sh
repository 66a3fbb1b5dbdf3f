# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
#
# The fabric-kernel side every emulated-data-center test shares (sourced by
# tests/dc/dhcp-guest.sh, flood-guest.sh, run by tests/dc/lib/driver.sh's
# dc_driver_run; docs/emulated-dc.md): the arguments, the data center's
# shell functions (scripts/dc/dc-lib.sh), "ok"/"FAIL" lines
# (tests/lib/counters.sh) and the data center brought up and, on exit,
# down with the agents' logs copied out.
#
#     . "$repo/tests/dc/lib/guest.sh" "$@"   # <out dir> <compiled dir> <vms file> <prefix>
#     dc_guest_logs 'dhclient-*.log'          # more run-dir files to copy out (optional)
#     dc_guest_up "dc-up" --encap udp         # exits 1 if the data center did not come up
#     ...checks...
#     dc_guest_done                           # tears down; status 0 if nothing failed
#
# Sets out, cdir, vmsf, P, RUN (exported) and T0 (seconds at start).

out=$1
cdir=$2
vmsf=$3
P=$4
RUN=/run/netlord-dc/$P
export P RUN
DC_GUEST_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck source=../../../scripts/dc/dc-lib.sh
. "$DC_GUEST_REPO/scripts/dc/dc-lib.sh"
# shellcheck source=../../lib/counters.sh
. "$DC_GUEST_REPO/tests/lib/counters.sh"
T0=$(date +%s)
DC_GUEST_LOGS=('agent-*.log')

note() { echo "# $*"; }
# seconds since the start, for "# ..." timing notes
elapsed() { echo "$(($(date +%s) - T0)) s"; }

dc_guest_logs() { DC_GUEST_LOGS+=("$@"); }

dc_guest_cleanup() {
	local g
	for g in "${DC_GUEST_LOGS[@]}"; do
		# shellcheck disable=SC2086
		cp "$RUN"/$g "$out/" 2>/dev/null
	done
	"$DC_GUEST_REPO/scripts/dc/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q 2>/dev/null || true
}
trap dc_guest_cleanup EXIT

# dc_guest_up <check name> [dc-up.sh options...]: one check; exit 1 on failure
dc_guest_up() {
	local name=$1
	shift
	if "$DC_GUEST_REPO/scripts/dc/dc-up.sh" "$cdir" "$vmsf" --prefix "$P" --run-dir "$RUN" "$@" \
		-q 2>"$out/dc-up.err"; then
		return 0
	fi
	bad "$name" "$(tail -n 3 "$out/dc-up.err" | tr '\n' ' ')"
	exit 1
}

# dc_guest_done: down, logs copied; status 0 if no check failed
dc_guest_done() {
	trap - EXIT
	dc_guest_cleanup
	[ "$FAIL" = 0 ]
}

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The part of tests/dc/test_migration.sh that needs a fabric kernel (run
# through scripts/vm/in-fabric-kernel.sh): live migration of a namespace VM
# in the demo data center in both orders while another server pings it at
# 1,000 pps (issue 10, docs/nlarp-ordering.md):
#   1. add-before-del (libvirt order) a4 edge2-1 -> edge3-1, the source's
#      agent killed and restarted between the VM's resume and its vif del;
#   2. del-before-add a4 edge3-1 -> edge2-1;
#   3. add-before-del a4 edge2-1 -> edge3-2, the ping source's agent (a
#      third NA) killed and restarted in the middle.
# Add-before-del must lose no more than the packets sent while the VM is
# "paused" (vif add on the destination started -> VM resumed there) plus
# MIG_SLACK; nothing may pull the VM back to its old place.
# Prints "ok <check>" / "FAIL <check>: why" / "# ..." lines; exit 1 on failure.
# Usage: tests/dc/migration-guest.sh <out dir> <compiled dir> <vms file> <prefix>
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$1
cdir=$2
vmsf=$3
P=$4
RUN=/run/netlord-dc/$P
export P RUN
# shellcheck source=scripts/dc/dc-lib.sh
. "$repo/scripts/dc/dc-lib.sh"
# shellcheck source=scripts/dc/dc-measure.sh
. "$repo/scripts/dc/dc-measure.sh"

PPS=${MIG_PPS:-1000}
# Packets that may be lost beyond the pause: the ones in flight when the VM
# resumes (the fabric's round trip is under 1 ms, i.e. 1 packet at 1,000 pps)
# and ping's own timing under the emulator (a late send is counted against
# the next millisecond): 1.5% of the 4 s stream, 60 packets.  The old rules
# lost the whole stream after the source's GONE (the new place deleted).
MIG_SLACK=${MIG_SLACK:-60}
fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
note() { echo "# $*"; }
T0=$(date +%s)
tick() { echo "# [$(($(date +%s) - T0)) s] $*"; }
cleanup() {
	cp "$RUN"/agent-*.log "$out/" 2>/dev/null
	"$repo/scripts/dc/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q 2>/dev/null || true
}
trap cleanup EXIT

if "$repo/scripts/dc/dc-up.sh" "$cdir" "$vmsf" --prefix "$P" --run-dir "$RUN" --encap udp -q 2>"$out/dc-up.err"; then
	ok "dc-up: 6 agents ready, $(wc -l <"$RUN/vms.txt") VMs"
	tick "dc-up done"
else
	bad "dc-up" "$(tail -n 3 "$out/dc-up.err" | tr '\n' ' ')"
	exit 1
fi
hvs=(edge1-1 edge1-2 edge2-1 edge2-2 edge3-1 edge3-2)

# every agent's NART-2 entry for <vm> names the place <hv>'s agent announces
all_at() { # <vm> <hv>
	local want h got n=0
	want=$(nart_place "$2" "$1")
	[ "$want" != none ] || { echo "$2 has no entry for $1"; return 1; }
	for h in "${hvs[@]}"; do
		got=$(nart_place "$h" "$1")
		[ "$got" = "$want" ] || { echo "$h: $got, want $want"; n=$((n + 1)); }
	done
	[ "$n" = 0 ]
}

# report <label> <order>: figures and the loss bound for add-del
report() {
	local bound
	note "$1: lost $MIG_LOST of $MIG_SENT at $PPS pps, longest gap $MIG_GAP_MS ms, pause $MIG_PAUSE_MS ms, HERE -> first reply $MIG_AFTER_MS ms, HERE -> last NA updated $MIG_CONV_MS ms ($MIG_UPDATED agents)"
	echo "$1|$MIG_LOST|$MIG_SENT|$MIG_PAUSE_MS|$MIG_CONV_MS|$MIG_UPDATED" >>"$out/migration-figures.txt"
	[ "$MIG_RECV" -gt 0 ] && [ "$MIG_AFTER_MS" -ge 0 ] && ok "$1: ping stream resumed at the new place" ||
		bad "$1: ping stream resumed" "received $MIG_RECV of $MIG_SENT, first reply after the HERE: $MIG_AFTER_MS ms"
	[ "$MIG_UPDATED" = 5 ] && ok "$1: the HERE updated all 5 other agents ($MIG_CONV_MS ms)" ||
		bad "$1: all 5 other agents updated" "$MIG_UPDATED"
	if [ "$2" = add-del ]; then
		bound=$(((PPS * MIG_PAUSE_MS + 999) / 1000 + MIG_SLACK))
		[ "$MIG_LOST" -le "$bound" ] &&
			ok "$1: lost $MIG_LOST packets <= $bound (pause $MIG_PAUSE_MS ms at $PPS pps + $MIG_SLACK)" ||
			bad "$1: loss within the pause" "lost $MIG_LOST > $bound (pause $MIG_PAUSE_MS ms)"
	fi
}

# ---- 1. add-before-del, source agent restarted in the middle -------------
from=$(vm_hv a4)
l0=$(wc -l <"$RUN/agent-$from.log")
tick "migration 1 (add-del, source agent restarted)"
migrate a4 edge3-1 udp a1 "$PPS" 1 3 add-del "$from"
tick "migration 1 done"
[ "$MIG_RESTART_OK" = 1 ] && ok "add-del: source agent ($from) killed -9 and restarted mid-migration" ||
	bad "add-del: source agent restarted" "not ready again"
report "add-before-del a4 $from -> edge3-1 (source agent restarted)" add-del
# the restarted source must not have re-announced a4 (a stale HERE)
again=$(tail -n +"$((l0 + 1))" "$RUN/agent-$from.log" | grep -c "^.* HERE tenant 3097 mac_as 1 52:54:00:00:00:04 version")
skipped=$(tail -n +"$((l0 + 1))" "$RUN/agent-$from.log" | grep -c "52:54:00:00:00:04 is announced at another place")
[ "$again" = 0 ] && [ "$skipped" -ge 1 ] &&
	ok "add-del: the restarted source did not re-announce a4 (migrating away)" ||
	bad "add-del: no stale HERE from the restarted source" "$again HEREs, $skipped skips logged"
r=$(all_at a4 edge3-1) && ok "add-del: every agent has a4 at edge3-1 after the source's GONE" ||
	bad "add-del: every agent has a4 at its new place" "$r"
# the destination keeps NART-1/NART-2 of its new local VM: a5 (same server,
# other subnet) reaches it through the virtual router (NART-1)
vmx a5 ip neigh flush dev eth0 >/dev/null 2>&1
ping_ok a5 192.168.1.4 5 && ok "add-del: a5 -> a4 routed on the destination server (its NART-1 kept)" ||
	bad "add-del: a5 -> a4 on the destination server" "no reply"
ping_ok a1 192.168.1.4 && ok "add-del: a1 -> a4 at its new place" || bad "add-del: a1 -> a4" "no reply"

# ---- 2. del-before-add ------------------------------------------------------
from=$(vm_hv a4)
tick "migration 2 (del-add)"
migrate a4 edge2-1 udp a1 "$PPS" 1 3 del-add
report "del-before-add a4 $from -> edge2-1" del-add
r=$(all_at a4 edge2-1) && ok "del-add: every agent has a4 at edge2-1" || bad "del-add: every agent has a4 at edge2-1" "$r"

# ---- 3. add-before-del, a third agent (the ping source's) restarted -------------------
from=$(vm_hv a4)
tick "migration 3 (add-del, third agent restarted)"
migrate a4 edge3-2 udp a1 "$PPS" 1 3 add-del edge1-1
[ "$MIG_RESTART_OK" = 1 ] && ok "add-del: third agent (edge1-1) killed -9 and restarted mid-migration" ||
	bad "add-del: third agent restarted" "not ready again"
report "add-before-del a4 $from -> edge3-2 (edge1-1 agent restarted)" add-del
r=$(all_at a4 edge3-2) && ok "add-del: every agent, the restarted one too, has a4 at edge3-2" ||
	bad "add-del: every agent has a4 at edge3-2" "$r"
[ "$(na edge1-1 stats | awk '$1 == "nart_stale" || $1 == "nart_withdrawn" {s += $2} END {print s + 0}')" -ge 0 ] &&
	note "edge1-1 after its restart: $(na edge1-1 stats | grep -E '^nart_(stale|withdrawn|gone_other|gone)' | tr -s ' ' | tr '\n' ' ')"

trap - EXIT
cleanup
[ "$fails" = 0 ]

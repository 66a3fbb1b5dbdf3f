#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The NL-ARP replay table sized by configuration (docs/scale.md: the next
# limit after the NART, at about 16,000 servers; patent Fig. 5's messages,
# authenticated and replay-checked per sender, docs/wire-format.md 4.1): an
# agent attached with `--nlarp-senders 16` remembers at most 16 senders;
# 100 authentic HEREs from 100 distinct senders (tests/hostile/nlarp_tool.py,
# the fleet key) fill it, and every sender is either remembered or counted
# as evicted (stats, metrics); the default table (16,384) keeps all 100;
# nonsense sizes are refused by the flag and the configuration file; a
# SIGHUP asking for another size says it needs a new attach.  Needs root.
# Prints "replay-size: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
TOOL=$(cd "$(dirname "$0")/../hostile" && pwd)/nlarp_tool.py
T=$(printf '%04x' $((RANDOM % 65536)))
SRV=nlrs$T
ATK=nlra$T
UP=nr$T
TMP=$(mktemp -d /tmp/na-replay-size.XXXXXX)
AGENT=

na() { timeout 10 nsenter --net=/var/run/netns/"$SRV" "$NA" "$@"; }
cleanup() {
	set +e
	[ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null
	sleep 0.3
	[ -n "$AGENT" ] && kill -9 "$AGENT" 2>/dev/null
	nw_detach "$SRV" "$UP"
	for n in "$SRV" "$ATK"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	nw_show_logs 40 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT
tc_init replay-size
nw_require replay-size nsenter python3

# the agent's uplink, and a host on its other end that sends NL-ARP
ip netns add "$SRV"
ip netns add "$ATK"
ip link add "$UP" type veth peer name "ra$T"
ip link set "$UP" netns "$SRV"
ip link set "ra$T" netns "$ATK"
for n in "$SRV" "$ATK"; do inns "$n" ip link set lo up; done
inns "$SRV" ip link set "$UP" up
inns "$ATK" ip link set "ra$T" up
nw_key_file "$TMP/nlarp.key"

start() { # attach-option...
	nsenter --net=/var/run/netns/"$SRV" "$NA" attach "$UP" --key-file "$TMP/nlarp.key" "$@" \
		>>"$TMP/agent.log" 2>&1 &
	AGENT=$!
	wait_for 10 test -S "/run/netlord/$UP.sock"
}
stop() {
	kill "$AGENT" 2>/dev/null
	wait "$AGENT" 2>/dev/null
	AGENT=
}
stat_of() { na stats -i "$UP" 2>/dev/null | awk -v k="$1" '$1 == k { print $2 }'; }
# 100 authentic HEREs, each from its own sender switch
send100() {
	inns "$ATK" python3 "$TOOL" send "ra$T" --auth key --key-file "$TMP/nlarp.key" \
		--switch 02:00:00:00:00:01 --distinct-switches --distinct-vifs --count 100 \
		>>"$TMP/tool.log" 2>&1
}
# every sender remembered or evicted
all_counted() { [ $(($(stat_of nlarp_replay_senders) + $(stat_of nlarp_replay_evicted))) -eq 100 ]; }

# ---- nonsense sizes: refused before anything is loaded ------------------------------------------
for v in 0 3 4194305 abc -5 ""; do
	out=$("$NA" attach "$UP" --nlarp-senders "$v" 2>&1)
	rc=$?
	check "attach --nlarp-senders '$v' refused (exit $rc, usage 1)" \
		bash -c "[ $rc -eq 1 ] && grep -q 'nlarp_senders' <<<\"\$1\"" _ "$out"
done
printf 'nlarp_senders = lots\n' >"$TMP/bad.conf"
out=$("$NA" config check "$TMP/bad.conf" 2>&1)
check "config check: 'nlarp_senders = lots' refused with its line ($out)" \
	bash -c "grep -q 'bad.conf:1: key .nlarp_senders.' <<<\"\$1\"" _ "$out"
printf '[%s]\nnlarp_senders = 100000\n' "$UP" >"$TMP/good.conf"
check "config check: nlarp_senders = 100000 accepted" "$NA" config check "$TMP/good.conf"

# ---- a small table: filled, every eviction counted ---------------------------------------------
MPORT=$((20000 + RANDOM % 20000))
printf 'nlarp_senders = 16\n' >"$TMP/na.conf"
check "agent attached with nlarp_senders = 16 (configuration file)" \
	start --config "$TMP/na.conf" --metrics "127.0.0.1:$MPORT"
check "stats: nlarp_replay_capacity 16" test "$(stat_of nlarp_replay_capacity)" = 16
check "the agent logs the table's size" grep -q "NL-ARP replay table: 16 senders" "$TMP/agent.log"
check "100 authentic HEREs from 100 senders sent" send100
check "every sender remembered or counted as evicted" wait_for 10 all_counted
echo "info: senders $(stat_of nlarp_replay_senders), evicted $(stat_of nlarp_replay_evicted)"
check "at most 16 senders remembered" test "$(stat_of nlarp_replay_senders)" -le 16
check "at least 84 evictions counted" test "$(stat_of nlarp_replay_evicted)" -ge 84
scrape() {
	inns "$SRV" python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		"http://127.0.0.1:$MPORT/metrics"
}
ev=$(stat_of nlarp_replay_evicted)
check "metrics: netlord_nlarp_replay_evictions_total $ev, capacity 16" wait_for 5 bash -c \
	"$(declare -f scrape inns); SRV=$SRV MPORT=$MPORT; out=\$(scrape);
	 grep -qx 'netlord_nlarp_replay_evictions_total $ev' <<<\"\$out\" &&
	 grep -qx 'netlord_nlarp_replay_capacity_senders 16' <<<\"\$out\""
printf 'nlarp_senders = 1024\n' >"$TMP/na.conf"
kill -HUP "$AGENT"
check "SIGHUP with another size: a new attach is needed (logged), the size stays" \
	wait_for 5 grep -q "nlarp_senders = 1024 needs a new attach" "$TMP/agent.log"
check "stats: still 16 after the SIGHUP" test "$(stat_of nlarp_replay_capacity)" = 16
check "the agent is still running" kill -0 "$AGENT"
stop

# ---- the default table keeps every sender ------------------------------------------------------
check "restart without the setting: attached" start
check "stats: nlarp_replay_capacity 16384 (the default)" \
	test "$(stat_of nlarp_replay_capacity)" = 16384
check "100 HEREs from 100 senders sent again" send100
check "every sender counted" wait_for 10 all_counted
check "all 100 senders remembered, none evicted" bash -c \
	"[ '$(stat_of nlarp_replay_senders)' = 100 ] && [ '$(stat_of nlarp_replay_evicted)' = 0 ]"
stop

finish

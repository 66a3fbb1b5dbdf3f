#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# NART arrays sized by configuration (docs/scale.md, patent [0035]): an
# agent attached with `--nart-entries 16` (6 buckets, 18 slots) gets arrays
# of that size, fills them through its own writer (`nart set`, the path a
# HERE takes: nart_store_nart2_put), refuses and counts the inserts that no
# longer fit (status, stats, exit 4 for the request) without losing or
# changing any entry it holds; a restart without the flag keeps the pinned
# size and the entries, a restart asking for another size is refused
# (detach first); nonsense sizes are refused by the flag and by the
# configuration file.  Needs root.  Prints "nart-size: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SRV=nlzs$T
UP=nz$T
TMP=$(mktemp -d /tmp/na-nart-size.XXXXXX)
PASS=0
FAIL=0
AGENT=

na() { timeout 10 nsenter --net=/var/run/netns/"$SRV" "$NA" "$@"; }
cleanup() {
	set +e
	[ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null
	sleep 0.3
	[ -n "$AGENT" ] && kill -9 "$AGENT" 2>/dev/null
	nw_detach "$SRV" "$UP"
	ip netns pids "$SRV" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$SRV" 2>/dev/null
	nw_show_logs 40 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT
nw_require nart-size nsenter bpftool

ip netns add "$SRV"
ip link add "$UP" type veth peer name "zp$T"
ip link set "$UP" netns "$SRV"
inns "$SRV" ip link set lo up
inns "$SRV" ip link set "$UP" up
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
mac() { printf '02:00:00:00:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }

# ---- nonsense sizes: refused before anything is loaded ------------------------------------------
for v in 0 15 16777217 abc 1e6 -5 ""; do
	out=$("$NA" attach "$UP" --nart-entries "$v" 2>&1)
	rc=$?
	check "attach --nart-entries '$v' refused (exit $rc, usage 1): $out" \
		bash -c "[ $rc -eq 1 ] && grep -q 'nart_entries' <<<\"\$1\"" _ "$out"
done
printf 'nart_entries = lots\n' >"$TMP/bad.conf"
out=$("$NA" config check "$TMP/bad.conf" 2>&1)
check "config check: 'nart_entries = lots' refused with its line ($out)" \
	bash -c "grep -q 'bad.conf:1: key .nart_entries.' <<<\"\$1\"" _ "$out"
printf '[%s]\nnart_entries = 100000\n' "$UP" >"$TMP/good.conf"
check "config check: nart_entries = 100000 accepted" "$NA" config check "$TMP/good.conf"

# ---- a small table: sized, filled, refusals counted -----------------------------------------------
MPORT=$((20000 + RANDOM % 20000))
check "agent attached with --nart-entries 16" start --nart-entries 16 --metrics 127.0.0.1:$MPORT
na status -i "$UP" >"$TMP/status0.txt"
check "status: NART-2 has 18 slots (6 buckets)" grep -q 'NART-2 entries:  0 of 18 slots' \
	"$TMP/status0.txt"
check "status: sized for 16 VIFs" grep -q 'NART size:       16 VIFs' "$TMP/status0.txt"
v6max=$(bpftool -j map show pinned "/sys/fs/bpf/netlord/$UP/nl_nart1v6" 2>/dev/null |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["max_entries"])' 2>/dev/null)
check "the IPv6 NART-1 (hash map) sized to 16 entries too (${v6max:-none})" test "${v6max:-0}" -eq 16
check "status: 0.0 MiB of NART-1 + NART-2 (+ the 2 MiB switch array), not 47 MiB" \
	grep -q 'NART memory:     2.0 MiB' "$TMP/status0.txt"

accepted=()
refused=0
for i in $(seq 1 40); do
	if na nart set -i "$UP" --tenant $((100 + i % 3)) --mac-as 1 --mac "$(mac "$i")" \
		--switch 02:5d:00:00:00:01 --port $((1 + i % 9)) --version "$i" >/dev/null 2>&1; then
		accepted+=("$i")
	else
		refused=$((refused + 1))
	fi
done
echo "info: ${#accepted[@]} of 40 inserts accepted into 18 slots, $refused refused"
check "the table filled up to at least 15 of 18 slots (${#accepted[@]})" test "${#accepted[@]}" -ge 15
check "inserts beyond the capacity refused ($refused)" test "$refused" -ge 22
na status -i "$UP" --json >"$TMP/status1.json"
check "status --json: nart2_entries = accepted (${#accepted[@]})" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["nart2_entries"]!=int(sys.argv[2]))' \
	"$TMP/status1.json" "${#accepted[@]}"
check "status --json: nart2_refused = $refused" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["nart2_refused"]!=int(sys.argv[2]))' \
	"$TMP/status1.json" "$refused"
check "stats: nart2_full = $refused" bash -c "na() { timeout 10 nsenter --net=/var/run/netns/$SRV $NA \"\$@\"; }; na stats -i $UP | grep -Eq 'nart2_full +$refused\$'"

scrape() {
	inns "$SRV" python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		"http://127.0.0.1:$MPORT/metrics"
}
check "metrics: netlord_nart_refused_total{table=\"nart2\"} $refused" wait_for 5 bash -c \
	"$(declare -f scrape inns); SRV=$SRV MPORT=$MPORT; scrape | grep -qx 'netlord_nart_refused_total{table=\"nart2\"} $refused'"

# every accepted entry is still there with its own location and version
na nart -i "$UP" --json >"$TMP/nart1.json"
missing=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
have = {(e["tenant"], e["mac"], e["port"], e["version"]) for e in d["nart2"]}
miss = 0
for i in map(int, sys.argv[2:]):
    k = (100 + i % 3, "02:00:00:00:%02x:%02x" % (i // 256, i % 256), 1 + i % 9, i)
    miss += k not in have
print(miss if len(d["nart2"]) == len(sys.argv) - 2 else 999)' "$TMP/nart1.json" "${accepted[@]}")
check "no accepted entry lost or changed by the refusals ($missing missing)" test "$missing" -eq 0
# a full table still updates what it holds
first=${accepted[0]:-1}
check "an entry already held is updated in a full table" \
	na nart set -i "$UP" --tenant $((100 + first % 3)) --mac-as 1 --mac "$(mac "$first")" \
	--switch 02:5d:00:00:00:01 --port 200 --version 1000
check "the agent is still running" kill -0 "$AGENT"

# ---- restarts: the pinned size is kept, another one refused ---------------------------------------
stop
check "restart without --nart-entries: attached" start
na status -i "$UP" --json >"$TMP/status2.json"
check "restart: the pinned 18 slots and the ${#accepted[@]} entries re-adopted" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["nart2_slots"]==18 and d["nart2_entries"]==int(sys.argv[2])))' \
	"$TMP/status2.json" "${#accepted[@]}"
stop
out=$(timeout 20 nsenter --net=/var/run/netns/"$SRV" "$NA" attach "$UP" --key-file "$TMP/nlarp.key" \
	--nart-entries 1000 2>&1)
rc=$?
check "restart asking for another size refused (exit $rc), naming detach" \
	bash -c "[ $rc -ne 0 ] && grep -q 'detach' <<<\"\$1\"" _ "$out"
check "restart with the same size: attached" start --nart-entries 16
na status -i "$UP" --json >"$TMP/status3.json"
check "the entries survived the refused resize" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["nart2_entries"]!=int(sys.argv[2]))' \
	"$TMP/status3.json" "${#accepted[@]}"
stop

# ---- detach, then another size: the default when nothing is asked -----------------------------------
nw_detach "$SRV" "$UP"
check "after detach: attached without a size" start
na status -i "$UP" >"$TMP/status4.txt"
check "default size: 131072 VIFs per table (48,546 buckets)" \
	grep -q 'NART-2 entries:  0 of 145638 slots' "$TMP/status4.txt"
stop

echo "nart-size: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The hostile-fabric suite (issue 10 item 5): a host on an edge-switch port
# attacks the NL-ARP of two agents (patent Fig. 5, [0027]-[0035]) while two
# VMs of one tenant ping each other through them.  The fabric is the one of
# tests/agent/integration.sh: a switch namespace (a Linux bridge carrying
# the switch MAC on every port, routing 10.p.0.0/16 to port p, real lldpd),
# servers 1 and 2 running na-loader with the fleet key, and on port 3 the
# attacker's namespace (no agent), which sends with tests/hostile/nlarp_tool.py:
#
#   forged      HERE / NOT-HERE / WHERE / PROBE / REPLY without a MAC (key 0)
#   wrong-key   the same under key ID 1 with another secret
#   legacy      version 1 messages (no trailer)
#   max-version HERE for a victim VIF with loc_version 2^64-1 (forged, wrong key)
#   replay      the agents' own broadcasts (HERE, HERE+GONE, WHERE) captured on
#               port 3 and sent again; authentic unicasts sent twice
#   where-storm WHEREs at 10,000/s for 3 s, forged, then authentic
#   switch-macs 100,000 distinct forged switch MACs, without a key, then with
#               the fleet key (a compromised hypervisor)
#
# Each case: the legitimate ping's loss (printed, at most 10 %), the drop
# counters that must rise, both agents' RSS and CPU time (printed; RSS
# bounded), the control socket answering during and after the attack.
# Prints "hostile: N passed, M failed"; exits non-zero on failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$here/../lib/netns-world.sh"
NA=${NA_LOADER:-$(cd "$here/../.." && pwd)/build/na-loader}
TOOL=$here/nlarp_tool.py
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nhsw$T
SWMAC=02:5d:${T:0:2}:${T:2:2}:00:01
ATK=nha$T
TMP=$(mktemp -d /tmp/na-hostile.XXXXXX)
chmod 755 "$TMP"
RSS_LIMIT_KB=$((128 * 1024)) # an agent above this is not bounded
PASS=0
FAIL=0
declare -A AGENT_PID

srv() { echo "nhs$T$1"; }
up() { echo "nhu$T$1"; }
vm() { echo "nhv$T$1"; }
vif() { echo "nhf$T$1"; }
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
atk() { inns "$ATK" python3 "$TOOL" "$@"; }

cleanup() {
	set +e
	nw_stop_world "^nh(sw|s|v|a)$T" 1 2
	nw_show_logs 20 "$TMP"/agent*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require hostile lldpd lldpcli ping nsenter python3

# ---- the switch, two servers, the attacker on port 3 ---------------------------------------
nw_switch "$SW" "$SWMAC"
for p in 1 2 3; do
	ns=$(srv $p)
	[ $p -eq 3 ] && ns=$ATK
	nw_port "$SW" "$SWMAC" $p "$ns" "$(up $p)" "nhp$p$T"
done
inns "$ATK" ip link set "$(up 3)" address 02:00:00:00:ba:d0
nw_switch_route "$SW" 3
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1
nw_key_file "$TMP/nlarp.key"

start_agent() { # server
	local s=$1
	nw_start_agent "$(srv "$s")" "$(up "$s")" "$s" \
		--repo "$TMP/vlan-table.txt" --key-file "$TMP/nlarp.key"
	# the agent itself answering: a killed agent's socket file may still be there
	wait_for 20 agent_running "$s"
}
agent_running() { na "$1" status 2>/dev/null | grep -q '^agent: *running'; }
# without a key: only with the explicit flag, warned about, shown by status
check "--key-file and --insecure-no-auth together: usage error (exit 1)" bash -c \
	"nsenter --net=/var/run/netns/$(srv 1) $NA attach $(up 1) --insecure-no-auth \
	 --key-file $TMP/nlarp.key >/dev/null 2>&1; test \$? -eq 1"
nsenter --net=/var/run/netns/"$(srv 1)" "$NA" attach "$(up 1)" --repo "$TMP/vlan-table.txt" \
	--insecure-no-auth >>"$TMP/agent-insecure.log" 2>&1 &
AGENT_PID[1]=$!
wait_for 20 agent_running 1
check "--insecure-no-auth: status says authentication is OFF" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 status | grep -q 'NL-ARP auth: *OFF'"
check "--insecure-no-auth: a warning is logged at start" \
	grep -q 'warn.*NL-ARP authentication is OFF' "$TMP/agent-insecure.log"
kill "${AGENT_PID[1]}"
wait "${AGENT_PID[1]}" 2>/dev/null
AGENT_PID[1]=
for s in 1 2; do start_agent $s || bad "agent $s started"; done
nw_lldpd "$SW" swp1,swp2,swp3 "netlord hostile switch"
ready() { na "$1" status | grep -q 'state: *ready'; }
for s in 1 2; do wait_for 20 ready $s || bad "agent $s ready (LLDP)"; done

MAC1=52:54:00:aa:00:01
MAC2=52:54:00:aa:00:02
MAC3=52:54:00:aa:00:03
mkvm() { # vm server tenant mac ip
	local v=$1 s=$2
	nw_vm "$(vm "$v")" "$(vif "$v")" "$(srv "$s")" "$4" "$5/24" 1458 on # the default gre mode
	na "$s" vif add "$(vif "$v")" --tenant "$3" --mac-as 1 --mac "$4" --ip "$5/24" >/dev/null
}
check "VM a1 on server 1" mkvm a1 1 100 $MAC1 192.168.1.1
check "VM a2 on server 2" mkvm a2 2 100 $MAC2 192.168.1.2
nart_line() { na "$1" nart | grep -E "^ +$2 +1 $3 -> " | head -n 1; }
nart_has() { na "$1" nart | grep -qE "^ +$2 +1 $3 -> $SWMAC port $4 "; }
check "HEREs authenticated: server 1 learned a2 at port 2" wait_for 10 nart_has 1 100 $MAC2 2
check "HEREs authenticated: server 2 learned a1 at port 1" wait_for 10 nart_has 2 100 $MAC1 1
check "ping a1 -> a2 before any attack" inns "$(vm a1)" ping -c 3 -i 0.2 -W 1 192.168.1.2
VICTIM=$(nart_line 1 100 $MAC2)
echo "    server 1's entry for a2: $VICTIM"

# ---- measurements ---------------------------------------------------------------------------
counter() { # server name
	na "$1" stats | awk -v n="$2" '$1 == n {v = $2} END {print v + 0}'
}
counters2() { # name: servers 1 + 2
	echo $(($(counter 1 "$1") + $(counter 2 "$1")))
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/${AGENT_PID[$1]}/status" 2>/dev/null || echo 0; }
cpu_ms() { # utime + stime in ms
	awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' \
		"/proc/${AGENT_PID[$1]}/stat" 2>/dev/null || echo 0
}
RSS0=("" "$(rss_kb 1)" "$(rss_kb 2)")
echo "    agents at start: RSS $((RSS0[1] / 1024)) / $((RSS0[2] / 1024)) MiB"

# case <name> <counter[+counter]> <min delta> <attack command...>: the attack runs
# while a1 pings a2 (100 packets, 50 ms apart) and while the control sockets are asked
case_run() {
	local name=$1 ctrs=$2 min=$3 before=0 after=0 c t0 t1 cpu1 cpu2 loss tx rx during=ok
	shift 3
	for c in ${ctrs//+/ }; do before=$((before + $(counters2 "$c"))); done
	local c1=$(cpu_ms 1) c2=$(cpu_ms 2)
	t0=$(date +%s%N)
	inns "$(vm a1)" ping -n -q -c 100 -i 0.05 -W 1 192.168.1.2 >"$TMP/ping.txt" 2>&1 &
	local ping=$!
	"$@" >"$TMP/attack.txt" 2>&1 &
	local attack=$!
	sleep 1
	# the control socket answers while the attack runs
	na 1 status >/dev/null 2>&1 || during=no
	na 2 status >/dev/null 2>&1 || during=no
	wait $attack
	local arc=$?
	wait $ping
	t1=$(date +%s%N)
	sleep 0.5 # the last frames drained
	for c in ${ctrs//+/ }; do after=$((after + $(counters2 "$c"))); done
	cpu1=$(($(cpu_ms 1) - c1))
	cpu2=$(($(cpu_ms 2) - c2))
	tx=$(awk '/packets transmitted/ {print $1}' "$TMP/ping.txt")
	rx=$(awk '/packets transmitted/ {print $4}' "$TMP/ping.txt")
	loss=$(( (${tx:-100} - ${rx:-0}) * 100 / ${tx:-100} ))
	echo "    [$name] $(tail -n 1 "$TMP/attack.txt"); $ctrs +$((after - before));" \
		"ping a1->a2 ${rx:-0}/${tx:-0} (loss $loss %);" \
		"agent 1 RSS $(($(rss_kb 1) / 1024)) MiB CPU +$cpu1 ms," \
		"agent 2 RSS $(($(rss_kb 2) / 1024)) MiB CPU +$cpu2 ms in $(((t1 - t0) / 1000000)) ms"
	CASE_CPU=$((cpu1 > cpu2 ? cpu1 : cpu2))
	CASE_MS=$(((t1 - t0) / 1000000))
	check "$name: attack sent (exit $arc)" test "$arc" -eq 0
	check "$name: $ctrs rose by at least $min (+$((after - before)))" \
		test $((after - before)) -ge "$min"
	check "$name: legitimate ping loss $loss % (at most 10 %)" test "$loss" -le 10
	check "$name: control sockets answered during the attack" test $during = ok
	check "$name: control sockets answer after it" bash -c \
		"$(declare -f na srv up); NA=$NA T=$T; na 1 status >/dev/null && na 2 status >/dev/null"
	check "$name: agent RSS bounded ($(($(rss_kb 1) / 1024)), $(($(rss_kb 2) / 1024)) MiB <= $((RSS_LIMIT_KB / 1024)))" \
		test "$(rss_kb 1)" -le $RSS_LIMIT_KB -a "$(rss_kb 2)" -le $RSS_LIMIT_KB
}
victim_intact() { # server 1 still has a2 where it is, with its version
	[ "$(nart_line 1 100 $MAC2)" = "$VICTIM" ]
}

# one message of each kind, broadcast (to both agents) and unicast (to server 1)
each_op() { # auth options...
	local op
	for op in here not-here where probe reply; do
		atk send "$(up 3)" --op $op --switch $SWMAC --port 3 --vif-ip 192.168.1.2 "$@" || return 1
		atk send "$(up 3)" --op $op --switch $SWMAC --port 3 --vif-ip 192.168.1.2 "$@" \
			--unicast --dst-switch $SWMAC --saddr 10.3.0.1 --daddr 10.1.0.1 || return 1
	done
}

# ---- 1. forged: no MAC (key ID 0) -----------------------------------------------------------
case_run "forged (no MAC) x5 ops, broadcast + unicast" nlarp_auth_key_unknown 15 \
	each_op --auth none
check "forged: a2's entry unchanged" victim_intact

# ---- 2. wrong key -----------------------------------------------------------------------------
case_run "wrong key x5 ops, broadcast + unicast" nlarp_auth_bad_mac 15 \
	each_op --auth wrong-key --key-file "$TMP/nlarp.key"
check "wrong key: a2's entry unchanged" victim_intact

# ---- 3. version 1 (unauthenticated) -----------------------------------------------------------
case_run "version 1 messages x5 ops" nlarp_auth_version 15 each_op --legacy
check "version 1: a2's entry unchanged" victim_intact

# ---- 4. the maximum version ---------------------------------------------------------------------
maxver() {
	local a
	for a in none wrong-key; do
		atk send "$(up 3)" --op here --switch $SWMAC --port 3 --vif-mac $MAC2 \
			--vif-ip 192.168.1.2 --version 18446744073709551615 --auth $a \
			--key-file "$TMP/nlarp.key" --count 5 || return 1
	done
}
case_run "HERE for a2 with loc_version 2^64-1 (forged, wrong key)" \
	nlarp_auth_key_unknown+nlarp_auth_bad_mac 20 maxver
check "max version: a2's entry unchanged (not pinned at 2^64-1)" victim_intact

# ---- 5. replay ---------------------------------------------------------------------------------
# the agents' own broadcasts, captured on port 3: HERE (vif add a3), HERE+GONE
# (vif del a3), WHERE (server 1 lost a2's entry and a1 sends to it)
capture_events() {
	atk capture "$(up 3)" "$TMP/captured.txt" 6 >"$TMP/capture.out" &
	local cap=$!
	wait_for 5 test -e "$TMP/captured.txt.ready"
	mkvm a3 2 100 $MAC3 192.168.1.3
	sleep 1
	na 2 vif del "$(vif a3)" >/dev/null
	na 1 nart del --tenant 100 --mac-as 1 --mac $MAC2 >/dev/null
	inns "$(vm a1)" ping -c 2 -i 0.3 -W 1 192.168.1.2 >/dev/null 2>&1
	wait $cap
}
capture_events
NCAP=$(wc -l <"$TMP/captured.txt")
echo "    captured $NCAP NL-ARP broadcasts of the agents: $(cat "$TMP/capture.out")"
check "replay: captured HERE, HERE+GONE and WHERE broadcasts (at least 3)" test "$NCAP" -ge 3
check "replay: a3 withdrawn on server 1 before the replay" bash -c \
	"! { $(declare -f na srv up); NA=$NA T=$T; na 1 nart; } | grep -q $MAC3"
wait_for 5 nart_has 1 100 $MAC2 2
VICTIM=$(nart_line 1 100 $MAC2)
# authentic unicasts sent twice: PROBE, REPLY (no probe outstanding), NOT-HERE, WHERE
twice() {
	local op
	for op in probe reply not-here where; do
		atk send "$(up 3)" --op $op --switch $SWMAC --port 3 --vif-ip 192.168.1.2 \
			--vif-mac $MAC2 --auth key --key-file "$TMP/nlarp.key" --copies 2 \
			--unicast --dst-switch $SWMAC --saddr 10.3.0.1 --daddr 10.1.0.1 || return 1
	done
}
replays() {
	atk resend "$(up 3)" "$TMP/captured.txt" && twice
}
u0=$(counter 1 nlarp_probe_reply_unmatched)
case_run "replay: $NCAP captured broadcasts resent + 4 authentic unicasts twice" \
	nlarp_auth_replay $((NCAP + 4)) replays
check "replay: the REPLY that matched no probe was counted" \
	test "$(counter 1 nlarp_probe_reply_unmatched)" -gt "$u0"
check "replay: a3 not resurrected by its replayed HERE" bash -c \
	"! { $(declare -f na srv up); NA=$NA T=$T; na 1 nart; } | grep -q $MAC3"
check "replay: a2's entry unchanged" victim_intact

# ---- 6. WHERE storm at 10,000/s -------------------------------------------------------------
# floods: each agent gets every message, but a busy machine may drop some at
# the socket before the agent reads them; at least a tenth must be counted
case_run "WHERE storm 10,000/s x 3 s, forged" nlarp_auth_key_unknown 6000 \
	atk send "$(up 3)" --op where --switch $SWMAC --vif-ip 192.168.7.1 --count 30000 \
	--rate 10000 --distinct-vifs
check "forged WHERE storm: agent CPU ${CASE_CPU} ms in ${CASE_MS} ms (below half a core)" \
	test $((CASE_CPU * 2)) -lt "$CASE_MS"
case_run "WHERE storm 10,000/s x 3 s, authentic (addresses nobody hosts)" nlarp_rx_where 6000 \
	atk send "$(up 3)" --op where --switch $SWMAC --port 3 --vif-ip 192.168.7.1 --count 30000 \
	--rate 10000 --distinct-vifs --auth key --key-file "$TMP/nlarp.key"
check "WHERE storms: a2's entry unchanged" victim_intact

# ---- 7. 100,000 distinct switch MACs ------------------------------------------------------------
case_run "100,000 forged switch MACs (HERE, no MAC)" nlarp_auth_key_unknown 20000 \
	atk send "$(up 3)" --op here --tenant 300 --vif-ip 10.200.0.1 --switch $SWMAC --port 3 \
	--count 100000 --rate 20000 --distinct-switches --distinct-vifs
check "forged switch MACs: agent CPU ${CASE_CPU} ms in ${CASE_MS} ms (below half a core)" \
	test $((CASE_CPU * 2)) -lt "$CASE_MS"
check "forged switch MACs: no entry of tenant 300" bash -c \
	"! { $(declare -f na srv up); NA=$NA T=$T; na 1 nart; } | grep -qE '^ +300 '"
# a compromised hypervisor holds the key: its HEREs are authentic, so they
# are applied; what must hold is the agents' bounds (switch indexes
# reclaimed, the replay table bounded) and the legitimate VIFs.  At 20,000
# frames/s on a loaded machine the agents' sockets may overflow (the kernel
# counts that, not the agents): nlarp_rx_here sums both agents (200,000 if
# nothing overflowed, 86,789 seen on a loaded machine), at least a tenth.
case_run "100,000 switch MACs with the fleet key (compromised hypervisor)" nlarp_rx_here 20000 \
	atk send "$(up 3)" --op here --tenant 300 --vif-ip 10.200.0.1 --switch $SWMAC --port 3 \
	--count 100000 --rate 20000 --distinct-switches --distinct-vifs --auth key \
	--key-file "$TMP/nlarp.key"
check "compromised: a2's entry unchanged" victim_intact
na 1 status | grep -E '^(NART|VLAN)' | sed 's/^/    server 1 after: /'
na 1 stats | grep -E '^ *nart_' | tr -s ' ' | sed 's/^ */    server 1: /'
# a new edge switch joins: its row needs a switch index (65,535 at most)
NEWSW=02:5e:${T:0:2}:${T:2:2}:00:02
cat >"$TMP/vlan-table.txt" <<EOF2
netlord-vlan-table 1
serial 2
broadcast 4094
switches 2
pair $SWMAC $SWMAC 0
pair $SWMAC $NEWSW 0
pair $NEWSW $SWMAC 0
pair $NEWSW $NEWSW 0
end 4
EOF2
check "compromised: a VLAN table with a new edge switch still loads (na-loader refresh)" \
	na 1 refresh
check "compromised: status shows table serial 2" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 status | grep -q 'loaded, serial 2,'"
check "compromised: a VIF can still be added (server 2)" mkvm a4 2 100 52:54:00:aa:00:04 192.168.1.4
check "compromised: server 1 learned a4" wait_for 10 nart_has 1 100 52:54:00:aa:00:04 2
check "compromised: ping a1 -> a4" inns "$(vm a1)" ping -c 3 -i 0.2 -W 1 192.168.1.4

echo "    agents at the end: RSS $(($(rss_kb 1) / 1024)) / $(($(rss_kb 2) / 1024)) MiB" \
	"(start $((RSS0[1] / 1024)) / $((RSS0[2] / 1024)) MiB)"
for s in 1 2; do
	na $s stats | grep -E '^ *nlarp_(auth|rejected|probe_reply)' | sed "s/^ */    server $s: /"
done
echo "hostile: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

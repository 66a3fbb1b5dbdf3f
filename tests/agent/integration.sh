#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# na-loader integration test: three servers behind one emulated edge switch,
# real lldpd, real ping and iperf3 between VMs, two tenants with identical
# addresses.  Needs root; everything lives in network namespaces it creates
# (unique names) and is removed by the EXIT trap.
#
# The edge switch (namespace "sw"): the patent's edge switch bridges
# broadcasts on the broadcast VLAN and routes 10.p.0.0/16 to port p,
# rewriting MACs.  Here: a Linux bridge br0 (no VLAN filtering: the
# broadcast VLAN's tagged frames are flooded as they are) holds the ports
# swp1..swp3; br0 and every port carry the switch MAC (the chassis ID lldpd
# advertises).  Frames to the switch MAC reach br0's IP stack, which forwards
# with one route per port, `10.p.0.0/16 via 10.p.0.1 dev br0 onlink`; the
# next hop is resolved by ARP (source 10.p.0.254, a noprefixroute address on
# br0), answered by the server's kernel for the address the agent set from
# LLDP, and the bridge delivers the frame to the learned port.  All servers
# hang off this one switch, so the VLAN table is one untagged pair and
# outer source MAC = the server's own MAC (same-switch rule).
#
# Prints "agent-integration: N passed, M failed" and exits non-zero on failure.
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
NAREPO=${NA_REPO:-$(dirname "$NA")/na-repo}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nlsw$T
SWMAC=02:5c:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-int.XXXXXX)
chmod 755 "$TMP" # lldpcli drops privileges before it connects
ENCAP=${NA_ENCAP:-ip}
RX=${NA_RX:-auto} # na-loader attach --rx
case $ENCAP in
ip) VMMTU=1466 ;;
udp | gre) VMMTU=1458 ;;
*) echo "FAIL: NA_ENCAP must be ip, udp or gre"; echo "agent-integration: 0 passed, 1 failed"; exit 1 ;;
esac
PASS=0
FAIL=0
declare -A AGENT_PID

srv() { echo "nls$T$1"; }   # server namespace
up() { echo "nu$T$1"; }     # server uplink (unique: pins are keyed by name)
vm() { echo "nlv$T$1"; }    # VM namespace
vif() { echo "nv$T$1"; }    # VIF host side
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}

cleanup() {
	set +e
	[ -n "${REPO_PID:-}" ] && kill -CONT "$REPO_PID" 2>/dev/null && kill "$REPO_PID" 2>/dev/null
	nw_stop_world "^nl(sw|s|v)$T" 1 2 3
	nw_show_logs 30 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require agent-integration lldpd lldpcli iperf3 ping nsenter python3 ethtool strace

# strace log $1: at least two BPF map changes before the first removal of a tc
# filter (RTM_DELTFILTER, 0x2d: strace may not know the socket of another
# netns) or of the XDP program (RTM_SETLINK, 0x13); with $2 = all,
# none after it either (a running agent's later ticks may change maps: not all)
entries_before_programs() {
	awk -v all="${2:-}" '/bpf\(BPF_MAP_(DELETE|UPDATE)_ELEM/ { if (!first) n++; else late++ }
	     /RTM_DELTFILTER|RTM_SETLINK|nlmsg_type=0x2d |nlmsg_type=0x13 / && !first { first = NR }
	     END { exit !(n >= 2 && first && !(all == "all" && late)) }' "$1" ||
		{ grep -E 'BPF_MAP_(DELETE|UPDATE)_ELEM|RTM_(DELTFILTER|SETLINK)|nlmsg_type=0x(2d|13) ' "$1" | cut -c1-120; false; }
}

# ---- the switch -------------------------------------------------------------------------
nw_switch "$SW" "$SWMAC"
for p in 1 2 3; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "swp$p$T"; done
nw_switch_route "$SW" 3

# ---- the VLAN table (docs/vlan-table.md): one switch, reaching itself untagged ----------
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1

# ---- the fleet's NL-ARP key (docs/agent.md): one root-only file, the same on every server ----
nw_key_file "$TMP/nlarp.key"

# ---- agents (before lldpd: they must wait for LLDP) ------------------------------------
start_agent() { # server [repo]
	local s=$1 repo=${2:-$TMP/vlan-table.txt}
	nw_start_agent "$(srv "$s")" "$(up "$s")" "$s" \
		--repo "$repo" --encap "$ENCAP" --rx "$RX" --key-file "$TMP/nlarp.key" -v
	# the agent itself answering: a killed agent's socket file may still be there
	wait_for 20 agent_running "$s"
}
agent_running() { na "$1" status 2>/dev/null | grep -q '^agent: *running'; }
# a key file others can read, and no key file at all, are refused with a clear message
(umask 022 && cp "$TMP/nlarp.key" "$TMP/nlarp-readable.key" && chmod 644 "$TMP/nlarp-readable.key")
check "attach refuses a group/world-readable key file" bash -c \
	"! timeout 10 nsenter --net=/var/run/netns/$(srv 1) $NA attach $(up 1) --key-file $TMP/nlarp-readable.key \
	   >$TMP/badkey.out 2>&1 && grep -q 'accessible to group or others' $TMP/badkey.out"
check "attach without a key file (and without --insecure-no-auth) refuses to start" bash -c \
	"! timeout 10 nsenter --net=/var/run/netns/$(srv 1) $NA attach $(up 1) --key-file $TMP/nosuch.key \
	   >$TMP/nokey.out 2>&1 && grep -q 'insecure-no-auth' $TMP/nokey.out"
for s in 1 2 3; do start_agent $s || bad "agent $s started"; done
check "status shows NL-ARP authentication on" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 status | grep -q 'NL-ARP auth: *HMAC-SHA-256, key 1'"

check "before LLDP: status says waiting for LLDP" \
	bash -c "$(declare -f na srv up); NA=$NA T=$T; na 1 status | grep -q 'state: *waiting for LLDP'"

# VIF add before LLDP: accepted, announced once the location is known
mkvm() { # vm-name server tenant mac ip
	local v=$1 s=$2 offload=on
	# ip mode: guests must not offload segmentation (docs/wire-format.md 2.2)
	[ "$ENCAP" = ip ] && offload=off
	nw_vm "$(vm "$v")" "$(vif "$v")" "$(srv "$s")" "$4" "$5/24" $VMMTU $offload
	na "$s" vif add "$(vif "$v")" --tenant "$3" --mac-as 1 --mac "$4" --ip "$5/24"
}
MAC1=52:54:00:aa:00:01
MAC2=52:54:00:aa:00:02
# tenant 100 (A) and tenant 200 (B) use identical MACs and IPs
echo "encapsulation: $ENCAP, VM MTU $VMMTU"
check "vif add A1 (server 1, before LLDP)" mkvm a1 1 100 $MAC1 192.168.1.1
check "vif add B1 (server 1)" mkvm b1 1 200 $MAC1 192.168.1.1
check "vif add set the VIF MTU to 1500 - overhead ($VMMTU)" bash -c \
	"nsenter --net=/var/run/netns/$(srv 1) ip link show dev $(vif a1) | grep -q 'mtu $VMMTU '"

# ---- lldpd on the switch ports ----------------------------------------------------------
start_lldpd() { # extra lldpcli command (optional)
	nw_lldpd "$SW" swp1,swp2,swp3 "netlord test switch" "$@"
}
start_lldpd

ready() { na "$1" status | grep -q 'state: *ready'; }
all_ready=true
for s in 1 2 3; do wait_for 20 ready $s || all_ready=false; done
check "LLDP: every agent ready" $all_ready
st2=$(na 2 status)
check "LLDP: server 2 learned switch MAC and port 2, address 10.2.0.1" \
	bash -c "grep -q 'switch MAC: *$SWMAC' <<<'$st2' && grep -q 'port: *2$' <<<'$st2' && \
		nsenter --net=/var/run/netns/$(srv 2) ip -4 addr show dev $(up 2) | grep -q 10.2.0.1/16"

check "vif add A2 (server 2)" mkvm a2 2 100 $MAC2 192.168.1.2
check "vif add B2 (server 2)" mkvm b2 2 200 $MAC2 192.168.1.2

nart_has() { # server tenant mac port
	na "$1" nart | grep -qE "^ +$2 +1 $3 -> $SWMAC port $4 "
}
here_ok=true
for s in 1 2 3; do
	wait_for 5 nart_has $s 100 $MAC1 1 || here_ok=false
	wait_for 5 nart_has $s 100 $MAC2 2 || here_ok=false
	wait_for 5 nart_has $s 200 $MAC1 1 || here_ok=false
	wait_for 5 nart_has $s 200 $MAC2 2 || here_ok=false
done
check "HERE propagation: every agent's NART-2 has all four VIFs" $here_ok

vmrun() { local v=$1; shift; inns "$(vm "$v")" "$@"; }
check "ping tenant A: A1 -> A2" vmrun a1 ping -c 3 -i 0.2 -W 1 192.168.1.2
check "ping tenant B (same addresses): B1 -> B2" vmrun b1 ping -c 3 -i 0.2 -W 1 192.168.1.2

vmrun a2 iperf3 -s -1 -D -I "$TMP/iperf.pid" >/dev/null 2>&1
sleep 0.5
check "iperf3 tenant A: A1 -> A2 (2 s)" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) timeout 15 iperf3 -c 192.168.1.2 -t 2 >$TMP/iperf.log 2>&1"
grep -E 'sender|receiver' "$TMP/iperf.log" | sed 's/^/    /'
rate=$(awk '/receiver/ { v = $7; u = $8 } END { if (u == "Gbits/sec") v *= 1000; else if (u != "Mbits/sec") v = 0; print int(v) }' "$TMP/iperf.log")
check "iperf3 tenant A: at least 50 Mbit/s (got ${rate:-0} Mbit/s)" test "${rate:-0}" -ge 50
na 1 stats | sed -n '1,/per-VIF/p' | sed 's/^/    server 1: /'
# isolation: no iperf3 server in B2, so B1 must not reach A2's server
check "isolation: tenant B cannot reach tenant A's iperf3 server" bash -c \
	"! nsenter --net=/var/run/netns/$(vm b1) timeout 5 iperf3 -c 192.168.1.2 -t 1 >/dev/null 2>&1"

# ---- WHERE/HERE recovery ----------------------------------------------------------------
na 1 nart del --tenant 100 --mac-as 1 --mac $MAC2
check "entry deleted by hand is gone" eval "! nart_has 1 100 $MAC2 2"
vmrun a1 ping -c 4 -i 0.3 -W 1 192.168.1.2 >/dev/null 2>&1
check "WHERE/HERE recovery: entry back after traffic" wait_for 5 nart_has 1 100 $MAC2 2
check "WHERE/HERE recovery: ping works" vmrun a1 ping -c 2 -i 0.2 -W 1 192.168.1.2

# ---- hostile input -------------------------------------------------------------------------
# a VM sends an LLDP frame claiming another switch/port 9, and an NL-ARP HERE
vmrun a1 python3 -c "
import socket
lldp = bytes.fromhex('0180c200000e' '525400aa0001' '88cc' '0207' '04' '02bad0000001'
                     '0405' '05' '73777039' '0602' '0078' '0000')
here = bytes.fromhex('ffffffffffff' '525400aa0001' '88b5' '01010001' '00000064' '0001'
                     '525400bbbbbb' 'c0a80163' '02bad0000001' '0001' '0000000000000001'
                     '02bad0000001' '0001')
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
for f in (lldp, here):
    s.send(f + bytes(max(0, 60 - len(f))))
"
sleep 1.5
check "hostile VM frames: location unchanged (port 1)" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 status | grep -q 'port: *1$'"
check "hostile VM frames: no NART entry from a VM's fake HERE" bash -c \
	"! { $(declare -f na srv up); NA=$NA T=$T; for s in 1 2 3; do na \$s nart; done; } | grep -q 52:54:00:bb:bb:bb"
# malformed NL-ARP from the fabric (switch side): truncated and unknown version
inns "$SW" python3 -c "
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('swp1', 0))
hdr = bytes.fromhex('ffffffffffff$(echo $SWMAC | tr -d :)88b5')
s.send(hdr + bytes.fromhex('0101') + bytes(44))            # truncated (46 bytes payload but zero fields)
s.send(hdr + bytes.fromhex('09010001') + bytes(60))        # unknown version
s.send(hdr + bytes.fromhex('01'))                          # 1 byte
"
sleep 0.5
check "malformed NL-ARP counted, agent alive" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 stats | grep -qE 'nlarp_auth_(version|length) +[1-9]'"

# ---- VM move and NOT-HERE -----------------------------------------------------------------
# A2 moves from server 2 to server 3: vif del on 2, new VIF on 3
# entries before program (user/agent/vif.c): every map deletion of the vif del
# precedes the tc filter removal, so the VM is never unfiltered while served
strace -qq -f -p "${AGENT_PID[2]}" -e trace=bpf,sendto,sendmsg -o "$TMP/vifdel.strace" &
STRACE_PID=$!
wait_for 5 bash -c "grep -qE 'TracerPid:[[:space:]]+[1-9]' /proc/${AGENT_PID[2]}/status"
na 2 vif del "$(vif a2)"
kill "$STRACE_PID"
wait "$STRACE_PID" 2>/dev/null
check "vif del: map entries removed before the tc program" entries_before_programs \
	"$TMP/vifdel.strace"
inns "$(srv 2)" ip link del "$(vif a2)"
ip link add "$(vif a2m)" type veth peer name eth1 netns "$(vm a2)"
ip link set "$(vif a2m)" netns "$(srv 3)"
inns "$(srv 3)" ip link set "$(vif a2m)" up
vmrun a2 ip link set eth1 address $MAC2 mtu $VMMTU up
vmrun a2 ip addr add 192.168.1.2/24 dev eth1
[ "$ENCAP" = ip ] && vmrun a2 ethtool -K eth1 tso off gso off >/dev/null 2>&1
check "vif add A2 on server 3 (moved)" na 3 vif add "$(vif a2m)" --tenant 100 --mac-as 1 --mac $MAC2 --ip 192.168.1.2/24
check "move: server 1 learns the new location" wait_for 5 nart_has 1 100 $MAC2 3
check "move: ping A1 -> A2 after the move" vmrun a1 ping -c 3 -i 0.2 -W 1 192.168.1.2
# a lost HERE: server 1 is made to believe A2 is still at port 2
na 1 nart set --tenant 100 --mac-as 1 --mac $MAC2 --switch $SWMAC --port 2 --version 1
vmrun a1 ping -c 5 -i 0.3 -W 1 192.168.1.2 >/dev/null 2>&1
check "NOT-HERE: server 2 reported traffic for a VIF it no longer hosts" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 2 stats | grep -qE 'ev_not_here +[1-9]'"
check "NOT-HERE: server 1 deleted the stale entry and re-learned port 3" wait_for 5 nart_has 1 100 $MAC2 3
check "NOT-HERE: ping works again" vmrun a1 ping -c 2 -i 0.2 -W 1 192.168.1.2

# ---- cable moved: server 3's cable now ends on switch port 7 ----------------------------
inns "$SW" ip route add 10.7.0.0/16 via 10.7.0.1 dev br0 onlink
inns "$SW" ip addr add 10.7.0.254/16 dev br0 noprefixroute
# the port now announces itself as port 7 (Port ID subtype local, "7"): lldpd
# restarted with that configuration
kill "$LLDPD_PID"
wait "$LLDPD_PID" 2>/dev/null
start_lldpd configure ports swp3 lldp portidsubtype local 7
port7() { na 3 status | grep -q 'port: *7$'; }
check "LLDP move: server 3 reconfigured to port 7" wait_for 15 port7
check "LLDP move: server 3 has address 10.7.0.1, not 10.3.0.1" bash -c \
	"a=\$(nsenter --net=/var/run/netns/$(srv 3) ip -4 addr show dev $(up 3)); \
	 grep -q 10.7.0.1/16 <<<\"\$a\" && ! grep -q 10.3.0.1 <<<\"\$a\""
check "LLDP move: VIFs re-announced (server 1 sees A2 at port 7)" wait_for 5 nart_has 1 100 $MAC2 7
check "LLDP move: ping A1 -> A2 at the new port" vmrun a1 ping -c 3 -i 0.2 -W 1 192.168.1.2

# ---- kill -9 and restart with a ping running ----------------------------------------------
vmrun a1 ping -c 30 -i 0.1 -W 1 192.168.1.2 >"$TMP/ping-kill.log" 2>&1 &
PING=$!
sleep 0.5
kill -9 "${AGENT_PID[1]}"
wait "${AGENT_PID[1]}" 2>/dev/null
AGENT_PID[1]=
sleep 0.8
start_agent 1
wait $PING
check "kill -9 + restart: no lost ping replies" grep -q ' 0% packet loss' "$TMP/ping-kill.log"
grep -E 'packets transmitted' "$TMP/ping-kill.log" | sed 's/^/    /'
check "restart: vif list shows the re-adopted VIFs" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; l=\$(na 1 vif list); grep -q $(vif a1) <<<\"\$l\" && grep -q $(vif b1) <<<\"\$l\""
check "restart: traffic after restart" vmrun b1 ping -c 2 -i 0.2 -W 1 192.168.1.2

# ---- VLAN table errors keep the previous table ---------------------------------------------
cp "$TMP/vlan-table.txt" "$TMP/vlan-table.good"
printf 'netlord-vlan-table 1\nserial 2\nbroadcast 4094\nswitches 1\n' >"$TMP/vlan-table.txt"
na 1 refresh >/dev/null 2>&1
check "malformed VLAN table: refresh fails with exit 4" test $? -eq 4
check "malformed VLAN table: status shows the error, serial 1 stays in force" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; s=\$(na 1 status); grep -q 'loaded, serial 1,' <<<\"\$s\" && grep -q 'last error: .*truncated' <<<\"\$s\""
check "malformed VLAN table: traffic continues" vmrun a1 ping -c 2 -i 0.2 -W 1 192.168.1.2
cp "$TMP/vlan-table.good" "$TMP/vlan-table.txt"

# ---- control socket: clients that never send or never read do not stall the agent -----------
# server 3's NART-2 gets 2400 entries (tenant 900, nobody's), so `nart --json` answers more
# than the socket buffer holds; a reader whose pipe (shrunk to one page) nobody reads then
# holds its na-loader, and so its connection, mid-answer.
inns "$(srv 3)" bash -c "for i in \$(seq 0 2399); do
	printf -v m '02:99:00:00:%02x:%02x' \$((i / 256)) \$((i % 256))
	$NA nart set --tenant 900 --mac-as 1 --mac \$m --switch $SWMAC --port 9 --version 1 \
		-i $(up 3) >/dev/null || exit 1
done"
check "control socket: 2400 NART entries set" test $? -eq 0
nart_bytes=$(na 3 nart --json | wc -c)
check "control socket: nart --json answers $nart_bytes bytes (more than the buffers: > 260000)" \
	test "$nart_bytes" -gt 260000
# the stuck reader: na-loader nart --json into a one-page pipe nobody reads
inns "$(srv 3)" python3 -c "
import fcntl, os, subprocess, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ
p = subprocess.Popen(['$NA', 'nart', '--json', '-i', '$(up 3)'], stdout=w)
time.sleep(25)
p.kill()
" &
stuck=$!
# 30 clients that connect and never send a request (more than the agent's 16 slots)
python3 -c "
import socket, time
ss = []
for _ in range(30):
    s = socket.socket(socket.AF_UNIX)
    s.connect('/run/netlord/$(up 3).sock')
    ss.append(s)
time.sleep(20)
" &
idle=$!
sleep 1
answered=0
for i in 1 2 3 4 5; do
	na 3 status | grep -q 'port:' && answered=$((answered + 1))
done
check "control socket: status answers 5/5 during a stuck reader and 30 silent clients ($answered/5)" \
	test "$answered" -eq 5
check "control socket: the stuck reader is still stuck (the test is meaningful)" \
	kill -0 "$stuck"
check "control socket: 4 status requests at once all answered" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; for i in 1 2 3 4; do na 3 status > $TMP/par\$i & done; wait;
	 for i in 1 2 3 4; do grep -q 'port:' $TMP/par\$i || exit 1; done"
kill "$stuck" "$idle" 2>/dev/null
wait "$stuck" "$idle" 2>/dev/null
check "control socket: the agent still answers after they left" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 3 stats | grep -q nlarp"

# ---- the VLAN table over HTTP: na-repo serve, fetched inside the agent's event loop ------------
mkdir -p "$TMP/repo"
cp "$TMP/vlan-table.txt" "$TMP/repo/vlan-table.txt"
inns "$(srv 3)" ip link set lo up
# nsenter execs na-repo, so $! is the server itself (SIGHUP, SIGSTOP below)
nsenter --net=/var/run/netns/"$(srv 3)" "$NAREPO" serve --listen 127.0.0.1:8089 "$TMP/repo" \
	2>>"$TMP/repo.log" &
REPO_PID=$!
kill "${AGENT_PID[3]}"
wait "${AGENT_PID[3]}" 2>/dev/null
start_agent 3 http://127.0.0.1:8089
check "http repository: agent 3 loads serial 1 over HTTP" wait_for 10 bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 3 status | grep -q 'loaded, serial 1,'"
check "http repository: refresh waits for the fetch and answers ok" na 3 refresh
# a valid table that lacks our switch: refused, serial 1 stays in force
printf 'netlord-vlan-table 1\nserial 2\nbroadcast 4094\nswitches 1\npair %s %s 0\nend 1\n' \
	02:00:00:00:00:99 02:00:00:00:00:99 >"$TMP/repo/vlan-table.txt"
kill -HUP "$REPO_PID"
wait_for 10 grep -q 'serial 1 -> 2' "$TMP/repo.log"
na 3 refresh >"$TMP/refresh.out" 2>&1
rc=$?
check "http repository: refresh of a table without our switch fails (exit $rc) with the reason" \
	bash -c "test $rc -ne 0 && grep -q 'not in the VLAN table' $TMP/refresh.out"
check "http repository: serial 1 stays in force" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 3 status | grep -q 'loaded, serial 1,'"
# a repository that accepts and never answers: the agent keeps serving meanwhile
kill -STOP "$REPO_PID"
na 3 refresh >/dev/null 2>&1 &
waiting=$!
sleep 1
check "http repository: status answers while a fetch hangs" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 3 status | grep -q 'port:'"
check "http repository: the refresh is still waiting for its fetch" kill -0 "$waiting"
kill -CONT "$REPO_PID"
wait "$waiting" 2>/dev/null
cp "$TMP/vlan-table.txt" "$TMP/repo/vlan-table.txt"
kill -HUP "$REPO_PID"
wait_for 10 grep -q 'serial 2 -> 1' "$TMP/repo.log"
check "http repository: the good table again, refresh ok" na 3 refresh

# ---- CLI exit codes, bpftool view, detach ---------------------------------------------------
na 1 vif del nosuchif >/dev/null 2>&1
check "vif del of an unknown interface: exit 4" test $? -eq 4
timeout 5 "$NA" vif list -i nosuchuplink >/dev/null 2>&1
check "ctl verb without an agent: exit 3" test $? -eq 3
# out-of-range IDs are refused by the CLI, naming the bound, never truncated
refused() { # message, CLI args...: exits non-zero and prints the message
	local msg=$1 out
	shift
	out=$("$NA" "$@" 2>&1) && return 1
	grep -qF -- "$msg" <<<"$out"
}
check "vif add --tenant 16777215: refused, names the upper bound 16777214" refused \
	"--tenant must be a number 2..16777214" vif add x --tenant 16777215 --mac-as 1 \
	--mac 52:54:00:00:00:01 -i nosuchuplink
check "vif add --mac-as 300: refused (would alias 44), names 0..255" refused \
	"--mac-as must be 0..255" vif add x --tenant 5 --mac-as 300 --mac 52:54:00:00:00:01 \
	-i nosuchuplink
check "vif add --mac-as 0 on a 16-bit agent is accepted up to the interface check" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 vif add nosuchif --tenant 5 --mac-as 0 \
	 --mac 52:54:00:00:00:01 2>&1 | grep -q 'does not exist'"
check "bpftool shows named fields of the pinned NART-2 and switch array" bash -c \
	"bpftool map dump pinned /sys/fs/bpf/netlord/$(up 1)/nl_nart2 | grep -q switch_idx &&
	 bpftool map dump pinned /sys/fs/bpf/netlord/$(up 1)/nl_switches | grep -q vlans"
kill "${AGENT_PID[2]}"
wait "${AGENT_PID[2]}" 2>/dev/null
AGENT_PID[2]=
timeout 10 nsenter --net=/var/run/netns/"$(srv 2)" strace -qq -f -o "$TMP/detach.strace" \
	-e trace=bpf,sendto,sendmsg "$NA" detach "$(up 2)" >>"$TMP/agent2.log" 2>&1
check "detach: exit 0" test $? -eq 0
check "detach: config and map entries changed before any program is removed" \
	entries_before_programs "$TMP/detach.strace" all
check "detach: pins, XDP, tc and server address gone" bash -c \
	"! test -e /sys/fs/bpf/netlord/$(up 2) && l=\$(nsenter --net=/var/run/netns/$(srv 2) ip -d link show dev $(up 2)) && \
	 ! grep -q xdp <<<\"\$l\" && ! nsenter --net=/var/run/netns/$(srv 2) ip -4 addr show dev $(up 2) | grep -q 10.2.0.1 && \
	 ! nsenter --net=/var/run/netns/$(srv 2) tc filter show dev $(up 2) ingress | grep -q bpf && \
	 ! nsenter --net=/var/run/netns/$(srv 2) tc filter show dev $(vif b2) ingress | grep -q bpf"

echo "agent-integration: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

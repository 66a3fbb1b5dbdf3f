#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `na-loader monitor` against running agents (setup: tests/agent/observe-env.sh).
# A spoofing VM's drops appear in `monitor --type drop --json` with the right
# reason, tenant, interface and addresses (parsed by python); VIF and NL-ARP
# events appear; the datapath's watch flag is on only while a monitor is
# connected; the drop rate is bounded and the excess counted; a monitor that
# stops reading does not stall the agent and is told what it lost; SIGINT
# ends a monitor cleanly (exit 0).
# Prints "agent-monitor: N passed, M failed" and exits non-zero on failure.
set -u
NAME=agent-monitor
. "$(dirname "$0")/observe-env.sh"

mon() { # output-file, args...: a monitor of server 1 in the background, pid in MON
	local out=$1
	shift
	"$NA" monitor -i "$(up 1)" "$@" >"$out" 2>>"$TMP/monitor-stderr.log" &
	MON=$!
	BG_PIDS+=("$MON")
	# its subscription is in force once the agent's first line arrived
	wait_for 10 grep -qE '^(START|\{"type":"start")' "$out" || bad "monitor $* did not start"
}
# the datapath's nl_mon_watching, from the .bss map of the pinned VIF program
watching() {
	local id v
	for id in $(bpftool prog show pinned "/sys/fs/bpf/netlord/$(up 1)/prog_nl_vif_ingress" |
		grep -o 'map_ids [0-9,]*' | cut -d' ' -f2 | tr , ' '); do
		v=$(bpftool map dump id "$id" 2>/dev/null | grep -o '"nl_mon_watching": [0-9]*')
		[ -n "$v" ] && echo "${v##* }" && return 0
	done
	echo "?"
}
counter() { # server name: the datapath counter from stats --json
	na "$1" stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['counters'].get('$2', 0))"
}
# a1's VM sends N UDP frames from spoofed source IP 10.9.9.9 (sport 1111, dport 2222)
spoof() { # count [source MAC]
	vmrun a1 python3 - "$1" "${2:-$MAC1}" "$MAC2" <<'PY'
import socket, struct, sys
n, src, dst = int(sys.argv[1]), bytes.fromhex(sys.argv[2].replace(':', '')), bytes.fromhex(sys.argv[3].replace(':', ''))
udp = struct.pack('!HHHH', 1111, 2222, 8 + 18, 0) + bytes(18)
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 7, 0x4000, 64, 17, 0,
                 bytes([10, 9, 9, 9]), bytes([192, 168, 1, 2]))
frame = dst + src + b'\x08\x00' + ip + udp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
for _ in range(n):
    s.send(frame)
PY
}
has_line() { # file, python expression on j for one JSON line
	python3 - "$1" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        j = json.loads(line)
        if eval(sys.argv[2]):
            sys.exit(0)
    except (ValueError, KeyError, TypeError):
        continue  # not JSON, or another kind of line (start, lost, ...)
sys.exit(1)
PY
}

check "nobody watching: the datapath's drop events are off (nl_mon_watching 0)" \
	test "$(watching)" = 0

# ---- drops of a spoofing VM -------------------------------------------------------------------
mon "$TMP/drops.json" --type drop --json
wait_for 5 test "$(watching)" = 1
check "a monitor is connected: nl_mon_watching 1" test "$(watching)" = 1
spoof 3
SPOOF_IP="j.get('type')=='drop' and j['reason']=='tx_spoof_ip' and j['hook']=='vif' \
 and j['ifname']=='$(vif a1)' and j['tenant']==100 and j['mac_as']==1 \
 and j['frame']['eth']['src']=='$MAC1' and j['frame']['eth']['dst']=='$MAC2' \
 and j['frame']['ipv4']['src']=='10.9.9.9' and j['frame']['ipv4']['dst']=='192.168.1.2' \
 and j['frame']['udp']=={'sport':1111,'dport':2222}"
check "spoofed IPv4 source: drop event with reason tx_spoof_ip, VIF, tenant 100, MAC space 1, MACs, IPs, UDP ports" \
	wait_for 5 has_line "$TMP/drops.json" "$SPOOF_IP"
spoof 1 52:54:00:66:66:66
check "spoofed source MAC: drop event tx_spoof_mac with the forged MAC" \
	wait_for 5 has_line "$TMP/drops.json" \
	"j.get('type')=='drop' and j['reason']=='tx_spoof_mac' and j['frame']['eth']['src']=='52:54:00:66:66:66' and j['tenant']==100"
check "only drops in --type drop (after the start line)" bash -c \
	"! tail -n +2 $TMP/drops.json | grep -qv '\"type\":\"drop\"'"
[ -n "${DEBUG_MON:-}" ] && tail -n 3 "$TMP"/*.json | cut -c1-400
kill -INT "$MON"
wait "$MON"
rc=$?
check "SIGINT: the monitor exits with 0" test $rc -eq 0
check "after the last monitor left: nl_mon_watching 0 again" wait_for 5 test "$(watching)" = 0

# ---- uplink drops: tenant and MAC space from the outer addresses ---------------------------
mon "$TMP/rx.json" --type drop --json
wait_for 5 test "$(watching)" = 1
na 1 trace --uplink --tenant 100 --mac-as 1 --src-mac $MAC2 --dst-mac 52:54:00:cc:cc:cc \
	--src-ip 192.168.1.2 --dst-ip 192.168.1.77 >/dev/null 2>&1
check "uplink drop (a traced frame for a VIF not here): rx_not_here, tenant 100, inner addresses" \
	wait_for 5 has_line "$TMP/rx.json" \
	"j['reason']=='rx_not_here' and j['hook']=='uplink-xdp' and j['tenant']==100 and j['mac_as']==1 \
	 and j['frame']['encap']=='$ENCAP' and j['frame']['inner']['eth']['dst']=='52:54:00:cc:cc:cc' \
	 and j['frame']['inner']['ipv4']['dst']=='192.168.1.77'"
[ -n "${DEBUG_MON:-}" ] && tail -n 3 "$TMP"/*.json | cut -c1-400
kill -INT "$MON"
wait "$MON"

# ---- agent events: VIF and NL-ARP -----------------------------------------------------------------
mon "$TMP/agent.json" --type vif,nlarp --json
check "the first line: the subscription in force" has_line "$TMP/agent.json" \
	"j['type']=='start' and j['kinds']=='nlarp,vif' and j['drop_rate_per_cpu']==$(( 2000 ))"
mkvm a5 1 100 52:54:00:aa:00:05 192.168.1.5/24 192.168.1.254
check "vif add: a VIF event with ifname, tenant, MAC and IP" wait_for 5 has_line "$TMP/agent.json" \
	"j['type']=='vif' and j['action']=='add' and j['ifname']=='$(vif a5)' and j['tenant']==100 \
	 and j['mac']=='52:54:00:aa:00:05' and j['ip']=='192.168.1.5'"
check "vif add: the HERE broadcast appears as a sent NL-ARP message" wait_for 5 has_line "$TMP/agent.json" \
	"j['type']=='nlarp' and j['dir']=='tx' and j['op']=='HERE' and j['mac']=='52:54:00:aa:00:05'"
na 2 vif del "$(vif a3)" >/dev/null
check "NL-ARP received: server 2's HERE+GONE for a3" wait_for 5 has_line "$TMP/agent.json" \
	"j['type']=='nlarp' and j['dir']=='rx' and j['op']=='HERE' and j['mac']=='$MAC3' and (j['flags'] & 4)"
# a forged NL-ARP broadcast from the fabric (no valid authentication): rejected, and shown
inns "$SW" python3 -c "
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('swp1', 0))
s.send(bytes.fromhex('ffffffffffff$(echo $SWMAC | tr -d :)88b5') + bytes.fromhex('0101') + bytes(80))
"
check "a forged NL-ARP message: a rejected nlarp event with the reason" wait_for 5 has_line \
	"$TMP/agent.json" "j['type']=='nlarp' and j['dir']=='rx' and len(j['rejected'])>0"
inns "$(srv 1)" ip link del "$(vif a5)"
check "a VIF whose interface vanished: a withdrawn event (tenant, MAC), and its HERE+GONE sent" \
	wait_for 5 has_line "$TMP/agent.json" \
	"j['type']=='vif' and j['action']=='withdrawn' and j['mac']=='52:54:00:aa:00:05' and j['ifname'].startswith('if')"
check "the withdrawal's HERE+GONE is sent" wait_for 5 has_line "$TMP/agent.json" \
	"j['type']=='nlarp' and j['dir']=='tx' and j['op']=='HERE' and j['mac']=='52:54:00:aa:00:05' and (j['flags'] & 4)"
check "no drop events in --type vif,nlarp" bash -c "! grep -q '\"type\":\"drop\"' $TMP/agent.json"
check "--type vif,nlarp does not switch the datapath's drop events on" test "$(watching)" = 0
[ -n "${DEBUG_MON:-}" ] && tail -n 3 "$TMP"/*.json | cut -c1-400
kill -INT "$MON"
wait "$MON"

# ---- path events: VLAN tables loaded and rejected ---------------------------------------------
mon "$TMP/path.json" --type path --json
sed -i 's/^serial 1$/serial 2/' "$TMP/vlan-table.txt"
na 1 refresh >/dev/null 2>&1
check "path: a new VLAN table (serial 2) appears as a vlan-table event" wait_for 5 has_line \
	"$TMP/path.json" "j['type']=='path' and j['event']=='vlan-table' and j['serial']==2 and j['switches']==1"
cp "$TMP/vlan-table.txt" "$TMP/vlan-table.good"
printf 'netlord-vlan-table 1\nserial 3\n' >"$TMP/vlan-table.txt"
na 1 refresh >/dev/null 2>&1
check "path: a malformed VLAN table appears as vlan-table-rejected with the reason" wait_for 5 \
	has_line "$TMP/path.json" "j['event']=='vlan-table-rejected' and len(j['error'])>0"
cp "$TMP/vlan-table.good" "$TMP/vlan-table.txt"
[ -n "${DEBUG_MON:-}" ] && tail -n 3 "$TMP"/*.json | cut -c1-400
kill -INT "$MON"
wait "$MON"

# ---- rate bound: the excess is counted, not sent --------------------------------------------------
shed0=$(counter 1 monitor_shed)
mon "$TMP/slow-rate.json" --type drop --json --rate 5
wait_for 5 test "$(watching)" = 1
spoof 2000
sleep 0.5
shed1=$(counter 1 monitor_shed)
n=$(grep -c '"reason":"tx_spoof_ip"' "$TMP/slow-rate.json")
check "rate bound (--rate 5): monitor_shed counted the excess ($shed0 -> $shed1), $n of 2000 drops sent" \
	test "$shed1" -gt "$shed0" -a "$n" -lt 2000 -a "$n" -ge 1
[ -n "${DEBUG_MON:-}" ] && tail -n 3 "$TMP"/*.json | cut -c1-400
kill -INT "$MON"
wait "$MON"

# ---- a monitor that stops reading does not stall the agent -----------------------------------------
mon "$TMP/stopped.json" --type drop --json --rate 1000000
wait_for 5 test "$(watching)" = 1
kill -STOP "$MON"
spoof 20000
check "a stopped monitor: the agent still answers (status)" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 status | grep -q 'state: *ready'"
check "a stopped monitor: VMs still talk (ping a1 -> a2)" vmrun a1 ping -c 2 -i 0.2 -W 1 192.168.1.2
kill -CONT "$MON"
sleep 0.5
spoof 3
check "the resumed monitor is told how many events it lost" wait_for 10 has_line "$TMP/stopped.json" \
	"j.get('type')=='lost' and j['events']>0"
[ -n "${DEBUG_MON:-}" ] && tail -n 3 "$TMP"/*.json | cut -c1-400
kill -INT "$MON"
wait "$MON"
check "SIGINT after a stall: exit 0" test $? -eq 0

# ---- hostile or broken clients -------------------------------------------------------------------
check "a client sending garbage instead of a hello is disconnected" python3 - \
	"/run/netlord/$(up 1)/monitor.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b'GET / HTTP/1.0\r\n\r\n')
s.settimeout(5)
try:
    sys.exit(0 if s.recv(100) == b'' else 1)
except ConnectionResetError:  # closed with our unread bytes: a reset
    sys.exit(0)
PY
check "9 monitors at once: 8 accepted, the 9th disconnected, the agent fine" python3 - \
	"/run/netlord/$(up 1)/monitor.sock" <<'PY'
import socket, struct, sys, time
hello = struct.pack('<IIII', 0x4e4c4d48, 1, 1, 0)
socks = []
for i in range(9):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    try:
        s.sendall(hello)
    except (BrokenPipeError, ConnectionResetError):
        pass  # already refused
    socks.append(s)
    time.sleep(0.1)
closed = started = 0
for s in socks:
    s.settimeout(2)
    try:
        d = s.recv(200)
        if d == b'':
            closed += 1
        elif d.startswith(b'{"type":"start"'):
            started += 1
    except (ConnectionResetError, BrokenPipeError):
        closed += 1
    except socket.timeout:
        pass
print('started', started, 'closed', closed)
sys.exit(0 if closed == 1 and started == 8 else 1)
PY
check "after the clients left: nl_mon_watching 0" wait_for 5 test "$(watching)" = 0

# ---- text mode, errors ----------------------------------------------------------------------------
mon "$TMP/text.out" --type drop
spoof 1
check "text mode: one DROP line with reason, VIF and tenant" wait_for 5 grep -q \
	"DROP tx_spoof_ip (source IPv4 is not the VIF's) vif $(vif a1) tenant 100 mac_as 1 .* 10.9.9.9 > 192.168.1.2 udp 1111 > 2222" \
	"$TMP/text.out"
[ -n "${DEBUG_MON:-}" ] && tail -n 3 "$TMP"/*.json | cut -c1-400
kill -INT "$MON"
wait "$MON"
timeout 5 "$NA" monitor -i nosuchuplink >/dev/null 2>&1
check "no agent: exit 3" test $? -eq 3
timeout 5 "$NA" monitor -i "$(up 1)" --type bogus >/dev/null 2>&1
check "bad --type: exit 1" test $? -eq 1
check "the agents are still running" kill -0 "${AGENT_PID[1]}" "${AGENT_PID[2]}"

echo "$NAME: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

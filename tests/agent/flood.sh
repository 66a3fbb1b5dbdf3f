#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Tenant broadcast and multicast inside (tenant, MAC_AS) end to end (issue
# 11, bpf/lib/flood.h, user/agent/flood.c): two servers behind one
# emulated edge switch (tests/lib/netns-world.sh), two real agents, VMs of
# two tenants with identical addresses and of two MAC spaces of one tenant.
#   - an L2 multicast application (tests/dc/mcast.py: sender and receivers
#     on 239.1.1.1) reaches exactly the VIFs of the sender's MAC space, on the
#     same server and across the switch; the other MAC space and the other
#     tenant get nothing;
#   - a VM flooding broadcasts at full speed: its neighbours' ping loss and
#     iperf3 rate are measured and printed (not asserted: timing), the
#     pings must still be answered and the storm's drops counted.
# Prints "agent-flood: N passed, M failed" and exits non-zero on failure.
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nfsw$T
SWMAC=02:5d:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-flood.XXXXXX)
chmod 755 "$TMP"
ENCAP=${NA_ENCAP:-ip}
case $ENCAP in
ip) VMMTU=1466 ;;
*) VMMTU=1458 ;;
esac
PASS=0
FAIL=0
declare -A AGENT_PID

srv() { echo "nfs$T$1"; }
up() { echo "nfu$T$1"; }
vm() { echo "nfv$T$1"; }
vif() { echo "nfi$T$1"; }
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
cleanup() {
	set +e
	nw_stop_world "^nf(sw|s|v)$T" 1 2
	nw_show_logs 30 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require agent-flood lldpd lldpcli iperf3 ping nsenter python3 ethtool

nw_switch "$SW" "$SWMAC"
for p in 1 2; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "swp$p$T"; done
nw_switch_route "$SW" 2
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1
nw_key_file "$TMP/nlarp.key"
agent_running() { na "$1" status 2>/dev/null | grep -q '^agent: *running'; }
for s in 1 2; do
	# server 1 with a small flood budget, so the storm below is limited
	extra=()
	[ "$s" = 1 ] && extra=(--flood-rate 200 --flood-burst 50)
	nw_start_agent "$(srv $s)" "$(up $s)" $s --repo "$TMP/vlan-table.txt" --encap "$ENCAP" \
		--key-file "$TMP/nlarp.key" "${extra[@]}" -v
	wait_for 20 agent_running $s || bad "agent $s started"
done
nw_lldpd "$SW" swp1,swp2 "netlord flood test switch"
ready() { na "$1" status | grep -q 'state: *ready'; }
all_ready=true
for s in 1 2; do wait_for 20 ready $s || all_ready=false; done
check "LLDP: both agents ready" $all_ready

mkvm() { # vm server tenant mac-as mac ip
	local offload=on
	[ "$ENCAP" = ip ] && offload=off
	nw_vm "$(vm "$1")" "$(vif "$1")" "$(srv "$2")" "$5" "$6/24" $VMMTU $offload
	na "$2" vif add "$(vif "$1")" --tenant "$3" --mac-as "$4" --mac "$5" --ip "$6/24"
}
# tenant 100 MAC space 1: a1, a2 on server 1, a3 on server 2
# tenant 100 MAC space 2: x3 on server 2 (another subnet)
# tenant 200 MAC space 1: b1 on server 1, b3 on server 2 (a1's and a3's addresses)
check "vif add a1" mkvm a1 1 100 1 52:54:00:f1:00:01 192.168.1.1
check "vif add a2" mkvm a2 1 100 1 52:54:00:f1:00:02 192.168.1.2
check "vif add a3" mkvm a3 2 100 1 52:54:00:f1:00:03 192.168.1.3
check "vif add x3" mkvm x3 2 100 2 52:54:00:f1:00:13 192.168.2.3
check "vif add b1" mkvm b1 1 200 1 52:54:00:f1:00:01 192.168.1.1
check "vif add b3" mkvm b3 2 200 1 52:54:00:f1:00:03 192.168.1.3

nart_has() { na "$1" nart | grep -qE "^ +$2 +1 $3 -> $SWMAC port $4 "; }
learned=true
for s in 1 2; do
	wait_for 5 nart_has $s 100 52:54:00:f1:00:03 2 || learned=false
	wait_for 5 nart_has $s 100 52:54:00:f1:00:01 1 || learned=false
	wait_for 5 nart_has $s 200 52:54:00:f1:00:01 1 || learned=false
	wait_for 5 nart_has $s 200 52:54:00:f1:00:03 2 || learned=false
done
check "HERE: both agents know every VIF" $learned
sleep 0.5 # the agents rebuild their flood groups after NART-2 changes

vmrun() { local v=$1; shift; inns "$(vm "$v")" "$@"; }
# ---- an L2 multicast application -------------------------------------------------------
# tests/dc/mcast.py: a receiver joined to 239.1.1.1 in every VM, all open
# before the sender's 5 datagrams; a round ends when the expected receivers
# have all 5 and nothing came for 2 s
declare -A VMIP=([a1]=192.168.1.1 [a2]=192.168.1.2 [a3]=192.168.1.3 [x3]=192.168.2.3
	[b1]=192.168.1.1 [b3]=192.168.1.3)
MCAST=$(cd "$(dirname "$0")/../dc" && pwd)/mcast.py
mcast_round() { # sender tag expected-receivers (comma-separated)
	local v recv=()
	for v in a1 a2 a3 x3 b1 b3; do recv+=("$v:$(vm "$v"):${VMIP[$v]}"); done
	python3 "$MCAST" "${recv[@]}" -- "$2:$1:$3" >"$TMP/mc-$2.txt" 2>"$TMP/mc-$2.err" ||
		echo "    mcast.py: $(tail -n 2 "$TMP/mc-$2.err" | tr '\n' ' ')"
}
got() { awk -v t="$2" -v v="$3" '$1 == t && $2 == v { n = $3 } END { print n + 0 }' "$TMP/mc-$1.txt" 2>/dev/null; }

mcast_round a1 A a2,a3
for v in a2 a3; do check "multicast from a1 reaches $v (MAC space 1; got $(got A A "$v")/5)" \
	test "$(got A A $v)" -eq 5; done
for v in a1 x3 b1 b3; do check "multicast from a1 does not reach $v" test "$(got A A $v)" -eq 0; done

mcast_round b3 B b1
check "multicast from tenant 200's b3 reaches b1 across the switch ($(got B B b1)/5)" \
	test "$(got B B b1)" -eq 5
for v in a1 a2 a3 x3 b3; do check "multicast from b3 does not reach $v" test "$(got B B $v)" -eq 0; done

fl_counter() { na "$1" stats | awk -v c="$2" '$1 == c { print $2; exit }'; }
echo "    server 1: tx_flood_local $(fl_counter 1 tx_flood_local), tx_flood_remote $(fl_counter 1 tx_flood_remote), rx_flood $(fl_counter 1 rx_flood)"
check "server 1 sent flood copies to a local VIF and to server 2" bash -c \
	"[ \"\$1\" -ge 5 ] && [ \"\$2\" -ge 5 ]" _ "$(fl_counter 1 tx_flood_local)" "$(fl_counter 1 tx_flood_remote)"
check "server 2 delivered received floods (rx_flood)" test "$(fl_counter 2 rx_flood)" -ge 5

# ---- a broadcast storm ----------------------------------------------------------------------
STORM='
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
ip = socket.inet_aton(sys.argv[2])
hdr = bytearray(b"\x45\x00\x00\x30\x00\x00\x40\x00\x40\x11\x00\x00" + ip + b"\xc0\xa8\x01\xff")
c = 0
for i in range(0, 20, 2):
    c += (hdr[i] << 8) + hdr[i + 1]
c = (c >> 16) + (c & 0xffff); c += c >> 16
hdr[10:12] = (~c & 0xffff).to_bytes(2, "big")
frame = b"\xff" * 6 + mac + b"\x08\x00" + bytes(hdr) + b"\x13\x89\x13\x89\x00\x1c\x00\x00" + bytes(20)
end = time.time() + float(sys.argv[3]); n = 0
while time.time() < end:
    for _ in range(100):
        try:
            s.send(frame); n += 1
        except OSError:
            pass
print(n)
'
limited0=$(fl_counter 1 tx_flood_limited)
vmrun a3 iperf3 -s -1 -D -I "$TMP/iperf0.pid" >/dev/null 2>&1
sleep 0.5
baseline=$(vmrun a2 ping -c 20 -i 0.05 -W 1 -q 192.168.1.3 | awk -F', ' '/packet loss/ { print $3 }')
vmrun a2 timeout 10 iperf3 -c 192.168.1.3 -t 3 >"$TMP/iperf0.log" 2>&1
echo "    before the storm: a2 -> a3 ping $baseline, iperf3 $(awk '/receiver/ { print $7, $8 }' "$TMP/iperf0.log")"
vmrun a3 iperf3 -s -1 -D -I "$TMP/iperf.pid" >/dev/null 2>&1
sleep 0.5
vmrun a1 timeout 15 python3 -c "$STORM" 52:54:00:f1:00:01 192.168.1.1 6 >"$TMP/storm.out" 2>&1 &
storm=$!
sleep 0.5
pingout=$(vmrun a2 ping -c 40 -i 0.05 -W 1 -q 192.168.1.3)
vmrun a2 timeout 10 iperf3 -c 192.168.1.3 -t 3 >"$TMP/iperf.log" 2>&1
wait $storm
sent=$(cat "$TMP/storm.out")
loss=$(awk -F', ' '/packet loss/ { print $3 }' <<<"$pingout")
recv=$(awk -F', ' '/packet loss/ { print $2 }' <<<"$pingout" | awk '{ print $1 }')
rate=$(awk '/receiver/ { print $7, $8 }' "$TMP/iperf.log")
limited=$(($(fl_counter 1 tx_flood_limited) - limited0))
echo "    storm: a1 sent ${sent:-?} broadcast frames in 6 s; tx_flood_limited +$limited"
echo "    during the storm: a2 -> a3 ping $loss, iperf3 a2 -> a3 ${rate:-none}"
check "during the storm the neighbours' pings are answered (${recv:-0}/40)" test "${recv:-0}" -gt 0
check "the storm's excess is counted (tx_flood_limited +$limited)" test "$limited" -gt 0
check "iperf3 ran during the storm" test -n "$rate"

# ---- the datapath keeps flooding without its agent ---------------------------------------
kill "${AGENT_PID[1]}"
wait_for 10 bash -c "! kill -0 ${AGENT_PID[1]} 2>/dev/null"
mcast_round a1 C a2,a3
for v in a2 a3; do check "agent 1 stopped: multicast from a1 still reaches $v ($(got C C "$v")/5)" \
	test "$(got C C $v)" -eq 5; done
for v in x3 b1 b3; do check "agent 1 stopped: multicast from a1 does not reach $v" test "$(got C C $v)" -eq 0; done

echo "agent-flood: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

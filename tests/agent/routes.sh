#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Routes in the distributed virtual router (issue 16 item 2; patent Fig. 7
# steps 705-715 and [0044]): a tenant puts its own appliance on the path.
# One edge switch with real lldpd, one server running `na-repo serve` with
# a tenants file and the agent; tenant 42 has two subnets and the routes
# 10.99.0.0/16 via 10.42.1.10 and fd99::/48 via fd42:1::10, the address of
# an appliance VM that forwards to a host behind it (a namespace NetLord
# does not know).  Checks: VM A reaches the host behind the appliance
# (ping, ping6) and the appliance really forwarded (its IP forwarding
# counters), its replies are not taken for spoofing (they come from the
# routed prefix); `vif del` of the appliance -> A's packets are counted as
# tx_no_next_hop; the appliance back, then a tenants file without the
# routes -> A reaches nothing behind it, and the VIFs' own subnets stayed.
# Needs root, lldpd, python3, curl.  Prints "agent-routes: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"
tc_init agent-routes --need-pass

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
NAREPO=${NA_REPO:-$(dirname "$NA")/na-repo}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nrsw$T
SWMAC=02:5e:${T:0:2}:${T:2:2}:00:01
OTHERMAC=02:5e:${T:0:2}:${T:2:2}:00:02
TMP=$(mktemp -d /tmp/na-routes.XXXXXX)
chmod 755 "$TMP"
declare -A AGENT_PID
SRV_PID=''
S=nrs${T}1
U=nru${T}1
vm() { echo "nrv$T$1"; }
vif() { echo "nrf$T$1"; }
na() { timeout 10 nsenter --net=/var/run/netns/"$S" "$NA" "$@" -i "$U"; }
vmrun() {
	local v=$1
	shift
	inns "$(vm "$v")" "$@"
}

cleanup() {
	set +e
	[ -n "${ROUTES_PAUSE:-}" ] && sleep "$ROUTES_PAUSE"
	[ -n "$SRV_PID" ] && kill -9 "$SRV_PID" 2>/dev/null
	nw_stop_world "^nr(sw|s|v)$T" 1
	nw_show_logs 40 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require agent-routes lldpd lldpcli ping nsenter python3 curl
[ -x "$NAREPO" ] || nw_abort agent-routes "$NAREPO not built"

# ---- the world: one switch, one server, the repository with the tenants file -------------
nw_switch "$SW" "$SWMAC"
nw_port "$SW" "$SWMAC" 1 "$S" "$U" "srp1$T"
nw_switch_route "$SW" 1
nw_key_file "$TMP/nlarp.key"
cat >"$TMP/fabric.topo" <<EOF
switch a edge mac $SWMAC
switch b edge mac $OTHERMAC
link a:10 b:10
server a:1
server b:1
EOF
cat >"$TMP/t-routes" <<'EOF'
tenant 42
	subnet 10.42.0.0/24 router 10.42.0.1 mac-space 3
	subnet 10.42.1.0/24 router 10.42.1.1 mac-space 4
	subnet fd42::/64 router fd42::1 mac-space 3 mode managed
	subnet fd42:1::/64 router fd42:1::1 mac-space 4 mode managed
	route 10.99.0.0/16 via 10.42.1.10  # the appliance VM
	route fd99::/48 via fd42:1::10
EOF
grep -v '^	route' "$TMP/t-routes" >"$TMP/t-plain"
compile() { # serial tenants-file dir
	"$NAREPO" compile --serial "$1" --tenants "$2" -o "$3" "$TMP/fabric.topo" >/dev/null
}
check "compile with the routes" compile 1 "$TMP/t-routes" "$TMP/repo"
nsenter --net=/var/run/netns/"$S" "$NAREPO" serve --listen 127.0.0.1:0 "$TMP/repo" 2>"$TMP/serve.log" &
SRV_PID=$!
wait_for 10 grep -q "serving serial 1 on 127.0.0.1:" "$TMP/serve.log" ||
	nw_abort agent-routes "na-repo serve did not start"
SPORT=$(sed -nE 's/.*serving serial 1 on 127\.0\.0\.1:([0-9]+).*/\1/p' "$TMP/serve.log")

nw_start_agent "$S" "$U" 1 --repo "http://127.0.0.1:$SPORT" --key-file "$TMP/nlarp.key" -v
nw_lldpd "$SW" swp1 "netlord routes test switch" || bad "lldpd started"
status_has() { na status 2>/dev/null | grep -q "$1"; }
stat_of() { na stats 2>/dev/null | awk -v n="$1" '$1 == n { v = $2 } END { print v + 0 }'; }
check "the agent is ready with the tenants file in force (2 routes)" wait_for 40 \
	status_has "tenants file: *1 tenants, 4 subnets, 2 routes"

# ---- VMs: A in subnet 1, the appliance P in subnet 2, host B behind P (not a VIF) ---------
mkvm() { # vm mac ip ip6 router router6
	ip netns add "$(vm "$1")"
	ip link add "$(vif "$1")" type veth peer name eth0 netns "$(vm "$1")"
	ip link set "$(vif "$1")" netns "$S"
	inns "$S" ip link set "$(vif "$1")" up
	vmrun "$1" ip link set lo up
	vmrun "$1" ip link set eth0 address "$2"
	na vif add "$(vif "$1")" --tenant 42 --mac "$2" --ip "$3" --ip6 "$4" || return 1
	vmrun "$1" ip link set eth0 up
	vmrun "$1" ip addr add "$3/24" dev eth0
	vmrun "$1" ip -6 addr add "$4/64" dev eth0 nodad
	vmrun "$1" ip route add default via "$5"
	# the IPv6 prefix route may come a moment after the address
	wait_for 5 vmrun "$1" ip -6 route add default via "$6" dev eth0 ||
		vmrun "$1" ip -6 route add default via "$6" dev eth0
}
check "vif add A (10.42.0.10, fd42::10)" mkvm a 52:54:00:42:00:0a 10.42.0.10 fd42::10 10.42.0.1 fd42::1
check "vif add the appliance P (10.42.1.10, fd42:1::10)" \
	mkvm p 52:54:00:42:01:0a 10.42.1.10 fd42:1::10 10.42.1.1 fd42:1::1
ip netns add "$(vm b)"
ip link add nrb$T type veth peer name eth0 netns "$(vm b)"
ip link set nrb$T netns "$(vm p)"
vmrun p ip link set nrb$T up
vmrun p ip addr add 10.99.0.1/24 dev nrb$T
vmrun p ip -6 addr add fd99::1/64 dev nrb$T nodad
vmrun p sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
vmrun b ip link set lo up
vmrun b ip link set eth0 up
vmrun b ip addr add 10.99.0.5/24 dev eth0
vmrun b ip -6 addr add fd99::5/64 dev eth0 nodad
vmrun b ip route add default via 10.99.0.1
vmrun b ip -6 route add default via fd99::1

fwd4() { vmrun p awk '/^Ip: [0-9]/ { print $7 }' /proc/net/snmp; }
fwd6() { vmrun p awk '$1 == "Ip6OutForwDatagrams" { print $2 }' /proc/net/snmp6; }
pings() { vmrun a ping -c 1 -W 1 "$1" >/dev/null; }
f4=$(fwd4)
f6=$(fwd6)
check "A pings 10.99.0.5 behind the appliance (route 10.99.0.0/16 via 10.42.1.10)" \
	wait_for 10 pings 10.99.0.5
check "A pings fd99::5 behind the appliance (route fd99::/48 via fd42:1::10)" \
	wait_for 10 pings fd99::5
check "the appliance forwarded IPv4 (Ip ForwDatagrams $f4 -> $(fwd4))" test "$(fwd4)" -gt "$f4"
check "the appliance forwarded IPv6 (Ip6OutForwDatagrams $f6 -> $(fwd6))" test "$(fwd6)" -gt "$f6"
check "the appliance's replies from the routed prefix are not spoofing (tx_spoof_ip 0)" \
	test "$(stat_of tx_spoof_ip)" = 0
check "trace: the route decision for A -> 10.99.0.5" bash -c \
	"$(declare -f na); NA=$NA S=$S U=$U; na trace --vif $(vif a) --dst-ip 10.99.0.5 2>&1 |
	 grep -E 'subnets .*route via 10.42.1.10'"

# ---- the appliance gone: the next hop is unknown, counted ---------------------------------
n0=$(stat_of tx_no_next_hop)
check "vif del the appliance" na vif del "$(vif p)"
vmrun a ping -c 2 -W 1 10.99.0.5 >/dev/null 2>&1
vmrun a ping -c 2 -W 1 fd99::5 >/dev/null 2>&1
check "A's packets to 10.99/16 and fd99::/48 dropped as tx_no_next_hop ($n0 -> $(stat_of tx_no_next_hop))" \
	test "$(stat_of tx_no_next_hop)" -ge $((n0 + 4))
check "vif add the appliance again" na vif add "$(vif p)" --tenant 42 --mac 52:54:00:42:01:0a \
	--ip 10.42.1.10 --ip6 fd42:1::10
check "A reaches 10.99.0.5 again" wait_for 10 pings 10.99.0.5

# ---- a tenants file without the routes: they go, the subnets stay -------------------------
check "compile serial 2 without the routes" compile 2 "$TMP/t-plain" "$TMP/repo"
kill -HUP "$SRV_PID"
check "the new file is in force (0 routes)" wait_for 40 bash -c \
	"$(declare -f na status_has); NA=$NA S=$S U=$U; na refresh >/dev/null 2>&1; status_has 'tenants file: *1 tenants, 4 subnets, 0 routes'"
no_ping() { ! vmrun a ping -c 2 -W 1 "$1" >/dev/null 2>&1; }
n0=$(stat_of tx_nart1_miss)
check "A no longer reaches 10.99.0.5" no_ping 10.99.0.5
check "A no longer reaches fd99::5" no_ping fd99::5
check "... dropped as tx_nart1_miss (no route: NART-1 on the destination, $n0 -> $(stat_of tx_nart1_miss))" \
	test "$(stat_of tx_nart1_miss)" -ge $((n0 + 4))
check "A still reaches the appliance's own address (its subnet stayed)" wait_for 10 pings 10.42.1.10
check "A still reaches fd42:1::10" wait_for 10 pings fd42:1::10

finish

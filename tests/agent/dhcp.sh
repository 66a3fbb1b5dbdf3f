#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The hypervisor's DHCP server and router advertisements (issue 11,
# docs/dhcp.md) with real clients: two servers behind one emulated edge
# switch (tests/lib/netns-world.sh), VMs whose eth0 starts without any
# address.  Debian's dhclient (isc-dhcp-client, its own dhclient-script)
# gets address, prefix, router, MTU and DNS from the agent, then the VMs
# ping across the switch; a VIF without an IPv4 address gets no answer;
# nothing of DHCP reaches the fabric (tx_encap unchanged); a VM flooding
# DISCOVERs is limited per VIF (counters) while its neighbour still gets
# its lease; the kernel's own SLAAC (accept_ra) gets an address and a
# default route from the agent's router advertisement.
#
# Prints "agent-dhcp: N passed, M failed" and exits non-zero on failure.
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=ndsw$T
SWMAC=02:5d:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-dhcp.XXXXXX)
chmod 755 "$TMP" # lldpcli drops privileges before it connects
VMMTU=1466      # ip mode: 1500 - 34
PASS=0
FAIL=0
declare -A AGENT_PID

srv() { echo "nds$T$1"; } # server namespace
up() { echo "ndu$T$1"; }  # server uplink
vm() { echo "ndv$T$1"; }  # VM namespace
vif() { echo "ndf$T$1"; } # VIF host side
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
vmrun() { local v=$1; shift; inns "$(vm "$v")" "$@"; }

cleanup() {
	set +e
	nw_stop_world "^nd(sw|s|v)$T" 1 2
	nw_show_logs 40 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require agent-dhcp lldpd lldpcli ping nsenter unshare python3 dhclient

# ---- world: switch, 2 servers, agents with [subnet] settings ------------------------------
nw_switch "$SW" "$SWMAC"
for p in 1 2; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "swp$p$T"; done
nw_switch_route "$SW" 2
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1
nw_key_file "$TMP/nlarp.key"
cat >"$TMP/na.conf" <<EOF
metrics = 127.0.0.1:9519

[subnet 10.1.0.0/24]
dns = 10.1.0.53, 192.0.2.53
lease = 600
domain = t100.example

[subnet fd00:1::/64]
dns = fd00:1::53

[subnet fd00:2::/64]
mode = managed
dns = fd00:2::53
EOF
check "config check accepts the [subnet] sections" "$NA" config check "$TMP/na.conf"
printf '[subnet 10.1.0.0/24]\nlease = 5\n' >"$TMP/bad.conf"
check "config check names a bad subnet line" bash -c \
	"! $NA config check $TMP/bad.conf >$TMP/bad.out 2>&1 && grep -q 'bad.conf:2: .*lease' $TMP/bad.out"

agent_running() { na "$1" status 2>/dev/null | grep -q '^agent: *running'; }
for s in 1 2; do
	nw_start_agent "$(srv $s)" "$(up $s)" $s --repo "$TMP/vlan-table.txt" --encap ip \
		--key-file "$TMP/nlarp.key" --config "$TMP/na.conf" -v
	wait_for 20 agent_running $s || bad "agent $s started"
done
nw_lldpd "$SW" swp1,swp2 "netlord dhcp test switch"
ready() { na "$1" status | grep -q 'state: *ready'; }
all_ready=true
for s in 1 2; do wait_for 20 ready $s || all_ready=false; done
check "LLDP: both agents ready" $all_ready

# a VM whose eth0 has no address: only its MAC; the VIF knows the rest
mkvm() { # vm server mac [vif add options...]
	local v=$1 s=$2 mac=$3
	shift 3
	ip netns add "$(vm "$v")"
	ip link add "$(vif "$v")" type veth peer name eth0 netns "$(vm "$v")"
	ip link set "$(vif "$v")" netns "$(srv "$s")"
	inns "$(srv "$s")" ip link set "$(vif "$v")" up
	vmrun "$v" ip link set lo up
	# SLAAC with the MAC's modified EUI-64 (the VIF's --ip6 must be that address)
	vmrun "$v" sysctl -qw net.ipv6.conf.eth0.accept_ra="${ACCEPT_RA:-0}" \
		net.ipv6.conf.eth0.autoconf=1 net.ipv6.conf.eth0.addr_gen_mode=0 \
		net.ipv6.conf.eth0.use_tempaddr=0
	vmrun "$v" ip link set eth0 address "$mac" up
	vmrun "$v" ethtool -K eth0 tso off gso off >/dev/null 2>&1
	na "$s" vif add "$(vif "$v")" --tenant 100 --mac-as 1 --mac "$mac" "$@"
}
check "vif add a1 (server 1, 10.1.0.11/24, router 10.1.0.1)" \
	mkvm a1 1 52:54:00:dd:00:01 --ip 10.1.0.11/24 --router 10.1.0.1
check "vif add a2 (server 2, 10.1.0.12/24)" \
	mkvm a2 2 52:54:00:dd:00:02 --ip 10.1.0.12/24 --router 10.1.0.1
check "vif add a3 (server 1, no IPv4 address)" mkvm a3 1 52:54:00:dd:00:03
check "vif add a4 (server 1, 10.1.0.14/24)" \
	mkvm a4 1 52:54:00:dd:00:04 --ip 10.1.0.14/24 --router 10.1.0.1

# Debian's dhclient and dhclient-script; resolv.conf, leases and pid are the VM's own
printf 'timeout 15;\nretry 1;\nrequest subnet-mask, broadcast-address, routers, %s\n' \
	'domain-name, domain-name-servers, interface-mtu;' >"$TMP/dhclient.conf"
dhcp() { # vm: dhclient -1 in the VM (exits non-zero without a lease)
	local v=$1
	: >"$TMP/resolv-$v.conf"
	nsenter --net=/var/run/netns/"$(vm "$v")" unshare -m sh -c \
		"mount --bind $TMP/resolv-$v.conf /etc/resolv.conf &&
		 exec dhclient -4 -1 -v -cf $TMP/dhclient.conf -lf $TMP/lease-$v \
			-pf $TMP/dhclient-$v.pid eth0" >>"$TMP/dhclient-$v.log" 2>&1
}
# a counter of `na-loader stats` (zero counters are not printed: 0)
stat_of() { na "$1" stats | awk -v k="$2" '$1 == k { v = $2 } END { print v + 0 }'; }
vm_has() { # vm, grep pattern, ip args...
	local v=$1 pat=$2
	shift 2
	vmrun "$v" ip "$@" | grep -q -- "$pat"
}

enc0=$(stat_of 1 tx_encap)
check "dhclient in a1 gets a lease" dhcp a1
check "dhclient in a2 gets a lease" dhcp a2
enc1=$(stat_of 1 tx_encap)
check "a1: address 10.1.0.11/24 on eth0" vm_has a1 'inet 10.1.0.11/24' -4 addr show dev eth0
check "a1: default route via the virtual router 10.1.0.1" \
	vm_has a1 'via 10.1.0.1 dev eth0' -4 route show default
check "a1: MTU $VMMTU from the MTU option (fabric 1500 - ip overhead)" \
	vm_has a1 "mtu $VMMTU " link show dev eth0
check "a1: DNS servers and domain from [subnet 10.1.0.0/24]" bash -c \
	"grep -q '^nameserver 10.1.0.53' $TMP/resolv-a1.conf &&
	 grep -q '^nameserver 192.0.2.53' $TMP/resolv-a1.conf &&
	 grep -q 't100.example' $TMP/resolv-a1.conf"
check "a1: lease time 600 s from the subnet section" \
	grep -q 'option dhcp-lease-time 600;' "$TMP/lease-a1"
check "a2: address 10.1.0.12/24 on eth0" vm_has a2 'inet 10.1.0.12/24' -4 addr show dev eth0
# everything the VMs sent so far was DHCP: none of it was encapsulated
check "no DHCP frame reached the fabric (tx_encap $enc0 -> $enc1)" test "$enc0" = "$enc1"
check "datapath 1 punted the DHCP frames (tx_punt_dhcp4 >= 2)" \
	test "$(stat_of 1 tx_punt_dhcp4)" -ge 2
check "agent 1 sent offers and acks" bash -c \
	"[ '$(stat_of 1 dhcp4_offer)' -ge 1 ] && [ '$(stat_of 1 dhcp4_ack)' -ge 1 ]"
check "ping across the switch: a1 -> a2 (configured only by DHCP)" \
	vmrun a1 ping -c 3 -i 0.2 -W 2 10.1.0.12

check "a3 (no IPv4 address on its VIF) gets no lease" bash -c \
	"! { $(declare -f dhcp vm); TMP=$TMP T=$T; dhcp a3; }"
check "a3: still no IPv4 address" bash -c "! { $(declare -f vm_has vmrun inns vm); T=$T; \
	vm_has a3 inet -4 addr show dev eth0; }"
check "agent 1 stayed silent for a3 (dhcp4_silent)" test "$(stat_of 1 dhcp4_silent)" -ge 1

# ---- rate limit: a1 floods DISCOVERs; a4 on the same server still gets its lease ------------
lim0=$(stat_of 1 tx_punt_limited)
off0=$(stat_of 1 dhcp4_offer)
vmrun a1 /usr/bin/python3 -c "
from scapy.all import Ether, IP, UDP, BOOTP, DHCP, sendp
f = (Ether(src='52:54:00:dd:00:01', dst='ff:ff:ff:ff:ff:ff') / IP(src='0.0.0.0', dst='255.255.255.255')
     / UDP(sport=68, dport=67) / BOOTP(chaddr=bytes.fromhex('525400dd0001'), xid=7)
     / DHCP(options=[('message-type', 'discover'), 'end']))
sendp([f] * 200, iface='eth0', verbose=False)
"
lim1=$(stat_of 1 tx_punt_limited)
off1=$(stat_of 1 dhcp4_offer)
echo "    200 DISCOVERs from a1: tx_punt_limited $lim0 -> $lim1, dhcp4_offer $off0 -> $off1"
check "a1's flood is limited per VIF (tx_punt_limited grew)" test "$lim1" -gt "$lim0"
check "a1's flood got far fewer than 200 offers" test $((off1 - off0)) -lt 100
check "a4 on the same server still gets its lease after a1's flood" dhcp a4
check "a4: address 10.1.0.14/24" vm_has a4 'inet 10.1.0.14/24' -4 addr show dev eth0

# ---- IPv6: the kernel's SLAAC from the agent's router advertisements --------------------------
A5LL=fd00:1::5054:ff:fedd:5 # SLAAC address of 52:54:00:dd:00:05 (modified EUI-64)
check "vif add a5 (server 1, $A5LL/64, router6 fd00:1::1)" env ACCEPT_RA=1 bash -c \
	"$(declare -f mkvm vmrun inns vm vif srv up na); NA=$NA T=$T; \
	 mkvm a5 1 52:54:00:dd:00:05 --ip6 $A5LL/64 --router6 fd00:1::1"
check "a5: SLAAC address $A5LL/64 from the agent's RA" wait_for 20 \
	vm_has a5 "inet6 $A5LL/64 scope global" -6 addr show dev eth0
# rdisc6 needs a link-local address that passed DAD
no_tentative() { ! vmrun "$1" ip -6 addr show dev eth0 tentative | grep -q inet6; }
check "a5: DAD of its addresses done" wait_for 10 no_tentative a5
check "a5: default route via the virtual router's link-local fe80::4e:4cff:fe52:1" wait_for 10 \
	vm_has a5 'default via fe80::4e:4cff:fe52:1 dev eth0' -6 route show default
check "a5: IPv6 MTU $VMMTU from the RA's MTU option" wait_for 5 bash -c \
	"[ \"\$(nsenter --net=/var/run/netns/$(vm a5) cat /proc/sys/net/ipv6/conf/eth0/mtu)\" = $VMMTU ]"
# a second SLAAC VM on server 2: ping6 across the switch, no static neighbour anywhere
A7LL=fd00:1::5054:ff:fedd:7
check "vif add a7 (server 2, $A7LL/64, router6 fd00:1::1)" env ACCEPT_RA=1 bash -c \
	"$(declare -f mkvm vmrun inns vm vif srv up na); NA=$NA T=$T; \
	 mkvm a7 2 52:54:00:dd:00:07 --ip6 $A7LL/64 --router6 fd00:1::1"
check "a7: SLAAC address $A7LL/64" wait_for 20 \
	vm_has a7 "inet6 $A7LL/64 scope global" -6 addr show dev eth0
wait_for 10 no_tentative a7
check "ping6 a5 -> a7 across the switch (SLAAC addresses, neighbours by NDP)" \
	vmrun a5 ping -6 -c 3 -i 0.2 -W 2 "$A7LL"
sent0=$(stat_of 1 rs_answered)
vmrun a5 rdisc6 -1 -w 3000 eth0 >"$TMP/rdisc6-a5.out" 2>&1
sed 's/^/    a5 rdisc6: /' "$TMP/rdisc6-a5.out" | head -20
check "a5: a router solicitation is answered (rdisc6)" grep -q 'from fe80::4e:4cff:fe52:1' \
	"$TMP/rdisc6-a5.out"
check "a5: RDNSS fd00:1::53 (RFC 8106) and SLAAC (no stateful flag)" bash -c \
	"grep -q 'Recursive DNS server *: fd00:1::53' $TMP/rdisc6-a5.out &&
	 grep -q 'Stateful address conf\. *: *No' $TMP/rdisc6-a5.out &&
	 grep -q 'Autonomous address conf\. *: *Yes' $TMP/rdisc6-a5.out"
check "agent 1 counted the solicitation (rs_answered)" test "$(stat_of 1 rs_answered)" -gt "$sent0"
check "datapath 1 punted router solicitations (tx_punt_rs)" test "$(stat_of 1 tx_punt_rs)" -ge 1
check "vif add a6 (server 1, fd00:2::16/64, subnet in managed mode)" \
	mkvm a6 1 52:54:00:dd:00:06 --ip6 fd00:2::16/64 --router6 fd00:2::1
wait_for 10 no_tentative a6
vmrun a6 rdisc6 -1 -w 3000 eth0 >"$TMP/rdisc6-a6.out" 2>&1
check "a6: managed flag, prefix not autonomous, RDNSS fd00:2::53" bash -c \
	"grep -q 'Stateful address conf\. *: *Yes' $TMP/rdisc6-a6.out &&
	 grep -q 'Autonomous address conf\. *: *No' $TMP/rdisc6-a6.out &&
	 grep -q 'Recursive DNS server *: fd00:2::53' $TMP/rdisc6-a6.out"
dhcp6() { # vm: dhclient -6 -1 in the VM (exits non-zero without a lease)
	local v=$1
	: >"$TMP/resolv-$v.conf"
	nsenter --net=/var/run/netns/"$(vm "$v")" unshare -m sh -c \
		"mount --bind $TMP/resolv-$v.conf /etc/resolv.conf &&
		 exec dhclient -6 -1 -v -cf $TMP/dhclient.conf -lf $TMP/lease6-$v \
			-pf $TMP/dhclient6-$v.pid eth0" >>"$TMP/dhclient6-$v.log" 2>&1
}
check "dhclient -6 in a6 gets a lease (DHCPv6, managed subnet)" dhcp6 a6
check "a6: fd00:2::16 from DHCPv6 on eth0" vm_has a6 'inet6 fd00:2::16/' -6 addr show dev eth0
check "a6: DNS fd00:2::53 from DHCPv6" grep -q '^nameserver fd00:2::53' "$TMP/resolv-a6.conf"
check "agent 1 sent DHCPv6 answers (dhcp6_reply)" test "$(stat_of 1 dhcp6_reply)" -ge 1
check "datapath 1 punted DHCPv6 (tx_punt_dhcp6)" test "$(stat_of 1 tx_punt_dhcp6)" -ge 1
nov6=$(stat_of 1 rs_no_ip6)
wait_for 10 no_tentative a1
check "a1 (no IPv6 on its VIF): no router advertisement" bash -c \
	"! nsenter --net=/var/run/netns/$(vm a1) rdisc6 -1 -w 1500 -r 2 eth0 >/dev/null 2>&1"
check "agent 1 counted a1's solicitations as rs_no_ip6" test "$(stat_of 1 rs_no_ip6)" -gt "$nov6"

na 1 stats | grep -E 'punt|dhcp|ra_|rs_' | sed 's/^/    server 1: /'
metric_of() { # server event: netlord_vif_service_messages_total{event=...} of its /metrics
	nsenter --net=/var/run/netns/"$(srv "$1")" /usr/bin/python3 -c 'import sys, urllib.request
for l in urllib.request.urlopen(sys.argv[1], timeout=5).read().decode().splitlines():
    if l.startswith("netlord_vif_service_messages_total{event=\"%s\"} " % sys.argv[2]):
        print(l.split()[1])' "http://127.0.0.1:9519/metrics" "$2"
}
same_in_metrics() { # server event: /metrics says what `stats` says (refreshed once a second)
	[ "$(metric_of "$1" "$2")" = "$(stat_of "$1" "$2")" ]
}
for e in dhcp4_ack dhcp6_reply rs_answered; do
	check "agent 1 /metrics: $e = stats $e ($(stat_of 1 $e))" wait_for 5 same_in_metrics 1 $e
done
check "agent 1 /metrics: DHCPv4 ACKs counted there (>= 1)" test "$(metric_of 1 dhcp4_ack)" -ge 1

# ---- a restarted agent answers from the pinned VIF definitions ---------------------------------
kill "${AGENT_PID[1]}"
wait "${AGENT_PID[1]}" 2>/dev/null
nw_start_agent "$(srv 1)" "$(up 1)" 1 --repo "$TMP/vlan-table.txt" --encap ip \
	--key-file "$TMP/nlarp.key" --config "$TMP/na.conf" -v
check "agent 1 restarted" wait_for 20 agent_running 1
vmrun a5 rdisc6 -1 -w 3000 eth0 >"$TMP/rdisc6-a5b.out" 2>&1
check "after the restart: a5's solicitation answered (IPv6 side re-read from the pins)" \
	grep -q 'Recursive DNS server *: fd00:1::53' "$TMP/rdisc6-a5b.out"
vmrun a4 dhclient -x -pf "$TMP/dhclient-a4.pid" >/dev/null 2>&1
vmrun a4 ip -4 addr flush dev eth0
check "after the restart: a4 gets its lease again" dhcp a4
echo "agent-dhcp: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# IPv6 for tenants (issue 11; patent [0026] VIFs with addresses, [0027]-
# [0035] NL-ARP and proxy address resolution): two servers behind one
# emulated edge switch (tests/lib/netns-world.sh), two agents, VMs with
# IPv6 addresses given by `vif add --ip6`, DAD on (the kernel's default
# accept_dad) and NO static neighbour: the agents' HERE (NL-ARP version 3)
# fill NART-1 for IPv6 and the datapath answers the VMs' neighbour
# solicitations.  Checks ping6 within a subnet across servers, that DAD
# succeeds (a DAD probe is never answered), that a second tenant with the
# same addresses is separate, that a spoofed IPv6 source is dropped and
# counted, that the virtual router's addresses are answered, ping6 routed
# between two subnets (MAC spaces) through the virtual router, and what
# `vif list` shows.
#
# Prints "agent-ipv6: N passed, M failed" and exits non-zero on failure.
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=n6sw$T
SWMAC=02:5d:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-ipv6.XXXXXX)
chmod 755 "$TMP" # lldpcli drops privileges before it connects
VMMTU=1466 # ip encapsulation
PASS=0
FAIL=0
declare -A AGENT_PID

srv() { echo "n6s$T$1"; } # server namespace
up() { echo "n6u$T$1"; }  # server uplink
vm() { echo "n6v$T$1"; }  # VM namespace
vif() { echo "n6f$T$1"; } # VIF host side
na() {                    # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
vmrun() {
	local v=$1
	shift
	inns "$(vm "$v")" "$@"
}

cleanup() {
	set +e
	nw_stop_world "^n6(sw|s|v)$T" 1 2
	nw_show_logs 40 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require agent-ipv6 lldpd lldpcli ping nsenter ethtool ndisc6 python3

nw_switch "$SW" "$SWMAC"
for p in 1 2; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "s6p$p$T"; done
nw_switch_route "$SW" 2
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1
nw_key_file "$TMP/nlarp.key"

agent_running() { na "$1" status 2>/dev/null | grep -q '^agent: *running'; }
for s in 1 2; do
	nw_start_agent "$(srv $s)" "$(up $s)" $s --repo "$TMP/vlan-table.txt" --encap ip \
		--key-file "$TMP/nlarp.key" -v
	wait_for 20 agent_running $s || bad "agent $s started"
done
nw_lldpd "$SW" swp1,swp2 "netlord ipv6 test switch" || bad "lldpd started"
ready() { na "$1" status | grep -q 'state: *ready'; }
all_ready=true
for s in 1 2; do wait_for 20 ready $s || all_ready=false; done
check "LLDP: both agents ready" $all_ready

# a VM with only IPv6 (no IPv4 on the VIF): the address is added after
# `vif add`, with DAD (no nodad), so its DAD probe crosses the datapath
mkvm6() { # vm server tenant mac ip6/len [router6 [mac-as]]
	local v=$1 s=$2 r=() mas=${7:-1}
	[ -n "${6:-}" ] && r=(--router6 "$6")
	ip netns add "$(vm "$v")"
	ip link add "$(vif "$v")" type veth peer name eth0 netns "$(vm "$v")"
	ip link set "$(vif "$v")" netns "$(srv "$s")"
	inns "$(srv "$s")" ip link set "$(vif "$v")" up
	vmrun "$v" ip link set lo up
	vmrun "$v" ip link set eth0 address "$4" mtu $VMMTU
	vmrun "$v" ethtool -K eth0 tso off gso off >/dev/null 2>&1
	na "$s" vif add "$(vif "$v")" --tenant "$3" --mac-as "$mas" --mac "$4" --ip6 "$5" "${r[@]}" ||
		return 1
	vmrun "$v" ip link set eth0 up
	vmrun "$v" ip -6 addr add "$5" dev eth0
}
# DAD over: neither tentative nor failed
dad_done() { # vm
	local a
	a=$(vmrun "$1" ip -6 addr show dev eth0 scope global)
	[ -n "$a" ] && ! grep -qE 'tentative|dadfailed' <<<"$a"
}
dad_ok() { wait_for 10 dad_done "$1"; }

MAC1=52:54:00:66:00:01
MAC2=52:54:00:66:00:02
check "DAD is on in the VMs (accept_dad default)" bash -c \
	"[ \"\$(sysctl -n net.ipv6.conf.default.accept_dad)\" != 0 ]"
check "vif add --ip6 A1 (server 1)" mkvm6 a1 1 100 $MAC1 2001:db8:1::1/64 2001:db8:1::fffe
check "vif add --ip6 A2 (server 2)" mkvm6 a2 2 100 $MAC2 2001:db8:1::2/64 2001:db8:1::fffe
# tenant 200: the same MACs and addresses
check "vif add --ip6 B1 (server 1)" mkvm6 b1 1 200 $MAC1 2001:db8:1::1/64
check "vif add --ip6 B2 (server 2)" mkvm6 b2 2 200 $MAC2 2001:db8:1::2/64
for v in a1 a2 b1 b2; do check "DAD succeeds in $v (no proxy answers a DAD probe)" dad_ok $v; done
check "a DAD probe was seen and not answered (tx_ndp_ignored)" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 stats | awk '\$1 == \"tx_ndp_ignored\" && \$2 > 0 {f=1} END {exit !f}'"

check "vif list shows the IPv6 address and router" bash -c \
	"$(declare -f na srv up vif); NA=$NA T=$T; na 1 vif list | grep \$(vif a1) | grep -q '2001:db8:1::1/64 2001:db8:1::fffe'"
check "vif list --json shows the IPv6 address" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 vif list --json | python3 -c '
import json, sys
v = [x for x in json.load(sys.stdin) if x[\"ip6\"] == [\"2001:db8:1::1/64\"] and x[\"router6\"] == \"2001:db8:1::fffe\"]
sys.exit(len(v) != 1)'"

check "no static neighbour in A1 before the ping" bash -c \
	"! nsenter --net=/var/run/netns/$(vm a1) ip -6 neigh show | grep -q PERMANENT"
check "ping6 tenant A: A1 -> A2 across servers (neighbour discovery by proxy NDP)" \
	vmrun a1 ping -6 -n -c 3 -i 0.2 -W 2 2001:db8:1::2
check "A1 learned A2's real MAC from the proxy's advertisement" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) ip -6 neigh show 2001:db8:1::2 | grep -q 'lladdr $MAC2'"
check "ping6 tenant B (same addresses): B1 -> B2" vmrun b1 ping -6 -n -c 3 -i 0.2 -W 2 2001:db8:1::2
check "ping6 A2 -> A1 (the other direction)" vmrun a2 ping -6 -n -c 2 -i 0.2 -W 2 2001:db8:1::1
check "proxy NDP answered (tx_ndp_replied on server 1)" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 stats | awk '\$1 == \"tx_ndp_replied\" && \$2 > 0 {f=1} END {exit !f}'"
# the virtual router answers for its global and link-local addresses
check "A1 resolves the virtual router 2001:db8:1::fffe" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) ndisc6 -1 -r 2 -w 1000 2001:db8:1::fffe eth0 | grep -qi '02:4e:4c:52:00:01'"
check "A1 resolves the virtual router's link-local fe80::4e:4cff:fe52:1" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) ndisc6 -1 -r 2 -w 1000 fe80::4e:4cff:fe52:1 eth0 | grep -qi '02:4e:4c:52:00:01'"
# an address of tenant A only: B1 gets no answer
check "isolation: tenant B cannot resolve an address only tenant A has" bash -c \
	"! nsenter --net=/var/run/netns/$(vm b1) ndisc6 -1 -r 2 -w 500 2001:db8:1::fffe eth0 >/dev/null 2>&1"

# ---- routed between two subnets through the virtual router -------------------------------------
MAC3=52:54:00:66:00:03
check "vif add --ip6 A3 (server 2, subnet 2001:db8:2::/64, MAC space 2)" \
	mkvm6 a3 2 100 $MAC3 2001:db8:2::3/64 2001:db8:2::fffe 2
check "DAD succeeds in a3" dad_ok a3
# no router advertisement here (the agent's RA is another helper's): the
# default route names the router's link-local address (docs/ipv6.md)
for v in a1 a3; do vmrun $v ip -6 route add default via fe80::4e:4cff:fe52:1 dev eth0; done
check "ping6 routed: A1 (2001:db8:1::/64) -> A3 (2001:db8:2::/64) across servers" \
	vmrun a1 ping -6 -n -c 3 -i 0.2 -W 2 -I 2001:db8:1::1 2001:db8:2::3
check "routed hop limit: A3's reply (64) reaches A1 with 63" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) ping -6 -n -c 1 -W 2 -t 64 -I 2001:db8:1::1 2001:db8:2::3 | grep -q 'ttl=63'"
check "routed, hop limit 1: ICMPv6 time exceeded from the router 2001:db8:1::fffe" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) ping -6 -n -c 1 -W 2 -t 1 -I 2001:db8:1::1 2001:db8:2::3 2>&1 |
	 grep -qi 'from 2001:db8:1::fffe.*time exceeded'"
check "routed, hop limit 1: counted (tx_hop_exceeded)" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 1 stats | awk '\$1 == \"tx_hop_exceeded\" && \$2 > 0 {f=1} END {exit !f}'"
# a 1500-byte packet does not fit the fabric once encapsulated (1466 in ip
# mode): packet too big with the usable MTU, and the VM's next try fits.
# `vif add` set the VIF's MTU to 1466; a VIF whose MTU is larger (raised
# by hand, or a device the agent cannot set) is what this guards.
inns "$(srv 1)" ip link set "$(vif a1)" mtu 1500
vmrun a1 ip link set eth0 mtu 1500
check "too big: ICMPv6 packet too big, mtu 1466, from the router" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) ping -6 -n -c 1 -W 2 -s 1452 -M do -I 2001:db8:1::1 2001:db8:2::3 2>&1 |
	 grep -qi 'packet too big.*mtu.*1466'"
check "too big: the VM learned the path MTU 1466 (route cache)" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) ip -6 route get 2001:db8:2::3 from 2001:db8:1::1 | grep -q 'mtu 1466'"
check "too big: ping6 with 1452 bytes now arrives (fragmented by the VM)" \
	vmrun a1 ping -6 -n -c 2 -i 0.3 -W 2 -s 1452 -I 2001:db8:1::1 2001:db8:2::3
vmrun a1 ip link set eth0 mtu $VMMTU
inns "$(srv 1)" ip link set "$(vif a1)" mtu $VMMTU

# ---- anti-spoofing -----------------------------------------------------------------------------
spoof_count() { na 1 stats | awk '$1 == "tx_spoof_ip6" {n = $2} END {print n + 0}'; }
before=$(spoof_count)
vmrun a1 ip -6 addr add 2001:db8:1::99/64 dev eth0 nodad
check "spoofed IPv6 source: A1 pretending to be ::99 gets no reply" bash -c \
	"! nsenter --net=/var/run/netns/$(vm a1) ping -6 -n -c 2 -i 0.2 -W 1 -I 2001:db8:1::99 2001:db8:1::2 >/dev/null 2>&1"
after=$(spoof_count)
check "spoofed IPv6 source counted (tx_spoof_ip6 $before -> $after)" test "${after:-0}" -gt "${before:-0}"
check "A1's own address still works after the spoof attempt" \
	vmrun a1 ping -6 -n -c 1 -W 2 -I 2001:db8:1::1 2001:db8:1::2

# ---- vif del: the IPv6 binding goes everywhere -----------------------------------------------
na 2 vif del "$(vif a2)" >/dev/null
check "after vif del A2: A1 can no longer resolve 2001:db8:1::2" bash -c \
	"nsenter --net=/var/run/netns/$(vm a1) ip -6 neigh flush dev eth0; \
	 ! nsenter --net=/var/run/netns/$(vm a1) ndisc6 -1 -r 2 -w 500 2001:db8:1::2 eth0 >/dev/null 2>&1"

na 1 stats | grep -E 'tx_(spoof_ip6|ndp_|bcast)' | sed 's/^/    server 1: /'
echo "agent-ipv6: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

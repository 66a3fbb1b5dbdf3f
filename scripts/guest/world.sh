# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
# The three-server world of the QEMU guests (issue 12; patent [0019]-[0026]:
# VMs behind the NAs of their servers, [0034]-[0035]: a VM that moves),
# shared by tests/guest/test_guest.sh and the demo's guest stage
# (scripts/dc/demo-guests.sh) so both run the same code: three servers are
# network namespaces of the host behind one emulated edge switch with an
# untagged fabric (tests/lib/netns-world.sh: the host kernel has no
# 802.1Q), one agent each (server 1 receives with XDP, server 2 with tc);
# guests are QEMU processes (scripts/guest/lib.sh) on taps registered with
# `na-loader vif add`, taking IPv4 from the agent's DHCP server and IPv6 by
# SLAAC; a namespace VM on server 3 is the "other server" that pings at
# 1,000 pps during QEMU's live migration of g1 (migrate_g1).
#
# Sourced after tests/lib/netns-world.sh and scripts/guest/lib.sh; the
# sourcing script sets NA (na-loader), TMP (= GDIR, its scratch directory:
# agent logs, guest sockets), `declare -A AGENT_PID`, then calls
#     gw_init PREFIX ENCAP     names (PREFIX: 2 letters unique to the caller)
#     gw_world_up              switch, agents, lldpd (GW_ERR says why not)
#     gw_addr_modes            how guests get addresses (ADDR, ADDR6)
# and uses the checks of tests/lib/counters.sh (check, ok, bad), which a
# caller may redefine (the demo turns them into its summary rows).

TENANT=100
MAC1=52:54:00:ee:00:01
MAC2=52:54:00:ee:00:02
MAC3=52:54:00:ee:00:03
IP1=10.77.0.1
IP2=10.77.0.2
IP3=10.77.0.3
ROUTER=10.77.0.254 # the virtual router (the DHCP server answers for it)
# IPv6: the EUI-64 addresses SLAAC forms from the MACs
IP6_1=fd77::5054:ff:feee:1
IP6_2=fd77::5054:ff:feee:2
IP6_3=fd77::5054:ff:feee:3
ROUTER6=fd77::fe
GW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

gw_init() { # prefix encap
	GWP=$1
	ENCAP=$2
	T=$(printf '%04x' $((RANDOM % 65536)))
	SW=${GWP}sw$T
	SWMAC=02:5d:${T:0:2}:${T:2:2}:00:01
	case $ENCAP in
	ip) VMMTU=1466 ;;
	udp | gre) VMMTU=1458 ;;
	*) GW_ERR="the encapsulation must be ip, udp or gre" && return 1 ;;
	esac
}
srv() { echo "${GWP}s$T$1"; }  # server namespace
up() { echo "${GWP}u$T$1"; }   # server uplink
tap() { echo "${GWP}t$T$1"; }  # a guest's tap
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
gx() { guest_exec "$@"; } # instance timeout command
vm3() { nsenter --net=/var/run/netns/"${GWP}v${T}3" "$@"; } # the namespace VM on server 3
quiet() { "$@" >/dev/null 2>&1; }
agent_running() { na "$1" status 2>/dev/null | grep -q '^agent: *running'; }
agent_ready() { na "$1" status | grep -q 'state: *ready'; }

# the switch, three servers, the VLAN table and key, agents (server 1 XDP,
# server 2 tc, server 3 auto; logs in $TMP/agent<s>.log) ready after LLDP
gw_world_up() {
	local p s
	local -a rx=([1]=xdp [2]=tc [3]=auto)
	nw_switch "$SW" "$SWMAC"
	for p in 1 2 3; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "${GWP}p$p$T"; done
	nw_switch_route "$SW" 3
	nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1
	nw_key_file "$TMP/nlarp.key"
	for s in 1 2 3; do
		nw_start_agent "$(srv $s)" "$(up $s)" $s --repo "$TMP/vlan-table.txt" --encap "$ENCAP" \
			--rx "${rx[$s]}" --key-file "$TMP/nlarp.key" -v
	done
	for s in 1 2 3; do
		wait_for 30 agent_running $s || { GW_ERR="agent $s did not start" && return 1; }
	done
	nw_lldpd "$SW" swp1,swp2,swp3 "netlord guest switch" || { GW_ERR="lldpd did not start" && return 1; }
	for s in 1 2 3; do
		wait_for 30 agent_ready $s || { GW_ERR="agent $s not ready after LLDP" && return 1; }
	done
}

# Addresses: from the agent's DHCP server (busybox udhcpc in the guest) when
# the agent has one (its datapath counts DHCP requests handed to it), else
# static with the VIF MTU, as DHCP would give them.  IPv6 when the datapath
# carries it (its proxy NDP, map nl_ndp_scratch, is in the program na-loader
# loads): by the kernel's SLAAC when the agent sends router advertisements,
# else static.  (So the test also runs against an older na-loader.)
gw_addr_modes() {
	local stats_json
	stats_json=$(na 1 stats --json)
	ADDR=static
	grep -q '"tx_punt_dhcp4"' <<<"$stats_json" && ADDR=dhcp
	ADDR6=none
	if grep -qa nl_ndp_scratch "$NA"; then
		if grep -q '"tx_punt_rs"' <<<"$stats_json"; then ADDR6=slaac; else ADDR6=static; fi
	fi
}
g_append() { [ "$ADDR" = dhcp ] && echo "ng.ip=dhcp" || echo "ng.ip=$1/24 ng.mtu=$VMMTU"; }
g_append6() { [ "$ADDR6" = static ] && echo "ng.ip6=$1/64"; true; }
v6_opts() { [ "$ADDR6" != none ] && echo "--ip6 $1/64 --router6 $ROUTER6"; true; }

# a guest's tap on a server, registered as a VIF of tenant $TENANT
gw_plug() { # server tap mac ip ip6 [vif-add-option...]
	local s=$1 t=$2 mac=$3 ip=$4 ip6=$5
	shift 5
	guest_tap "$(srv "$s")" "$t" || return 1
	# shellcheck disable=SC2046
	na "$s" vif add "$t" --tenant $TENANT --mac-as 1 --mac "$mac" --ip "$ip/24" \
		--router $ROUTER $(v6_opts "$ip6") "$@"
}
# QEMU on that tap, the guest configuring itself (DHCP/SLAAC or static)
gw_boot() { # instance server tap mac ip ip6 offload(on|off) [guest-name]
	GUEST_APPEND="$(g_append "$5") $(g_append6 "$6")" \
		guest_start "${8:-$1}" "$(srv "$2")" "$3" "$4" "$7" "$1"
}
# the namespace VM on server 3 (the migration's 1,000 pps source)
gw_vm3_up() {
	nw_vm "${GWP}v${T}3" "${GWP}f${T}3" "$(srv 3)" $MAC3 $IP3/24 "$VMMTU" on
	# shellcheck disable=SC2046
	na 3 vif add "${GWP}f${T}3" --tenant $TENANT --mac-as 1 --mac $MAC3 --ip $IP3/24 \
		--router $ROUTER $(v6_opts $IP6_3) || return 1
	[ "$ADDR6" = none ] || vm3 ip -6 addr replace $IP6_3/64 dev eth0 nodad
}
g_addr() { # instance ip -> eth0 has ip/24 and MTU $VMMTU
	local a
	a=$(gx "$1" 10 "ip -4 addr show dev eth0; ip link show dev eth0")
	grep -q "inet $2/24" <<<"$a" && grep -q "mtu $VMMTU " <<<"$a"
}
g_addr6() { gx "$1" 10 "ip -6 addr show dev eth0" | grep -q "inet6 $2/64"; }

nart_port() { # server -> port of g1 in that server's NART-2 ("" if none)
	na "$1" nart | awk -v m=$MAC1 -v t=$TENANT '$1 == t && $3 == m {for (i = 1; i < NF; i++) if ($i == "port") {print $(i + 1); exit}}'
}
every_na_at() { [ "$(nart_port 1)$(nart_port 2)$(nart_port 3)" = "$1$1$1" ]; }
tx_packets() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_packets"; }

# QEMU live migration of g1 from server $1 (instance $3 on tap $4) to server
# $2 (instance $5, new tap $6), ordered as libvirt does: `vif add
# --incoming-migration` on the destination (no announce yet), migrate, `vif
# del` at the source; 1,000 echo requests a second from server 3's VM
# throughout.  $7: QEMU's announce-initial on the destination in ms ("" =
# QEMU's default, 50).  The checks through `check`; the figures
# (scripts/guest/migfigures.py) printed, and as KEY=VALUE lines in
# $TMP/figures-<instance>.txt.
migrate_g1() {
	local from=$1 to=$2 si=$3 stap=$4 di=$5 dtap=$6 ann=$7 l="migration $1 -> $2" rc pinger portcount at_del
	check "$l: before: every NA has g1 at port $from" every_na_at "$from"
	check "$l: destination: tap and vif add --incoming-migration" \
		gw_plug "$to" "$dtap" $MAC1 $IP1 $IP6_1 --incoming-migration || return 1
	GUEST_INCOMING="unix:$TMP/mig-$di.sock" gw_boot "$di" "$to" "$dtap" $MAC1 $IP1 $IP6_1 on g1
	sleep 2
	[ -n "$ann" ] && guest_qmp "$di" migrate-set-parameters "{\"announce-initial\": $ann}" >/dev/null
	check "$l: pre-copy: no HERE yet, every NA still has g1 at port $from" every_na_at "$from"
	check "$l: pre-copy: g1 still answers at the source" quiet vm3 ping -q -c 2 -i 0.2 -W 2 $IP1
	# the stream from server 3, then the migration
	vm3 python3 "$GW_ROOT/scripts/guest/pinger.py" $IP1 1000 12 "$TMP/pinger-$di.json" &
	pinger=$!
	# what the fabric still carries to the source, and when
	ip netns exec "$SW" python3 "$GW_ROOT/scripts/guest/portcount.py" "swp$from" 12 \
		"$TMP/port-$di.json" &
	portcount=$!
	sleep 3
	guest_migrate "$si" "$di" "unix:$TMP/mig-$di.sock" >"$TMP/migrate-$di.json" 2>"$TMP/migrate-$di.err"
	rc=$?
	cat "$TMP/migrate-$di.json" "$TMP/migrate-$di.err" | sed 's/^/    migrate: /'
	check "$l: QEMU live migration completed, g1 runs at the destination" test $rc -eq 0
	# libvirt's order: the source's VIF goes after the migration
	check "$l: source: vif del" na "$from" vif del "$stap"
	at_del=$(tx_packets "$(srv "$from")" "$stap")
	wait $pinger $portcount
	guest_stop "$si"
	check "$l: after: every NA has g1 at port $to" wait_for 10 every_na_at "$to"
	check "$l: after: nothing delivered to the source's tap after vif del" \
		test "$(tx_packets "$(srv "$from")" "$stap")" = "$at_del"
	check "$l: after: server 3's VM -> g1 at the destination" quiet vm3 ping -q -c 3 -i 0.2 -W 2 $IP1
	check "$l: after: g1 -> g2" quiet gx "$di" 30 "ping -q -c 3 -W 2 $IP2"
	if [ "$ADDR6" != none ]; then
		check "$l: after: ping6 server 3's VM -> g1" quiet vm3 ping -6 -q -c 3 -i 0.2 -W 2 $IP6_1
	fi
	gx g2 10 "iperf3 -s -1 -D" >/dev/null
	sleep 1
	check "$l: after: TCP g1 -> g2 (2 MB)" gx "$di" 90 "iperf3 -c $IP2 -n 2M > /dev/null"
	check "$l: the destination agent announced on the guest's first frame" \
		grep -q "VIF $dtap: the guest transmitted .*live migration arrived" "$TMP/agent$to.log"
	python3 "$GW_ROOT/scripts/guest/migfigures.py" \
		"$l, QEMU announce-initial ${ann:-50 (default)} ms" "$TMP/pinger-$di.json" \
		"$TMP/migrate-$di.json" "$to" "$TMP/port-$di.json" $MAC1 "$TMP" \
		--summary "$TMP/figures-$di.txt"
}

# the guests (instances) stopped, agents and lldpd stopped, namespaces gone
gw_teardown() { # instance...
	local i
	for i in "$@"; do guest_stop "$i"; done
	nw_stop_world "^${GWP}(sw|s|v)$T" 1 2 3
}

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The part of tests/dc/test_dhcp.sh that needs a fabric kernel (run through
# scripts/vm/in-fabric-kernel.sh): the demo data center with the VMs of
# tests/dc/dhcp.vms brought up by dc-up.sh --dhcp, i.e. configured only by
# Debian's dhclient and the kernel's SLAAC from the agents' DHCP server and
# router advertisements (issue 11, docs/dhcp.md); then ping across the core
# and routed, another tenant with the same addresses isolated, nothing
# encapsulated during the configuration.  Prints "ok <check>" /
# "FAIL <check>: why" and "# ..." lines; exit 1 if any check failed.
# Usage: tests/dc/dhcp-guest.sh <out dir> <compiled dir> <vms file> <prefix>
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/guest.sh
. "$repo/tests/dc/lib/guest.sh" "$@"
# shellcheck source=scripts/dc/dc-measure.sh
. "$repo/scripts/dc/dc-measure.sh"
dc_guest_logs 'dhclient-*.log'

dc_guest_up "dc-up --dhcp" --encap udp --dhcp
ok "dc-up --dhcp: 6 agents ready, $(wc -l <"$RUN/vms.txt") VMs bound by dhclient"
echo "# up in $(($(date +%s) - T0)) s"
hvs=(edge1-1 edge1-2 edge2-1 edge2-2 edge3-1 edge3-2)
# a counter of an agent's `stats` (zero counters are not printed)
stat_of() { na "$1" stats | awk -v k="$2" '$1 == k { v = $2 } END { print v + 0 }'; }
enc=0
punt=0
for h in "${hvs[@]}"; do
	enc=$((enc + $(stat_of "$h" tx_encap)))
	punt=$((punt + $(stat_of "$h" tx_punt_dhcp4)))
done
check "DHCP never reached the fabric: tx_encap 0 on every agent after the configuration ($punt DHCP frames punted)" \
	test "$enc" = 0 -a "$punt" -ge 8
has() { # vm pattern ip-args...
	local v=$1 p=$2
	shift 2
	vmx "$v" ip "$@" | grep -q -- "$p"
}
check "d1: 192.168.1.1/24 by DHCP" has d1 'inet 192.168.1.1/24' -4 addr show dev eth0
check "d1: default route via the virtual router 192.168.1.254" has d1 'via 192.168.1.254' -4 route show default
check "d1: MTU 1458 from the DHCP MTU option (udp)" has d1 'mtu 1458 ' link show dev eth0
check "d5: 192.168.2.5/24 by DHCP (other subnet)" has d5 'inet 192.168.2.5/24' -4 addr show dev eth0
check "e1 (13.7): 192.168.1.1/24 by DHCP (the same address in another tenant)" \
	has e1 'inet 192.168.1.1/24' -4 addr show dev eth0
pingchk() { # label src dst
	local l
	l=$(ping_loss "$2" "$3" 3)
	if [ "$l" = 0 ]; then ok "ping $1"; else bad "ping $1" "$l% loss"; fi
}
pingchk "12.25 d1->d4 across the core (DHCP-configured)" d1 192.168.1.4
pingchk "12.25 d4->d5 routed, across the core" d4 192.168.2.5
l=$(ping_loss e1 192.168.1.4 3)
if [ "$l" = 100 ]; then ok "13.7 e1 cannot reach 12.25's 192.168.1.4"; else bad "13.7 e1 isolated" "$l% loss"; fi

# SLAAC from the agents' router advertisements (fd00:1::/64, EUI-64 addresses)
slaac() { has "$1" "inet6 $2/64 scope global" -6 addr show dev eth0; }
for_a_while() { for _ in $(seq 1 60); do "$@" && return 0; sleep 0.5; done; return 1; }
check "d1: fd00:1::5054:ff:fe00:1/64 by SLAAC" for_a_while slaac d1 fd00:1::5054:ff:fe00:1
check "d4: fd00:1::5054:ff:fe00:4/64 by SLAAC" for_a_while slaac d4 fd00:1::5054:ff:fe00:4
check "d1: IPv6 default route via the virtual router fe80::4e:4cff:fe52:1" \
	has d1 'default via fe80::4e:4cff:fe52:1 dev eth0' -6 route show default
l=$(vmx d1 ping -6 -n -c 3 -i 0.2 -W 2 fd00:1::5054:ff:fe00:4 2>&1 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
if [ "$l" = 0 ]; then ok "ping6 12.25 d1->d4 across the core (SLAAC, no static neighbour)"
else bad "ping6 12.25 d1->d4 across the core (SLAAC, no static neighbour)" "${l:-?}% loss"; fi
check "d1: IPv6 MTU 1458 from the RA" test "$(vmx d1 cat /proc/sys/net/ipv6/conf/eth0/mtu)" = 1458
check "d5 (no IPv6 on its VIF): no SLAAC address" bash -c \
	"! ip netns exec ${P}vm-d5 ip -6 addr show dev eth0 scope global | grep -q inet6"
ra=0
for h in "${hvs[@]}"; do ra=$((ra + $(stat_of "$h" ra_sent))); done
check "agents sent router advertisements ($ra)" test "$ra" -ge 2
echo "# total $(($(date +%s) - T0)) s"
dc_guest_done

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Shared setup of the observability tests (tests/agent/monitor.sh,
# tests/agent/trace.sh), sourced, not run: one emulated edge switch (a
# Linux bridge carrying the switch MAC, routing 10.p.0.0/16 to port p, as
# in tests/agent/integration.sh, whose header explains it), two servers
# running `na-loader attach`, real lldpd, and VMs:
#   server 1: a1 tenant 100 192.168.1.1/24 (router .254), a4 tenant 100
#             192.168.2.4/24, b1 tenant 200 192.168.1.1/24 (a1's MAC)
#   server 2: a2 tenant 100 192.168.1.2/24, a3 tenant 100 192.168.2.3/24,
#             b2 tenant 200 192.168.1.2/24 (a MAC of its own)
# Defines ok/bad/check, na, vmrun, srvrun, wait_for and the names; the EXIT
# trap tears everything down.  $NAME is the test's name for its summary;
# NA_ENCAP=udp runs the agents in udp mode (default ip).  Names start with
# "nm" (tests/agent/integration.sh uses "nl"); the world's pieces come from
# tests/lib/netns-world.sh.
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nmsw$T
SWMAC=02:5c:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-obs.XXXXXX)
chmod 755 "$TMP" # lldpcli drops privileges before it connects
PASS=0
FAIL=0
declare -A AGENT_PID
BG_PIDS=()

MAC1=52:54:00:aa:00:01
MAC2=52:54:00:aa:00:02
MAC3=52:54:00:aa:00:03
MAC4=52:54:00:aa:00:04
MACB=52:54:00:bb:00:02
ENCAP=${NA_ENCAP:-ip}
case $ENCAP in
ip) VMMTU=1466 ;;
udp) VMMTU=1458 ;;
*) echo "FAIL: NA_ENCAP must be ip or udp"; echo "$NAME: 0 passed, 1 failed"; exit 1 ;;
esac

fatal() { nw_abort "$NAME" "$*"; }

srv() { echo "nms$T$1"; }
up() { echo "nmu$T$1"; }
vm() { echo "nmv$T$1"; }
vif() { echo "nmf$T$1"; }
na() { # server, args...
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
	for p in "${BG_PIDS[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	nw_stop_world "^nm(sw|s|v)$T" 1 2
	nw_show_logs 30 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require "$NAME" lldpd lldpcli nsenter python3 bpftool

# ---- the switch and the servers -----------------------------------------------------------
nw_switch "$SW" "$SWMAC"
for p in 1 2; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "nmp$p$T"; done
nw_switch_route "$SW" 2
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1

# the fleet's NL-ARP key (docs/agent.md): one root-only file for every server
nw_key_file "$TMP/nlarp.key"
start_agent() { # server
	local s=$1
	nw_start_agent "$(srv "$s")" "$(up "$s")" "$s" \
		--repo "$TMP/vlan-table.txt" --encap "$ENCAP" --key-file "$TMP/nlarp.key" -v
	wait_for 10 test -S "/run/netlord/$(up "$s").sock"
}
for s in 1 2; do start_agent $s || fatal "agent $s did not start"; done

nw_lldpd "$SW" swp1,swp2 "netlord test switch" || fatal "lldpd did not start"
ready() { na "$1" status | grep -q 'state: *ready'; }
for s in 1 2; do wait_for 20 ready $s || fatal "agent $s never saw LLDP"; done

mkvm() { # vm server tenant mac ip/len router
	local v=$1 s=$2
	nw_vm "$(vm "$v")" "$(vif "$v")" "$(srv "$s")" "$4" "$5" $VMMTU off
	na "$s" vif add "$(vif "$v")" --tenant "$3" --mac-as 1 --mac "$4" --ip "$5" \
		--router "$6" >>"$TMP/vifs.log" 2>&1
}
mkvm a1 1 100 $MAC1 192.168.1.1/24 192.168.1.254 || fatal "vif add a1"
mkvm a4 1 100 $MAC4 192.168.2.4/24 192.168.2.254 || fatal "vif add a4"
mkvm b1 1 200 $MAC1 192.168.1.1/24 192.168.1.254 || fatal "vif add b1"
mkvm a2 2 100 $MAC2 192.168.1.2/24 192.168.1.254 || fatal "vif add a2"
mkvm a3 2 100 $MAC3 192.168.2.3/24 192.168.2.254 || fatal "vif add a3"
mkvm b2 2 200 $MACB 192.168.1.2/24 192.168.1.254 || fatal "vif add b2"
nart_has() { # server tenant mac port
	na "$1" nart | grep -qE "^ +$2 +1 $3 -> $SWMAC port $4 "
}
for e in "100 $MAC2" "100 $MAC3" "200 $MACB"; do
	wait_for 10 nart_has 1 $e 2 || fatal "server 1 never learned tenant/MAC $e"
done

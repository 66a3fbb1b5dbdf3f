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
# NA_ENCAP=udp runs the agents in udp mode (default ip).

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nlsw$T
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

ok() { echo "PASS: $*"; PASS=$((PASS + 1)); }
bad() { echo "FAIL: $*"; FAIL=$((FAIL + 1)); }
check() { # description, command...
	local d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
fatal() {
	echo "FAIL: $*"
	echo "$NAME: $PASS passed, $((FAIL + 1)) failed"
	exit 1
}

srv() { echo "nls$T$1"; }
up() { echo "nu$T$1"; }
vm() { echo "nlv$T$1"; }
vif() { echo "nv$T$1"; }
inns() {
	local ns=$1
	shift
	nsenter --net=/var/run/netns/"$ns" "$@"
}
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
wait_for() { # seconds, command...
	local t=$(($1 * 10))
	shift
	while [ $t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

cleanup() {
	set +e
	for p in "${BG_PIDS[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	for s in 1 2; do
		[ -n "${AGENT_PID[$s]:-}" ] && kill "${AGENT_PID[$s]}" 2>/dev/null
	done
	[ -f "$TMP/lldpd.pid" ] && kill "$(cat "$TMP/lldpd.pid")" 2>/dev/null
	sleep 0.3
	for s in 1 2; do
		[ -n "${AGENT_PID[$s]:-}" ] && kill -9 "${AGENT_PID[$s]}" 2>/dev/null
		timeout 10 nsenter --net=/var/run/netns/"$(srv $s)" "$NA" detach "$(up $s)" \
			>/dev/null 2>&1
		rm -rf "/sys/fs/bpf/netlord/$(up $s)" "/run/netlord/$(up $s)" \
			"/run/netlord/$(up $s).sock"
	done
	for n in $(ip netns list | awk '{print $1}' | grep -E "^nl(sw|s|v)$T"); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n"
	done
	if [ "$FAIL" -ne 0 ] || [ -n "${KEEP_LOGS:-}" ]; then
		for f in "$TMP"/*.log; do
			echo "----- $f (last 30 lines)"
			tail -n 30 "$f"
		done
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

for c in lldpd lldpcli nsenter python3 bpftool; do
	command -v "$c" >/dev/null || fatal "$c not installed"
done
[ "$(id -u)" -eq 0 ] || fatal "must run as root"
[ -x "$NA" ] || fatal "$NA not built"

# ---- the switch and the servers -----------------------------------------------------------
ip netns add "$SW"
inns "$SW" ip link set lo up
inns "$SW" ip link add br0 type bridge
inns "$SW" ip link set br0 address "$SWMAC"
for p in 1 2; do
	ip netns add "$(srv $p)"
	inns "$(srv $p)" ip link set lo up
	ip link add "swp$p$T" type veth peer name "$(up $p)"
	ip link set "swp$p$T" netns "$SW"
	ip link set "$(up $p)" netns "$(srv $p)"
	inns "$SW" ip link set "swp$p$T" name "swp$p"
	inns "$SW" ip link set "swp$p" address "$SWMAC"
	inns "$SW" ip link set "swp$p" master br0
	inns "$SW" ip link set "swp$p" up
	inns "$(srv $p)" ip link set "$(up $p)" up
	inns "$SW" ip addr add "10.$p.0.254/16" dev br0 noprefixroute
done
inns "$SW" ip link set br0 up
inns "$SW" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.br0.rp_filter=0 net.ipv4.conf.all.send_redirects=0 \
	net.ipv4.conf.br0.send_redirects=0
for p in 1 2; do
	inns "$SW" ip route add "10.$p.0.0/16" via "10.$p.0.1" dev br0 onlink
done
cat >"$TMP/vlan-table.txt" <<EOT
netlord-vlan-table 1
serial 1
broadcast 4094
switches 1
pair $SWMAC $SWMAC 0
end 1
EOT

# the fleet's NL-ARP key (docs/agent.md): one root-only file for every server
(umask 077 && echo "1 $(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$TMP/nlarp.key")
start_agent() { # server
	local s=$1
	nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" attach "$(up "$s")" \
		--repo "$TMP/vlan-table.txt" --encap "$ENCAP" --key-file "$TMP/nlarp.key" -v \
		>>"$TMP/agent$s.log" 2>&1 &
	AGENT_PID[$s]=$!
	wait_for 10 test -S "/run/netlord/$(up "$s").sock"
}
for s in 1 2; do start_agent $s || fatal "agent $s did not start"; done

mkdir -p /run/lldpd
ip netns exec "$SW" lldpd -d -I swp1,swp2 -u "$TMP/lldpd.sock" -p "$TMP/lldpd.pid" \
	-L "" -S "netlord test switch" >>"$TMP/lldpd.log" 2>&1 &
wait_for 5 test -S "$TMP/lldpd.sock" || fatal "lldpd did not start"
ip netns exec "$SW" lldpcli -u "$TMP/lldpd.sock" configure lldp portidsubtype ifname >/dev/null
ip netns exec "$SW" lldpcli -u "$TMP/lldpd.sock" configure lldp tx-interval 1 >/dev/null
ready() { na "$1" status | grep -q 'state: *ready'; }
for s in 1 2; do wait_for 20 ready $s || fatal "agent $s never saw LLDP"; done

mkvm() { # vm server tenant mac ip/len router
	local v=$1 s=$2
	ip netns add "$(vm "$v")"
	ip link add "$(vif "$v")" type veth peer name eth0 netns "$(vm "$v")"
	ip link set "$(vif "$v")" netns "$(srv "$s")"
	inns "$(srv "$s")" ip link set "$(vif "$v")" up
	inns "$(vm "$v")" ip link set lo up
	inns "$(vm "$v")" ip link set eth0 address "$4" mtu $VMMTU up
	inns "$(vm "$v")" ip addr add "$5" dev eth0
	inns "$(vm "$v")" ethtool -K eth0 tso off gso off >/dev/null 2>&1
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

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The small emulated world the host-namespace tests build, sourced, not run
# (tests/agent/integration.sh, tests/hostile/hostile.sh,
# tests/agent/observe-env.sh, tests/agent/ops.sh): one edge switch (patent
# [0019]-[0021]: a Linux bridge carrying the switch MAC on every port,
# routing 10.p.0.0/16 to port p, real lldpd naming the port), servers on
# veth uplinks, the VLAN table file, the fleet's root-only NL-ARP key file,
# agents started and torn down; the pass/fail counters (ok, bad, check,
# finish) are tests/lib/counters.sh, sourced here.
#
# Each sourcing script defines its own names (srv, up, vm, vif: a prefix
# unique to the script, so scripts can run one after another or together)
# and sets NA (na-loader), T (a random 4-hex tag), TMP (its scratch
# directory) and `declare -A AGENT_PID` before using these.

# shellcheck source=counters.sh
. "$(dirname "${BASH_SOURCE[0]}")/counters.sh"
# a fatal setup failure: the test's summary line (one more failure), exit 1
nw_abort() { # test-name, message
	TC_NAME=$1
	bad "$2"
	tc_summary
	exit 1
}
# root, the na-loader binary and the commands the test needs, or nw_abort
nw_require() { # test-name, command...
	local tname=$1 c
	shift
	for c in "$@"; do
		command -v "$c" >/dev/null || nw_abort "$tname" "$c not installed"
	done
	[ "$(id -u)" -eq 0 ] || nw_abort "$tname" "must run as root"
	[ -x "$NA" ] || nw_abort "$tname" "$NA not built"
}

# run in a namespace without a new mount namespace (keeps /sys/fs/bpf)
inns() {
	local ns=$1
	shift
	nsenter --net=/var/run/netns/"$ns" "$@"
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

# ---- the switch ---------------------------------------------------------------------------
nw_switch() { # switch-namespace switch-mac: the namespace and its bridge br0
	ip netns add "$1"
	inns "$1" ip link set lo up
	inns "$1" ip link add br0 type bridge
	inns "$1" ip link set br0 address "$2"
}
# port p of the switch (swp<p>, carrying the switch MAC, in br0, owning
# 10.p.0.254 without a prefix route) wired to a new namespace's uplink
nw_port() { # switch-namespace switch-mac port namespace uplink transient-veth-name
	local sw=$1 mac=$2 p=$3 ns=$4 upl=$5 tmpn=$6
	ip netns add "$ns"
	inns "$ns" ip link set lo up
	ip link add "$tmpn" type veth peer name "$upl"
	ip link set "$tmpn" netns "$sw"
	ip link set "$upl" netns "$ns"
	inns "$sw" ip link set "$tmpn" name "swp$p"
	inns "$sw" ip link set "swp$p" address "$mac"
	inns "$sw" ip link set "swp$p" master br0
	inns "$sw" ip link set "swp$p" up
	inns "$ns" ip link set "$upl" up
	inns "$sw" ip addr add "10.$p.0.254/16" dev br0 noprefixroute
}
# br0 up, forwarding on, one route per port: 10.p.0.0/16 via 10.p.0.1 (onlink)
nw_switch_route() { # switch-namespace ports
	local sw=$1 p
	inns "$sw" ip link set br0 up
	inns "$sw" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.br0.rp_filter=0 net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.br0.send_redirects=0
	for p in $(seq 1 "$2"); do
		inns "$sw" ip route add "10.$p.0.0/16" via "10.$p.0.1" dev br0 onlink
	done
}
# lldpd on the switch ports (sockets and logs in $TMP, pid in LLDPD_PID),
# port IDs = port names, one LLDPDU a second
nw_lldpd() { # switch-namespace ports(a,b,..) description [extra lldpcli command...]
	local sw=$1 ports=$2 desc=$3
	shift 3
	mkdir -p /run/lldpd
	rm -f "$TMP/lldpd.sock"
	ip netns exec "$sw" lldpd -d -I "$ports" -u "$TMP/lldpd.sock" -p "$TMP/lldpd.pid" \
		-L "" -S "$desc" >>"$TMP/lldpd.log" 2>&1 &
	LLDPD_PID=$!
	wait_for 5 test -S "$TMP/lldpd.sock" || return 1
	ip netns exec "$sw" lldpcli -u "$TMP/lldpd.sock" configure lldp portidsubtype ifname >/dev/null
	[ $# -gt 0 ] && ip netns exec "$sw" lldpcli -u "$TMP/lldpd.sock" "$@" >/dev/null
	ip netns exec "$sw" lldpcli -u "$TMP/lldpd.sock" configure lldp tx-interval 1 >/dev/null
}

# ---- the files every agent reads ----------------------------------------------------------
# the VLAN table (docs/vlan-table.md): one switch, reaching itself untagged
nw_vlan_table() { # file switch-mac serial
	cat >"$1" <<EOF
netlord-vlan-table 1
serial $3
broadcast 4094
switches 1
pair $2 $2 0
end 1
EOF
}
# the fleet's NL-ARP key (docs/agent.md): key ID 1, 32 random bytes, root-only
nw_key_file() { # file
	(umask 077 && echo "1 $(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$1")
}

# ---- agents and VMs -----------------------------------------------------------------------
# `na-loader attach` of a server's uplink in the background, pid in
# AGENT_PID[server], output appended to $TMP/agent<server>.log
nw_start_agent() { # server-namespace uplink server attach-option...
	local ns=$1 upl=$2 s=$3
	shift 3
	nsenter --net=/var/run/netns/"$ns" "$NA" attach "$upl" "$@" >>"$TMP/agent$s.log" 2>&1 &
	AGENT_PID[$s]=$!
}
# a VM: its namespace, eth0 (MAC, MTU, address) and the VIF moved to the server
nw_vm() { # vm-namespace vif server-namespace mac ip/len mtu offload(on|off)
	local v=$1 f=$2 s=$3
	ip netns add "$v"
	ip link add "$f" type veth peer name eth0 netns "$v"
	ip link set "$f" netns "$s"
	inns "$s" ip link set "$f" up
	inns "$v" ip link set lo up
	inns "$v" ip link set eth0 address "$4" mtu "$6" up
	inns "$v" ip addr add "$5" dev eth0
	# ip mode: no GSO handler exists for protocol 143, so guests must not
	# offload segmentation (docs/wire-format.md 2.2)
	[ "$7" = off ] && inns "$v" ethtool -K eth0 tso off gso off >/dev/null 2>&1
	true
}

# ---- teardown -----------------------------------------------------------------------------
# agents (AGENT_PID) and lldpd stopped, each server's programs detached and
# pins removed, every namespace whose name matches the pattern deleted
nw_stop_world() { # namespace-regex server...
	local pat=$1 s n
	shift
	for s in "$@"; do
		[ -n "${AGENT_PID[$s]:-}" ] && kill "${AGENT_PID[$s]}" 2>/dev/null
	done
	[ -f "$TMP/lldpd.pid" ] && kill "$(cat "$TMP/lldpd.pid")" 2>/dev/null
	sleep 0.3
	for s in "$@"; do
		[ -n "${AGENT_PID[$s]:-}" ] && kill -9 "${AGENT_PID[$s]}" 2>/dev/null
		nw_detach "$(srv "$s")" "$(up "$s")"
		# the VIF definitions the agent persisted (docs/operations.md)
		rm -rf "${NETLORD_STATE_DIR:-/var/lib/netlord}/$(up "$s").vifs"
	done
	for n in $(ip netns list | awk '{print $1}' | grep -E "$pat"); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n"
	done
}
# an uplink's programs detached, its pins, state and control socket removed
nw_detach() { # server-namespace uplink
	timeout 10 nsenter --net=/var/run/netns/"$1" "$NA" detach "$2" >/dev/null 2>&1
	rm -rf "/sys/fs/bpf/netlord/$2" "/run/netlord/$2" "/run/netlord/$2.sock"
}
# the logs' tails when a check failed (or KEEP_LOGS is set)
nw_show_logs() { # lines file...
	local n=$1 f
	shift
	[ "$FAIL" -ne 0 ] || [ -n "${KEEP_LOGS:-}" ] || return 0
	for f in "$@"; do
		echo "----- $f (last $n lines)"
		tail -n "$n" "$f"
	done
}

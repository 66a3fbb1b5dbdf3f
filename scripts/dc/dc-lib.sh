# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shell functions for the emulated data center with agents and VMs
# (docs/emulated-dc.md), sourced by dc-up.sh, demo.sh and the tests.
# Set P (namespace prefix) and RUN (run directory) before calling dc_init.
#
# Agents: every hypervisor's uplink is called "uplink" and na-loader keys its
# pins and control socket by interface name, so each hypervisor gets a
# *holder* process (sleep) in a mount namespace of its own with a private
# bpffs on /sys/fs/bpf and a tmpfs on /run/netlord; the agent runs in that
# mount namespace (nsenter -t <holder> -m -n).  The holder keeps the pins
# alive when the agent is killed, so the datapath keeps forwarding and a new
# agent finds them (docs/agent.md, "Restart behaviour").

DC_REPO=${DC_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NA=${NA:-$DC_REPO/build/na-loader}

dc_init() {
	: "${P:?}" "${RUN:?}"
	mkdir -p "$RUN"
	dc_key
}

# dc_key: the fleet's NL-ARP key (docs/agent.md), one root-only file that
# every agent of this data center reads (--key-file), made once per run.
dc_key() {
	[ -s "$RUN/nlarp.key" ] && return 0
	(umask 077 && echo "1 $(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$RUN/nlarp.key")
}

# tenant ID -> "a.b" (16-bit scheme)
tdot() { echo "$(($1 >> 8)).$(($1 & 255))"; }

hv_ns() { echo "${P}hv-$1"; }
vm_ns() { echo "${P}vm-$1"; }
holder_pid() { cat "$RUN/holder-$1.pid"; }
agent_pid() { cat "$RUN/agent-$1.pid" 2>/dev/null; }

# na <hv> <na-loader args...>: the CLI against that hypervisor's agent.
na() {
	local hv=$1
	shift
	nsenter -t "$(holder_pid "$hv")" -m -n "$NA" "$@"
}
# in the hypervisor's namespaces (mount + net)
hvx() {
	local hv=$1
	shift
	nsenter -t "$(holder_pid "$hv")" -m -n "$@"
}
vmx() {
	local vm=$1
	shift
	ip netns exec "$(vm_ns "$vm")" "$@"
}

# holder_start <hv>: the mount namespace for the agent of <hv>.
holder_start() {
	local hv=$1 ns pid
	ns=$(hv_ns "$hv")
	# shellcheck disable=SC2016
	ip netns exec "$ns" bash -c 'mkdir -p /run/netlord && mount -t tmpfs nl-run /run/netlord &&
		mount -t bpf bpf /sys/fs/bpf && exec sleep infinity' </dev/null >/dev/null 2>&1 &
	pid=$!
	echo "$pid" >"$RUN/holder-$hv.pid"
	echo "holder $ns $pid" >>"$RUN/fabric.txt"
	# wait until the mounts are done (the sleep has replaced bash)
	for _ in $(seq 1 100); do
		[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$(readlink -f "$(command -v bash)")" ] &&
			nsenter -t "$pid" -m test -d /run/netlord 2>/dev/null &&
			nsenter -t "$pid" -m grep -q ' /sys/fs/bpf bpf ' /proc/self/mounts 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# agent_start <hv> <encap>: na-loader attach uplink in the background, in
# the tenant scheme the fabric routes (fabric.txt "tenant-bits", default 16).
agent_start() {
	local hv=$1 encap=$2 url bits
	url=$(awk '$1 == "repo" {print $2}' "$RUN/fabric.txt")
	bits=$(awk '$1 == "tenant-bits" {print $2}' "$RUN/fabric.txt")
	dc_key
	# each agent its own version high-water mark (docs/nlarp-ordering.md)
	NETLORD_STATE_DIR="$RUN/state-$hv" nsenter -t "$(holder_pid "$hv")" -m -n "$NA" attach uplink \
		--repo "$url" --encap "$encap" --tenant-bits "${bits:-16}" --key-file "$RUN/nlarp.key" -v \
		>>"$RUN/agent-$hv.log" 2>&1 </dev/null &
	echo "$!" >"$RUN/agent-$hv.pid"
}
# agent_wait <hv> [tries of 0.2 s]: control socket up and state ready.
agent_wait() {
	local hv=$1 n=${2:-300}
	for _ in $(seq 1 "$n"); do
		na "$hv" status >"$RUN/status-$hv.txt" 2>/dev/null &&
			grep -q '^state: *ready' "$RUN/status-$hv.txt" &&
			grep -q '^VLAN table: *loaded' "$RUN/status-$hv.txt" && return 0
		kill -0 "$(agent_pid "$hv")" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
agent_kill() { # <hv> [signal]
	local pid
	pid=$(agent_pid "$1")
	[ -n "$pid" ] || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

# VM table: <RUN>/vms.txt, one line per VM:
#   <name> <hv> <tenant> <mac_as> <mac> <ip/len|-> <router|-> [<ip6/len|-> <router6|->]
vm_field() { # <vm> <field number 2..9>
	awk -v v="$1" -v f="$2" '$1 == v {print $f}' "$RUN/vms.txt"
}
vm_ip() { local a; a=$(vm_field "$1" 6); echo "${a%/*}"; }
vm_hv() { vm_field "$1" 2; }

# vm_veth <vm> <hv> <encap> <vm-side name>: veth v-<vm> (hypervisor, up) <->
# <name> in the VM (MAC and MTU set, still down).
vm_veth() {
	local vm=$1 hv=$2 encap=$3 name=$4 mtu
	case $encap in ip) mtu=1466 ;; *) mtu=1458 ;; esac
	ip -n "$(hv_ns "$hv")" link add "v-$vm" type veth peer name "$name" netns "$(vm_ns "$vm")" || return 1
	ip -n "$(hv_ns "$hv")" link set "v-$vm" up
	ip -n "$(vm_ns "$vm")" link set "$name" address "$(vm_field "$vm" 5)" mtu "$mtu"
	if [ "$encap" = ip ]; then
		# no GSO handler for IP protocol 143 (docs/agent.md)
		vmx "$vm" ethtool -K "$name" tso off gso off >/dev/null 2>&1
	fi
}
# vm_up <vm>: eth0 up with the VM's address and default route
vm_up() {
	local vm=$1 ip r
	ip=$(vm_field "$vm" 6)
	r=$(vm_field "$vm" 7)
	# dc-up.sh --dhcp: no static IPv4, the VM asks DHCP (vm_dhcp)
	[ "${DC_DHCP:-0}" = 1 ] && ip=-
	[ "$ip" != - ] && ip -n "$(vm_ns "$vm")" address add "$ip" dev eth0
	ip -n "$(vm_ns "$vm")" link set eth0 up
	[ "$ip" != - ] && [ "$r" != - ] && ip -n "$(vm_ns "$vm")" route add default via "$r" dev eth0
	return 0
}
# tenants_in_force <hv>: the agent on <hv> has a tenants file in force
tenants_in_force() {
	na "$1" status 2>/dev/null | grep -Eq '^ *tenants file: +[0-9]+ tenants'
}
# vm_vif_add <vm> <hv>: na-loader vif add for the VM's VIF v-<vm> on <hv>,
# then <hv> is the VM's hypervisor in vms.txt.  DC_VIF_MINIMAL=1 (dc-up.sh
# --vif-minimal, the demo): only the tenant, MAC and addresses, as an
# operator gives them once the repository publishes the tenants file; the
# agent completes the MAC space, prefix lengths and routers from the file
# in force (docs/tenants.md) and refuses an address outside the subnets.
vm_vif_add() {
	local vm=$1 hv=$2 ip r ip6 i
	ip=$(vm_field "$vm" 6)
	r=$(vm_field "$vm" 7)
	if [ "${DC_VIF_MINIMAL:-0}" = 1 ] && [ "$ip" != - ]; then
		for i in $(seq 60); do
			tenants_in_force "$hv" && break
			sleep 0.5
		done
		local args=(vif add "v-$vm" --tenant "$(vm_field "$vm" 3)" --mac "$(vm_field "$vm" 5)" --ip "${ip%/*}")
		ip6=$(vm_field "$vm" 8)
		[ "$ip6" != - ] && [ -n "$ip6" ] && args+=(--ip6 "${ip6%/*}")
		na "$hv" "${args[@]}" >>"$RUN/agent-$hv.log" 2>&1 || return 1
		awk -v v="$vm" -v h="$hv" '$1 == v {$2 = h} {print}' "$RUN/vms.txt" >"$RUN/vms.txt.new" &&
			mv "$RUN/vms.txt.new" "$RUN/vms.txt"
		return
	fi
	local args=(vif add "v-$vm" --tenant "$(vm_field "$vm" 3)" --mac-as "$(vm_field "$vm" 4)" --mac "$(vm_field "$vm" 5)")
	if [ "$ip" != - ]; then
		args+=(--ip "$ip")
		[ "$r" != - ] && args+=(--router "$r")
	fi
	# optional fields 8 and 9: IPv6 address/len and IPv6 router
	[ "$(vm_field "$vm" 8)" != - ] && [ -n "$(vm_field "$vm" 8)" ] && args+=(--ip6 "$(vm_field "$vm" 8)")
	[ "$(vm_field "$vm" 9)" != - ] && [ -n "$(vm_field "$vm" 9)" ] && args+=(--router6 "$(vm_field "$vm" 9)")
	na "$hv" "${args[@]}" >>"$RUN/agent-$hv.log" 2>&1 || return 1
	awk -v v="$vm" -v h="$hv" '$1 == v {$2 = h} {print}' "$RUN/vms.txt" >"$RUN/vms.txt.new" &&
		mv "$RUN/vms.txt.new" "$RUN/vms.txt"
}
# vm_plug <vm> <hv> <encap>: veth v-<vm> (hypervisor) <-> eth0 (VM), addresses,
# routes, then vif add.  The VM namespace must exist.
vm_plug() {
	local vm=$1 hv=$2 encap=$3
	vm_veth "$vm" "$hv" "$encap" eth0 || return 1
	vm_up "$vm"
	vm_vif_add "$vm" "$hv" || return 1
	# dc-up.sh --dhcp: a VM whose VIF has IPv4 configures itself (docs/dhcp.md)
	# in the background: dc-up.sh waits for every VM's lease (vm_dhcp_wait)
	if [ "${DC_DHCP:-0}" = 1 ] && [ "$(vm_field "$vm" 6)" != - ]; then
		vm_dhcp "$vm" &
		DHCP_JOBS+=("$!:$vm")
	fi
	return 0
}
DHCP_JOBS=()
# vm_dhcp_wait: every dhclient vm_plug started has its lease; 1 (and the VM
# named on stderr) if one got none
vm_dhcp_wait() {
	local j rc=0
	for j in "${DHCP_JOBS[@]}"; do
		wait "${j%%:*}" || { echo "dhclient in VM ${j#*:} got no lease" >&2; rc=1; }
	done
	DHCP_JOBS=()
	return $rc
}
# vm_dhcp <vm>: Debian's dhclient in the VM until it is bound (address,
# prefix, router, MTU, DNS from the hypervisor's DHCP server); the VM's
# resolv.conf and lease are <RUN>/resolv-<vm>.conf and lease-<vm>
vm_dhcp() {
	local vm=$1
	: >"$RUN/resolv-$vm.conf"
	printf 'timeout 20;\nrequest subnet-mask, broadcast-address, routers, %s\n' \
		'domain-name, domain-name-servers, interface-mtu;' >"$RUN/dhclient-$vm.conf"
	nsenter --net=/var/run/netns/"$(vm_ns "$vm")" unshare -m sh -c \
		"mount --bind $RUN/resolv-$vm.conf /etc/resolv.conf &&
		 exec dhclient -4 -1 -cf $RUN/dhclient-$vm.conf -lf $RUN/lease-$vm -pf $RUN/dhclient-$vm.pid eth0" \
		>>"$RUN/dhclient-$vm.log" 2>&1
}
# vm_plug_dest <vm> <hv> <encap>: live migration, destination side first
# (libvirt order): veth v-<vm> on <hv> with the VM side "eth1" still down
# (the VM does not run there yet), and vif add on <hv>.
vm_plug_dest() {
	local vm=$1 hv=$2 encap=$3
	vm_veth "$vm" "$hv" "$encap" eth1 || return 1
	vm_vif_add "$vm" "$hv"
}
# vm_resume <vm>: the moment the VM is paused at the source and resumes at
# the destination: eth0 (source) down and renamed, eth1 becomes eth0 and up.
vm_resume() {
	local vm=$1 ns
	ns=$(vm_ns "$vm")
	ip -n "$ns" link set eth0 down
	ip -n "$ns" link set eth0 name eth0old
	ip -n "$ns" link set eth1 name eth0
	vm_up "$vm"
	# a DHCP-configured VM keeps the configuration it had (its memory moved)
	if [ "${DC_DHCP:-0}" = 1 ] && [ "$(vm_field "$vm" 6)" != - ]; then
		ip -n "$ns" address add "$(vm_field "$vm" 6)" dev eth0
		[ "$(vm_field "$vm" 7)" != - ] && ip -n "$ns" route add default via "$(vm_field "$vm" 7)" dev eth0
	fi
	return 0
}
# vm_unplug_src <vm> <hv>: live migration, source side last: vif del on <hv>
# and the old veth removed.
vm_unplug_src() {
	local vm=$1 hv=$2
	na "$hv" vif del "v-$vm" >>"$RUN/agent-$hv.log" 2>&1
	ip -n "$(hv_ns "$hv")" link del "v-$vm" 2>/dev/null
	return 0
}
# vm_unplug <vm>: vif del on its hypervisor and remove the veth.
vm_unplug() {
	local vm=$1 hv
	hv=$(vm_hv "$vm")
	na "$hv" vif del "v-$vm" >>"$RUN/agent-$hv.log" 2>&1
	ip -n "$(hv_ns "$hv")" link del "v-$vm" 2>/dev/null
	return 0
}

# ping_loss <vm> <dst> <count> [interval]: prints the loss in percent
# (100 when ping cannot run).
ping_loss() {
	local out
	out=$(vmx "$1" ping -n -q -c "$3" -i "${4:-0.2}" -W 1 "$2" 2>&1)
	sed -nE 's/.* ([0-9.]+)% packet loss.*/\1/p' <<<"$out" | grep . || echo 100
}
# ping_ok <vm> <dst> [count]: at least one reply
ping_ok() {
	vmx "$1" ping -n -q -c "${3:-3}" -i 0.2 -W 1 "$2" >/dev/null 2>&1
}
# counter <hv> <name>: one datapath counter (0 when absent)
counter() {
	na "$1" stats 2>/dev/null | awk -v n="$2" '$1 == n || $1 == n":" {gsub(/[^0-9]/, "", $2); print $2; f = 1} END {if (!f) print 0}' | head -n 1
}

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Starts the Network Agents and VMs on a fabric built by fabric-up.sh
# (docs/emulated-dc.md).  EXPERIMENTAL: written against `na-loader --help`
# before docs/agent.md existed.
#   - in each hypervisor namespace <P>hv-<s>-<p>: na-loader attach uplink
#     --repo http://192.168.255.1:8080, in the background, logging to
#     <run>/agent-<s>-<p>.log.  Every hypervisor's uplink is called "uplink",
#     and the agent keys its pins (/sys/fs/bpf/netlord/<iface>/) and control
#     socket (/run/netlord/<iface>.sock) by interface name, so each agent
#     runs in a mount namespace of its own with a private bpffs and
#     /run/netlord; later commands enter it (nsenter -t <agent pid> -m -n).
#   - per hypervisor, --vms N VM namespaces <P>vm-<s>-<p>-<k>, each with eth0
#     on a veth whose host side vif<k> is registered with na-loader vif add.
#     VM k on every hypervisor belongs to tenant 100 + (k-1) % 2, MAC_AS 1,
#     MAC 52:54:00:<tenant>:<hv>:<k>, IP 192.168.1.<hv*8+k>/24.
# Usage: scripts/dc/hypervisors-up.sh [--prefix P] [--run-dir D] [--vms N]
#                                      [--encap ip|udp] [--na-loader PATH]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

prefix=nl-
run_dir=
vms=1
encap=ip
na=$repo/build/na-loader
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) prefix=$2; shift 2 ;;
	--run-dir) run_dir=$2; shift 2 ;;
	--vms) vms=$2; shift 2 ;;
	--encap) encap=$2; shift 2 ;;
	--na-loader) na=$2; shift 2 ;;
	*) echo "usage: $0 [--prefix P] [--run-dir D] [--vms N] [--encap ip|udp] [--na-loader PATH]" >&2; exit 2 ;;
	esac
done
run_dir=${run_dir:-/run/netlord-dc/${prefix:-default}}
die() {
	echo "hypervisors-up: error: $*" >&2
	exit 1
}
say() { echo "hypervisors-up: $*" >&2; }
[ -f "$run_dir/fabric.txt" ] || die "$run_dir/fabric.txt missing: run fabric-up.sh first"
[ -x "$na" ] || die "$na not found (make build/na-loader)"
if ! [[ $vms =~ ^[0-9]+$ ]] || [ "$vms" -gt 8 ]; then die "--vms wants 0..8"; fi
case $encap in ip) mtu=1466 ;; udp) mtu=1458 ;; *) die "--encap ip|udp" ;; esac

repo_url=$(awk '$1 == "repo" {print $2}' "$run_dir/fabric.txt")
[ -n "$repo_url" ] || die "no repository in $run_dir/fabric.txt (fabric-up.sh --no-repo?)"

# Agents.
mapfile -t hvs < <(awk '$1 == "hv" {print $2, $3, $4}' "$run_dir/fabric.txt")
declare -A apid
for line in "${hvs[@]}"; do
	read -r ns s p <<<"$line"
	# ip netns exec already gives a new mount namespace (and a fresh /sys);
	# the agent gets a private bpffs and /run/netlord there.
	# shellcheck disable=SC2016
	ip netns exec "$ns" bash -c 'mkdir -p /run/netlord && mount -t tmpfs nl-run /run/netlord &&
		mount -t bpf bpf /sys/fs/bpf && exec "$@"' agent \
		"$na" attach uplink --repo "$repo_url" --encap "$encap" -v \
		>"$run_dir/agent-$s-$p.log" 2>&1 </dev/null &
	apid[$ns]=$!
	echo "$!" >"$run_dir/agent-$s-$p.pid"
	echo "agent $ns ${apid[$ns]}" >>"$run_dir/fabric.txt"
done
for line in "${hvs[@]}"; do
	read -r ns s p <<<"$line"
	ok=0
	for _ in $(seq 1 150); do
		if nsenter -t "${apid[$ns]}" -m -n test -S /run/netlord/uplink.sock 2>/dev/null; then
			ok=1
			break
		fi
		kill -0 "${apid[$ns]}" 2>/dev/null || die "agent in $ns exited: $(tail -n 3 "$run_dir/agent-$s-$p.log")"
		sleep 0.2
	done
	[ "$ok" = 1 ] || die "agent in $ns has no control socket after 30 s"
done
say "${#hvs[@]} agents running"

# VMs.
i=0
for line in "${hvs[@]}"; do
	read -r ns s p <<<"$line"
	i=$((i + 1))
	for k in $(seq 1 "$vms"); do
		vm=${prefix}vm-$s-$p-$k
		tenant=$((100 + (k - 1) % 2))
		mac=$(printf '52:54:00:%02x:%02x:%02x' "$tenant" "$i" "$k")
		ip4=192.168.1.$((i * 8 + k))
		ip netns add "$vm"
		ip -n "$vm" link set lo up
		ip -n "$ns" link add "vif$k" type veth peer name eth0 netns "$vm"
		ip -n "$ns" link set "vif$k" up
		ip -n "$vm" link set eth0 address "$mac" mtu "$mtu" up
		ip -n "$vm" address add "$ip4/24" dev eth0
		if [ "$encap" = ip ]; then
			ip netns exec "$vm" ethtool -K eth0 tso off gso off >/dev/null 2>&1 || true
		fi
		nsenter -t "${apid[$ns]}" -m -n "$na" vif add "vif$k" --tenant "$tenant" --mac-as 1 \
			--mac "$mac" --ip "$ip4/24" >>"$run_dir/agent-$s-$p.log" 2>&1 ||
			die "vif add vif$k in $ns failed: $(tail -n 2 "$run_dir/agent-$s-$p.log")"
		echo "vm $vm $ns vif$k $tenant $mac $ip4" >>"$run_dir/fabric.txt"
	done
done
say "$((${#hvs[@]} * vms)) VMs registered"

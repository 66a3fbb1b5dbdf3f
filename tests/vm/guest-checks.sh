#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Runs inside the kernel VM (started by tests/vm/test_vm.sh): one line
# "ok <name>" or "FAIL <name>: <why>" per check on stdout.  Then it writes
# $VMTEST_TOKEN to $VMTEST_OUT/token, says something on stderr and exits 7,
# so that the host side can check the --out share, stream separation and
# exit code propagation.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

check() {
	local name=$1
	shift
	local log
	if log=$("$@" 2>&1); then
		echo "ok $name"
	else
		echo "FAIL $name: $(tr '\n' ' ' <<<"$log" | cut -c1-300)"
	fi
}

kernel_is_debian_61() {
	uname -r | grep -Eq '^6\.1\.0-[0-9]+-amd64$' || { echo "uname -r: $(uname -r)"; return 1; }
	grep -q 'Debian' /proc/version || { echo "/proc/version: $(cat /proc/version)"; return 1; }
	[ "$(uname -r)" = "$(cat "$repo/build/vm/kernel-version" 2>/dev/null)" ] ||
		{ echo "not the kernel prepare.sh unpacked"; return 1; }
}

modules_load() {
	modprobe 8021q || return 1
	modprobe bridge || return 1
	modprobe veth || return 1
	for m in 8021q bridge veth; do
		grep -q "^$m " /proc/modules || { echo "$m not in /proc/modules"; return 1; }
	done
}

# A VLAN-aware bridge as a switch: port pa is an access port of VLAN 100
# (pvid, untagged), port pb a trunk carrying VLAN 100 tagged; namespace b
# talks through an 802.1Q device b0.100.  A ping from a to b crosses both.
vlan_bridge_forwards() {
	local rc=0
	ip netns add vt-sw && ip netns add vt-a && ip netns add vt-b || return 1
	vlan_bridge_steps || rc=1
	ip netns del vt-sw
	ip netns del vt-a
	ip netns del vt-b
	return $rc
}
vlan_bridge_steps() {
	local sw="ip netns exec vt-sw" a="ip netns exec vt-a" b="ip netns exec vt-b"
	$sw ip link add br0 type bridge vlan_filtering 1 || return 1
	$sw ip -d link show br0 | grep -q 'vlan_filtering 1' || { echo "vlan_filtering is not 1"; return 1; }
	$sw ip link add pa type veth peer name a0 netns vt-a || return 1
	$sw ip link add pb type veth peer name b0 netns vt-b || return 1
	for p in pa pb; do $sw ip link set "$p" master br0 up || return 1; done
	$sw ip link set br0 up || return 1
	$sw bridge vlan del dev pa vid 1 || return 1
	$sw bridge vlan del dev pb vid 1 || return 1
	$sw bridge vlan add dev pa vid 100 pvid untagged || return 1
	$sw bridge vlan add dev pb vid 100 || return 1
	$sw bridge vlan show dev pb | grep -qw 100 || { echo "VLAN 100 not on pb"; return 1; }
	$a ip link set lo up && $a ip link set a0 up && $a ip addr add 192.0.2.1/24 dev a0 || return 1
	$b ip link set b0 up || return 1
	$b ip link add link b0 name b0.100 type vlan id 100 || return 1
	$b ip -d link show b0.100 | grep -q 'vlan protocol 802.1Q id 100' || { echo "b0.100 is not an 802.1Q device"; return 1; }
	$b ip addr add 192.0.2.2/24 dev b0.100 && $b ip link set b0.100 up || return 1
	$a ping -c 1 -W 5 192.0.2.2 >/dev/null || { echo "no ping across VLAN 100"; return 1; }
	# Without VLAN 100 on the trunk port the same ping must fail.
	$sw bridge vlan del dev pb vid 100 || return 1
	if $a ping -c 1 -W 2 192.0.2.2 >/dev/null; then
		echo "ping passed although VLAN 100 was removed from the trunk"
		return 1
	fi
}

fabric_check_agrees() {
	"$repo/scripts/vm/fabric-kernel-ok.sh"
}

bpf_ready() {
	grep -q '^bpf /sys/fs/bpf bpf ' /proc/mounts || { echo "/sys/fs/bpf not mounted"; return 1; }
	bpftool prog show >/dev/null || return 1
	bpftool feature probe kernel | grep -q 'eBPF program_type xdp is available' ||
		{ echo "no XDP program type"; return 1; }
	[ -r /sys/kernel/btf/vmlinux ] || { echo "no BTF"; return 1; }
}

check kernel-is-debian-6.1 kernel_is_debian_61
check modprobe-8021q-bridge modules_load
check vlan-bridge-forwards vlan_bridge_forwards
check fabric-kernel-ok fabric_check_agrees
check bpffs-and-bpftool bpf_ready

printf '%s\n' "${VMTEST_TOKEN:-}" >"${VMTEST_OUT:-/nonexistent}/token"
echo "guest-stderr-line" >&2
exit 7

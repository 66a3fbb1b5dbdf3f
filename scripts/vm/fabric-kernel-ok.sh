#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Exit 0 if the running kernel can host the emulated VLAN fabric: a VLAN-aware
# bridge (vlan_filtering 1 + "bridge vlan add" on a port), an 802.1Q VLAN
# device, veth, tc clsact with cls_bpf, and the XDP / sched_cls BPF program
# types.  Otherwise exit 1 and print one line naming what is missing.
#
# Every device is made inside a throwaway network namespace (unshare -n), so
# nothing is left behind when the check ends; the kernel may autoload modules
# (8021q, bridge, veth...) as a side effect, as "ip link add" always does.
#   -q   print nothing, only set the exit status
set -u
quiet=0
[ "${1:-}" = "-q" ] && quiet=1

missing() {
	[ "$quiet" = 1 ] || echo "host kernel $(uname -r) lacks: $*"
	exit 1
}

[ "$(id -u)" = 0 ] || missing "nothing known (the check needs root: network namespaces and BPF)"
for t in ip bridge tc unshare; do
	command -v "$t" >/dev/null 2>&1 || missing "nothing known (the check needs '$t', package iproute2/util-linux)"
done

# The in-namespace probe prints the missing features, separated by "; ".
probe='
set -u
miss=()
ip link set lo up 2>/dev/null || miss+=("loopback in a network namespace")
if ip link add nlchk-v0 type veth peer name nlchk-v1 2>/dev/null; then
	if ip link add nlchk-br type bridge vlan_filtering 1 2>/dev/null &&
		ip -d link show nlchk-br 2>/dev/null | grep -q "vlan_filtering 1"; then
		if ! ip link set nlchk-v0 master nlchk-br 2>/dev/null ||
			! bridge vlan add dev nlchk-v0 vid 10 2>/dev/null; then
			miss+=("bridge per-port VLANs (bridge vlan add)")
		fi
	else
		miss+=("VLAN-aware bridges (bridge vlan_filtering 1)")
	fi
	ip link add link nlchk-v1 name nlchk-v1.10 type vlan id 10 2>/dev/null ||
		miss+=("802.1Q VLAN devices (module 8021q)")
	if tc qdisc add dev nlchk-v1 clsact 2>/dev/null; then
		tc filter add dev nlchk-v1 ingress bpf bytecode "1,6 0 0 0," 2>/dev/null ||
			miss+=("tc cls_bpf")
	else
		miss+=("tc clsact (sch_ingress)")
	fi
else
	miss+=("veth")
fi
[ ${#miss[@]} -eq 0 ] && exit 0
(IFS=";"; echo "${miss[*]}" | sed "s/;/; /g")
exit 1
'
lacks=()
if ! what=$(unshare -n bash -c "$probe" 2>&1); then
	lacks+=("${what:-network namespaces (unshare -n failed)}")
fi

[ -r /sys/kernel/btf/vmlinux ] || lacks+=("BTF (/sys/kernel/btf/vmlinux)")
if command -v bpftool >/dev/null 2>&1; then
	feat=$(bpftool feature probe kernel 2>/dev/null)
	for p in xdp sched_cls; do
		grep -q "eBPF program_type $p is available" <<<"$feat" ||
			lacks+=("the BPF program type $p")
	done
fi
[ ${#lacks[@]} -eq 0 ] && exit 0
all=${lacks[0]}
for l in "${lacks[@]:1}"; do all+="; $l"; done
missing "$all"

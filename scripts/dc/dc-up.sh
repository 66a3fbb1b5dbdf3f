#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The whole emulated data center (docs/emulated-dc.md): the fabric
# (fabric-up.sh), one Network Agent per hypervisor (na-loader attach in a
# private mount namespace kept by a holder process, see dc-lib.sh) and the
# VMs of a VM file (topologies/demo.vms: one network namespace per VM, eth0 on
# a veth whose hypervisor side v-<vm> is registered with na-loader vif add).
# Waits until every agent is ready and every agent's NART-2 holds every VIF.
# On failure everything is removed (dc-down.sh).
#
# Usage: scripts/dc/dc-up.sh <compiled dir> <vms file> [--prefix P]
#          [--run-dir D] [--encap ip|udp] [--tenant-bits 16|24] [--no-fabric] [--dhcp] [--vif-minimal] [-q]
# --dhcp: the VMs get no static IPv4; each runs Debian's dhclient after its
# vif add and is configured by the hypervisor's DHCP server (docs/dhcp.md).
# --vif-minimal: vif add gives only tenant, MAC and addresses; the agents
# complete the rest from the repository's tenants file (docs/tenants.md).
# --tenant-bits 24: the agents use the 24-bit tenant scheme (special
# addresses p.T.T.T) and the edge switches route p.0.0.0/8 to port p.
# State: <run>/fabric.txt (fabric-up.sh, plus "holder"/"agent" lines) and
# <run>/vms.txt (<vm> <hv> <tenant> <mac_as> <mac> <ip/len|-> <router|-> <ip6/len|-> <router6|->).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

cdir=${1:?usage: dc-up.sh <compiled dir> <vms file> [options]}
vmsf=${2:?usage: dc-up.sh <compiled dir> <vms file> [options]}
shift 2
P=nl-
RUN=
encap=udp
bits=16
fabric=1
quiet=
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) P=$2; shift 2 ;;
	--run-dir) RUN=$2; shift 2 ;;
	--encap) encap=$2; shift 2 ;;
	--tenant-bits) bits=$2; shift 2 ;;
	--no-fabric) fabric=0; shift ;;
	-q) quiet=-q; shift ;;
	--dhcp) export DC_DHCP=1; shift ;;
	--vif-minimal) export DC_VIF_MINIMAL=1; shift ;;
	*) echo "dc-up: unknown option $1" >&2; exit 2 ;;
	esac
done
RUN=${RUN:-/run/netlord-dc/${P:-default}}
case $encap in ip | udp) ;; *) echo "dc-up: --encap ip|udp" >&2; exit 2 ;; esac
case $bits in 16 | 24) ;; *) echo "dc-up: --tenant-bits 16|24" >&2; exit 2 ;; esac
# shellcheck source=scripts/dc/dc-lib.sh
. "$here/dc-lib.sh"
say() { [ -n "$quiet" ] || echo "dc-up: $*" >&2; }
ok=0
cleanup() {
	if [ "$ok" = 0 ]; then
		echo "dc-up: failed, removing everything" >&2
		"$here/dc-down.sh" --prefix "$P" --run-dir "$RUN" -q || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "dc-up: error: $*" >&2; exit 1; }
[ -x "$NA" ] || die "$NA missing (make build/na-loader)"

if [ "$fabric" = 1 ]; then
	"$here/fabric-up.sh" "$cdir" --prefix "$P" --run-dir "$RUN" --tenant-bits "$bits" $quiet
fi
dc_init
fbits=$(awk '$1 == "tenant-bits" {print $2}' "$RUN/fabric.txt")
[ "${fbits:-16}" = "$bits" ] || die "the fabric routes the ${fbits:-16}-bit scheme, not $bits"
mapfile -t hvs < <(awk '$1 == "hv" {print $2}' "$RUN/fabric.txt" | sed "s/^${P//./\\.}hv-//")
[ "${#hvs[@]}" -gt 0 ] || die "no hypervisor in $RUN/fabric.txt"

# VM table
: >"$RUN/vms.txt"
while read -r kw name rest; do
	[ "$kw" = vm ] || continue
	declare -A f=([ip]=- [router]=- [ip6]=- [router6]=-)
	set -- $rest
	while [ $# -ge 2 ]; do f[$1]=$2; shift 2; done
	for k in hv tenant mac-as mac; do [ -n "${f[$k]:-}" ] || die "$vmsf: vm $name has no $k"; done
	printf '%s %s %s %s %s %s %s %s %s\n' "$name" "${f[hv]}" "${f[tenant]}" "${f[mac-as]}" \
		"${f[mac]}" "${f[ip]}" "${f[router]}" "${f[ip6]}" "${f[router6]}" >>"$RUN/vms.txt"
	unset f
done < <(sed 's/#.*//' "$vmsf")
nvm=$(wc -l <"$RUN/vms.txt")

# Agents.
# (No accept_local: the agents read unicast NL-ARP with a packet socket, so
# same-port servers of different switches, which share 10.p.0.1, reach each
# other; the lost-HERE repair in tests/dc/test_e2e.sh covers that pair.)
for hv in "${hvs[@]}"; do holder_start "$hv" || die "mount namespace for $hv"; done
for hv in "${hvs[@]}"; do agent_start "$hv" "$encap"; done
for hv in "${hvs[@]}"; do
	agent_wait "$hv" 300 || die "agent on $hv not ready: $(tail -n 3 "$RUN/agent-$hv.log" | tr '\n' ' ')"
done
say "${#hvs[@]} agents ready ($encap, $bits-bit tenants): LLDP location, server address, VLAN table"

# VMs
while read -r vm hv _; do
	ip netns add "$(vm_ns "$vm")"
	ip -n "$(vm_ns "$vm")" link set lo up
	vm_plug "$vm" "$hv" "$encap" || die "VM $vm on $hv: $(tail -n 2 "$RUN/agent-$hv.log" | tr '\n' ' ')"
done < <(cat "$RUN/vms.txt")
# --dhcp: every VM's dhclient (started by vm_plug) bound
vm_dhcp_wait || die "DHCP: $(tail -q -n 2 "$RUN"/dhclient-*.log 2>/dev/null | tr '\n' ' ')"
# Every agent knows every VIF (HERE broadcasts reached everybody).
for _ in $(seq 1 100); do
	all=1
	for hv in "${hvs[@]}"; do
		n=$(na "$hv" status 2>/dev/null | awk '/^NART-2 entries:/ {print $3}')
		[ "${n:-0}" -ge "$nvm" ] || { all=0; break; }
	done
	[ "$all" = 1 ] && break
	sleep 0.2
done
[ "$all" = 1 ] || die "HERE did not reach every agent ($hv has ${n:-0} of $nvm NART-2 entries)"
say "$nvm VMs registered; every agent's NART-2 holds all $nvm VIFs"
ok=1

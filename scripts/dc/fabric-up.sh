#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Builds the emulated data center's fabric from na-repo compile output
# (docs/emulated-dc.md):
#   - one network namespace per switch, <P>sw-<name>, holding a VLAN-aware
#     Linux bridge br0 (vlan_filtering 1, STP off, MAC = the switch's MAC)
#     whose ports swp<N> carry exactly the VLAN memberships of
#     switches/<name>.conf;
#   - links between switches: veth pairs swp<N> <-> swp<M> between the two
#     switch namespaces;
#   - edge switches route: IP forwarding, a br0.<v> VLAN device per path VLAN,
#     the routes "10.p.0.0/16 via 10.p.0.1" of the conf, ARP for 10.p.0.1 from
#     10.p.0.0 (one address per routed port, see the doc), and a real lldpd on
#     the downlink ports (chassis ID = switch MAC, port ID = "swp<N>");
#   - one namespace per server, <P>hv-<switch>-<port>, with the veth "uplink"
#     to the switch's swp<port>, and "mgmt0" on the management network;
#   - the management network: namespace <P>mgmt, plain bridge "mgmt",
#     192.168.255.1/24, where "na-repo serve" runs on port 8080.
# Everything it starts is recorded under the run directory; fabric-down.sh
# removes it all.  On any error the partial fabric is removed.
#
# Usage: scripts/dc/fabric-up.sh <compiled dir> [options]
#   --prefix P          namespace name prefix (default "nl-")
#   --run-dir D         state, logs, pid files (default /run/netlord-dc/<P>)
#   --na-repo PATH      na-repo binary (default build/na-repo of this tree)
#   --no-repo           do not start na-repo serve
#   --no-lldp           do not start lldpd
#   --lldp-interval S   LLDP transmit interval in seconds (default 1)
#   --mtu N             MTU of every fabric veth (default 1500)
#   --tenant-bits 16|24 the tenant scheme the edge switches route (default
#                       16: 10.p.0.0/16 to port p; 24: p.0.0.0/8 to port p)
#   -q                  quiet
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() {
	sed -n '/^# Usage:/,/^#   -q/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

dir=
prefix=nl-
run_dir=
na_repo=$repo/build/na-repo
start_repo=1
start_lldp=1
lldp_interval=1
mtu=1500
tenant_bits=16
quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) prefix=$2; shift 2 ;;
	--run-dir) run_dir=$2; shift 2 ;;
	--na-repo) na_repo=$2; shift 2 ;;
	--no-repo) start_repo=0; shift ;;
	--no-lldp) start_lldp=0; shift ;;
	--lldp-interval) lldp_interval=$2; shift 2 ;;
	--mtu) mtu=$2; shift 2 ;;
	--tenant-bits) tenant_bits=$2; shift 2 ;;
	-q) quiet=1; shift ;;
	-h | --help) usage ;;
	-*) echo "fabric-up: unknown option $1" >&2; usage ;;
	*)
		[ -z "$dir" ] || usage
		dir=$1
		shift
		;;
	esac
done
[ -n "$dir" ] || usage
run_dir=${run_dir:-/run/netlord-dc/${prefix:-default}}
case $tenant_bits in 16 | 24) ;; *) echo "fabric-up: --tenant-bits 16|24" >&2; usage ;; esac

say() { [ "$quiet" = 1 ] || echo "fabric-up: $*" >&2; }
die() {
	echo "fabric-up: error: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[[ $prefix =~ ^[A-Za-z0-9_.-]*$ ]] || die "bad --prefix '$prefix' (letters, digits, _ . - only)"
[[ $lldp_interval =~ ^[1-9][0-9]*$ ]] || die "bad --lldp-interval '$lldp_interval'"
[[ $mtu =~ ^[0-9]+$ ]] || die "bad --mtu '$mtu'"
[ -d "$dir/switches" ] || die "$dir/switches: not a na-repo compile output directory"
[ -f "$dir/vlan-table.txt" ] || die "$dir/vlan-table.txt missing"
for t in ip bridge sysctl; do
	command -v "$t" >/dev/null || die "'$t' not found (iproute2/procps)"
done
if [ "$start_lldp" = 1 ]; then
	command -v lldpd >/dev/null || die "'lldpd' not found: apt-get install lldpd (or --no-lldp)"
fi
if [ "$start_repo" = 1 ]; then
	[ -x "$na_repo" ] || die "$na_repo not found: make build/na-repo (or --no-repo)"
fi
if ip netns list | awk '{print $1}' | grep -qE "^${prefix//./\\.}(sw-|hv-|mgmt$)"; then
	die "namespaces with prefix '$prefix' exist already: scripts/dc/fabric-down.sh --prefix '$prefix'"
fi

t_start=$(date +%s.%N)
mkdir -p "$run_dir"
state=$run_dir/fabric.txt
echo "tenant-bits $tenant_bits" >"$state"

# From here on, a failure removes what was built so far.
cleanup_on_error() {
	local rc=$?
	echo "fabric-up: failed (exit $rc), removing the partial fabric" >&2
	"$here/fabric-down.sh" --prefix "$prefix" --run-dir "$run_dir" -q || true
	exit "$rc"
}
trap cleanup_on_error ERR
set -E

broadcast=$(awk '$1 == "broadcast" {print $2; exit}' "$dir/vlan-table.txt")
[[ ${broadcast:-} =~ ^[0-9]+$ ]] || die "$dir/vlan-table.txt has no 'broadcast <vlan>' line"

# ---------------------------------------------------------------- parse
# Per switch: mac, role; per port: kind (downlink|uplink), peer, peer port,
# VLAN lines; edge routes.
declare -A sw_mac sw_role port_kind port_peer port_vlans sw_ports sw_routes
switches=()
for conf in "$dir"/switches/*.conf; do
	[ -f "$conf" ] || continue
	name=
	while read -r kw a b c d e _; do
		case $kw in
		'' | '#'*) ;;
		switch)
			name=$a
			[[ $name =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || die "$conf: bad switch name '$name'"
			switches+=("$name")
			sw_ports[$name]=
			sw_routes[$name]=
			;;
		mac) sw_mac[$name]=$a ;;
		role) sw_role[$name]=$a ;;
		port)
			[ -n "$name" ] || die "$conf: 'port' before 'switch'"
			[[ $a =~ ^[0-9]+$ ]] || die "$conf: bad port '$a'"
			case $b in
			downlink)
				port_kind[$name:$a]=downlink
				sw_ports[$name]+=" $a"
				;;
			uplink)
				port_kind[$name:$a]=uplink
				port_peer[$name:$a]="$c $d"
				sw_ports[$name]+=" $a"
				;;
			vlan)
				[[ $c =~ ^[0-9]+$ ]] || die "$conf: bad VLAN '$c'"
				case "$d $e" in
				"untagged pvid") port_vlans[$name:$a]+=" $c:pvid" ;;
				"tagged ") port_vlans[$name:$a]+=" $c:tagged" ;;
				*) die "$conf: unknown VLAN membership '$d $e'" ;;
				esac
				;;
			*) die "$conf: unknown port kind '$b'" ;;
			esac
			;;
		route)
			# route 10.<p>.0.0/16 via 10.<p>.0.1 port <p>
			if [ "$b" != via ] || [ "$d" != port ]; then die "$conf: bad route line"; fi
			sw_routes[$name]+=" $a|$c|$e"
			;;
		*) die "$conf: unknown line '$kw'" ;;
		esac
	done <"$conf"
done
[ ${#switches[@]} -gt 0 ] || die "no switches in $dir/switches"
for s in "${switches[@]}"; do
	[ -n "${sw_mac[$s]:-}" ] || die "switch $s has no mac"
	case ${sw_role[$s]:-} in edge | core) ;; *) die "switch $s: bad role '${sw_role[$s]:-}'" ;; esac
	for p in ${sw_ports[$s]}; do
		[ ${#p} -le 12 ] || die "port number $p too long for an interface name"
	done
done

ns_sw() { echo "${prefix}sw-$1"; }
ns_hv() { echo "${prefix}hv-$1-$2"; }
ns_mgmt=${prefix}mgmt

# Namespace settings shared by everything: no IPv6 (no DAD/RS/MLD noise on
# the fabric), ICMP redirects off.
ns_create() {
	local ns=$1
	shift
	ip netns add "$ns"
	echo "netns $ns" >>"$state"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -q -w \
		net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 "$@"
}

# ---------------------------------------------------------------- switches
say "${#switches[@]} switches from $dir, prefix '$prefix'"
for s in "${switches[@]}"; do
	ns=$(ns_sw "$s")
	if [ "${sw_role[$s]}" = edge ]; then
		# A router with reverse-path filtering off: frames come in on br0.<v>
		# from sources (10.M.T) that are routed out of br0.
		ns_create "$ns" net.ipv4.ip_forward=1 \
			net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	else
		ns_create "$ns"
	fi
	ip -n "$ns" link add br0 address "${sw_mac[$s]}" type bridge \
		vlan_filtering 1 stp_state 0 vlan_default_pvid 1
	echo "switch $s $ns ${sw_mac[$s]} ${sw_role[$s]}" >>"$state"
done

# Links between switches (each once) and server downlinks.
declare -A made
hvs=()
for s in "${switches[@]}"; do
	ns=$(ns_sw "$s")
	first_down=
	for p in ${sw_ports[$s]}; do
		if [ "${port_kind[$s:$p]}" = uplink ]; then
			read -r peer pp <<<"${port_peer[$s:$p]}"
			[ -n "${sw_mac[$peer]:-}" ] || die "$s port $p: unknown peer switch '$peer'"
			[ "${port_kind[$peer:$pp]:-}" = uplink ] || die "$s port $p: peer $peer port $pp is not an uplink"
			[ "${port_peer[$peer:$pp]}" = "$s $p" ] || die "$s port $p and $peer port $pp disagree"
			[ -n "${made[$s:$p]:-}" ] && continue
			ip -n "$ns" link add "swp$p" mtu "$mtu" type veth \
				peer name "swp$pp" mtu "$mtu" netns "$(ns_sw "$peer")"
			made[$s:$p]=1
			made[$peer:$pp]=1
			echo "link $s:$p $peer:$pp" >>"$state"
		else
			hv=$(ns_hv "$s" "$p")
			ns_create "$hv"
			# The first downlink carries the switch MAC: lldpd takes its
			# chassis ID from the MAC of a physical port (-C), never from
			# the bridge, and the chassis ID must be the switch MAC.
			if [ -z "$first_down" ]; then
				first_down=$p
				ip -n "$ns" link add "swp$p" address "${sw_mac[$s]}" mtu "$mtu" type veth \
					peer name uplink mtu "$mtu" netns "$hv"
			else
				ip -n "$ns" link add "swp$p" mtu "$mtu" type veth \
					peer name uplink mtu "$mtu" netns "$hv"
			fi
			ip -n "$hv" link set uplink up
			hvs+=("$s:$p")
		fi
	done
done

# Bridge ports and VLAN memberships, exactly as the conf says: VLAN 1 (the
# bridge's default PVID) is removed from every port first, so an uplink ends
# up in no untagged VLAN and a downlink in VLAN 1 only because the conf says
# "vlan 1 untagged pvid".
for s in "${switches[@]}"; do
	ns=$(ns_sw "$s")
	batch=
	bbatch=
	for p in ${sw_ports[$s]}; do
		batch+="link set swp$p master br0"$'\n'
		bbatch+="vlan del dev swp$p vid 1"$'\n'
		for m in ${port_vlans[$s:$p]:-}; do
			v=${m%%:*}
			case ${m#*:} in
			pvid) bbatch+="vlan add dev swp$p vid $v pvid untagged"$'\n' ;;
			tagged) bbatch+="vlan add dev swp$p vid $v"$'\n' ;;
			esac
		done
	done
	ip -n "$ns" -batch - <<<"$batch"
	[ -n "$bbatch" ] && bridge -n "$ns" -batch - <<<"$bbatch"

	if [ "${sw_role[$s]}" = edge ]; then
		# The bridge itself: VLAN 1 untagged (default), every path VLAN
		# tagged, each with a br0.<v> device so that frames to the switch
		# MAC on VLAN v reach IP with the tag stripped.
		declare -A pathv=()
		for p in ${sw_ports[$s]}; do
			for m in ${port_vlans[$s:$p]:-}; do
				v=${m%%:*}
				[ "$v" = 1 ] || [ "$v" = "$broadcast" ] || pathv[$v]=1
			done
		done
		batch=
		bbatch=
		vdevs=
		for v in $(printf '%s\n' "${!pathv[@]}" | sort -n); do
			bbatch+="vlan add dev br0 vid $v self"$'\n'
			batch+="link add link br0 name br0.$v type vlan id $v"$'\n'
			vdevs+=" br0.$v"
		done
		unset pathv
		[ -n "$bbatch" ] && bridge -n "$ns" -batch - <<<"$bbatch"
		[ -n "$batch" ] && ip -n "$ns" -batch - <<<"$batch"
	else
		# A core switch has no IP function: the bridge is in no VLAN.
		bridge -n "$ns" vlan del dev br0 vid 1 self
		vdevs=
	fi

	batch="link set br0 up"$'\n'
	for d in $vdevs; do
		batch+="link set $d up"$'\n'
	done
	for p in ${sw_ports[$s]}; do
		batch+="link set swp$p up"$'\n'
	done
	ip -n "$ns" -batch - <<<"$batch"

	if [ "${sw_role[$s]}" = edge ]; then
		# Routes: 10.p.0.0/16 via 10.p.0.1 out of br0 (onlink: there is no
		# connected route).  The next hop is resolved by ARP on VLAN 1; the
		# server on port p answers and the bridge learns where it is.  ARP
		# requests for 10.p.0.1 go out from 10.p.0.0 (tenant 0 is reserved,
		# so that address is nobody's): one /16 address per routed port
		# without prefix route, so that the kernel picks it as the source
		# for that next hop and the server's connected 10.p.0.0/16 covers it.
		# In the 24-bit scheme the same route is p.0.0.0/8 via p.0.0.1.
		batch=
		for r in ${sw_routes[$s]}; do
			IFS='|' read -r net via _ <<<"$r"
			[[ $net =~ ^([0-9]+\.[0-9]+)\.0\.0/16$ ]] || die "$s: unsupported route $net"
			if [ "$tenant_bits" = 24 ]; then
				p=${BASH_REMATCH[1]#10.}
				[ "$p" -ge 1 ] && [ "$p" -le 223 ] && [ "$p" != 127 ] ||
					die "$s: port $p cannot lead a 24-bit special address (1..223, not 127)"
				batch+="address add $p.0.0.0/8 dev br0 noprefixroute"$'\n'
				batch+="route add $p.0.0.0/8 via $p.0.0.1 dev br0 onlink"$'\n'
			else
				batch+="address add ${BASH_REMATCH[1]}.0.0/16 dev br0 noprefixroute"$'\n'
				batch+="route add $net via $via dev br0 onlink"$'\n'
			fi
		done
		[ -n "$batch" ] && ip -n "$ns" -batch - <<<"$batch"
	fi
done

# ---------------------------------------------------------------- management
ns_create "$ns_mgmt"
ip -n "$ns_mgmt" link add mgmt type bridge
ip -n "$ns_mgmt" address add 192.168.255.1/24 dev mgmt
ip -n "$ns_mgmt" link set mgmt up
[ ${#hvs[@]} -le 244 ] || die "${#hvs[@]} servers: the management /24 holds 244"
i=0
for sp in "${hvs[@]}"; do
	s=${sp%%:*}
	p=${sp#*:}
	hv=$(ns_hv "$s" "$p")
	i=$((i + 1))
	mip=192.168.255.$((10 + i))
	ip -n "$hv" link add mgmt0 type veth peer name "hv$i" netns "$ns_mgmt"
	ip -n "$ns_mgmt" link set "hv$i" master mgmt up
	ip -n "$hv" address add "$mip/24" dev mgmt0
	ip -n "$hv" link set mgmt0 up
	umac=$(ip -n "$hv" -o link show uplink | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
	if [ "$tenant_bits" = 24 ]; then saddr=$p.0.0.1; else saddr=10.$p.0.1; fi
	echo "hv $hv $s $p ${sw_mac[$s]} $umac $mip $saddr" >>"$state"
done

# ---------------------------------------------------------------- processes
if [ "$start_repo" = 1 ]; then
	ip netns exec "$ns_mgmt" "$na_repo" serve --listen 192.168.255.1:8080 "$dir" \
		>"$run_dir/na-repo.log" 2>&1 </dev/null &
	echo "$!" >"$run_dir/na-repo.pid"
	echo "repo http://192.168.255.1:8080 $!" >>"$state"
fi

if [ "$start_lldp" = 1 ]; then
	for s in "${switches[@]}"; do
		[ "${sw_role[$s]}" = edge ] || continue
		ns=$(ns_sw "$s")
		downs=()
		for p in ${sw_ports[$s]}; do
			[ "${port_kind[$s:$p]}" = downlink ] && downs+=("swp$p")
		done
		[ ${#downs[@]} -gt 0 ] || continue
		# Configuration read by lldpd's own lldpcli before it starts
		# sending (-O), so the very first LLDPDU is already right: Port ID
		# subtype 5 (interface name "swp<N>": the port number), fast
		# transmission for the emulation.
		cat >"$run_dir/lldpd-$s.conf" <<-EOF
			configure system hostname $s
			configure lldp tx-interval $lldp_interval
			configure lldp portidsubtype ifname
		EOF
		ifs=$(IFS=,; echo "${downs[*]}")
		ip netns exec "$ns" lldpd -d -I "$ifs" -C "${downs[0]}" \
			-u "$run_dir/lldpd-$s.sock" -p "$run_dir/lldpd-$s.pid" \
			-O "$run_dir/lldpd-$s.conf" -S "NetLord emulated edge switch $s" \
			>"$run_dir/lldpd-$s.log" 2>&1 </dev/null &
		echo "lldpd $s $ns $!" >>"$state"
	done
fi

if [ "$start_repo" = 1 ]; then
	# Wait until the repository answers (the agents' first request).
	ok=0
	for _ in $(seq 1 100); do
		if ip netns exec "$ns_mgmt" curl -sf -o /dev/null --max-time 2 \
			http://192.168.255.1:8080/v1/vlan-table 2>/dev/null; then
			ok=1
			break
		fi
		kill -0 "$(cat "$run_dir/na-repo.pid")" 2>/dev/null ||
			die "na-repo serve exited: $(tail -n 3 "$run_dir/na-repo.log")"
		sleep 0.2
	done
	[ "$ok" = 1 ] || die "na-repo serve does not answer on 192.168.255.1:8080"
fi

t_end=$(date +%s.%N)
say "up in $(awk -v a="$t_start" -v b="$t_end" 'BEGIN {printf "%.1f", b - a}') s: ${#switches[@]} switches, ${#hvs[@]} hypervisors, state in $state"

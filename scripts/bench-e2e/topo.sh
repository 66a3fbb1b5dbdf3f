# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Sourced by bench.sh and smoke.sh: the benchmark topology, one copy per mode.
#
#   <P>vm1 --- <P>hv1 ---swp1-- <P>sw --swp2--- <P>hv2 --- <P>vm2
#   eth0        vif1  uplink              uplink vif1       eth0
#
# <P>sw is a NetLord edge switch: IP forwarding, the same MAC on every port
# (the "switch MAC"), one static route per port: 10.p.0.0/16 via 10.p.0.1.
# hv<p> owns 10.p.0.1/32 on its uplink "uplink" (port p).  VMs: 192.168.1.1/24
# and 192.168.1.2/24, MTU $VM_MTU in every mode.  Modes:
#   ip, udp, gre  NetLord, configured by nl-static (no agent), both hypervisors,
#            receiving with the path `na-loader attach --rx auto` picks (XDP for
#            ip and udp, tc after GRO for gre); <encap>-xdp and <encap>-tc
#            (e.g. udp-tc, gre-xdp) force the receive path
#   vxlan    kernel vxlan (VNI 42, port 4789) bridged with the VIF
#   direct   no overlay: VM routes through hv -> sw -> hv (proxy ARP on the VIF)
#
# TOPO_TAP_VM2=1: vm2 is a tap "guest" (tap_guest.py moves frames between the
# tap VIF in hv2 and a tap eth0 in vm2, with vnet headers and TSO, as QEMU does).
#
# Needs: ip (iproute2), ethtool; NL_STATIC = path of nl-static for ip/udp.

TOPO_SWITCH_MAC=02:4e:4c:00:00:01
TOPO_VM1_MAC=52:54:00:aa:00:01
TOPO_VM2_MAC=52:54:00:aa:00:02
TOPO_VM1_IP=192.168.1.1
TOPO_VM2_IP=192.168.1.2
TOPO_TENANT=${TOPO_TENANT:-0x0c19}
VM_MTU=${VM_MTU:-1450}
FABRIC_MTU=${FABRIC_MTU:-1500}
# 1: NetLord delivers by XDP_REDIRECT into the VIF (VM side runs NAPI via GRO);
# 0: XDP_PASS + uplink tc redirect
NL_XDP_REDIRECT=${NL_XDP_REDIRECT:-1}
TOPO_RUN_ID=${TOPO_RUN_ID:-$$}
TOPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOPO_PREFIXES=()
TOPO_PIDS=()
TOPO_LOGDIR=${TOPO_LOGDIR:-$(mktemp -d /tmp/nl-e2e.XXXXXX)}

topo_prefix() { # mode -> namespace prefix
	echo "nle2e${TOPO_RUN_ID}${1//[^a-z0-9]/}"
}

topo_is_netlord() { # mode
	case $1 in ip | udp | gre | ip-* | udp-* | gre-*) return 0 ;; esac
	return 1
}

# the receive path of a NetLord mode: explicit suffix, else the --rx auto rule
topo_rx() { # mode
	case $1 in
	*-tc) echo tc ;;
	*-xdp) echo xdp ;;
	gre) echo tc ;;
	*) echo xdp ;;
	esac
}

_nsx() { # ns cmd...
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

_sysctl() { # ns key=value...
	local ns=$1
	shift
	_nsx "$ns" sysctl -q -w "$@" >/dev/null
}

topo_up() { # mode
	local mode=$1 P
	P=$(topo_prefix "$mode")
	TOPO_PREFIXES+=("$P")
	for n in sw hv1 hv2 vm1 vm2; do
		ip netns add "$P$n" || return 1
		ip -n "$P$n" link set lo up
	done
	# edge switch
	_sysctl "${P}sw" net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.default.send_redirects=0
	for p in 1 2; do
		local hv="${P}hv$p"
		_sysctl "$hv" net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
		ip -n "$hv" link add uplink type veth peer name "swp$p" netns "${P}sw" || return 1
		ip -n "$hv" link set dev uplink address "52:54:00:00:0$p:01" mtu "$FABRIC_MTU"
		ip -n "${P}sw" link set "swp$p" address "$TOPO_SWITCH_MAC" mtu "$FABRIC_MTU"
		_sysctl "${P}sw" "net.ipv4.conf.swp$p.rp_filter=0"
		ip -n "${P}sw" addr add 172.16.0.1/32 dev "swp$p"
		ip -n "${P}sw" link set "swp$p" up
		ip -n "${P}sw" route add "10.$p.0.1/32" dev "swp$p"
		ip -n "${P}sw" route add "10.$p.0.0/16" via "10.$p.0.1" dev "swp$p"
		ip -n "$hv" addr add "10.$p.0.1/32" dev uplink
		ip -n "$hv" link set dev uplink up
		ip -n "$hv" route add 172.16.0.1/32 dev uplink
		ip -n "$hv" route add default via 172.16.0.1 dev uplink
		# the VIF: hv side "vif1", VM side "eth0"
		if _topo_tap "$p"; then
			ip -n "$hv" tuntap add dev vif1 mode tap vnet_hdr || return 1
			ip -n "${P}vm$p" tuntap add dev eth0 mode tap vnet_hdr || return 1
		else
			ip -n "$hv" link add vif1 type veth peer name eth0 netns "${P}vm$p" || return 1
		fi
		ip -n "$hv" link set vif1 mtu "$VM_MTU"
		ip -n "${P}vm$p" link set eth0 address "$(_vm_mac "$p")" mtu "$VM_MTU"
		ip -n "${P}vm$p" addr add "$(_vm_ip "$p")/24" dev eth0
	done
	for p in 1 2; do
		ip -n "${P}hv$p" link set vif1 up
		ip -n "${P}vm$p" link set eth0 up
		# The fabric behaves like a wire between NICs, in every mode: frames
		# on it are MTU-sized and fully checksummed (no checksum offload on
		# the switch ports, so GSO packets are segmented and partial
		# checksums completed as they leave the switch), and every interface
		# that receives from a wire runs NAPI with GRO, as a NIC driver does.
		_nsx "${P}sw" ethtool -K "swp$p" tx off >/dev/null || return 1
		_nsx "${P}hv$p" ethtool -K uplink gro on >/dev/null || return 1
		_nsx "${P}vm$p" ethtool -K eth0 gro on >/dev/null || _topo_tap "$p" || return 1
	done
	if _topo_tap 2; then
		python3 "$TOPO_DIR/tap_guest.py" "${P}hv2" vif1 "${P}vm2" eth0 \
			"$TOPO_LOGDIR/$P-tap.stats" >"$TOPO_LOGDIR/$P-tap.log" 2>&1 &
		TOPO_PIDS+=($!)
		for _ in $(seq 50); do
			grep -q ready "$TOPO_LOGDIR/$P-tap.log" 2>/dev/null && break
			sleep 0.1
		done
		grep -q ready "$TOPO_LOGDIR/$P-tap.log" || {
			cat "$TOPO_LOGDIR/$P-tap.log" >&2
			return 1
		}
	fi
	case $mode in
	ip | udp | gre | ip-xdp | udp-xdp | gre-xdp | ip-tc | udp-tc | gre-tc)
		_topo_netlord "$mode" "$P" || return 1
		;;
	vxlan) _topo_vxlan "$P" || return 1 ;;
	direct) _topo_direct "$P" || return 1 ;;
	*)
		echo "unknown mode $mode" >&2
		return 1
		;;
	esac
}

_topo_tap() { [ "$1" = 2 ] && [ "${TOPO_TAP_VM2:-0}" = 1 ]; }

_vm_mac() { if [ "$1" = 1 ]; then echo $TOPO_VM1_MAC; else echo $TOPO_VM2_MAC; fi; }
_vm_ip() { if [ "$1" = 1 ]; then echo $TOPO_VM1_IP; else echo $TOPO_VM2_IP; fi; }

_topo_netlord() { # mode prefix
	local mode=$1 P=$2 p q log flags=() encap=${1%%-*} rx
	rx=$(topo_rx "$mode")
	[ -x "$NL_STATIC" ] || {
		echo "nl-static not built: $NL_STATIC" >&2
		return 1
	}
	for p in 1 2; do
		q=$((3 - p))
		if [ "$encap" = ip ]; then
			# no GSO handler exists for IP protocol 143: the VM must not offload
			_nsx "${P}vm$p" ethtool -K eth0 tso off gso off >/dev/null 2>&1
		fi
		flags=(--rx "$rx")
		_topo_tap "$p" || flags+=(--veth)
		if [ "$rx" = xdp ] && [ "$NL_XDP_REDIRECT" = 1 ]; then
			# veth takes XDP_REDIRECT frames only if its peer runs NAPI
			_nsx "${P}vm$p" ethtool -K eth0 gro on >/dev/null 2>&1 || _topo_tap "$p" || return 1
			flags+=(--xdp-redirect)
		fi
		log="$TOPO_LOGDIR/$P-nl-static-hv$p.log"
		ip netns exec "${P}hv$p" "$NL_STATIC" --uplink uplink --vif vif1 \
			--tenant "$TOPO_TENANT" --mac-as 1 \
			--vm-mac "$(_vm_mac $p)" --vm-ip "$(_vm_ip $p)" \
			--peer-mac "$(_vm_mac $q)" --peer-ip "$(_vm_ip $q)" \
			--switch-mac "$TOPO_SWITCH_MAC" --port "$p" --peer-port "$q" \
			--encap "$encap" --dump-counters "${flags[@]}" >"$log" 2>&1 &
		TOPO_PIDS+=($!)
	done
	for p in 1 2; do
		log="$TOPO_LOGDIR/$P-nl-static-hv$p.log"
		for _ in $(seq 50); do
			grep -q READY "$log" 2>/dev/null && break
			sleep 0.1
		done
		grep -q READY "$log" || {
			echo "nl-static in ${P}hv$p did not start:" >&2
			cat "$log" >&2
			return 1
		}
	done
}

_topo_vxlan() { # prefix
	local P=$1 p q
	for p in 1 2; do
		q=$((3 - p))
		ip -n "${P}hv$p" link add vx42 type vxlan id 42 dstport 4789 \
			local "10.$p.0.1" remote "10.$q.0.1" dev uplink || return 1
		ip -n "${P}hv$p" link set vx42 mtu "$VM_MTU"
		ip -n "${P}hv$p" link add br0 type bridge
		ip -n "${P}hv$p" link set vx42 master br0
		ip -n "${P}hv$p" link set vif1 master br0
		ip -n "${P}hv$p" link set vx42 up
		ip -n "${P}hv$p" link set br0 up
	done
}

_topo_direct() { # prefix
	local P=$1 p q
	for p in 1 2; do
		q=$((3 - p))
		_sysctl "${P}hv$p" net.ipv4.conf.vif1.proxy_arp=1 net.ipv4.conf.vif1.rp_filter=0
		ip -n "${P}hv$p" route add "$(_vm_ip $p)/32" dev vif1
		ip -n "${P}sw" route add "$(_vm_ip $p)/32" via "10.$p.0.1" dev "swp$p"
		# the VM's subnet route covers the peer: proxy ARP on vif1 answers
	done
}

# Stop our processes, delete our namespaces; safe to call twice.
topo_down() {
	local pid P n
	for pid in "${TOPO_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${TOPO_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	TOPO_PIDS=()
	for P in "${TOPO_PREFIXES[@]}"; do
		for n in vm1 vm2 hv1 hv2 sw; do
			# processes left inside (iperf3/sockperf servers) die with SIGKILL
			for pid in $(ip netns pids "$P$n" 2>/dev/null); do
				kill -9 "$pid" 2>/dev/null
			done
			ip netns del "$P$n" 2>/dev/null
		done
	done
	TOPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOPO_PREFIXES=()
}

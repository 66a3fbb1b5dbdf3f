#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make bench-e2e: NetLord (ip, udp, gre, and the receive-path variants) against
# Linux VXLAN and no overlay, same machine, same run (issues 6 and 13).
# Topology and fairness rules: topo.sh.
#
# Per mode and run: one TCP stream and 8 TCP streams (iperf3, Gbit/s), 64-byte
# UDP datagrams delivered per second (udp-pps, sendmmsg/recvmmsg of 18-byte
# payloads: 14+20+8+18 = 60 bytes + FCS = a 64-byte frame), request/response latency (sockperf ping-pong,
# p50/p99 us, after a discarded 1 s warm-up), CPU seconds per GB (/proc/stat,
# all CPUs busy time during the one-stream run / GB delivered).  CPU
# placement: every client on CPU 0, every server on CPU 1 (iperf3 -A 0,1,
# taskset for sockperf and udp-pps); --busy adds a busy loop on CPU 1 for
# the whole run (a noisy neighbour on the server's core).  Runs are interleaved across modes (run 1 of
# every mode, then run 2, ...) so background load hits all modes alike;
# medians of RUNS runs.  Prints a table with ratios and writes JSON.
#
#   bench.sh --nl-static PATH --udp-pps PATH [--json FILE] [--runs N] [--time S]
#            [--lat-time S] [--modes "ip udp gre vxlan direct"] [--busy]
set -u
here=$(cd "$(dirname "$0")" && pwd)
NL_STATIC=
UDP_PPS=
json=build/bench-e2e.json
runs=${RUNS:-3}
t=${BENCH_TIME:-4}
lat_t=${LAT_TIME:-3}
modes=${MODES:-"ip udp gre udp-tc gre-xdp vxlan direct"}
busy=${BUSY:-0}
while [ $# -gt 0 ]; do
	case $1 in
	--nl-static) NL_STATIC=$2; shift 2 ;;
	--udp-pps) UDP_PPS=$2; shift 2 ;;
	--json) json=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--time) t=$2; shift 2 ;;
	--lat-time) lat_t=$2; shift 2 ;;
	--modes) modes=$2; shift 2 ;;
	--busy) busy=1; shift ;;
	*) echo "usage: $0 --nl-static PATH [--json FILE] [--runs N] [--time S] [--lat-time S] [--modes LIST] [--busy]" >&2; exit 2 ;;
	esac
done
for tool in ip ethtool iperf3 sockperf python3 taskset; do
	command -v "$tool" >/dev/null || {
		echo "bench-e2e: $tool is missing (apt-get install iproute2 ethtool iperf3 sockperf python3)" >&2
		exit 1
	}
done
[ "$(id -u)" = 0 ] || { echo "bench-e2e: needs root" >&2; exit 1; }
NL_STATIC=$(cd "$(dirname "$NL_STATIC")" && pwd)/$(basename "$NL_STATIC")
[ -x "$UDP_PPS" ] || { echo "bench-e2e: --udp-pps: $UDP_PPS not built" >&2; exit 1; }
export NL_STATIC
TOPO_LOGDIR=$(mktemp -d /tmp/nl-e2e.XXXXXX)
# shellcheck source=topo.sh
source "$here/topo.sh"
results=$TOPO_LOGDIR/results
: >"$results"
busy_pid=
cleanup() {
	[ -n "$busy_pid" ] && kill "$busy_pid" 2>/dev/null
	topo_down
	rm -rf "$TOPO_LOGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for m in $modes; do
	topo_up "$m" || { echo "bench-e2e: topology for $m failed" >&2; exit 1; }
	P=$(topo_prefix "$m")
	ip netns exec "${P}vm1" ping -c 3 -i 0.2 -W 2 "$TOPO_VM2_IP" >/dev/null || {
		echo "bench-e2e: $m: vm1 cannot ping vm2" >&2
		exit 1
	}
	ip netns exec "${P}vm2" iperf3 -s -D -B "$TOPO_VM2_IP" || exit 1
	ip netns exec "${P}vm2" taskset -c 1 sockperf sr -i "$TOPO_VM2_IP" -p 11111 >/dev/null 2>&1 &
	TOPO_PIDS+=($!)
done
sleep 0.5
if [ "$busy" = 1 ]; then
	taskset -c 1 sh -c 'while :; do :; done' &
	busy_pid=$!
fi
echo "bench-e2e: modes: $modes; $runs runs; iperf3 -t $t; sockperf -t $lat_t after 1 s warm-up; clients on CPU 0, servers on CPU 1; busy loop on CPU 1: $([ "$busy" = 1 ] && echo yes || echo no); VM MTU $VM_MTU, fabric MTU $FABRIC_MTU; NetLord XDP delivery: $([ "$NL_XDP_REDIRECT" = 1 ] && echo XDP_REDIRECT || echo XDP_PASS+tc)"

busy_jiffies() { # total non-idle jiffies of all CPUs
	awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat
}

iperf() { # prefix out.json args...
	local P=$1 out=$2
	shift 2
	ip netns exec "${P}vm1" timeout $((t + 15)) iperf3 -c "$TOPO_VM2_IP" -t "$t" -A 0,1 -J "$@" \
		>"$out" 2>&1
}

hz=$(getconf CLK_TCK)
for r in $(seq "$runs"); do
	for m in $modes; do
		P=$(topo_prefix "$m")
		o=$TOPO_LOGDIR/$m.$r
		b0=$(busy_jiffies)
		iperf "$P" "$o.tcp1.json"
		b1=$(busy_jiffies)
		echo "$m tcp1_cpu_jiffies $r $((b1 - b0)) $hz" >>"$results"
		iperf "$P" "$o.tcp8.json" -P 8
		# 64-byte frames: 14 + 20 + 8 + 18 bytes of payload + 4 FCS
		ip netns exec "${P}vm2" timeout $((t + 20)) taskset -c 1 "$UDP_PPS" recv "$TOPO_VM2_IP" 5301 "$t" \
			>"$o.udprx.txt" 2>&1 &
		rx=$!
		sleep 0.2
		ip netns exec "${P}vm1" timeout $((t + 15)) taskset -c 0 "$UDP_PPS" send "$TOPO_VM2_IP" 5301 "$t" 18 \
			>"$o.udptx.txt" 2>&1
		wait "$rx"
		# warm-up (caches, ARP, CPU frequency), discarded; then the measured run
		ip netns exec "${P}vm1" timeout 16 taskset -c 0 sockperf pp -i "$TOPO_VM2_IP" \
			-p 11111 -t 1 -m 64 >/dev/null 2>&1
		ip netns exec "${P}vm1" timeout $((lat_t + 15)) taskset -c 0 sockperf pp \
			-i "$TOPO_VM2_IP" -p 11111 -t "$lat_t" -m 64 >"$o.lat.txt" 2>&1
		echo "$m files $r $o" >>"$results"
		echo "bench-e2e: run $r $m done"
	done
done

# nl-static prints the datapath counters when it stops: show them
[ -n "$busy_pid" ] && kill "$busy_pid" 2>/dev/null
busy_pid=
topo_down
for m in $modes; do
	topo_is_netlord "$m" || continue
	for p in 1 2; do
		c=$(grep -h '^nl-static counter' "$TOPO_LOGDIR/$(topo_prefix "$m")-nl-static-hv$p.log" |
			awk '{printf "%s=%s ", $3, $4}')
		echo "bench-e2e: $m hv$p counters: $c"
	done
done
mkdir -p "$(dirname "$json")"
python3 "$here/report.py" "$results" "$json" "$modes" "$runs" "$t" "$VM_MTU" "$FABRIC_MTU" \
	"$NL_XDP_REDIRECT" "$busy"

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make bench-repo-rows / make bench-bootstorm (issue 15; docs/repository.md
# "Per-switch rows: measured", "Boot storm"): what an agent downloads and
# what it costs the repository, per-switch row against the whole table, at
# fat tree k=16 and k=32; and N agents (the agents' own repository client,
# tests/repo/bootstorm.c) fetching at once from `na-repo serve` and from a
# three-member etcd cluster (localhost ports).
#
#   tests/repo/bench_rows.sh rows|bootstorm [build dir]
set -u
MODE=${1:-rows}
B=${2:-build}
NAREPO=$B/na-repo
STORM=$B/bench/bootstorm
N=${BOOTSTORM_AGENTS:-1000}
T=$(mktemp -d /tmp/na-bench-rows.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null
for x in "$NAREPO" "$STORM"; do [ -x "$x" ] || { echo "bench: $x not built"; exit 1; }; done

compile() { # k
	"$NAREPO" gen fattree "$1" >"$T/ft$1.topo" &&
		"$NAREPO" compile --serial 1 -o "$T/ft$1" "$T/ft$1.topo" >/dev/null
}
serve() { # dir: starts na-repo serve on a free port, sets PORT and SPID
	"$NAREPO" serve --listen 127.0.0.1:0 --max-conns 4096 "$1" 2>"$T/serve.log" &
	SPID=$!
	PIDS+=("$SPID")
	for _ in $(seq 100); do
		PORT=$(sed -n 's/.*serving serial [0-9]* on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.log")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	echo "bench: na-repo serve did not start"
	exit 1
}
stop_serve() { kill "$SPID"; wait "$SPID" 2>/dev/null; }

if [ "$MODE" = rows ]; then
	printf '%-12s %8s %12s %10s %9s %14s %14s\n' fabric switches table-bytes row-bytes ratio \
		"CPU/table(us)" "CPU/row(us)"
	for k in 16 32; do
		compile "$k" || exit 1
		tb=$(stat -c %s "$T/ft$k/vlan-table.txt")
		nsw=$(find "$T/ft$k/rows" -type f | wc -l)
		rb=$(cat "$T/ft$k"/rows/* | wc -c)
		rb=$((rb / nsw))
		serve "$T/ft$k"
		# repository CPU per request: whole tables (fewer: 14 MB each at k=32), then rows
		nt=$((k == 32 ? 50 : 200))
		ct=$("$STORM" --repo "http://127.0.0.1:$PORT" --macs "$T/ft$k/rows" --clients $nt \
			--table --pid "$SPID" | sed -n 's/.*= \([0-9]*\) us per agent.*/\1/p')
		cr=$("$STORM" --repo "http://127.0.0.1:$PORT" --macs "$T/ft$k/rows" --clients 1000 \
			--pid "$SPID" | sed -n 's/.*= \([0-9]*\) us per agent.*/\1/p')
		stop_serve
		printf '%-12s %8s %12s %10s %8sx %14s %14s\n' "fattree k=$k" "$nsw" "$tb" "$rb" \
			"$((tb / rb))" "${ct:-?}" "${cr:-?}"
	done
	echo "(bytes: the document an agent downloads at start and at each new serial; an"
	echo " unchanged serial costs a 304 either way.  CPU: na-repo serve's user+system time"
	echo " over the requests / their number, $((1000)) row and 50-200 table fetches at once)"
	exit 0
fi

# ---- boot storm: N agents at once, from na-repo serve and from etcd ---------------------------
K=${BOOTSTORM_K:-32}
compile "$K" || exit 1
echo "boot storm: $N agents, fat tree k=$K ($(find "$T/ft$K/rows" -type f | wc -l) edge switches)"
serve "$T/ft$K"
"$STORM" --repo "http://127.0.0.1:$PORT" --macs "$T/ft$K/rows" --clients "$N" --pid "$SPID"
# what agents before rows did: the whole table (fewer agents: 14 MB each at k=32)
NT=${BOOTSTORM_TABLE_AGENTS:-100}
"$STORM" --repo "http://127.0.0.1:$PORT" --macs "$T/ft$K/rows" --clients "$NT" --table --pid "$SPID"
"$STORM" --repo "http://127.0.0.1:$PORT" --macs "$T/ft$K/rows" --clients "$NT" --pid "$SPID"
stop_serve

command -v etcd >/dev/null || { echo "bench: etcd not installed (etcd-server)"; exit 1; }
base=$((20000 + RANDOM % 20000))
cluster=""
for m in 1 2 3; do cluster+="${cluster:+,}m$m=http://127.0.0.1:$((base + 2 * m + 1))"; done
eps=""
epids=""
for m in 1 2 3; do
	etcd --name "m$m" --data-dir "$T/etcd$m" \
		--listen-client-urls "http://127.0.0.1:$((base + 2 * m))" \
		--advertise-client-urls "http://127.0.0.1:$((base + 2 * m))" \
		--listen-peer-urls "http://127.0.0.1:$((base + 2 * m + 1))" \
		--initial-advertise-peer-urls "http://127.0.0.1:$((base + 2 * m + 1))" \
		--initial-cluster "$cluster" --initial-cluster-state new \
		--initial-cluster-token "bench$base" >"$T/etcd$m.log" 2>&1 &
	PIDS+=($!)
	epids+="${epids:+,}$!"
	eps+="${eps:+,}127.0.0.1:$((base + 2 * m))"
done
for _ in $(seq 100); do
	"$NAREPO" publish --etcd "$eps" "$T/ft$K" >"$T/publish.log" 2>&1 && break
	sleep 0.2
done
grep -q '^published' "$T/publish.log" || { cat "$T/publish.log"; exit 1; }
"$STORM" --repo "etcd://$eps/netlord" --macs "$T/ft$K/rows" --clients "$N" --pid "$epids"
# one member down: the third of the agents that start on it fail over
kill -9 "${PIDS[1]}"
"$STORM" --repo "etcd://$eps/netlord" --macs "$T/ft$K/rows" --clients "$N" \
	--pid "${epids#*,}" | sed 's/^bootstorm /bootstorm, member 1 down, /'
echo "(etcd: agent i starts on member i mod 3; CPU = the live members' user+system time)"

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Removes everything scripts/dc/fabric-up.sh (and dc-up.sh) built for
# one prefix: the processes running inside its namespaces (lldpd, na-repo
# serve, agents, captures), the processes recorded in its run directory, the
# namespaces <P>sw-*, <P>hv-*, <P>vm-*, <P>mgmt (their veths go with them) and
# the run directory.  Idempotent: running it again, or on a fabric that was
# never (completely) built, is fine; usable from traps.
#
# Usage: scripts/dc/fabric-down.sh [--prefix P] [--run-dir D] [-q]
set -euo pipefail

prefix=nl-
run_dir=
quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) prefix=$2; shift 2 ;;
	--run-dir) run_dir=$2; shift 2 ;;
	-q) quiet=1; shift ;;
	*) echo "usage: $0 [--prefix P] [--run-dir D] [-q]" >&2; exit 2 ;;
	esac
done
[[ $prefix =~ ^[A-Za-z0-9_.-]*$ ]] || { echo "fabric-down: bad prefix '$prefix'" >&2; exit 2; }
run_dir=${run_dir:-/run/netlord-dc/${prefix:-default}}
say() { [ "$quiet" = 1 ] || echo "fabric-down: $*" >&2; }

# Our namespaces: exactly the names fabric-up.sh and dc-up.sh make (and <P>out,
# the outside host of gateway-lib.sh).
mapfile -t nss < <(ip netns list 2>/dev/null | awk '{print $1}' |
	grep -E "^${prefix//./\\.}(sw-|hv-|vm-|mgmt$|out$)" || true)

# Processes: everything inside our namespaces, plus what the run directory
# recorded (a process can outlive its namespace's name).
pids=()
for ns in "${nss[@]}"; do
	while read -r pid; do
		[ -n "$pid" ] && pids+=("$pid")
	done < <(ip netns pids "$ns" 2>/dev/null || true)
done
if [ -d "$run_dir" ]; then
	for f in "$run_dir"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(head -n 1 "$f" 2>/dev/null || true)
		[[ $pid =~ ^[0-9]+$ ]] || continue
		# Only if it still is one of ours (pid reuse).
		if grep -qaE 'lldpd|na-repo|na-loader|tcpdump' "/proc/$pid/cmdline" 2>/dev/null; then
			pids+=("$pid")
		fi
	done
fi
if [ ${#pids[@]} -gt 0 ]; then
	kill -TERM "${pids[@]}" 2>/dev/null || true
	for _ in $(seq 1 30); do
		alive=()
		for pid in "${pids[@]}"; do
			kill -0 "$pid" 2>/dev/null && alive+=("$pid")
		done
		[ ${#alive[@]} -eq 0 ] && break
		sleep 0.1
	done
	if [ ${#alive[@]} -gt 0 ]; then
		kill -KILL "${alive[@]}" 2>/dev/null || true
	fi
fi

for ns in "${nss[@]}"; do
	ip netns del "$ns" 2>/dev/null || true
done
rm -rf "$run_dir"
say "removed ${#nss[@]} namespaces and ${#pids[@]} processes (prefix '$prefix')"

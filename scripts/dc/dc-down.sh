#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Removes what dc-up.sh built: agents (SIGTERM), then fabric-down.sh, which
# kills every process in the prefix's namespaces (holders, lldpd, na-repo,
# captures) and deletes the namespaces (<P>sw-*, hv-*, vm-*, mgmt); the
# agents' private bpffs (and with it every pin and the XDP links) goes with
# the holders' mount namespaces.  Idempotent.
# Usage: scripts/dc/dc-down.sh [--prefix P] [--run-dir D] [-q]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
P=nl-
RUN=
q=
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) P=$2; shift 2 ;;
	--run-dir) RUN=$2; shift 2 ;;
	-q) q=-q; shift ;;
	*) echo "usage: $0 [--prefix P] [--run-dir D] [-q]" >&2; exit 2 ;;
	esac
done
RUN=${RUN:-/run/netlord-dc/${P:-default}}
pids=()
for f in "$RUN"/agent-*.pid "$RUN"/holder-*.pid "$RUN"/extra-*.pid; do
	[ -f "$f" ] && pids+=("$(cat "$f")")
done
[ "${#pids[@]}" -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
for _ in $(seq 1 30); do
	alive=0
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
	[ "$alive" = 0 ] && break
	sleep 0.1
done
[ "${#pids[@]}" -gt 0 ] && kill -KILL "${pids[@]}" 2>/dev/null
exec "$here/fabric-down.sh" --prefix "$P" --run-dir "$RUN" $q

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Runs a command on a kernel that can host the VLAN fabric: directly on the
# host when fabric-kernel-ok.sh says its kernel can, else in the kernel VM
# (run.sh).  The command's exit code is returned either way.
#
# Usage: scripts/vm/in-fabric-kernel.sh [run.sh options --] <command> [args...]
#   run.sh options (--mem, --cpus, --timeout, --out, --env, ...) only matter
#   in the VM, except --timeout, which also bounds a run on the host.
#   NETLORD_VM=1 forces the VM, NETLORD_VM=0 forces the host.
set -u
here=$(cd "$(dirname "$0")" && pwd)

opts=()
if [ "${1:-}" != "${1#--}" ]; then
	# Leading options up to "--" are for run.sh.
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
fi
[ $# -gt 0 ] || { echo "usage: $0 [run.sh options --] <command> [args...]" >&2; exit 2; }

why=
case ${NETLORD_VM:-auto} in
1) why="NETLORD_VM=1 asks for it" ;;
0) ;;
*) why=$("$here/fabric-kernel-ok.sh") && why= || why="the $why" ;;
esac

if [ -z "$why" ]; then
	if [ "${NETLORD_VM:-auto}" = 0 ]; then
		echo "vm: running on the host kernel (NETLORD_VM=0)" >&2
	else
		echo "vm: running on the host kernel: it has 8021q and VLAN-aware bridges" >&2
	fi
	t=0
	for ((i = 0; i < ${#opts[@]}; i++)); do
		[ "${opts[i]}" = --timeout ] && t=${opts[i + 1]:-0}
	done
	if [ "$t" -gt 0 ] 2>/dev/null; then
		exec timeout "$t" "$@"
	fi
	exec "$@"
fi
exec "$here/run.sh" --reason "$why" "${opts[@]}" -- "$@"

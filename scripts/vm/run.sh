#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Runs one command inside a kernel VM: qemu boots Debian's stock 6.1 kernel
# (prepared by prepare.sh) with the host's / as a read-only 9p root under a
# tmpfs overlay, so the VM sees the same binaries, the repository and build/.
# The command runs in the current directory (same path), its stdout and
# stderr stream back to ours and its exit code becomes ours.
#
# Usage: scripts/vm/run.sh [options] -- <command> [args...]
#   --mem SIZE        VM memory (default 2G)
#   --cpus N          virtual CPUs (default 2)
#   --timeout SECS    kill the VM after SECS seconds, exit 124 (default 0: none)
#   --out DIR         share host DIR read-write at the same path (repeatable);
#                     what the command writes there comes back to the host
#   --env NAME        pass the environment variable NAME through (repeatable)
#   --reason TEXT     why a VM is needed (default: fabric-kernel-ok.sh's answer)
#   --interactive     command on the console with a terminal (vm-shell)
#   --verbose         kernel messages on, and the VM's console shown on stderr
# Exit codes: the command's, 124 on timeout, 125 when the VM did not report an
# exit code (boot failure, crash), 130 on Ctrl-C.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
vmdir=${NETLORD_VM_DIR:-$repo/build/vm}

mem=2G
cpus=2
timeout=0
reason=
interactive=0
verbose=0
outs=()
envs=()
usage() {
	sed -n '/^# Usage:/,/^# Exit codes/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--out) outs+=("$2"); shift 2 ;;
	--env) envs+=("$2"); shift 2 ;;
	--reason) reason=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--verbose) verbose=1; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	-*) echo "run.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
[[ $timeout =~ ^[0-9]+$ ]] || { echo "run.sh: --timeout wants whole seconds" >&2; exit 2; }

"$here/prepare.sh" --quiet || { echo "run.sh: prepare.sh failed" >&2; exit 125; }
kver=$(cat "$vmdir/kernel-version")

if [ -z "$reason" ]; then
	if why=$("$here/fabric-kernel-ok.sh" 2>&1); then
		reason="it was asked for (the host kernel $(uname -r) could host the fabric itself)"
	else
		reason="the host ${why#host }"
	fi
fi

cwd=$(pwd -P)
for p in "$cwd" "$vmdir" "$here"; do
	case $p in
	*[[:space:]]*) echo "run.sh: paths with white space are not supported: $p" >&2; exit 2 ;;
	esac
done

mkdir -p "$vmdir/jobs"
job=$(mktemp -d "$vmdir/jobs/job.XXXXXX")
qpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	[ -n "${readers:-}" ] && kill $readers 2>/dev/null
	rm -rf "$job"
}
trap cleanup EXIT
on_signal() {
	echo "vm: interrupted, stopping the VM" >&2
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	exit 130
}
trap on_signal INT TERM HUP

# The job, read by guest-init.sh through the 9p root.
{
	echo "cd $(printf %q "$cwd") || exit 125"
	for n in "${envs[@]}"; do
		[[ $n =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "run.sh: bad --env name $n" >&2; exit 2; }
		if [ -n "${!n+x}" ]; then
			echo "export $n=$(printf %q "${!n}")"
		fi
	done
	if [ "$interactive" = 1 ]; then
		echo "export TERM=$(printf %q "${TERM:-vt100}")"
		# The serial line does not tell the guest our terminal's size.
		size=$(stty size 2>/dev/null) && echo "stty rows ${size% *} cols ${size#* } 2>/dev/null"
	fi
	printf 'exec'
	printf ' %q' "$@"
	echo
} >"$job/cmd"
[ "$interactive" = 1 ] && echo interactive >"$job/mode" || echo batch >"$job/mode"
printf '%s\n' "$cwd" >"$job/cwd"

virtfs=(-virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap")
: >"$job/outs"
i=0
for o in "${outs[@]}"; do
	mkdir -p "$o" || exit 2
	o=$(cd "$o" && pwd -P)
	case $o in *[[:space:]]*) echo "run.sh: paths with white space are not supported: $o" >&2; exit 2 ;; esac
	virtfs+=(-virtfs "local,path=$o,mount_tag=out$i,security_model=none,multidevs=remap")
	echo "out$i $o" >>"$job/outs"
	i=$((i + 1))
done

# KVM when it really works (on some hosts /dev/kvm opens but a guest never
# runs): a probe boot of a few seconds, cached per host boot.  Else TCG.
kvm_works() {
	[ "${NETLORD_VM_KVM:-auto}" = 0 ] && return 1
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	local boot cache=/run/netlord-vm-kvm-probe
	[ -w /run ] || cache=$vmdir/kvm-probe
	boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)
	if [ -f "$cache" ] && [ "$(head -n 1 "$cache")" = "$boot" ]; then
		[ "$(sed -n 2p "$cache")" = yes ]
		return
	fi
	local ans=no
	if timeout 8 qemu-system-x86_64 -accel kvm -cpu host -m 256M -nodefaults -no-user-config \
		-display none -no-reboot -kernel "$vmdir/vmlinuz" -initrd "$vmdir/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet loglevel=0 panic=-1 nlvm.probe=1" -serial stdio \
		</dev/null 2>/dev/null | tr -d '\r' | grep -q '^@@VM-PROBE-OK@@'; then
		ans=yes
	fi
	printf '%s\n%s\n' "$boot" "$ans" >"$cache"
	[ "$ans" = yes ]
}
if kvm_works; then
	accel=(-accel kvm -cpu host)
	accel_name=KVM
else
	accel=(-accel tcg -cpu max)
	accel_name=TCG
fi

echo "vm: running in a kernel VM (Debian kernel $kver, qemu $accel_name) because $reason" >&2

# Kernel messages stay off the console unless --verbose asks for them.
quiet="quiet loglevel=0"
[ "$verbose" = 1 ] && quiet="loglevel=6"
append="console=ttyS0 $quiet panic=-1 rdinit=/init mitigations=off"
append+=" nlvm.init=$here/guest-init.sh nlvm.job=$job nlvm.dir=$vmdir"

qemu=(qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp "$cpus"
	-kernel "$vmdir/vmlinuz" -initrd "$vmdir/initramfs.cpio.gz" -append "$append"
	-nodefaults -no-user-config -nographic -no-reboot -nic none "${virtfs[@]}")

console=$job/console.log
readers=
if [ "$interactive" = 1 ]; then
	# One serial port on our terminal; Ctrl-A x quits qemu.
	qemu+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$console" -serial chardev:con -mon chardev=con,mode=readline)
	# (an explicit redirection: "&" alone would give qemu /dev/null as stdin)
	"${qemu[@]}" <&0 &
	qpid=$!
else
	mkfifo "$job/console.fifo" "$job/stdout.fifo" "$job/stderr.fifo"
	# Each reader ends when qemu closes its end of the fifo.
	cat "$job/stdout.fifo" &
	readers="$!"
	cat "$job/stderr.fifo" >&2 &
	readers+=" $!"
	if [ "$verbose" = 1 ]; then
		tee "$console" <"$job/console.fifo" | tr -d '\r' |
			sed -u 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g; s/^/vm-console: /' >&2 &
	else
		cat "$job/console.fifo" >"$console" &
	fi
	readers+=" $!"
	qemu+=(-chardev "file,id=con,path=$job/console.fifo" -serial chardev:con
		-chardev "file,id=out,path=$job/stdout.fifo" -serial chardev:out
		-chardev "file,id=err,path=$job/stderr.fifo" -serial chardev:err)
	"${qemu[@]}" </dev/null >"$job/qemu.log" 2>&1 &
	qpid=$!
fi

start=$(date +%s)
timed_out=0
if [ "$timeout" -gt 0 ]; then
	while kill -0 "$qpid" 2>/dev/null; do
		if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
			timed_out=1
			kill "$qpid" 2>/dev/null
			break
		fi
		sleep 0.5
	done
fi
wait "$qpid"
qrc=$?
qpid=
# A reader still blocked in open() (qemu died before opening its fifo) is
# released by a brief open of the other end.
for f in "$job"/*.fifo; do [ -p "$f" ] && : 1<>"$f"; done
# Wait for the readers so that all output is written before we return.
wait 2>/dev/null
readers=

if [ "$timed_out" = 1 ]; then
	echo "vm: timeout after ${timeout}s, VM killed" >&2
	exit 124
fi
rc=$(tr -d '\r' <"$console" 2>/dev/null | sed -n 's/^.*@@VM-EXIT=\([0-9]\{1,3\}\)@@.*$/\1/p' | tail -n 1)
if [ -z "$rc" ]; then
	echo "vm: the VM ended without reporting an exit code (qemu exit $qrc); last console lines:" >&2
	tr -d '\r' <"$console" 2>/dev/null | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' |
		tail -n 20 | sed 's/^/vm-console: /' >&2
	[ -s "$job/qemu.log" ] && sed 's/^/qemu: /' "$job/qemu.log" >&2
	exit 125
fi
if [ "${NETLORD_VM_TIMING:-0}" = 1 ]; then
	echo "vm: $(($(date +%s) - start)) s from qemu start to power-off" >&2
fi
exit "$rc"

#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Second stage of the kernel VM, PID 1 after switch_root into the overlay on
# the host's / (see initramfs-init.sh).  It finishes the system set-up, runs
# the job that run.sh wrote (nlvm.job=<dir> on the kernel command line), prints
# "@@VM-EXIT=<rc>@@" on the console and powers the VM off.
#
# Serial ports: ttyS0 is the console (boot noise and the exit marker), ttyS1
# carries the command's stdout and ttyS2 its stderr, so both come back to the
# caller byte for byte.  An interactive job uses the console for all three.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
export TERM=${TERM:-linux}
export NETLORD_IN_VM=1
umask 022

job=
vmdir=
for arg in $(cat /proc/cmdline); do
	case $arg in
	nlvm.job=*) job=${arg#nlvm.job=} ;;
	nlvm.dir=*) vmdir=${arg#nlvm.dir=} ;;
	esac
done

finish() {
	sync
	echo "@@VM-EXIT=$1@@" >/dev/console
	echo o >/proc/sysrq-trigger
	sleep 10
}
fail() {
	echo "nlvm guest-init: $*" >/dev/console
	finish 125
}

# Pseudo file systems and writable scratch space.
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
# /tmp is a fresh tmpfs, except when the job's working directory is under
# the host's /tmp: then the overlay's /tmp (host files visible, writes going
# to the tmpfs upper layer) stays, so that the command can start there.
case $(cat "$job/cwd" 2>/dev/null) in
/tmp | /tmp/*) ;;
*) mount -t tmpfs -o mode=1777 tmp /tmp ;;
esac
mount -t tmpfs -o mode=0755 run /run
mount -t bpf -o mode=0700 bpf /sys/fs/bpf || fail "cannot mount /sys/fs/bpf"
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mkdir -p /run/netns /var/run 2>/dev/null
ln -sfn /proc/self/fd /dev/fd 2>/dev/null
ln -sfn /proc/self/fd/0 /dev/stdin 2>/dev/null
ln -sfn /proc/self/fd/1 /dev/stdout 2>/dev/null
ln -sfn /proc/self/fd/2 /dev/stderr 2>/dev/null

# The Debian kernel's modules, unpacked by prepare.sh, appear at their usual
# place so that plain "modprobe 8021q" works.
kver=$(uname -r)
if [ -n "$vmdir" ] && [ -d "$vmdir/kernel/lib/modules/$kver" ]; then
	mkdir -p "/lib/modules/$kver" &&
		mount --bind "$vmdir/kernel/lib/modules/$kver" "/lib/modules/$kver" ||
		fail "cannot bind the kernel modules at /lib/modules/$kver"
fi

hostname netlord-vm
echo netlord-vm >/etc/hostname 2>/dev/null
ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null

[ -n "$job" ] && [ -f "$job/cmd" ] || fail "no job (nlvm.job=$job)"

# Writable host directories (run.sh --out): 9p tags out0, out1, ... mounted
# read-write at the same path as on the host.
if [ -f "$job/outs" ]; then
	while read -r tag path; do
		[ -n "$tag" ] || continue
		mkdir -p "$path" &&
			mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 "$tag" "$path" ||
			fail "cannot mount --out $path (9p tag $tag)"
	done <"$job/outs"
fi

mode=$(cat "$job/mode" 2>/dev/null)
if [ "$mode" = interactive ]; then
	# A shell or program on the console, with it as controlling terminal.
	stty -F /dev/ttyS0 sane 2>/dev/null
	setsid -w -c bash "$job/cmd" </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	for t in /dev/ttyS1 /dev/ttyS2; do stty -F "$t" raw -echo 2>/dev/null; done
	bash "$job/cmd" </dev/null >/dev/ttyS1 2>/dev/ttyS2
	rc=$?
	# GNU stty sets attributes with TCSADRAIN: this waits until everything
	# written so far has left the serial ports.
	for t in /dev/ttyS1 /dev/ttyS2; do stty -F "$t" raw -echo 2>/dev/null; done
fi
# Anything still using the --out mounts is stopped before they are synced.
for tag_path in $(cat "$job/outs" 2>/dev/null | awk '{print $2}'); do
	umount "$tag_path" 2>/dev/null || { sync; umount -l "$tag_path" 2>/dev/null; }
done
finish "$rc"

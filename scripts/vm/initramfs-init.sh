#!/bin/busybox sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# /init of the kernel VM's initramfs (copied there by prepare.sh; runs under
# busybox).  Loads the virtio and 9p modules listed in /modules.load, mounts
# the host's / (9p tag "host", read-only) with a tmpfs overlay on top at
# /newroot, moves /dev /proc /sys there and switch_root's into it, running
# the second stage named by nlvm.init= on the kernel command line (a script
# in the host's tree: scripts/vm/guest-init.sh).
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
	echo "nlvm initramfs: $*" >/dev/console
	echo "@@VM-EXIT=125@@" >/dev/console
	echo o >/proc/sysrq-trigger
	sleep 5
	poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

if grep -q 'nlvm.probe=1' /proc/cmdline; then
	# run.sh's KVM probe: the kernel ran this far.
	echo "@@VM-PROBE-OK@@" >/dev/console
	echo o >/proc/sysrq-trigger
	sleep 5
fi

stage2=
rwsize=
for arg in $(cat /proc/cmdline); do
	case $arg in
	nlvm.init=*) stage2=${arg#nlvm.init=} ;;
	nlvm.rwsize=*) rwsize=${arg#nlvm.rwsize=} ;;
	esac
done

for m in $(cat /modules.load); do
	insmod "/lib/modules/$m" || fail "insmod $m failed"
done

mkdir -p /mnt/host /mnt/rw
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose host /mnt/host ||
	fail "cannot mount the host's / (9p tag host)"
mount -t tmpfs -o mode=0755,size=${rwsize:-50%} rw /mnt/rw || fail "tmpfs"
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=/mnt/host,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work overlay /newroot ||
	fail "cannot mount the overlay on the host's /"

[ -n "$stage2" ] || fail "no nlvm.init= on the kernel command line"
[ -f "/newroot$stage2" ] || fail "second stage $stage2 not found in the host's tree"
for d in dev proc sys; do
	mkdir -p "/newroot/$d" 2>/dev/null
	mount --move "/$d" "/newroot/$d" || fail "cannot move /$d"
done
exec switch_root /newroot /bin/sh "$stage2"

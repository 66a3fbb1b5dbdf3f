#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Builds the tiny guest of the QEMU-guest tests (issue 12; the VMs of patent
# [0019]-[0026], here real virtual machines on tap VIFs): an initramfs that is
# the guest's whole root (no 9p share: QEMU refuses to migrate with one
# mounted), holding
#   - the host's static busybox (shell, ip, ping, nc, udhcpc),
#   - the virtio-pci and virtio-net modules of the kernel VM's Debian kernel
#     (scripts/vm/prepare.sh downloads it), in modules.dep load order,
#   - host binaries with their shared libraries (ethtool, iperf3, ...),
#   - scripts/guest/init.sh as /init, scripts/guest/udhcpc.script for udhcpc.
# Output: build/guest/initramfs.cpio.gz and build/guest/vmlinuz (a link to
# the kernel VM's). Idempotent: rebuilt only when an input changed.
#
# Usage: scripts/guest/build-initramfs.sh [--quiet]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
vmdir=${NETLORD_VM_DIR:-$repo/build/vm}
out=${NETLORD_GUEST_DIR:-$repo/build/guest}
quiet=0
[ "${1:-}" = --quiet ] && quiet=1
say() { [ "$quiet" = 1 ] || echo "guest-initramfs: $*" >&2; }
die() { echo "guest-initramfs: error: $*" >&2; exit 1; }

# host programs copied into the guest with their libraries (optional ones
# are skipped when the host lacks them)
BINARIES="ethtool iperf3"
OPTIONAL_BINARIES="dhclient"
MODULES="virtio_pci virtio_net"

"$repo/scripts/vm/prepare.sh" --quiet || die "scripts/vm/prepare.sh failed"
kver=$(cat "$vmdir/kernel-version")
kdir=$vmdir/kernel
busybox=$(command -v busybox) || die "busybox not found: apt-get install busybox-static"
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is dynamically linked: apt-get install busybox-static"

mkdir -p "$out"
exec 9>"$out/.build.lock"
flock 9
stamp=$out/ready
if [ -f "$stamp" ] && [ -f "$out/initramfs.cpio.gz" ] &&
	[ "$(cat "$out/kernel-version" 2>/dev/null)" = "$kver" ] &&
	! [ "$here/build-initramfs.sh" -nt "$stamp" ] && ! [ "$here/init.sh" -nt "$stamp" ] &&
	! [ "$here/udhcpc.script" -nt "$stamp" ]; then
	say "up to date in $out"
	exit 0
fi
rm -f "$stamp"

stage=$(mktemp -d "$out/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,lib/modules,usr/share/udhcpc}
cp "$busybox" "$stage/bin/busybox"
cp "$here/init.sh" "$stage/init"
chmod 755 "$stage/init"
cp "$here/udhcpc.script" "$stage/etc/udhcpc.script"
chmod 755 "$stage/etc/udhcpc.script"

# modules in load order (modprobe --show-depends against the VM kernel)
: >"$stage/modules.load"
for m in $MODULES; do
	deps=$(modprobe -d "$kdir" -S "$kver" --show-depends "$m") || die "module $m not found"
	while read -r kw path _; do
		[ "$kw" = insmod ] || continue
		f=$(basename "$path")
		case $f in
		*.ko.xz) xz -dc "$path" >"$stage/lib/modules/${f%.xz}"; f=${f%.xz} ;;
		*.ko.zst) zstd -qdc "$path" >"$stage/lib/modules/${f%.zst}"; f=${f%.zst} ;;
		*) cp "$path" "$stage/lib/modules/$f" ;;
		esac
		grep -qx "$f" "$stage/modules.load" || echo "$f" >>"$stage/modules.load"
	done <<<"$deps"
done

# a host binary and every library ldd names, at the same paths
copy_bin() { # path
	local b=$1 lib
	mkdir -p "$stage$(dirname "$b")"
	cp -L "$b" "$stage$b"
	for lib in $(ldd "$b" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
for b in $BINARIES; do
	p=$(command -v "$b") || die "$b not installed on the host"
	copy_bin "$p"
done
for b in $OPTIONAL_BINARIES; do
	p=$(command -v "$b" 2>/dev/null) && copy_bin "$p"
done
[ -d "$stage/lib64" ] || ln -s lib "$stage/lib64" 2>/dev/null || true
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"
echo "$kver" >"$stage/kernel-version"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
	gzip -6 >"$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
ln -sfn "$vmdir/vmlinuz" "$out/vmlinuz"
echo "$kver" >"$out/kernel-version"
touch "$stamp"
say "ready: kernel $kver, $(du -h "$out/initramfs.cpio.gz" | cut -f1) initramfs in $out"

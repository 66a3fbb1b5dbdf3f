#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Sets up the kernel VM in build/vm/ (idempotent; cheap when already done):
#   - downloads Debian's stock 6.1 kernel package with apt-get download (the
#     newest linux-image-6.1.0-<N>-amd64 apt-cache knows), unpacks it with
#     dpkg-deb -x into build/vm/kernel/ and runs depmod on its modules;
#   - builds build/vm/initramfs.cpio.gz: static busybox, the few modules
#     needed to mount the host's / over virtio-9p (in modules.dep order) and
#     scripts/vm/initramfs-init.sh as /init.
# Nothing else is downloaded: the VM's userland is the host's own /.
#
# Usage: scripts/vm/prepare.sh [--force] [--quiet]
# Env:   NETLORD_VM_KVER=6.1.0-<N>-amd64 picks a kernel instead of the newest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${NETLORD_VM_DIR:-$repo/build/vm}
force=0
quiet=0
for a in "$@"; do
	case $a in
	--force) force=1 ;;
	--quiet) quiet=1 ;;
	*) echo "usage: $0 [--force] [--quiet]" >&2; exit 2 ;;
	esac
done
say() { [ "$quiet" = 1 ] || echo "vm-prepare: $*" >&2; }
die() { echo "vm-prepare: error: $*" >&2; exit 1; }

# Modules the initramfs loads before it can mount the root; their
# dependencies are added from modules.dep, in load order.
INITRAMFS_MODULES="virtio_pci 9pnet_virtio 9p overlay"

need() {
	local tool=$1 pkg=$2
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: apt-get install $pkg"
}
need apt-get apt
need apt-cache apt
need dpkg-deb dpkg
need depmod kmod
need modprobe kmod
need cpio cpio
need gzip gzip
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "'busybox' not found: apt-get install busybox-static"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked: apt-get install busybox-static"
fi

mkdir -p "$out"
# Several engineers (and run.sh calls) may prepare at once: one at a time.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$out/.prepare.lock"
	flock 9
fi

stamp=$out/ready
inputs=("$here/prepare.sh" "$here/initramfs-init.sh")
if [ "$force" = 0 ] && [ -f "$stamp" ]; then
	kver=$(cat "$out/kernel-version" 2>/dev/null || true)
	fresh=1
	for f in "${inputs[@]}"; do [ "$f" -nt "$stamp" ] && fresh=0; done
	if [ "$fresh" = 1 ] && [ -n "$kver" ] && [ -f "$out/vmlinuz" ] &&
		[ -f "$out/initramfs.cpio.gz" ] && [ -f "$out/kernel/lib/modules/$kver/modules.dep" ] &&
		{ [ -z "${NETLORD_VM_KVER:-}" ] || [ "$NETLORD_VM_KVER" = "$kver" ]; }; then
		say "already prepared (kernel $kver) in $out"
		exit 0
	fi
fi
mkdir -p "$out"
rm -f "$stamp"

# 1. Pick the kernel: the newest linux-image-6.1.0-<N>-amd64 with a candidate.
candidates() {
	apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null |
		awk '{print $1}' | sort -t- -k4,4nr
}
has_candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -qv '(none)'
}
kver=${NETLORD_VM_KVER:-}
if [ -z "$kver" ]; then
	if [ -z "$(candidates)" ] && [ "$(id -u)" = 0 ]; then
		say "apt-cache knows no linux-image-6.1.0-*-amd64: running apt-get update"
		apt-get update -qq >&2 || true
	fi
	for p in $(candidates); do
		if has_candidate "$p"; then
			kver=${p#linux-image-}
			break
		fi
	done
	[ -n "$kver" ] || die "no linux-image-6.1.0-<N>-amd64 package in apt's lists (Debian bookworm sources needed; run apt-get update)"
fi
pkg=linux-image-$kver

# 2. Download and unpack it.
debdir=$out/deb
mkdir -p "$debdir"
deb=$(ls "$debdir"/"${pkg}"_*.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	say "downloading $pkg (Debian's stock kernel, about 70 MB)"
	# apt drops privileges to _apt when it can; a build dir it cannot write
	# only costs a warning.
	(cd "$debdir" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) || true
	deb=$(ls "$debdir"/"${pkg}"_*.deb 2>/dev/null | tail -n 1 || true)
	[ -n "$deb" ] || die "apt-get download $pkg failed"
fi
kdir=$out/kernel
if [ ! -f "$kdir/boot/vmlinuz-$kver" ] || [ ! -d "$kdir/lib/modules/$kver/kernel" ] || [ "$deb" -nt "$kdir/boot/vmlinuz-$kver" ]; then
	say "unpacking $(basename "$deb")"
	rm -rf "$kdir"
	mkdir -p "$kdir"
	dpkg-deb -x "$deb" "$kdir"
	touch "$kdir/boot/vmlinuz-$kver"
fi
moddir=$kdir/lib/modules/$kver
[ -f "$kdir/boot/vmlinuz-$kver" ] || die "$deb has no boot/vmlinuz-$kver"
# The package ships no modules.dep (its postinst runs depmod): make one so
# that plain "modprobe 8021q" works inside the VM.
if [ ! -s "$moddir/modules.dep" ]; then
	say "depmod $kver"
	depmod -b "$kdir" "$kver"
fi
ln -sfn "kernel/boot/vmlinuz-$kver" "$out/vmlinuz"

# 3. The initramfs.
stage=$(mktemp -d "$out/initramfs.XXXXXX")
trap 'rm -rf "$stage" "$stage.cpio.gz"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,mnt,newroot,lib/modules}
cp "$busybox" "$stage/bin/busybox"
cp "$here/initramfs-init.sh" "$stage/init"
chmod 755 "$stage/init"
: >"$stage/modules.load"
for m in $INITRAMFS_MODULES; do
	# --show-depends prints "insmod <path>" lines in load order
	# (e.g. virtio_ring before virtio before virtio_pci).
	deps=$(modprobe -d "$kdir" -S "$kver" --show-depends "$m") ||
		die "module $m not found in $pkg"
	while read -r kw path _; do
		[ "$kw" = insmod ] || continue
		f=$(basename "$path")
		case $f in
		*.ko.xz) xz -dc "$path" >"$stage/lib/modules/${f%.xz}"; f=${f%.xz} ;;
		*.ko.zst) zstd -qdc "$path" >"$stage/lib/modules/${f%.zst}"; f=${f%.zst} ;;
		*.ko.gz) gzip -dc "$path" >"$stage/lib/modules/${f%.gz}"; f=${f%.gz} ;;
		*) cp "$path" "$stage/lib/modules/$f" ;;
		esac
		grep -qx "$f" "$stage/modules.load" || echo "$f" >>"$stage/modules.load"
	done <<<"$deps"
done
say "initramfs modules, in load order: $(tr '\n' ' ' <"$stage/modules.load")"
echo "$kver" >"$stage/kernel-version"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
	gzip -9 >"$stage.cpio.gz"
mv "$stage.cpio.gz" "$out/initramfs.cpio.gz"
echo "$kver" >"$out/kernel-version"
touch "$stamp"
say "ready: kernel $kver, $(du -h "$out/initramfs.cpio.gz" | cut -f1) initramfs in $out"

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The tiny guest of tests/libvirt/libvirtd.sh: Debian's 6.1 kernel of the
# kernel VM (scripts/vm/prepare.sh, build/vm/) with an initramfs of static
# busybox and the virtio-net modules.  Its /init brings eth0 up with the
# address of the kernel command line (nlip=A/len), says so on the serial
# console ("netlord-guest: eth0 <address> up") and idles; the kernel
# answers ARP and ping, which is all the test needs.
#   tests/libvirt/mkguest.sh <out-dir>   -> <out-dir>/vmlinuz, <out-dir>/initrd.gz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$1
vm=${NETLORD_VM_DIR:-$repo/build/vm}
"$repo/scripts/vm/prepare.sh" --quiet
kver=$(cat "$vm/kernel-version")
mods=$vm/kernel/lib/modules/$kver
busybox=$(command -v busybox)
mkdir -p "$out"
root=$(mktemp -d /tmp/nl-guest-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,lib/modules}
cp "$busybox" "$root/bin/busybox"
: >"$root/modules"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
	failover net_failover virtio_net; do
	f=$(grep -oE "^[^:]*/$m\.ko" "$mods/modules.dep" | head -n 1)
	[ -n "$f" ] || { echo "mkguest: module $m not in $mods" >&2; exit 1; }
	cp "$mods/$f" "$root/lib/modules/$m.ko"
	echo "$m" >>"$root/modules"
done
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in $(cat /modules); do insmod /lib/modules/$m.ko; done
ip=$(sed -n 's/.*nlip=\([^ ]*\).*/\1/p' /proc/cmdline)
mtu=$(sed -n 's/.*nlmtu=\([^ ]*\).*/\1/p' /proc/cmdline)
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set lo up
ip link set eth0 mtu "${mtu:-1466}" up
ip addr add "$ip" dev eth0
echo "netlord-guest: eth0 $ip up" >/dev/ttyS0
while true; do sleep 3600; done
EOF
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
cp "$vm/vmlinuz" "$out/vmlinuz"

#!/bin/busybox sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# /init of the tiny QEMU guest (scripts/guest/build-initramfs.sh): a real
# VM of patent [0019]-[0026] on a tap VIF.  The initramfs is its whole root
# (so QEMU can live-migrate it).  Loads virtio-net, configures eth0 from the
# kernel command line, then serves commands on the second serial port.
#
# Kernel command line:
#   ng.name=NAME          hostname
#   ng.ip=A.B.C.D/LEN     static IPv4 address on eth0 (none: eth0 only up)
#   ng.ip=dhcp            IPv4 from the agent's DHCP server: busybox udhcpc
#                         (address, prefix, MTU, router: /etc/udhcpc.script)
#   IPv6: the kernel's own SLAAC (accept_ra, on by default) from the agent's RAs
#   ng.mtu=N              eth0 MTU (none: what virtio-net negotiated)
#   ng.offload=on|off     eth0 TSO/GSO/checksum offloads (ethtool -K)
#
# Control channel (scripts/guest/gctl.py exec): ttyS1, raw.  The host sends
# one line "<nonce> <shell command>"; the guest answers "@@BEGIN=<nonce>@@",
# the command's output (stdout and stderr), then "@@RC=<nonce>:<status>@@".
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts

for m in $(cat /modules.load); do
	insmod "/lib/modules/$m" || echo "guest: insmod $m failed" >/dev/console
done

name=guest
ip=
mtu=
offload=
for arg in $(cat /proc/cmdline); do
	case $arg in
	ng.name=*) name=${arg#ng.name=} ;;
	ng.ip=*) ip=${arg#ng.ip=} ;;
	ng.mtu=*) mtu=${arg#ng.mtu=} ;;
	ng.offload=*) offload=${arg#ng.offload=} ;;
	esac
done
hostname "$name"
ip link set lo up
i=0
while ! [ -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -n "$mtu" ] && ip link set eth0 mtu "$mtu"
if [ -n "$offload" ]; then
	ethtool -K eth0 tso "$offload" gso "$offload" tx "$offload" rx "$offload" >/dev/null 2>&1
fi
ip link set eth0 up
case $ip in
dhcp) udhcpc -i eth0 -s /etc/udhcpc.script -t 10 -T 1 -A 1 -b -O mtu >/dev/console 2>&1 ;;
?*) ip addr add "$ip" dev eth0 ;;
esac
echo "@@GUEST-READY $name@@" >/dev/console

# the control loop; PID 1 never exits
stty -F /dev/ttyS1 raw -echo 2>/dev/null
while true; do
	exec 3<>/dev/ttyS1
	while read -r nonce cmd <&3; do
		[ -n "$nonce" ] || continue
		echo "@@BEGIN=$nonce@@" >&3
		sh -c "$cmd" >&3 2>&1 </dev/null
		echo "@@RC=$nonce:$?@@" >&3
	done
	exec 3>&-
	sleep 0.2
done

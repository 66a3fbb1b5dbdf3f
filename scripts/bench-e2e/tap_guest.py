#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A tap "guest" for the bench-e2e topology (topo.sh, TOPO_TAP_VM2=1), doing what QEMU's
virtio-net backend does: the VIF is a tap (vnet headers, TSO offloads on, as
a virtio guest negotiates them), and this process moves its frames to and
from a second tap that is the guest's eth0 in the VM namespace (a real TCP
stack).  It counts, for the direction network -> guest, the frames the VIF
hands over and how many of them are GSO aggregates (a GRO'd packet that
reached the "guest" intact) with their largest size.

  tap_guest.py VIF_NETNS VIF GUEST_NETNS GUEST_IF STATS_FILE
Stops on SIGTERM and writes "frames N gso G max_len L bytes B" to STATS_FILE.
"""
import ctypes
import fcntl
import os
import select
import signal
import struct
import sys

TUNSETIFF = 0x400454CA
TUNSETOFFLOAD = 0x400454D0
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_VNET_HDR = 0x4000
TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6 = 0x01, 0x02, 0x04
CLONE_NEWNET = 0x40000000
VNET_HDR = 10  # struct virtio_net_hdr

libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(name):
    fd = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {name}")
    os.close(fd)


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR))
    # what a virtio guest negotiates: checksum offload and TSO
    fcntl.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
    return fd


def main():
    vif_ns, vif, guest_ns, guest_if, stats = sys.argv[1:6]
    enter_netns(vif_ns)
    a = open_tap(vif)
    enter_netns(guest_ns)
    b = open_tap(guest_if)
    frames = gso = max_len = nbytes = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    print("ready", flush=True)
    while not stop:
        try:
            r, _, _ = select.select([a, b], [], [], 0.2)
        except InterruptedError:
            continue
        for fd in r:
            buf = os.read(fd, 65536 + VNET_HDR + 64)
            if fd == a:
                frames += 1
                length = len(buf) - VNET_HDR
                nbytes += length
                max_len = max(max_len, length)
                if buf[1] != 0:  # gso_type
                    gso += 1
                os.write(b, buf)
            else:
                os.write(a, buf)
    with open(stats, "w") as f:
        f.write(f"frames {frames} gso {gso} max_len {max_len} bytes {nbytes}\n")


if __name__ == "__main__":
    main()

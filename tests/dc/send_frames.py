#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Sends hand-crafted frames from interfaces in several network namespaces
(one process: no scapy, no per-frame process start, which matters under TCG).

  send_frames.py <frames file> [gap seconds]

Each line: <case id> <namespace> <interface> <selfsrc 0|1> <frame hex>.
With selfsrc 1 the frame's source MAC is replaced by the interface's own MAC
(same-switch NetLord frames carry the server's MAC).  Prints one line per
frame sent; exits non-zero on any error.
"""
import ctypes
import os
import socket
import sys
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def socket_in(ns, ifname):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (ns, os.strerror(e)))
    finally:
        os.close(fd)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((ifname, 0))
    return s, s.getsockname()[4]


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    gap = float(sys.argv[2]) if len(sys.argv) == 3 else 0.02
    frames = []
    for line in open(sys.argv[1]):
        w = line.split()
        if len(w) == 5:
            frames.append((w[0], w[1], w[2], w[3] == "1", bytes.fromhex(w[4])))
    socks = {}
    for _, ns, ifname, _, _ in frames:
        if (ns, ifname) not in socks:
            socks[(ns, ifname)] = socket_in(ns, ifname)
    for cid, ns, ifname, selfsrc, fr in frames:
        s, mac = socks[(ns, ifname)]
        if selfsrc:
            fr = fr[:6] + mac + fr[12:]
        n = s.send(fr)
        if n != len(fr):
            raise OSError("short send %d of %d" % (n, len(fr)))
        print("sent %s from %s %s (%d bytes)" % (cid, ns, ifname, len(fr)), flush=True)
        time.sleep(gap)


if __name__ == "__main__":
    main()

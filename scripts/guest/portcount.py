#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Where a migrating VM's traffic went (patent [0034]-[0035]): records the
kernel time of every echo request of scripts/guest/pinger.py that an
interface transmits, encapsulated or not (found by the pinger's payload
marker, the ICMP type 16 bytes before it).

  portcount.py IFACE SECONDS OUT.json      -> {"times": [epoch seconds, ...]}

Run on the edge switch's port towards the source hypervisor during a live
migration: requests the fabric still carried there after the destination's
RESUME are traffic the network sent to the wrong place.  (On the switch,
not on the source's tap: a frame XDP-redirected into a tap passes no
packet socket.)"""
import json
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 3
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35
MARKER = b"netlord-migration"


def main():
    iface, secs, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((iface, 0))
    times = []
    end = time.time() + secs
    while True:
        left = end - time.time()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        data, anc, _, addr = s.recvmsg(256, 64)
        if addr[2] != PACKET_OUTGOING:
            continue
        i = data.find(MARKER)
        if i < 16 or data[i - 16] != 8:  # ICMP echo request
            continue
        t = time.time()
        for level, typ, val in anc:
            if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                t = sec + nsec / 1e9
        times.append(t)
    with open(out, "w") as f:
        json.dump({"iface": iface, "times": times}, f)


if __name__ == "__main__":
    main()

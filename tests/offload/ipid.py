#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The outer IPv4 Identification of NetLord frames in a pcap, the analysis
side of tests/offload/test_gso_ipid.sh (docs/wire-format.md 2.1: a frame
sent whole carries the path VLAN in its IP-ID; the segments of a GSO packet
carry VLAN + i, i = the segment's index).

  ipid.py PCAP VLAN   prints "frames N first F next X other O": frames seen
                      (outer IPv4 from the capture, untagged or one tag),
                      how many carry VLAN, how many carry the IP-ID + 1
                      of one of the last 64 frames with VLAN + 1..63 (a
                      later segment: segments of two GSO packets may
                      interleave when two CPUs send), and how many
                      neither (the rule broken)
"""
import struct
import sys


def frames(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = struct.unpack("<I", hdr[:4])[0]
        end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            incl = struct.unpack(end + "IIII", rec)[2]
            yield f.read(incl)


def main():
    vlan = int(sys.argv[2]) & 0x0FFF
    n = first = nxt = other = 0
    recent = []
    for b in frames(sys.argv[1]):
        off = 12
        etype = struct.unpack("!H", b[off:off + 2])[0]
        if etype == 0x8100:
            off += 4
            etype = struct.unpack("!H", b[off:off + 2])[0]
        if etype != 0x0800:
            continue
        ipid = struct.unpack("!H", b[off + 6:off + 8])[0]
        n += 1
        if ipid == vlan:
            first += 1
        elif 0 < (ipid - vlan) & 0xFFFF < 64 and (ipid - 1) & 0xFFFF in recent:
            nxt += 1
        else:
            other += 1
        recent = (recent + [ipid])[-64:]
    print("frames %d first %d next %d other %d" % (n, first, nxt, other))


if __name__ == "__main__":
    main()

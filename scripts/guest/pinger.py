#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A fixed-rate ICMP echo stream towards a VM, for measuring what a live
migration (patent [0034]-[0035]) costs the traffic: every echo carries a
64-bit sequence number; each reply's arrival time is recorded.

  pinger.py DST RATE SECONDS OUT.json

Writes {"sent", "received", "lost", "gaps": [...], "lost_sent": [...]}
where a gap is a run of lost sequence numbers with the wall-clock time of
the last reply before it ("before") and of the first reply after it
("after"); lost_sent holds the send time of every echo without reply."""
import json
import os
import socket
import struct
import sys
import threading
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    dst, rate, secs, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    ident = os.getpid() & 0xFFFF
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(0.2)
    n = int(rate * secs)
    got = {}
    sent_at = [0.0] * n
    stop = threading.Event()

    def rx():
        while not stop.is_set():
            try:
                pkt = s.recv(2048)
            except socket.timeout:
                continue
            t = time.time()
            ihl = (pkt[0] & 15) * 4
            icmp = pkt[ihl:]
            if len(icmp) < 16 or icmp[0] != 0:
                continue
            rid, = struct.unpack("!H", icmp[4:6])
            if rid != ident:
                continue
            seq, = struct.unpack("!Q", icmp[8:16])
            if seq < n and seq not in got:
                got[seq] = t

    th = threading.Thread(target=rx)
    th.start()
    t0 = time.time()
    for i in range(n):
        due = t0 + i / rate
        d = due - time.time()
        if d > 0:
            time.sleep(d)
        body = struct.pack("!Q", i) + b"netlord-migration"
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, i & 0xFFFF)
        c = csum(hdr + body)
        sent_at[i] = time.time()
        try:
            s.sendto(struct.pack("!BBHHH", 8, 0, c, ident, i & 0xFFFF) + body, (dst, 0))
        except OSError:
            pass
    time.sleep(1.0)
    stop.set()
    th.join()
    gaps = []
    i = 0
    while i < n:
        if i in got:
            i += 1
            continue
        j = i
        while j < n and j not in got:
            j += 1
        before = got.get(i - 1) if i > 0 else None
        after = got.get(j) if j < n else None
        gaps.append({"first": i, "count": j - i, "sent": sent_at[i],
                     "before": before, "after": after})
        i = j
    res = {"sent": n, "received": len(got), "lost": n - len(got), "rate": rate,
           "start": t0, "gaps": gaps,
           "lost_sent": [sent_at[i] for i in range(n) if i not in got],
           "first_reply_after": {str(g["first"]): g["after"] for g in gaps}}
    with open(out, "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main()

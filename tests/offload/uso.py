#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""UDP segmentation offload (UDP_SEGMENT) from a VM, and a receiver that
counts the datagrams by size: the guest side of tests/offload/test_offload.sh
(issue 13: UDP-GSO packets from VMs must be encapsulated and segmented,
not dropped).

  uso.py send DST PORT COUNT SEGS SIZE   COUNT sends of SEGS*SIZE bytes with
                                         UDP_SEGMENT=SIZE; prints "sent N"
  uso.py recv BIND PORT EXPECT SIZE SECS counts datagrams until EXPECT arrived
                                         or SECS of silence after the first
                                         (60 s before it); prints
                                         "received N of size SIZE, M other"
"""
import socket
import sys
import time

SOL_UDP = 17
UDP_SEGMENT = 103


def send(dst, port, count, segs, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(SOL_UDP, UDP_SEGMENT, size)
    buf = bytes((i * 7) & 0xff for i in range(segs * size))
    sent = 0
    for _ in range(count):
        s.sendto(buf, (dst, port))
        sent += segs
        time.sleep(0.002)  # stay far below the receiver's socket buffer
    print(f"sent {sent}")


def recv(bind, port, expect, size, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((bind, port))
    s.settimeout(60)  # the sender may take long to start on a loaded machine
    good = other = 0
    want = bytes((i * 7) & 0xff for i in range(size * 64))
    print("listening", flush=True)
    try:
        while good + other < expect:
            d = s.recv(65536)
            s.settimeout(secs)  # then SECS of silence end the count
            # every segment of a GSO send starts at a multiple of SIZE of the buffer
            if len(d) == size and d in want:
                good += 1
            else:
                other += 1
    except socket.timeout:
        pass
    print(f"received {good} of size {size}, {other} other")


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 6 and a[0] == "send":
        send(a[1], int(a[2]), int(a[3]), int(a[4]), int(a[5]))
    elif len(a) == 6 and a[0] == "recv":
        recv(a[1], int(a[2]), int(a[3]), int(a[4]), float(a[5]))
    else:
        sys.exit(__doc__)

#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Many flows at once, for the VLAN failover check: each flow is one UDP
# socket with its own source port (so its own flow hash, so its own VLAN).
#   flows.py server <port> <seconds>      echo every datagram back
#   flows.py client <ip> <port> <flows>   prints "<answered> <flows>"
import socket, sys, time, select
if sys.argv[1] == 'server':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', int(sys.argv[2])))
    end = time.time() + float(sys.argv[3])
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.5)
        if r:
            d, a = s.recvfrom(2048)
            s.sendto(d, a)
else:
    dst, port, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
    ok = set()
    for attempt in range(3):
        for i, s in enumerate(socks):
            if i not in ok:
                s.sendto(b'flow %d' % i, (dst, port))
        end = time.time() + 1.5
        while time.time() < end and len(ok) < n:
            r, _, _ = select.select(socks, [], [], 0.2)
            for s in r:
                s.recv(2048)
                ok.add(socks.index(s))
    print(len(ok), n)

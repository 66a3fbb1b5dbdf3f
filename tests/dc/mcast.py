#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""An L2 multicast application across the emulated data center's VMs, in one
process (tests/dc/flood-guest.sh; issue 11, tenant broadcast and multicast
within (tenant, MAC_AS), docs/wire-format.md section 3).

Each receiver VM gets a UDP socket in its network namespace (setns), bound
to port 5000 and joined to 239.1.1.1 on its address; they all stay open for
every round.  A round sends 5 datagrams "<tag>-<i>" from one VM's socket to
the group, then reads until every expected receiver has all 5 of that tag
and the network stayed quiet for --quiet seconds (copies that should not
arrive travel the same paths as those that should: they would be there by
then), or --timeout seconds passed.  One Python start for the whole test
instead of one per receiver and round: under TCG each start costs seconds,
and a receiver that gives up before the sender starts reports nothing.

Prints one line per (round, receiver): "<tag> <vm> <datagrams of the tag>".
Usage: mcast.py [--quiet S] [--timeout S] RECV... -- ROUND...
  RECV:  <vm>:<netns>:<IPv4 address>
  ROUND: <tag>:<sender vm>:<receiver vm>,<receiver vm>,...  (expected receivers)
"""
import ctypes
import os
import select
import socket
import sys
import time

CLONE_NEWNET = 0x40000000
GROUP = "239.1.1.1"
PORT = 5000
COUNT = 5

libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def open_receiver(netns, addr):
    setns("/run/netns/" + netns)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", PORT))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 socket.inet_aton(GROUP) + socket.inet_aton(addr))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(addr))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.setblocking(False)
    return s


def main(argv):
    quiet, timeout = 2.0, 30.0
    while argv and argv[0].startswith("--") and argv[0] != "--":
        opt, val = argv[0], float(argv[1])
        if opt == "--quiet":
            quiet = val
        elif opt == "--timeout":
            timeout = val
        else:
            sys.exit("mcast.py: unknown option " + opt)
        argv = argv[2:]
    if "--" not in argv:
        sys.exit(__doc__)
    sep = argv.index("--")
    recvs, rounds = argv[:sep], argv[sep + 1:]

    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    socks = {}
    for r in recvs:
        vm, netns, addr = r.split(":")
        socks[vm] = open_receiver(netns, addr)
    libc.setns(home, CLONE_NEWNET)
    by_fd = {s.fileno(): vm for vm, s in socks.items()}
    got = {}  # (tag, vm) -> datagrams

    def drain(deadline):
        now = time.monotonic()
        ready, _, _ = select.select(list(by_fd), [], [], max(0.0, deadline - now))
        for fd in ready:
            vm = by_fd[fd]
            while True:
                try:
                    data = socks[vm].recv(100).decode(errors="replace")
                except BlockingIOError:
                    break
                tag = data.rsplit("-", 1)[0]
                got[(tag, vm)] = got.get((tag, vm), 0) + 1
        return bool(ready)

    for rnd in rounds:
        tag, sender, want = rnd.split(":")
        want = [v for v in want.split(",") if v]
        # whatever is still in flight from an earlier round is counted there
        while drain(time.monotonic() + 0.2):
            pass
        for i in range(COUNT):
            socks[sender].sendto(("%s-%d" % (tag, i)).encode(), (GROUP, PORT))
            time.sleep(0.05)
        end = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < end:
            if drain(min(end, time.monotonic() + 0.2)):
                last = time.monotonic()
            complete = all(got.get((tag, v), 0) >= COUNT for v in want)
            if complete and time.monotonic() - last >= quiet:
                break
        for vm in socks:
            print("%s %s %d" % (tag, vm, got.get((tag, vm), 0)))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

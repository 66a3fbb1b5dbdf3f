#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The ICMP error the virtual router (patent [0044]) must send back for a
VM's IPv4 frame, built by scapy, independently of bpf/lib/icmp.h: for the
packet tests in test_icmp_csum.c.

usage: icmp_expected.py FRAME_HEX TYPE CODE MTU ROUTER_IP ROUTER_MAC
prints the expected frame in hex: Ethernet back to the VM from the router
MAC, IPv4 (TOS 0xc0, TTL 64, ID 0, no DF) from the router, ICMP
TYPE/CODE (next-hop MTU for 3/4) quoting the IP header and up to 32 bytes
after it.
"""
import sys

import logging

# a VM or namespace whose lo has no address makes scapy warn at import, once per
# packet test: noise in the CI log, not a problem of the test
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

# the layers it needs, not scapy.all: half the import time, which dominates
# the packet tests in the TCG kernel VM (tests/datapath/in-kernel-vm.sh)
from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import Ether
from scapy.packet import Raw


def main():
    frame = bytes.fromhex(sys.argv[1])
    typ, code, mtu = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    router_ip, router_mac = sys.argv[5], sys.argv[6]
    orig = Ether(frame)
    ip = orig[IP]
    ihl = ip.ihl * 4
    quote = bytes(ip)[: ihl + min(ip.len - ihl, 32)]
    icmp = ICMP(type=typ, code=code)
    if typ == 3 and code == 4:
        icmp.nexthopmtu = mtu
    out = (
        Ether(dst=orig.src, src=router_mac)
        / IP(src=router_ip, dst=ip.src, tos=0xC0, ttl=64, id=0, flags=0)
        / icmp
        / Raw(quote)
    )
    print(bytes(out).hex())


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""UDP frames for the virtual router's route tests (tests/datapath/
test_route.c; issue 16, patent Fig. 7 steps 705-715 and [0044]), built by
scapy, independently of bpf/lib/route.h and bpf/lib/ndp.h.

usage: route_expected.py udp4 SRC_MAC DST_MAC SRC_IP DST_IP TTL SPORT DPORT
       route_expected.py udp6 SRC_MAC DST_MAC SRC_IP DST_IP HOP_LIMIT SPORT DPORT
prints the frame in hex: 16 bytes of data, IPv4 with ID 1 and DF clear.
"""
import logging
import sys

# a VM or namespace whose lo has no address makes scapy warn at import, once per
# packet test: noise in the CI log, not a problem of the test
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

# the layers it needs, not scapy.all: half the import time (in-kernel-vm.sh)
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402


def main():
    a = sys.argv[1:]
    data = Raw(bytes((i * 13 + 5) & 0xFF for i in range(16)))
    l3 = IP(src=a[3], dst=a[4], ttl=int(a[5]), id=1) if a[0] == "udp4" else None
    if a[0] == "udp6":
        l3 = IPv6(src=a[3], dst=a[4], hlim=int(a[5]))
    pkt = Ether(src=a[1], dst=a[2]) / l3 / UDP(sport=int(a[6]), dport=int(a[7])) / data
    print(bytes(pkt).hex())


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""IPv6 frames for the proxy NDP and IPv6 anti-spoofing packet tests
(tests/datapath/test_ndp.c; issue 11, patent [0035] proxy address
resolution), built by scapy, independently of bpf/lib/ndp.h.

usage: ndp_expected.py ns SRC_MAC DST_MAC SRC_IP TARGET
         a neighbour solicitation (hop limit 255, source link-layer option
         unless SRC_IP is ::)
       ndp_expected.py na VM_MAC ANSWER_MAC TARGET DST_IP ROUTER(0|1)
         the neighbour advertisement the NA must send back: solicited,
         override, router flag as given, target link-layer option
       ndp_expected.py udp SRC_MAC DST_MAC SRC_IP DST_IP [HOP_LIMIT [DATA_LEN]]
         a UDP datagram (8 bytes of data unless given), hop limit 64 unless given
       ndp_expected.py err FRAME_HEX TYPE CODE MTU SRC_MAC SRC_IP
         the ICMPv6 error (RFC 4443) the virtual router sends back for the
         VM's frame: hop limit 64, quoting the first 128 bytes of its IPv6
         packet at most
prints the frame in hex.
"""
import sys

import logging

# a VM or namespace whose lo has no address makes scapy warn at import, once per
# packet test: noise in the CI log, not a problem of the test
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

# the layers it needs, not scapy.all: half the import time (in-kernel-vm.sh)
from scapy.layers.inet import UDP
from scapy.layers.inet6 import (
    ICMPv6PacketTooBig,
    ICMPv6TimeExceeded,
    ICMPv6ND_NA,
    ICMPv6ND_NS,
    ICMPv6NDOptDstLLAddr,
    ICMPv6NDOptSrcLLAddr,
    IPv6,
)
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils6 import in6_getnsma, in6_getnsmac
from socket import AF_INET6, inet_pton, inet_ntop


def ns(src_mac, dst_mac, src_ip, target):
    dst = inet_ntop(AF_INET6, in6_getnsma(inet_pton(AF_INET6, target)))
    if dst_mac == "auto":
        dst_mac = in6_getnsmac(inet_pton(AF_INET6, dst))
    pkt = Ether(src=src_mac, dst=dst_mac) / IPv6(src=src_ip, dst=dst, hlim=255)
    pkt = pkt / ICMPv6ND_NS(tgt=target)
    if src_ip != "::":
        pkt = pkt / ICMPv6NDOptSrcLLAddr(lladdr=src_mac)
    return pkt


def na(vm_mac, answer_mac, target, dst_ip, router):
    return (
        Ether(src=answer_mac, dst=vm_mac)
        / IPv6(src=target, dst=dst_ip, hlim=255)
        / ICMPv6ND_NA(R=router, S=1, O=1, tgt=target)
        / ICMPv6NDOptDstLLAddr(lladdr=answer_mac)
    )


def main():
    a = sys.argv[1:]
    if a[0] == "err":
        orig = Ether(bytes.fromhex(a[1]))
        ip6 = orig[IPv6]
        typ, code, mtu = int(a[2]), int(a[3]), int(a[4])
        icmp = ICMPv6PacketTooBig(mtu=mtu) if typ == 2 else ICMPv6TimeExceeded(code=code)
        pkt = (
            Ether(src=a[5], dst=orig.src)
            / IPv6(src=a[6], dst=ip6.src, hlim=64)
            / icmp
            / Raw(bytes(ip6)[:128])
        )
    elif a[0] == "ns":
        pkt = ns(a[1], a[2], a[3], a[4])
    elif a[0] == "na":
        pkt = na(a[1], a[2], a[3], a[4], int(a[5]))
    else:
        hlim = int(a[5]) if len(a) > 5 else 64
        n = int(a[6]) if len(a) > 6 else 8
        pkt = Ether(src=a[1], dst=a[2]) / IPv6(src=a[3], dst=a[4], hlim=hlim)
        pkt = pkt / UDP(sport=1000, dport=2000)
        pkt = pkt / Raw(bytes((i * 7) & 0xFF for i in range(n)))
    print(bytes(pkt).hex())


if __name__ == "__main__":
    main()

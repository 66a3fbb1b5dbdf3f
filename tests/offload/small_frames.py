#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Frames shorter than the Ethernet minimum through the real datapath, the
guest side of tests/offload/test_small_frames.sh (issue 13, patent Fig. 10:
the receiving NA hands the VM its frame as sent, a wire's zero padding at
most).

  small_frames.py send IFACE SRCMAC DSTMAC SRCIP DSTIP COUNT
      COUNT x a 54-byte TCP RST without options (IPv4: the sender grows it
      with bpf_skb_adjust_room, which marks the skb as encapsulated) and
      COUNT x a 20-byte frame of ethertype 0x88b5 (not IP:
      bpf_skb_change_head)
  small_frames.py recv IFACE SRCMAC SECS
      prints "rst N ok M" and "tiny N ok M": frames from SRCMAC received
      and how many were exactly the sent bytes (the RST), or the sent bytes
      with or without zeros to 60 (the tiny frame), then "padded N"; prints
      "ready" once listening
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 3
TINY_TYPE = 0x88B5
TINY_PAYLOAD = b"nltiny"  # 6 bytes: a 20-byte frame


def mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frames(sm, dm, sip, dip):
    eth = mac(dm) + mac(sm)
    tcp = struct.pack("!HHIIBBHHH", 40000, 5001, 1, 0, 5 << 4, 0x04, 0, 0, 0)
    pseudo = socket.inet_aton(sip) + socket.inet_aton(dip) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0,
                     socket.inet_aton(sip), socket.inet_aton(dip))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    rst = eth + b"\x08\x00" + ip + tcp
    tiny = eth + struct.pack("!H", TINY_TYPE) + TINY_PAYLOAD
    assert len(rst) == 54 and len(tiny) == 20
    return rst, tiny


def send(ifc, sm, dm, sip, dip, count):
    rst, tiny = frames(sm, dm, sip, dip)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifc, 0))
    for _ in range(count):
        s.send(rst)
        s.send(tiny)
        time.sleep(0.01)
    print("sent %d + %d" % (count, count))


def recv(ifc, sm, secs):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifc, 0))
    s.settimeout(0.2)
    print("ready", flush=True)
    # the expected bytes: addresses from the frames themselves (any destination)
    got = {"rst": [0, 0], "tiny": [0, 0], "padded": 0}
    end = time.time() + secs
    while time.time() < end:
        try:
            b, addr = s.recvfrom(2048)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING or b[6:12] != mac(sm):
            continue
        etype = struct.unpack("!H", b[12:14])[0]
        if etype == 0x0800 and b[23] == 6:
            rst, _ = frames(sm, ":".join("%02x" % x for x in b[0:6]),
                            socket.inet_ntoa(b[26:30]), socket.inet_ntoa(b[30:34]))
            got["rst"][0] += 1
            got["rst"][1] += b == rst
        elif etype == TINY_TYPE:
            _, tiny = frames(sm, ":".join("%02x" % x for x in b[0:6]), "0.0.0.0", "0.0.0.0")
            got["tiny"][0] += 1
            got["tiny"][1] += b in (tiny, tiny + bytes(60 - len(tiny)))
            got["padded"] += len(b) == 60
    for k in ("rst", "tiny"):
        print("%s %d ok %d" % (k, got[k][0], got[k][1]))
    print("padded %d" % got["padded"])


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "send":
        send(a[2], a[3], a[4], a[5], a[6], int(a[7]))
    else:
        recv(a[2], a[3], float(a[4]))

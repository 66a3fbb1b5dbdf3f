#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Frames for the core FDB benchmark (scripts/dc/bench-dc.sh), sent from one
# hypervisor's uplink (run inside its namespace):
#   fdb_frames.py netlord <uplink> <my switch MAC> <dst switch MAC> <dst port> <first VM> <count>
#     one NetLord (ip mode) data frame per VM MAC, as the agent would send it
#     (docs/wire-format.md 2.1): outer Ethernet edge switch -> edge switch,
#     802.1Q path VLAN 10/11 alternating, IPv4 protocol 143, inner frame with
#     the VM's MAC as source;
#   fdb_frames.py plain <uplink> <first VM> <count>
#     the same VMs on a plain VLAN-bridged network: one broadcast frame per
#     VM MAC, tagged with the VLAN that spans every server (4094), as a VM's
#     ARP request would be.
# VM i has MAC 52:54:10:<i>.
import socket, struct, sys
def mac(s): return bytes.fromhex(s.replace(':', ''))
def vmmac(i): return bytes([0x52, 0x54, 0x10, (i >> 16) & 255, (i >> 8) & 255, i & 255])
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
mode, ifn = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifn, 0))
tenant = 3097
if mode == 'netlord':
    me, dst, dport, first, n = mac(sys.argv[3]), mac(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    for i in range(first, first + n):
        vlan = 10 + (i % 2)
        inner = b'\xff' * 6 + vmmac(i) + b'\x08\x06' + b'\0' * 28 + b'\0' * 18
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(inner), vlan, 0x4000, 64, 143, 0,
                         bytes([10, 1, tenant >> 8, tenant & 255]), bytes([10, dport, tenant >> 8, tenant & 255]))
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        s.send(dst + me + b'\x81\x00' + struct.pack('!H', vlan) + b'\x08\x00' + ip + inner)
else:
    first, n = int(sys.argv[3]), int(sys.argv[4])
    for i in range(first, first + n):
        arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, vmmac(i), b'\xc0\xa8\0\1', b'\0' * 6, b'\xc0\xa8\0\2')
        s.send(b'\xff' * 6 + vmmac(i) + b'\x81\x00' + struct.pack('!H', 4094) + b'\x08\x06' + arp + b'\0' * 18)

#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Hostile VM traffic for tests/dc/e2e-guest.sh, sent from a VM's eth0 with a
# raw AF_PACKET socket (run inside the VM's namespace):
#   hostile.py <ifname> spoof-mac <victim MAC> <dst MAC> <src IP> <dst IP> [n]
#   hostile.py <ifname> spoof-ip  <dst MAC> <spoofed src IP> <dst IP> [n]
#   hostile.py <ifname> nlarp <victim tenant> <victim MAC> <victim IP> [n]
#       forged HERE (EtherType 0x88B5), untagged and tagged with VLAN 4094,
#       broadcast and to the edge switch MAC <sw> given as 6th argument
#   hostile.py <ifname> lldp <fake chassis MAC> <port> [n]
#   hostile.py <ifname> scan <first IP> <count>
#       ARP requests for <count> consecutive addresses (a WHERE storm)
import socket, struct, sys

def mac(s): return bytes.fromhex(s.replace(':', ''))
def ip(s): return socket.inet_aton(s)
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
def ipv4_icmp(src, dst):
    icmp = struct.pack('!BBHHH', 8, 0, 0, 0x4242, 1) + b'hostile' * 4
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), 1, 0x4000, 64, 1, 0, ip(src), ip(dst))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + icmp

ifn, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifn, 0))
own = s.getsockname()[4][:6]
frames = []
if mode == 'spoof-mac':
    victim, dst, sip, dip = args[:4]
    n = int(args[4]) if len(args) > 4 else 10
    frames = [mac(dst) + mac(victim) + b'\x08\x00' + ipv4_icmp(sip, dip)] * n
elif mode == 'spoof-ip':
    dst, sip, dip = args[:3]
    n = int(args[3]) if len(args) > 3 else 10
    frames = [mac(dst) + own + b'\x08\x00' + ipv4_icmp(sip, dip)] * n
elif mode == 'nlarp':
    tenant, vmac, vip = int(args[0]), args[1], args[2]
    n = int(args[3]) if len(args) > 3 else 5
    sw = args[4] if len(args) > 4 else 'ff:ff:ff:ff:ff:ff'
    # HERE, HAS_IP: the victim VIF is "at" switch 02:66:66:66:66:66 port 9
    msg = struct.pack('!BBHIH6s4s6sHQ6sH', 1, 1, 1, tenant, 1, mac(vmac), ip(vip),
                      mac('02:66:66:66:66:66'), 9, 2**62, mac('02:66:66:66:66:66'), 9)
    msg += b'\0' * (46 - len(msg))
    for d in ('ff:ff:ff:ff:ff:ff', sw):
        frames += [mac(d) + own + b'\x88\xb5' + msg] * n
        frames += [mac(d) + own + b'\x81\x00' + struct.pack('!H', 4094) + b'\x88\xb5' + msg] * n
elif mode == 'lldp':
    cmac, port = args[0], args[1]
    n = int(args[2]) if len(args) > 2 else 5
    def tlv(t, v): return struct.pack('!H', (t << 9) | len(v)) + v
    pdu = (tlv(1, b'\x04' + mac(cmac)) + tlv(2, b'\x05' + ('swp' + port).encode()) +
           tlv(3, struct.pack('!H', 120)) + tlv(0, b''))
    frames = [mac('01:80:c2:00:00:0e') + own + b'\x88\xcc' + pdu] * n
elif mode == 'scan':
    first, count = struct.unpack('!I', ip(args[0]))[0], int(args[1])
    myip = ip(args[2]) if len(args) > 2 else b'\0' * 4
    for i in range(count):
        tip = struct.pack('!I', first + i)
        arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, own, myip, b'\0' * 6, tip)
        frames.append(mac('ff:ff:ff:ff:ff:ff') + own + b'\x08\x06' + arp)
else:
    sys.exit('unknown mode ' + mode)
for f in frames:
    s.send(f + b'\0' * max(0, 60 - len(f)))
print('%s: sent %d frames' % (mode, len(frames)))

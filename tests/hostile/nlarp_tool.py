#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A host on an edge-switch port attacking NL-ARP (issue 10 item 5; the
# messages of patent Fig. 5): builds NL-ARP version 3 messages (or version 2,
# --nlarp-version 2, as older agents send them) from the byte
# layout of docs/wire-format.md section 4 (an implementation independent of
# user/lib/nlarp_auth.c, with Python's hmac), seals them with no key, a wrong
# key or the fleet key, and sends them as broadcast frames (EtherType 0x88B5)
# or unicast UDP frames through the switch.  Also captures the agents' own
# broadcasts and sends them again (replay).
#
#   nlarp_tool.py send IFACE [options]        one batch, see --help
#   nlarp_tool.py capture IFACE FILE SECONDS  NL-ARP broadcasts seen -> FILE (hex lines)
#   nlarp_tool.py resend IFACE FILE           every captured frame again
# Prints "sent N" (and "captured N").
import argparse, hashlib, hmac, os, select, socket, struct, sys, time

ETH_P_NLARP = 0x88B5
UDP_PORT = 24144
OPS = {'here': 1, 'where': 2, 'not-here': 3, 'probe': 4, 'reply': 4}
F_HAS_IP, F_BY_IP, F_GONE, F_REPLY = 1, 2, 4, 8


def mac(s):
    return bytes.fromhex(s.replace(':', ''))


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def body(op, tenant, vmac, vip, sw, port, version, sender_sw, sender_port, mac_as=1,
         wire=3, vip6=None):
    """the body, valid for its op (docs/wire-format.md section 4): 112 bytes in
    version 3 (@vip6: one IPv6 address in the HERE), 44 in version 2"""
    code, flags = OPS[op], 0
    if op == 'here':
        flags = F_HAS_IP if vip else 0
    elif op == 'where':
        if vip:  # by IP: no MAC, no location
            flags, vmac = F_HAS_IP | F_BY_IP, '00:00:00:00:00:00'
        sw, port, version = '00:00:00:00:00:00', 0, 0
    elif op == 'not-here':
        vip = None
    elif op in ('probe', 'reply'):
        flags = F_REPLY if op == 'reply' else 0
        tenant, vmac, vip = 0, '00:00:00:00:00:00', None
    ip = socket.inet_aton(vip) if vip else b'\0' * 4
    b = struct.pack('!BBHIH6s4s6sHQ6sH', wire, code, flags, tenant, mac_as, mac(vmac), ip,
                    mac(sw), port, version, mac(sender_sw), sender_port)
    if wire == 2:
        return b
    a6 = socket.inet_pton(socket.AF_INET6, vip6) if vip6 and op == 'here' else b''
    return b + struct.pack('!B3s', len(a6) // 16, b'\0' * 3) + a6 + b'\0' * (64 - len(a6))


def seal(b, key_id, secret, unicast, ts_ms, seq):
    """body + the 48-byte trailer (docs/wire-format.md section 4.1)"""
    t = struct.pack('!IB3sQQ8s', key_id, 1 if unicast else 0, b'\0' * 3, ts_ms, seq,
                    os.urandom(8))
    m = b + t
    tag = hmac.new(secret, m, hashlib.sha256).digest()[:16] if secret else b'\0' * 16
    return m + tag


def bcast_frame(src, msg):
    return b'\xff' * 6 + mac(src) + struct.pack('!H', ETH_P_NLARP) + msg


def ucast_frame(sw, src, saddr, daddr, msg):
    udp_len = 8 + len(msg)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + udp_len, 0, 0x4000, 64, 17, 0,
                     socket.inet_aton(saddr), socket.inet_aton(daddr))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    pseudo = ip[12:20] + struct.pack('!BBH', 0, 17, udp_len)
    udp = struct.pack('!HHHH', UDP_PORT, UDP_PORT, udp_len, 0) + msg
    c = csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack('!H', c) + udp[8:]
    return mac(sw) + mac(src) + b'\x08\x00' + ip + udp


def read_key(path):
    for line in open(path):
        line = line.split('#')[0].split()
        if len(line) == 2:
            kid, sec = line
            if sec.startswith('base64:'):
                import base64
                return int(kid), base64.b64decode(sec[7:])
            return int(kid), bytes.fromhex(sec)
    raise SystemExit('no key in ' + path)


def paced_send(sock, frames, rate):
    """send every frame, at most @rate per second (0: as fast as possible)"""
    start = time.monotonic()
    sent = 0
    for i, f in enumerate(frames):
        if rate and i % 100 == 0:
            ahead = start + i / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        try:
            sock.send(f)
            sent += 1
        except BlockingIOError:
            time.sleep(0.001)
        except OSError:
            pass
    return sent, time.monotonic() - start


def cmd_send(a):
    key_id, secret = 0, None
    if a.auth == 'key':
        key_id, secret = read_key(a.key_file)
    elif a.auth == 'wrong-key':
        key_id, secret = read_key(a.key_file)
        secret = bytes(b ^ 0x5a for b in secret)
    seq = a.seq if a.seq else time.time_ns() // 1000
    ts = int(time.time() * 1000) + a.ts_offset_ms
    frames = []
    for i in range(a.count):
        sw = a.switch
        if a.distinct_switches:  # 02:ss:ss:ss:ss:ss, unicast and locally administered
            sw = '02:%02x:%02x:%02x:%02x:%02x' % (0xa0, (i >> 24) & 255, (i >> 16) & 255,
                                                  (i >> 8) & 255, i & 255)
        vmac, vip = a.vif_mac, a.vif_ip
        if a.distinct_vifs:
            vmac = '52:54:%02x:%02x:%02x:%02x' % (0xee, (i >> 16) & 255, (i >> 8) & 255, i & 255)
            if vip:
                base = struct.unpack('!I', socket.inet_aton(vip))[0]
                vip = socket.inet_ntoa(struct.pack('!I', base + i))
        version = a.version
        if a.op in ('probe', 'reply'):
            version = int.from_bytes(os.urandom(8), 'big')
        port = a.port
        mac_as = a.vlan if a.op in ('probe', 'reply') else a.mac_as
        b = body(a.op, a.tenant, vmac, vip, sw, port, version, sw, port, mac_as,
                 2 if a.legacy else a.nlarp_version, a.vif_ip6)
        if a.legacy:  # version 1: the bare 44-byte body, as before authentication
            msg = b'\x01' + b[1:]
        else:
            msg = seal(b, key_id, secret, a.unicast, ts, seq + i)
        if a.unicast:
            frames.append(ucast_frame(a.dst_switch, a.src_mac, a.saddr, a.daddr, msg))
        else:
            frames.append(bcast_frame(a.src_mac, msg))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    copies = a.copies
    total = 0
    dur = 0
    for _ in range(copies):
        n, d = paced_send(s, frames, a.rate)
        total += n
        dur += d
    print('sent %d in %.2f s (%.0f/s)' % (total, dur, total / dur if dur else 0))


def cmd_capture(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
    s.bind((a.iface, 0))
    end = time.monotonic() + a.seconds
    n = 0
    with open(a.file, 'w') as out:
        # ready before the event we capture
        open(a.file + '.ready', 'w').close()
        while time.monotonic() < end:
            r, _, _ = select.select([s], [], [], 0.1)
            if not r:
                continue
            f, addr = s.recvfrom(4096)
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            if f[12:14] == b'\x81\x00':
                f = f[:12] + f[16:]  # resent untagged: receivers take both
            if f[12:14] != b'\x88\xb5':
                continue
            out.write(f.hex() + '\n')
            out.flush()
            n += 1
    print('captured %d' % n)


def cmd_resend(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    n = 0
    for line in open(a.file):
        f = bytes.fromhex(line.strip())
        # the kernel hands a tag it did not strip back in the frame: resend as seen
        s.send(f)
        n += 1
    print('sent %d' % n)


p = argparse.ArgumentParser()
sub = p.add_subparsers(dest='cmd', required=True)
q = sub.add_parser('send')
q.add_argument('iface')
q.add_argument('--op', choices=sorted(OPS), default='here')
q.add_argument('--auth', choices=['none', 'wrong-key', 'key'], default='none')
q.add_argument('--legacy', action='store_true', help='version 1, no trailer')
q.add_argument('--key-file')
q.add_argument('--unicast', action='store_true')
q.add_argument('--tenant', type=int, default=100)
q.add_argument('--mac-as', type=int, default=1)
q.add_argument('--vlan', type=int, default=0, help='PROBE/REPLY: VLAN under test')
q.add_argument('--vif-mac', default='52:54:00:aa:00:02')
q.add_argument('--vif-ip', default=None)
q.add_argument('--vif-ip6', default=None, help='HERE: one IPv6 address (version 3)')
q.add_argument('--nlarp-version', type=int, choices=[2, 3], default=3)
q.add_argument('--switch', required=True, help='location = sender switch MAC')
q.add_argument('--port', type=int, default=3)
q.add_argument('--version', type=int, default=1)
q.add_argument('--src-mac', default='02:00:00:00:ba:d0')
q.add_argument('--dst-switch', help='unicast: outer destination (the edge switch)')
q.add_argument('--saddr', default='10.3.0.1')
q.add_argument('--daddr', default='10.1.0.1')
q.add_argument('--count', type=int, default=1)
q.add_argument('--copies', type=int, default=1, help='send the same frames this many times')
q.add_argument('--rate', type=float, default=0)
q.add_argument('--seq', type=int, default=0)
q.add_argument('--ts-offset-ms', type=int, default=0)
q.add_argument('--distinct-switches', action='store_true')
q.add_argument('--distinct-vifs', action='store_true')
q = sub.add_parser('capture')
q.add_argument('iface')
q.add_argument('file')
q.add_argument('seconds', type=float)
q = sub.add_parser('resend')
q.add_argument('iface')
q.add_argument('file')
a = p.parse_args()
{'send': cmd_send, 'capture': cmd_capture, 'resend': cmd_resend}[a.cmd](a)

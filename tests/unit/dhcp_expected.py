#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The answer the hypervisor's DHCPv4 server (user/lib/dhcp4.c, docs/dhcp.md)
must give to a VM's request, decided and built by scapy, independently of the
C code: for the byte-exact tests in tests/unit/test_dhcp.c.

usage: dhcp_expected.py dhcp4 REQUEST_HEX VIF_JSON
VIF_JSON: {"mac", "server_mac", "ip", "plen", "router", "lease", "mtu",
"dns": [...], "domain"}.  Prints the expected answer frame in hex, or "none"
when the server must stay silent (RFC 2131 4.3).
"""
import ipaddress
import json
import sys

from scapy.all import BOOTP, DHCP, IP, UDP, Ether, Raw


def opts(pkt):
    out = {}
    for o in pkt[DHCP].options:
        if isinstance(o, tuple):
            out[o[0]] = o[1]
    return out


def dhcp4(req_hex, vif):
    req = Ether(bytes.fromhex(req_hex))
    b, o = req[BOOTP], opts(req)
    mtype = o.get("message-type")
    chaddr = b.chaddr[:6]
    mac = bytes.fromhex(vif["mac"].replace(":", ""))
    ip, router = vif["ip"], vif["router"]
    if ip == "0.0.0.0" or router == "0.0.0.0" or b.giaddr != "0.0.0.0" or chaddr != mac:
        return None
    answer = None
    if mtype == 1:
        answer = 2
    elif mtype == 3:
        sid, rip = o.get("server_id"), o.get("requested_addr")
        if sid is not None and sid != router:
            return None
        if rip is not None:
            answer = 5 if rip == ip else 6
        elif b.ciaddr != "0.0.0.0":
            answer = 5 if b.ciaddr == ip else 6
    elif mtype == 8 and b.ciaddr == ip:
        answer = 5
    if answer is None:
        return None
    inform = mtype == 8
    lease = answer != 6 and not inform
    options = [("message-type", answer), ("server_id", router)]
    if lease:
        t = vif["lease"]
        options += [("lease_time", t), ("renewal_time", t // 2), ("rebinding_time", t * 7 // 8)]
    if answer != 6:
        mask = str(ipaddress.IPv4Network(f"0.0.0.0/{vif['plen']}").netmask)
        options += [("subnet_mask", mask), ("router", router)]
        if vif["dns"]:
            options.append(("name_server", *vif["dns"]))
        if vif["domain"]:
            options.append(("domain", vif["domain"].encode()))
        if vif["mtu"]:
            options.append(("interface-mtu", vif["mtu"]))
    options.append("end")
    yiaddr = ip if lease else "0.0.0.0"
    ciaddr = b.ciaddr if answer != 6 else "0.0.0.0"
    if answer == 6 or (b.ciaddr == "0.0.0.0" and b.flags & 0x8000):
        dst = "255.255.255.255"
    else:
        dst = b.ciaddr if b.ciaddr != "0.0.0.0" else yiaddr
    bootp = BOOTP(op=2, xid=b.xid, flags=b.flags, ciaddr=ciaddr, yiaddr=yiaddr,
                  chaddr=chaddr + b"\0" * 10) / DHCP(options=options)
    raw = bytes(bootp)
    raw += b"\0" * max(0, 300 - len(raw))
    out = (Ether(dst=chaddr, src=vif["server_mac"])
           / IP(src=router, dst=dst, ttl=64, id=0, flags=0)
           / UDP(sport=67, dport=68) / Raw(raw))
    return bytes(out)


def main():
    out = dhcp4(sys.argv[2], json.loads(sys.argv[3])) if sys.argv[1] == "dhcp4" else None
    print(out.hex() if out else "none")


if __name__ == "__main__":
    main()

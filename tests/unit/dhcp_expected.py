#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The answer the hypervisor's DHCPv4 server (user/lib/dhcp4.c, docs/dhcp.md)
must give to a VM's request, decided and built by scapy, independently of the
C code: for the byte-exact tests in tests/unit/test_dhcp.c.

usage: dhcp_expected.py dhcp4 REQUEST_HEX VIF_JSON
VIF_JSON: {"mac", "server_mac", "ip", "plen", "router", "lease", "mtu",
"dns": [...], "domain"}.  Prints the expected answer frame in hex, or "none"
when the server must stay silent (RFC 2131 4.3).

       dhcp_expected.py ra RA_JSON
RA_JSON: {"src_mac", "src", "dst_mac", "dst", "managed", "lifetime", "mtu",
"prefixes": [["fd00:1::", 64], ...], "dns": [...]}: the router
advertisement (RFC 4861 4.2, RFC 8106 5.1) in hex.

       dhcp_expected.py dhcp6 KIND CFG_JSON
a client message of KIND (solicit, solicit-rapid, solicit-noclientid,
request, request-other, renew, rebind, rebind-serverid, release, inform,
confirm) from the VM and the server's expected answer (RFC 8415 16, 18.3),
both in hex on one line ("none": silence).  CFG_JSON: {"vm_mac",
"server_mac", "server_ll", "server_duid_mac", "addr" (null: no managed
address), "lifetime", "dns": [...]}.

       dhcp_expected.py rs KIND
a router solicitation of KIND (ok, ok-slla, any, any-slla, hlim254,
badsum, zero-opt, code1) from 52:54:00:12:34:56 in hex.
"""
import ipaddress
import json
import sys

import logging

# a VM or namespace whose lo has no address makes scapy warn at import, once per
# packet test: noise in the CI log, not a problem of the test
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import BOOTP, DHCP, IP, UDP, Ether, Raw
from scapy.layers.inet6 import (ICMPv6ND_RA, ICMPv6ND_RS, ICMPv6NDOptMTU,
                                 ICMPv6NDOptPrefixInfo, ICMPv6NDOptRDNSS,
                                 ICMPv6NDOptSrcLLAddr, IPv6)


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


def ra(c):
    pkt = (Ether(dst=c["dst_mac"], src=c["src_mac"])
           / IPv6(src=c["src"], dst=c["dst"], hlim=255)
           / ICMPv6ND_RA(chlim=64, M=int(c["managed"]), O=int(c["managed"]),
                         routerlifetime=c["lifetime"], reachabletime=0, retranstimer=0,
                         prf=0)
           / ICMPv6NDOptSrcLLAddr(lladdr=c["src_mac"]))
    if c["mtu"]:
        pkt /= ICMPv6NDOptMTU(mtu=c["mtu"])
    for pf in c["prefixes"]:
        prefix, plen = pf[0], pf[1]
        no_auto = len(pf) > 2 and pf[2]
        pkt /= ICMPv6NDOptPrefixInfo(prefixlen=plen, L=1,
                                     A=int(not c["managed"] and not no_auto),
                                     validlifetime=2592000, preferredlifetime=604800,
                                     prefix=prefix)
    if c["dns"]:
        pkt /= ICMPv6NDOptRDNSS(lifetime=1800, dns=c["dns"])
    return bytes(pkt)


def rs(kind):
    mac = "52:54:00:12:34:56"
    src = "::" if kind.startswith("any") else "fe80::5054:ff:fe12:3456"
    body = ICMPv6ND_RS(code=1 if kind == "code1" else 0)
    if kind.endswith("slla"):
        body /= ICMPv6NDOptSrcLLAddr(lladdr=mac)
    if kind == "zero-opt":
        body /= Raw(b"\x01\x00" + b"\0" * 6)
    pkt = (Ether(dst="33:33:00:00:00:02", src=mac)
           / IPv6(src=src, dst="ff02::2", hlim=254 if kind == "hlim254" else 255) / body)
    raw = bytearray(bytes(pkt))
    if kind == "badsum":
        raw[14 + 40 + 2] ^= 0x5a
    return bytes(raw)


def dhcp6(kind, c):
    from scapy.layers.dhcp6 import (DUID_LL, DHCP6_Advertise, DHCP6_Confirm, DHCP6_InfoRequest,
                                    DHCP6_Rebind, DHCP6_Release, DHCP6_Renew, DHCP6_Reply,
                                    DHCP6_Request, DHCP6_Solicit, DHCP6OptClientId,
                                    DHCP6OptDNSServers, DHCP6OptElapsedTime, DHCP6OptIA_NA,
                                    DHCP6OptIAAddress, DHCP6OptRapidCommit, DHCP6OptServerId,
                                    DHCP6OptStatusCode)
    vm_ll = "fe80::5054:ff:fe12:3456"
    ours = DUID_LL(lladdr=c["server_duid_mac"])
    other = DUID_LL(lladdr="02:00:00:00:99:99")
    cid = DHCP6OptClientId(duid=DUID_LL(lladdr=c["vm_mac"]))
    base = kind.split("-")[0]
    cls = {"solicit": DHCP6_Solicit, "request": DHCP6_Request, "renew": DHCP6_Renew,
           "rebind": DHCP6_Rebind, "release": DHCP6_Release, "inform": DHCP6_InfoRequest,
           "confirm": DHCP6_Confirm}[base]
    msg = cls(trid=0xABCDEF)
    if kind != "solicit-noclientid":
        msg /= cid
    if base in ("request", "renew", "release") or kind == "rebind-serverid":
        msg /= DHCP6OptServerId(duid=other if kind == "request-other" else ours)
    msg /= DHCP6OptElapsedTime()
    if base != "inform":
        msg /= DHCP6OptIA_NA(iaid=0x01020304, T1=0, T2=0)
    if kind == "solicit-rapid":
        msg /= DHCP6OptRapidCommit()
    req = (Ether(src=c["vm_mac"], dst="33:33:00:01:00:02")
           / IPv6(src=vm_ll, dst="ff02::1:2", hlim=1) / UDP(sport=546, dport=547) / msg)
    # RFC 8415 16: what the server answers, independently of dhcp6.c
    has_cid = kind != "solicit-noclientid"
    sid = None
    if base in ("request", "renew", "release") or kind == "rebind-serverid":
        sid = "other" if kind == "request-other" else "ours"
    addr = c["addr"]
    answer = None
    if base == "solicit" and has_cid and sid is None and addr:
        answer = DHCP6_Reply if kind == "solicit-rapid" else DHCP6_Advertise
    elif base in ("request", "renew") and has_cid and sid == "ours" and addr:
        answer = DHCP6_Reply
    elif base == "release" and has_cid and sid == "ours":
        answer = DHCP6_Reply
    elif base == "rebind" and has_cid and sid is None and addr:
        answer = DHCP6_Reply
    elif base == "inform" and sid in (None, "ours"):
        answer = DHCP6_Reply
    if answer is None:
        return bytes(req), None
    out = answer(trid=0xABCDEF) / DHCP6OptServerId(duid=ours)
    if has_cid:
        out /= cid
    if base == "release":
        out /= DHCP6OptStatusCode(statuscode=0, statusmsg=b"")
    elif base != "inform" and addr:
        t = c["lifetime"]
        out /= DHCP6OptIA_NA(iaid=0x01020304, T1=t // 2, T2=t * 4 // 5, ianaopts=[
            DHCP6OptIAAddress(addr=addr, preflft=t, validlft=t)])
    if c["dns"] and base != "release":
        out /= DHCP6OptDNSServers(dnsservers=c["dns"])
    if kind == "solicit-rapid":
        out /= DHCP6OptRapidCommit()
    ans = (Ether(dst=c["vm_mac"], src=c["server_mac"])
           / IPv6(src=c["server_ll"], dst=vm_ll, hlim=64) / UDP(sport=547, dport=546) / out)
    return bytes(req), bytes(ans)


def main():
    if sys.argv[1] == "dhcp6":
        req, ans = dhcp6(sys.argv[2], json.loads(sys.argv[3]))
        print(req.hex(), ans.hex() if ans else "none")
        return
    if sys.argv[1] == "dhcp4":
        out = dhcp4(sys.argv[2], json.loads(sys.argv[3]))
    elif sys.argv[1] == "ra":
        out = ra(json.loads(sys.argv[2]))
    else:
        out = rs(sys.argv[2])
    print(out.hex() if out else "none")


if __name__ == "__main__":
    main()

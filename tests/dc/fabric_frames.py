#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Hand-crafted NetLord frames for tests/dc/test_fabric.sh, and the checks of
what the fabric did with them.

  fabric_frames.py gen <compiled dir> <prefix> <out dir>
      writes <out>/phase1.txt, <out>/phase2.txt (frames for send_frames.py)
      and <out>/cases.json (what must arrive where)
  fabric_frames.py check <out dir>
      reads the captures the guest wrote (<out>/pcap/*.pcap), fabric.txt,
      fdb-*.txt and prints one "ok <name>" or "FAIL <name>: why" per check.

Frames follow docs/wire-format.md: ip mode (IPv4 protocol 143 + the tenant's
Ethernet frame) and udp mode (UDP to 24143), outer Ethernet from the ingress
to the egress edge switch, 802.1Q tag = a VLAN of the pair from
vlan-table.txt, IP-ID = VLAN, DF, TTL 64, source 10.M.T, destination 10.p.T.
Scapy (Debian's python3-scapy) builds them and parses the captures; it is
not needed inside the VM.
"""
import json
import os
import sys

from scapy.all import (IP, UDP, Dot1Q, Ether, Raw, rdpcap)  # noqa: E402

TENANT = 0x0C19  # tenant 12.25 (3097)
MAC_AS = 3
NL_UDP_PORT = 24143
NLARP_ETHERTYPE = 0x88B5
BCAST = "ff:ff:ff:ff:ff:ff"


def tenant_addr(first_octet_p, tenant=TENANT):
    return "10.%d.%d.%d" % (first_octet_p, tenant >> 8, tenant & 0xFF)


def read_confs(cdir):
    sw = {}
    for f in sorted(os.listdir(os.path.join(cdir, "switches"))):
        if not f.endswith(".conf"):
            continue
        cur = None
        ports = {}
        for line in open(os.path.join(cdir, "switches", f)):
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "switch":
                cur = {"name": w[1], "ports": ports}
                sw[w[1]] = cur
            elif w[0] == "mac":
                cur["mac"] = w[1]
            elif w[0] == "role":
                cur["role"] = w[1]
            elif w[0] == "port":
                p = ports.setdefault(int(w[1]), {"vlans": []})
                if w[2] in ("downlink", "uplink"):
                    p["kind"] = w[2]
                    if w[2] == "uplink":
                        p["peer"] = (w[3], int(w[4]))
                elif w[2] == "vlan":
                    p["vlans"].append(int(w[3]))
    return sw


def read_table(cdir):
    pairs = {}
    bcast = None
    for line in open(os.path.join(cdir, "vlan-table.txt")):
        w = line.split()
        if w and w[0] == "broadcast":
            bcast = int(w[1])
        elif w and w[0] == "pair":
            pairs[(w[1], w[2])] = [int(v) for v in w[3].split(",")]
    return bcast, pairs


def inner_frame(case_id, dst_vm="52:54:00:00:00:02", src_vm="52:54:00:00:00:01"):
    marker = ("NLDC-%s-" % case_id).encode() + bytes(range(48))
    return bytes(Ether(dst=dst_vm, src=src_vm) / IP(src="192.168.7.1", dst="192.168.7.2", ttl=64) /
                 UDP(sport=40000, dport=5001) / Raw(marker))


def data_frame(mode, src_mac, dst_mac, vlan, port_dst, inner):
    eth = Ether(dst=dst_mac, src=src_mac)
    if vlan:
        eth = eth / Dot1Q(vlan=vlan)
    ip = IP(src=tenant_addr(MAC_AS), dst=tenant_addr(port_dst), flags="DF", id=vlan, ttl=64)
    if mode == "ip":
        ip.proto = 143
        return bytes(eth / ip / Raw(inner))
    return bytes(eth / ip / UDP(sport=49152 + 0x1234, dport=NL_UDP_PORT, chksum=0) / Raw(inner))


def gen(cdir, prefix, out):
    sw = read_confs(cdir)
    bcast, pairs = read_table(cdir)
    mac = {n: s["mac"] for n, s in sw.items()}

    def hv(s, p):
        return "%shv-%s-%d" % (prefix, s, p)

    cases = []
    lines = {1: [], 2: []}

    def add(phase, cid, kind, frm, to, mode, vlan, frame, inner, selfsrc=False, expect=True):
        fs, fp = frm
        cases.append({
            "id": cid, "phase": phase, "kind": kind, "mode": mode, "vlan": vlan,
            "from": hv(fs, fp), "from_switch": fs,
            "to": [hv(s, p) for s, p in to], "to_switch": [s for s, _ in to],
            "expect": expect, "inner": inner.hex(), "frame": frame.hex(),
        })
        lines[phase].append("%s %s uplink %d %s" % (cid, hv(fs, fp), 1 if selfsrc else 0, frame.hex()))

    def remote(phase, cid, mode, a, b, vlan, expect=True):
        inner = inner_frame(cid)
        fr = data_frame(mode, mac[a[0]], mac[b[0]], vlan, b[1], inner)
        add(phase, cid, "data", a, [b], mode, vlan, fr, inner, expect=expect)

    def local(phase, cid, mode, a, b):
        # Same edge switch: untagged, outer source = the server's own MAC
        # (filled in by the sender: the placeholder is replaced).
        inner = inner_frame(cid)
        fr = data_frame(mode, "02:00:00:00:00:00", mac[a[0]], 0, b[1], inner)
        add(phase, cid, "data", a, [b], mode, 0, fr, inner, selfsrc=True)

    # Phase 1: every VLAN of several pairs, both modes, same-switch, NL-ARP.
    flows = [
        ("ip", ("edge1", 1), ("edge2", 1)), ("ip", ("edge1", 1), ("edge2", 2)),
        ("ip", ("edge1", 1), ("edge3", 1)), ("ip", ("edge1", 1), ("edge3", 2)),
        ("ip", ("edge3", 2), ("edge1", 2)), ("ip", ("edge2", 2), ("edge3", 1)),
        ("udp", ("edge1", 2), ("edge2", 1)), ("udp", ("edge3", 1), ("edge1", 1)),
    ]
    n = 0
    for mode, a, b in flows:
        for v in pairs[(mac[a[0]], mac[b[0]])]:
            n += 1
            remote(1, "r%d" % n, mode, a, b, v)
    local(1, "s1", "ip", ("edge1", 1), ("edge1", 2))
    local(1, "s2", "ip", ("edge2", 2), ("edge2", 1))
    local(1, "s3", "udp", ("edge3", 1), ("edge3", 2))
    # NL-ARP broadcast (a HERE-sized payload), from edge2 port 1's server.
    payload = bytes([1, 1, 0, 1]) + b"NLDC-b1-" + bytes(range(32))
    fr = bytes(Ether(dst=BCAST, src=mac["edge2"], type=0x8100) /
               Dot1Q(vlan=bcast, type=NLARP_ETHERTYPE) / Raw(payload))
    others = [(s, p) for s in sorted(sw) if sw[s]["role"] == "edge"
              for p, pi in sorted(sw[s]["ports"].items()) if pi.get("kind") == "downlink"
              and (s, p) != ("edge2", 1)]
    add(1, "b1", "bcast", ("edge2", 1), others, "nlarp", bcast, fr, payload)

    # Phase 2: core1's link to edge2 is down.  The VLANs on it are dead for
    # every pair with edge2; the pair's other VLANs must still work.
    dead_port = [p for p, pi in sw["core1"]["ports"].items()
                 if pi.get("peer", ("",))[0] == "edge2"][0]
    dead = set(sw["core1"]["ports"][dead_port]["vlans"]) - {bcast}
    e1e2 = pairs[(mac["edge1"], mac["edge2"])]
    e1e3 = pairs[(mac["edge1"], mac["edge3"])]
    for i, v in enumerate(e1e2):
        remote(2, "f%d" % (i + 1), "ip", ("edge1", 1), ("edge2", 1), v, expect=v not in dead)
    for i, v in enumerate(pairs[(mac["edge3"], mac["edge2"])]):
        remote(2, "g%d" % (i + 1), "udp", ("edge3", 2), ("edge2", 2), v, expect=v not in dead)
    for i, v in enumerate(e1e3):
        remote(2, "h%d" % (i + 1), "ip", ("edge1", 2), ("edge3", 1), v)

    os.makedirs(out, exist_ok=True)
    for ph in (1, 2):
        with open(os.path.join(out, "phase%d.txt" % ph), "w") as f:
            f.write("\n".join(lines[ph]) + "\n")
    meta = {"prefix": prefix, "broadcast": bcast, "dead_core_port": dead_port,
            "dead_vlans": sorted(dead),
            "switch_macs": mac, "edge_macs": [mac[s] for s in sw if sw[s]["role"] == "edge"],
            "cases": cases}
    with open(os.path.join(out, "dead-port.txt"), "w") as f:
        f.write("core1 %d\n" % dead_port)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print("%d frames in phase 1, %d in phase 2, dead VLANs %s" %
          (len(lines[1]), len(lines[2]), sorted(dead)))


# ------------------------------------------------------------------ checks
results = []


def ok(name):
    results.append(name)
    print("ok   %s" % name)


def bad(name, why):
    results.append(name)
    print("FAIL %s: %s" % (name, why))


def check_lldp(pkts, hvns, sw_mac, port):
    """Chassis ID subtype 4 = switch MAC, Port ID subtype 5 = swp<port>."""
    seen = 0
    for p in pkts:
        raw = bytes(p)
        if len(raw) < 14 or raw[12:14] != b"\x88\xcc" or raw[0:6] != bytes.fromhex("0180c200000e"):
            continue
        off = 14
        tlvs = []
        while off + 2 <= len(raw):
            t = raw[off] >> 1
            ln = ((raw[off] & 1) << 8) | raw[off + 1]
            v = raw[off + 2:off + 2 + ln]
            tlvs.append((t, v))
            off += 2 + ln
            if t == 0:
                break
        if len(tlvs) < 3 or tlvs[0][0] != 1 or tlvs[1][0] != 2 or tlvs[2][0] != 3:
            return "LLDPDU without the mandatory TLVs in order"
        ttl = int.from_bytes(tlvs[2][1], "big")
        if ttl == 0:
            continue  # shutdown LLDPDU
        c, pid = tlvs[0][1], tlvs[1][1]
        if c[0] != 4 or c[1:].hex(":") != sw_mac:
            return "chassis ID subtype %d value %s, want subtype 4 %s" % (c[0], c[1:].hex(":"), sw_mac)
        if pid[0] != 5 or pid[1:].decode(errors="replace") != "swp%d" % port:
            return "port ID subtype %d '%s', want subtype 5 'swp%d'" % (
                pid[0], pid[1:].decode(errors="replace"), port)
        seen += 1
    if seen == 0:
        return "no LLDPDU received"
    return None


def check(out):
    meta = json.load(open(os.path.join(out, "cases.json")))
    hvs = {}
    for line in open(os.path.join(out, "fabric.txt")):
        w = line.split()
        if w and w[0] == "hv":
            hvs[w[1]] = {"switch": w[2], "port": int(w[3]), "sw_mac": w[4], "mac": w[5]}
    pcaps = {}
    for ns in hvs:
        f = os.path.join(out, "pcap", ns + ".pcap")
        pcaps[ns] = rdpcap(f) if os.path.exists(f) and os.path.getsize(f) > 0 else []

    # LLDP: every server hears its edge switch with chassis = switch MAC and
    # its own port number.
    for ns, h in sorted(hvs.items()):
        err = check_lldp(pcaps[ns], ns, h["sw_mac"], h["port"])
        name = "lldp %s: chassis %s port %d" % (ns[len(meta["prefix"]):], h["sw_mac"], h["port"])
        bad(name, err) if err else ok(name)

    def marker(cid):
        return ("NLDC-%s-" % cid).encode()

    def delivered(ns, cid):
        """Frames carrying the case's marker addressed to this server's MAC."""
        m = marker(cid)
        return [p for p in pcaps[ns] if m in bytes(p) and p[Ether].dst == hvs[ns]["mac"]]

    for c in meta["cases"]:
        short = lambda ns: ns[len(meta["prefix"]):]  # noqa: E731
        if c["kind"] == "bcast":
            for ns in c["to"]:
                name = "nl-arp broadcast %s -> %s on VLAN %d" % (short(c["from"]), short(ns), c["vlan"])
                got = [p for p in pcaps[ns] if marker(c["id"]) in bytes(p)]
                if not got:
                    bad(name, "not received")
                    continue
                p = got[0]
                raw = bytes(p)
                want = bytes.fromhex(c["frame"])
                if raw[:len(want)] != want:
                    bad(name, "frame changed: %s" % raw.hex())
                elif Dot1Q not in p or p[Dot1Q].vlan != c["vlan"] or p[Dot1Q].type != NLARP_ETHERTYPE:
                    bad(name, "not tagged %d / ethertype 0x88b5" % c["vlan"])
                else:
                    ok(name)
            continue
        dst = c["to"][0]
        what = "%s %s -> %s %s" % (c["mode"], short(c["from"]), short(dst),
                                   "VLAN %d" % c["vlan"] if c["vlan"] else "same switch")
        if c["phase"] == 2:
            what = "core1 link down: " + what
        got = delivered(dst, c["id"])
        # No other server may get it delivered (flooded copies addressed to
        # a switch MAC are not deliveries).
        elsewhere = [short(ns) for ns in hvs if ns != dst and delivered(ns, c["id"])]
        if not c["expect"]:
            name = what + " is lost (VLAN through the dead link)"
            if got or elsewhere:
                bad(name, "delivered to %s" % ([short(dst)] * len(got) + elsewhere))
            else:
                ok(name)
            continue
        name = what + " arrives"
        if len(got) != 1:
            bad(name, "%d copies delivered to %s%s" % (
                len(got), short(dst), ", also to %s" % elsewhere if elsewhere else ""))
            continue
        if elsewhere:
            bad(name, "also delivered to %s" % elsewhere)
            continue
        p = got[0]
        errs = []
        egress_mac = meta["switch_macs"][c["to_switch"][0]]
        if Dot1Q in p:
            errs.append("still tagged %d" % p[Dot1Q].vlan)
        if p[Ether].src != egress_mac:
            errs.append("source MAC %s, want egress switch %s" % (p[Ether].src, egress_mac))
        ip = p[IP] if IP in p else None
        if ip is None:
            errs.append("no IPv4")
        else:
            if ip.ttl != 63:
                errs.append("TTL %d, want 63" % ip.ttl)
            if ip.id != c["vlan"]:
                errs.append("IP-ID %d, want %d" % (ip.id, c["vlan"]))
            if not (int(ip.flags) & 2):
                errs.append("DF cleared")
            if ip.dst != tenant_addr(hvs[dst]["port"]) or ip.src != tenant_addr(MAC_AS):
                errs.append("addresses %s -> %s" % (ip.src, ip.dst))
            chk = ip.chksum
            ip2 = IP(bytes(ip)[:20])
            del ip2.chksum
            if IP(bytes(ip2)).chksum != chk:
                errs.append("bad IP checksum")
            payload = bytes(ip.payload)
            if c["mode"] == "ip":
                if ip.proto != 143:
                    errs.append("protocol %d" % ip.proto)
                inner = payload
            else:
                if ip.proto != 17 or UDP not in p or p[UDP].dport != NL_UDP_PORT:
                    errs.append("not UDP to %d" % NL_UDP_PORT)
                inner = payload[8:]
            want = bytes.fromhex(c["inner"])
            if inner[:len(want)] != want:
                errs.append("inner frame changed")
        bad(name, "; ".join(errs)) if errs else ok(name)

    # Core links: outer addresses are edge switch MACs (or broadcast) only,
    # every frame tagged with a VLAN the link carries.
    edge = set(meta["edge_macs"])
    for core in ("core1", "core2"):
        f = os.path.join(out, "pcap", "%s-swp1.pcap" % core)
        pk = rdpcap(f) if os.path.exists(f) and os.path.getsize(f) > 0 else []
        name = "%s swp1 capture: only edge switch MACs, tagged" % core
        macs = set()
        vlans = set()
        errs = []
        for p in pk:
            macs |= {p[Ether].src, p[Ether].dst}
            if Dot1Q not in p:
                errs.append("untagged frame %s" % p.summary())
            else:
                vlans.add(p[Dot1Q].vlan)
        stray = macs - edge - {BCAST}
        if stray:
            errs.append("non-edge MACs %s" % sorted(stray))
        if not pk:
            errs.append("no frames captured")
        if errs:
            bad(name, "; ".join(errs[:3]))
        else:
            ok(name + " (%d frames, MACs %s, VLANs %s)" % (
                len(pk), " ".join(sorted(macs)), ",".join(str(v) for v in sorted(vlans))))

    # Core FDBs after the traffic: edge switch MACs only.
    for core in ("core1", "core2"):
        f = os.path.join(out, "fdb-%s.txt" % core)
        entries = [l.split() for l in open(f) if l.strip()] if os.path.exists(f) else []
        macs = {e[0] for e in entries}
        name = "%s FDB: %d dynamic entries, edge switch MACs only" % (core, len(entries))
        if not entries:
            bad(name, "empty or missing")
        elif macs - edge:
            bad(name, "other MACs %s" % sorted(macs - edge))
        else:
            ok(name + " (%s)" % " ".join(sorted(macs)))
    return 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "gen":
        gen(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()

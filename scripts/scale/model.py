#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The fleet-scale model of NL-ARP (docs/scale.md; patent [0033]-[0035]:
HERE overhead, 175,000 HERE/s in 1 % of 10 GbE, a 64 MB NART for 1M VMs).

Fed by the per-message costs `make bench-scale` measures on the production
code (tests/scale/bench_scale.c prints `scale.<name>=<value>` lines), it
prints, for a fleet of servers, VMs and tenants under VM churn and message
loss: HERE bytes per second on the broadcast VLAN and per server link, CPU
per NA, NART memory per NA, WHERE rates; the patent's figures side by side;
a sweep of the fleet size naming the first limit that breaks; and the same
with `--nart-tenants hosted` (tenant_filter.c).  Python 3 standard library
only; tenant sizes and placement are sampled with a fixed seed.
"""
import argparse
import math
import random
import sys

# ---- on-the-wire sizes (bytes) -----------------------------------------------------------
PREAMBLE_IFG = 8 + 12  # preamble + SFD, inter-frame gap
FCS = 4


def wire_sizes(msg):
    """broadcast HERE/WHERE: Ethernet + 802.1Q (broadcast VLAN) + message;
    unicast (WHERE answer): + IPv4 + UDP (user/agent/nlarp_io.c)."""
    bcast_frame = 14 + 4 + msg + FCS
    ucast_frame = 14 + 4 + 20 + 8 + msg + FCS
    return max(bcast_frame, 64) + PREAMBLE_IFG, max(ucast_frame, 64) + PREAMBLE_IFG


# ---- budgets: what "breaks" means ------------------------------------------------------------
LINK_BPS = 10e9
LINK_BUDGET = 0.01  # the patent's 1 % of a 10 GbE NIC ([0034])
CPU_BUDGET = 0.10  # 10 % of the agent's one core
MEM_BUDGET = 64 * 2**20  # the patent's 64 MB NART ([0035])
MAX_SWITCHES = 65536  # NART_MAX_SWITCHES (switch array)
SERVERS_PER_SWITCH = 40
REPLAY_PEERS = 16384  # NLARP_AUTH_DEFAULT_PEERS: senders remembered per NA
MAX_NART_ENTRIES = 1 << 24  # NA_NART_ENTRIES_MAX
PEERS = 10  # distinct peers of its tenant a VM talks to (hosted mode: each one WHERE)
TENANT_SAMPLE = 50000  # tenant sizes drawn; larger fleets reuse the distribution

SCENARIOS = {
    # name: (VM lifetime s, migrations per VM per s, fleet restarts per s, description)
    "steady": (86400.0, 1 / (30 * 86400.0), 1 / (7 * 86400.0),
               "VM lifetime 24 h, each VM migrated once a month, agents restarted weekly"),
    "busy": (3600.0, 1 / 86400.0, 1 / 86400.0,
             "VM lifetime 1 h, each VM migrated daily, agents restarted daily"),
}


def load_calibration(path):
    c = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("scale.") and "=" in line:
                k, v = line[6:].split("=", 1)
                c[k] = float(v)
    need = ["here_rx_insert_ns", "here_rx_update_ns", "where_rx_other_ns",
            "where_answered_ns", "here_filtered_ns", "nart_bytes_per_vif", "nlarp_msg_bytes"]
    missing = [k for k in need if k not in c]
    if missing:
        sys.exit("model: %s lacks %s (run `make bench-scale`)" % (path, ", ".join(missing)))
    return c


class Fleet:
    """Tenant sizes (lognormal, mean VMs/tenant) and random placement, sampled."""

    def __init__(self, servers, vms, tenants, rng, sample=400):
        self.S, self.V, self.T = servers, vms, tenants
        mean = vms / tenants
        sigma = 1.8
        mu = math.log(mean) - sigma * sigma / 2
        nt = min(tenants, TENANT_SAMPLE)
        raw = [rng.lognormvariate(mu, sigma) for _ in range(nt)]
        scale = mean * nt / sum(raw)
        self.size = [max(1, round(x * scale)) for x in raw]
        tenants = nt
        per = vms / servers
        # servers hosting tenant t under random placement
        self.hosts = [servers * (1 - (1 - 1 / servers) ** s) for s in self.size]
        tot = sum(self.size)
        # an event (start, stop, migration) picks a VM: tenant weighted by size
        self.h_event = sum(s * h for s, h in zip(self.size, self.hosts)) / tot
        self.size_event = sum(s * s for s in self.size) / tot
        # P(the event's VM lands on a server not yet hosting its tenant) x the peers
        # it talks to (hosted mode: each one a WHERE)
        self.new_tenant_peers = sum(s * (1 - h / servers) * min(s - 1, PEERS) for s, h in
                                    zip(self.size, self.hosts)) / tot
        # NART entries of an NA that keeps only its tenants: sample servers
        cum, acc = [], 0
        for s in self.size:
            acc += s
            cum.append(acc)
        ents, senders = [], []
        for _ in range(sample):
            ts = set(rng.choices(range(tenants), cum_weights=cum, k=max(1, round(per))))
            ents.append(sum(self.size[t] for t in ts))
            # NAs sharing a tenant with this one: the only senders it authenticates
            miss = 1.0
            for t in ts:
                miss *= 1 - self.hosts[t] / servers
            senders.append(servers * (1 - miss))
        ents.sort()
        senders.sort()
        self.senders_p99 = senders[min(len(senders) - 1, int(len(senders) * 0.99))]
        self.ent_p50 = ents[len(ents) // 2]
        self.ent_p99 = ents[min(len(ents) - 1, int(len(ents) * 0.99))]
        self.ent_max = ents[-1]


def evaluate(fl, cal, scen, loss, hosted):
    life, migr, restart = SCENARIOS[scen][:3]
    V, S = fl.V, fl.S
    starts = stops = V / life
    migrations = V * migr
    restarts = V * restart  # every VIF re-announced once per agent restart
    here_b = starts + stops + 2 * migrations + restarts  # broadcast HERE (+GONE) per s
    # a lost HERE of a start or migration: each NA hosting the tenant misses -> WHERE
    where_b = loss * (starts + migrations) * fl.h_event
    if hosted:  # a tenant new to an NA: the peers its VM talks to are learned by WHERE
        where_b += (starts + migrations) * fl.new_tenant_peers
    bc, uc = wire_sizes(int(cal["nlarp_msg_bytes"]))
    link_bps = (here_b + where_b) * bc * 8  # every broadcast reaches every server link
    answers_per_na = where_b / S
    if hosted:
        share = fl.h_event / S  # of the broadcasts concern a tenant hosted here
        # a foreign broadcast: dropped by the kernel socket filter (if measured)
        drop = cal.get("here_filtered_kernel_ns", cal["here_filtered_ns"])
        here_cost = share * cal["here_rx_update_ns"] + (1 - share) * drop
        where_cost = share * cal["where_rx_other_ns"] + (1 - share) * drop
        entries = fl.ent_p99
        senders = fl.senders_p99
    else:
        senders = S
        here_cost = (cal["here_rx_insert_ns"] * starts + cal["here_rx_update_ns"] *
                     (stops + 2 * migrations + restarts)) / here_b
        where_cost = cal["where_rx_other_ns"]
        entries = V
    cpu = (here_b * here_cost + where_b * where_cost +
           answers_per_na * cal["where_answered_ns"]) * 1e-9
    mem = entries * cal["nart_bytes_per_vif"]
    return {
        "here_bcast": here_b, "where_bcast": where_b, "link_bps": link_bps,
        "link_share": link_bps / LINK_BPS, "cpu": cpu, "entries": entries, "mem": mem,
        "answers": answers_per_na, "ucast_bps": answers_per_na * uc * 8, "senders": senders,
    }


def limits(fl, r):
    """each budget's use (1.0 = at the limit)"""
    return {
        "NART memory per NA (64 MiB)": r["mem"] / MEM_BUDGET,
        "NL-ARP CPU per NA (10 % of a core)": r["cpu"] / CPU_BUDGET,
        "NL-ARP bytes per link (1 % of 10 GbE)": r["link_share"] / LINK_BUDGET,
        "replay table senders (16,384)": r["senders"] / REPLAY_PEERS,
        "NART size cap (16.7M VIFs)": r["entries"] / MAX_NART_ENTRIES,
        "switch indexes (65,536 switches)": fl.S / SERVERS_PER_SWITCH / MAX_SWITCHES,
    }


def fmt_bytes(b):
    return "%.1f MiB" % (b / 2**20) if b < 2**30 else "%.2f GiB" % (b / 2**30)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calibration", required=True, help="output of bench_scale")
    ap.add_argument("--servers", type=int, default=10000)
    ap.add_argument("--vms", type=int, default=1000000)
    ap.add_argument("--tenants", type=int, default=50000)
    ap.add_argument("--loss", type=float, default=1e-3,
                    help="probability that one NA misses one broadcast")
    args = ap.parse_args()
    cal = load_calibration(args.calibration)
    rng = random.Random(15)
    bc, uc = wire_sizes(int(cal["nlarp_msg_bytes"]))
    fl = Fleet(args.servers, args.vms, args.tenants, rng)

    print("\nmodel: %d servers, %d VMs (one VIF each), %d tenants (lognormal sizes, mean %.0f, "
          "largest %d), random placement; loss %.2g per broadcast per NA" %
          (fl.S, fl.V, fl.T, fl.V / fl.T, max(fl.size), args.loss))
    print("  measured per message: HERE received %.0f ns (new) / %.0f ns (update), WHERE "
          "%.0f ns (not ours) / %.0f ns (answered), foreign HERE dropped %.0f ns in the agent, "
          "%s in the kernel; NART %.1f B per VIF"
          % (cal["here_rx_insert_ns"], cal["here_rx_update_ns"], cal["where_rx_other_ns"],
             cal["where_answered_ns"], cal["here_filtered_ns"],
             "%.0f ns" % cal["here_filtered_kernel_ns"] if "here_filtered_kernel_ns" in cal
             else "(not measured)", cal["nart_bytes_per_vif"]))
    print("  on the wire: broadcast HERE %d B (frame %d B + preamble/IFG), WHERE answer %d B; "
          "1 %% of 10 GbE carries %.0f HERE/s (patent: 416 \"bytes\", 175,000 HERE/s)" %
          (bc, bc - PREAMBLE_IFG, uc, LINK_BPS * LINK_BUDGET / (bc * 8)))
    for name, (_, _, _, desc) in SCENARIOS.items():
        print("  scenario %-6s: %s" % (name, desc))

    hdr = "  %-34s %14s %14s %14s %14s" % ("per NA unless said", "steady/all", "busy/all",
                                            "steady/hosted", "busy/hosted")
    print("\n" + hdr)
    rs = [evaluate(fl, cal, s, args.loss, h) for h in (False, True) for s in SCENARIOS]
    rs = [rs[0], rs[1], rs[2], rs[3]]
    rows = [
        ("HERE broadcasts/s (fleet)", lambda r: "%.0f" % r["here_bcast"]),
        ("WHERE broadcasts/s (fleet)", lambda r: "%.1f" % r["where_bcast"]),
        ("NL-ARP on every link", lambda r: "%.2f Mb/s" % (r["link_bps"] / 1e6)),
        ("  share of 10 GbE", lambda r: "%.4f %%" % (100 * r["link_share"])),
        ("WHERE answers sent/s", lambda r: "%.3f" % r["answers"]),
        ("NL-ARP CPU", lambda r: "%.3f %%" % (100 * r["cpu"])),
        ("NART entries (hosted: p99)", lambda r: "%d" % r["entries"]),
        ("NART memory", lambda r: fmt_bytes(r["mem"])),
        ("senders authenticated (p99)", lambda r: "%d" % r["senders"]),
    ]
    for label, f in rows:
        print("  %-34s %14s %14s %14s %14s" % ((label,) + tuple(f(r) for r in rs)))
    print("  hosted mode: NART entries per NA p50 %d, p99 %d, max %d of %d sampled servers; an "
          "event concerns %.1f NAs on average" % (fl.ent_p50, fl.ent_p99, fl.ent_max, 400,
                                                  fl.h_event))

    print("\n  patent side by side (10,000 servers, 1M VMs)")
    print("  %-44s %-26s %s" % ("", "patent", "NetLord (measured + model)"))
    print("  %-44s %-26s %s" % ("HERE on the wire", "416 B ([0033])",
                                "%d B (%d-B message: %d-B body + 48-B auth trailer)" %
                                (bc, cal["nlarp_msg_bytes"], cal["nlarp_msg_bytes"] - 48)))
    print("  %-44s %-26s %s" % ("HERE/s in 1 % of 10 GbE", "175,000",
                                "%.0f" % (LINK_BPS * LINK_BUDGET / (bc * 8))))
    print("  %-44s %-26s %s" % ("HERE/s one core applies", "-",
                                "%.0f (received, new VIF)" % (1e9 / cal["here_rx_insert_ns"])))
    print("  %-44s %-26s %s" % ("NART for 1M entries", "64 MB (32 B, load 0.5)",
                                "%s (%.1f B per VIF, load 0.9, versions incl.)" %
                                (fmt_bytes(1e6 * cal["nart_bytes_per_vif"]),
                                 cal["nart_bytes_per_vif"])))

    # ---- the sweep: 100 VMs per server, 20 VMs per tenant, busy churn -------------------------
    print("\n  sweep (busy churn, 100 VMs/server, 20 VMs/tenant): budget used, 1.0 = limit")
    sizes = [1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000]
    names = None
    for hosted in (False, True):
        print("  mode %s" % ("hosted" if hosted else "all (the patent's push)"))
        prev, cross = None, {}
        for s in sizes:
            f2 = Fleet(s, s * 100, s * 5, random.Random(s), sample=200)
            r = evaluate(f2, cal, "busy", args.loss, hosted)
            lim = limits(f2, r)
            if names is None:
                names = list(lim)
                print("  %-9s " % "servers" + " ".join("%12s" % n.split(" (")[0][:12]
                                                      for n in names))
            print("  %-9d " % s + " ".join("%12.3g" % lim[n] for n in names))
            for n in names:  # log-log interpolation of the crossing of 1.0
                if n in cross or lim[n] <= 1:
                    continue
                if prev is None or prev[1][n] <= 0:
                    cross[n] = s
                else:
                    s0, u0, u1 = prev[0], prev[1][n], lim[n]
                    t = math.log(1 / u0) / math.log(u1 / u0)
                    cross[n] = round(s0 * (s / s0) ** t)
            prev = (s, lim)
        for n, s in sorted(cross.items(), key=lambda x: x[1]):
            print("    breaks at ~%d servers: %s" % (s, n))
        if cross:
            n, s = min(cross.items(), key=lambda x: x[1])
            print("  first limit to break (%s): %s at ~%d servers (%d VMs)" %
                  ("hosted" if hosted else "all", n, s, s * 100))
    print("  budgets: " + "; ".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())

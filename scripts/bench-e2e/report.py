#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Medians, ratios and targets of bench-e2e (called by bench.sh).

report.py RESULTS JSON_OUT "MODES" RUNS TIME VM_MTU FABRIC_MTU XDP_REDIRECT BUSY
RESULTS lines: "<mode> files <run> <prefix>" (prefix.{tcp1,tcp8}.json,
prefix.udp{rx,tx}.txt, prefix.lat.txt) and "<mode> tcp1_cpu_jiffies <run> <jiffies> <hz>".
Exit status 1 if any measurement is missing (a mode that carried no traffic
must fail the benchmark, not print zeros).
"""
import json
import re
import statistics
import sys
import time

results, out, modes, runs, secs, vm_mtu, fabric_mtu, xdp_redirect, busy = sys.argv[1:10]
modes = modes.split()
LABEL = {"vxlan": "Linux VXLAN", "direct": "no overlay"}
for m in modes:
    if m not in LABEL:
        enc, _, rx = m.partition("-")
        rx = rx or ("tc" if enc == "gre" else "xdp")  # the --rx auto rule
        LABEL[m] = f"NetLord {enc} (rx {rx})"
errors = []
samples = {m: {} for m in modes}


def add(mode, metric, value):
    samples[mode].setdefault(metric, []).append(value)


def load_iperf(path):
    try:
        with open(path) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        errors.append(f"{path}: {e}")
        return None
    if "error" in d:
        errors.append(f"{path}: iperf3: {d['error']}")
        return None
    return d["end"]


cpu = {}
for line in open(results):
    f = line.split()
    mode, kind, run = f[0], f[1], f[2]
    if kind == "tcp1_cpu_jiffies":
        cpu[(mode, run)] = int(f[3]) / int(f[4])
        continue
    prefix = f[3]
    e = load_iperf(prefix + ".tcp1.json")
    if e:
        rx = e["sum_received"]
        add(mode, "tcp1_gbps", rx["bits_per_second"] / 1e9)
        gb = rx["bytes"] / 1e9
        if gb > 0 and (mode, run) in cpu:
            add(mode, "cpu_s_per_gb", cpu[(mode, run)] / gb)
        add(mode, "tcp1_retransmits", e["sum_sent"].get("retransmits", 0))
    e = load_iperf(prefix + ".tcp8.json")
    if e:
        add(mode, "tcp8_gbps", e["sum_received"]["bits_per_second"] / 1e9)
    try:
        rx = re.search(r"received (\d+) pps ([0-9.]+)", open(prefix + ".udprx.txt").read())
        tx = re.search(r"sent (\d+) pps ([0-9.]+)", open(prefix + ".udptx.txt").read())
        if rx and tx:
            add(mode, "udp64_kpps", float(rx.group(2)) / 1e3)
            add(mode, "udp64_sent_kpps", float(tx.group(2)) / 1e3)
        else:
            errors.append(f"{prefix}.udp*.txt: no udp-pps result")
    except OSError as e:
        errors.append(str(e))
    try:
        txt = open(prefix + ".lat.txt").read()
        p50 = re.search(r"percentile 50\.000 =\s*([0-9.]+)", txt)
        p99 = re.search(r"percentile 99\.000 =\s*([0-9.]+)", txt)
        if p50 and p99:
            add(mode, "lat_p50_us", float(p50.group(1)))
            add(mode, "lat_p99_us", float(p99.group(1)))
        else:
            errors.append(f"{prefix}.lat.txt: no sockperf percentiles: {txt[-300:]!r}")
    except OSError as e:
        errors.append(str(e))

METRICS = ["tcp1_gbps", "tcp8_gbps", "udp64_kpps", "lat_p50_us", "lat_p99_us", "cpu_s_per_gb"]
med = {}
for m in modes:
    med[m] = {}
    for k, v in samples[m].items():
        med[m][k] = statistics.median(v)
    for k in METRICS:
        if k not in med[m]:
            errors.append(f"{m}: no {k} measured")
        elif k.endswith("gbps") or k.endswith("kpps"):
            if med[m][k] <= 0:
                errors.append(f"{m}: {k} is zero")


def ratio(m, base, k):
    if base not in med or k not in med[m] or not med[base].get(k):
        return None
    return med[m][k] / med[base][k]


# Issue 13 targets: (metric, baseline, bound, ">=" or "<=")
TARGETS = [("tcp1_gbps", "vxlan", 1.0, ">="), ("tcp1_gbps", "direct", 0.9, ">="),
           ("tcp8_gbps", "vxlan", 1.0, ">="), ("udp64_kpps", "vxlan", 1.5, ">="),
           ("lat_p50_us", "vxlan", 1.0, "<="), ("lat_p99_us", "vxlan", 1.0, "<=")]
targets = []
for m in modes:
    if m in ("vxlan", "direct") or m not in med:
        continue
    for k, base, want, op in TARGETS:
        r = ratio(m, base, k)
        if r is None:
            continue
        targets.append({"mode": m, "metric": k, "against": base, "ratio": round(r, 3),
                        "target": want, "op": op, "met": r >= want if op == ">=" else r <= want})


def fmt(v, nd=2):
    return "-" if v is None else f"{v:.{nd}f}"


hdr = ["mode", "1 TCP Gb/s", "8 TCP Gb/s", "64B UDP kpps", "p50 us", "p99 us", "CPU s/GB",
       "1TCP/vx", "8TCP/vx", "pps/vx", "p50/vx", "p99/vx", "1TCP/none", "pps/none"]
rows = []
for m in modes:
    d = med[m]
    rows.append([LABEL.get(m, m), fmt(d.get("tcp1_gbps")), fmt(d.get("tcp8_gbps")),
                 fmt(d.get("udp64_kpps"), 0), fmt(d.get("lat_p50_us"), 1),
                 fmt(d.get("lat_p99_us"), 1), fmt(d.get("cpu_s_per_gb")),
                 fmt(ratio(m, "vxlan", "tcp1_gbps")), fmt(ratio(m, "vxlan", "tcp8_gbps")),
                 fmt(ratio(m, "vxlan", "udp64_kpps")), fmt(ratio(m, "vxlan", "lat_p50_us")),
                 fmt(ratio(m, "vxlan", "lat_p99_us")),
                 fmt(ratio(m, "direct", "tcp1_gbps")), fmt(ratio(m, "direct", "udp64_kpps"))])
w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]
print()
print("| " + " | ".join(h.ljust(w[i]) for i, h in enumerate(hdr)) + " |")
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print("| " + " | ".join(str(c).ljust(w[i]) for i, c in enumerate(r)) + " |")
print()
print(f"medians of {runs} runs; iperf3 -t {secs}; VM MTU {vm_mtu} in every mode, fabric MTU "
      f"{fabric_mtu}; NetLord XDP delivery "
      f"{'XDP_REDIRECT' if xdp_redirect == '1' else 'XDP_PASS + tc'}; clients on CPU 0, "
      f"servers on CPU 1; busy loop on CPU 1: {'yes' if busy == '1' else 'no'}")
for t in targets:
    print(f"target: {LABEL[t['mode']]} {t['metric']} {t['op']} {t['target']}x "
          f"{LABEL[t['against']]}: {t['ratio']:.3f}x {'met' if t['met'] else 'MISSED'}")

doc = {
    "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "runs": int(runs),
    "iperf3_seconds": float(secs),
    "vm_mtu": int(vm_mtu),
    "fabric_mtu": int(fabric_mtu),
    "netlord_delivery": "xdp_redirect" if xdp_redirect == "1" else "xdp_pass_tc",
    "busy_loop_cpu1": busy == "1",
    "cpu_placement": "clients CPU 0, servers CPU 1",
    "units": {"tcp1_gbps": "Gbit/s", "tcp8_gbps": "Gbit/s", "udp64_kpps": "1000 datagrams/s delivered",
              "lat_p50_us": "us", "lat_p99_us": "us", "cpu_s_per_gb": "CPU s (all CPUs) per GB delivered"},
    "median": med,
    "samples": samples,
    "ratios": {m: {f"{k}_vs_{b}": ratio(m, b, k) for k in METRICS for b in ("vxlan", "direct")}
               for m in modes},
    "targets": targets,
    "errors": errors,
}
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
print(f"JSON: {out}")
for e in errors:
    print("bench-e2e ERROR: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)

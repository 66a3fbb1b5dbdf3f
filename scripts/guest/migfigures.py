#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The figures of one QEMU live migration of a guest on a tap VIF (issue 12;
patent [0034]-[0035]: a VM that moves, its NA announcing the new place),
shared by tests/guest/test_guest.sh and the demo's guest stage
(scripts/dc/demo-guests.sh).  Printed, never asserted: timings on a shared
machine.

  migfigures.py LABEL PINGER.json MIGRATE.json DST-SERVER PORTCOUNT.json MAC LOGDIR
                [--summary OUT]

PINGER.json: scripts/guest/pinger.py's result (the 1,000 pps stream);
MIGRATE.json: `gctl.py migrate`'s (QEMU's STOP/RESUME times, downtime);
PORTCOUNT.json: scripts/guest/portcount.py's (echoes the fabric still
carried to the source's switch port); LOGDIR/agent<s>.log for s = 1, 2, 3:
the agents' -v logs, whose lines start with a wall-clock time.  Prints the
"FIGURES" lines; --summary also writes the figures as KEY=VALUE lines
(-1: not known) for a caller's summary table."""
import json
import re
import sys


def ms(x):  # agent logs stamp whole milliseconds
    return "<1" if x < 1 else f"{x:.0f}"


def main():
    args = sys.argv[1:]
    summary = None
    if "--summary" in args:
        i = args.index("--summary")
        summary = args[i + 1]
        del args[i:i + 2]
    if len(args) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    label, pj, mj, dst, tj, mac, logdir = args
    fig = {"sent": -1, "lost": -1, "rate": -1, "downtime_ms": -1, "pause_ms": -1,
           "lost_before": -1, "lost_pause": -1, "lost_after": -1, "late_to_source": -1,
           "first_frame_ms": -1, "every_na_ms": -1, "nas_updated": 0}
    try:
        p = json.load(open(pj))
    except (OSError, ValueError) as e:
        p = None
        print(f"    FIGURES {label}: no ping stream result: {e}")
    try:
        m = json.load(open(mj))
    except (OSError, ValueError):
        m = {}
    out = print
    if p:
        fig.update(sent=p["sent"], lost=p["lost"], rate=int(p["rate"]))
        out(f"    FIGURES {label}:")
        out(f"      {p['sent']} echo requests at {p['rate']:.0f}/s from server 3, {p['lost']} without reply")
    stop, resume, down = m.get("src_stop"), m.get("dst_resume"), m.get("downtime_ms")
    if not (p and stop and resume):
        out(f"      QEMU: no STOP/RESUME events: {m}")
        write(summary, fig)
        return 0
    fig.update(downtime_ms=down if down is not None else -1, pause_ms=round((resume - stop) * 1000))
    out(f"      QEMU: downtime {down} ms (query-migrate), total {m.get('total_ms')} ms; "
        f"source STOP -> destination RESUME {(resume - stop) * 1000:.0f} ms")
    ls = p["lost_sent"]
    before = sum(1 for t in ls if t < stop)
    pause = sum(1 for t in ls if stop <= t < resume)
    after = sum(1 for t in ls if t >= resume)
    fig.update(lost_before=before, lost_pause=pause, lost_after=after)
    out(f"      lost echoes by send time: {before} before STOP (queued at the source), {pause} "
        f"during the pause, {after} after RESUME")
    try:
        port = json.load(open(tj))["times"]
        late = [t for t in port if t >= resume]
        fig["late_to_source"] = len(late)
        out(f"      echo requests the fabric still carried to the source after RESUME: "
            f"{len(late)} (the network's share of the loss)"
            + (f", the last {(max(late) - resume) * 1000:.1f} ms after RESUME" if late else ""))
        if after > len(late):
            out(f"      the other {after - len(late)} lost after RESUME were not sent to the source: "
                f"the guest's first moments at the destination (TCG)")
    except (OSError, ValueError, KeyError) as e:
        out(f"      no capture on the switch port: {e}")
    # the agents' own clocks: when each NA learned the new place
    ts = {}
    for s in (1, 2, 3):
        try:
            lines = open(f"{logdir}/agent{s}.log").read().splitlines()
        except OSError:
            continue
        for line in lines:
            f = line.split(" ", 1)
            try:
                t = float(f[0])
            except ValueError:
                continue
            if t < m["started"] or s in ts:
                continue
            if str(s) == dst and re.search(rf"HERE tenant \d+ mac_as \d+ {mac} version", line):
                ts[s] = t
            elif str(s) != dst and re.search(
                    rf"HERE tenant \d+ mac_as \d+ {mac} at port {dst} .*: (update|insert)", line):
                ts[s] = t
        if str(s) != dst:
            continue
        for line in lines:
            if "the guest transmitted" not in line:
                continue
            try:
                if float(line.split()[0]) < m["started"]:
                    continue
            except ValueError:
                continue
            fr = re.search(r"ethertype (0x[0-9a-f]+)\) \(frame at ([0-9.]+)", line)
            if fr:
                first = (float(fr.group(2)) - resume) * 1000
                fig["first_frame_ms"] = round(first, 1)
                out(f"      the guest's first frame (ethertype {fr.group(1)}) reached the "
                    f"destination tap {first:.1f} ms after RESUME; "
                    f"its NA acted on it {ms((float(line.split()[0]) - float(fr.group(2))) * 1000)} ms later")
            break
    fig["nas_updated"] = len(ts)
    if ts:
        every = (max(ts.values()) - resume) * 1000
        if len(ts) == 3:
            fig["every_na_ms"] = max(0.0, round(every, 3))
        out("      NAs with the new place, ms after RESUME (agent logs): "
            + ", ".join(f"server {s} {ms((t - resume) * 1000)}" for s, t in sorted(ts.items()))
            + (f"; every NA: {ms(every)} ms" if len(ts) == 3 else "; not all NAs"))
    write(summary, fig)
    return 0


def write(path, fig):
    if path:
        with open(path, "w") as f:
            for k, v in fig.items():
                f.write(f"{k}={v}\n")


if __name__ == "__main__":
    sys.exit(main())

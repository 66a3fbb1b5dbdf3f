#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The layering rules of user/ (docs/architecture.md), read from the build:

  - no cycle among the files of user/, neither of #include "..." nor of
    calls (file A calls a function defined in file B and B, directly or
    through others, calls back into A); calls are read from the objects'
    symbols (nm: what each object defines and what it needs);
  - user/lib/ never includes or calls user/agent/ or user/repo/;
  - no SEC( in a header under bpf/;
  - every .c file of user/ opens with a comment saying what it is for.

Prints one line per check and "layers: N passed, M failed"."""
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
obj = os.path.join(root, os.environ.get("OUTPUT", "build"), "obj")
passed = failed = 0


def check(name, problems):
    global passed, failed
    if problems:
        failed += 1
        print(f"FAIL: {name}")
        for p in problems[:20]:
            print(f"    {p}")
    else:
        passed += 1
        print(f"PASS: {name}")


def sources():
    out = []
    for d in ("user/lib", "user/agent", "user/repo"):
        for f in sorted(os.listdir(os.path.join(root, d))):
            if f.endswith((".c", ".h")):
                out.append(f"{d}/{f}")
    return out


def find_cycle(graph):
    """One cycle as a list of nodes, or None (iterative DFS)."""
    color = {n: 0 for n in graph}
    for start in graph:
        if color[start]:
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        color[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                color[node] = 2
                continue
            if nxt not in color:
                continue
            if color[nxt] == 1:
                return path[path.index(nxt):] + [nxt]
            if color[nxt] == 0:
                color[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(graph[nxt]))))
    return None


files = sources()
names = {}
for f in files:
    names.setdefault(os.path.basename(f), []).append(f)

# ---- includes ----------------------------------------------------------------------------------
inc = {f: set() for f in files}
for f in files:
    here = os.path.dirname(f)
    for line in open(os.path.join(root, f), encoding="utf-8"):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not m:
            continue
        h = m.group(1)
        local = os.path.normpath(os.path.join(here, h))
        if local in inc:
            inc[f].add(local)
        elif os.path.basename(h) in names and "/" not in h:
            inc[f].add(names[os.path.basename(h)][0])
cyc = find_cycle(inc)
check("no include cycle in user/", [" -> ".join(cyc)] if cyc else [])
check("user/lib includes nothing from user/agent or user/repo",
      [f"{f} includes {t}" for f in inc if f.startswith("user/lib/")
       for t in inc[f] if not t.startswith("user/lib/")])

# ---- calls, from the objects ---------------------------------------------------------------------
defs, uses = {}, {}
missing = []
for f in files:
    if not f.endswith(".c"):
        continue
    o = os.path.join(obj, f[:-2] + ".o")
    if not os.path.exists(o):
        missing.append(o)
        continue
    out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
    uses[f] = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            uses[f].add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDRB":
            defs.setdefault(parts[2], f)
check("every object of user/ is built (make build-all first)", missing)
calls = {f: set() for f in uses}
for f, syms in uses.items():
    for s in syms:
        t = defs.get(s)
        if t and t != f:
            calls[f].add(t)
cyc = find_cycle(calls)
check("no call cycle among the files of user/ (from nm)", [" -> ".join(cyc)] if cyc else [])
check("user/lib calls nothing in user/agent or user/repo",
      [f"{f} calls into {t}" for f in calls if f.startswith("user/lib/")
       for t in calls[f] if not t.startswith("user/lib/")])

# ---- BPF: programs only in *.bpf.c --------------------------------------------------------------
bad = []
for d, _, fs in os.walk(os.path.join(root, "bpf")):
    for fn in fs:
        if fn.endswith(".h"):
            p = os.path.join(d, fn)
            for i, line in enumerate(open(p, encoding="utf-8"), 1):
                if re.search(r'\bSEC\("(?!\.maps|license)', line):
                    bad.append(f"{os.path.relpath(p, root)}:{i}: {line.strip()}")
check("no SEC() program in a header under bpf/", bad)

# ---- every C file says what it is for ----------------------------------------------------------
bad = []
for f in files:
    head = open(os.path.join(root, f), encoding="utf-8").read(600)
    if not re.match(r"(//[^\n]*\n)?\s*/\*", head):
        bad.append(f)
check("every file of user/ opens with a comment on its purpose", bad)

print(f"layers: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

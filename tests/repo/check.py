#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Independent checker of na-repo's output (shares no code with the compiler).

usage: check.py [--k K] <topology file> <compiled dir>

Reads the topology itself (docs/repository.md), every switches/<name>.conf and
vlan-table.txt, rebuilds each VLAN from the port memberships and proves:
  - the per-switch files describe exactly the topology's ports and links;
  - both ends of every link agree on its VLANs; VLAN 1 never on an uplink;
  - every VLAN (path and broadcast) is one loop-free tree;
  - the VLAN table lists every ordered pair of edge switches once, (S,S) = 0,
    symmetric sets of 1..min(k,8) VLANs, at least min(k, max-flow) of them;
  - every VLAN listed for a pair connects the pair and is tagged on both
    switches' downlinks; the pair's paths in its VLANs are all different;
  - the broadcast VLAN reaches every edge switch and every server port;
  - every edge switch has one route per downlink port, identical everywhere.
Exits 1 and prints the problems if any check fails.
"""
import collections
import os
import re
import sys

errors = []


def err(msg):
    errors.append(msg)


def parse_topology(path):
    sw = collections.OrderedDict()  # name -> dict
    links = []
    n = 0
    for lineno, line in enumerate(open(path), 1):
        line = line.split('#', 1)[0].split()
        if not line:
            continue
        if line[0] == 'switch':
            name = line[1]
            mac = None
            if 'mac' in line:
                mac = line[line.index('mac') + 1].lower()
            if mac is None:
                idx = n + 1
                mac = '02:4e:4c:%02x:%02x:%02x' % (idx >> 16 & 255, idx >> 8 & 255, idx & 255)
            sw[name] = {'edge': 'edge' in line[2:], 'mac': mac, 'down': set(), 'up': {}}
            n += 1
        elif line[0] == 'link':
            (a, pa), (b, pb) = [x.rsplit(':', 1) for x in line[1:3]]
            links.append((a, int(pa), b, int(pb)))
            sw[a]['up'][int(pa)] = (b, int(pb))
            sw[b]['up'][int(pb)] = (a, int(pa))
        elif line[0] == 'server':
            a, pa = line[1].rsplit(':', 1)
            sw[a]['down'].add(int(pa))
        else:
            raise SystemExit('%s:%d: checker cannot read this line' % (path, lineno))
    return sw, links


def parse_conf(path):
    c = {'down': set(), 'up': {}, 'vlans': collections.defaultdict(dict), 'routes': []}
    for line in open(path):
        w = line.split()
        if not w or w[0].startswith('#'):
            continue
        if w[0] in ('switch', 'mac', 'role'):
            c[w[0]] = w[1]
        elif w[0] == 'port' and w[2] == 'downlink':
            c['down'].add(int(w[1]))
        elif w[0] == 'port' and w[2] == 'uplink':
            c['up'][int(w[1])] = (w[3], int(w[4]))
        elif w[0] == 'port' and w[2] == 'vlan':
            vid = int(w[3])
            mode = ' '.join(w[4:])
            if vid in c['vlans'][int(w[1])]:
                err('%s: port %s lists VLAN %d twice' % (path, w[1], vid))
            c['vlans'][int(w[1])][vid] = mode
        elif w[0] == 'route':
            c['routes'].append(' '.join(w[1:]))
        else:
            err('%s: unknown line %r' % (path, line.strip()))
    return c


def components(nodes, edges):
    parent = {v: v for v in nodes}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    cycle = False
    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra == rb:
            cycle = True
        parent[ra] = rb
    return find, cycle


def tree_path(adj, a, b):
    prev = {a: None}
    q = collections.deque([a])
    while q:
        u = q.popleft()
        for w in adj[u]:
            if w not in prev:
                prev[w] = u
                q.append(w)
    if b not in prev:
        return None
    p = [b]
    while p[-1] != a:
        p.append(prev[p[-1]])
    return tuple(reversed(p))


def maxflow(adjall, s, t, cap):
    """edge-disjoint paths between s and t (unit capacities), at most cap"""
    used = collections.Counter()  # (u,v) flow
    flow = 0
    while flow < cap:
        prev = {s: None}
        q = collections.deque([s])
        while q and t not in prev:
            u = q.popleft()
            for w in adjall[u]:
                if w not in prev and used[(u, w)] - used[(w, u)] < 1:
                    prev[w] = u
                    q.append(w)
        if t not in prev:
            break
        v = t
        while prev[v] is not None:
            used[(prev[v], v)] += 1
            v = prev[v]
        flow += 1
    return flow


def main():
    args = sys.argv[1:]
    k = 4
    if args and args[0] == '--k':
        k = int(args[1])
        args = args[2:]
    topo_path, d = args
    sw, links = parse_topology(topo_path)
    confs = {}
    for name, s in sw.items():
        p = os.path.join(d, 'switches', name + '.conf')
        if not os.path.exists(p):
            err('no configuration for switch %s' % name)
            continue
        c = confs[name] = parse_conf(p)
        if c.get('switch') != name or c.get('mac') != s['mac']:
            err('%s: switch/mac lines wrong (want %s %s)' % (p, name, s['mac']))
        if c.get('role') != ('edge' if s['edge'] else 'core'):
            err('%s: wrong role' % p)
        if c['down'] != s['down'] or c['up'] != s['up']:
            err('%s: ports differ from the topology' % p)
        for port in s['down']:
            if c['vlans'][port].get(1) != 'untagged pvid':
                err('%s: downlink %d is not untagged PVID 1' % (p, port))
        for port in s['up']:
            if 1 in c['vlans'][port]:
                err('%s: uplink %d carries VLAN 1' % (p, port))
        for port, vl in c['vlans'].items():
            if port not in s['down'] and port not in s['up']:
                err('%s: VLANs on unknown port %d' % (p, port))
            for vid, mode in vl.items():
                if vid != 1 and (mode != 'tagged' or not 2 <= vid <= 4094):
                    err('%s: port %d VLAN %d %r' % (p, port, vid, mode))
    if errors:
        return
    # rebuild every VLAN from the link ends
    vlan_edges = collections.defaultdict(list)
    for a, pa, b, pb in links:
        va = set(confs[a]['vlans'][pa])
        vb = set(confs[b]['vlans'][pb])
        if va != vb:
            err('link %s:%d-%s:%d: ends disagree on VLANs %s' % (a, pa, b, pb, sorted(va ^ vb)))
        for v in va & vb:
            vlan_edges[v].append((a, b))
    vlan_nodes = collections.defaultdict(set)
    for name, c in confs.items():
        for port in sw[name]['down']:
            for v in c['vlans'][port]:
                vlan_nodes[v].add(name)
    vlan_adj = {}
    for v in set(vlan_edges) | set(vlan_nodes):
        if v == 1:
            continue
        nodes = set(vlan_nodes[v])
        for a, b in vlan_edges[v]:
            nodes |= {a, b}
        find, cycle = components(nodes, vlan_edges[v])
        roots = {find(x) for x in nodes}
        if cycle or len(roots) != 1 or len(vlan_edges[v]) != len(nodes) - 1:
            err('VLAN %d is not one tree (%d switches, %d links, %d parts, cycle=%s)' %
                (v, len(nodes), len(vlan_edges[v]), len(roots), cycle))
        adj = collections.defaultdict(list)
        for a, b in vlan_edges[v]:
            adj[a].append(b)
            adj[b].append(a)
        vlan_adj[v] = (nodes, adj)
    # the table
    lines = open(os.path.join(d, 'vlan-table.txt')).read().split('\n')
    if lines[-1] != '':
        err('vlan-table.txt does not end with a newline')
    lines = [x for x in lines[:-1] if not x.startswith('#')]
    head = lines[:4]
    if head[0] != 'netlord-vlan-table 1' or not re.fullmatch(r'serial \d+', head[1]):
        err('bad table header %r' % head[:2])
    bm = re.fullmatch(r'broadcast (\d+)', head[2])
    edges = [n for n, s in sw.items() if s['edge']]
    mac2sw = {sw[n]['mac']: n for n in edges}
    if not bm or head[3] != 'switches %d' % len(edges):
        err('bad table header %r' % head[2:4])
        return
    bvlan = int(bm.group(1))
    if lines[-1] != 'end %d' % (len(edges) ** 2):
        err('bad end line %r' % lines[-1])
    table = {}
    for line in lines[4:-1]:
        w = line.split(' ')
        if len(w) != 4 or w[0] != 'pair' or w[1] not in mac2sw or w[2] not in mac2sw:
            err('bad pair line %r' % line)
            continue
        key = (mac2sw[w[1]], mac2sw[w[2]])
        if key in table:
            err('pair %s listed twice' % (key,))
        table[key] = [int(x) for x in w[3].split(',')]
    if len(table) != len(edges) ** 2:
        err('table has %d pairs, want %d' % (len(table), len(edges) ** 2))
    adjall = collections.defaultdict(list)
    for a, pa, b, pb in links:
        adjall[a].append(b)
        adjall[b].append(a)
    for (a, b), vl in sorted(table.items()):
        if a == b:
            if vl != [0]:
                err('pair (%s,%s) must be 0 (untagged), is %s' % (a, b, vl))
            continue
        if table.get((b, a)) is None or sorted(table[(b, a)]) != sorted(vl):
            err('pair (%s,%s) not symmetric' % (a, b))
        if len(set(vl)) != len(vl) or not 1 <= len(vl) <= min(k, 8):
            err('pair (%s,%s): bad VLAN list %s' % (a, b, vl))
        if a < b:
            need = maxflow(adjall, a, b, k)
            if len(vl) < need:
                err('pair (%s,%s): %d VLANs but %d disjoint paths exist' % (a, b, len(vl), need))
        paths = set()
        for v in vl:
            if v == bvlan or v not in vlan_adj:
                err('pair (%s,%s): VLAN %d is not a path VLAN' % (a, b, v))
                continue
            nodes, adj = vlan_adj[v]
            pth = tree_path(adj, a, b) if a in nodes else None
            if pth is None:
                err('pair (%s,%s): VLAN %d does not connect them' % (a, b, v))
                continue
            if pth in paths:
                err('pair (%s,%s): VLAN %d repeats a path' % (a, b, v))
            paths.add(pth)
            for x in (a, b):
                for port in sw[x]['down']:
                    if v not in confs[x]['vlans'][port]:
                        err('%s: downlink %d not in VLAN %d' % (x, port, v))
    # broadcast VLAN
    if bvlan not in vlan_adj:
        err('broadcast VLAN %d does not exist' % bvlan)
    else:
        nodes, adj = vlan_adj[bvlan]
        for x in edges:
            if x not in nodes:
                err('broadcast VLAN misses edge switch %s' % x)
            for port in sw[x]['down']:
                if bvlan not in confs[x]['vlans'][port]:
                    err('%s: server port %d not in the broadcast VLAN' % (x, port))
    # routes
    ref = None
    allports = set()
    for x in edges:
        allports |= sw[x]['down']
    for x in edges:
        if allports & set(sw[x]['up']):
            err('%s: uplink port numbers %s are server ports elsewhere' %
                (x, sorted(allports & set(sw[x]['up']))))
        want = ['10.%d.0.0/16 via 10.%d.0.1 port %d' % (p, p, p) for p in sorted(allports)]
        if confs[x]['routes'] != want:
            err('%s: routes %s, want %s' % (x, confs[x]['routes'], want))
        if ref is None:
            ref = confs[x]['routes']
        elif confs[x]['routes'] != ref:
            err('%s: routes differ from the other edge switches' % x)
    for x in sw:
        if not sw[x]['edge'] and confs[x]['routes']:
            err('%s: a core switch has routes' % x)
    nv = len([v for v in vlan_adj if v != bvlan])
    print('check: %s: %d edge switches, %d pairs, %d path VLANs + broadcast %d' %
          (topo_path, len(edges), len(table), nv, bvlan))


main()
if errors:
    for e in errors[:30]:
        print('check: ERROR', e)
    print('check: %d problems' % len(errors))
    sys.exit(1)

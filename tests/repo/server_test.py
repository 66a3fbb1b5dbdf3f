#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Tests of `na-repo serve` over 127.0.0.1 (run by tests/repo/server.sh)."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

NAREPO = sys.argv[1]
tmp = tempfile.mkdtemp()
passed = failed = 0
T0 = time.time()


def check(name, cond, detail=''):
    global passed, failed
    if cond:
        passed += 1
        print('ok:', name)
    else:
        failed += 1
        print('FAIL:', name, detail)


def compile_table(serial, topo_args=('fattree', '16')):
    topo = os.path.join(tmp, 'topo')
    with open(topo, 'w') as f:
        subprocess.run([NAREPO, 'gen'] + list(topo_args), stdout=f, check=True)
    subprocess.run([NAREPO, 'compile', '--serial', str(serial), '-o', os.path.join(tmp, 'out'),
                    topo], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(tmp, 'out', 'vlan-table.txt'), 'rb') as f:
        return f.read()


def request(raw, timeout=10):
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    s.sendall(raw)
    data = b''
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    return data


def split(resp):
    head, _, body = resp.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    hdr = {}
    for line in lines[1:]:
        k, _, v = line.partition(':')
        hdr[k.strip().lower()] = v.strip()
    return lines[0], hdr, body


def wait_log(pattern, timeout=15):
    """until the server's log matches (a reload of 14 MB is slow on a loaded machine)"""
    for _ in range(int(timeout / 0.05)):
        log.seek(0)
        if re.search(pattern, log.read()):
            return True
        time.sleep(0.05)
    return False


def start_server(args, prefix=(), logname='log3'):
    """another na-repo serve on the same directory: (process, port)"""
    lf = open(os.path.join(tmp, logname), 'w+')
    p = subprocess.Popen(list(prefix) + [NAREPO, 'serve', '--listen', '127.0.0.1:0'] + args +
                         [os.path.join(tmp, 'out')], stderr=lf)
    p.logfile = lf
    for _ in range(200):
        time.sleep(0.05)
        lf.seek(0)
        m = re.search(r'serving serial \d+ on 127\.0\.0\.1:(\d+)', lf.read())
        if m:
            return p, int(m.group(1))
    p.kill()
    raise RuntimeError('na-repo serve %s did not start' % args)


def get(path='/v1/vlan-table', extra=b''):
    return split(request(b'GET ' + path.encode() + b' HTTP/1.1\r\nHost: x\r\n' + extra + b'\r\n'))


body42 = compile_table(42)
log = open(os.path.join(tmp, 'log'), 'w+')
srv = subprocess.Popen([NAREPO, 'serve', '--listen', '127.0.0.1:0', '--timeout-ms', '500',
                        os.path.join(tmp, 'out')], stderr=log)
port = None
for _ in range(100):
    time.sleep(0.05)
    log.seek(0)
    m = re.search(r'serving serial 42 on 127\.0\.0\.1:(\d+)', log.read())
    if m:
        port = int(m.group(1))
        break
if port is None:
    print('server did not start')
    srv.kill()
    print('repo-server: 0 passed, 1 failed')
    sys.exit(1)

try:
    st, h, b = get()
    check('GET returns the table', st == 'HTTP/1.1 200 OK' and b == body42, st)
    check('headers: text/plain, length, ETag = serial',
          h.get('content-type', '').startswith('text/plain') and
          h.get('content-length') == str(len(body42)) and h.get('etag') == '"42"', h)
    st, h, b = split(request(b'HEAD /v1/vlan-table HTTP/1.0\r\n\r\n'))
    check('HEAD: headers only', st.endswith('200 OK') and b == b'' and
          h.get('content-length') == str(len(body42)), st)
    st, h, b = get(extra=b'If-None-Match: "42"\r\n')
    check('If-None-Match current serial -> 304', st.endswith('304 Not Modified') and b == b'', st)
    st, h, b = get(extra=b'If-None-Match: "41"\r\n')
    check('If-None-Match old serial -> 200', st.endswith('200 OK') and b == body42, st)
    # per-switch rows: the file compile wrote, the same ETag, 304, 404 for unknown switches
    rows = sorted(os.listdir(os.path.join(tmp, 'out', 'rows')))
    check('compile wrote one row per edge switch (fat tree k=16: 128)', len(rows) == 128,
          len(rows))
    with open(os.path.join(tmp, 'out', 'rows', rows[5]), 'rb') as f:
        row5 = f.read()
    st, h, b = get('/v1/row/' + rows[5])
    check('GET /v1/row/<mac> returns the row file', st.endswith('200 OK') and b == row5 and
          h.get('etag') == '"42"' and b.startswith(b'netlord-vlan-row 1\nserial 42\n'), st)
    check('a row is ~1/128 of the table', 100 * len(b) < len(body42), (len(b), len(body42)))
    st, h, b = get('/v1/row/' + rows[5], extra=b'If-None-Match: "42"\r\n')
    check('row: If-None-Match current serial -> 304', st.endswith('304 Not Modified') and
          b == b'', st)
    st, h, b = get('/v1/row/' + rows[5].upper())
    check('row: MAC in upper case -> the same row', st.endswith('200 OK') and b == row5, st)
    for bad in ('02:4e:4c:ff:ff:ff', '02:4e:4c:00:00', 'x', '', rows[5] + '/x'):
        check('row of %r -> 404' % bad, get('/v1/row/' + bad)[0].startswith('HTTP/1.1 404'))
    check('unknown path -> 404', get('/v1/other')[0].startswith('HTTP/1.1 404'))
    check('query string -> 404', get('/v1/vlan-table?x=1')[0].startswith('HTTP/1.1 404'))
    st, h, b = split(request(b'POST /v1/vlan-table HTTP/1.1\r\nContent-Length: 0\r\n\r\n'))
    check('POST -> 405 with Allow', st.startswith('HTTP/1.1 405') and 'GET' in h.get('allow', ''))
    # malformed requests: refused (libmicrohttpd answers 400, 431 or 505, or closes at
    # once when the bytes are not HTTP at all); never a crash.  It accepts two spaces
    # between the method and the target, as RFC 9112 section 3 lets a server do.
    garbage = [(b'HELLO\r\n\r\n', (b'400', b'closed')),
               (b'GET /v1/vlan-table\r\n\r\n', (b'400',)),
               (b'GET /v1/vlan-table HTTP/2.0\r\n\r\n', (b'505',)),
               (b'\x00\xff\xfe garbage\r\n\r\n', (b'400', b'closed')),
               (b'GET /v1/vlan-table HTTP/1.1\r\nno colon here\r\n\r\n', (b'400',)),
               (b'GET /v1/vlan-table HTTP/1.1\r\nX: ' + b'a' * 20000 + b'\r\n\r\n', (b'431', b'closed')),
               (bytes(range(256)) * 8 + b'\r\n\r\n', (b'400', b'closed'))]
    codes = []
    for g, allowed in garbage:
        try:
            r = request(g)
            code = r.split(b' ', 2)[1] if r else b'closed'
        except (OSError, IndexError) as e:
            code = repr(e).encode()
        codes.append((code, allowed))
    check('garbage requests refused (400/431/505 or closed)',
          all(c in a for c, a in codes), codes)
    check('server alive after the garbage', get()[2] == body42)
    check('request without the blank line: closed at the timeout, no response',
          request(b'GET /v1/vlan-table HTTP/1.1\r\n') == b'')
    check('client that closes at once: server fine', request(b'') == b'' and get()[2] == body42)

    # slow clients must not block others
    slow = []
    for _ in range(30):
        s = socket.create_connection(('127.0.0.1', port))
        s.sendall(b'GET /v1/vla')
        slow.append(s)
    t0 = time.time()
    st, h, b = get()
    check('30 slowloris clients do not delay a normal one',
          b == body42 and time.time() - t0 < 0.4, time.time() - t0)
    time.sleep(0.8)
    closed = 0
    for s in slow:
        s.settimeout(2)
        try:
            closed += s.recv(10) == b''
        except OSError:
            closed += 1
        s.close()
    check('slow clients are cut at the per-connection timeout', closed == 30, closed)

    # a request trickled one byte at a time still ends at the absolute deadline (500 ms)
    s = socket.create_connection(('127.0.0.1', port))
    cut = False
    for i in range(40):  # 4 s of trickling, far past the deadline
        try:
            s.sendall(b'GET /v1/vlan-table HTTP/1.1\r\nX-Slow: '[i % 10:i % 10 + 1])
        except OSError:
            cut = True
            break
        time.sleep(0.1)
    if not cut:
        s.settimeout(2)
        try:
            cut = s.recv(10) == b''
        except OSError:
            cut = True
    s.close()
    check('a request trickled byte by byte is cut at its deadline', cut)
    # many concurrent clients, each reading the whole document
    results = []

    def client():
        try:
            results.append(get()[2] == body42)
        except OSError:
            results.append(False)
    th = [threading.Thread(target=client) for _ in range(64)]
    for t in th:
        t.start()
    for t in th:
        t.join(30)
    check('64 concurrent clients get the full table', len(results) == 64 and all(results),
          '%d/%d' % (sum(results), len(results)))

    # SIGHUP with a new table
    body43 = compile_table(43, ('fattree', '32'))  # 14 MB: more than the socket buffers
    srv.send_signal(signal.SIGHUP)
    wait_log(r'serial 42 -> 43')
    st, h, b = get()
    check('SIGHUP loads the new table', h.get('etag') == '"43"' and b == body43, h.get('etag'))
    st, h, b = get('/v1/row/02:4e:4c:00:00:01', extra=b'If-None-Match: "42"\r\n')
    with open(os.path.join(tmp, 'out', 'rows', '02:4e:4c:00:00:01'), 'rb') as f:
        check('SIGHUP: rows of the new table, an old ETag -> 200',
              st.endswith('200 OK') and h.get('etag') == '"43"' and b == f.read(), st)
    # a download in progress during a reload completes with the table it started with
    body44 = compile_table(44)  # written now, loaded at the next SIGHUP
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.sendall(b'GET /v1/vlan-table HTTP/1.1\r\n\r\n')
    got = []

    def slow_reader():  # about 1.6 MB/s: the 14 MB download spans the reload
        while True:
            x = s.recv(32768)
            if not x:
                break
            got.append(x)
            time.sleep(0.02)
    rd = threading.Thread(target=slow_reader)
    rd.start()
    time.sleep(0.2)
    srv.send_signal(signal.SIGHUP)
    running = rd.is_alive()
    wait_log(r'serial 43 -> 44')
    st, h, b = get()
    check('second SIGHUP while a download runs', h.get('etag') == '"44"' and b == body44)
    rd.join(60)
    s.close()
    rest = b''.join(got)
    check('a download started before SIGHUP completes with the old table',
          running and split(rest)[2] == body43 and split(rest)[1].get('etag') == '"43"',
          (running, len(rest)))

    # a reader that takes a few bytes at a time holds its connection only until its deadline
    # (500 ms + the answer's size at 256 KiB/s): with --max-conns 1 the next client waits
    # in the backlog and is served once the slow one is cut
    srv3, port3 = start_server(['--max-conns', '1', '--timeout-ms', '500'])
    slow = socket.create_connection(('127.0.0.1', port3))
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.sendall(b'GET /v1/vlan-table HTTP/1.1\r\n\r\n')
    slow_got = [0]

    def trickle():  # 3 KB/s: 867 KB would take minutes
        slow.settimeout(1)
        try:
            while True:
                x = slow.recv(64)
                if not x:
                    break
                slow_got[0] += len(x)
                time.sleep(0.02)
        except OSError:
            pass
    tr = threading.Thread(target=trickle)
    tr.start()
    time.sleep(0.3)
    saved, port = port, port3
    try:
        st, h, b = split(request(b'GET /v1/vlan-table HTTP/1.1\r\n\r\n', timeout=30))
        served = b == body44
    except OSError as e:
        served = repr(e)
    port = saved
    check('a slow reader is cut at its deadline: the next client is served (%d bytes '
          'read slowly)' % slow_got[0], served is True and slow_got[0] < len(body44), served)
    slow.close()
    tr.join(5)
    srv3.send_signal(signal.SIGTERM)
    srv3.wait(5)

    # a low descriptor limit: connections capped below it, no busy loop while at the cap
    srv2, port2 = start_server(['--timeout-ms', '4000'], ['prlimit', '--nofile=48'], 'log2')
    log2 = srv2.logfile
    held = []
    for _ in range(80):  # more than 48 descriptors
        c = socket.create_connection(('127.0.0.1', port2))
        c.sendall(b'GET /v1/vla')
        held.append(c)
    time.sleep(0.3)

    def cpu():
        with open('/proc/%d/stat' % srv2.pid) as f:
            v = f.read().rsplit(')', 1)[1].split()
        return (int(v[11]) + int(v[12])) / os.sysconf('SC_CLK_TCK')
    c0, w0 = cpu(), time.time()
    time.sleep(1.5)
    used = (cpu() - c0) / (time.time() - w0)
    log2.seek(0)
    check('ulimit -n 48 with 80 clients: capped, not spinning (%.0f%% of a CPU)' % (used * 100),
          used < 0.25 and 'at most 32 connections' in log2.read(), used)
    for c in held:
        c.close()
    time.sleep(0.3)
    saved, port = port, port2
    check('low descriptor limit: serves again once the clients left', get()[2] == body44)
    port = saved
    srv2.send_signal(signal.SIGTERM)
    srv2.wait(5)

    # SIGHUP with a broken table: keep serving the last good one
    path = os.path.join(tmp, 'out', 'vlan-table.txt')
    with open(path, 'ab') as f:
        f.write(b'pair garbage\n')
    srv.send_signal(signal.SIGHUP)
    wait_log(r'reload failed, keeping serial 44')
    st, h, b = get()
    log.seek(0)
    check('SIGHUP with an invalid table keeps the old one and logs why',
          h.get('etag') == '"44"' and b == body44 and
          re.search(r'reload failed, keeping serial 44: .*line \d+', log.read()))
    check('server still running', srv.poll() is None)
    srv.send_signal(signal.SIGTERM)
    check('SIGTERM: clean exit', srv.wait(5) == 0)
finally:
    if srv.poll() is None:
        srv.kill()
    shutil.rmtree(tmp)
print('repo-server: %d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)

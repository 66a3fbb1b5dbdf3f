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
    check('unknown path -> 404', get('/v1/other')[0].startswith('HTTP/1.1 404'))
    check('query string -> 404', get('/v1/vlan-table?x=1')[0].startswith('HTTP/1.1 404'))
    st, h, b = split(request(b'POST /v1/vlan-table HTTP/1.1\r\nContent-Length: 0\r\n\r\n'))
    check('POST -> 405 with Allow', st.startswith('HTTP/1.1 405') and 'GET' in h.get('allow', ''))
    garbage = [b'HELLO\r\n\r\n', b'GET /v1/vlan-table\r\n\r\n', b'GET /v1/vlan-table HTTP/2.0\r\n\r\n',
               b'GET  /v1/vlan-table HTTP/1.1\r\n\r\n', b'\x00\xff\xfe garbage\r\n\r\n',
               b'GET /v1/vlan-table HTTP/1.1\r\nno colon here\r\n\r\n',
               b'GET /v1/vlan-table HTTP/1.1\r\nX: ' + b'a' * 20000 + b'\r\n\r\n',
               bytes(range(256)) * 8 + b'\r\n\r\n']
    codes = []
    for g in garbage:
        try:
            codes.append(request(g).split(b' ', 2)[1])
        except (OSError, IndexError) as e:
            codes.append(repr(e).encode())
    check('garbage requests -> 400/431', all(c in (b'400', b'431') for c in codes), codes)
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
    time.sleep(0.5)
    st, h, b = get()
    check('SIGHUP loads the new table', h.get('etag') == '"43"' and b == body43, h.get('etag'))
    # a download in progress during a reload completes with the table it started with
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.sendall(b'GET /v1/vlan-table HTTP/1.1\r\n\r\n')
    got = []

    def slow_reader():  # about 6 MB/s: the 14 MB download spans the reload
        while True:
            x = s.recv(32768)
            if not x:
                break
            got.append(x)
            time.sleep(0.005)
    rd = threading.Thread(target=slow_reader)
    rd.start()
    time.sleep(0.2)
    body44 = compile_table(44)
    srv.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    st, h, b = get()
    check('second SIGHUP while a download runs', h.get('etag') == '"44"' and b == body44)
    running = rd.is_alive()
    rd.join(30)
    s.close()
    rest = b''.join(got)
    check('a download started before SIGHUP completes with the old table',
          running and split(rest)[2] == body43 and split(rest)[1].get('etag') == '"43"',
          (running, len(rest)))

    # SIGHUP with a broken table: keep serving the last good one
    path = os.path.join(tmp, 'out', 'vlan-table.txt')
    with open(path, 'ab') as f:
        f.write(b'pair garbage\n')
    srv.send_signal(signal.SIGHUP)
    time.sleep(0.3)
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

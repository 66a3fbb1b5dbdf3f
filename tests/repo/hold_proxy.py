#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# An HTTP proxy in front of etcd's JSON gateway that holds publishers'
# commits (tests/repo/etcd_concurrent.sh; patent [0012], docs/repository.md
# "The repository on etcd"): a POST /v3/kv/txn that puts <prefix>/current
# (na-repo publish's commit) is held while CTL/hold exists: the proxy
# creates CTL/held.<n> (n = 1, 2, ... in arrival order) and forwards the
# request only once CTL/release.<n> exists, so a test orders two
# publishers' transactions exactly, without timing.  Everything else is
# forwarded at once.  Test scaffolding only: no production code path.
#
#   hold_proxy.py LISTEN_PORT ETCD_URL CTL_DIR CURRENT_KEY
import base64, http.server, json, os, sys, threading, time, urllib.error, urllib.request

port, upstream, ctl, current = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cur64 = base64.b64encode(current.encode()).decode()
lock = threading.Lock()
count = 0


def is_commit(path, body):
    if path != '/v3/kv/txn':
        return False
    try:
        req = json.loads(body)
    except ValueError:
        return False
    return any(op.get('request_put', {}).get('key') == cur64 for op in req.get('success', []))


class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        if is_commit(self.path, body) and os.path.exists(os.path.join(ctl, 'hold')):
            with lock:
                count += 1
                n = count
            open(os.path.join(ctl, 'held.%d' % n), 'w').close()
            while not os.path.exists(os.path.join(ctl, 'release.%d' % n)):
                time.sleep(0.02)
        req = urllib.request.Request(upstream + self.path, data=body,
                                     headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                code, data = r.status, r.read()
        except urllib.error.HTTPError as e:
            code, data = e.code, e.read()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)


srv = http.server.ThreadingHTTPServer(('127.0.0.1', port), H)
open(os.path.join(ctl, 'listening'), 'w').close()
srv.serve_forever()

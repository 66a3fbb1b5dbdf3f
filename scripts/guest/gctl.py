#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Host side of the QEMU-guest tests (issue 12; the VMs of patent
[0019]-[0026] and their live migration, [0034]-[0035]).

  gctl.py exec SOCK [--timeout S] -- COMMAND...
      run a shell command in the guest over its control serial port (a QEMU
      unix-socket chardev, scripts/guest/init.sh serves it); prints the
      output, exits with the command's status (124: timeout).
  gctl.py qmp SOCK COMMAND [JSON-ARGS]
      one QMP command; prints the "return" value as JSON.
  gctl.py migrate SRC-QMP DST-QMP URI [--timeout S]
      live migration with QEMU's own migration: `migrate` on the source,
      the source's STOP and the destination's RESUME events and the final
      `query-migrate` collected; prints one JSON object (status,
      downtime_ms, total_ms, stop/resume wall-clock times).
"""
import json
import os
import secrets
import select
import socket
import sys
import time


def die(msg, rc=2):
    print(f"gctl: {msg}", file=sys.stderr)
    sys.exit(rc)


def connect(path, timeout=10.0):
    end = time.time() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError as e:
            s.close()
            if time.time() > end:
                die(f"cannot connect to {path}: {e}")
            time.sleep(0.1)


def cmd_exec(args):
    timeout = 60.0
    if "--" in args:
        i = args.index("--")
        opts, args = args[:i], args[i + 1:]
        if "--timeout" in opts:
            timeout = float(opts[opts.index("--timeout") + 1])
        args = [opts[0]] + args if opts else args
    if len(args) < 2:
        die("usage: exec SOCK [--timeout S] -- COMMAND...")
    path, command = args[0], " ".join(args[1:])
    if "\n" in command:
        die("the command must be one line")
    nonce = secrets.token_hex(6)
    s = connect(path)
    s.sendall(f"{nonce} {command}\n".encode())
    begin, end_tag = f"@@BEGIN={nonce}@@".encode(), f"@@RC={nonce}:".encode()
    buf = b""
    started = False
    deadline = time.time() + timeout
    out = sys.stdout.buffer
    while True:
        left = deadline - time.time()
        if left <= 0:
            print(f"gctl: timeout after {timeout:.0f} s: {command}", file=sys.stderr)
            return 124
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        chunk = s.recv(65536)
        if not chunk:
            die("the guest's control socket closed")
        buf += chunk
        if not started:
            i = buf.find(begin)
            if i < 0:
                buf = buf[-len(begin):]
                continue
            buf = buf[i + len(begin):].lstrip(b"\r\n")
            started = True
        i = buf.find(end_tag)
        if i >= 0:
            j = buf.find(b"@@", i + len(end_tag))
            if j < 0:
                continue
            out.write(buf[:i])
            out.flush()
            return int(buf[i + len(end_tag):j])
        # keep a tail that may hold the start of the end tag
        keep = len(end_tag) + 8
        if len(buf) > keep:
            out.write(buf[:-keep])
            buf = buf[-keep:]


class Qmp:
    def __init__(self, path):
        self.s = connect(path)
        self.f = self.s.makefile("rwb", buffering=0)
        self.events = []
        greeting = self._read()
        if "QMP" not in greeting:
            die(f"{path}: no QMP greeting")
        self.cmd("qmp_capabilities")

    def _read(self):
        line = self.f.readline()
        if not line:
            die("QMP connection closed")
        return json.loads(line)

    def cmd(self, name, arguments=None):
        msg = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        self.f.write(json.dumps(msg).encode() + b"\n")
        while True:
            m = self._read()
            if "event" in m:
                self.events.append(m)
            elif "error" in m:
                die(f"QMP {name}: {m['error'].get('desc')}", 1)
            elif "return" in m:
                return m["return"]

    def poll_events(self, timeout):
        r, _, _ = select.select([self.s], [], [], timeout)
        if r:
            m = self._read()
            if "event" in m:
                self.events.append(m)

    def first_event(self, name):
        for e in self.events:
            if e["event"] == name:
                t = e["timestamp"]
                return t["seconds"] + t["microseconds"] / 1e6
        return None


def cmd_qmp(args):
    if len(args) < 2:
        die("usage: qmp SOCK COMMAND [JSON-ARGS]")
    q = Qmp(args[0])
    ret = q.cmd(args[1], json.loads(args[2]) if len(args) > 2 else None)
    print(json.dumps(ret))
    return 0


def cmd_migrate(args):
    timeout = 120.0
    if "--timeout" in args:
        i = args.index("--timeout")
        timeout = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        die("usage: migrate SRC-QMP DST-QMP URI [--timeout S]")
    src, dst = Qmp(args[0]), Qmp(args[1])
    src.cmd("migrate-set-capabilities",
            {"capabilities": [{"capability": "events", "state": True}]})
    t0 = time.time()
    src.cmd("migrate", {"uri": args[2]})
    status, info = "setup", {}
    while time.time() - t0 < timeout:
        info = src.cmd("query-migrate")
        status = info.get("status", "?")
        if status in ("completed", "failed", "cancelled"):
            break
        src.poll_events(0.02)
        dst.poll_events(0.0)
    # QEMU sets "completed" before it fills in the times: ask again
    for _ in range(20):
        if status != "completed" or info.get("total-time"):
            break
        time.sleep(0.05)
        info = src.cmd("query-migrate")
    # the destination's RESUME may follow the source's "completed" closely
    end = time.time() + 5
    while dst.first_event("RESUME") is None and time.time() < end:
        dst.poll_events(0.05)
    dst_status = dst.cmd("query-status")
    res = {
        "status": status,
        "downtime_ms": info.get("downtime"),
        "total_ms": info.get("total-time"),
        "setup_ms": info.get("setup-time"),
        "ram_transferred": info.get("ram", {}).get("transferred"),
        "started": t0,
        "src_stop": src.first_event("STOP"),
        "dst_resume": dst.first_event("RESUME"),
        "dst_running": dst_status.get("running"),
    }
    print(json.dumps(res))
    return 0 if status == "completed" and res["dst_running"] else 1


def main():
    if len(sys.argv) < 2:
        die(__doc__)
    verb, args = sys.argv[1], sys.argv[2:]
    fn = {"exec": cmd_exec, "qmp": cmd_qmp, "migrate": cmd_migrate}.get(verb)
    if not fn:
        die(f"unknown verb {verb}")
    sys.exit(fn(args))


if __name__ == "__main__":
    main()

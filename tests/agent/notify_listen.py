#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A stand-in for systemd's notification socket (sd_notify(3)) in
tests/agent/ops.sh: binds a unix datagram socket at argv[1] and appends
every message it receives to argv[2], one line each, its variables joined
by '|'.  Runs until killed."""
import os
import socket
import sys

path, log = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(log, "a", buffering=1) as out:
    while True:
        msg = s.recv(4096).decode("utf-8", "replace")
        out.write("|".join(msg.strip().split("\n")) + "\n")

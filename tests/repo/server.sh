#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# na-repo serve: protocol, concurrency, garbage, slow clients, SIGHUP reload.
cd "$(dirname "$0")/../.." || exit 1
exec timeout 120 python3 tests/repo/server_test.py "${NAREPO:-build/na-repo}"

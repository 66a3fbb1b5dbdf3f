#!/usr/bin/env bash
# The same BPF objects and packet tests on Debian's stock 6.1 kernel, in a
# qemu kernel VM (scripts/vm/run.sh): proves the datapath loads and behaves
# on the oldest kernel we support, not only on the development host's.
set -euo pipefail
cd "$(dirname "$0")/../.."
# route_reference (800 random addresses through user/agent/vrouter.c and the
# datapath against nl_tenant_lookup) is left to the host run: it checks user
# space against the datapath, not the kernel, and under TCG it made this run
# outlive its timeout; every other route test runs here.
exec scripts/vm/run.sh --timeout 1500 -- build/tests/test_datapath --ascii --filter '!(route_reference)/*'

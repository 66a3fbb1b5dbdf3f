#!/usr/bin/env bash
# The same BPF objects and packet tests on Debian's stock 6.1 kernel, in a
# qemu kernel VM (scripts/vm/run.sh): proves the datapath loads and behaves
# on the oldest kernel we support, not only on the development host's.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec scripts/vm/run.sh --timeout 1500 -- build/tests/test_datapath --ascii

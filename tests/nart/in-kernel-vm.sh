#!/usr/bin/env bash
# The compact NART tests on Debian's stock 6.1 kernel in a qemu kernel VM
# (scripts/vm/run.sh): the lookup helpers must pass that verifier too.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec scripts/vm/run.sh --timeout 900 -- build/tests/test_nart_table --ascii

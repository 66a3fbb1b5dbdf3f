#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Tenant multicast across the core of the emulated data center (issue 11;
# docs/wire-format.md section 3): one fabric kernel run (the kernel VM
# here) of tests/dc/flood-guest.sh.
# Last line: "dc-flood: N passed, M failed".  Needs root, build/na-loader,
# build/na-repo, qemu (or a fabric-capable host kernel), lldpd, python3.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/driver.sh
. "$repo/tests/dc/lib/driver.sh"
dc_driver_init dc-flood nlf
dc_driver_run "${FLOOD_TIMEOUT:-600}" tests/dc/flood-guest.sh "$repo/topologies/demo.vms"
[ "$FAIL" -eq 0 ] || dc_driver_tails mcast.err agent-edge1-1.log dc-up.err
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The emulated data center with VMs configured only by a DHCP client and
# SLAAC (issue 11, docs/dhcp.md): one fabric kernel run (the kernel VM
# here) of tests/dc/dhcp-guest.sh with tests/dc/dhcp.vms.
# Last line: "dc-dhcp: N passed, M failed".  Needs root, build/na-loader,
# build/na-repo, qemu (or a fabric-capable host kernel), lldpd, dhclient.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/driver.sh
. "$repo/tests/dc/lib/driver.sh"
dc_driver_init dc-dhcp nlh
need dhclient "apt-get install isc-dhcp-client"
dc_driver_run 400 tests/dc/dhcp-guest.sh "$here/dhcp.vms"
[ "$FAIL" -eq 0 ] || dc_driver_tails agent-edge1-1.log dhclient-d1.log dc-up.err
finish

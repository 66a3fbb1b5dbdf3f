# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The hostile-fabric suite (tests/hostile/, issue 10 item 5): a host on an
# edge-switch port sends forged, wrong-key, replayed and flooding NL-ARP at
# two agents in network namespaces while their VMs ping each other (root,
# lldpd, python3).  It runs the agent `make` builds (NA_LOADER, agent.mk).

TEST_SCRIPTS += tests/hostile/hostile.sh
test: $(OUTPUT)/na-loader

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The emulated data center (issue 5, docs/emulated-dc.md): scripts/dc/ builds
# a fabric of VLAN-aware Linux bridges in network namespaces from na-repo
# compile output; it needs 8021q and VLAN-aware bridges, so on hosts without
# them it runs in the kernel VM (scripts/vm/).
.PHONY: dc-compile dc-test

DC_TOPO ?= topologies/demo.topo
DC_DIR ?= $(OUTPUT)/dc/demo
DC_TENANTS ?= topologies/demo.tenants

# na-repo output for the demo topology (k = 2: one path through each core),
# with the demo's tenant networks (docs/tenants.md; served to the agents with their rows)
$(DC_DIR)/vlan-table.txt: $(DC_TOPO) $(DC_TENANTS) $(OUTPUT)/na-repo
	$(OUTPUT)/na-repo check-topo $(DC_TOPO)
	$(OUTPUT)/na-repo check-tenants $(DC_TENANTS)
	mkdir -p $(dir $(DC_DIR))
	$(OUTPUT)/na-repo compile -k 2 --tenants $(DC_TENANTS) -o $(DC_DIR) $(DC_TOPO)

dc-compile: $(DC_DIR)/vlan-table.txt

# The fabric test alone (one kernel VM boot, about 1-2 minutes under TCG).
dc-test: $(OUTPUT)/na-repo
	tests/dc/test_fabric.sh

TEST_SCRIPTS += tests/dc/test_fabric.sh

# make demo: build, start the emulated data center (host kernel or kernel VM),
# show traffic, migration and FDB sizes, tear down (scripts/dc/demo.sh); then
# real QEMU guests on tap VIFs on the host (scripts/dc/demo-guests.sh).
.PHONY: demo
demo: $(OUTPUT)/na-loader $(OUTPUT)/na-repo dc-compile
	scripts/dc/demo.sh

# End-to-end test with agents and VMs (one kernel VM boot, 4-5 minutes
# under TCG): tests/dc/test_e2e.sh.
.PHONY: dc-e2e
dc-e2e: $(OUTPUT)/na-loader $(OUTPUT)/na-repo
	tests/dc/test_e2e.sh

TEST_SCRIPTS += tests/dc/test_e2e.sh

# Live migration in both orders at 1,000 pps, agents restarted mid-way (one
# kernel VM boot; 4 minutes on a quiet 2-core host, 10.5 at load 16):
# tests/dc/test_migration.sh.
.PHONY: dc-migration
dc-migration: $(OUTPUT)/na-loader $(OUTPUT)/na-repo
	tests/dc/test_migration.sh

TEST_SCRIPTS += tests/dc/test_migration.sh

# make bench-dc: migration convergence and loss at 1,000 pps, core FDB sizes
# for 10/100/1,000 VMs, NetLord vs plain VLAN bridging (printed, not asserted).
.PHONY: bench-dc
bench-dc: $(OUTPUT)/na-loader $(OUTPUT)/na-repo dc-compile
	scripts/dc/bench-dc.sh

BENCH_TARGETS += bench-dc

# Tenant multicast across the core (issue 11; one kernel VM boot, about
# 3 minutes under TCG on a quiet host, most of it bringing the data center
# up): tests/dc/test_flood.sh.
.PHONY: dc-flood
dc-flood: $(OUTPUT)/na-loader $(OUTPUT)/na-repo
	tests/dc/test_flood.sh

TEST_SCRIPTS += tests/dc/test_flood.sh

# VMs configured only by dhclient and SLAAC from the agents (issue 11,
# docs/dhcp.md; one kernel VM boot): tests/dc/test_dhcp.sh.
.PHONY: dc-dhcp
dc-dhcp: $(OUTPUT)/na-loader $(OUTPUT)/na-repo
	tests/dc/test_dhcp.sh

TEST_SCRIPTS += tests/dc/test_dhcp.sh

# Gateways of the public tenant (issue 16 item 3, docs/tenants.md): the outside
# host reached from a public VM and reaching it through two gateway VMs, a
# tenant without a public VIF isolated, an appliance route, one gateway
# stopped under traffic (one kernel VM boot): tests/dc/test_gateway.sh.
.PHONY: dc-gateway
dc-gateway: $(OUTPUT)/na-loader $(OUTPUT)/na-repo
	tests/dc/test_gateway.sh

TEST_SCRIPTS += tests/dc/test_gateway.sh

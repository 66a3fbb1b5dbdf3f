# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The hypervisor's DHCP server and router advertisements (issue 11,
# docs/dhcp.md): the codecs' byte-exact tests against scapy, the per-subnet
# settings, the fuzzer over the production parsers.

DHCP_UNIT := $(OUTPUT)/tests/test_dhcp
DHCP_UNIT_OBJS := $(call objs,tests/unit/test_dhcp.c user/agent/config.c user/agent/subnets.c)

$(call objs,tests/unit/test_dhcp.c): CPPFLAGS += -Iuser/agent

$(DHCP_UNIT): $(DHCP_UNIT_OBJS) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion -linih

TEST_BINS += $(DHCP_UNIT)

# real dhclient and the kernel's SLAAC against two agents in namespaces
TEST_SCRIPTS += tests/agent/dhcp.sh

# the fuzzer tests/fuzz/fuzz_dhcp.c is built in mk/unit.mk (FUZZ_DIR is defined there)

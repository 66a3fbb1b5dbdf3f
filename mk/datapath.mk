# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The BPF datapath (bpf/) and its packet-level tests (tests/datapath/); the
# do-nothing baselines of the benchmark are a test program (tests/progs/).

SKELS += $(OUTPUT)/netlord.skel.h $(OUTPUT)/progs/baseline.skel.h
# the datapath without the monitor hook: bench-datapath's "before" (issue 14)
SKELS += $(OUTPUT)/progs/netlord_nomon.skel.h

# the world writes the compact NARTs with the agent's writer (libnetlord)
WORLD_OBJS := $(call objs,tests/lib/world.c)
DATAPATH_TEST_OBJS := $(call objs,$(wildcard tests/datapath/*.c)) $(WORLD_OBJS)
# test_route.c's reference check writes the tables with the agent's own code
DATAPATH_TEST_OBJS += $(call objs,user/agent/vrouter.c user/agent/local_vifs.c)
$(call objs,tests/datapath/test_route.c): CPPFLAGS += -Iuser/agent
DATAPATH_TEST := $(OUTPUT)/tests/test_datapath

$(DATAPATH_TEST_OBJS) $(call objs,tests/bench/bench_datapath.c): CPPFLAGS += -Itests/datapath -Itests/lib

$(DATAPATH_TEST): $(DATAPATH_TEST_OBJS) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(DATAPATH_TEST)

# ns per packet of each datapath program against do-nothing baselines
DATAPATH_BENCH := $(OUTPUT)/bench/bench_datapath

$(DATAPATH_BENCH): $(call objs,tests/bench/bench_datapath.c) $(WORLD_OBJS) $(LIBNETLORD) \
		| $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF)

.PHONY: bench-datapath
bench-datapath: $(DATAPATH_BENCH)
	$(DATAPATH_BENCH)

BENCH_TARGETS += bench-datapath

# tenant broadcast: broadcast VLAN vs head-end replication (issue 11, docs/wire-format.md 3)
FLOOD_BENCH := $(OUTPUT)/bench/bench_flood

$(call objs,tests/bench/bench_flood.c): CPPFLAGS += -Itests/lib

$(FLOOD_BENCH): $(call objs,tests/bench/bench_flood.c) $(WORLD_OBJS) $(LIBNETLORD) \
		| $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF)

.PHONY: bench-flood
bench-flood: $(FLOOD_BENCH)
	$(FLOOD_BENCH)

BENCH_TARGETS += bench-flood

# the packet tests again, on Debian's 6.1 kernel in a VM
TEST_SCRIPTS += tests/datapath/in-kernel-vm.sh

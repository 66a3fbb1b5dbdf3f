# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# na-loader: the hypervisor Network Agent (docs/agent.md).  Links the agent
# library (mk/agent-lib.mk) and the repository's VLAN table parser.

AGENT_LIB_SRCS := user/agent/lldp.c user/agent/nlarp.c user/agent/nart_logic.c
AGENT_SRCS := $(filter-out $(AGENT_LIB_SRCS),$(wildcard user/agent/*.c)) user/repo/vlan_table.c
AGENT_HDRS := $(wildcard user/agent/*.h) user/repo/vlan_table.h include/netlord.h include/nlarp.h \
	include/nart_table.h
AGENT_CFLAGS = $(CFLAGS) -Iuser/agent -Iuser/repo -Wno-format-truncation

BINS += $(OUTPUT)/na-loader

$(OUTPUT)/na-loader: $(AGENT_SRCS) $(AGENT_HDRS) $(OUTPUT)/netlord.skel.h $(NLAGENT_LIB) | $(OUTPUT)
	$(CC) $(AGENT_CFLAGS) $(AGENT_SRCS) -o $@ $(NLAGENT_LIB) $(LDLIBS_BPF)

# ---- Criterion unit tests of the pure parts ----------------------------------------------
AGENT_UNIT := $(OUTPUT)/tests/test_agent_units
AGENT_UNIT_SRCS := tests/agent/test_units.c user/agent/args.c user/agent/http.c \
	user/agent/ratelimit.c user/agent/probe_state.c

$(AGENT_UNIT): $(AGENT_UNIT_SRCS) $(AGENT_HDRS) | $(OUTPUT)/tests
	$(CC) $(AGENT_CFLAGS) -DNA_UNIT_TEST $(AGENT_UNIT_SRCS) -o $@ -lcriterion

TEST_BINS += $(AGENT_UNIT)

# ---- integration tests (root, network namespaces, lldpd, iperf3) ---------------------------
TEST_SCRIPTS += tests/agent/integration.sh tests/agent/integration-udp.sh
test: export NA_LOADER = $(abspath $(OUTPUT)/na-loader)

# ---- benchmark: kernel memory of the NARTs at 1,000,000 VIFs --------------------------------
AGENT_BENCH := $(OUTPUT)/agent/bench/bench_nart_mem

$(AGENT_BENCH): tests/agent/bench_nart_mem.c tests/lib/meminfo.h user/agent/nart_table.c user/agent/nart_table.h \
		$(OUTPUT)/netlord.skel.h | $(OUTPUT)/agent/bench
	$(CC) $(AGENT_CFLAGS) $< user/agent/nart_table.c -o $@ $(LDLIBS_BPF)

.PHONY: bench-nart-mem
bench-nart-mem: $(AGENT_BENCH)
	$(AGENT_BENCH)

BENCH_TARGETS += bench-nart-mem

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Compact NART tables (docs/nart.md): the BPF test object
# tests/progs/nart_test.bpf.c (built by the tests/progs rules in
# mk/datapath.mk), the agent-side writer user/agent/nart_table.c, their
# Criterion tests (also on Debian's 6.1 kernel in the VM) and
# bench-nart-compact.  Nothing here is linked into the datapath or
# na-loader yet.

NART_SRCS := user/agent/nart_table.c
NART_HDRS := include/nart_table.h include/netlord.h bpf/lib/nart.h user/agent/nart_table.h
NART_CFLAGS = $(CFLAGS) -Iuser/agent -Itests/progs
NART_SKEL := $(PROGS_OUT)/nart_test.skel.h

NART_TEST := $(OUTPUT)/tests/test_nart_table

$(NART_TEST): tests/nart/test_nart_table.c $(NART_SRCS) $(NART_HDRS) tests/progs/nart_test.h $(NART_SKEL) \
		| $(OUTPUT)/tests
	$(CC) $(NART_CFLAGS) tests/nart/test_nart_table.c $(NART_SRCS) -o $@ $(LDLIBS_BPF) \
		-lcriterion -lpthread

TEST_BINS += $(NART_TEST)
TEST_SCRIPTS += tests/nart/in-kernel-vm.sh

NART_BENCH := $(OUTPUT)/bench/bench_nart_compact

$(NART_BENCH): tests/nart/bench_nart_compact.c tests/lib/meminfo.h $(NART_SRCS) $(NART_HDRS) \
		tests/progs/nart_test.h $(NART_SKEL) | $(OUTPUT)/bench
	$(CC) $(NART_CFLAGS) tests/nart/bench_nart_compact.c $(NART_SRCS) -o $@ $(LDLIBS_BPF)

.PHONY: bench-nart-compact
bench-nart-compact: $(NART_BENCH)
	$(NART_BENCH)

BENCH_TARGETS += bench-nart-compact

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Compact NART tables (docs/nart.md): the BPF test object
# tests/progs/nart_test.bpf.c, the writer user/lib/cnart.c, their Criterion
# tests (also on Debian's 6.1 kernel in the VM) and bench-nart-compact.

SKELS += $(OUTPUT)/progs/nart_test.skel.h

NART_TEST_OBJS := $(call objs,tests/nart/test_nart_table.c tests/nart/bench_nart_compact.c)
$(NART_TEST_OBJS): CPPFLAGS += -Itests/progs

NART_TEST := $(OUTPUT)/tests/test_nart_table

$(NART_TEST): $(call objs,tests/nart/test_nart_table.c) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion -lpthread

TEST_BINS += $(NART_TEST)
TEST_SCRIPTS += tests/nart/in-kernel-vm.sh

NART_BENCH := $(OUTPUT)/bench/bench_nart_compact

$(NART_BENCH): $(call objs,tests/nart/bench_nart_compact.c) $(LIBNETLORD) | $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF)

.PHONY: bench-nart-compact
bench-nart-compact: $(NART_BENCH)
	$(NART_BENCH)

BENCH_TARGETS += bench-nart-compact

# the same tests on the readers' full-barrier build (the arm64 code, bpf/lib/nart.h)
SKELS += $(OUTPUT)/progs/nart_test_fence.skel.h
$(OUTPUT)/progs/nart_test_fence.bpf.o: BPF_CFLAGS += -mcpu=v3
$(call objs,tests/nart/test_nart_fence.c): CPPFLAGS += -Itests/progs -Itests/nart

NART_FENCE_TEST := $(OUTPUT)/tests/test_nart_fence

$(NART_FENCE_TEST): $(call objs,tests/nart/test_nart_fence.c) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion -lpthread

TEST_BINS += $(NART_FENCE_TEST)

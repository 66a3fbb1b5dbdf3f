# The BPF datapath and its packet-level tests.

# BPF test programs (tests/progs/, as the kernel's selftests/bpf/progs/):
# objects and skeletons in $(OUTPUT)/progs/ (included as "progs/x.skel.h"),
# header dependencies from -MMD.  mk/nart.mk uses these rules too.
PROGS_OUT := $(OUTPUT)/progs

$(PROGS_OUT):
	mkdir -p $@

$(PROGS_OUT)/%.bpf.o: tests/progs/%.bpf.c | $(PROGS_OUT)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -MF $(@:.o=.d) -c $< -o $@

# through a temporary file: a failed bpftool leaves no truncated skeleton
$(PROGS_OUT)/%.skel.h: $(PROGS_OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

-include $(wildcard $(PROGS_OUT)/*.d)

DATAPATH_SKELS := $(OUTPUT)/netlord.skel.h

# the world writes the compact NARTs with the agent's writer
WORLD_SRCS := tests/lib/world.c user/agent/nart_table.c
WORLD_HDRS := tests/lib/world.h user/agent/nart_table.h include/nart_table.h include/netlord.h
DATAPATH_TEST_SRCS := $(wildcard tests/datapath/*.c) $(WORLD_SRCS)
DATAPATH_TEST := $(OUTPUT)/tests/test_datapath

$(DATAPATH_TEST): $(DATAPATH_TEST_SRCS) tests/datapath/harness.h $(WORLD_HDRS) $(DATAPATH_SKELS) | $(OUTPUT)/tests
	$(CC) $(CFLAGS) -Itests/datapath -Itests/lib $(DATAPATH_TEST_SRCS) -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(DATAPATH_TEST)

# ns per packet of each datapath program against do-nothing baselines
DATAPATH_BENCH := $(OUTPUT)/bench/bench_datapath

$(OUTPUT)/bench:
	mkdir -p $@

$(DATAPATH_BENCH): tests/bench/bench_datapath.c $(WORLD_SRCS) $(WORLD_HDRS) \
		$(DATAPATH_SKELS) $(PROGS_OUT)/baseline.skel.h | $(OUTPUT)/bench
	$(CC) $(CFLAGS) -Itests/lib tests/bench/bench_datapath.c $(WORLD_SRCS) -o $@ $(LDLIBS_BPF)

.PHONY: bench-datapath
bench-datapath: $(DATAPATH_BENCH)
	$(DATAPATH_BENCH)

BENCH_TARGETS += bench-datapath

# the packet tests again, on Debian's 6.1 kernel in a VM
TEST_SCRIPTS += tests/datapath/in-kernel-vm.sh

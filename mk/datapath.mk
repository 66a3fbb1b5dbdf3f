# The BPF datapath and its packet-level tests.

DATAPATH_SKELS := $(OUTPUT)/netlord.skel.h $(OUTPUT)/baseline.skel.h

DATAPATH_TEST_SRCS := $(wildcard tests/datapath/*.c) tests/lib/world.c
DATAPATH_TEST := $(OUTPUT)/tests/test_datapath

$(DATAPATH_TEST): $(DATAPATH_TEST_SRCS) tests/datapath/harness.h tests/lib/world.h $(DATAPATH_SKELS) | $(OUTPUT)/tests
	$(CC) $(CFLAGS) -Itests/datapath -Itests/lib $(DATAPATH_TEST_SRCS) -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(DATAPATH_TEST)

# ns per packet of each datapath program against do-nothing baselines
DATAPATH_BENCH := $(OUTPUT)/bench/bench_datapath

$(OUTPUT)/bench:
	mkdir -p $@

$(DATAPATH_BENCH): tests/bench/bench_datapath.c tests/lib/world.c tests/lib/world.h \
		$(DATAPATH_SKELS) | $(OUTPUT)/bench
	$(CC) $(CFLAGS) -Itests/lib tests/bench/bench_datapath.c tests/lib/world.c -o $@ $(LDLIBS_BPF)

.PHONY: bench-datapath
bench-datapath: $(DATAPATH_BENCH)
	$(DATAPATH_BENCH)

BENCH_TARGETS += bench-datapath

# the packet tests again, on Debian's 6.1 kernel in a VM
TEST_SCRIPTS += tests/datapath/in-kernel-vm.sh

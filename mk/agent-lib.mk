# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# libnlagent.a: the agent's LLDP parser, NL-ARP codec and NART-2 logic
# (user/agent/lldp.c, nlarp.c, nart_logic.c), their Criterion tests, libFuzzer
# targets and the bench-nlarp benchmark.

NLAGENT_SRCS := user/agent/lldp.c user/agent/nlarp.c user/agent/nart_logic.c
NLAGENT_HDRS := user/agent/lldp.h user/agent/nlarp_codec.h user/agent/nart_logic.h \
	include/netlord.h include/nlarp.h
NLAGENT_OBJS := $(patsubst user/agent/%.c,$(OUTPUT)/agent/lib/%.o,$(NLAGENT_SRCS))
NLAGENT_LIB := $(OUTPUT)/libnlagent.a

$(OUTPUT)/agent/lib:
	mkdir -p $@

$(NLAGENT_OBJS): $(OUTPUT)/agent/lib/%.o: user/agent/%.c $(NLAGENT_HDRS) | $(OUTPUT)/agent/lib
	$(CC) $(CFLAGS) -Iuser/agent -c $< -o $@

$(NLAGENT_LIB): $(NLAGENT_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# ---- Criterion unit tests ----------------------------------------------------------------
NLAGENT_TESTS := test_lldp test_nlarp test_nart_logic
NLAGENT_TEST_BINS := $(addprefix $(OUTPUT)/tests/,$(NLAGENT_TESTS))

$(NLAGENT_TEST_BINS): $(OUTPUT)/tests/%: tests/unit/%.c $(NLAGENT_LIB) $(NLAGENT_HDRS) | $(OUTPUT)/tests
	$(CC) $(CFLAGS) -Iuser/agent $< -o $@ $(NLAGENT_LIB) -lcriterion

TEST_BINS += $(NLAGENT_TEST_BINS)

# ---- libFuzzer targets (clang, libclang-rt-14-dev) ------------------------------------------
NLAGENT_FUZZ_CC ?= clang
NLAGENT_FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser/agent
NLAGENT_FUZZ_DIR := $(OUTPUT)/fuzz
NLAGENT_FUZZ_BINS := $(NLAGENT_FUZZ_DIR)/fuzz_lldp $(NLAGENT_FUZZ_DIR)/fuzz_nlarp

$(NLAGENT_FUZZ_DIR):
	mkdir -p $@

$(NLAGENT_FUZZ_DIR)/fuzz_lldp: tests/fuzz/fuzz_lldp.c user/agent/lldp.c $(NLAGENT_HDRS) | $(NLAGENT_FUZZ_DIR)
	$(NLAGENT_FUZZ_CC) $(NLAGENT_FUZZ_CFLAGS) $(filter %.c,$^) -o $@

$(NLAGENT_FUZZ_DIR)/fuzz_nlarp: tests/fuzz/fuzz_nlarp.c user/agent/nlarp.c user/agent/nart_logic.c \
		$(NLAGENT_HDRS) | $(NLAGENT_FUZZ_DIR)
	$(NLAGENT_FUZZ_CC) $(NLAGENT_FUZZ_CFLAGS) $(filter %.c,$^) -o $@

# The smoke run (a few seconds per target) is part of `make test`.
TEST_SCRIPTS += tests/fuzz/run-fuzz-smoke.sh
test: $(NLAGENT_FUZZ_BINS)
test: export NL_FUZZ_BIN_DIR = $(abspath $(NLAGENT_FUZZ_DIR))

.PHONY: fuzz fuzz-build
fuzz-build: $(NLAGENT_FUZZ_BINS)

# Longer fuzzing: FUZZ_TIME seconds per target, new inputs kept in
# $(OUTPUT)/fuzz/corpus-<target>/ (the checked-in seeds are not modified).
FUZZ_TIME ?= 300
fuzz: $(NLAGENT_FUZZ_BINS)
	@for t in fuzz_lldp fuzz_nlarp; do \
		mkdir -p $(NLAGENT_FUZZ_DIR)/corpus-$$t && \
		$(NLAGENT_FUZZ_DIR)/$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			$(NLAGENT_FUZZ_DIR)/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# ---- benchmark ---------------------------------------------------------------------------------
NLAGENT_BENCH := $(OUTPUT)/agent/bench/bench_nlarp

$(OUTPUT)/agent/bench:
	mkdir -p $@

$(NLAGENT_BENCH): tests/unit/bench_nlarp.c $(NLAGENT_LIB) $(NLAGENT_HDRS) | $(OUTPUT)/agent/bench
	$(CC) $(CFLAGS) -Iuser/agent $< -o $@ $(NLAGENT_LIB)

.PHONY: bench-nlarp
bench-nlarp: $(NLAGENT_BENCH)
	$(NLAGENT_BENCH)

BENCH_TARGETS += bench-nlarp

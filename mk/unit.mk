# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Tests of the shared library (tests/unit/): Criterion tests of the LLDP and
# NL-ARP codecs and of the NL-ARP application path, the libFuzzer targets,
# and bench-nlarp.  They link libnetlord.a: the code the agent runs.

UNIT_TESTS := test_lldp test_nlarp test_nart_apply test_nlarp_auth test_nlarp_dissect test_frame \
	test_ip6
UNIT_TEST_BINS := $(addprefix $(OUTPUT)/tests/,$(UNIT_TESTS))

# a production NART store on fresh BPF arrays (tests/lib/nart_maps.c)
NART_MAPS_OBJ := $(call objs,tests/lib/nart_maps.c)
$(call objs,$(wildcard tests/unit/*.c) $(wildcard tests/fuzz/*.c)) $(NART_MAPS_OBJ): \
	CPPFLAGS += -Itests/lib

$(UNIT_TEST_BINS): $(OUTPUT)/tests/%: $(OBJ)/tests/unit/%.o $(NART_MAPS_OBJ) $(LIBNETLORD) \
		| $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(UNIT_TEST_BINS)

# ---- libFuzzer targets (clang, libclang-rt-14-dev): the library's sources
# compiled again with the sanitizers, in their own object tree --------------
FUZZ_CC ?= clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11
FUZZ_DIR := $(OUTPUT)/fuzz
FUZZ_OBJ := $(FUZZ_DIR)/obj
FUZZ_BINS := $(FUZZ_DIR)/fuzz_lldp $(FUZZ_DIR)/fuzz_nlarp $(FUZZ_DIR)/fuzz_nlarp_auth \
	$(FUZZ_DIR)/fuzz_dhcp $(FUZZ_DIR)/fuzz_tenants $(FUZZ_DIR)/fuzz_vlan_row
fuzz_objs = $(patsubst %.c,$(FUZZ_OBJ)/%.o,$(1))

$(FUZZ_OBJ)/%.o: %.c | skels
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -Itests/lib $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_DIR)/fuzz_lldp: $(call fuzz_objs,tests/fuzz/fuzz_lldp.c user/lib/lldp.c)
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@

# the NL-ARP codec and the production application path on real NART arrays
FUZZ_NLARP_SRCS := tests/fuzz/fuzz_nlarp.c tests/lib/nart_maps.c user/lib/nlarp_codec.c user/lib/ip6.c \
	user/lib/addr.c user/lib/nart_rules.c user/lib/nart_apply.c user/lib/nart_store.c \
	user/lib/cnart.c user/lib/log.c user/lib/nart_tomb.c user/lib/nart_vclock.c user/lib/util.c

$(FUZZ_DIR)/fuzz_nlarp: $(call fuzz_objs,$(FUZZ_NLARP_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@ $(LDLIBS_BPF)

# authenticated NL-ARP: nlarp_open() with the production keys and replay table
# (no BPF, no root); libcrypto itself is not instrumented
FUZZ_NLARP_AUTH_SRCS := tests/fuzz/fuzz_nlarp_auth.c user/lib/nlarp_auth.c user/lib/nlarp_keys.c user/lib/ip6.c \
	user/lib/nlarp_replay.c user/lib/nlarp_codec.c user/lib/addr.c user/lib/util.c

$(FUZZ_DIR)/fuzz_nlarp_auth: $(call fuzz_objs,$(FUZZ_NLARP_AUTH_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@ -lcrypto

# the DHCP/RA codecs (docs/dhcp.md): parsers, decisions and answer builders
FUZZ_DHCP_SRCS := tests/fuzz/fuzz_dhcp.c user/lib/dhcp4.c user/lib/dhcp6.c user/lib/ra.c \
	user/lib/ctl_frame.c user/lib/util.c

$(FUZZ_DIR)/fuzz_dhcp: $(call fuzz_objs,$(FUZZ_DHCP_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@

# the tenants file parser (docs/tenants.md)
$(FUZZ_DIR)/fuzz_tenants: $(call fuzz_objs,tests/fuzz/fuzz_tenants.c user/lib/tenants.c \
		user/lib/parse.c)
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@

# the VLAN row parser (docs/vlan-table.md "Row document"), zlib for its CRC-32
$(FUZZ_DIR)/fuzz_vlan_row: $(call fuzz_objs,tests/fuzz/fuzz_vlan_row.c user/lib/vlan_table.c \
		user/lib/util.c)
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@ -lz

# The smoke run (a few seconds per target) is part of `make test`.
TEST_SCRIPTS += tests/fuzz/run-fuzz-smoke.sh
test: $(FUZZ_BINS)
test: export NL_FUZZ_BIN_DIR = $(abspath $(FUZZ_DIR))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

# Longer fuzzing: FUZZ_TIME seconds per target, new inputs kept in
# $(OUTPUT)/fuzz/corpus-<target>/ (the checked-in seeds are not modified).
FUZZ_TIME ?= 300
fuzz: $(FUZZ_BINS)
	@for t in fuzz_lldp fuzz_nlarp fuzz_nlarp_auth fuzz_dhcp fuzz_tenants fuzz_vlan_row; do \
		mkdir -p $(FUZZ_DIR)/corpus-$$t && \
		$(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			$(FUZZ_DIR)/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# ---- benchmark: HERE messages per second through the production path -------------------
NLARP_BENCH := $(OUTPUT)/bench/bench_nlarp

$(NLARP_BENCH): $(OBJ)/tests/unit/bench_nlarp.o $(NART_MAPS_OBJ) $(LIBNETLORD) | $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF)

.PHONY: bench-nlarp
bench-nlarp: $(NLARP_BENCH)
	$(NLARP_BENCH)

BENCH_TARGETS += bench-nlarp

# ---- the layering rules of user/ and bpf/ (docs/architecture.md), read from the build ---------
TEST_SCRIPTS += tests/layout/check_layers.py

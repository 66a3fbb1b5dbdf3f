# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# na-repo: the configuration repository (docs/repository.md)

REPO_SRCS := $(wildcard user/repo/*.c)
# what test_topo needs: everything but the command line and the server
REPO_COMPILE_SRCS := $(filter-out user/repo/main.c user/repo/serve.c,$(REPO_SRCS))

$(call objs,$(REPO_SRCS) $(wildcard tests/repo/*.c)): CPPFLAGS += -Iuser/repo
$(call objs,$(REPO_SRCS)): CFLAGS += -Wno-format-truncation

BINS += $(OUTPUT)/na-repo
TEST_BINS += $(patsubst tests/repo/%.c,$(OUTPUT)/tests/%,$(wildcard tests/repo/test_*.c))
TEST_SCRIPTS += $(wildcard tests/repo/compile.sh tests/repo/server.sh)
BENCH_TARGETS += bench-repo

$(OUTPUT)/na-repo: $(call objs,$(REPO_SRCS)) $(LIBNETLORD) | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@

$(OUTPUT)/tests/test_vlan_table: $(call objs,tests/repo/test_vlan_table.c) $(LIBNETLORD) \
		| $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion

$(OUTPUT)/tests/test_topo: $(call objs,tests/repo/test_topo.c $(REPO_COMPILE_SRCS)) $(LIBNETLORD) \
		| $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion

.PHONY: bench-repo
bench-repo: $(OUTPUT)/na-repo
	@tests/repo/bench.sh $(OUTPUT)/na-repo

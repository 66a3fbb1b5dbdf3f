# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# na-repo: the configuration repository (docs/repository.md)

# the topology: parser, validator, writer and generators
REPO_TOPO_SRCS := user/repo/topo.c user/repo/topo_gen.c
# the compiler (topology -> VLAN table and switch configurations); test_topo
# links the three lists
REPO_COMPILE_SRCS := user/repo/compile.c user/repo/path_search.c user/repo/packing.c \
	user/repo/pack_greedy.c user/repo/pack_trees.c user/repo/bcast_tree.c \
	user/repo/compile_output.c
REPO_SRCS := user/repo/main.c user/repo/cli.c user/repo/serve.c user/repo/repo_metrics.c \
	user/repo/publish.c user/repo/tenants_cmd.c \
	$(REPO_TOPO_SRCS) $(REPO_COMPILE_SRCS)

$(call objs,$(REPO_SRCS) $(wildcard tests/repo/*.c)): CPPFLAGS += -Iuser/repo
$(call objs,$(REPO_SRCS)): CFLAGS += -Wno-format-truncation

BINS += $(OUTPUT)/na-repo
TEST_BINS += $(patsubst tests/repo/%.c,$(OUTPUT)/tests/%,$(wildcard tests/repo/test_*.c))
TEST_SCRIPTS += $(wildcard tests/repo/compile.sh tests/repo/server.sh tests/repo/etcd_cluster.sh \
	tests/repo/etcd_tls.sh \
	tests/repo/client.sh tests/repo/tenants.sh tests/repo/tenants-agent.sh)
BENCH_TARGETS += bench-repo

# the HTTP server is libmicrohttpd
MHD_LIBS := $(shell pkg-config --libs libmicrohttpd)
$(call objs,user/repo/serve.c): CFLAGS += $(shell pkg-config --cflags libmicrohttpd)

$(OUTPUT)/na-repo: $(call objs,$(REPO_SRCS)) $(LIBNETLORD) | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(MHD_LIBS) -lz $(CURL_LIBS) $(JANSSON_LIBS) -lcrypto

$(OUTPUT)/tests/test_vlan_table: $(call objs,tests/repo/test_vlan_table.c) $(LIBNETLORD) \
		| $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion -lz

$(OUTPUT)/tests/test_topo: $(call objs,tests/repo/test_topo.c $(REPO_TOPO_SRCS) \
		$(REPO_COMPILE_SRCS)) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion -lz

.PHONY: bench-repo
bench-repo: $(OUTPUT)/na-repo
	@tests/repo/bench.sh $(OUTPUT)/na-repo

# the boot storm (tests/repo/bootstorm.c): N agents' repository clients at once
BOOTSTORM := $(OUTPUT)/bench/bootstorm
$(BOOTSTORM): $(call objs,tests/repo/bootstorm.c) $(LIBNETLORD) | $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lz $(CURL_LIBS) $(JANSSON_LIBS) -lcrypto

# per-switch rows against the whole table, and the boot storm (docs/repository.md)
.PHONY: bench-repo-rows bench-bootstorm
bench-repo-rows: $(OUTPUT)/na-repo $(BOOTSTORM)
	@tests/repo/bench_rows.sh rows $(OUTPUT)
bench-bootstorm: $(OUTPUT)/na-repo $(BOOTSTORM)
	@tests/repo/bench_rows.sh bootstorm $(OUTPUT)
BENCH_TARGETS += bench-repo-rows bench-bootstorm
# tests/repo/client.sh runs the agents' repository client through it
test: $(BOOTSTORM)

$(OUTPUT)/tests/test_repo_client: $(call objs,tests/repo/test_repo_client.c) $(LIBNETLORD) \
		| $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion -lz $(CURL_LIBS) $(JANSSON_LIBS) -lcrypto

# the tenants file parser (user/lib/tenants.c, docs/tenants.md)
$(OUTPUT)/tests/test_tenants: $(call objs,tests/repo/test_tenants.c) $(LIBNETLORD) \
		| $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion

# na-repo: the configuration repository (issue 4, docs/repository.md)

# the compiler (topology -> VLAN table and switch configurations), also linked
# into test_topo
REPO_COMPILE_SRCS := user/repo/compile.c user/repo/path_search.c user/repo/packing.c \
	user/repo/pack_greedy.c user/repo/pack_trees.c user/repo/bcast_tree.c \
	user/repo/compile_output.c user/repo/errmsg.c
REPO_SRCS := user/repo/main.c user/repo/cli.c user/repo/topo.c user/repo/serve.c user/repo/vlan_table.c \
	$(REPO_COMPILE_SRCS)
REPO_HDRS := $(wildcard user/repo/*.h) include/netlord.h
REPO_CFLAGS = $(CFLAGS) -Iuser/repo -Wno-format-truncation

BINS += $(OUTPUT)/na-repo
TEST_BINS += $(patsubst tests/repo/%.c,$(OUTPUT)/tests/%,$(wildcard tests/repo/test_*.c))
TEST_SCRIPTS += $(wildcard tests/repo/compile.sh tests/repo/server.sh)
BENCH_TARGETS += bench-repo

$(OUTPUT)/na-repo: $(REPO_SRCS) $(REPO_HDRS) | $(OUTPUT)
	$(CC) $(REPO_CFLAGS) $(REPO_SRCS) -o $@

$(OUTPUT)/tests/test_vlan_table: tests/repo/test_vlan_table.c user/repo/vlan_table.c \
		$(REPO_HDRS) | $(OUTPUT)/tests
	$(CC) $(REPO_CFLAGS) tests/repo/test_vlan_table.c user/repo/vlan_table.c \
		-o $@ -lcriterion

$(OUTPUT)/tests/test_topo: tests/repo/test_topo.c user/repo/topo.c $(REPO_COMPILE_SRCS) \
		$(REPO_HDRS) | $(OUTPUT)/tests
	$(CC) $(REPO_CFLAGS) tests/repo/test_topo.c user/repo/topo.c \
		$(REPO_COMPILE_SRCS) -o $@ -lcriterion

.PHONY: bench-repo
bench-repo: $(OUTPUT)/na-repo
	@tests/repo/bench.sh $(OUTPUT)/na-repo

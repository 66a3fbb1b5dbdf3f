# na-repo: the configuration repository (issue 4, docs/repository.md)

# error messages, used by every part
REPO_COMMON_SRCS := user/repo/errmsg.c
# the topology: parser, validator, writer and generators
REPO_TOPO_SRCS := user/repo/topo.c user/repo/topo_gen.c
# the compiler (topology -> VLAN table and switch configurations); test_topo
# links the three lists
REPO_COMPILE_SRCS := user/repo/compile.c user/repo/path_search.c user/repo/packing.c \
	user/repo/pack_greedy.c user/repo/pack_trees.c user/repo/bcast_tree.c \
	user/repo/compile_output.c
REPO_SRCS := user/repo/main.c user/repo/cli.c user/repo/serve.c user/repo/vlan_table.c \
	$(REPO_COMMON_SRCS) $(REPO_TOPO_SRCS) $(REPO_COMPILE_SRCS)
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

REPO_TEST_TOPO_SRCS := tests/repo/test_topo.c $(REPO_COMMON_SRCS) $(REPO_TOPO_SRCS) \
	$(REPO_COMPILE_SRCS)
$(OUTPUT)/tests/test_topo: $(REPO_TEST_TOPO_SRCS) $(REPO_HDRS) | $(OUTPUT)/tests
	$(CC) $(REPO_CFLAGS) $(REPO_TEST_TOPO_SRCS) -o $@ -lcriterion

.PHONY: bench-repo
bench-repo: $(OUTPUT)/na-repo
	@tests/repo/bench.sh $(OUTPUT)/na-repo

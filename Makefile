# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# NetLord on eBPF.  Modules add their targets in mk/*.mk; this file holds the
# generic rules (BPF object -> skeleton -> user binary), in the spirit of
# libbpf-bootstrap.

OUTPUT ?= build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

INCLUDES := -Iinclude -I$(OUTPUT) -Ivmlinux
CFLAGS ?= -g -O2
CFLAGS += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE $(INCLUDES)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -D__BPF__ \
	-Wall -Werror -Wno-unused-function $(INCLUDES) -Ibpf
LDLIBS_BPF := -lbpf -lelf -lz

# Filled by mk/*.mk
BINS :=
TEST_BINS :=
TEST_SCRIPTS :=
BENCH_TARGETS :=

.PHONY: all test bench clean format vmlinux help
# keep BPF objects between runs: they are intermediates of the skeletons
.SECONDARY:
all: build-all

$(OUTPUT) $(OUTPUT)/tests:
	mkdir -p $@

# BPF object and its skeleton
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h bpf/lib/*.h) include/netlord.h include/nart_table.h | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

include $(sort $(wildcard mk/*.mk))

build-all: $(BINS) $(TEST_BINS)

# Runs every test binary and script, even after a failure, and prints a
# summary; needs root (BPF, network namespaces).
test: $(BINS) $(TEST_BINS)
	@scripts/run-tests.sh $(TEST_BINS) $(TEST_SCRIPTS)

bench: $(BENCH_TARGETS)

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

format:
	clang-format -i $(shell git ls-files '*.c' '*.h' | grep -v '^vmlinux/')

clean:
	rm -rf $(OUTPUT)

help:
	@echo "make            build everything"
	@echo "make test       run all tests (root)"
	@echo "make bench      run the benchmarks (root)"
	@echo "make format     clang-format the C sources"
	@echo "make vmlinux    regenerate vmlinux/vmlinux.h from the running kernel"

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Fleet scale (issue 15 items 5-6, docs/scale.md): NART arrays sized by
# configuration, the calibration of NL-ARP's per-message costs on the
# production code and the model of a fleet fed by them (`make bench-scale`).

TEST_SCRIPTS += tests/scale/nart-size.sh tests/scale/tenant-filter.sh tests/scale/replay-size.sh

# ---- make bench-scale: calibration on the production code, then the model --------------------
SCALE_BENCH := $(OUTPUT)/bench/bench_scale
SCALE_BENCH_OBJS := $(call objs,tests/scale/bench_scale.c tests/lib/nart_maps.c) \
	$(filter-out $(call objs,user/agent/main.c),$(AGENT_OBJS))

$(call objs,tests/scale/bench_scale.c): CPPFLAGS += -Iuser/agent -Itests/lib

$(SCALE_BENCH): $(SCALE_BENCH_OBJS) $(LIBNETLORD) | $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) $(CURL_LIBS) $(NA_LOADER_LDLIBS) \
		-lmicrohttpd -lsystemd -linih -lpthread

BENCH_SCALE_VIFS ?= 200000
.PHONY: bench-scale
bench-scale: $(SCALE_BENCH)
	$(SCALE_BENCH) $(BENCH_SCALE_VIFS) | tee $(OUTPUT)/bench-scale.txt
	python3 scripts/scale/model.py --calibration $(OUTPUT)/bench-scale.txt

BENCH_TARGETS += bench-scale

# ---- the tenant filter on real BPF maps (Criterion, root) -------------------------------------
TENANT_FILTER_TEST := $(OUTPUT)/tests/test_tenant_filter

$(call objs,tests/scale/test_tenant_filter.c): CPPFLAGS += -Iuser/agent -Itests/lib

$(TENANT_FILTER_TEST): $(call objs,tests/scale/test_tenant_filter.c user/agent/tenant_filter.c \
		user/agent/local_vifs.c tests/lib/nart_maps.c) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(TENANT_FILTER_TEST)

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# na-loader: the hypervisor Network Agent (docs/agent.md, docs/architecture.md).
# The daemon and the CLI are user/agent/; what they share with other
# programs comes from libnetlord.a.

AGENT_SRCS := $(wildcard user/agent/*.c)
AGENT_OBJS := $(call objs,$(AGENT_SRCS))

$(AGENT_OBJS): CPPFLAGS += -Iuser/agent
$(AGENT_OBJS): CFLAGS += -Wno-format-truncation

BINS += $(OUTPUT)/na-loader

# the repository client is libcurl (user/lib/http_fetch.c); libpcap: `na-loader trace --pcap`
CURL_LIBS := $(shell pkg-config --libs libcurl)
# the etcd repository client (user/lib/etcd_client.c): JSON by jansson (libjansson-dev)
JANSSON_LIBS := $(shell pkg-config --libs jansson)
NA_LOADER_LDLIBS += -lpcap

$(OUTPUT)/na-loader: $(AGENT_OBJS) $(LIBNETLORD) | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) $(CURL_LIBS) $(JANSSON_LIBS) $(NA_LOADER_LDLIBS)

# ---- Criterion unit tests of the agent's pure parts ------------------------------------------
AGENT_UNIT := $(OUTPUT)/tests/test_agent_units
AGENT_UNIT_OBJS := $(call objs,tests/agent/test_units.c user/agent/probe_state.c \
	user/agent/scan_guard.c user/agent/ctl_proto.c)

$(call objs,tests/agent/test_units.c): CPPFLAGS += -Iuser/agent

$(AGENT_UNIT): $(AGENT_UNIT_OBJS) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(AGENT_UNIT)

# the index of local VIFs (WHERE in O(1)) on fresh BPF maps, with its cost printed
LOCAL_VIFS_TEST := $(OUTPUT)/tests/test_local_vifs

$(call objs,tests/agent/test_local_vifs.c): CPPFLAGS += -Iuser/agent

$(LOCAL_VIFS_TEST): $(call objs,tests/agent/test_local_vifs.c user/agent/local_vifs.c) \
		$(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(LOCAL_VIFS_TEST)

# the repository client (libcurl) against na-repo serve and openssl s_server
HTTP_FETCH_TEST := $(OUTPUT)/tests/test_http_fetch

$(HTTP_FETCH_TEST): $(call objs,tests/agent/test_http_fetch.c) $(LIBNETLORD) \
		| $(OUTPUT)/tests $(OUTPUT)/na-repo
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(CURL_LIBS) -lcriterion

TEST_BINS += $(HTTP_FETCH_TEST)

# ---- integration tests (root, network namespaces, lldpd, iperf3) ---------------------------
TEST_SCRIPTS += tests/agent/integration.sh tests/agent/integration-udp.sh \
	tests/agent/integration-gre.sh
# na-loader monitor and trace (docs/monitor.md)
TEST_SCRIPTS += tests/agent/monitor.sh tests/agent/trace.sh tests/agent/trace-udp.sh
# IPv6 for tenants: two agents, ping6 with DAD and no static neighbour (docs/ipv6.md)
TEST_SCRIPTS += tests/agent/ipv6.sh
# routes in the virtual router, an appliance on the path (issue 16)
TEST_SCRIPTS += tests/agent/routes.sh
# tenant broadcast/multicast across two agents, a broadcast storm (issue 11)
TEST_SCRIPTS += tests/agent/flood.sh
test: export NA_LOADER = $(abspath $(OUTPUT)/na-loader)

# ---- benchmark: kernel memory of the NARTs at 1,000,000 VIFs --------------------------------
AGENT_BENCH := $(OUTPUT)/bench/bench_nart_mem

$(AGENT_BENCH): $(call objs,tests/agent/bench_nart_mem.c) $(LIBNETLORD) | $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF)

.PHONY: bench-nart-mem
bench-nart-mem: $(AGENT_BENCH)
	$(AGENT_BENCH)

BENCH_TARGETS += bench-nart-mem

# ---- persisted VIF definitions (issue 12): the record codec and the store ---------------------
VIF_STORE_TEST := $(OUTPUT)/tests/test_vif_store

$(call objs,tests/agent/test_vif_store.c): CPPFLAGS += -Iuser/agent
$(call objs,tests/agent/test_vif_store.c): CFLAGS += -Wno-format-truncation

$(VIF_STORE_TEST): $(call objs,tests/agent/test_vif_store.c user/agent/vif_record.c \
		user/agent/vif_store.c user/agent/ctl_proto.c) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(VIF_STORE_TEST)
# kill -9, detach/attach, a vanished interface, vif add twice (root, namespaces)
TEST_SCRIPTS += tests/agent/persist.sh

# vif add against the tenants file (user/agent/vif_check.c, docs/tenants.md)
VIF_CHECK_UNIT := $(OUTPUT)/tests/test_vif_check
$(call objs,tests/unit/test_vif_check.c): CPPFLAGS += -Iuser/agent
$(VIF_CHECK_UNIT): $(call objs,tests/unit/test_vif_check.c user/agent/vif_check.c \
		user/agent/ctl_proto.c) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion
TEST_BINS += $(VIF_CHECK_UNIT)

# the flood groups and their chunk entries from NART-2 (issue 11), on fresh
# BPF maps and a production NART store
FLOOD_GROUPS_TEST := $(OUTPUT)/tests/test_flood_groups

$(call objs,tests/agent/test_flood_groups.c tests/lib/nart_maps.c): CPPFLAGS += -Iuser/agent -Itests/lib

$(FLOOD_GROUPS_TEST): $(call objs,tests/agent/test_flood_groups.c user/agent/flood.c \
		user/agent/local_vifs.c user/agent/maps.c tests/lib/nart_maps.c) $(LIBNETLORD) \
		| $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF) -lcriterion

TEST_BINS += $(FLOOD_GROUPS_TEST)

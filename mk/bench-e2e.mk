# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# End-to-end throughput: NetLord (ip, udp) against Linux VXLAN and no overlay
# on real traffic between network namespaces (issue 6, docs/performance.md).
# nl-static is a minimal static loader so the benchmark does not need the agent.

NL_STATIC := $(OUTPUT)/bench/nl-static

$(NL_STATIC): $(call objs,tests/bench/nl-static.c) $(LIBNETLORD) | $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_BPF)

# 64-byte datagram rate with sendmmsg/recvmmsg (iperf3's receiver is slower than the path)
UDP_PPS := $(OUTPUT)/bench/udp-pps

$(UDP_PPS): $(call objs,scripts/bench-e2e/udp-pps.c) | $(OUTPUT)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@

BINS += $(NL_STATIC) $(UDP_PPS)

.PHONY: bench-e2e
bench-e2e: $(NL_STATIC) $(UDP_PPS)
	scripts/bench-e2e/bench.sh --nl-static $(NL_STATIC) --udp-pps $(UDP_PPS) \
		--json $(OUTPUT)/bench-e2e.json

BENCH_TARGETS += bench-e2e

# ping + short TCP in every mode through the real datapath (not a benchmark)
TEST_SCRIPTS += scripts/bench-e2e/smoke.sh

# UDP-GSO from VMs and GRO before the tc decapsulation, through the real datapath
TEST_SCRIPTS += tests/offload/test_offload.sh

# frames below the Ethernet minimum through the tc and XDP decapsulations
TEST_SCRIPTS += tests/offload/test_small_frames.sh

# what the outer IP-ID carries in GSO segments (docs/wire-format.md 2.1)
TEST_SCRIPTS += tests/offload/test_gso_ipid.sh

# the same with a busy loop on the servers' CPU (a noisy neighbour)
.PHONY: bench-e2e-busy
bench-e2e-busy: $(NL_STATIC) $(UDP_PPS)
	scripts/bench-e2e/bench.sh --nl-static $(NL_STATIC) --udp-pps $(UDP_PPS) --busy \
		--json $(OUTPUT)/bench-e2e-busy.json

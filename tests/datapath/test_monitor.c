// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Packet tests of the monitor's drop events (bpf/lib/monitor.h, hooked in
 * drop.h's nl_drop()): nothing is reported while nobody watches; while the
 * agent's flag is set, a drop puts one record on nl_mon_ring with the
 * reason, hook, interface, the VIF's tenant and MAC space and the frame's
 * first bytes; the per-CPU bucket sheds and counts what exceeds the rate.
 * Issue 14 (na-loader monitor); no patent paragraph.
 */
#include <criterion/criterion.h>
#include <sched.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "netlord.skel.h"

#define MAX_REC 8
static struct nl_mon_drop rec[MAX_REC];
static int nrec;

static int on_rec(void *ctx, void *data, size_t size)
{
	cr_assert_eq(size, sizeof(struct nl_mon_drop));
	if (nrec < MAX_REC)
		memcpy(&rec[nrec], data, sizeof(rec[0]));
	nrec++;
	return 0;
}

/* the records the runs so far left on the ring */
static int drain(void)
{
	struct ring_buffer *rb = ring_buffer__new(fd_map("nl_mon_ring"), on_rec, NULL, NULL);

	cr_assert_not_null(rb);
	nrec = 0;
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return nrec;
}

/* the agent's knobs: watching, and a bucket of @cost_ns per event, @burst_ns deep */
static void watch(__u32 on, __u64 cost_ns, __u64 burst_ns)
{
	struct netlord_bpf *s = harness_skel();

	s->bss->nl_mon_cost_ns = cost_ns;
	s->bss->nl_mon_burst_ns = burst_ns;
	s->bss->nl_mon_watching = on;
}

Test(monitor, nothing_reported_while_nobody_watches, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	drain();
	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_5, W_IP_2, 16);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 1);
	cr_assert_eq(drain(), 0, "a drop event although nobody watches");
	cr_assert_eq(counter(NL_C_MON_SHED) + counter(NL_C_MON_LOST), 0);
}

Test(monitor, vif_drop_record, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	drain();
	watch(1, 1, 1000000000ULL);
	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_5, W_IP_2, 16);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 1, "still counted");
	cr_assert_eq(drain(), 1);
	cr_assert_eq(rec[0].reason, NL_C_TX_SPOOF_IP);
	cr_assert_eq(rec[0].hook, NL_MON_HOOK_VIF);
	cr_assert_eq(rec[0].ifindex, (__u32)W.ifindex_a1);
	cr_assert_eq(rec[0].tenant, W_TENANT_A);
	cr_assert_eq(rec[0].mac_as, 1);
	cr_assert_eq(rec[0].pkt_len, in.len);
	cr_assert_eq(rec[0].cap_len, in.len);
	cr_assert_arr_eq(rec[0].data, in.b, in.len, "the frame's bytes");
	cr_assert_neq(rec[0].ts_ns, 0);
}

Test(monitor, long_frame_captured_to_the_cap, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	drain();
	watch(1, 1, 1000000000ULL);
	pkt_vm_udp(&in, W_MAC_2, W_MAC_5, W_IP_1, W_IP_2, 400); /* spoofed MAC */
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(drain(), 1);
	cr_assert_eq(rec[0].reason, NL_C_TX_SPOOF_MAC);
	cr_assert_eq(rec[0].pkt_len, in.len);
	cr_assert_eq(rec[0].cap_len, NL_MON_CAP_BYTES);
	cr_assert_arr_eq(rec[0].data, in.b, NL_MON_CAP_BYTES);
}

Test(monitor, uplink_xdp_drop_record, .init = world_setup_ip, .fini = world_teardown)
{
	static const __u8 nobody[6] = {0x52, 0x54, 0, 0xee, 0xee, 0xee};
	struct pkt inner = {}, in = {};
	struct run r;

	drain();
	watch(1, 1, 1000000000ULL);
	pkt_vm_udp(&inner, nobody, W_MAC_2, W_IP_2, W_IP_1, 16);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_DROP);
	cr_assert_eq(drain(), 1);
	cr_assert_eq(rec[0].reason, NL_C_RX_NOT_HERE);
	cr_assert_eq(rec[0].hook, NL_MON_HOOK_UPLINK_XDP);
	cr_assert_eq(rec[0].tenant, 0, "the agent reads the tenant from the outer addresses");
	cr_assert_eq(rec[0].cap_len, in.len < NL_MON_CAP_BYTES ? in.len : NL_MON_CAP_BYTES);
	cr_assert_arr_eq(rec[0].data, in.b, rec[0].cap_len);
}

Test(monitor, bucket_sheds_and_counts, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	cpu_set_t one, old;

	/* the bucket is per CPU: all runs on one */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	cr_assert_eq(sched_getaffinity(0, sizeof(old), &old), 0);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	drain();
	/* one event of credit, refilled once a second: 5 drops in a row send 1 */
	watch(1, 1000000000ULL, 1000000000ULL);
	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_5, W_IP_2, 16);
	for (int i = 0; i < 5; i++) {
		run_tc(&r, W.ifindex_a1, in.b, in.len);
		cr_assert_eq(r.retval, TC_ACT_SHOT);
	}
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 5, "every drop still counted");
	sched_setaffinity(0, sizeof(old), &old);
	cr_assert_eq(drain(), 1);
	cr_assert_eq(counter(NL_C_MON_SHED), 4);
}

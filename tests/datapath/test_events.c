// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Miss events under load (bpf/lib/events.h, issue 10 item 3; patent
 * [0031]): each VIF has its own budget of events, so one VM that misses on
 * thousands of addresses cannot keep another tenant's WHEREs out of the
 * ring; an event the ring had no room for is counted and is not stamped as
 * sent, so the next packet that needs it tries again.
 */
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

/* a frame from VIF a1 (or b1) to a MAC no NART knows: one NART-2 miss event each */
static void miss_from(int ifindex, unsigned int n)
{
	const uint8_t src[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, 0x01};
	uint8_t dst[6] = {0x52, 0x54, 0x00, 0xee, (uint8_t)(n >> 8), (uint8_t)n};
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, dst, src, W_IP_1, W_IP_2, 16);
	run_tc(&r, ifindex, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
}

static void big_budget(struct nl_config *cfg)
{
	cfg->event_vif_burst = 100000;
}

Test(events, one_vif_cannot_take_another_tenants_events, .init = world_setup_ip,
     .fini = world_teardown)
{
	static struct nl_event ev[NL_EVENT_VIF_BURST + 64];
	unsigned int flood = NL_EVENT_VIF_BURST + 40;
	__u32 key;
	int n;

	for (unsigned int i = 0; i < flood; i++)
		miss_from(W.ifindex_a1, i);
	cr_assert_eq(counter(NL_C_TX_NART2_MISS), flood);
	cr_assert_eq(counter(NL_C_EVENT_VIF_LIMITED), flood - NL_EVENT_VIF_BURST,
		     "a1's events beyond its burst must be refused and counted");
	/* tenant B's VIF still gets its WHERE through */
	miss_from(W.ifindex_b1, 7);
	n = events_drain(ev, (int)(sizeof(ev) / sizeof(ev[0])));
	cr_assert_eq(n, NL_EVENT_VIF_BURST + 1);
	cr_assert_eq(ev[n - 1].tenant, W_TENANT_B);
	cr_assert_eq(ev[n - 1].ifindex, (uint32_t)W.ifindex_b1);
	/* a refused event was not stamped: with a1's tokens back it goes out */
	key = (__u32)W.ifindex_a1;
	cr_assert_eq(bpf_map_delete_elem(fd_map("nl_event_budget"), &key), 0);
	miss_from(W.ifindex_a1, flood - 1);
	cr_assert_eq(events_drain(ev, 4), 1, "a refused event must not be deduplicated");
}

Test(events, full_ring_counted_and_not_stamped, .init = world_setup_ip, .fini = world_teardown)
{
	static struct nl_event ev[8];
	unsigned int i, limit = NL_EVENT_RING_BYTES / 8; /* far more than fit */

	cfg_update(big_budget);
	for (i = 0; i < limit && !counter(NL_C_EVENT_LOST); i++)
		miss_from(W.ifindex_a1, i);
	cr_assert_eq(counter(NL_C_EVENT_LOST), 1, "ring never filled after %u events", i);
	cr_assert_gt(i, 1000, "ring full after only %u events", i);
	/* the agent catches up; the lost event's next packet sends it */
	cr_assert_eq(events_drain(NULL, 0), (int)i - 1);
	miss_from(W.ifindex_a1, i - 1);
	cr_assert_eq(events_drain(ev, 8), 1, "the lost event was stamped as sent");
	cr_assert_arr_eq(ev[0].mac + 4, ((uint8_t[]){(uint8_t)((i - 1) >> 8), (uint8_t)(i - 1)}),
			 2);
	/* and an event that did go out is deduplicated as before */
	miss_from(W.ifindex_a1, i - 1);
	cr_assert_eq(events_drain(ev, 8), 0);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Miss events under load (bpf/lib/events.h, issue 10 item 3; patent
 * [0031]): each VIF has its own budget of events, so one VM that misses on
 * thousands of addresses cannot keep another tenant's WHEREs out of the
 * ring; an event the ring had no room for is counted and is not stamped as
 * sent, so the next packet that needs it tries again.
 */
#include <string.h>
#include <time.h>
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

static void slow_refill(struct nl_config *cfg)
{
	cfg->event_vif_per_s =
		1; /* a token a second: what comes back during the flood is counted */
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

Test(events, one_vif_cannot_take_another_tenants_events, .init = world_setup_ip,
     .fini = world_teardown)
{
	static struct nl_event ev[NL_EVENT_VIF_BURST + 64];
	static bool sent[NL_EVENT_VIF_BURST + 40];
	unsigned int flood = NL_EVENT_VIF_BURST + 40, sent_a1, refill, retry = 0;
	double t0;
	__u32 key;
	int n;

	cfg_update(slow_refill);
	t0 = now_s();
	for (unsigned int i = 0; i < flood; i++)
		miss_from(W.ifindex_a1, i);
	/* the tokens that can have come back while the flood ran (slow machines, TCG) */
	refill = (unsigned int)(now_s() - t0) + 1;
	cr_assert_eq(counter(NL_C_TX_NART2_MISS), flood);
	sent_a1 = flood - (unsigned int)counter(NL_C_EVENT_VIF_LIMITED);
	cr_assert(sent_a1 >= NL_EVENT_VIF_BURST && sent_a1 <= NL_EVENT_VIF_BURST + refill,
		  "a1 sent %u events for a burst of %d (+%u refilled at most)", sent_a1,
		  NL_EVENT_VIF_BURST, refill);
	/* tenant B's VIF still gets its WHERE through */
	miss_from(W.ifindex_b1, 7);
	n = events_drain(ev, (int)(sizeof(ev) / sizeof(ev[0])));
	cr_assert_eq(n, (int)sent_a1 + 1);
	cr_assert_eq(ev[n - 1].tenant, W_TENANT_B);
	cr_assert_eq(ev[n - 1].ifindex, (uint32_t)W.ifindex_b1);
	/* a refused event was not stamped: with a1's tokens back it goes out */
	for (int i = 0; i < n - 1; i++)
		sent[ev[i].mac[4] << 8 | ev[i].mac[5]] = true;
	while (retry < flood && sent[retry])
		retry++;
	cr_assert_lt(retry, flood);
	key = (__u32)W.ifindex_a1;
	cr_assert_eq(bpf_map_delete_elem(fd_map("nl_event_budget"), &key), 0);
	miss_from(W.ifindex_a1, retry);
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

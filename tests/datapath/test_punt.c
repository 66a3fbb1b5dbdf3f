// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The VIF program hands DHCPv4, DHCPv6 and router solicitations to the
 * agent (bpf/lib/punt.h, docs/dhcp.md): each lands whole in the punt ring,
 * is counted, and never reaches the uplink or another VIF, whatever its
 * destination MAC; look-alikes are not punted; a VIF over its budget is
 * counted as limited.
 */
#include <string.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include "harness.h"

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mc_dhcp6[6] = {0x33, 0x33, 0, 1, 0, 2};
static const uint8_t mc_routers[6] = {0x33, 0x33, 0, 0, 0, 2};

struct sink {
	struct nl_punt recs[64];
	int n;
};

static int on_punt(void *ctx, void *data, size_t len)
{
	struct sink *s = ctx;

	cr_assert_eq(len, sizeof(struct nl_punt));
	if (s->n < 64)
		memcpy(&s->recs[s->n++], data, sizeof(struct nl_punt));
	return 0;
}

static int punt_drain(struct sink *s)
{
	struct ring_buffer *rb = ring_buffer__new(fd_map("nl_punt_ring"), on_punt, s, NULL);

	cr_assert_not_null(rb);
	s->n = 0;
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return s->n;
}

static void dhcp4_discover(struct pkt *p, const uint8_t dst[6], uint16_t sport, uint16_t dport)
{
	pkt_eth(p, dst, W_MAC_1, 0x0800);
	pkt_ipv4(p, 0, 0xffffffff, 17, 64, 8 + 300);
	pkt_udp(p, sport, dport, 300);
	pkt_fill(p, 0x01, 300);
}

/* IPv6 header from fe80::1 to @dst6 + @nh payload of @plen bytes starting with @head */
static void ip6(struct pkt *p, const uint8_t dmac[6], const uint8_t dst6[16], uint8_t nh,
		uint8_t hlim, const uint8_t *head, uint32_t headlen, uint32_t plen)
{
	uint8_t h[40] = {0x60, 0, 0, 0, (uint8_t)(plen >> 8), (uint8_t)plen, nh, hlim, 0xfe, 0x80};

	h[23] = 1;
	memcpy(h + 24, dst6, 16);
	pkt_eth(p, dmac, W_MAC_1, 0x86dd);
	pkt_bytes(p, h, 40);
	pkt_bytes(p, head, headlen);
	pkt_fill(p, 0, plen - headlen);
}

static void check_punted(const struct pkt *in, enum nl_counter c, int kind)
{
	struct sink s;
	struct run r;

	run_tc(&r, W.ifindex_a1, in->b, in->len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(c), 1);
	cr_assert(counters_all_zero_except(c, NL_C_MAX), "only the punt is counted");
	cr_assert_eq(vif_stats(W.slot_a1).tx_packets, 0, "nothing forwarded");
	cr_assert_eq(punt_drain(&s), 1);
	cr_assert_eq(s.recs[0].ifindex, (uint32_t)W.ifindex_a1);
	cr_assert_eq(s.recs[0].kind, kind);
	cr_assert_eq(s.recs[0].cap_len, in->len);
	cr_assert_eq(s.recs[0].pkt_len, in->len);
	cr_assert_arr_eq(s.recs[0].data, in->b, in->len, "the frame, whole");
}

Test(punt, dhcp4_broadcast_and_unicast_to_router, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	dhcp4_discover(&in, bcast, 68, 67);
	check_punted(&in, NL_C_TX_PUNT_DHCP4, NL_PUNT_DHCP4);
	/* a renewal goes to the server's MAC and address: still the agent's */
	memset(&in, 0, sizeof(in));
	pkt_eth(&in, W_ROUTER_MAC, W_MAC_1, 0x0800);
	pkt_ipv4(&in, W_IP_1, W_ROUTER_1, 17, 64, 8 + 300);
	pkt_udp(&in, 68, 67, 300);
	pkt_fill(&in, 0x02, 300);
	world_teardown();
	world_setup_ip();
	check_punted(&in, NL_C_TX_PUNT_DHCP4, NL_PUNT_DHCP4);
}

Test(punt, dhcp6_and_router_solicitation, .init = world_setup_ip, .fini = world_teardown)
{
	static const uint8_t all_dhcp[16] = {0xff, 2, [13] = 1, [15] = 2};
	static const uint8_t all_routers[16] = {0xff, 2, [15] = 2};
	const uint8_t udp[8] = {0x02, 0x22, 0x02, 0x23, 0, 40, 0, 0}; /* 546 -> 547 */
	const uint8_t rs[4] = {133, 0, 0, 0};
	struct pkt in = {};

	ip6(&in, mc_dhcp6, all_dhcp, 17, 1, udp, 8, 40);
	check_punted(&in, NL_C_TX_PUNT_DHCP6, NL_PUNT_DHCP6);
	world_teardown();
	world_setup_ip();
	memset(&in, 0, sizeof(in));
	ip6(&in, mc_routers, all_routers, 58, 255, rs, 4, 16);
	check_punted(&in, NL_C_TX_PUNT_RS, NL_PUNT_RS);
}

/* a VM playing DHCP server, a fragment, a router advertisement: not for the agent */
Test(punt, look_alikes_not_punted, .init = world_setup_ip, .fini = world_teardown)
{
	static const uint8_t all_nodes[16] = {0xff, 2, [15] = 1};
	const uint8_t ra[4] = {134, 0, 0, 0};
	struct sink s;
	struct pkt in = {};
	struct run r;

	dhcp4_discover(&in, bcast, 67, 68);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	memset(&in, 0, sizeof(in));
	dhcp4_discover(&in, bcast, 68, 67);
	in.b[14 + 6] = 0x20; /* more fragments */
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	memset(&in, 0, sizeof(in));
	ip6(&in, (const uint8_t[6]){0x33, 0x33, 0, 0, 0, 1}, all_nodes, 58, 255, ra, 4, 16);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(counter(NL_C_TX_PUNT_DHCP4) + counter(NL_C_TX_PUNT_DHCP6) +
			     counter(NL_C_TX_PUNT_RS),
		     0);
	cr_assert_eq(punt_drain(&s), 0);
}

/*
 * 40 DISCOVERs at once: the first NL_PUNT_VIF_BURST reach the ring, the
 * rest are counted as limited (refilled at NL_PUNT_VIF_PER_S, so 40 in a
 * row cannot all pass unless the run took seconds), and none is sent on.
 */
Test(punt, per_vif_budget, .init = world_setup_ip, .fini = world_teardown)
{
	struct sink s;
	struct pkt in = {};
	struct run r;
	uint64_t punted, limited;

	dhcp4_discover(&in, bcast, 68, 67);
	for (int i = 0; i < 40; i++) {
		run_tc(&r, W.ifindex_a1, in.b, in.len);
		cr_assert_eq(r.retval, TC_ACT_SHOT);
	}
	punted = counter(NL_C_TX_PUNT_DHCP4);
	limited = counter(NL_C_TX_PUNT_LIMITED);
	cr_assert_eq(punted + limited, 40);
	cr_assert_geq(punted, NL_PUNT_VIF_BURST);
	cr_assert_gt(limited, 0);
	cr_assert_eq(punt_drain(&s), (int)punted);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED) + counter(NL_C_TX_LOCAL_DELIVERED), 0);
	/* another VIF's budget is its own */
	memset(&in, 0, sizeof(in));
	pkt_eth(&in, bcast, W_MAC_5, 0x0800);
	pkt_ipv4(&in, 0, 0xffffffff, 17, 64, 8 + 300);
	pkt_udp(&in, 68, 67, 300);
	pkt_fill(&in, 0x01, 300);
	run_tc(&r, W.ifindex_a5, in.b, in.len);
	cr_assert_eq(counter(NL_C_TX_PUNT_DHCP4), punted + 1);
}

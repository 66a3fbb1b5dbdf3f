// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Proxy ARP: the VM's ARP is answered on the VIF and never reaches the fabric. */
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

/* The reply a1 must get for "who has 192.168.1.20": written out by hand */
static const uint8_t reply_ip2[42] = {
	0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,			    /* to a1 */
	0x52, 0x54, 0x00, 0xaa, 0x00, 0x02,			    /* from a2's MAC */
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, /* reply */
	0x52, 0x54, 0x00, 0xaa, 0x00, 0x02, 192,  168,	1,    20,   /* sender a2 */
	0x52, 0x54, 0x00, 0xaa, 0x00, 0x01, 192,  168,	1,    10,   /* target a1 */
};

Test(arp, reply_from_nart1_byte_exact, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_2);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, in.len, "frame length changed");
	cr_assert_arr_eq(r.out, reply_ip2, sizeof(reply_ip2), "reply:\n%s", hex(r.out, 42));
	cr_assert_eq(counter(NL_C_TX_ARP_REPLIED), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_ARP_REPLIED, NL_C_MAX));
	/* nothing was forwarded */
	cr_assert_eq(vif_stats(W.slot_a1).tx_packets, 0);
}

Test(arp, reply_for_virtual_router, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_ROUTER_1);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_arr_eq(r.out + 6, W_ROUTER_MAC, 6);
	cr_assert_eq(rd16(r.out + 20), 2);
	cr_assert_arr_eq(r.out + 22, W_ROUTER_MAC, 6);
	cr_assert_eq(rd32(r.out + 28), W_ROUTER_1);
}

/* Tenant B asks for an address only tenant A has: miss, WHERE event for B */
Test(arp, other_tenant_never_answers, .init = world_setup_ip, .fini = world_teardown)
{
	struct nl_event ev[4];
	struct pkt in = {};
	struct run r;

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_4);
	run_tc(&r, W.ifindex_b1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_ARP_MISS), 1);
	cr_assert_eq(events_drain(ev, 4), 1);
	cr_assert_eq(ev[0].type, NL_EV_NART1_MISS);
	cr_assert_eq(ev[0].tenant, W_TENANT_B);
	cr_assert_eq(rd32((uint8_t *)&ev[0].ip), W_IP_4);
	cr_assert_eq(ev[0].ifindex, (uint32_t)W.ifindex_b1);
}

/* Same address in both tenants: each gets its own tenant's answer */
Test(arp, same_ip_two_tenants, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_2);
	run_tc(&r, W.ifindex_b1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_arr_eq(r.out + 22, W_MAC_2, 6);
	cr_assert_eq(counter(NL_C_TX_ARP_REPLIED), 1);
}

/* 192.168.2.30 is in MAC space 2: a1 must route to it, not ARP for it */
Test(arp, other_subnet_not_answered, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_3);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_ARP_MISS), 1);
	cr_assert_eq(counter(NL_C_TX_ARP_REPLIED), 0);
}

Test(arp, miss_event_deduplicated, .init = world_setup_ip, .fini = world_teardown)
{
	struct nl_event ev[4];
	struct pkt in = {};
	struct run r;

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP(192, 168, 1, 99));
	for (int i = 0; i < 5; i++) {
		run_tc(&r, W.ifindex_a1, in.b, in.len);
		cr_assert_eq(r.retval, TC_ACT_SHOT);
	}
	cr_assert_eq(counter(NL_C_TX_ARP_MISS), 5);
	cr_assert_eq(events_drain(ev, 4), 1, "a scanning VM must not flood the agent");
}

Test(arp, probe_answered, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_arp_request(&in, W_MAC_1, 0, W_IP_2);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(rd32(r.out + 38), 0, "reply goes to the probe's 0.0.0.0");
}

static void expect_drop(int ifindex, const struct pkt *in, enum nl_counter c)
{
	struct run r;

	run_tc(&r, ifindex, in->b, in->len);
	cr_assert_eq(r.retval, TC_ACT_SHOT, "retval %u", r.retval);
	cr_assert_eq(counter(c), 1);
	cr_assert(counters_all_zero_except(c, NL_C_MAX));
}

Test(arp, spoofed_sender_mac, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_2);
	memcpy(in.b + 22, W_MAC_5, 6); /* ARP sender differs from the frame source */
	expect_drop(W.ifindex_a1, &in, NL_C_TX_SPOOF_MAC);
}

Test(arp, spoofed_sender_ip, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_arp_request(&in, W_MAC_1, W_IP_5, W_IP_2);
	expect_drop(W.ifindex_a1, &in, NL_C_TX_SPOOF_IP);
}

Test(arp, gratuitous_ignored, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_1);
	expect_drop(W.ifindex_a1, &in, NL_C_TX_ARP_IGNORED);
}

Test(arp, reply_from_vm_ignored, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_2);
	in.b[21] = 2;
	expect_drop(W.ifindex_a1, &in, NL_C_TX_ARP_IGNORED);
}

Test(arp, truncated, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_2);
	in.len = 14 + 20;
	expect_drop(W.ifindex_a1, &in, NL_C_TX_MALFORMED);
}

Test(arp, wrong_address_lengths, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_arp_request(&in, W_MAC_1, W_IP_1, W_IP_2);
	in.b[18] = 8;
	expect_drop(W.ifindex_a1, &in, NL_C_TX_MALFORMED);
}

/* An L2-only VIF owns no IPv4 address, so it has none to ARP from */
Test(arp, l2_only_vif, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_arp_request(&in, W_MAC_4, W_IP_4, W_IP_2);
	expect_drop(W.ifindex_l2, &in, NL_C_TX_SPOOF_IP);
}

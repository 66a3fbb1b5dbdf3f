// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * gre mode (IPv4 protocol 47, GRE key = tenant, Transparent Ethernet
 * Bridging) byte by byte, and the tc receive program nl_uplink_rx_tc (the
 * path after GRO) in every mode: the same checks as the XDP receive path,
 * a decapsulation that leaves exactly the inner frame.  Patent Figs. 8 and
 * 10 with a GRO-friendly outer header (docs/wire-format.md 2.3).
 */
#include <arpa/inet.h>
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

/* a1 -> a2 (tenant 12.25, S1 -> S2 port 7, VLAN 10), 46-byte inner frame:
 * made by scapy (Ether/IP(proto=47, id=10, flags=DF)/GRE(key_present=1,
 * proto=0x6558, key=0x0c19)), not by our code */
static const uint8_t outer_gre_a1_a2[42] = {
	0x02, 0x4e, 0x4c, 0x00, 0x00, 0x02, 0x02, 0x4e, 0x4c, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x4a, 0x00, 0x0a, 0x40, 0x00, 0x40, 0x2f, 0x0e, 0x42, 0x0a, 0x01,
	0x0c, 0x19, 0x0a, 0x07, 0x0c, 0x19, 0x20, 0x00, 0x65, 0x58, 0x00, 0x00, 0x0c, 0x19,
};

static void setup_gre_one_vlan(void)
{
	static const __u16 vlans[] = {10};

	world_setup_gre();
	cr_assert_eq(world_vlans_set(W_S2, 1, vlans), 0);
}

static void check_a1_to_a2_gre(void)
{
	check_a1_to_a2_outer(outer_gre_a1_a2, sizeof(outer_gre_a1_a2));
}

Test(gre, encap_l2_byte_exact, .init = setup_gre_one_vlan, .fini = world_teardown)
{
	check_a1_to_a2_gre();
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_ENCAPSULATED, NL_C_MAX));
	cr_assert_eq(vif_stats(W.slot_a1).tx_bytes, 46);
}

/* garbage in the new headroom: every outer byte must still be written */
Test(gre, encap_writes_every_outer_byte, .init = setup_gre_one_vlan, .fini = world_teardown)
{
	cfg_update(cfg_poison_on);
	check_a1_to_a2_gre();
}

/* tenant B (13.7) has the same MAC and IP: its own key, its own addresses */
Test(gre, key_is_the_tenant, .init = setup_gre_one_vlan, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 8);
	run_tc(&r, W.ifindex_b1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out[14 + 9], 47);
	cr_assert_eq(rd32(r.out + 34 + 4), W_TENANT_B, "GRE key %08x", rd32(r.out + 38));
	cr_assert_eq(rd32(r.out + 14 + 16), W_IP(10, 8, 0x0d, 0x07));
}

/* a routed frame: MAC_AS_ID 2 in the outer source, inner MACs rewritten */
Test(gre, routed, .init = setup_gre_one_vlan, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_ROUTER_MAC, W_MAC_1, W_IP_1, W_IP_3, 10);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, 42 + in.len);
	cr_assert_eq(inet_csum(r.out + 14, 20), 0);
	cr_assert_eq(rd32(r.out + 14 + 12), W_IP(10, 2, 0x0c, 0x19));
	cr_assert_eq(rd32(r.out + 14 + 16), W_IP(10, 9, 0x0c, 0x19));
	cr_assert_eq(rd16(r.out + 34), 0x2000);
	cr_assert_eq(rd16(r.out + 36), 0x6558);
	cr_assert_arr_eq(r.out + 42, W_MAC_3, 6);
	cr_assert_eq(r.out[42 + 14 + 8], 63, "TTL not decremented");
}

/* the MTU check counts the 42 bytes of gre mode */
Test(gre, too_big_answered_with_icmp, .init = setup_gre_one_vlan, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	/* 1458 + 42 = 1500 fits; one byte more does not */
	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 1458 - 28);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, 42 + in.len);
	memset(&in, 0, sizeof(in));
	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 1459 - 28);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(counter(NL_C_TX_MTU), 1);
	cr_assert_eq(r.out[14 + 9], 1, "ICMP back to the VM");
	cr_assert_eq(rd16(r.out + 34 + 6), 1458, "next-hop MTU %u", rd16(r.out + 40));
}

/* ==== receive: XDP and tc ======================================================= */

static void inner_a2_to_a1(struct pkt *inner)
{
	pkt_vm_udp(inner, W_MAC_1, W_MAC_2, W_IP_2, W_IP_1, 20);
}

Test(gre, xdp_decap_byte_exact, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_GRE, W_TENANT_A, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	cr_assert_eq(vif_stats(W.slot_a1).rx_bytes, inner.len);
	cr_assert_eq(counter(NL_C_RX_DELIVERED), 1);
	cr_assert(counters_all_zero_except(NL_C_RX_DELIVERED, NL_C_MAX));
}

static void rx_tc_delivers(int mode, uint32_t tenant, int slot, uint32_t gso)
{
	struct pkt inner = {}, in = {};
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, mode, tenant, 1, W_PORT, &inner);
	run_rx_tc(&r, in.b, in.len, gso);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, inner.len, "len %u:\n%s", r.out_len, hex(r.out, r.out_len));
	cr_assert_arr_eq(r.out, inner.b, inner.len, "inner:\n%s", hex(r.out, r.out_len));
	cr_assert_eq(vif_stats(slot).rx_packets, 1);
	cr_assert_eq(vif_stats(slot).rx_bytes, inner.len);
	cr_assert_eq(counter(NL_C_RX_DELIVERED), 1);
	cr_assert(counters_all_zero_except(NL_C_RX_DELIVERED, NL_C_MAX));
}

Test(gre, tc_decap_gre, .init = world_setup_gre, .fini = world_teardown)
{
	rx_tc_delivers(NL_ENCAP_GRE, W_TENANT_A, W.slot_a1, 0);
}

Test(gre, tc_decap_ip, .init = world_setup_ip, .fini = world_teardown)
{
	rx_tc_delivers(NL_ENCAP_IP, W_TENANT_A, W.slot_a1, 0);
}

Test(gre, tc_decap_udp, .init = world_setup_udp, .fini = world_teardown)
{
	rx_tc_delivers(NL_ENCAP_UDP, W_TENANT_B, W.slot_b1, 0);
}

/* checks both receive programs make alike: each counted under one reason */
static void both_drop(const struct pkt *in, enum nl_counter c)
{
	struct run r;

	run_xdp(&r, in->b, in->len);
	cr_assert_eq(r.retval, XDP_DROP);
	run_rx_tc(&r, in->b, in->len, 0);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(c), 2, "counter %d = %lu", c, (unsigned long)counter(c));
	cr_assert(counters_all_zero_except(c, NL_C_MAX));
	cr_assert_eq(vif_stats(W.slot_a1).rx_packets, 0);
}

/* a 2-byte payload: 58 bytes, padded to 60 on the wire; the padding is not the VM's */
static void tiny_frame(struct pkt *inner, struct pkt *in)
{
	pkt_eth(inner, W_MAC_1, W_MAC_2, 0x88b6);
	pkt_fill(inner, 0x11, 2);
	pkt_netlord(in, NL_ENCAP_GRE, W_TENANT_A, 1, W_PORT, inner);
	cr_assert_eq(in->len, 58);
	pkt_fill(in, 0xa5, 2);
}

Test(gre, xdp_decap_trims_padding, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	tiny_frame(&inner, &in);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len, "padding not trimmed: %u bytes", r.out_len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
}

/*
 * tc cannot shrink an skb below an IPv4 header after its Ethernet header:
 * a frame under the Ethernet minimum reaches the VIF zero-padded to 60
 * bytes, as it would from a wire
 */
Test(gre, tc_decap_pads_tiny_frame_to_minimum, .init = world_setup_gre, .fini = world_teardown)
{
	static const uint8_t zeros[60] = {0};
	struct pkt inner = {}, in = {};
	struct run r;

	tiny_frame(&inner, &in);
	run_rx_tc(&r, in.b, in.len, 0);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, 60, "len %u:\n%s", r.out_len, hex(r.out, r.out_len));
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	cr_assert_arr_eq(r.out + inner.len, zeros, 60 - inner.len, "padding:\n%s",
			 hex(r.out, r.out_len));
	cr_assert_eq(vif_stats(W.slot_a1).rx_bytes, inner.len);
}

/* more than minimum-frame padding after the datagram: malformed in both programs */
Test(gre, long_trailer_dropped, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_GRE, W_TENANT_A, 1, W_PORT, &inner);
	pkt_fill(&in, 0xa5, 8);
	both_drop(&in, NL_C_RX_MALFORMED);
}

/* the key must be the tenant of the destination address */
Test(gre, key_mismatch_dropped, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_GRE, W_TENANT_A, 1, W_PORT, &inner);
	in.b[34 + 7] ^= 1; /* key 12.24 to 10.3.12.25 */
	both_drop(&in, NL_C_RX_BAD_TENANT);
}

/* GRE with a checksum, a sequence number or another version is not ours */
Test(gre, other_gre_flags_dropped, .init = world_setup_gre, .fini = world_teardown)
{
	static const uint16_t flags[] = {0xa000, 0x3000, 0x2001, 0x0000};

	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct pkt inner = {}, in = {};
		struct run r;

		inner_a2_to_a1(&inner);
		pkt_netlord(&in, NL_ENCAP_GRE, W_TENANT_A, 1, W_PORT, &inner);
		in.b[34] = flags[i] >> 8;
		in.b[35] = flags[i] & 0xff;
		run_xdp(&r, in.b, in.len);
		cr_assert_eq(r.retval, XDP_DROP, "flags %04x", flags[i]);
		run_rx_tc(&r, in.b, in.len, 0);
		cr_assert_eq(r.retval, TC_ACT_SHOT, "flags %04x", flags[i]);
	}
	cr_assert_eq(counter(NL_C_RX_BAD_PROTO), 8);
}

/* GRE carrying IPv4 (0x0800) instead of an Ethernet frame */
Test(gre, not_teb_dropped, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_GRE, W_TENANT_A, 1, W_PORT, &inner);
	in.b[36] = 0x08;
	in.b[37] = 0x00;
	both_drop(&in, NL_C_RX_BAD_PROTO);
}

/* a gre-mode receiver takes no ip-mode frames (all NAs agree on the mode) */
Test(gre, other_mode_dropped, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	both_drop(&in, NL_C_RX_BAD_PROTO);
}

/* an IP length beyond the frame: malformed in both programs */
Test(gre, tot_len_beyond_frame, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	uint16_t tl;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_GRE, W_TENANT_A, 1, W_PORT, &inner);
	tl = rd16(in.b + 16) + 1;
	in.b[16] = tl >> 8;
	in.b[17] = tl & 0xff;
	in.b[24] = in.b[25] = 0;
	tl = inet_csum(in.b + 14, 20);
	in.b[24] = tl >> 8;
	in.b[25] = tl & 0xff;
	both_drop(&in, NL_C_RX_MALFORMED);
}

/* the server's own traffic goes to the kernel from tc as well */
Test(gre, tc_passes_server_traffic, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_eth(&in, W_SERVER_MAC, W_S1, 0x0800);
	pkt_ipv4(&in, W_IP(10, 7, 0, 1), W_IP(10, W_PORT, 0, 1), 17, 64, 8);
	pkt_udp(&in, 24144, 24144, 0);
	run_rx_tc(&r, in.b, in.len, 0);
	cr_assert_eq(r.retval, TC_ACT_OK);
	cr_assert_eq(r.out_len, in.len);
	cr_assert_arr_eq(r.out, in.b, in.len);
	cr_assert_eq(counter(NL_C_RX_PASS), 1);
}

/* an unknown VIF: NOT-HERE to the agent, from tc as from XDP */
Test(gre, tc_not_here_event, .init = world_setup_gre, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct nl_event ev[4];
	struct run r;

	pkt_vm_udp(&inner, W_MAC_2, W_MAC_3, W_IP_3, W_IP_2, 20);
	pkt_netlord(&in, NL_ENCAP_GRE, W_TENANT_A, 1, W_PORT, &inner);
	run_rx_tc(&r, in.b, in.len, 0);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_RX_NOT_HERE), 1);
	cr_assert_eq(events_drain(ev, 4), 1);
	cr_assert_eq(ev[0].type, NL_EV_NOT_HERE);
	cr_assert_eq(ev[0].tenant, W_TENANT_A);
}

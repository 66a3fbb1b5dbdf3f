// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* VM -> network: encapsulation in both modes, byte by byte. */
#include <arpa/inet.h>
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

/* Outer headers for a1 -> a2 (tenant 12.25, S1 -> S2 port 7, VLAN 10),
 * computed by scapy, not by our code: ip mode (34 bytes), udp mode (42). */
static const uint8_t outer_ip_a1_a2[34] = {
	0x02, 0x4e, 0x4c, 0x00, 0x00, 0x02, 0x02, 0x4e, 0x4c, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x42, 0x00, 0x0a, 0x40, 0x00, 0x40, 0x8f,
	0x0d, 0xea, 0x0a, 0x01, 0x0c, 0x19, 0x0a, 0x07, 0x0c, 0x19,
};
static const uint8_t outer_udp_a1_a2[42] = {
	0x02, 0x4e, 0x4c, 0x00, 0x00, 0x02, 0x02, 0x4e, 0x4c, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x4a, 0x00, 0x0a, 0x40, 0x00, 0x40, 0x11, 0x0e, 0x60, 0x0a, 0x01,
	0x0c, 0x19, 0x0a, 0x07, 0x0c, 0x19, 0xc0, 0x00, 0x5e, 0x4f, 0x00, 0x36, 0x00, 0x00,
};

static void one_vlan_to_s2(void)
{
	static const __u16 vlans[] = {10};

	cr_assert_eq(world_vlans_set(W_S2, 1, vlans), 0);
}

static void check_a1_to_a2_ip(void)
{
	check_a1_to_a2_outer(outer_ip_a1_a2, sizeof(outer_ip_a1_a2));
}

static void check_a1_to_a2_udp(void)
{
	uint8_t expect[42];
	struct pkt in = {};
	struct run r;
	uint16_t sport;

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 4);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, 42 + 46);
	/* the source port is the flow hash: only its range is fixed */
	sport = rd16(r.out + 34);
	cr_assert_geq(sport, 49152);
	memcpy(expect, outer_udp_a1_a2, sizeof(expect));
	expect[34] = r.out[34];
	expect[35] = r.out[35];
	cr_assert_arr_eq(r.out, expect, 42, "outer:\n%s", hex(r.out, 42));
	cr_assert_arr_eq(r.out + 42, in.b, in.len);
}

Test(encap, ip_mode_l2_byte_exact, .init = world_setup_ip, .fini = world_teardown)
{
	struct nl_vif_stats s;

	one_vlan_to_s2();
	check_a1_to_a2_ip();
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_ENCAPSULATED, NL_C_MAX));
	s = vif_stats(W.slot_a1);
	cr_assert_eq(s.tx_packets, 1);
	cr_assert_eq(s.tx_bytes, 46);
}

Test(encap, udp_mode_l2_byte_exact, .init = world_setup_udp, .fini = world_teardown)
{
	one_vlan_to_s2();
	check_a1_to_a2_udp();
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 1);
}

/* test_run zeroes new headroom, real drivers do not: with garbage in the
 * headroom the output must still be exact, so every outer byte is written */
Test(encap, ip_mode_writes_every_outer_byte, .init = world_setup_ip, .fini = world_teardown)
{
	one_vlan_to_s2();
	cfg_update(cfg_poison_on);
	check_a1_to_a2_ip();
}

Test(encap, udp_mode_writes_every_outer_byte, .init = world_setup_udp, .fini = world_teardown)
{
	one_vlan_to_s2();
	cfg_update(cfg_poison_on);
	check_a1_to_a2_udp();
}

static void check_routed(int hdr)
{
	struct pkt in = {};
	struct run r;
	const uint8_t *outer_ip, *inner;

	/* a1 (subnet 1) -> a3 (subnet 2, MAC_AS 2) through the virtual router */
	pkt_vm_udp(&in, W_ROUTER_MAC, W_MAC_1, W_IP_1, W_IP_3, 10);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, hdr + in.len);
	outer_ip = r.out + 14;
	cr_assert_arr_eq(r.out, W_S2, 6);
	cr_assert_arr_eq(r.out + 6, W_S1, 6);
	cr_assert_eq(inet_csum(outer_ip, 20), 0, "outer checksum");
	/* MAC_AS_ID 2 of the destination in the source address, port 9 in the destination */
	cr_assert_eq(rd32(outer_ip + 12), W_IP(10, 2, 0x0c, 0x19));
	cr_assert_eq(rd32(outer_ip + 16), W_IP(10, 9, 0x0c, 0x19));
	inner = r.out + hdr;
	cr_assert_arr_eq(inner, W_MAC_3, 6, "inner destination MAC not rewritten");
	cr_assert_arr_eq(inner + 6, W_ROUTER_MAC, 6, "inner source must be the router");
	cr_assert_eq(inner[14 + 8], 63, "TTL not decremented");
	cr_assert_eq(inet_csum(inner + 14, 20), 0, "inner checksum not updated");
	cr_assert_arr_eq(inner + 14 + 9, in.b + 14 + 9, 1);
	cr_assert_arr_eq(inner + 14 + 12, in.b + 14 + 12, in.len - 26, "payload changed");
}

Test(encap, routed_ip_mode, .init = world_setup_ip, .fini = world_teardown)
{
	check_routed(34);
}

Test(encap, routed_udp_mode, .init = world_setup_udp, .fini = world_teardown)
{
	check_routed(42);
}

/* Both ends on edge switch S1: the outer source MAC is this server's [0047] */
Test(encap, same_switch_uses_server_mac, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_MAC_4, W_MAC_1, W_IP_1, W_IP_4, 20);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_arr_eq(r.out, W_S1, 6);
	cr_assert_arr_eq(r.out + 6, W_SERVER_MAC, 6);
	cr_assert_eq(rd16(r.out + 14 + 4), 0, "untagged pair: IP-ID must be 0");
	cr_assert_eq(rd32(r.out + 14 + 16), W_IP(10, 5, 0x0c, 0x19));
}

/* Two VLANs to S2: one flow always takes one VLAN, many flows use both */
Test(encap, vlan_by_flow_hash, .init = world_setup_ip, .fini = world_teardown)
{
	int seen10 = 0, seen11 = 0;

	for (int f = 0; f < 64; f++) {
		uint16_t first = 0;

		for (int rep = 0; rep < 3; rep++) {
			struct pkt in = {};
			struct run r;
			uint16_t id;

			pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 8);
			in.b[34] = f; /* UDP source port: a different flow */
			in.b[35] = f * 7;
			run_tc(&r, W.ifindex_a1, in.b, in.len);
			cr_assert_eq(r.retval, TC_ACT_REDIRECT);
			id = rd16(r.out + 14 + 4);
			cr_assert(id == W_VLANS_S2_0 || id == W_VLANS_S2_1, "IP-ID %u", id);
			if (rep == 0)
				first = id;
			cr_assert_eq(id, first, "flow %d changed VLAN", f);
		}
		seen10 += first == W_VLANS_S2_0;
		seen11 += first == W_VLANS_S2_1;
	}
	cr_assert(seen10 > 0 && seen11 > 0, "VLANs used: 10 x%d, 11 x%d", seen10, seen11);
}

/* Tenants A and B use the same MAC and IP: each reaches its own VIF only */
Test(encap, isolation_same_addresses, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run ra, rb;

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 8);
	run_tc(&ra, W.ifindex_a1, in.b, in.len);
	run_tc(&rb, W.ifindex_b1, in.b, in.len);
	cr_assert_eq(ra.retval, TC_ACT_REDIRECT);
	cr_assert_eq(rb.retval, TC_ACT_REDIRECT);
	cr_assert_eq(rd32(ra.out + 14 + 16), W_IP(10, 7, 0x0c, 0x19), "tenant A -> a2 at port 7");
	cr_assert_eq(rd32(rb.out + 14 + 16), W_IP(10, 8, 0x0d, 0x07), "tenant B -> b2 at port 8");
	cr_assert_eq(rd32(rb.out + 14 + 12) & 0xffff, W_TENANT_B);
}

/* A raw ethertype (no IP): grown at the head, inner frame untouched */
Test(encap, raw_ethertype_l2_only, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	cfg_update(cfg_poison_on);
	pkt_eth(&in, W_MAC_2, W_MAC_4, 0x88b6);
	pkt_fill(&in, 0x5a, 60);
	run_tc(&r, W.ifindex_l2, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, 42 + in.len);
	cr_assert_arr_eq(r.out, W_S2, 6);
	cr_assert_arr_eq(r.out + 6, W_S1, 6);
	cr_assert_eq(rd16(r.out + 12), 0x0800);
	cr_assert_eq(inet_csum(r.out + 14, 20), 0);
	cr_assert_eq(rd16(r.out + 14 + 2), 20 + 8 + in.len);
	/* MAC space 3 of the L2-only VIF travels in the source address */
	cr_assert_eq(rd32(r.out + 14 + 12), W_IP(10, 3, 0x0c, 0x19));
	cr_assert_eq(rd16(r.out + 34 + 2), NL_UDP_PORT);
	cr_assert_eq(rd16(r.out + 34 + 4), 8 + in.len);
	cr_assert_arr_eq(r.out + 42, in.b, in.len);
}

Test(encap, ipv6_frame, .init = world_setup_ip, .fini = world_teardown)
{
	uint8_t v6[40] = {0x60, 0, 0, 0, 0, 8, 17, 64};
	struct pkt in = {};
	struct run r;

	v6[8] = 0xfe;
	v6[9] = 0x80;
	v6[24] = 0xfe;
	v6[25] = 0x80;
	pkt_eth(&in, W_MAC_2, W_MAC_1, 0x86dd);
	pkt_bytes(&in, v6, sizeof(v6));
	pkt_fill(&in, 1, 8);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, 34 + in.len);
	cr_assert_eq(r.out[14 + 9], NL_IPPROTO_ETHERNET);
	cr_assert_arr_eq(r.out + 34, in.b, in.len);
}

/* DSCP is copied to the outer header so fabric QoS sees it; ECN is not */
Test(encap, dscp_copied, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 8);
	in.b[15] = 0xbb; /* EF + ECN CE */
	in.b[24] = in.b[25] = 0;
	in.b[24] = inet_csum(in.b + 14, 20) >> 8;
	in.b[25] = inet_csum(in.b + 14, 20) & 0xff;
	cr_assert_eq(inet_csum(in.b + 14, 20), 0);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out[15], 0xb8);
	cr_assert_eq(inet_csum(r.out + 14, 20), 0);
}

static void world_setup_ip24(void)
{
	world_setup(NL_ENCAP_IP, NL_TENANT_BITS_24);
}

/* 24-bit tenant scheme: destination p.T, source M.T */
Test(encap, tenant_bits_24, .init = world_setup_ip24, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 8);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(rd32(r.out + 14 + 16), W_IP(7, 0, 0x0c, 0x19));
	cr_assert_eq(rd32(r.out + 14 + 12), W_IP(1, 0, 0x0c, 0x19));
	cr_assert_eq(inet_csum(r.out + 14, 20), 0);
}

/* IP protocol 143 has no GSO handler: counted drop, never a black hole */
Test(encap, gso_ip_mode_counted_drop, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 3000);
	run_tc_gso(&r, W.ifindex_a1, in.b, in.len, 1400);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_GSO_IP_MODE), 1);
}

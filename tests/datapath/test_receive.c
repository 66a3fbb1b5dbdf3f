// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Network -> VM: validation, decapsulation and delivery on the uplink. */
#include <arpa/inet.h>
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

#define OFF_IP 14 /* outer IPv4 header in an untagged frame */
#define OFF_L4 (OFF_IP + 20)

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* outer addresses of a 16-bit scheme frame for tenant @t, MAC_AS / port @o */
#define SPECIAL(o, t) W_IP(10, (o), (t) >> 8, (t)&0xff)

static void inner_a2_to_a1(struct pkt *inner)
{
	pkt_vm_udp(inner, W_MAC_1, W_MAC_2, W_IP_2, W_IP_1, 32);
}

/* ---- editing built frames --------------------------------------------------- */

/* Recomputes the IPv4 header checksum of the header at @ip_off (IHL honoured). */
static void fix_csum(struct pkt *p, uint32_t ip_off)
{
	uint32_t hlen = (p->b[ip_off] & 0x0f) * 4;

	if (hlen < 20)
		hlen = 20;
	cr_assert_leq(ip_off + hlen, p->len);
	p->b[ip_off + 10] = 0;
	p->b[ip_off + 11] = 0;
	hlen = inet_csum(p->b + ip_off, hlen);
	p->b[ip_off + 10] = hlen >> 8;
	p->b[ip_off + 11] = hlen & 0xff;
}

static void put16_at(struct pkt *p, uint32_t off, uint16_t v)
{
	cr_assert_leq(off + 2, p->len);
	p->b[off] = v >> 8;
	p->b[off + 1] = v & 0xff;
}

/* Sets one byte of the outer IPv4 header and keeps the checksum right. */
static void ip_set8(struct pkt *p, uint32_t field, uint8_t v)
{
	cr_assert_lt(OFF_IP + field, p->len);
	p->b[OFF_IP + field] = v;
	fix_csum(p, OFF_IP);
}

/* Same for a 16-bit field (network order on the wire). */
static void ip_set16(struct pkt *p, uint32_t field, uint16_t v)
{
	put16_at(p, OFF_IP + field, v);
	fix_csum(p, OFF_IP);
}

/* Inserts an 802.1Q tag after the MAC addresses. */
static void add_tag(struct pkt *p, uint16_t vid)
{
	cr_assert_leq(p->len + 4, sizeof(p->b));
	memmove(p->b + 16, p->b + 12, p->len - 12);
	p->len += 4;
	put16_at(p, 12, 0x8100);
	put16_at(p, 14, vid);
}

/* Outer Ethernet + IPv4 for our MAC, as the egress switch sends it. */
static void outer(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload)
{
	pkt_eth(p, W_SERVER_MAC, W_S1, 0x0800);
	pkt_ipv4(p, src, dst, proto, 62, payload);
}

/* ---- expectations ------------------------------------------------------------- */

static void no_vif_got_anything(void)
{
	cr_assert_eq(vif_stats(W.slot_a1).rx_packets, 0, "a1 got a frame");
	cr_assert_eq(vif_stats(W.slot_b1).rx_packets, 0, "b1 got a frame");
	cr_assert_eq(vif_stats(W.slot_a5).rx_packets, 0, "a5 got a frame");
	cr_assert_eq(vif_stats(W.slot_l2).rx_packets, 0, "l2 got a frame");
}

/* XDP_DROP, counted once under @c and nothing else, nobody delivered to */
static void expect_drop(const struct pkt *in, enum nl_counter c)
{
	struct run r;

	run_xdp(&r, in->b, in->len);
	cr_assert_eq(r.retval, XDP_DROP, "retval %u, frame:\n%s", r.retval, hex(in->b, in->len));
	cr_assert_eq(counter(c), 1, "counter %d is %lu", c, (unsigned long)counter(c));
	cr_assert(counters_all_zero_except(c, NL_C_MAX), "another counter moved");
	no_vif_got_anything();
}

/* XDP_PASS to the kernel stack, frame untouched, no metadata, RX_PASS */
static void expect_pass(const struct pkt *in)
{
	struct run r;

	run_xdp(&r, in->b, in->len);
	cr_assert_eq(r.retval, XDP_PASS, "retval %u", r.retval);
	cr_assert_eq(r.out_len, in->len, "length changed: %u", r.out_len);
	cr_assert_arr_eq(r.out, in->b, in->len, "frame changed:\n%s", hex(r.out, r.out_len));
	cr_assert_eq(r.meta_len, 0, "metadata left on a passed frame");
	cr_assert_eq(counter(NL_C_RX_PASS), 1);
	cr_assert(counters_all_zero_except(NL_C_RX_PASS, NL_C_MAX), "another counter moved");
	no_vif_got_anything();
}

/* Frame handed to @ifindex through the XDP_PASS + metadata path */
static void expect_meta(const struct run *r, int ifindex)
{
	struct nl_xdp_meta meta;

	cr_assert_eq(r->retval, XDP_PASS);
	cr_assert_eq(r->meta_len, sizeof(meta));
	memcpy(&meta, r->meta, sizeof(meta));
	cr_assert_eq(meta.magic, NL_XDP_META_MAGIC);
	cr_assert_eq(meta.ifindex, (uint32_t)ifindex, "delivered to the wrong VIF");
}

static void expect_delivered_once(int slot, uint32_t bytes)
{
	struct nl_vif_stats s = vif_stats(slot);

	cr_assert_eq(s.rx_packets, 1);
	cr_assert_eq(s.rx_bytes, bytes);
	cr_assert_eq(s.tx_packets, 0);
	cr_assert_eq(counter(NL_C_RX_DELIVERED), 1);
	cr_assert(counters_all_zero_except(NL_C_RX_DELIVERED, NL_C_MAX));
}

/* ==== 1. delivery ================================================================ */

Test(receive, ip_mode_xdp_redirect_to_vif, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct nl_vif_stats s;
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	s = vif_stats(W.slot_a1);
	cr_assert_eq(s.rx_packets, 1);
	cr_assert_eq(s.rx_bytes, inner.len);
	cr_assert_eq(vif_stats(W.slot_b1).rx_packets, 0);
	cr_assert_eq(counter(NL_C_RX_DELIVERED), 1);
	cr_assert(counters_all_zero_except(NL_C_RX_DELIVERED, NL_C_MAX));
}

/* b1 cannot take XDP frames: pass with the target VIF in the metadata */
Test(receive, udp_mode_pass_with_metadata, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct nl_xdp_meta meta;
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_B, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_PASS);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	cr_assert_eq(r.meta_len, sizeof(meta));
	memcpy(&meta, r.meta, sizeof(meta));
	cr_assert_eq(meta.magic, NL_XDP_META_MAGIC);
	cr_assert_eq(meta.ifindex, (uint32_t)W.ifindex_b1, "delivered to the wrong VIF");
	cr_assert_eq(vif_stats(W.slot_b1).rx_packets, 1);
	cr_assert_eq(vif_stats(W.slot_a1).rx_packets, 0);
}

/* A switch that keeps the 802.1Q tag: one tag is still NetLord data */
Test(receive, single_vlan_tag_accepted, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	add_tag(&in, 10);
	cr_assert_eq(in.len, 18 + 20 + inner.len);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len, "len %u", r.out_len);
	cr_assert_arr_eq(r.out, inner.b, inner.len, "inner:\n%s", hex(r.out, r.out_len));
	expect_delivered_once(W.slot_a1, inner.len);
}

Test(receive, single_vlan_tag_accepted_udp, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_B, 1, W_PORT, &inner);
	add_tag(&in, 11);
	run_xdp(&r, in.b, in.len);
	expect_meta(&r, W.ifindex_b1);
	cr_assert_eq(r.out_len, inner.len, "len %u", r.out_len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	expect_delivered_once(W.slot_b1, inner.len);
}

/* A short inner frame padded to the Ethernet minimum: the padding is not the VM's */
Test(receive, ethernet_padding_trimmed, .init = world_setup_ip, .fini = world_teardown)
{
	static const uint8_t payload[6] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01};
	struct pkt inner = {}, in = {};
	struct run r;

	/* 14 + 6 = 20-byte inner frame (a non-IP L2 payload), 54 bytes on the wire */
	pkt_eth(&inner, W_MAC_1, W_MAC_2, 0x88b6);
	pkt_bytes(&inner, payload, sizeof(payload));
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	cr_assert_eq(in.len, 54);
	pkt_fill(&in, 0xa5, 60 - in.len);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len, "padding not trimmed: %u bytes", r.out_len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	expect_delivered_once(W.slot_a1, inner.len);
}

Test(receive, ethernet_padding_trimmed_udp, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	pkt_eth(&inner, W_MAC_1, W_MAC_2, 0x88b6);
	pkt_fill(&inner, 0x11, 2);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_B, 1, W_PORT, &inner);
	cr_assert_eq(in.len, 58);
	pkt_fill(&in, 0, 2);
	run_xdp(&r, in.b, in.len);
	expect_meta(&r, W.ifindex_b1);
	cr_assert_eq(r.out_len, inner.len, "padding not trimmed: %u bytes", r.out_len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	expect_delivered_once(W.slot_b1, inner.len);
}

/* A 3000-byte inner frame (jumbo fabric), close to the XDP test_run limit */
Test(receive, big_inner_frame, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	pkt_vm_udp(&inner, W_MAC_1, W_MAC_2, W_IP_2, W_IP_1, 3000 - 42);
	cr_assert_eq(inner.len, 3000);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	expect_delivered_once(W.slot_a1, 3000);
}

/* a5 shares a1's tenant and server but is reached through tc */
Test(receive, second_vif_same_tenant, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	pkt_vm_udp(&inner, W_MAC_5, W_MAC_2, W_IP_2, W_IP_5, 16);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	expect_meta(&r, W.ifindex_a5);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	cr_assert_eq(vif_stats(W.slot_a1).rx_packets, 0);
	expect_delivered_once(W.slot_a5, inner.len);
}

/* An L2-only VIF (MAC_AS 3) takes any inner protocol, here IPv6 */
Test(receive, l2_only_vif_non_ip_inner, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	pkt_eth(&inner, W_MAC_4, W_MAC_2, 0x86dd);
	pkt_fill(&inner, 0x60, 1);
	pkt_fill(&inner, 0, 39);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 3, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	expect_meta(&r, W.ifindex_l2);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	expect_delivered_once(W.slot_l2, inner.len);
}

/* wire-format 2.2: receivers ignore a non-zero UDP checksum */
Test(receive, udp_nonzero_checksum_ignored, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_A, 1, W_PORT, &inner);
	put16_at(&in, OFF_L4 + 6, 0xbeef);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	expect_delivered_once(W.slot_a1, inner.len);
}

/* ==== 2. isolation: a1 and b1 have the same MAC and IP ================================ */

Test(receive, isolation_tenant_b_reaches_b1_only, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_B, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	expect_meta(&r, W.ifindex_b1);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	cr_assert_eq(vif_stats(W.slot_a1).rx_packets, 0, "tenant B's frame reached a1");
	expect_delivered_once(W.slot_b1, inner.len);
}

Test(receive, isolation_tenant_a_reaches_a1_only, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_A, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT, "a1 takes XDP_REDIRECT frames");
	cr_assert_eq(r.meta_len, 0);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	cr_assert_eq(vif_stats(W.slot_b1).rx_packets, 0, "tenant A's frame reached b1");
	expect_delivered_once(W.slot_a1, inner.len);
}

/* Both tenants, one after the other: each VIF gets exactly its own frame */
Test(receive, isolation_both_tenants, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in_a = {}, in_b = {};
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in_a, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	pkt_netlord(&in_b, NL_ENCAP_IP, W_TENANT_B, 1, W_PORT, &inner);
	run_xdp(&r, in_b.b, in_b.len);
	expect_meta(&r, W.ifindex_b1);
	run_xdp(&r, in_a.b, in_a.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	run_xdp(&r, in_b.b, in_b.len);
	expect_meta(&r, W.ifindex_b1);
	cr_assert_eq(vif_stats(W.slot_a1).rx_packets, 1);
	cr_assert_eq(vif_stats(W.slot_b1).rx_packets, 2);
	cr_assert_eq(counter(NL_C_RX_DELIVERED), 3);
	cr_assert(counters_all_zero_except(NL_C_RX_DELIVERED, NL_C_MAX));
}

/* Tenant 12.26 has no VIF here, even though MAC_1 exists in two other tenants */
Test(receive, isolation_unknown_tenant_not_here, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct nl_event ev;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, 0x0c1a, 1, W_PORT, &inner);
	expect_drop(&in, NL_C_RX_NOT_HERE);
	cr_assert_eq(events_drain(&ev, 1), 1);
	cr_assert_eq(ev.tenant, 0x0c1a);
}

/* MAC_1 exists in tenant A's MAC space 1, not in its MAC space 2 */
Test(receive, isolation_other_mac_as_not_here, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct nl_event ev;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_A, 2, W_PORT, &inner);
	expect_drop(&in, NL_C_RX_NOT_HERE);
	cr_assert_eq(events_drain(&ev, 1), 1);
	cr_assert_eq(ev.mac_as, 2);
}

/* ==== 3. NOT-HERE events ================================================================ */

/* a2 -> a3 arriving here: a3 lives at S2 port 9 */
static void not_here_frame(struct pkt *in)
{
	struct pkt inner = {};

	pkt_vm_udp(&inner, W_MAC_3, W_MAC_2, W_IP_2, W_IP_3, 8);
	pkt_netlord(in, NL_ENCAP_IP, W_TENANT_A, 2, W_PORT, &inner);
}

Test(receive, not_here_event, .init = world_setup_ip, .fini = world_teardown)
{
	struct nl_event evs[4];
	struct pkt in = {};

	not_here_frame(&in);
	expect_drop(&in, NL_C_RX_NOT_HERE);
	cr_assert_eq(events_drain(evs, 4), 1, "exactly one event");
	cr_assert_eq(evs[0].type, NL_EV_NOT_HERE);
	cr_assert_eq(evs[0].tenant, W_TENANT_A);
	cr_assert_eq(evs[0].mac_as, 2);
	cr_assert_arr_eq(evs[0].mac, W_MAC_3, 6, "mac = inner destination");
	cr_assert_arr_eq(evs[0].peer_mac, W_MAC_2, 6, "peer_mac = inner source");
	cr_assert_eq(evs[0].ip, htonl(W_IP_2), "ip = inner source IP, network order");
	cr_assert_eq(evs[0].outer_saddr, htonl(SPECIAL(2, W_TENANT_A)));
	cr_assert_eq(evs[0].ifindex, 0);
}

Test(receive, not_here_event_dedup, .init = world_setup_ip, .fini = world_teardown)
{
	struct nl_event evs[4];
	struct pkt in = {};
	struct run r;

	not_here_frame(&in);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_DROP);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_DROP);
	cr_assert_eq(counter(NL_C_RX_NOT_HERE), 2, "every drop is counted");
	cr_assert_eq(events_drain(evs, 4), 1, "one event per interval");
	cr_assert_eq(evs[0].type, NL_EV_NOT_HERE);
	cr_assert(counters_all_zero_except(NL_C_RX_NOT_HERE, NL_C_MAX));
}

/* A non-IP inner frame still names its sender; ip stays 0 */
Test(receive, not_here_event_non_ip_inner, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct nl_event ev;

	pkt_eth(&inner, W_MAC_3, W_MAC_2, 0x86dd);
	pkt_fill(&inner, 0, 40);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_B, 1, W_PORT, &inner);
	expect_drop(&in, NL_C_RX_NOT_HERE);
	cr_assert_eq(events_drain(&ev, 1), 1);
	cr_assert_eq(ev.type, NL_EV_NOT_HERE);
	cr_assert_eq(ev.tenant, W_TENANT_B);
	cr_assert_arr_eq(ev.mac, W_MAC_3, 6);
	cr_assert_arr_eq(ev.peer_mac, W_MAC_2, 6);
	cr_assert_eq(ev.ip, 0);
	cr_assert_eq(ev.outer_saddr, htonl(SPECIAL(1, W_TENANT_B)));
}

/* ==== 4. left to the kernel stack ================================================================
 */

Test(receive, pass_not_our_mac, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	in.b[5] ^= 0x40; /* another server's MAC */
	expect_pass(&in);
}

Test(receive, pass_nl_arp_broadcast, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_eth(&in, BCAST, W_S2, NL_ARP_ETHERTYPE);
	pkt_fill(&in, 0x42, 100);
	expect_pass(&in);
}

Test(receive, pass_lldp, .init = world_setup_ip, .fini = world_teardown)
{
	static const uint8_t lldp[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	struct pkt in = {};

	pkt_eth(&in, lldp, W_S1, 0x88cc);
	pkt_fill(&in, 0x02, 46);
	expect_pass(&in);
}

Test(receive, pass_arp_to_our_mac, .init = world_setup_ip, .fini = world_teardown)
{
	uint8_t a[28] = {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02};
	struct pkt in = {};

	pkt_eth(&in, W_SERVER_MAC, W_S1, 0x0806);
	pkt_bytes(&in, a, sizeof(a));
	pkt_fill(&in, 0, 18);
	expect_pass(&in);
}

/* NL-ARP unicast to our server address 10.3.0.1 */
Test(receive, pass_server_address, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	outer(&in, W_IP(10, 5, 0, 1), W_IP(10, W_PORT, 0, 1), 17, 8 + 64);
	pkt_udp(&in, 40000, NL_ARP_UDP_PORT, 64);
	pkt_fill(&in, 0x33, 64);
	expect_pass(&in);
}

/* 10.4.12.25 is tenant A's address at port 4, not ours */
Test(receive, pass_other_port_address, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, 4, &inner);
	expect_pass(&in);
}

Test(receive, pass_not_in_10_8, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	outer(&in, W_IP(198, 51, 100, 7), W_IP(192, 0, 2, 1), 17, 8 + 20);
	pkt_udp(&in, 1234, 53, 20);
	pkt_fill(&in, 0, 20);
	expect_pass(&in);
}

Test(receive, pass_ipv6, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_eth(&in, W_SERVER_MAC, W_S1, 0x86dd);
	pkt_fill(&in, 0x60, 1);
	pkt_fill(&in, 0, 39);
	expect_pass(&in);
}

/* QinQ: even a valid NetLord frame under two tags is not ours */
Test(receive, pass_two_vlan_tags, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	add_tag(&in, 10);
	add_tag(&in, 20);
	expect_pass(&in);
}

Test(receive, pass_14_byte_non_ip, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_eth(&in, W_SERVER_MAC, W_S1, 0x88b6);
	cr_assert_eq(in.len, 14);
	expect_pass(&in);
}

/* 10.3.0.0: tenant 0 is reserved, not NetLord data */
Test(receive, pass_tenant_0, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, 0, 1, W_PORT, &inner);
	cr_assert_eq(rd32(in.b + OFF_IP + 16), W_IP(10, W_PORT, 0, 0));
	expect_pass(&in);
}

/* ==== 5. counted drops ================================================================ */

static void good_ip_frame(struct pkt *in)
{
	struct pkt inner = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
}

static void good_udp_frame(struct pkt *in)
{
	struct pkt inner = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(in, NL_ENCAP_UDP, W_TENANT_A, 1, W_PORT, &inner);
}

Test(receive, drop_truncated_ip_header, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	pkt_eth(&in, W_SERVER_MAC, W_S1, 0x0800);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_ihl_4, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set8(&in, 0, 0x44);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_ihl_6, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set8(&in, 0, 0x46);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_ip_version_6_in_ipv4_ethertype, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set8(&in, 0, 0x65);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_tot_len_beyond_frame, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set16(&in, 2, in.len - OFF_IP + 1);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

/* tot_len 33 cannot hold IPv4 + an inner Ethernet header */
Test(receive, drop_tot_len_too_small, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set16(&in, 2, 20 + 14 - 1);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_more_fragments, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set16(&in, 6, 0x2000); /* MF */
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_fragment_offset, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set16(&in, 6, 0x0001); /* offset 8, last fragment */
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_bad_checksum, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	in.b[OFF_IP + 11] ^= 0x01;
	expect_drop(&in, NL_C_RX_BAD_CSUM);
}

/* A TTL changed on the way without a checksum update */
Test(receive, drop_bad_checksum_udp, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	good_udp_frame(&in);
	in.b[OFF_IP + 8]--;
	expect_drop(&in, NL_C_RX_BAD_CSUM);
}

Test(receive, drop_tcp_to_tenant_address, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set8(&in, 9, 6);
	expect_drop(&in, NL_C_RX_BAD_PROTO);
}

Test(receive, drop_udp_frame_in_ip_mode, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_udp_frame(&in);
	expect_drop(&in, NL_C_RX_BAD_PROTO);
}

Test(receive, drop_ip_frame_in_udp_mode, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	expect_drop(&in, NL_C_RX_BAD_PROTO);
}

Test(receive, drop_wrong_udp_port, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	good_udp_frame(&in);
	put16_at(&in, OFF_L4 + 2, 4789); /* VXLAN */
	expect_drop(&in, NL_C_RX_BAD_PROTO);
}

Test(receive, drop_udp_length_mismatch, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	good_udp_frame(&in);
	put16_at(&in, OFF_L4 + 4, rd16(in.b + OFF_L4 + 4) - 1);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

/* IPv4 says UDP, but only 4 bytes follow the IP header */
Test(receive, drop_truncated_udp_header, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	outer(&in, SPECIAL(1, W_TENANT_A), SPECIAL(W_PORT, W_TENANT_A), 17, 4);
	cr_assert_eq(in.len, OFF_L4);
	pkt_bytes(&in, (uint8_t[]){0xc7, 0x38, 0x5e, 0x4f}, 4);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

/* ip mode, 10 bytes of "inner frame" and nothing after */
Test(receive, drop_truncated_inner_ethernet, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	outer(&in, SPECIAL(1, W_TENANT_A), SPECIAL(W_PORT, W_TENANT_A), NL_IPPROTO_ETHERNET, 10);
	pkt_bytes(&in, W_MAC_1, 6);
	pkt_bytes(&in, W_MAC_2, 4);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

/* Same, but padded to 60 bytes: the padding must not be taken as inner header */
Test(receive, drop_truncated_inner_ethernet_padded, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	outer(&in, SPECIAL(1, W_TENANT_A), SPECIAL(W_PORT, W_TENANT_A), 17, 8 + 10);
	pkt_udp(&in, 51000, NL_UDP_PORT, 10);
	pkt_bytes(&in, W_MAC_1, 6);
	pkt_bytes(&in, W_MAC_2, 4);
	pkt_fill(&in, 0, 60 - in.len);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_tenant_ffff, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, 0xffff, 1, W_PORT, &inner);
	expect_drop(&in, NL_C_RX_BAD_TENANT);
	cr_assert_eq(events_drain(NULL, 0), 0);
}

/* 0xfffe is the last valid 16-bit tenant: in range, just not hosted */
Test(receive, tenant_fffe_in_range, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, 0xfffe, 1, W_PORT, &inner);
	expect_drop(&in, NL_C_RX_NOT_HERE);
}

/* outer source names tenant B, destination tenant A */
Test(receive, drop_source_tenant_mismatch, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set16(&in, 14, W_TENANT_B);
	cr_assert_eq(rd32(in.b + OFF_IP + 12), SPECIAL(1, W_TENANT_B));
	expect_drop(&in, NL_C_RX_BAD_TENANT);
	cr_assert_eq(events_drain(NULL, 0), 0);
}

/* outer source outside 10/8 in the 16-bit scheme */
Test(receive, drop_source_outside_scheme, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set8(&in, 12, 11);
	expect_drop(&in, NL_C_RX_BAD_TENANT);
}

/*
 * An inner group frame for a MAC space with no VIF here (no flood group):
 * the tc receive path drops and counts it; XDP hands it on (still
 * encapsulated) to tc, which can clone (tests/datapath/test_flood.c).
 */
static void expect_inner_group_dropped(const struct pkt *in)
{
	struct run r;

	run_xdp(&r, in->b, in->len);
	cr_assert_eq(r.retval, XDP_PASS, "retval %u", r.retval);
	cr_assert_eq(r.out_len, in->len, "not decapsulated in XDP");
	run_rx_tc(&r, in->b, in->len, 0);
	cr_assert_eq(r.retval, TC_ACT_SHOT, "retval %u", r.retval);
	cr_assert_eq(counter(NL_C_RX_INNER_BCAST), 1);
	cr_assert(counters_all_zero_except(NL_C_RX_INNER_BCAST, NL_C_MAX), "another counter moved");
	no_vif_got_anything();
}

Test(receive, drop_inner_multicast, .init = world_setup_ip, .fini = world_teardown)
{
	static const uint8_t mcast[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
	struct pkt inner = {}, in = {};

	pkt_vm_udp(&inner, mcast, W_MAC_2, W_IP_2, W_IP_1, 16);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	expect_inner_group_dropped(&in);
	cr_assert_eq(events_drain(NULL, 0), 0, "no NOT-HERE for a group address");
}

Test(receive, drop_inner_broadcast, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	pkt_arp_request(&inner, W_MAC_2, W_IP_2, W_IP_1);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_B, 1, W_PORT, &inner);
	expect_inner_group_dropped(&in);
	cr_assert_eq(events_drain(NULL, 0), 0, "no NOT-HERE for a group address");
}

static void clear_ready(struct nl_config *cfg)
{
	cfg->flags &= ~NL_CFG_F_READY;
}

Test(receive, drop_not_ready, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	cfg_update(clear_ready);
	good_ip_frame(&in);
	expect_drop(&in, NL_C_RX_NOT_READY);
}

/* Before LLDP the kernel must still get LLDP and NL-ARP */
Test(receive, not_ready_still_passes_lldp, .init = world_setup_ip, .fini = world_teardown)
{
	static const uint8_t lldp[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	struct pkt in = {};

	cfg_update(clear_ready);
	pkt_eth(&in, lldp, W_S1, 0x88cc);
	pkt_fill(&in, 0x02, 46);
	expect_pass(&in);
}

/* ==== 6. 24-bit tenant scheme: destination p.T, source M.T ========================== */

static void world_setup_ip24(void)
{
	world_setup(NL_ENCAP_IP, NL_TENANT_BITS_24);
}

Test(receive, tenant24_delivered, .init = world_setup_ip24, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct run r;

	inner_a2_to_a1(&inner);
	outer(&in, W_IP(1, 0, 12, 25), W_IP(W_PORT, 0, 12, 25), NL_IPPROTO_ETHERNET, inner.len);
	pkt_bytes(&in, inner.b, inner.len);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	cr_assert_eq(vif_stats(W.slot_b1).rx_packets, 0);
	expect_delivered_once(W.slot_a1, inner.len);
}

/* 10.3.12.25 is tenant 0x030c19 of port 10 in this scheme: not ours */
Test(receive, tenant24_16bit_frame_passes, .init = world_setup_ip24, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	cr_assert_eq(rd32(in.b + OFF_IP + 16), W_IP(10, 3, 12, 25));
	expect_pass(&in);
}

Test(receive, tenant24_source_mismatch, .init = world_setup_ip24, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	outer(&in, W_IP(1, 1, 12, 25), W_IP(W_PORT, 0, 12, 25), NL_IPPROTO_ETHERNET, inner.len);
	pkt_bytes(&in, inner.b, inner.len);
	expect_drop(&in, NL_C_RX_BAD_TENANT);
}

Test(receive, tenant24_server_address_passes, .init = world_setup_ip24, .fini = world_teardown)
{
	struct pkt in = {};

	outer(&in, W_IP(5, 0, 0, 1), W_IP(W_PORT, 0, 0, 1), 17, 8 + 44);
	pkt_udp(&in, 40000, NL_ARP_UDP_PORT, 44);
	pkt_fill(&in, 0x33, 44);
	expect_pass(&in);
}

Test(receive, tenant24_tenant_ffffff, .init = world_setup_ip24, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};

	inner_a2_to_a1(&inner);
	outer(&in, W_IP(1, 255, 255, 255), W_IP(W_PORT, 255, 255, 255), NL_IPPROTO_ETHERNET,
	      inner.len);
	pkt_bytes(&in, inner.b, inner.len);
	expect_drop(&in, NL_C_RX_BAD_TENANT);
}

/* ==== issue 10: tags and lengths the wire format does not allow ========================= */

/*
 * One 802.1ad (S-)tag where docs/wire-format.md allows one 802.1Q tag: a
 * frame for our tenant address under it is not NetLord data, dropped and
 * counted, never delivered.
 */
Test(receive, drop_single_8021ad_tag, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	add_tag(&in, 10);
	put16_at(&in, 12, 0x88a8);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

Test(receive, drop_single_8021ad_tag_udp, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	good_udp_frame(&in);
	add_tag(&in, 11);
	put16_at(&in, 12, 0x88a8);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

/* Under an S-tag, traffic that is not for a tenant address still goes to the kernel */
Test(receive, pass_8021ad_server_traffic, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	outer(&in, W_IP(10, 1, 0, 1), W_IP(10, W_PORT, 0, 1), 17, 8);
	pkt_udp(&in, 1000, 1000, 0);
	add_tag(&in, 10);
	put16_at(&in, 12, 0x88a8);
	expect_pass(&in);
}

/*
 * ip mode: the outer IP length stops inside the inner frame (the 74-byte
 * inner frame would be cut to 34 bytes).  Only Ethernet padding of a
 * minimum-size frame may follow the IP datagram: this is dropped, as in udp
 * mode (where the UDP length must agree), not trimmed and delivered.
 */
Test(receive, drop_ip_length_cuts_inner_frame, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	cr_assert_eq(in.len, OFF_L4 + 74);
	ip_set16(&in, 2, 20 + 14 + 20);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

/* Same with a tag: 4 more bytes of Ethernet, same rule */
Test(receive, drop_ip_length_cuts_inner_frame_tagged, .init = world_setup_ip,
     .fini = world_teardown)
{
	struct pkt in = {};

	good_ip_frame(&in);
	ip_set16(&in, 2, 20 + 14);
	add_tag(&in, 10);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

/* udp mode, UDP length lowered with the IP length: the same trailing bytes, the same drop */
Test(receive, drop_udp_length_cuts_inner_frame, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};

	good_udp_frame(&in);
	ip_set16(&in, 2, 20 + 8 + 14 + 20);
	put16_at(&in, OFF_L4 + 4, 8 + 14 + 20);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

/* ip mode, 10-byte "inner frame" padded to 60 bytes: the padding is not an inner header */
Test(receive, drop_truncated_inner_ethernet_padded_ip, .init = world_setup_ip,
     .fini = world_teardown)
{
	struct pkt in = {};

	outer(&in, SPECIAL(1, W_TENANT_A), SPECIAL(W_PORT, W_TENANT_A), NL_IPPROTO_ETHERNET, 10);
	pkt_bytes(&in, W_MAC_1, 6);
	pkt_bytes(&in, W_MAC_2, 4);
	pkt_fill(&in, 0, 60 - in.len);
	expect_drop(&in, NL_C_RX_MALFORMED);
}

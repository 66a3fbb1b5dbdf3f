// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Proxy NDP and IPv6 anti-spoofing (issue 11; patent [0035] proxy address
 * resolution, [0040] the VIF's source checks): neighbour solicitations are
 * answered on the VIF from NART-1 for IPv6 and for the virtual router,
 * byte for byte as scapy builds the advertisement (tests/datapath/
 * ndp_expected.py); DAD probes and solicitations for the VM's own address
 * are never answered; IPv6 sources that are not the VIF's are dropped and
 * counted.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

#define A1_IP6	   "2001:db8:1::10"
#define A2_IP6	   "2001:db8:1::20"
#define A3_IP6	   "2001:db8:2::30" /* MAC space 2: reached through the router */
#define ROUTER6	   "2001:db8:1::1"
#define ROUTER_LL  "fe80::5eff:fe00:101" /* modified EUI-64 of 02:00:5e:00:01:01 */
#define MAC1	   "52:54:00:aa:00:01"
#define MAC2	   "52:54:00:aa:00:02"
#define MAC3	   "52:54:00:aa:00:03"
#define ROUTER_MAC "02:00:5e:00:01:01"
#define ETH_HLEN_  14

static void ip6(const char *s, uint8_t *out)
{
	cr_assert_eq(inet_pton(AF_INET6, s, out), 1, "%s", s);
}

/* scapy's frame for `ndp_expected.py ARGS` into @p */
static void scapy(struct pkt *p, const char *args)
{
	static char cmd[2 * sizeof(p->b) + 256], line[2 * sizeof(p->b) + 16];
	char *c;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/datapath/ndp_expected.py %s", args);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f), "ndp_expected.py printed nothing");
	cr_assert_eq(pclose(f), 0, "ndp_expected.py failed (python3-scapy installed?)");
	p->len = 0;
	for (c = line; c[0] && c[1] && c[0] != '\n'; c += 2)
		sscanf(c, "%2hhx", &p->b[p->len++]);
}

static void nart1v6_add(uint32_t tenant, const char *a, const uint8_t mac[6], uint16_t mac_as)
{
	struct nl_ip6_key k = {.tenant = tenant};
	struct nl_nart1v6_val v = {.mac_as = mac_as, .version = 1};

	ip6(a, k.ip6);
	memcpy(v.mac, mac, 6);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_nart1v6"), &k, &v, BPF_ANY), 0);
}

/* VIF @ifindex of @tenant owns @a: its nl_vif_ip6s entry and the agent's index */
static void vif_ip6(int ifindex, uint32_t tenant, const char *a, const char *router)
{
	struct nl_vif_ip6 v6 = {.count = 1, .prefix_len = {64}};
	struct nl_ip6_key k = {.tenant = tenant};
	uint32_t idx = (uint32_t)ifindex;

	ip6(a, v6.addr[0]);
	if (router)
		ip6(router, v6.router);
	memcpy(k.ip6, v6.addr[0], 16);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_vif_ip6s"), &idx, &v6, BPF_ANY), 0);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_local_ip6s"), &k, &idx, BPF_ANY), 0);
}

/* the world of harness.c, a1 with an IPv6 address and router, NART-1v6 rows */
static void setup(void)
{
	world_setup_ip();
	vif_ip6(W.ifindex_a1, W_TENANT_A, A1_IP6, ROUTER6);
	nart1v6_add(W_TENANT_A, A1_IP6, W_MAC_1, 1);
	nart1v6_add(W_TENANT_A, A2_IP6, W_MAC_2, 1);
	nart1v6_add(W_TENANT_A, A3_IP6, W_MAC_3, 2);
}

static void expect_na(const struct run *r, const char *args)
{
	struct pkt want;

	scapy(&want, args);
	cr_assert_eq(r->retval, TC_ACT_REDIRECT, "retval %u", r->retval);
	cr_assert_eq(r->out_len, want.len, "length %u, scapy's %u:\n%s", r->out_len, want.len,
		     hex(r->out, r->out_len));
	cr_assert_arr_eq(r->out, want.b, want.len, "got:\n%s\nscapy:\n%s", hex(r->out, r->out_len),
			 hex(want.b, want.len));
	cr_assert_eq(counter(NL_C_TX_NDP_REPLIED), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_NDP_REPLIED, NL_C_MAX));
	cr_assert_eq(vif_stats(W.slot_a1).tx_packets, 0, "nothing forwarded");
}

Test(ndp, na_from_nart1v6_byte_exact, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "ns " MAC1 " auto " A1_IP6 " " A2_IP6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_na(&r, "na " MAC1 " " MAC2 " " A2_IP6 " " A1_IP6 " 0");
}

/* the same from the VM's link-local address, and a unicast NS (NUD) */
Test(ndp, na_to_link_local_and_unicast_ns, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	cfg_update(cfg_poison_on);
	scapy(&in, "ns " MAC1 " " MAC2 " fe80::5054:ff:feaa:1 " A2_IP6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_na(&r, "na " MAC1 " " MAC2 " " A2_IP6 " fe80::5054:ff:feaa:1 0");
}

Test(ndp, na_for_router_global_and_link_local, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "ns " MAC1 " auto " A1_IP6 " " ROUTER6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_na(&r, "na " MAC1 " " ROUTER_MAC " " ROUTER6 " " A1_IP6 " 1");
	scapy(&in, "ns " MAC1 " auto " A1_IP6 " " ROUTER_LL);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	scapy(&in, "na " MAC1 " " ROUTER_MAC " " ROUTER_LL " " A1_IP6 " 1");
	cr_assert_arr_eq(r.out, in.b, in.len, "got:\n%s", hex(r.out, r.out_len));
}

/* DAD (source ::) is never answered, even for an address NART-1v6 knows */
Test(ndp, dad_never_answered, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "ns " MAC1 " auto :: " A2_IP6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NDP_IGNORED), 1);
	cr_assert_eq(counter(NL_C_TX_NDP_REPLIED), 0);
	scapy(&in, "ns " MAC1 " auto :: " A1_IP6); /* its own address: DAD succeeds */
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NDP_IGNORED), 2);
	scapy(&in, "ns " MAC1 " auto " A1_IP6 " " A1_IP6); /* NUD of itself */
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(counter(NL_C_TX_NDP_IGNORED), 3);
	cr_assert(counters_all_zero_except(NL_C_TX_NDP_IGNORED, NL_C_MAX));
}

/* another MAC space (routed) or another tenant: no answer, counted as a miss */
Test(ndp, other_mac_space_and_tenant_not_answered, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "ns " MAC1 " auto " A1_IP6 " " A3_IP6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NDP_MISS), 1);
	cr_assert_eq(counter(NL_C_TX_NDP_REPLIED), 0);
	/* b1, tenant B, same address as a1: a2's address exists only in tenant A */
	vif_ip6(W.ifindex_b1, W_TENANT_B, A1_IP6, NULL);
	scapy(&in, "ns " MAC1 " auto " A1_IP6 " " A2_IP6);
	run_tc(&r, W.ifindex_b1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NDP_MISS), 2);
	cr_assert_eq(counter(NL_C_TX_NDP_REPLIED), 0);
}

Test(ndp, hop_limit_not_255_is_malformed, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "ns " MAC1 " auto " A1_IP6 " " A2_IP6);
	in.b[14 + 7] = 64; /* hop limit (the checksum does not cover it) */
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_MALFORMED), 1);
}

/* ---- anti-spoofing ------------------------------------------------------------------------ */

Test(ipv6_spoof, other_sources_dropped_and_counted, .init = setup, .fini = world_teardown)
{
	static const char *const bad[] = {"2001:db8:1::99", A2_IP6, "::", "::1", "ff02::1"};
	struct pkt in;
	struct run r;
	char args[256];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(args, sizeof(args), "udp " MAC1 " " MAC2 " %s " A2_IP6, bad[i]);
		scapy(&in, args);
		run_tc(&r, W.ifindex_a1, in.b, in.len);
		cr_assert_eq(r.retval, TC_ACT_SHOT, "source %s passed", bad[i]);
		cr_assert_eq(counter(NL_C_TX_SPOOF_IP6), i + 1, "source %s", bad[i]);
	}
	cr_assert(counters_all_zero_except(NL_C_TX_SPOOF_IP6, NL_C_MAX));
	cr_assert_eq(vif_stats(W.slot_a1).tx_packets, 0);
}

Test(ipv6_spoof, own_and_link_local_sources_forwarded, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "udp " MAC1 " " MAC2 " " A1_IP6 " " A2_IP6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "own address: retval %u", r.retval);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 1);
	scapy(&in, "udp " MAC1 " " MAC2 " fe80::5054:ff:feaa:1 fe80::5054:ff:feaa:2");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "link-local: retval %u", r.retval);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 2);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP6), 0);
}

/* a payload length beyond the frame (BPF_PROG_TEST_RUN refuses a header cut short) */
Test(ipv6_spoof, truncated_payload_is_malformed, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "udp " MAC1 " " MAC2 " " A1_IP6 " " A2_IP6);
	in.b[14 + 4] = 0x01; /* payload length 256 + 16 */
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_MALFORMED), 1);
}

/* ---- routing through the virtual router ------------------------------------------------- */

/* a1 -> 2001:db8:2::30 (MAC space 2) via the router MAC: new MACs, hop limit 63, encapsulated */
Test(ipv6_route, routed_to_other_subnet, .init = setup, .fini = world_teardown)
{
	struct pkt in, want;
	struct run r;

	scapy(&in, "udp " MAC1 " " ROUTER_MAC " " A1_IP6 " " A3_IP6);
	scapy(&want, "udp " ROUTER_MAC " " MAC3 " " A1_IP6 " " A3_IP6 " 63");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "retval %u", r.retval);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_ENCAPSULATED, NL_C_MAX));
	cr_assert_eq(r.out_len, ETH_HLEN_ + NL_ENCAP_OVERHEAD_IP + want.len - ETH_HLEN_);
	/* the inner frame after the outer Ethernet and IPv4 headers */
	cr_assert_arr_eq(r.out + ETH_HLEN_ + 20, want.b, want.len, "inner:\n%s\nscapy:\n%s",
			 hex(r.out + ETH_HLEN_ + 20, want.len), hex(want.b, want.len));
}

/* scapy's ICMPv6 error for frame @in into @want */
static void scapy_err(struct pkt *want, const struct pkt *in, const char *rest)
{
	static char args[2 * sizeof(in->b) + 128];
	char *p = args + sprintf(args, "err ");

	for (uint32_t i = 0; i < in->len; i++)
		p += sprintf(p, "%02x", in->b[i]);
	sprintf(p, " %s", rest);
	scapy(want, args);
}

static void expect_err(const struct run *r, const struct pkt *want, enum nl_counter c)
{
	cr_assert_eq(r->retval, TC_ACT_REDIRECT, "retval %u", r->retval);
	cr_assert_eq(r->out_len, want->len, "length %u, scapy's %u:\n%s", r->out_len, want->len,
		     hex(r->out, r->out_len));
	cr_assert_arr_eq(r->out, want->b, want->len, "got:\n%s\nscapy:\n%s",
			 hex(r->out, r->out_len), hex(want->b, want->len));
	cr_assert_eq(counter(c), 1);
	cr_assert(counters_all_zero_except(c, NL_C_MAX));
}

/* hop limit 1: ICMPv6 time exceeded from the router's address, byte for byte */
Test(ipv6_route, hop_limit_1_time_exceeded, .init = setup, .fini = world_teardown)
{
	struct pkt in, want;
	struct run r;

	cfg_update(cfg_poison_on);
	scapy(&in, "udp " MAC1 " " ROUTER_MAC " " A1_IP6 " " A3_IP6 " 1");
	scapy_err(&want, &in, "3 0 0 " ROUTER_MAC " " ROUTER6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_err(&r, &want, NL_C_TX_HOP_EXCEEDED);
}

/* too big for the fabric once encapsulated: packet too big with the usable MTU */
Test(ipv6_route, packet_too_big_with_usable_mtu, .init = setup, .fini = world_teardown)
{
	struct pkt in, want;
	struct run r;
	char args[64];

	/* 1500-byte IPv6 packet a1 -> a2 (same subnet): 1466 fit in ip mode */
	scapy(&in, "udp " MAC1 " " MAC2 " " A1_IP6 " " A2_IP6 " 64 1452");
	cr_assert_eq(in.len, ETH_HLEN_ + 1500);
	snprintf(args, sizeof(args), "2 0 %d " ROUTER_MAC " " ROUTER6, 1500 - NL_ENCAP_OVERHEAD_IP);
	scapy_err(&want, &in, args);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_err(&r, &want, NL_C_TX_MTU);
	/* 1466 bytes fit: forwarded */
	scapy(&in, "udp " MAC1 " " MAC2 " " A1_IP6 " " A2_IP6 " 64 1418");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 1);
}

Test(ipv6_route, router_and_unknown_destinations, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "udp " MAC1 " " ROUTER_MAC " " A1_IP6 " " ROUTER6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_TO_ROUTER), 1);
	scapy(&in, "udp " MAC1 " " ROUTER_MAC " " A1_IP6 " 2001:db8:9::9");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NART1_MISS), 1);
	/* NART-1 says MAC space 2, a local subnet says 1: refused */
	{
		struct nl_subnet6_key sk = {.prefixlen = 32 + 64, .tenant = W_TENANT_A};
		struct nl_subnet6_val sv = {.mac_as = 1};

		ip6("2001:db8:2::", sk.ip6);
		cr_assert_eq(bpf_map_update_elem(fd_map("nl_subnets6"), &sk, &sv, BPF_ANY), 0);
	}
	scapy(&in, "udp " MAC1 " " ROUTER_MAC " " A1_IP6 " " A3_IP6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NO_ROUTE), 1);
}

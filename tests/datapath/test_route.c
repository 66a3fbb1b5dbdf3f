// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Routes in the tenant's distributed virtual router (issue 16; patent Fig.
 * 7 steps 705-715 and [0044]; [0053] the public tenant's gateways): the
 * longest prefix among the tenant's subnets and static routes decides, for
 * IPv4 and IPv6; a route's next hop is picked by flow hash among the ones
 * NART-1 knows, unknown ones skipped; none known is a counted drop
 * (tx_no_next_hop) with a WHERE event for a next hop; TTL/hop limit 1 gets
 * the ICMP error.  Routed frames are compared byte for byte with scapy's
 * (route_expected.py, icmp_expected.py, ndp_expected.py), with poisoned
 * headroom.  A reference check runs random addresses of a generated tenant
 * through the datapath and compares each decision with nl_tenant_lookup()
 * (user/lib/tenants.c), the tables written by the agent's own code
 * (user/agent/vrouter.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"
#include "tenants.h"
#include "vrouter.h"

#define ETH_HLEN_  14
#define OUTER	   (ETH_HLEN_ + 20) /* ip mode: outer Ethernet + IPv4 */
#define MAC1	   "52:54:00:aa:00:01"
#define ROUTER_MAC "02:00:5e:00:01:01"
#define A1_IP	   "192.168.1.10"
#define A1_IP6	   "2001:db8:1::10"
#define ROUTER6	   "2001:db8:1::1"

static const char *const MACS[] = {"",
				   "52:54:00:aa:00:01",
				   "52:54:00:aa:00:02",
				   "52:54:00:aa:00:03",
				   "52:54:00:aa:00:04",
				   "52:54:00:aa:00:05"};

/* scapy's frame for `SCRIPT ARGS` into @p */
static void scapy(struct pkt *p, const char *script, const char *args)
{
	static char cmd[2 * sizeof(p->b) + 256], line[2 * sizeof(p->b) + 16];
	char *c;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/datapath/%s %s", script, args);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f), "%s printed nothing", script);
	cr_assert_eq(pclose(f), 0, "%s failed (python3-scapy installed?)", script);
	p->len = 0;
	for (c = line; c[0] && c[1] && c[0] != '\n'; c += 2)
		sscanf(c, "%2hhx", &p->b[p->len++]);
}

static void frame_hex(char *out, const struct pkt *p)
{
	for (uint32_t i = 0; i < p->len; i++)
		out += sprintf(out, "%02x", p->b[i]);
	*out = 0;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	cr_assert_eq(inet_pton(AF_INET, s, &a), 1, "%s", s);
	return a.s_addr; /* network order */
}

static void ip6(const char *s, uint8_t *out)
{
	cr_assert_eq(inet_pton(AF_INET6, s, out), 1, "%s", s);
}

/* ---- the tables ------------------------------------------------------------------ */

static void route4(const char *pfx, int plen, int n, const char *const *via)
{
	struct nl_subnet_key k = {.prefixlen = 32 + plen, .tenant = W_TENANT_A, .ip = ip4(pfx)};
	struct nl_subnet_val v = {.kind = NL_SUBNET_ROUTE, .n_nh = n};

	for (int i = 0; i < n; i++)
		v.nh[i] = ip4(via[i]);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_subnets"), &k, &v, BPF_ANY), 0);
}

static void subnet4(const char *pfx, int plen, uint16_t mac_as, const char *router)
{
	struct nl_subnet_key k = {.prefixlen = 32 + plen, .tenant = W_TENANT_A, .ip = ip4(pfx)};
	struct nl_subnet_val v = {.kind = NL_SUBNET_CONNECTED, .mac_as = mac_as};

	v.router_ip = ip4(router);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_subnets"), &k, &v, BPF_ANY), 0);
}

static void route6(const char *pfx, int plen, int n, const char *const *via)
{
	struct nl_subnet6_key k = {.prefixlen = 32 + plen, .tenant = W_TENANT_A};
	struct nl_subnet6_val v = {.kind = NL_SUBNET_ROUTE, .n_nh = n};

	ip6(pfx, k.ip6);
	for (int i = 0; i < n; i++)
		ip6(via[i], v.nh6[i]);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_subnets6"), &k, &v, BPF_ANY), 0);
}

static void subnet6(const char *pfx, int plen, uint16_t mac_as, const char *router)
{
	struct nl_subnet6_key k = {.prefixlen = 32 + plen, .tenant = W_TENANT_A};
	struct nl_subnet6_val v = {.kind = NL_SUBNET_CONNECTED, .mac_as = mac_as};

	ip6(pfx, k.ip6);
	ip6(router, v.router6);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_subnets6"), &k, &v, BPF_ANY), 0);
}

static void nart1v6(const char *a, const uint8_t mac[6], uint16_t mac_as)
{
	struct nl_ip6_key k = {.tenant = W_TENANT_A};
	struct nl_nart1v6_val v = {.mac_as = mac_as, .version = 1};

	ip6(a, k.ip6);
	memcpy(v.mac, mac, 6);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_nart1v6"), &k, &v, BPF_ANY), 0);
}

/*
 * The world (tests/lib/world.c): a1 (192.168.1.10, 2001:db8:1::10) local,
 * a2 .20 at S2 port 7, a4 .40 at S1 port 5 (both MAC space 1), MAC_3 in
 * MAC space 2 at S2 port 9.  Routes of tenant A:
 *   10.99.0.0/16   via a2          10.99.5.0/24 a subnet (MAC space 2)
 *   0.0.0.0/0      via a4          192.168.2.128/25 via a2 (inside subnet 2)
 *   10.98.0.0/16   via a2, a4      10.97.0.0/16 via .77 (unknown), a2
 *   10.96.0.0/16   via .77, .78 (both unknown)
 * and the same shapes for IPv6 under 2001:db8:99::/48 etc.
 */
static void setup(void)
{
	struct nl_vif_ip6 v6 = {.count = 1, .prefix_len = {64}};
	struct nl_ip6_key k = {.tenant = W_TENANT_A};
	uint32_t idx;

	world_setup_ip();
	cfg_update(cfg_poison_on);
	route4("10.99.0.0", 16, 1, (const char *[]){"192.168.1.20"});
	subnet4("10.99.5.0", 24, 2, "10.99.5.1");
	route4("0.0.0.0", 0, 1, (const char *[]){"192.168.1.40"});
	route4("192.168.2.128", 25, 1, (const char *[]){"192.168.1.20"});
	route4("10.98.0.0", 16, 2, (const char *[]){"192.168.1.20", "192.168.1.40"});
	route4("10.97.0.0", 16, 2, (const char *[]){"192.168.1.77", "192.168.1.20"});
	route4("10.96.0.0", 16, 2, (const char *[]){"192.168.1.77", "192.168.1.78"});
	cr_assert_eq(world_nart1_set(W_TENANT_A, W_IP(10, 99, 5, 7), W_MAC_3, 2), 0);

	/* IPv6: a1's address and router, the next hops in NART-1 for IPv6 */
	idx = (uint32_t)W.ifindex_a1;
	ip6(A1_IP6, v6.addr[0]);
	ip6(ROUTER6, v6.router);
	memcpy(k.ip6, v6.addr[0], 16);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_vif_ip6s"), &idx, &v6, BPF_ANY), 0);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_local_ip6s"), &k, &idx, BPF_ANY), 0);
	subnet6("2001:db8:1::", 64, 1, ROUTER6);
	nart1v6("2001:db8:1::20", W_MAC_2, 1);
	nart1v6("2001:db8:1::40", W_MAC_4, 1);
	nart1v6("2001:db8:99:5::7", W_MAC_3, 2);
	route6("2001:db8:99::", 48, 1, (const char *[]){"2001:db8:1::20"});
	subnet6("2001:db8:99:5::", 64, 2, "2001:db8:99:5::1");
	route6("::", 0, 1, (const char *[]){"2001:db8:1::40"});
	route6("2001:db8:98::", 48, 2, (const char *[]){"2001:db8:1::20", "2001:db8:1::40"});
	route6("2001:db8:97::", 48, 2, (const char *[]){"2001:db8:1::77", "2001:db8:1::20"});
	route6("2001:db8:96::", 48, 2, (const char *[]){"2001:db8:1::77", "2001:db8:1::78"});
}

/* ---- sending --------------------------------------------------------------------- */

/*
 * a1 sends a UDP packet to @dst (IPv4 or IPv6) through the router MAC; it
 * must leave encapsulated towards @port (S2 for 7 and 9, S1 for 5), with
 * the inner frame exactly scapy's: router MAC -> @mac_idx's MAC, TTL or
 * hop limit 63.
 */
static void expect_routed(const char *dst, uint16_t sport, int mac_idx, int port, int mac_as)
{
	bool v6 = strchr(dst, ':');
	char args[256];
	struct pkt in, want;
	struct run r;

	snprintf(args, sizeof(args), "%s " MAC1 " " ROUTER_MAC " %s %s 64 %u 5001",
		 v6 ? "udp6" : "udp4", v6 ? A1_IP6 : A1_IP, dst, sport);
	scapy(&in, "route_expected.py", args);
	snprintf(args, sizeof(args), "%s " ROUTER_MAC " %s %s %s 63 %u 5001", v6 ? "udp6" : "udp4",
		 MACS[mac_idx], v6 ? A1_IP6 : A1_IP, dst, sport);
	scapy(&want, "route_expected.py", args);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "%s: retval %u", dst, r.retval);
	cr_assert_eq(r.out_len, OUTER + want.len, "%s: length %u", dst, r.out_len);
	cr_assert_arr_eq(r.out + OUTER, want.b, want.len, "%s inner:\n%s\nscapy:\n%s", dst,
			 hex(r.out + OUTER, want.len), hex(want.b, want.len));
	/* outer: 10.mac_as.T -> 10.port.T (16-bit scheme), to the egress switch */
	cr_assert_eq(rd32(r.out + ETH_HLEN_ + 12), W_IP(10, mac_as, 0x0c, 0x19), "%s", dst);
	cr_assert_eq(rd32(r.out + ETH_HLEN_ + 16), W_IP(10, port, 0x0c, 0x19), "%s", dst);
	cr_assert_arr_eq(r.out, port == 5 ? W_S1 : W_S2, 6, "%s: egress switch", dst);
}

/* the port the flow @sport to @dst left towards (5 or 7), 0 if not forwarded */
static int port_of(const char *dst, uint16_t sport)
{
	bool v6 = strchr(dst, ':');
	char args[256];
	struct pkt in;
	struct run r;

	snprintf(args, sizeof(args), "%s " MAC1 " " ROUTER_MAC " %s %s 64 %u 5001",
		 v6 ? "udp6" : "udp4", v6 ? A1_IP6 : A1_IP, dst, sport);
	scapy(&in, "route_expected.py", args);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	if (r.retval != TC_ACT_REDIRECT || r.out_len < OUTER + 20)
		return 0;
	return (int)r.out[ETH_HLEN_ + 17];
}

/* ---- IPv4 -------------------------------------------------------------------------- */

/* a route, a more specific subnet inside it, the default route, a route inside a subnet */
Test(route4, most_specific_wins, .init = setup, .fini = world_teardown)
{
	expect_routed("10.99.1.1", 1000, 2, 7, 1);     /* 10.99.0.0/16 via a2 */
	expect_routed("10.99.5.7", 1000, 3, 9, 2);     /* the subnet 10.99.5.0/24: NART-1 */
	expect_routed("198.51.100.9", 1000, 4, 5, 1);  /* default via a4 */
	expect_routed("192.168.2.200", 1000, 2, 7, 1); /* /25 route over the /24 subnet */
	expect_routed("192.168.2.30", 1000, 3, 9, 2);  /* the /24 subnet itself */
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 5);
	cr_assert(counters_all_zero_except(NL_C_TX_ENCAPSULATED, NL_C_MAX));
}

/* two known next hops: flows spread over both, each flow always on the same one */
Test(route4, flows_spread_over_next_hops, .init = setup, .fini = world_teardown)
{
	int n5 = 0, n7 = 0;

	for (uint16_t s = 2000; s < 2032; s++) {
		int p = port_of("10.98.3.4", s);

		cr_assert(p == 5 || p == 7, "flow %u: port %d", s, p);
		cr_assert_eq(port_of("10.98.3.4", s), p, "flow %u moved", s);
		n5 += p == 5;
		n7 += p == 7;
	}
	cr_assert(n5 > 0 && n7 > 0, "32 flows: %d via a4, %d via a2", n5, n7);
	/* the byte-exact frame for one flow of each next hop */
	for (uint16_t s = 2000; s < 2032; s++)
		if (port_of("10.98.3.4", s) == 5) {
			expect_routed("10.98.3.4", s, 4, 5, 1);
			break;
		}
}

/* a next hop NART-1 does not know is skipped: every flow takes the known one */
Test(route4, unknown_next_hop_skipped, .init = setup, .fini = world_teardown)
{
	struct nl_event ev[2];

	for (uint16_t s = 3000; s < 3016; s++)
		expect_routed("10.97.0.1", s, 2, 7, 1);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 16);
	cr_assert(counters_all_zero_except(NL_C_TX_ENCAPSULATED, NL_C_MAX));
	cr_assert_eq(events_drain(ev, 2), 0, "no WHERE while a next hop is known");
}

/* the failover: a next hop's VIF withdrawn (NART-1 entry gone), its flows move at once */
Test(route4, withdrawn_next_hop_fails_over, .init = setup, .fini = world_teardown)
{
	int n5 = 0;

	for (uint16_t s = 2000; s < 2032; s++)
		n5 += port_of("10.98.3.4", s) == 5;
	cr_assert(n5 > 0, "some flows via a4 before");
	cr_assert_eq(world_nart1_del(W_TENANT_A, W_IP_4), 0);
	for (uint16_t s = 2000; s < 2032; s++)
		cr_assert_eq(port_of("10.98.3.4", s), 7, "flow %u still via a4", s);
	cr_assert_eq(counter(NL_C_TX_NO_NEXT_HOP), 0);
}

/* no next hop known: counted drop and a WHERE for one of them */
Test(route4, no_next_hop_known, .init = setup, .fini = world_teardown)
{
	struct nl_event ev[2];
	struct pkt in;
	struct run r;
	uint32_t ip;

	scapy(&in, "route_expected.py",
	      "udp4 " MAC1 " " ROUTER_MAC " " A1_IP " 10.96.1.1 64 1000 5001");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NO_NEXT_HOP), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_NO_NEXT_HOP, NL_C_MAX));
	cr_assert_eq(events_drain(ev, 2), 1);
	cr_assert_eq(ev[0].type, NL_EV_NART1_MISS);
	cr_assert_eq(ev[0].tenant, W_TENANT_A);
	cr_assert_eq(ev[0].ifindex, (uint32_t)W.ifindex_a1);
	ip = rd32((uint8_t *)&ev[0].ip);
	cr_assert(ip == W_IP(192, 168, 1, 77) || ip == W_IP(192, 168, 1, 78),
		  "WHERE for a next hop, not %08x", ip);
}

/* TTL 1 on a route: ICMP time exceeded from the VIF's router, byte for byte */
Test(route4, ttl_1_time_exceeded, .init = setup, .fini = world_teardown)
{
	static char args[2 * sizeof(((struct pkt *)0)->b) + 128];
	struct pkt in, want;
	struct run r;

	scapy(&in, "route_expected.py",
	      "udp4 " MAC1 " " ROUTER_MAC " " A1_IP " 10.99.1.1 1 1000 5001");
	frame_hex(args, &in);
	strcat(args, " 11 0 0 192.168.1.1 " ROUTER_MAC);
	scapy(&want, "icmp_expected.py", args);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, want.len, "length %u, scapy's %u", r.out_len, want.len);
	cr_assert_arr_eq(r.out, want.b, want.len, "got:\n%s\nscapy:\n%s", hex(r.out, r.out_len),
			 hex(want.b, want.len));
	cr_assert_eq(counter(NL_C_TX_TTL_EXCEEDED), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_TTL_EXCEEDED, NL_C_MAX));
}

/* ---- IPv6 -------------------------------------------------------------------------- */

Test(route6, most_specific_wins, .init = setup, .fini = world_teardown)
{
	expect_routed("2001:db8:99:1::1", 1000, 2, 7, 1); /* /48 via a2 */
	expect_routed("2001:db8:99:5::7", 1000, 3, 9, 2); /* the /64 subnet inside it */
	expect_routed("2001:db8:4242::9", 1000, 4, 5, 1); /* default via a4 */
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 3);
	cr_assert(counters_all_zero_except(NL_C_TX_ENCAPSULATED, NL_C_MAX));
}

Test(route6, flows_spread_and_unknown_skipped, .init = setup, .fini = world_teardown)
{
	int n5 = 0, n7 = 0;

	for (uint16_t s = 2000; s < 2032; s++) {
		int p = port_of("2001:db8:98::1", s);

		cr_assert(p == 5 || p == 7, "flow %u: port %d", s, p);
		cr_assert_eq(port_of("2001:db8:98::1", s), p, "flow %u moved", s);
		n5 += p == 5;
		n7 += p == 7;
	}
	cr_assert(n5 > 0 && n7 > 0, "32 flows: %d via a4, %d via a2", n5, n7);
	for (uint16_t s = 3000; s < 3016; s++)
		expect_routed("2001:db8:97::1", s, 2, 7, 1);
}

/* none known: counted, and a WHERE by IPv6 for a next hop (issue 11 (b) for routes) */
Test(route6, no_next_hop_known, .init = setup, .fini = world_teardown)
{
	uint8_t a77[16], a78[16];
	struct nl_event ev[2];
	struct pkt in;
	struct run r;

	scapy(&in, "route_expected.py",
	      "udp6 " MAC1 " " ROUTER_MAC " " A1_IP6 " 2001:db8:96::1 64 1000 5001");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NO_NEXT_HOP), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_NO_NEXT_HOP, NL_C_MAX));
	cr_assert_eq(events_drain(ev, 2), 1);
	cr_assert_eq(ev[0].type, NL_EV_NART1V6_MISS);
	cr_assert_eq(ev[0].tenant, W_TENANT_A);
	ip6("2001:db8:1::77", a77);
	ip6("2001:db8:1::78", a78);
	cr_assert(!memcmp(ev[0].ip6, a77, 16) || !memcmp(ev[0].ip6, a78, 16),
		  "WHERE for a next hop, not %s", hex(ev[0].ip6, 16));
}

/* issue 11 (b): a routed IPv6 first packet to an unknown VM raises a WHERE by IPv6 */
Test(route6, unknown_destination_where_by_ipv6, .init = setup, .fini = world_teardown)
{
	uint8_t want[16];
	struct nl_event ev[2];
	struct pkt in;
	struct run r;

	scapy(&in, "route_expected.py",
	      "udp6 " MAC1 " " ROUTER_MAC " " A1_IP6 " 2001:db8:99:5::99 64 1000 5001");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_NART1_MISS), 1);
	cr_assert_eq(events_drain(ev, 2), 1);
	cr_assert_eq(ev[0].type, NL_EV_NART1V6_MISS);
	cr_assert_eq(ev[0].mac_as, 2, "the subnet's MAC space");
	cr_assert_eq(ev[0].ifindex, (uint32_t)W.ifindex_a1);
	ip6("2001:db8:99:5::99", want);
	cr_assert_arr_eq(ev[0].ip6, want, 16);
	/* the same packet again within the interval: no second event */
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(events_drain(ev, 2), 0);
}

Test(route6, hop_limit_1_time_exceeded, .init = setup, .fini = world_teardown)
{
	static char args[2 * sizeof(((struct pkt *)0)->b) + 128];
	struct pkt in, want;
	struct run r;

	scapy(&in, "route_expected.py",
	      "udp6 " MAC1 " " ROUTER_MAC " " A1_IP6 " 2001:db8:99:1::1 1 1000 5001");
	strcpy(args, "err ");
	frame_hex(args + 4, &in);
	strcat(args, " 3 0 0 " ROUTER_MAC " " ROUTER6);
	scapy(&want, "ndp_expected.py", args);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, want.len, "length %u, scapy's %u", r.out_len, want.len);
	cr_assert_arr_eq(r.out, want.b, want.len, "got:\n%s\nscapy:\n%s", hex(r.out, r.out_len),
			 hex(want.b, want.len));
	cr_assert_eq(counter(NL_C_TX_HOP_EXCEEDED), 1);
}

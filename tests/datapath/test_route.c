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

/* ---- reference: the datapath's decision against nl_tenant_lookup() ----------------- */

static void cfg_many_events(struct nl_config *cfg)
{
	cfg->event_vif_burst = 1000000;
	cfg->event_vif_per_s = 1000000;
	cfg->event_interval_ms = 0;
}

static uint32_t rnd(void)
{
	return (uint32_t)random() << 16 ^ (uint32_t)random();
}

static void mask(int family, uint8_t *a, int plen)
{
	int max = family == AF_INET ? 32 : 128;

	for (int bit = plen; bit < max; bit++)
		a[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
}

static void rnd_bytes(uint8_t *a, int n)
{
	for (int i = 0; i < n; i++)
		a[i] = (uint8_t)rnd();
}

/* a next hop's MAC: 02:4e:48:00:family:index, one per next hop */
static void nh_mac(int family, unsigned int i, uint8_t mac[6])
{
	memcpy(mac, (uint8_t[]){0x02, 0x4e, 0x48, 0x00, (uint8_t)family, (uint8_t)i}, 6);
}

static const char *fmt(int family, const uint8_t *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int n;

	return inet_ntop(family, a, buf[n++ & 3], INET6_ADDRSTRLEN);
}

/*
 * Tenant A, generated: subnets 192.168.1.0/24 and 2001:db8:1::/64 (a1's,
 * MAC space 1), 6 more subnets of each family (MAC spaces 2..7) and 12
 * routes of each family with 1..4 next hops among 8 addresses of a1's
 * subnets, prefix lengths never equal to a subnet's, a default route of
 * each family.  The parser checks it like any tenants file.
 */
static char *gen_tenant(void)
{
	static const int plen4[] = {8, 12, 16, 20, 22, 26, 28, 30};
	static const int plen6[] = {16, 20, 32, 40, 48, 56, 72, 96};
	static char buf[16384];
	char *p = buf;

	p += sprintf(p,
		     "tenant %u\nsubnet 192.168.1.0/24 router 192.168.1.1 mac-space 1\n"
		     "subnet 2001:db8:1::/64 router 2001:db8:1::1 mac-space 1\n",
		     W_TENANT_A);
	for (int i = 0; i < 6; i++) {
		unsigned int c = rnd() % 256;

		p += sprintf(p, "subnet 10.%d.%u.0/24 router 10.%d.%u.1 mac-space %d\n", 16 * i, c,
			     16 * i, c, 2 + i);
		p += sprintf(p, "subnet fd00:%x::/64 router fd00:%x::1 mac-space %d mode slaac\n",
			     0x1000 * i + 1, 0x1000 * i + 1, 2 + i);
	}
	for (int fam = 0; fam < 2; fam++) {
		uint8_t seen[13][17];

		for (int i = 0; i < 13; i++) {
			uint8_t a[16] = {0};
			int plen, n = 1 + (int)(rnd() % 4), dup = 0;
			unsigned int first = rnd() % 8;

			if (fam == 0) {
				plen = i == 12 ? 0 : plen4[rnd() % 8];
				a[0] = 10;
				rnd_bytes(a + 1, 3);
				mask(AF_INET, a, plen);
			} else {
				plen = i == 12 ? 0 : plen6[rnd() % 8];
				a[0] = 0xfd;
				rnd_bytes(a + 1, 15);
				a[2] &= 0x7f; /* some land in the subnets' 0x?001 range, some not */
				mask(AF_INET6, a, plen);
			}
			/* a prefix routed twice is refused: draw again */
			memcpy(seen[i], a, 16);
			seen[i][16] = (uint8_t)plen;
			for (int j = 0; j < i; j++)
				dup |= !memcmp(seen[j], seen[i], 17);
			if (dup) {
				i--;
				continue;
			}
			p += sprintf(p, "route %s/%d", fmt(fam ? AF_INET6 : AF_INET, a), plen);
			/* distinct next hops: consecutive indexes */
			for (int j = 0; j < n; j++) {
				unsigned int k = (first + (unsigned int)j) % 8;

				if (fam == 0)
					p += sprintf(p, " via 192.168.1.%u", 100 + k);
				else
					p += sprintf(p, " via 2001:db8:1::%x", 0x100 + k);
			}
			p += sprintf(p, "\n");
		}
	}
	return buf;
}

/* an IPv6/UDP frame a1 -> @dst through the router */
static void pkt_udp6(struct pkt *p, const uint8_t *src, const uint8_t *dst)
{
	uint8_t h[48] = {0x60, 0, 0, 0, 0, 8 + 8, 17, 64};

	p->len = 0;
	pkt_eth(p, W_ROUTER_MAC, W_MAC_1, 0x86dd);
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
	pkt_bytes(p, h, 40);
	pkt_udp(p, (uint16_t)(1000 + rnd() % 60000), 5001, 8);
	pkt_fill(p, 0x42, 8);
}

/* the datapath's decision for @dst matches nl_tenant_lookup()'s, once */
static void check_one(const struct nl_tenant *t, int family, const uint8_t *dst, int *counts)
{
	const struct nl_tn_subnet *sub;
	const struct nl_tn_route *route;
	struct nl_event ev[2];
	uint8_t src6[16];
	struct pkt in = {};
	struct run r;
	int rc = nl_tenant_lookup(t, family, dst, &sub, &route), nev;

	/* the router's own address is dropped before any lookup: not this check */
	if (sub && !memcmp(sub->router, dst, family == AF_INET ? 4 : 16))
		return;
	if (family == AF_INET) {
		uint32_t d;

		memcpy(&d, dst, 4);
		pkt_vm_udp(&in, W_ROUTER_MAC, W_MAC_1, W_IP_1, ntohl(d), 8);
	} else {
		ip6(A1_IP6, src6);
		pkt_udp6(&in, src6, dst);
	}
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT, "%s: nothing is reachable here", fmt(family, dst));
	nev = events_drain(ev, 2);
	if (route) {
		bool ok = false;

		/* rewritten for one of the route's next hops, then a NART-2 miss for its MAC */
		for (unsigned int j = 0; j < route->nvia; j++) {
			uint8_t mac[6];
			unsigned int k =
				family == AF_INET
					? route->via[j][3] - 100
					: route->via[j][15] + 256 * route->via[j][14] - 0x100;

			nh_mac(family, k, mac);
			ok |= !memcmp(r.out, mac, 6);
		}
		cr_assert(ok, "%s: route %s/%u (line %u) but sent to %s", fmt(family, dst),
			  fmt(family, route->addr), route->plen, route->line, hex(r.out, 6));
		cr_assert_eq(nev, 1, "%s", fmt(family, dst));
		cr_assert_eq(ev[0].type, NL_EV_NART2_MISS, "%s", fmt(family, dst));
		counts[0]++;
		return;
	}
	/* a subnet or nothing: NART-1 on the destination misses, WHERE with the MAC space */
	cr_assert_arr_eq(r.out, W_ROUTER_MAC, 6, "%s: not routed to a next hop", fmt(family, dst));
	cr_assert_eq(nev, 1, "%s", fmt(family, dst));
	cr_assert_eq(ev[0].type, family == AF_INET ? NL_EV_NART1_MISS : NL_EV_NART1V6_MISS);
	if (family == AF_INET)
		cr_assert_arr_eq(&ev[0].ip, dst, 4);
	else
		cr_assert_arr_eq(ev[0].ip6, dst, 16);
	cr_assert_eq(ev[0].mac_as, rc ? 0 : sub->mac_as, "%s: subnet %s", fmt(family, dst),
		     rc ? "none" : fmt(family, sub->addr));
	counts[rc ? 2 : 1]++;
}

Test(route_reference, datapath_agrees_with_nl_tenant_lookup, .init = world_setup_ip,
     .fini = world_teardown, .timeout = 300)
{
	struct na_maps m;
	struct nl_vif_ip6 v6 = {.count = 1, .prefix_len = {64}};
	struct na_vrouter_stats st;
	struct nl_tenants file;
	const struct nl_tenant *t;
	int counts[2][3] = {{0}};
	uint32_t idx = (uint32_t)W.ifindex_a1;
	char err[256], *text;

	srandom(16);
	text = gen_tenant();
	cr_assert_eq(nl_tenants_parse(text, strlen(text), "gen", &file, err, sizeof(err)), 0,
		     "%s\n%s", err, text);
	t = nl_tenants_find(&file, W_TENANT_A);
	cr_assert_not_null(t);
	cfg_update(cfg_many_events);
	/* the agent's tables from the file, with a1 (tenant A) hosted here */
	memset(&m, -1, sizeof(m));
	m.vifs = fd_map("nl_vifs");
	m.vif_ip6s = fd_map("nl_vif_ip6s");
	m.subnets = fd_map("nl_subnets");
	m.subnets6 = fd_map("nl_subnets6");
	ip6(A1_IP6, v6.addr[0]);
	ip6(ROUTER6, v6.router);
	cr_assert_eq(bpf_map_update_elem(m.vif_ip6s, &idx, &v6, BPF_ANY), 0);
	{
		struct nl_ip6_key k = {.tenant = W_TENANT_A};

		memcpy(k.ip6, v6.addr[0], 16);
		cr_assert_eq(bpf_map_update_elem(fd_map("nl_local_ip6s"), &k, &idx, BPF_ANY), 0);
	}
	cr_assert_eq(na_vrouter_sync(&m, &file, true, &st), 0);
	cr_assert_eq(st.tenants, 1);
	/* every next hop in NART-1 with its own MAC */
	for (unsigned int k = 0; k < 8; k++) {
		uint8_t mac[6], a6[16];
		char s[64];

		nh_mac(AF_INET, k, mac);
		cr_assert_eq(world_nart1_set(W_TENANT_A, W_IP(192, 168, 1, 100 + k), mac, 1), 0);
		nh_mac(AF_INET6, k, mac);
		snprintf(s, sizeof(s), "2001:db8:1::%x", 0x100 + k);
		ip6(s, a6);
		(void)a6;
		nart1v6(s, mac, 1);
	}
	for (int i = 0; i < 400; i++) {
		uint8_t a[16] = {0};
		int pick = (int)(rnd() % 3);

		/* inside a route, inside a subnet, or anywhere (IPv4: 10/8 mostly) */
		rnd_bytes(a, 4);
		if (pick == 0 && t->nroute) {
			const struct nl_tn_route *rt = &t->route[rnd() % t->nroute];

			if (rt->family == AF_INET)
				for (int b = 0; b < rt->plen; b++)
					a[b / 8] = (uint8_t)((a[b / 8] & ~(0x80 >> (b % 8))) |
							     (rt->addr[b / 8] & (0x80 >> (b % 8))));
		} else if (pick == 1) {
			const struct nl_tn_subnet *sn = &t->sub[rnd() % t->nsub];

			if (sn->family == AF_INET && sn->addr[0] == 10)
				memcpy(a, sn->addr, 3);
		} else {
			a[0] = 10;
		}
		check_one(t, AF_INET, a, counts[0]);
	}
	for (int i = 0; i < 400; i++) {
		uint8_t a[16];
		int pick = (int)(rnd() % 3);

		rnd_bytes(a, 16);
		a[0] = 0xfd;
		a[1] = 0;
		if (pick == 0) {
			const struct nl_tn_route *rt = &t->route[rnd() % t->nroute];

			if (rt->family == AF_INET6)
				for (int b = 0; b < rt->plen; b++)
					a[b / 8] = (uint8_t)((a[b / 8] & ~(0x80 >> (b % 8))) |
							     (rt->addr[b / 8] & (0x80 >> (b % 8))));
		} else if (pick == 1) {
			const struct nl_tn_subnet *sn = &t->sub[rnd() % t->nsub];

			if (sn->family == AF_INET6 && sn->addr[0] == 0xfd)
				memcpy(a, sn->addr, 8);
		} else if (rnd() % 2) {
			a[0] = 0x20; /* 2000::/3, outside every prefix but the default */
		}
		check_one(t, AF_INET6, a, counts[1]);
	}
	/* every kind of decision was exercised */
	for (int f = 0; f < 2; f++)
		cr_assert(counts[f][0] > 20 && counts[f][1] > 20,
			  "family %d: %d routed, %d connected, %d unmatched", f, counts[f][0],
			  counts[f][1], counts[f][2]);
	nl_tenants_free(&file);
}

/* ---- anti-spoofing: a source the tenant routes through the VIF (an appliance) ------- */

/* a1 forwards for 10.95.0.0/16 and 2001:db8:95::/48 (routes via a1); not for 10.99/16 (a2) */
Test(route_source, appliance_may_send_routed_sources, .init = setup, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	route4("10.95.0.0", 16, 2, (const char *[]){"192.168.1.77", A1_IP});
	route6("2001:db8:95::", 48, 1, (const char *[]){A1_IP6});
	/* to a2 in the same subnet, from a routed source: forwarded as is */
	scapy(&in, "route_expected.py",
	      "udp4 " MAC1 " 52:54:00:aa:00:02 10.95.3.3 192.168.1.20 64 1000 5001");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "retval %u", r.retval);
	cr_assert_arr_eq(r.out + OUTER, in.b, in.len, "forwarded unchanged");
	scapy(&in, "route_expected.py",
	      "udp6 " MAC1 " 52:54:00:aa:00:02 2001:db8:95::3 2001:db8:1::20 64 1000 5001");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "retval %u", r.retval);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 2);
	cr_assert(counters_all_zero_except(NL_C_TX_ENCAPSULATED, NL_C_MAX));
	/* a prefix routed through another VIF, and an unrouted one: spoofing */
	scapy(&in, "route_expected.py",
	      "udp4 " MAC1 " 52:54:00:aa:00:02 10.99.3.3 192.168.1.20 64 1000 5001");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 1);
	scapy(&in, "route_expected.py",
	      "udp6 " MAC1 " 52:54:00:aa:00:02 2001:db8:99::3 2001:db8:1::20 64 1000 5001");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP6), 1);
	/* the default route is a4's: a1 may not use any outside address */
	scapy(&in, "route_expected.py",
	      "udp4 " MAC1 " 52:54:00:aa:00:02 198.51.100.7 192.168.1.20 64 1000 5001");
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 2);
}

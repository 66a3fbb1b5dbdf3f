// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Criterion tests of the IPv6 address rules of a VIF (user/lib/ip6.c; issue
 * 11, patent [0026] a VIF and its addresses): parsing ADDR/PLEN, the checks
 * of `vif add --ip6/--router6` (na_request_check) and the virtual router's
 * link-local address.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "ip6.h"

static void a6(const char *s, __u8 *out)
{
	cr_assert_eq(inet_pton(AF_INET6, s, out), 1, "%s", s);
}

Test(ip6, parse_prefix)
{
	__u8 a[16], want[16], len = 0;

	cr_assert_eq(nl_parse_prefix6("2001:db8:1::1/64", a, &len), 0);
	a6("2001:db8:1::1", want);
	cr_assert_arr_eq(a, want, 16);
	cr_assert_eq(len, 64);
	cr_assert_eq(nl_parse_prefix6("fd00::7/128", a, &len), 0);
	cr_assert_eq(len, 128);
	cr_assert_neq(nl_parse_prefix6("2001:db8::1", a, &len), 0, "no length");
	cr_assert_neq(nl_parse_prefix6("2001:db8::1/0", a, &len), 0);
	cr_assert_neq(nl_parse_prefix6("2001:db8::1/129", a, &len), 0);
	cr_assert_neq(nl_parse_prefix6("2001:db8::1/64x", a, &len), 0);
	cr_assert_neq(nl_parse_prefix6("2001:db8::1/-1", a, &len), 0);
	cr_assert_neq(nl_parse_prefix6("192.168.1.1/24", a, &len), 0, "IPv4 is --ip");
	cr_assert_neq(nl_parse_prefix6("2001:db8:::1/64", a, &len), 0);
	cr_assert_neq(nl_parse_ipv6("1.2.3.4", a), 0);
}

static struct nl_vif_ip6 one(const char *addr, __u8 plen, const char *router)
{
	struct nl_vif_ip6 v = {.count = 1, .prefix_len = {plen}};

	a6(addr, v.addr[0]);
	if (router)
		a6(router, v.router);
	return v;
}

Test(ip6, vif_check)
{
	char err[128];
	struct nl_vif_ip6 v = {0};

	cr_assert_eq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "no IPv6 is fine");
	v = one("2001:db8:1::1", 64, "2001:db8:1::fffe");
	cr_assert_eq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "%s", err);
	v = one("fe80::1", 64, NULL);
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "link-local");
	v = one("ff02::1", 64, NULL);
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "multicast");
	v = one("::ffff:10.0.0.1", 96, NULL);
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "IPv4-mapped");
	v = one("::1", 128, NULL);
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "loopback");
	v = one("2001:db8:1::1", 64, "2001:db8:2::fffe");
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "router outside the prefix");
	cr_assert(strstr(err, "--router6"), "%s", err);
	v = one("2001:db8:1::1", 64, "2001:db8:1::1");
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "router = own address");
	v = one("2001:db8:1::1", 0, NULL);
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "prefix length 0");
	v = one("2001:db8:1::1", 64, NULL);
	v.count = 2;
	memcpy(v.addr[1], v.addr[0], 16);
	v.prefix_len[1] = 64;
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "duplicate");
	v.count = 5;
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "more than 4");
	v = one("2001:db8:1::1", 64, NULL);
	v.addr[3][0] = 1;
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "unused entry not zero");
	v = (struct nl_vif_ip6){0};
	a6("2001:db8:1::fffe", v.router);
	cr_assert_neq(nl_vif_ip6_check(&v, err, sizeof(err)), 0, "router without address");
}

Test(ip6, router_link_local)
{
	static const __u8 mac[6] = {0x02, 0x4e, 0x4c, 0x52, 0x00, 0x01};
	__u8 ll[16], want[16];

	nl_ip6_link_local_from_mac(mac, ll);
	a6("fe80::4e:4cff:fe52:1", want);
	cr_assert_arr_eq(ll, want, 16, "docs/ipv6.md names fe80::4e:4cff:fe52:1");
}

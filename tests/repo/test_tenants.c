// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tenants file parser (user/lib/tenants.c, docs/tenants.md; issue 16,
 * patent [0013], [0053]): good files give the expected tables, and every
 * kind of error is refused naming its line and reason.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tenants.h"

static char err[512];

static int parse(const char *text, struct nl_tenants *t)
{
	err[0] = 0;
	return nl_tenants_parse(text, strlen(text), "t.txt", t, err, sizeof(err));
}

/* @text is refused with a message starting "t.txt:<line>:" and containing @what */
static void refused(const char *text, unsigned int line, const char *what)
{
	struct nl_tenants t;
	char want[32];

	cr_assert_eq(parse(text, &t), -EINVAL, "accepted:\n%s", text);
	cr_assert_eq(t.n, 0);
	cr_assert_null(t.t);
	snprintf(want, sizeof(want), "t.txt:%u: ", line);
	cr_assert(!strncmp(err, want, strlen(want)), "wanted line %u, got '%s'", line, err);
	cr_assert(strstr(err, what), "wanted '%s' in '%s'", what, err);
}

static bool ip_is(int family, const __u8 *a, const char *text)
{
	__u8 b[16] = {0};

	cr_assert_eq(inet_pton(family, text, b), 1);
	return !memcmp(a, b, family == AF_INET ? 4 : 16);
}

static const char *good =
	"# comment line\n"
	"\n"
	"tenant 2\n"
	"  subnet 198.51.100.0/24 router 198.51.100.1 mac-space 1 dns 198.51.100.53\n"
	"  route default via 198.51.100.254   # gateway\n"
	"tenant 42\n"
	"\tsubnet 10.0.0.0/24 router 10.0.0.1 dns 10.0.0.53,10.0.1.53 lease 3600 domain a.b\n"
	"\tsubnet 10.0.1.0/24 router 10.0.1.1 mac-space 7\n"
	"\troute 172.16.0.0/12 via 10.0.1.10\n"
	"\troute fd42:99::/48 via fd42::10\n" /* before its subnet: checked at block end */
	"\tsubnet fd42::/64 router fd42::1\n"
	"\tsubnet fd42:1::/56 router fd42:1::1 mode managed dns fd42::53,fd42::54 lease 7200\n"
	"\troute default via fd42:1::99\n";

Test(tenants, good_file)
{
	struct nl_tenants t;
	const struct nl_tenant *a, *b;

	cr_assert_eq(parse(good, &t), 0, "%s", err);
	cr_assert_eq(t.n, 2);
	a = nl_tenants_find(&t, 2);
	b = nl_tenants_find(&t, 42);
	cr_assert(a && b);
	cr_assert_null(nl_tenants_find(&t, 3));
	cr_assert_eq(a->line, 3);
	cr_assert_eq(a->nsub, 1);
	cr_assert_eq(a->sub[0].family, AF_INET);
	cr_assert_eq(a->sub[0].plen, 24);
	cr_assert_eq(a->sub[0].mac_as, 1);
	cr_assert_eq(a->sub[0].lease_s, NL_TN_LEASE_DEFAULT);
	cr_assert_eq(a->sub[0].ndns, 1);
	cr_assert(ip_is(AF_INET, a->sub[0].router, "198.51.100.1"));
	cr_assert_eq(a->nroute, 1);
	cr_assert_eq(a->route[0].plen, 0);
	cr_assert_eq(a->route[0].family, AF_INET);
	cr_assert_eq(a->route[0].nvia, 1);
	cr_assert(ip_is(AF_INET, a->route[0].via[0], "198.51.100.254"));

	cr_assert_eq(b->nsub, 4);
	cr_assert_eq(b->sub[0].mac_as, 0);
	cr_assert_eq(b->sub[0].ndns, 2);
	cr_assert(ip_is(AF_INET, b->sub[0].dns[1], "10.0.1.53"));
	cr_assert_eq(b->sub[0].lease_s, 3600);
	cr_assert_str_eq(b->sub[0].domain, "a.b");
	cr_assert_eq(b->sub[1].mac_as, 7);
	cr_assert_eq(b->sub[2].family, AF_INET6);
	cr_assert_eq(b->sub[2].mode, NL_TN_SLAAC);
	cr_assert_eq(b->sub[2].line, 11);
	cr_assert_eq(b->sub[3].mode, NL_TN_MANAGED);
	cr_assert_eq(b->sub[3].plen, 56);
	cr_assert_eq(b->sub[3].ndns, 2);
	cr_assert_eq(b->nroute, 3);
	cr_assert_eq(b->route[1].family, AF_INET6);
	cr_assert_eq(b->route[1].plen, 48);
	cr_assert(ip_is(AF_INET6, b->route[1].addr, "fd42:99::"));
	cr_assert_eq(b->route[2].family, AF_INET6);
	cr_assert_eq(b->route[2].plen, 0);
	nl_tenants_free(&t);
	cr_assert_eq(t.n, 0);
}

Test(tenants, empty_and_comment_only_files)
{
	struct nl_tenants t;

	cr_assert_eq(parse("", &t), 0, "%s", err);
	cr_assert_eq(t.n, 0);
	cr_assert_eq(parse("# nothing\n   \n\t# still nothing", &t), 0, "%s", err);
	cr_assert_eq(t.n, 0);
	nl_tenants_free(&t);
}

Test(tenants, same_prefix_in_two_tenants_is_fine)
{
	struct nl_tenants t;

	cr_assert_eq(parse("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
			   "tenant 6\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
			   "route default via 10.0.0.2",
			   &t),
		     0, "%s", err);
	cr_assert_eq(t.n, 2);
	nl_tenants_free(&t);
}

Test(tenants, last_line_without_newline_and_crlf)
{
	struct nl_tenants t;

	cr_assert_eq(parse("tenant 5\r\nsubnet 10.0.0.0/8 router 10.255.255.254\r\n", &t), 0, "%s",
		     err);
	cr_assert_eq(t.t[0].sub[0].plen, 8);
	nl_tenants_free(&t);
}

Test(tenants, bad_prefix)
{
	refused("tenant 5\nsubnet 10.0.0.1/24 router 10.0.0.2\n", 2, "host bits set");
	refused("tenant 5\nsubnet 10.0.0.0/33 router 10.0.0.2\n", 2, "length not 1..32");
	refused("tenant 5\nsubnet 10.0.0.0/0 router 10.0.0.2\n", 2, "length not 1..32");
	refused("tenant 5\nsubnet 10.0.0.0 router 10.0.0.2\n", 2, "not a prefix");
	refused("tenant 5\nsubnet 10.0.0.0/24x router 10.0.0.2\n", 2, "length not");
	refused("tenant 5\nsubnet 10.0.0.256/24 router 10.0.0.2\n", 2, "not an IPv4 or IPv6");
	refused("tenant 5\nsubnet fd00::/129 router fd00::1\n", 2, "length not 1..128");
	refused("tenant 5\nsubnet fd00::1/64 router fd00::2\n", 2, "host bits set");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute 10.9.0.0/8 via 10.0.0.5\n", 3,
		"host bits set");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute nowhere via 10.0.0.5\n", 3,
		"not a prefix");
}

Test(tenants, overlapping_subnets)
{
	/* in one MAC space */
	refused("tenant 5\nsubnet 10.0.0.0/16 router 10.0.0.1\n"
		"subnet 10.0.3.0/24 router 10.0.3.1\n",
		3, "overlaps subnet 10.0.0.0/16 (line 2, mac-space 0) of tenant 5");
	/* the same prefix twice */
	refused("tenant 5\nsubnet fd00::/64 router fd00::1\nsubnet fd00::/64 router fd00::2\n", 3,
		"overlaps subnet fd00::/64");
	/* in two MAC spaces: still one IP space per tenant (NART-1 is keyed by IP) */
	refused("tenant 5\nsubnet 10.0.3.0/24 router 10.0.3.1 mac-space 1\n"
		"subnet 10.0.0.0/16 router 10.0.0.1 mac-space 2\n",
		3, "overlaps subnet 10.0.3.0/24 (line 2, mac-space 1)");
}

Test(tenants, router_outside_or_special)
{
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.1.1\n", 2,
		"router 10.0.1.1 is outside its subnet 10.0.0.0/24");
	refused("tenant 5\nsubnet fd00::/64 router fd01::1\n", 2, "outside its subnet");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.0\n", 2, "network address");
	refused("tenant 5\nsubnet 10.0.0.0/31 router 10.0.0.1\n", 2,
		"no room for a router and a host (/30 at most)");
	refused("tenant 5\nsubnet fd00::/128 router fd00::\n", 2, "(/127 at most)");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.255\n", 2, "broadcast address");
	refused("tenant 5\nsubnet fd00::/64 router fd00::\n", 2, "network address");
	refused("tenant 5\nsubnet 10.0.0.0/24 router fd00::1\n", 2, "not an IPv4 address");
	refused("tenant 5\nsubnet 10.0.0.0/24 dns 10.0.0.53\n", 2, "no 'router <address>'");
}

Test(tenants, special_ranges)
{
	refused("tenant 5\nsubnet 127.0.0.0/24 router 127.0.0.1\n", 2,
		"subnet 127.0.0.0/24 overlaps 127.0.0.0/8 (loopback)");
	refused("tenant 5\nsubnet 224.1.0.0/16 router 224.1.0.1\n", 2, "multicast");
	refused("tenant 5\nsubnet 240.0.0.0/8 router 240.0.0.1\n", 2, "reserved");
	refused("tenant 5\nsubnet 169.254.1.0/24 router 169.254.1.1\n", 2, "link-local");
	refused("tenant 5\nsubnet 0.0.0.0/1 router 1.0.0.1\n", 2, "0.0.0.0/8 (this network)");
	refused("tenant 5\nsubnet fe80::/64 router fe80::1\n", 2, "fe80::/10 (link-local)");
	refused("tenant 5\nsubnet ff02::/64 router ff02::1\n", 2, "ff00::/8 (multicast)");
	refused("tenant 5\nsubnet ::ffff:0:0/96 router ::ffff:10.0.0.1 mode managed\n", 2, "::/8");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute 224.0.0.0/4 via 10.0.0.9\n", 3,
		"route 224.0.0.0/4 lies in 224.0.0.0/3");
}

Test(tenants, next_hop_outside_every_subnet)
{
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute default via 10.0.1.9\n", 3,
		"next hop 10.0.1.9 is outside every subnet of tenant 5");
	/* an IPv6 route needs an IPv6 subnet holding its next hop */
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute default via fd00::9\n", 3,
		"outside every subnet");
	/* the next hop in another tenant's subnet does not count */
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
		"tenant 6\nsubnet 10.1.0.0/24 router 10.1.0.1\nroute default via 10.0.0.9\n",
		5, "outside every subnet of tenant 6");
	/* the route is checked when the tenant's block ends, at its own line */
	refused("tenant 5\nroute 192.168.0.0/16 via 10.0.0.9\nsubnet 10.1.0.0/24 router 10.1.0.1\n"
		"tenant 6\nsubnet 10.1.0.0/24 router 10.1.0.1\n",
		2, "outside every subnet");
}

Test(tenants, bad_routes)
{
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute default via 10.0.0.1\n", 3,
		"is the virtual router of its subnet (line 2)");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute default via 10.0.0.255\n", 3,
		"next hop 10.0.0.255 is the broadcast address of its subnet (line 2)");
	refused("tenant 5\nsubnet fd00::/64 router fd00::1\nroute default via fd00::\n", 3,
		"next hop fd00:: is the network address of its subnet (line 2)");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute 10.0.0.0/24 via 10.0.0.9\n", 3,
		"is subnet 10.0.0.0/24 (line 2)");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute default via 10.0.0.9\n"
		"route 0.0.0.0/0 via 10.0.0.8\n",
		4, "given twice (line 3)");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute 10.9.0.0/16 via fd00::1\n", 3,
		"not an IPv4 address");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute default 10.0.0.9\n", 3,
		"usage: route");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute default via 10.0.0.x\n", 3,
		"via: '10.0.0.x'");
}

/* route <prefix|default> via A [via B ...]: 1..4 next hops, each checked */
Test(tenants, several_next_hops)
{
	const struct nl_tenant *x;
	struct nl_tenants t;

	cr_assert_eq(parse("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
			   "subnet fd00::/64 router fd00::1\n"
			   "route default via 10.0.0.9 via 10.0.0.8 via 10.0.0.7 via 10.0.0.6\n"
			   "route fd99::/48 via fd00::9 via fd00::8\n",
			   &t),
		     0, "%s", err);
	x = nl_tenants_find(&t, 5);
	cr_assert(x && x->nroute == 2);
	cr_assert_eq(x->route[0].nvia, 4);
	cr_assert(ip_is(AF_INET, x->route[0].via[0], "10.0.0.9"));
	cr_assert(ip_is(AF_INET, x->route[0].via[3], "10.0.0.6"));
	cr_assert_eq(x->route[1].nvia, 2);
	cr_assert(ip_is(AF_INET6, x->route[1].via[1], "fd00::8"));
	nl_tenants_free(&t);

	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
		"route default via 10.0.0.9 via 10.0.0.8 via 10.0.0.7 via 10.0.0.6 via 10.0.0.5\n",
		3, "more than 4 next hops");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nroute default via 10.0.0.9 via\n", 3,
		"usage: route");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
		"route default via 10.0.0.9 by 10.0.0.8\n",
		3, "usage: route");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
		"route default via 10.0.0.9 via 10.0.0.9\n",
		3, "next hop 10.0.0.9 given twice");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\nsubnet fd00::/64 router fd00::1\n"
		"route default via 10.0.0.9 via fd00::9\n",
		4, "different families");
	/* every next hop is checked, not only the first */
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
		"route default via 10.0.0.9 via 10.0.1.9\n",
		3, "next hop 10.0.1.9 is outside every subnet of tenant 5");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
		"route 10.9.0.0/16 via 10.0.0.9 via 10.0.0.1\n",
		3, "next hop 10.0.0.1 is the virtual router");
}

Test(tenants, duplicate_and_bad_tenant)
{
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
		"tenant 6\nsubnet 10.0.0.0/24 router 10.0.0.1\n"
		"tenant 5\nsubnet 10.1.0.0/24 router 10.1.0.1\n",
		5, "tenant 5 declared twice (first on line 1)");
	refused("tenant 1\n", 1, "not a tenant ID 2..16777214");
	refused("tenant 16777215\n", 1, "not a tenant ID");
	refused("tenant -3\n", 1, "not a tenant ID");
	refused("tenant 5 6\n", 1, "usage: tenant <id>");
	refused("tenant 5\ntenant 6\nsubnet 10.0.0.0/24 router 10.0.0.1\n", 1,
		"tenant 5 has no subnet");
	refused("tenant 5\n", 1, "tenant 5 has no subnet");
}

Test(tenants, unknown_key_and_statement)
{
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 gateway 10.0.0.2\n", 2,
		"unknown key 'gateway'");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 lease\n", 2,
		"key 'lease' without a value");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 router 10.0.0.2\n", 2,
		"key 'router' given twice");
	refused("tenant 5\nvlan 7\n", 2, "unknown statement 'vlan'");
	refused("subnet 10.0.0.0/24 router 10.0.0.1\n", 1, "subnet before any 'tenant' line");
	refused("route default via 10.0.0.1\n", 1, "route before any 'tenant' line");
}

Test(tenants, bad_dhcp_ra_settings)
{
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 lease 59\n", 2, "lease: '59'");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 lease 31536001\n", 2, "lease:");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 dns fd00::53\n", 2,
		"dns: 'fd00::53' is not an IPv4 address");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 dns 1.1.1.1,2.2.2.2,3.3.3.3,"
		"4.4.4.4,5.5.5.5\n",
		2, "more than 4 servers");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 dns ,\n", 2, "dns: no address");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 mode slaac\n", 2,
		"'mode' is for IPv6 subnets only");
	refused("tenant 5\nsubnet fd00::/64 router fd00::1 domain x.y\n", 2,
		"'domain' is for IPv4 subnets only");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 domain a_b\n", 2, "domain: 'a_b'");
	refused("tenant 5\nsubnet fd00::/64 router fd00::1 mode stateful\n", 2,
		"mode: 'stateful' is not slaac or managed");
	refused("tenant 5\nsubnet fd00::/56 router fd00::1\n", 2, "mode slaac needs a /64");
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 mac-space 256\n", 2,
		"mac-space: '256' is not 0..255");
}

Test(tenants, hostile_input)
{
	struct nl_tenants t;
	char *big = malloc(5000);
	const char nul[] = "tenant 5\nsubnet 10.0.0.0/24\0 router 10.0.0.1\n";

	memset(big, 'a', 4999);
	big[4999] = 0;
	refused(big, 1, "line longer than");
	free(big);
	cr_assert_eq(nl_tenants_parse(nul, sizeof(nul) - 1, "t.txt", &t, err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "t.txt:2: NUL byte"), "%s", err);
	refused("tenant 5\nsubnet 10.0.0.0/24 router 10.0.0.1 a b a b a b a b a b a b a b a b a"
		" b a b a b a b a b a b a b a b\n",
		2, "more than 32 words");
}

Test(tenants, limits)
{
	char *buf = malloc(1 << 16);
	size_t n = 0;
	struct nl_tenants t;

	n += sprintf(buf + n, "tenant 9\n");
	for (int i = 0; i < NL_TN_MAX_SUBNETS; i++)
		n += sprintf(buf + n, "subnet 10.%d.0.0/16 router 10.%d.0.1\n", i, i);
	cr_assert_eq(parse(buf, &t), 0, "%s", err);
	cr_assert_eq(t.t[0].nsub, NL_TN_MAX_SUBNETS);
	nl_tenants_free(&t);
	sprintf(buf + n, "subnet 11.0.0.0/16 router 11.0.0.1\n");
	refused(buf, NL_TN_MAX_SUBNETS + 2, "more than 256 subnets");
	free(buf);
}

Test(tenants, many_tenants)
{
	size_t cap = 3000 * 64, n = 0;
	char *buf = malloc(cap);
	struct nl_tenants t;

	for (int i = 0; i < 3000; i++)
		n += sprintf(buf + n, "tenant %d\nsubnet 10.0.0.0/24 router 10.0.0.1\n", 100 + i);
	cr_assert_eq(parse(buf, &t), 0, "%s", err);
	cr_assert_eq(t.n, 3000);
	cr_assert_eq(nl_tenants_find(&t, 3099)->line, 5999);
	nl_tenants_free(&t);
	sprintf(buf + n, "tenant 1234\nsubnet 10.0.0.0/24 router 10.0.0.1\n");
	refused(buf, 6001, "tenant 1234 declared twice (first on line 2269)");
	free(buf);
}

/* lookup @dst in tenant 42 of @text: 's' subnet line N, 'r' route line N, or 0 */
static unsigned int look(const struct nl_tenant *t, const char *dst, char *kind)
{
	const struct nl_tn_subnet *s;
	const struct nl_tn_route *r;
	int family = strchr(dst, ':') ? AF_INET6 : AF_INET;
	__u8 a[16] = {0};

	cr_assert_eq(inet_pton(family, dst, a), 1);
	if (nl_tenant_lookup(t, family, a, &s, &r)) {
		cr_assert(!s && !r);
		*kind = 0;
		return 0;
	}
	cr_assert((s != NULL) != (r != NULL));
	*kind = s ? 's' : 'r';
	return s ? s->line : r->line;
}

Test(tenants, lookup_longest_prefix)
{
	static const char *text = "tenant 42\n"
				  "subnet 10.0.0.0/16 router 10.0.0.1\n"       /* 2 */
				  "subnet 10.1.0.0/24 router 10.1.0.1\n"       /* 3 */
				  "route 10.0.5.0/24 via 10.1.0.10\n"	       /* 4 */
				  "route 172.16.0.0/12 via 10.1.0.10\n"	       /* 5 */
				  "route 172.16.1.0/24 via 10.0.0.20\n"	       /* 6 */
				  "subnet fd42::/64 router fd42::1\n"	       /* 7 */
				  "route ::/0 via fd42::fe\n"		       /* 8 */
				  "route fd42:0:0:0:8000::/65 via fd42::10\n"; /* 9 */
	struct nl_tenants t;
	const struct nl_tenant *tn;
	const struct nl_tn_subnet *s;
	char k;
	__u8 a[16] = {0};

	cr_assert_eq(parse(text, &t), 0, "%s", err);
	tn = &t.t[0];
	cr_assert_eq(look(tn, "10.0.4.9", &k), 2);
	cr_assert_eq(k, 's');
	cr_assert_eq(look(tn, "10.0.5.9", &k), 4, "a route more specific than a subnet wins");
	cr_assert_eq(k, 'r');
	cr_assert_eq(look(tn, "10.1.0.77", &k), 3);
	cr_assert_eq(look(tn, "172.20.0.1", &k), 5);
	cr_assert_eq(look(tn, "172.16.1.200", &k), 6, "the most specific route wins");
	cr_assert_eq(k, 'r');
	cr_assert_eq(look(tn, "192.168.0.1", &k), 0, "no IPv4 default route: no match");
	cr_assert_eq(k, 0);
	cr_assert_eq(look(tn, "fd42::5", &k), 7);
	cr_assert_eq(k, 's');
	cr_assert_eq(look(tn, "fd42::8000:0:0:5", &k), 9);
	cr_assert_eq(k, 'r');
	cr_assert_eq(look(tn, "2001:db8::1", &k), 8, "IPv6 default route");
	cr_assert_eq(k, 'r');

	cr_assert_eq(inet_pton(AF_INET, "10.1.0.200", a), 1);
	s = nl_tenant_subnet_of(tn, AF_INET, a);
	cr_assert(s && s->line == 3);
	cr_assert_eq(inet_pton(AF_INET, "10.2.0.1", a), 1);
	cr_assert_null(nl_tenant_subnet_of(tn, AF_INET, a), "outside every subnet");
	cr_assert_eq(inet_pton(AF_INET6, "fd43::1", a), 1);
	cr_assert_null(nl_tenant_subnet_of(tn, AF_INET6, a));
	nl_tenants_free(&t);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	cr_assert(f && buf, "%s (run from the repository's top directory)", path);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* topologies/demo.tenants agrees with every VM of topologies/demo.vms that has an address */
Test(tenants, demo_file_matches_demo_vms)
{
	size_t len, vlen;
	char *text = slurp("topologies/demo.tenants", &len),
	     *vms = slurp("topologies/demo.vms", &vlen);
	char *line, *save = NULL;
	struct nl_tenants t;
	int checked = 0;

	cr_assert_eq(nl_tenants_parse(text, len, "demo.tenants", &t, err, sizeof(err)), 0, "%s",
		     err);
	for (line = strtok_r(vms, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[32], hv[32], mac[32], ip[64], router[64];
		unsigned int tenant, mac_as, plen;
		const struct nl_tenant *tn;
		const struct nl_tn_subnet *s;
		__u8 a[16] = {0}, r[16] = {0};

		if (sscanf(line,
			   "vm %31s hv %31s tenant %u mac-as %u mac %31s ip %63[^/]/%u router %63s",
			   name, hv, &tenant, &mac_as, mac, ip, &plen, router) != 8)
			continue;
		tn = nl_tenants_find(&t, tenant);
		cr_assert(tn, "%s: tenant %u is not in demo.tenants", name, tenant);
		cr_assert_eq(inet_pton(AF_INET, ip, a), 1, "%s", name);
		cr_assert_eq(inet_pton(AF_INET, router, r), 1, "%s", name);
		s = nl_tenant_subnet_of(tn, AF_INET, a);
		cr_assert(s, "%s: %s is outside tenant %u's subnets", name, ip, tenant);
		cr_assert_eq(s->plen, plen, "%s", name);
		cr_assert_eq(s->mac_as, mac_as, "%s", name);
		cr_assert(!memcmp(s->router, r, 4), "%s: router %s", name, router);
		checked++;
	}
	cr_assert_geq(checked, 10, "only %d VMs with addresses found in demo.vms", checked);
	nl_tenants_free(&t);
	free(text);
	free(vms);
}

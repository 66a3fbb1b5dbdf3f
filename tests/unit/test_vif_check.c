// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `vif add` against the tenants file in force (user/agent/vif_check.c,
 * docs/tenants.md, issue 16; patent [0013]): addresses outside the tenant's
 * subnets refused naming tenant and address, prefix lengths, routers and
 * the MAC space taken from the subnets, contradicting values refused, and
 * no change without a file.  Also the request check that lets /len and
 * --mac-as be left out (ctl_proto.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <criterion/criterion.h>

#include "ctl_proto.h"
#include "tenants.h"
#include "vif_check.h"

static const char FILE_TEXT[] = "tenant 42\n"
				"  subnet 10.0.0.0/24 router 10.0.0.1 mac-space 3 dns 10.0.0.53\n"
				"  subnet 10.0.1.0/24 router 10.0.1.1 mac-space 4\n"
				"  subnet fd42::/64 router fd42::1 mac-space 3\n"
				"  subnet fd42:1::/56 router fd42:1::1 mac-space 3 mode managed\n"
				"tenant 7\n"
				"  subnet 10.0.0.0/16 router 10.0.255.254\n";

static struct nl_tenants file;
static char err[512];

static void setup(void)
{
	char perr[256];

	cr_assert_eq(
		nl_tenants_parse(FILE_TEXT, sizeof(FILE_TEXT) - 1, "t", &file, perr, sizeof(perr)),
		0, "%s", perr);
	err[0] = 0;
}

static void teardown(void)
{
	nl_tenants_free(&file);
}

TestSuite(vif_check, .init = setup, .fini = teardown);

/* a request as the CLI makes it: no --mac-as, addresses without /len */
static struct na_request req(__u32 tenant, const char *ip, const char *ip6)
{
	struct na_request r = {.magic = NA_REQ_MAGIC, .verb = NA_REQ_VIF_ADD};

	snprintf(r.ifname, sizeof(r.ifname), "vm1");
	r.vif.tenant = tenant;
	r.vif.mac_as = NA_MAC_AS_UNSET;
	memcpy(r.vif.mac, "\x52\x54\x00\x00\x00\x01", 6);
	if (ip)
		inet_pton(AF_INET, ip, &r.vif.ip);
	if (ip6)
		inet_pton(AF_INET6, ip6, r.vif6.addr[r.vif6.count++]);
	return r;
}

static __be32 a4(const char *s)
{
	__be32 a;

	inet_pton(AF_INET, s, &a);
	return a;
}

Test(vif_check, derives_prefix_router_and_mac_space)
{
	struct na_request r = req(42, "10.0.0.5", "fd42::5");
	__u8 r6[16];

	cr_assert_eq(na_request_check(&r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(r.vif.prefix_len, 24);
	cr_assert_eq(r.vif.router_ip, a4("10.0.0.1"));
	cr_assert_eq(r.vif.mac_as, 3);
	cr_assert_eq(r.vif6.prefix_len[0], 64);
	inet_pton(AF_INET6, "fd42::1", r6);
	cr_assert_eq(memcmp(r.vif6.router, r6, 16), 0);
	/* what the agent adds is a complete request */
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), 0, "%s", err);
}

Test(vif_check, matching_values_given_are_kept)
{
	struct na_request r = req(42, "10.0.1.9", NULL);

	r.vif.prefix_len = 24;
	r.vif.router_ip = a4("10.0.1.1");
	r.vif.mac_as = 4;
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(r.vif.mac_as, 4);
}

Test(vif_check, address_outside_the_subnets_refused)
{
	struct na_request r = req(42, "10.0.2.5", NULL);

	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)),
		     -EADDRNOTAVAIL);
	cr_assert(strstr(err, "10.0.2.5") && strstr(err, "tenant 42"), "%s", err);
	r = req(42, NULL, "fd43::5");
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)),
		     -EADDRNOTAVAIL);
	cr_assert(strstr(err, "fd43::5") && strstr(err, "tenant 42"), "%s", err);
	/* another tenant's subnet is no help: tenant 7 holds 10.0.2.5 */
	r = req(7, "10.0.2.5", NULL);
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 7), &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(r.vif.prefix_len, 16);
}

Test(vif_check, reserved_addresses_refused)
{
	const char *bad[] = {"10.0.0.1", "10.0.0.0", "10.0.0.255"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct na_request r = req(42, bad[i], NULL);

		cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)),
			     -EADDRNOTAVAIL, "%s", bad[i]);
		cr_assert(strstr(err, bad[i]), "%s", err);
	}
}

Test(vif_check, contradicting_values_refused)
{
	struct na_request r = req(42, "10.0.0.5", NULL);

	r.vif.prefix_len = 16;
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), -EPERM);
	cr_assert(strstr(err, "10.0.0.0/24"), "%s", err);
	r = req(42, "10.0.0.5", NULL);
	r.vif.router_ip = a4("10.0.0.2");
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), -EPERM);
	r = req(42, "10.0.0.5", NULL);
	r.vif.mac_as = 4;
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), -EPERM);
	cr_assert(strstr(err, "--mac-as 4"), "%s", err);
	/* IPv4 in MAC space 4, IPv6 in 3: no one MAC space for the VIF */
	r = req(42, "10.0.1.5", "fd42::5");
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), -EPERM);
	r = req(42, NULL, "fd42::5");
	r.vif6.prefix_len[0] = 48;
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), -EPERM);
	r = req(42, NULL, "fd42::5");
	inet_pton(AF_INET6, "fd42::2", r.vif6.router);
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), -EPERM);
}

Test(vif_check, second_ipv6_subnet_router_accepted)
{
	struct na_request r = req(42, NULL, "fd42::5");
	__u8 r6[16];

	inet_pton(AF_INET6, "fd42:1:0:7::9", r.vif6.addr[r.vif6.count++]);
	inet_pton(AF_INET6, "fd42:1::1", r.vif6.router);
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 42), &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(r.vif6.prefix_len[1], 56);
	inet_pton(AF_INET6, "fd42:1::1", r6);
	cr_assert_eq(memcmp(r.vif6.router, r6, 16), 0);
}

Test(vif_check, without_a_file_as_before)
{
	struct na_request r = req(99, "192.168.1.5", NULL);

	/* tenant 99 is not in the file: /len required, --mac-as defaults to 0 */
	cr_assert_eq(na_vif_check(nl_tenants_find(&file, 99), &r, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "needs /len") && strstr(err, "tenant 99"), "%s", err);
	r.vif.prefix_len = 24;
	cr_assert_eq(na_vif_check(NULL, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(r.vif.mac_as, 0);
	cr_assert_eq(r.vif.prefix_len, 24);
	cr_assert_eq(r.vif.router_ip, 0, "no router invented");
	r = req(99, NULL, "fd99::5");
	cr_assert_eq(na_vif_check(NULL, &r, err, sizeof(err)), -EINVAL);
	r = req(99, NULL, NULL);
	r.vif.mac_as = 7;
	cr_assert_eq(na_vif_check(NULL, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(r.vif.mac_as, 7);
}

Test(vif_check, request_check_allows_left_out_values_only)
{
	struct na_request r = req(42, "10.0.0.5", "fd42::5");

	cr_assert_eq(na_request_check(&r, err, sizeof(err)), 0, "%s", err);
	r.vif.mac_as = 256;
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL);
	r = req(42, "10.0.0.5", NULL);
	r.vif.prefix_len = 33;
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL);
}

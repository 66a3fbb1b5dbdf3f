// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Criterion tests of the hypervisor's DHCPv4 server (user/lib/dhcp4.c,
 * issue 11, docs/dhcp.md) and of its per-subnet settings
 * (user/agent/subnets.c, the [subnet ...] sections of config.c): every
 * answer byte for byte against the one scapy decides and builds
 * (tests/unit/dhcp_expected.py), silence where RFC 2131 wants it, and
 * every truncation of a request refused without reading past its end.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "ctl_frame.h"
#include "dhcp4.h"
#include "dhcp6.h"
#include "ip6.h"
#include "ra.h"
#include "subnets.h"
#include "tenants.h"
#include "util.h"

static const __u8 vm_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const __u8 rt_mac[6] = {0x02, 0x4e, 0x4c, 0x52, 0x00, 0x01};

/* ---- a client's request, built here (independently of dhcp4.c) -------------------- */

struct req {
	__u8 type;
	__u16 flags;
	const char *ciaddr, *req_ip, *server_id;
	const __u8 *chaddr;
	__u32 xid;
};

static __be32 a4(const char *s)
{
	__be32 a = 0;

	if (s)
		cr_assert_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void put16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

/* Ethernet/IPv4/UDP 68->67/BOOTREQUEST as a client sends it; its length */
static size_t build_req(const struct req *r, __u8 *f)
{
	__u8 *ip = f + 14, *udp = ip + 20, *b = udp + 8, *o;
	__be32 v;
	size_t blen;

	memset(f, 0, 600);
	memset(f, 0xff, 6);
	memcpy(f + 6, vm_mac, 6);
	put16(f + 12, 0x0800);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	b[4] = (__u8)(r->xid >> 24);
	b[5] = (__u8)(r->xid >> 16);
	b[6] = (__u8)(r->xid >> 8);
	b[7] = (__u8)r->xid;
	put16(b + 10, r->flags);
	v = a4(r->ciaddr);
	memcpy(b + 12, &v, 4);
	memcpy(b + 28, r->chaddr ? r->chaddr : vm_mac, 6);
	b[236] = 0x63, b[237] = 0x82, b[238] = 0x53, b[239] = 0x63;
	o = b + 240;
	*o++ = 53, *o++ = 1, *o++ = r->type;
	if (r->req_ip) {
		*o++ = 50, *o++ = 4;
		v = a4(r->req_ip);
		memcpy(o, &v, 4);
		o += 4;
	}
	if (r->server_id) {
		*o++ = 54, *o++ = 4;
		v = a4(r->server_id);
		memcpy(o, &v, 4);
		o += 4;
	}
	*o++ = 55, *o++ = 3, *o++ = 1, *o++ = 3, *o++ = 6; /* parameter request list */
	*o++ = 255;
	blen = (size_t)(o - b) < 300 ? 300 : (size_t)(o - b);
	ip[0] = 0x45;
	put16(ip + 2, (__u16)(20 + 8 + blen));
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, (__u16)(8 + blen));
	return 14 + 20 + 8 + blen;
}

static struct nl_dhcp4_cfg vif_cfg(void)
{
	struct nl_dhcp4_cfg c = {.prefix_len = 24, .lease_s = 3600, .mtu = 1466};

	memcpy(c.client_mac, vm_mac, 6);
	memcpy(c.server_mac, rt_mac, 6);
	c.ip = a4("10.1.0.5");
	c.router = c.server_id = a4("10.1.0.1");
	return c;
}

static char *tohex(const __u8 *b, size_t n)
{
	char *s = malloc(2 * n + 1);

	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	return s;
}

/* scapy's answer to frame @f for VIF @c, in hex ("none": silence) */
static char *expected(const __u8 *f, size_t n, const struct nl_dhcp4_cfg *c)
{
	char cmd[8192], ip[16], rt[16], dns[128] = "", *h = tohex(f, n), line[4096];
	FILE *p;
	int off;

	inet_ntop(AF_INET, &c->ip, ip, sizeof(ip));
	inet_ntop(AF_INET, &c->router, rt, sizeof(rt));
	for (int i = 0; i < c->ndns; i++) {
		char d[16];

		inet_ntop(AF_INET, &c->dns[i], d, sizeof(d));
		snprintf(dns + strlen(dns), sizeof(dns) - strlen(dns), "%s\"%s\"", i ? "," : "", d);
	}
	off = snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/unit/dhcp_expected.py dhcp4 %s ",
		       h);
	snprintf(cmd + off, sizeof(cmd) - (size_t)off,
		 "'{\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"server_mac\":\"02:4e:4c:52:00:01\","
		 "\"ip\":\"%s\",\"plen\":%u,\"router\":\"%s\",\"lease\":%u,\"mtu\":%u,\"dns\":[%s],"
		 "\"domain\":\"%s\"}'",
		 c->client_mac[0], c->client_mac[1], c->client_mac[2], c->client_mac[3],
		 c->client_mac[4], c->client_mac[5], ip, c->prefix_len, rt, c->lease_s, c->mtu, dns,
		 c->domain);
	free(h);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(line, sizeof(line), p), "dhcp_expected.py printed nothing");
	cr_assert_eq(pclose(p), 0, "dhcp_expected.py failed (python3-scapy installed?)");
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

/* our answer to @r equals scapy's, byte for byte; returns the answer type */
static int check(const struct req *r, const struct nl_dhcp4_cfg *c)
{
	__u8 f[600], out[NL_DHCP4_FRAME_MAX];
	size_t n = build_req(r, f);
	struct nl_dhcp4_msg m;
	char *want = expected(f, n, c), *got;
	int type, len;

	cr_assert_eq(nl_dhcp4_parse(f, n, &m), 0);
	cr_assert_eq(m.type, r->type);
	type = nl_dhcp4_answer(&m, c);
	if (!type) {
		cr_assert_str_eq(want, "none", "we are silent, scapy answers %s", want);
		free(want);
		return 0;
	}
	len = nl_dhcp4_build(&m, c, type, out, sizeof(out));
	cr_assert_gt(len, 0);
	got = tohex(out, (size_t)len);
	cr_assert_str_eq(got, want, "answer %d differs:\n ours  %s\n scapy %s", type, got, want);
	free(got);
	free(want);
	return type;
}

Test(dhcp4, discover_offer_broadcast_and_unicast)
{
	struct nl_dhcp4_cfg c = vif_cfg();
	struct req r = {.type = NL_DHCP4_DISCOVER, .flags = 0x8000, .xid = 0x11223344};

	cr_assert_eq(check(&r, &c), NL_DHCP4_OFFER);
	r.flags = 0;
	cr_assert_eq(check(&r, &c), NL_DHCP4_OFFER);
}

Test(dhcp4, offer_with_dns_domain_and_no_mtu)
{
	struct nl_dhcp4_cfg c = vif_cfg();
	struct req r = {.type = NL_DHCP4_DISCOVER, .xid = 7};

	c.ndns = 2;
	c.dns[0] = a4("10.1.0.53");
	c.dns[1] = a4("192.0.2.53");
	snprintf(c.domain, sizeof(c.domain), "tenant.example");
	cr_assert_eq(check(&r, &c), NL_DHCP4_OFFER);
	c.mtu = 0;
	c.prefix_len = 16;
	c.lease_s = 86401; /* T2 rounds down */
	cr_assert_eq(check(&r, &c), NL_DHCP4_OFFER);
}

Test(dhcp4, request_selecting_ack_nak_and_other_server)
{
	struct nl_dhcp4_cfg c = vif_cfg();
	struct req r = {
		.type = NL_DHCP4_REQUEST, .xid = 42, .req_ip = "10.1.0.5", .server_id = "10.1.0.1"};

	cr_assert_eq(check(&r, &c), NL_DHCP4_ACK);
	r.req_ip = "10.1.0.6"; /* another VM's address */
	cr_assert_eq(check(&r, &c), NL_DHCP4_NAK);
	r.req_ip = "10.1.0.5";
	r.server_id = "10.9.9.9"; /* the client chose another server */
	cr_assert_eq(check(&r, &c), 0);
}

Test(dhcp4, request_init_reboot_renew_rebind)
{
	struct nl_dhcp4_cfg c = vif_cfg();
	struct req r = {.type = NL_DHCP4_REQUEST, .xid = 43, .req_ip = "10.1.0.5"};

	cr_assert_eq(check(&r, &c), NL_DHCP4_ACK); /* INIT-REBOOT */
	r.req_ip = "192.168.7.7";		   /* moved from another network */
	cr_assert_eq(check(&r, &c), NL_DHCP4_NAK);
	r.req_ip = NULL;
	r.ciaddr = "10.1.0.5"; /* RENEWING: unicast to ciaddr */
	cr_assert_eq(check(&r, &c), NL_DHCP4_ACK);
	r.flags = 0x8000; /* REBINDING with the broadcast bit: still to ciaddr */
	cr_assert_eq(check(&r, &c), NL_DHCP4_ACK);
	r.ciaddr = "10.1.0.77";
	cr_assert_eq(check(&r, &c), NL_DHCP4_NAK);
	r.ciaddr = NULL; /* neither: malformed, silence */
	cr_assert_eq(check(&r, &c), 0);
}

Test(dhcp4, inform_release_decline)
{
	struct nl_dhcp4_cfg c = vif_cfg();
	struct req r = {.type = NL_DHCP4_INFORM, .xid = 44, .ciaddr = "10.1.0.5"};

	cr_assert_eq(check(&r, &c), NL_DHCP4_ACK); /* no yiaddr, no lease */
	r.ciaddr = "10.1.0.9";
	cr_assert_eq(check(&r, &c), 0);
	r.type = NL_DHCP4_RELEASE;
	r.ciaddr = "10.1.0.5";
	cr_assert_eq(check(&r, &c), 0);
	r.type = NL_DHCP4_DECLINE;
	r.req_ip = "10.1.0.5";
	cr_assert_eq(check(&r, &c), 0);
}

Test(dhcp4, silence_for_other_mac_no_address_no_router)
{
	static const __u8 other[6] = {0x52, 0x54, 0, 0, 0, 9};
	struct nl_dhcp4_cfg c = vif_cfg();
	struct req r = {.type = NL_DHCP4_DISCOVER, .xid = 45, .chaddr = other};

	cr_assert_eq(check(&r, &c), 0); /* chaddr not the VIF's */
	r.chaddr = NULL;
	c.ip = 0; /* L2-only VIF */
	cr_assert_eq(check(&r, &c), 0);
	c = vif_cfg();
	c.router = c.server_id = 0;
	cr_assert_eq(check(&r, &c), 0);
}

Test(dhcp4, truncations_and_bad_options_refused)
{
	struct req r = {.type = NL_DHCP4_REQUEST, .xid = 46, .req_ip = "10.1.0.5"};
	__u8 f[600], *o;
	struct nl_dhcp4_msg m;
	size_t n = build_req(&r, f), cut;

	/* every cut inside the fixed part or the options we need is refused */
	for (cut = 0; cut < 14 + 20 + 8 + 240 + 9; cut++) {
		__u8 *copy = malloc(cut ? cut : 1);

		memcpy(copy, f, cut);
		cr_assert_neq(nl_dhcp4_parse(copy, cut, &m), 0, "cut at %zu parsed", cut);
		free(copy);
	}
	cr_assert_eq(nl_dhcp4_parse(f, n, &m), 0);
	o = f + 14 + 20 + 8 + 240;
	o[1] = 2; /* message type of length 2 */
	cr_assert_eq(nl_dhcp4_parse(f, n, &m), -EINVAL);
	o[1] = 1;
	o[4] = 200; /* requested address running past the end */
	cr_assert_eq(nl_dhcp4_parse(f, n, &m), -EINVAL);
	o[4] = 4;
	o[2] = 9; /* no such message type */
	cr_assert_eq(nl_dhcp4_parse(f, n, &m), -EINVAL);
	o[2] = NL_DHCP4_REQUEST;
	f[14 + 20 + 8] = 2; /* a BOOTREPLY from a VM */
	cr_assert_eq(nl_dhcp4_parse(f, n, &m), -EINVAL);
	f[14 + 20 + 8] = 1;
	f[14 + 20 + 8 + 2] = 16; /* hlen 16: not Ethernet */
	cr_assert_eq(nl_dhcp4_parse(f, n, &m), -EINVAL);
	f[14 + 20 + 8 + 2] = 6;
	f[14 + 6] = 0x20; /* a fragment */
	cr_assert_eq(nl_dhcp4_parse(f, n, &m), -EINVAL);
}

/* ---- router advertisements and solicitations ------------------------------------------ */

static char *run_script(const char *args)
{
	char cmd[4096], line[4096];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/unit/dhcp_expected.py %s", args);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(line, sizeof(line), p), "dhcp_expected.py printed nothing");
	cr_assert_eq(pclose(p), 0, "dhcp_expected.py failed (python3-scapy installed?)");
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

static void check_ra(const struct nl_ra_cfg *c, const char *json)
{
	__u8 out[NL_RA_FRAME_MAX];
	char args[2048], *want, *got;
	int len = nl_ra_build(c, out, sizeof(out));

	cr_assert_gt(len, 0);
	snprintf(args, sizeof(args), "ra '%s'", json);
	want = run_script(args);
	got = tohex(out, (size_t)len);
	cr_assert_str_eq(got, want, "RA differs:\n ours  %s\n scapy %s", got, want);
	free(got);
	free(want);
}

static struct nl_ra_cfg ra_cfg(void)
{
	static const __u8 mc[6] = {0x33, 0x33, 0, 0, 0, 1};
	struct nl_ra_cfg c = {.lifetime_s = 1800, .mtu = 1466, .nprefix = 1};

	memcpy(c.src_mac, rt_mac, 6);
	nl_ctl_link_local(rt_mac, c.src);
	memcpy(c.dst_mac, mc, 6);
	inet_pton(AF_INET6, "ff02::1", c.dst);
	inet_pton(AF_INET6, "fd00:1::", c.prefix[0].addr);
	c.prefix[0].plen = 64;
	return c;
}

Test(ra, router_link_local_is_modified_eui64)
{
	__u8 ll[16], want[16];

	nl_ctl_link_local(rt_mac, ll);
	inet_pton(AF_INET6, "fe80::4e:4cff:fe52:1", want);
	cr_assert_arr_eq(ll, want, 16);
}

Test(ra, slaac_multicast_with_rdnss)
{
	struct nl_ra_cfg c = ra_cfg();

	c.ndns = 1;
	inet_pton(AF_INET6, "fd00:1::53", c.dns[0]);
	check_ra(&c, "{\"src_mac\":\"02:4e:4c:52:00:01\",\"src\":\"fe80::4e:4cff:fe52:1\","
		     "\"dst_mac\":\"33:33:00:00:00:01\",\"dst\":\"ff02::1\",\"managed\":false,"
		     "\"lifetime\":1800,\"mtu\":1466,\"prefixes\":[[\"fd00:1::\",64]],"
		     "\"dns\":[\"fd00:1::53\"]}");
}

Test(ra, managed_unicast_two_prefixes_no_router_no_mtu)
{
	struct nl_ra_cfg c = ra_cfg();

	c.managed = true;
	c.lifetime_s = 0;
	c.mtu = 0;
	memcpy(c.dst_mac, vm_mac, 6);
	inet_pton(AF_INET6, "fe80::5054:ff:fe12:3456", c.dst);
	c.nprefix = 2;
	inet_pton(AF_INET6, "2001:db8:7::", c.prefix[1].addr);
	c.prefix[1].plen = 48;
	c.ndns = 2;
	inet_pton(AF_INET6, "fd00:1::53", c.dns[0]);
	inet_pton(AF_INET6, "2001:db8::53", c.dns[1]);
	check_ra(&c, "{\"src_mac\":\"02:4e:4c:52:00:01\",\"src\":\"fe80::4e:4cff:fe52:1\","
		     "\"dst_mac\":\"52:54:00:12:34:56\",\"dst\":\"fe80::5054:ff:fe12:3456\","
		     "\"managed\":true,\"lifetime\":0,\"mtu\":0,"
		     "\"prefixes\":[[\"fd00:1::\",64],[\"2001:db8:7::\",48]],"
		     "\"dns\":[\"fd00:1::53\",\"2001:db8::53\"]}");
}

/* SLAAC is offered only for a prefix where it yields the VIF's own address */
Test(ra, prefix_on_link_only_when_slaac_would_not_give_the_vif_address)
{
	static const __u8 mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	struct nl_ra_cfg c = ra_cfg();
	__u8 a[16];

	inet_pton(AF_INET6, "fd00:1::5054:ff:fe12:3456", a);
	cr_assert(nl_ip6_is_slaac_of(a, 64, mac));
	cr_assert_not(nl_ip6_is_slaac_of(a, 56, mac), "SLAAC needs a /64");
	inet_pton(AF_INET6, "fd00:1::5254:ff:fe12:3456", a); /* U/L bit not flipped */
	cr_assert_not(nl_ip6_is_slaac_of(a, 64, mac));
	inet_pton(AF_INET6, "fd00:1::1", a);
	cr_assert_not(nl_ip6_is_slaac_of(a, 64, mac));

	c.managed = true; /* what ra_sender sets when a prefix is on-link only */
	c.prefix[0].no_auto = true;
	check_ra(&c, "{\"src_mac\":\"02:4e:4c:52:00:01\",\"src\":\"fe80::4e:4cff:fe52:1\","
		     "\"dst_mac\":\"33:33:00:00:00:01\",\"dst\":\"ff02::1\",\"managed\":true,"
		     "\"lifetime\":1800,\"mtu\":1466,\"prefixes\":[[\"fd00:1::\",64,true]],"
		     "\"dns\":[]}");
	c.managed = false; /* the flag alone clears A */
	check_ra(&c, "{\"src_mac\":\"02:4e:4c:52:00:01\",\"src\":\"fe80::4e:4cff:fe52:1\","
		     "\"dst_mac\":\"33:33:00:00:00:01\",\"dst\":\"ff02::1\",\"managed\":false,"
		     "\"lifetime\":1800,\"mtu\":1466,\"prefixes\":[[\"fd00:1::\",64,true]],"
		     "\"dns\":[]}");
}

static int rs_of(const char *kind, struct nl_rs *rs)
{
	char args[64], *h;
	__u8 f[256];
	size_t n;
	int rc;

	snprintf(args, sizeof(args), "rs %s", kind);
	h = run_script(args);
	n = strlen(h) / 2;
	cr_assert_leq(n, sizeof(f));
	for (size_t i = 0; i < n; i++)
		sscanf(h + 2 * i, "%2hhx", &f[i]);
	free(h);
	rc = nl_rs_parse(f, n, rs);
	/* no prefix of a valid solicitation parses (nothing read past the end) */
	for (size_t cut = 0; !rc && cut < n; cut++) {
		struct nl_rs tmp;
		__u8 *copy = malloc(cut ? cut : 1);

		memcpy(copy, f, cut);
		cr_assert_neq(nl_rs_parse(copy, cut, &tmp), 0, "%s cut at %zu parsed", kind, cut);
		free(copy);
	}
	return rc;
}

Test(ra, solicitations_checked_as_rfc4861_says)
{
	struct nl_rs rs;
	__u8 want[16];

	cr_assert_eq(rs_of("ok", &rs), 0);
	inet_pton(AF_INET6, "fe80::5054:ff:fe12:3456", want);
	cr_assert_arr_eq(rs.src, want, 16);
	cr_assert_arr_eq(rs.src_mac, vm_mac, 6);
	cr_assert_eq(rs_of("ok-slla", &rs), 0);
	cr_assert_eq(rs_of("any", &rs), 0);
	cr_assert_eq(rs_of("any-slla", &rs), -EINVAL, "SLLA from :: (6.1.1)");
	cr_assert_eq(rs_of("hlim254", &rs), -EINVAL);
	cr_assert_eq(rs_of("badsum", &rs), -EINVAL);
	cr_assert_eq(rs_of("zero-opt", &rs), -EINVAL);
	cr_assert_eq(rs_of("code1", &rs), -EINVAL);
}

/* ---- DHCPv6 ------------------------------------------------------------------------- */

static const __u8 uplink_mac[6] = {0x02, 0xaa, 0, 0, 0, 1};

static struct nl_dhcp6_cfg dhcp6_cfg(bool managed)
{
	struct nl_dhcp6_cfg c = {.has_addr = managed, .lifetime_s = 3600, .ndns = 1};

	memcpy(c.client_mac, vm_mac, 6);
	memcpy(c.server_mac, rt_mac, 6);
	nl_ctl_link_local(rt_mac, c.server_ll);
	c.duid_len = nl_dhcp6_duid_ll(uplink_mac, c.duid);
	inet_pton(AF_INET6, "fd00:2::16", c.addr);
	inet_pton(AF_INET6, "fd00:2::53", c.dns[0]);
	return c;
}

static __u8 *unhex(const char *h, size_t *n)
{
	__u8 *b;

	*n = strlen(h) / 2;
	b = malloc(*n ? *n : 1);
	for (size_t i = 0; i < *n; i++)
		sscanf(h + 2 * i, "%2hhx", &b[i]);
	return b;
}

/* scapy's client message @kind and its expected answer; ours must match */
static int check6(const char *kind, bool managed)
{
	struct nl_dhcp6_cfg c = dhcp6_cfg(managed);
	char args[1024], *line, *sp, *got;
	__u8 out[NL_DHCP6_FRAME_MAX], *req;
	struct nl_dhcp6_msg m;
	size_t n;
	int type, len;

	snprintf(args, sizeof(args),
		 "dhcp6 %s '{\"vm_mac\":\"52:54:00:12:34:56\",\"server_mac\":"
		 "\"02:4e:4c:52:00:01\",\"server_ll\":\"fe80::4e:4cff:fe52:1\","
		 "\"server_duid_mac\":\"02:aa:00:00:00:01\",\"addr\":%s,\"lifetime\":3600,"
		 "\"dns\":[\"fd00:2::53\"]}'",
		 kind, managed ? "\"fd00:2::16\"" : "null");
	line = run_script(args);
	sp = strchr(line, ' ');
	cr_assert_not_null(sp);
	*sp++ = '\0';
	req = unhex(line, &n);
	cr_assert_eq(nl_dhcp6_parse(req, n, &m), 0, "%s did not parse", kind);
	/* no prefix of it parses past its end */
	for (size_t cut = 0; cut < n; cut++) {
		struct nl_dhcp6_msg tmp;
		__u8 *copy = malloc(cut ? cut : 1);

		memcpy(copy, req, cut);
		nl_dhcp6_parse(copy, cut, &tmp);
		free(copy);
	}
	free(req);
	type = nl_dhcp6_answer(&m, &c);
	if (!type) {
		cr_assert_str_eq(sp, "none", "%s: we are silent, scapy answers %s", kind, sp);
		free(line);
		return 0;
	}
	len = nl_dhcp6_build(&m, &c, type, out, sizeof(out));
	cr_assert_gt(len, 0);
	got = tohex(out, (size_t)len);
	cr_assert_str_eq(got, sp, "%s: answer differs:\n ours  %s\n scapy %s", kind, got, sp);
	free(got);
	free(line);
	return type;
}

Test(dhcp6, solicit_advertise_and_rapid_commit)
{
	cr_assert_eq(check6("solicit", true), NL_DHCP6_ADVERTISE);
	cr_assert_eq(check6("solicit-rapid", true), NL_DHCP6_REPLY);
	cr_assert_eq(check6("solicit-noclientid", true), 0);
	cr_assert_eq(check6("solicit", false), 0, "no managed address: no Advertise");
}

Test(dhcp6, request_renew_rebind_release)
{
	cr_assert_eq(check6("request", true), NL_DHCP6_REPLY);
	cr_assert_eq(check6("request-other", true), 0, "another server's Request");
	cr_assert_eq(check6("renew", true), NL_DHCP6_REPLY);
	cr_assert_eq(check6("rebind", true), NL_DHCP6_REPLY);
	cr_assert_eq(check6("rebind-serverid", true), 0, "Rebind carries no Server ID");
	cr_assert_eq(check6("release", true), NL_DHCP6_REPLY);
	cr_assert_eq(check6("confirm", true), 0);
}

Test(dhcp6, information_request_in_both_modes)
{
	cr_assert_eq(check6("inform", true), NL_DHCP6_REPLY);
	cr_assert_eq(check6("inform", false), NL_DHCP6_REPLY, "stateless DNS for SLAAC subnets");
}

/* ---- per-subnet settings ([subnet ...] sections) ------------------------------------ */

static const char *write_conf(const char *text)
{
	static char path[] = "/tmp/nl-dhcp-conf-XXXXXX";
	int fd;

	snprintf(path, sizeof(path), "/tmp/nl-dhcp-conf-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(subnets, sections_lookup_and_defaults)
{
	const char *p = write_conf("encap = udp\n"
				   "[subnet 10.1.0.0/16]\ndns = 10.1.0.53\nlease = 600\n"
				   "[subnet 10.1.2.0/24]\ndns = 10.1.2.53, 10.1.2.54\n"
				   "domain = t.example\n"
				   "[subnet 10.1.2.0/24 tenant 7]\nlease = 120\n"
				   "[subnet fd00:1::/64]\nmode = managed\ndns = fd00:1::53\n");
	struct na_subnets *t = calloc(1, sizeof(*t));
	struct na_subnet_cfg c;
	struct na_settings s;
	char err[512];
	__be32 a;
	__u8 a6[16];

	cr_assert_eq(na_config_parse(p, "eth0", &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(na_config_subnets(p, t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t->n, 4);
	a = a4("10.1.2.9");
	na_subnet_lookup(t, NULL, 5, AF_INET, &a, &c);
	cr_assert_eq(c.ndns, 2);
	cr_assert_eq(c.lease_s, NA_LEASE_DEFAULT, "the /24 section has no lease: default");
	cr_assert_str_eq(c.domain, "t.example");
	na_subnet_lookup(t, NULL, 7, AF_INET, &a, &c);
	cr_assert_eq(c.lease_s, 120, "tenant 7's own section wins");
	a = a4("10.1.9.9");
	na_subnet_lookup(t, NULL, 5, AF_INET, &a, &c);
	cr_assert_eq(c.lease_s, 600);
	cr_assert_eq(c.ndns, 1);
	a = a4("192.168.0.1");
	na_subnet_lookup(t, NULL, 5, AF_INET, &a, &c);
	cr_assert_eq(c.lease_s, NA_LEASE_DEFAULT);
	cr_assert_eq(c.ndns, 0);
	inet_pton(AF_INET6, "fd00:1::5", a6);
	na_subnet_lookup(t, NULL, 5, AF_INET6, a6, &c);
	cr_assert_eq(c.mode, NA_RA_MANAGED);
	cr_assert_eq(c.ndns, 1);
	inet_pton(AF_INET6, "fd00:2::5", a6);
	na_subnet_lookup(t, NULL, 5, AF_INET6, a6, &c);
	cr_assert_eq(c.mode, NA_RA_SLAAC);
	unlink(p);
	free(t);
}

Test(subnets, bad_lines_named)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"[subnet 10.1.0.0/24]\ndns = 10.1.0.999\n", ":2: [subnet 10.1.0.0/24] key 'dns'"},
		{"[subnet 10.1.0.0/24]\nlease = 5\n", ":2: [subnet 10.1.0.0/24] key 'lease'"},
		{"\n[subnet 10.1.0.1/24]\nlease = 600\n", ":3: [subnet 10.1.0.1/24] subnet"},
		{"[subnet 10.1.0.0/24]\nmode = slaac\n", "unknown key 'mode' in an IPv4"},
		{"[subnet fd00::/64]\ndns = 10.0.0.1\n", "not an IPv6 address"},
		{"[subnet fd00::/64]\nmode = stateful\n", "is not slaac or managed"},
		{"[subnet 10.0.0.0/8 tenant x]\nlease = 600\n", "PREFIX tenant N"},
		{"[subnet 10.1.0.0/24]\ndns = 1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5\n",
		 "more than 4"},
		{"[subnet 10.1.0.0/24]\ndomain = bad domain!\n", "key 'domain'"},
	};
	struct na_settings s;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = write_conf(bad[i].text);

		cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), -EINVAL, "%s",
			     bad[i].text);
		cr_assert_not_null(strstr(err, bad[i].want), "'%s' lacks '%s'", err, bad[i].want);
		unlink(p);
	}
}

/*
 * The precedence (docs/dhcp.md): a [subnet] section of the local
 * configuration, else the tenants file's subnet holding the address (its
 * lease, dns, domain, mode), else the defaults.
 */
Test(subnets, local_section_then_tenants_file_then_defaults)
{
	static const char tf[] =
		"tenant 5\n"
		"subnet 10.1.0.0/16 router 10.1.0.1 dns 10.1.0.99 lease 3600 domain f.example\n"
		"subnet 10.2.0.0/24 router 10.2.0.1 dns 10.2.0.53,10.2.0.54 lease 7200 "
		"domain t5.example\n"
		"subnet fd00:5::/64 router fd00:5::1 mode managed dns fd00:5::53 lease 900\n"
		"tenant 6\n"
		"subnet 10.3.0.0/24 router 10.3.0.1 lease 300\n";
	const char *p = write_conf("[subnet 10.1.0.0/16]\ndns = 10.1.0.53\nlease = 600\n");
	struct na_subnets *t = calloc(1, sizeof(*t));
	const struct nl_tenant *t5;
	struct nl_tenants file;
	struct na_subnet_cfg c;
	char err[512];
	__be32 a;
	__u8 a6[16];

	cr_assert_eq(na_config_subnets(p, t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(nl_tenants_parse(tf, sizeof(tf) - 1, "tf", &file, err, sizeof(err)), 0, "%s",
		     err);
	t5 = nl_tenants_find(&file, 5);
	/* 1. the operator's section wins over the file's subnet */
	a = a4("10.1.2.9");
	cr_assert_eq(na_subnet_lookup(t, t5, 5, AF_INET, &a, &c), NA_SUBNET_LOCAL);
	cr_assert_eq(c.lease_s, 600);
	cr_assert_eq(c.ndns, 1);
	cr_assert_str_eq(c.domain, "", "a section's settings, not merged with the file's");
	/* 2. no section: the tenants file's subnet */
	a = a4("10.2.0.7");
	cr_assert_eq(na_subnet_lookup(t, t5, 5, AF_INET, &a, &c), NA_SUBNET_FILE);
	cr_assert_eq(c.lease_s, 7200);
	cr_assert_eq(c.ndns, 2);
	cr_assert_eq(memcmp(c.dns[1], "\x0a\x02\x00\x36", 4), 0);
	cr_assert_str_eq(c.domain, "t5.example");
	inet_pton(AF_INET6, "fd00:5::7", a6);
	cr_assert_eq(na_subnet_lookup(t, t5, 5, AF_INET6, a6, &c), NA_SUBNET_FILE);
	cr_assert_eq(c.mode, NA_RA_MANAGED);
	cr_assert_eq(c.lease_s, 900);
	cr_assert_eq(c.ndns, 1);
	/* 3. neither (an address outside the tenant's subnets, or no file) */
	a = a4("10.3.0.7");
	cr_assert_eq(na_subnet_lookup(t, t5, 5, AF_INET, &a, &c), NA_SUBNET_DEFAULTS,
		     "tenant 6's subnet is not tenant 5's");
	cr_assert_eq(c.lease_s, NA_LEASE_DEFAULT);
	a = a4("10.2.0.7");
	cr_assert_eq(na_subnet_lookup(t, NULL, 5, AF_INET, &a, &c), NA_SUBNET_DEFAULTS);
	cr_assert_eq(c.ndns, 0);
	nl_tenants_free(&file);
	unlink(p);
	free(t);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Criterion tests of na-loader's pure parts: argument parsers, the WHERE
 * rate limiter and scan guard, the VLAN failover state machine, the control
 * request check. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <criterion/criterion.h>

#include "ctl_proto.h"
#include "parse.h"
#include "probe.h"
#include "ratelimit.h"
#include "scan_guard.h"

Test(args, mac)
{
	__u8 m[6];

	cr_assert_eq(nl_parse_mac("52:54:00:AA:00:01", m), 0);
	cr_assert_eq(m[3], 0xaa);
	cr_assert_neq(nl_parse_mac("01:00:5e:00:00:01", m), 0, "multicast accepted");
	cr_assert_neq(nl_parse_mac("00:00:00:00:00:00", m), 0, "zero accepted");
	cr_assert_neq(nl_parse_mac("52:54:00:aa:00", m), 0);
	cr_assert_neq(nl_parse_mac("52:54:00:aa:00:0g", m), 0);
	cr_assert_neq(nl_parse_mac("52-54-00-aa-00-01", m), 0);
	cr_assert_neq(nl_parse_mac(NULL, m), 0);
}

Test(args, u32)
{
	__u32 v;

	cr_assert_eq(nl_parse_u32("65534", 2, 65534, &v), 0);
	cr_assert_eq(v, 65534);
	cr_assert_neq(nl_parse_u32("65535", 2, 65534, &v), 0);
	cr_assert_neq(nl_parse_u32("1", 2, 65534, &v), 0);
	cr_assert_neq(nl_parse_u32("-3", 0, 10, &v), 0);
	cr_assert_neq(nl_parse_u32("", 0, 10, &v), 0);
	cr_assert_neq(nl_parse_u32("12a", 0, 100, &v), 0);
	cr_assert_neq(nl_parse_u32("99999999999", 0, 0xffffffffU, &v), 0);
}

Test(args, prefix)
{
	__be32 ip;
	__u8 len;

	cr_assert_eq(nl_parse_prefix("192.168.1.7/24", &ip, &len), 0);
	cr_assert_eq(ip, htonl(0xc0a80107));
	cr_assert_eq(len, 24);
	cr_assert_neq(nl_parse_prefix("192.168.1.7", &ip, &len), 0);
	cr_assert_neq(nl_parse_prefix("192.168.1.7/33", &ip, &len), 0);
	cr_assert_neq(nl_parse_prefix("192.168.1.7/0", &ip, &len), 0);
	cr_assert_neq(nl_parse_prefix("192.168.1/24", &ip, &len), 0);
	cr_assert_neq(nl_parse_prefix("a.b.c.d/24", &ip, &len), 0);
}

Test(ratelimit, one_per_second_per_key)
{
	struct nl_ratelimit *rl = nl_rl_new(64, 1.0, 2.0);
	int a = 1, b = 2, allowed = 0;

	cr_assert_not_null(rl);
	/* burst of 2, then nothing within the same second */
	cr_assert(nl_rl_allow(rl, &a, sizeof(a), 1000));
	cr_assert(nl_rl_allow(rl, &a, sizeof(a), 1000));
	cr_assert_not(nl_rl_allow(rl, &a, sizeof(a), 1001));
	/* another key has its own bucket */
	cr_assert(nl_rl_allow(rl, &b, sizeof(b), 1001));
	/* refills at 1/s */
	cr_assert_not(nl_rl_allow(rl, &a, sizeof(a), 1500));
	cr_assert(nl_rl_allow(rl, &a, sizeof(a), 2001));
	/* a scan: 1000 tries in 10 s give at most burst + 10 */
	for (int t = 0; t < 1000; t++)
		allowed += nl_rl_allow(rl, &b, sizeof(b), 10000 + t * 10);
	cr_assert_leq(allowed, 12, "allowed %d", allowed);
	cr_assert_geq(allowed, 10, "allowed %d", allowed);
	nl_rl_free(rl);
	cr_assert_null(nl_rl_new(0, 1, 1));
}

/* An address scan: every miss is a new destination, so only the scan guard
 * bounds it, per scanning VIF and for the whole agent */
Test(ratelimit, scan_guard_bounds_a_scanning_vif)
{
	struct na_scan_guard g;
	int scanner = 0, other = 0;

	cr_assert_eq(na_scan_guard_init(&g), 0);
	/* VIF 7 misses 10,000 distinct addresses within one second */
	for (int i = 0; i < 10000; i++)
		scanner += na_scan_guard_allow(&g, 7, 5000 + i / 10);
	cr_assert_leq(scanner, NA_SCAN_VIF_BURST + NA_SCAN_VIF_RATE + 1, "allowed %d", scanner);
	cr_assert_geq(scanner, NA_SCAN_VIF_BURST, "allowed %d", scanner);
	/* a well-behaved VIF on the same agent still gets its WHEREs out */
	for (int i = 0; i < 5; i++)
		other += na_scan_guard_allow(&g, 8, 6000);
	cr_assert_eq(other, 5);
	na_scan_guard_free(&g);
}

Test(ratelimit, scan_guard_global_cap)
{
	struct na_scan_guard g;
	int allowed = 0;

	cr_assert_eq(na_scan_guard_init(&g), 0);
	/* 100 VIFs scanning at once, all within one millisecond: the agent's cap */
	for (__u32 vif = 1; vif <= 100; vif++)
		for (int i = 0; i < 100; i++)
			allowed += na_scan_guard_allow(&g, vif, 1000);
	cr_assert_eq(allowed, (int)NA_SCAN_ALL_BURST, "allowed %d", allowed);
	na_scan_guard_free(&g);
}

static struct na_probe_row two_vlans(void)
{
	struct na_probe_row r = {.peer_port = 5, .cfg = {.count = 2, .vlans = {10, 11}}};

	r.v[0].alive = r.v[1].alive = true;
	return r;
}

/* simulate one second: a probe goes out on every VLAN */
static bool second(struct na_probe_row *r, __u64 *nonce)
{
	bool died = na_probe_row_tick(r);

	for (int i = 0; i < 2; i++) {
		r->v[i].outstanding = true;
		r->v[i].nonce = ++*nonce;
	}
	return died;
}

Test(probe, silent_vlan_dropped_after_three_misses_and_back_on_answer)
{
	struct na_probe_row r = two_vlans();
	struct nl_vlan_set eff;
	__u64 nonce = 0;
	int t;

	for (t = 0; t < 3; t++) {
		cr_assert_not(second(&r, &nonce), "died too early at %d", t);
		/* VLAN 10 answers, 11 stays silent */
		cr_assert_not(na_probe_row_answer(&r, 10, r.v[0].nonce));
	}
	cr_assert(second(&r, &nonce), "3 misses must drop VLAN 11");
	na_probe_effective(&r, &eff);
	cr_assert_eq(eff.count, 1);
	cr_assert_eq(eff.vlans[0], 10);
	/* a stale answer (old nonce) does not revive it, the current one does */
	cr_assert_not(na_probe_row_answer(&r, 11, r.v[1].nonce - 2));
	cr_assert(na_probe_row_answer(&r, 11, r.v[1].nonce));
	na_probe_effective(&r, &eff);
	cr_assert_eq(eff.count, 2);
}

Test(probe, all_silent_keeps_configured_set_and_forgets_peer)
{
	struct na_probe_row r = two_vlans();
	struct nl_vlan_set eff;
	__u64 nonce = 0;

	for (int t = 0; t < 4; t++)
		second(&r, &nonce);
	na_probe_effective(&r, &eff);
	cr_assert_eq(eff.count, 2, "no answer at all: use every configured VLAN");
	for (int t = 0; t < NA_PROBE_FORGET_TICKS; t++)
		second(&r, &nonce);
	cr_assert_eq(r.peer_port, 0, "a peer silent on every path is forgotten");
}

static struct na_request vif_add_request(void)
{
	struct na_request r = {.magic = NA_REQ_MAGIC, .verb = NA_REQ_VIF_ADD};

	snprintf(r.ifname, sizeof(r.ifname), "vnet3");
	r.vif.tenant = 3097;
	r.vif.mac_as = 1;
	memcpy(r.vif.mac, "\x52\x54\x00\x00\x00\x01", 6);
	return r;
}

Test(ctl_proto, checks_what_both_ends_rely_on)
{
	struct na_request r = vif_add_request();
	char err[128];

	cr_assert_eq(na_request_check(&r, err, sizeof(err)), 0);
	r.magic = 0;
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL, "wrong magic accepted");
	r = vif_add_request();
	memset(r.ifname, 'x', sizeof(r.ifname));
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL, "unterminated ifname");
	r = vif_add_request();
	r.vif.tenant = 1;
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL, "tenant 1 accepted");
	r = vif_add_request();
	r.vif.mac[0] = 0x01;
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL, "multicast MAC accepted");
	r = vif_add_request();
	r.vif.router_ip = 1;
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL, "router without an IP");
	r = vif_add_request();
	r.verb = NA_REQ_MAX;
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL, "unknown verb accepted");
	r = vif_add_request();
	r.flags = 0x80;
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), -EINVAL, "unknown flag accepted");
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Criterion tests of the NL-ARP ordering rules (user/lib/nart_rules.c) and
 * of the one application path, nart_apply() on the production store over
 * real BPF arrays (tests/lib/nart_maps.c).  The table `cases` is the case
 * table of docs/nlarp-ordering.md, one row per case.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cnart.h"
#include "util.h"
#include "nart_apply.h"
#include "nart_maps.h"
#include "nart_tomb.h"

static const __u8 swa[6] = {0x0c, 0x42, 0xa1, 0x00, 0x00, 0x07};
static const __u8 swb[6] = {0x0c, 0x42, 0xa1, 0x00, 0x00, 0x09}; /* > swa */
static const __u8 vm1[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static struct nlarp_fields msg(int op, const __u8 *sw, __u16 port, __u64 version)
{
	struct nlarp_fields m = {
		.version = NLARP_VERSION,
		.op = (__u8)op,
		.tenant = 100,
		.mac_as = 1,
		.port = port,
		.loc_version = version,
		.sender_port = port,
	};

	memcpy(m.mac, vm1, 6);
	memcpy(m.switch_mac, sw, 6);
	memcpy(m.sender_switch_mac, sw, 6);
	return m;
}

static struct nart_entry entry(const __u8 *sw, __u16 port, __u64 version)
{
	struct nart_entry e = {.loc.port = port, .version = version};

	memcpy(e.loc.switch_mac, sw, 6);
	return e;
}

#define assert_decision(d, act, rsn, contra)                                                      \
	do {                                                                                      \
		struct nart_decision d_ = (d);                                                    \
		cr_assert_eq(d_.action, (act), "action %s, want %s", nart_action_name(d_.action), \
			     nart_action_name(act));                                              \
		cr_assert_eq(d_.reason, (rsn), "reason %s, want %s", nart_reason_name(d_.reason), \
			     nart_reason_name(rsn));                                              \
		cr_assert_eq(d_.contradictory, (contra));                                         \
	} while (0)

Test(decide, here)
{
	struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 100);
	struct nart_entry e;

	assert_decision(nart_decide(NULL, NULL, NULL, &m), NART_INSERT, NART_R_NEW, false);
	e = entry(swb, 3, 99);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_UPDATE, NART_R_NEWER, false);
	e = entry(swa, 7, 99);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_UPDATE, NART_R_NEWER, false);
	e = entry(swb, 3, 101);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_IGNORE, NART_R_STALE, false);
	e = entry(swa, 7, 100);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_IGNORE, NART_R_DUPLICATE, false);
}

Test(decide, equal_version_tie_break)
{
	struct nlarp_fields ma = msg(NLARP_HERE, swa, 7, 100);
	struct nlarp_fields mb = msg(NLARP_HERE, swb, 2, 100);
	struct nlarp_fields ma8 = msg(NLARP_HERE, swa, 8, 100);
	struct nart_entry ea = entry(swa, 7, 100), eb = entry(swb, 2, 100);

	/* the larger switch MAC wins, whatever the port */
	assert_decision(nart_decide(&ea, NULL, NULL, &mb), NART_UPDATE, NART_R_TIE_WON, true);
	assert_decision(nart_decide(&eb, NULL, NULL, &ma), NART_IGNORE, NART_R_TIE_LOST, true);
	/* same switch: the larger port wins */
	assert_decision(nart_decide(&ea, NULL, NULL, &ma8), NART_UPDATE, NART_R_TIE_WON, true);
	ea = entry(swa, 8, 100);
	assert_decision(nart_decide(&ea, NULL, NULL, &ma), NART_IGNORE, NART_R_TIE_LOST, true);
}

Test(decide, gone)
{
	struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 100);
	struct nart_entry e;

	m.flags = NLARP_F_GONE;
	assert_decision(nart_decide(NULL, NULL, NULL, &m), NART_IGNORE, NART_R_GONE_ABSENT, false);
	e = entry(swa, 7, 100);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_DELETE, NART_R_GONE, false);
	/* a withdrawal removes only the location it withdraws, whatever the version */
	e = entry(swb, 1, 50);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_IGNORE, NART_R_GONE_OTHER, false);
	e = entry(swa, 7, 101);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_IGNORE, NART_R_GONE_STALE, false);
}

Test(decide, tombstones)
{
	struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 100), here;
	struct nart_entry e = entry(swa, 7, 90);
	struct nart_tomb t = {.loc = {.port = 7}, .gone = 100, .floor = 90};
	struct nart_decision d;

	memcpy(t.loc.switch_mac, swa, 6);
	m.flags = NLARP_F_GONE;
	d = nart_decide(&e, NULL, NULL, &m);
	cr_assert(d.tomb);
	cr_assert_eq(d.t.gone, 100);
	cr_assert_eq(d.t.floor, 90);
	cr_assert_eq(nart_loc_cmp(&d.t.loc, &t.loc), 0);
	d = nart_decide(NULL, NULL, NULL, &m); /* unknown VIF: the tombstone still counts */
	cr_assert(d.tomb);
	/* HERE for the withdrawn place, not newer: withdrawn; newer: new */
	here = msg(NLARP_HERE, swa, 7, 100);
	assert_decision(nart_decide(NULL, &t, NULL, &here), NART_IGNORE, NART_R_WITHDRAWN, false);
	here.loc_version = 101;
	assert_decision(nart_decide(NULL, &t, NULL, &here), NART_INSERT, NART_R_NEW, false);
	/* another place: only the floor (what the deleted entry knew) counts */
	here = msg(NLARP_HERE, swb, 3, 95);
	assert_decision(nart_decide(NULL, &t, NULL, &here), NART_INSERT, NART_R_NEW, false);
	here.loc_version = 90;
	assert_decision(nart_decide(NULL, &t, NULL, &here), NART_IGNORE, NART_R_WITHDRAWN, false);
}

Test(decide, self_withdrawal_ignored)
{
	struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 500);
	struct nart_entry e = entry(swa, 7, 100);
	struct nart_loc self = {.port = 7};

	memcpy(self.switch_mac, swa, 6);
	m.flags = NLARP_F_GONE;
	assert_decision(nart_decide(&e, NULL, &self, &m), NART_IGNORE, NART_R_SELF, false);
	m = msg(NLARP_NOT_HERE, swa, 7, 0);
	assert_decision(nart_decide(&e, NULL, &self, &m), NART_IGNORE, NART_R_SELF, false);
}

Test(decide, nart1_rebind)
{
	static const __u8 m1[6] = {2, 0, 0, 0, 0, 1}, m2[6] = {2, 0, 0, 0, 0, 2};

	cr_assert(nart1_may_rebind(1, m1, 500, 1, m1, 10), "the same VIF always");
	cr_assert_not(nart1_may_rebind(1, m1, 500, 1, m2, 499), "another VIF, older");
	cr_assert(nart1_may_rebind(1, m1, 500, 1, m2, 501), "another VIF, newer");
	cr_assert(nart1_may_rebind(1, m1, 500, 1, m2, 500), "tie: the larger MAC");
	cr_assert_not(nart1_may_rebind(1, m2, 500, 1, m1, 500), "tie: the smaller MAC loses");
}

Test(decide, not_here)
{
	struct nlarp_fields m = msg(NLARP_NOT_HERE, swa, 7, 0);
	struct nart_entry e;

	assert_decision(nart_decide(NULL, NULL, NULL, &m), NART_IGNORE, NART_R_NOT_HERE_ABSENT,
			false);
	e = entry(swa, 7, 100);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_DELETE, NART_R_NOT_HERE, false);
	e = entry(swb, 7, 100);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_IGNORE, NART_R_NOT_HERE_OTHER, false);
	e = entry(swa, 8, 100);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_IGNORE, NART_R_NOT_HERE_OTHER, false);
	/* with a version: older than the entry is stale, equal or newer deletes */
	e = entry(swa, 7, 100);
	m.loc_version = 99;
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_IGNORE, NART_R_NOT_HERE_STALE, false);
	m.loc_version = 100;
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_DELETE, NART_R_NOT_HERE, false);
	m.loc_version = 5000;
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_DELETE, NART_R_NOT_HERE, false);
}

Test(decide, where_not_applicable)
{
	struct nlarp_fields m = msg(NLARP_WHERE, swa, 0, 0);
	struct nart_entry e = entry(swa, 7, 100);

	assert_decision(nart_decide(NULL, NULL, NULL, &m), NART_IGNORE, NART_R_NOT_APPLICABLE,
			false);
	assert_decision(nart_decide(&e, NULL, NULL, &m), NART_IGNORE, NART_R_NOT_APPLICABLE, false);
}

Test(decide, names)
{
	int i, j;

	for (i = 0; i < NART_R_MAX; i++)
		for (j = 0; j < i; j++)
			cr_assert_str_neq(nart_reason_name(i), nart_reason_name(j));
	cr_assert_str_eq(nart_reason_name(NART_R_MAX), "unknown");
	cr_assert_str_eq(nart_action_name(NART_DELETE), "delete");
	cr_assert_str_eq(nart_action_name(9), "unknown");
}

Test(version, next)
{
	__u64 now = nl_now_ms();

	cr_assert_gt(now, 1600000000000ULL, "realtime in ms");
	cr_assert_lt(now, 4102444800000ULL);
	cr_assert_eq(nart_next_version(0, now), now);
	cr_assert_eq(nart_next_version(now - 10, now), now);
	cr_assert_eq(nart_next_version(now, now), now + 1);
	cr_assert_eq(nart_next_version(now + 500, now), now + 501);
	cr_assert_eq(nart_next_version(UINT64_MAX, now), UINT64_MAX);
}

/* ---- nart_apply() on the production store ------------------------------------------------- */

static struct test_nart tn;

static void setup(void)
{
	cr_assert_eq(test_nart_open(&tn, 64, 64), 0, "BPF arrays (root?)");
}

static void teardown(void)
{
	test_nart_close(&tn);
}

static struct nl_vif_key key_of(unsigned int i)
{
	struct nl_vif_key k = {.tenant = 2 + i % 5, .mac_as = (__u16)(i % 3)};

	k.mac[0] = 0x02;
	k.mac[2] = (__u8)(i >> 24);
	k.mac[3] = (__u8)(i >> 16);
	k.mac[4] = (__u8)(i >> 8);
	k.mac[5] = (__u8)i;
	return k;
}

static struct nart_apply_result apply(const struct nlarp_fields *m)
{
	return nart_apply(&nart_store_ops, &tn.store, NULL, m);
}

static bool nart2(struct nart_entry *e)
{
	struct nl_vif_key k = {.tenant = 100, .mac_as = 1};

	memcpy(k.mac, vm1, 6);
	return nart_store_nart2_get(&tn.store, &k, e);
}

static bool nart1(__be32 ip, struct nl_nart1_val *v)
{
	struct nl_nart1_key k = {.tenant = 100, .ip = ip};

	return nart_store_nart1_get(&tn.store, &k, v);
}

static struct nlarp_fields with_ip(struct nlarp_fields m, __be32 ip)
{
	m.flags |= NLARP_F_HAS_IP;
	m.ip = ip;
	return m;
}

#define IP1 0x0101a8c0 /* 192.168.1.1, network order on little-endian */

static const __u8 IP6A[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1}; /* 2001:db8:1::1 */
static const __u8 IP6B[16] = {0xfd, 0, [15] = 0x42};		       /* fd00::42 */

static bool nart1v6(const __u8 *ip6, struct nl_nart1_val *v)
{
	struct nl_ip6_key k = {.tenant = 100};

	memcpy(k.ip6, ip6, 16);
	return nart_store_nart1v6_get(&tn.store, &k, v, NULL);
}

static struct nlarp_fields with_ip6(struct nlarp_fields m)
{
	m.ip6_count = 2;
	memcpy(m.ip6[0], IP6A, 16);
	memcpy(m.ip6[1], IP6B, 16);
	return m;
}

/* IPv6 bindings follow HERE and GONE exactly as the IPv4 one (docs/ipv6.md) */
Test(apply, nart1v6_follows_here_and_gone, .init = setup, .fini = teardown)
{
	struct nlarp_fields m = with_ip6(msg(NLARP_HERE, swa, 7, 100));
	struct nl_ip6_key ka = {.tenant = 100};
	struct nl_nart1_val other = {.mac_as = 1, .mac = {0x02, 0, 0, 0, 0, 0x99}}, v;
	struct nart_apply_result r = apply(&m);

	cr_assert_eq(r.nart1v6_put, 2);
	cr_assert_not(r.nart1_put, "no IPv4 address in this HERE");
	cr_assert(nart1v6(IP6A, &v));
	cr_assert_arr_eq(v.mac, vm1, 6);
	cr_assert(nart1v6(IP6B, &v));
	memcpy(ka.ip6, IP6A, 16);
	nart_store_nart1v6_del(&tn.store, &ka);
	r = apply(&m); /* duplicate: repairs the lost binding only */
	cr_assert_eq(r.d.reason, NART_R_DUPLICATE);
	cr_assert_eq(r.nart1v6_put, 1);
	cr_assert(nart1v6(IP6A, &v));
	m = with_ip6(msg(NLARP_HERE, swb, 3, 50)); /* stale */
	r = apply(&m);
	cr_assert_eq(r.nart1v6_put, 0);
	/* one address moved to another VIF with newer information: GONE keeps it */
	cr_assert_eq(nart_store_nart1v6_put(&tn.store, &ka, &other, 150), 0);
	m = with_ip6(msg(NLARP_HERE, swa, 7, 101));
	m.flags = NLARP_F_GONE;
	r = apply(&m);
	cr_assert_eq(r.d.action, NART_DELETE);
	cr_assert_eq(r.nart1v6_del, 1);
	cr_assert(nart1v6(IP6A, &v));
	cr_assert_arr_eq(v.mac, other.mac, 6);
	cr_assert_not(nart1v6(IP6B, &v));
}

/* a HERE of another VIF for an address bound with a newer version does not steal it */
Test(apply, nart1v6_rebind_rules, .init = setup, .fini = teardown)
{
	struct nlarp_fields a = with_ip6(msg(NLARP_HERE, swa, 7, 100));
	struct nlarp_fields b = with_ip6(msg(NLARP_HERE, swb, 3, 90));
	struct nl_nart1_val v;
	struct nart_apply_result r;

	apply(&a);
	b.mac[5] = 2; /* another VIF claims the same addresses with an older version */
	r = apply(&b);
	cr_assert_eq(r.d.action, NART_INSERT, "its own NART-2 entry is new");
	cr_assert_eq(r.nart1v6_kept, 2);
	cr_assert(nart1v6(IP6A, &v));
	cr_assert_eq(v.mac[5], 1);
	b.loc_version = 110; /* newer: it takes them */
	r = apply(&b);
	cr_assert_eq(r.nart1v6_put, 2);
	cr_assert(nart1v6(IP6B, &v));
	cr_assert_eq(v.mac[5], 2);
}

Test(apply, sequence, .init = setup, .fini = teardown)
{
	struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 100);
	struct nart_apply_result r = apply(&m);
	struct nart_entry got;

	cr_assert_eq(r.d.action, NART_INSERT);
	cr_assert_eq(r.err, 0);
	cr_assert(nart2(&got));
	cr_assert_eq(got.version, 100);

	m = msg(NLARP_HERE, swb, 3, 99); /* stale */
	cr_assert_eq(apply(&m).d.action, NART_IGNORE);
	cr_assert(nart2(&got));
	cr_assert_arr_eq(got.loc.switch_mac, swa, 6);

	m = msg(NLARP_HERE, swb, 3, 100); /* contradictory, swb wins */
	r = apply(&m);
	cr_assert_eq(r.d.action, NART_UPDATE);
	cr_assert(r.d.contradictory);
	cr_assert(nart2(&got));
	cr_assert_arr_eq(got.loc.switch_mac, swb, 6);
	cr_assert_eq(got.loc.port, 3);

	m = msg(NLARP_NOT_HERE, swa, 7, 0); /* not where the entry points */
	cr_assert_eq(apply(&m).d.action, NART_IGNORE);
	cr_assert_eq(cnart_count(tn.store.nart2), 1);

	m = msg(NLARP_NOT_HERE, swb, 3, 0);
	cr_assert_eq(apply(&m).d.action, NART_DELETE);
	cr_assert_eq(cnart_count(tn.store.nart2), 0);
	cr_assert_not(nart2(&got));

	m = msg(NLARP_HERE, swa, 7, 200);
	cr_assert_eq(apply(&m).d.action, NART_INSERT);
	m.flags = NLARP_F_GONE;
	m.loc_version = 199;
	cr_assert_eq(apply(&m).d.action, NART_IGNORE);
	m.loc_version = 201;
	cr_assert_eq(apply(&m).d.action, NART_DELETE);
	cr_assert_eq(cnart_count(tn.store.nart2), 0);
}

/* two NAs that see the same two contradictory HEREs in opposite orders agree */
Test(apply, tie_break_is_order_independent, .init = setup, .fini = teardown)
{
	struct nlarp_fields a = msg(NLARP_HERE, swa, 200, 42), b = msg(NLARP_HERE, swb, 1, 42);
	struct nart_entry g1, g2;

	apply(&a);
	apply(&b);
	cr_assert(nart2(&g1));
	nart_store_nart2_del(
		&tn.store,
		&(struct nl_vif_key){.tenant = 100, .mac_as = 1, .mac = {0x02, 0, 0, 0, 0, 0x01}});
	apply(&b);
	apply(&a);
	cr_assert(nart2(&g2));
	cr_assert_eq(nart_loc_cmp(&g1.loc, &g2.loc), 0);
	cr_assert_arr_eq(g1.loc.switch_mac, swb, 6);
}

/* NART-1 follows NART-2: written with a location taken, repaired by a duplicate */
Test(apply, nart1_follows_here, .init = setup, .fini = teardown)
{
	struct nlarp_fields m = with_ip(msg(NLARP_HERE, swa, 7, 100), IP1);
	struct nl_nart1_val v;
	struct nart_apply_result r = apply(&m);

	cr_assert(r.nart1_put);
	cr_assert(nart1(IP1, &v));
	cr_assert_arr_eq(v.mac, vm1, 6);
	cr_assert_eq(v.mac_as, 1);
	nart_store_nart1_del(&tn.store, &(struct nl_nart1_key){.tenant = 100, .ip = IP1});
	r = apply(&m); /* the same HERE again */
	cr_assert_eq(r.d.reason, NART_R_DUPLICATE);
	cr_assert(r.nart1_put, "a duplicate must repair a lost NART-1 entry");
	cr_assert(nart1(IP1, &v));
	m = with_ip(msg(NLARP_HERE, swb, 3, 50), IP1); /* stale: NART-1 untouched */
	r = apply(&m);
	cr_assert_eq(r.d.action, NART_IGNORE);
	cr_assert_not(r.nart1_put);
}

/* GONE removes the IP binding only while it still names the withdrawn VIF */
Test(apply, gone_removes_only_its_own_binding, .init = setup, .fini = teardown)
{
	struct nlarp_fields m = with_ip(msg(NLARP_HERE, swa, 7, 100), IP1);
	struct nl_nart1_key k1 = {.tenant = 100, .ip = IP1};
	struct nl_nart1_val other = {.mac_as = 1, .mac = {0x02, 0, 0, 0, 0, 0x99}}, v;
	struct nart_apply_result r;

	apply(&m);
	/* the IP moved to another VIF meanwhile */
	cr_assert_eq(nart_store_nart1_put(&tn.store, &k1, &other, 150), 0);
	m.flags |= NLARP_F_GONE;
	m.loc_version = 101;
	r = apply(&m);
	cr_assert_eq(r.d.action, NART_DELETE);
	cr_assert_not(r.nart1_del);
	cr_assert(nart1(IP1, &v));
	cr_assert_arr_eq(v.mac, other.mac, 6);

	m = with_ip(msg(NLARP_HERE, swa, 7, 200), IP1); /* back, then gone for good */
	apply(&m);
	m.flags |= NLARP_F_GONE;
	m.loc_version = 201;
	r = apply(&m);
	cr_assert(r.nart1_del);
	cr_assert_not(nart1(IP1, &v));
}

/* NOT-HERE never touches NART-1; WHERE and PROBE touch nothing */
Test(apply, not_here_where_probe, .init = setup, .fini = teardown)
{
	struct nlarp_fields m = with_ip(msg(NLARP_HERE, swa, 7, 100), IP1);
	struct nl_nart1_val v;
	struct nart_entry e;

	apply(&m);
	m = with_ip(msg(NLARP_NOT_HERE, swa, 7, 0), IP1);
	m.flags = 0;
	m.ip = 0;
	cr_assert_eq(apply(&m).d.action, NART_DELETE);
	cr_assert(nart1(IP1, &v), "NOT-HERE removed the IP binding");
	m = msg(NLARP_HERE, swa, 7, 300);
	apply(&m);
	m = msg(NLARP_WHERE, swa, 0, 0);
	cr_assert_eq(apply(&m).d.reason, NART_R_NOT_APPLICABLE);
	m.op = NLARP_PROBE;
	cr_assert_eq(apply(&m).d.reason, NART_R_NOT_APPLICABLE);
	cr_assert(nart2(&e));
	cr_assert_eq(e.version, 300);
}

/* a full table: the location is refused with -ENOSPC, nothing else changes */
Test(apply, full_table, .init = setup, .fini = teardown)
{
	unsigned int i, inserted = 0;
	struct nart_apply_result r = {};

	for (i = 0; i < 64 * NART_SLOTS + 1; i++) {
		struct nl_vif_key k = key_of(i);
		struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 1);

		m.tenant = k.tenant;
		m.mac_as = k.mac_as;
		memcpy(m.mac, k.mac, 6);
		r = apply(&m);
		if (r.err)
			break;
		inserted++;
	}
	cr_assert_eq(r.err, -ENOSPC, "a table of %u slots took %u entries", 64 * NART_SLOTS,
		     inserted);
	cr_assert_eq(cnart_count(tn.store.nart2), inserted);
	cr_assert_gt(inserted, 64 * NART_SLOTS / 2, "load factor too low: %u", inserted);
}

/* random messages against a reference model of the rules (entry + tombstone per key) */
struct model {
	bool have, tomb;
	struct nart_entry e;
	struct nart_tomb t;
};

Test(apply, matches_reference_model, .init = setup, .fini = teardown)
{
	enum { NKEYS = 40, STEPS = 5000 };
	static struct model ref[NKEYS];
	__u64 seed = 12345;

	memset(ref, 0, sizeof(ref));
	for (int step = 0; step < STEPS; step++) {
		unsigned int i;
		struct nl_vif_key k;
		struct nlarp_fields m;
		struct nart_apply_result r;
		struct nart_decision want;
		struct nart_entry got;
		struct nart_tomb gt;
		bool has;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (unsigned int)(seed >> 33) % NKEYS;
		k = key_of(i);
		m = msg((seed >> 20) % 4 == 0 ? NLARP_NOT_HERE : NLARP_HERE,
			(seed >> 22) & 1 ? swa : swb, 1 + (seed >> 23) % 3, 1 + (seed >> 40) % 8);
		if (m.op == NLARP_HERE && (seed >> 50) % 5 == 0)
			m.flags |= NLARP_F_GONE;
		m.tenant = k.tenant;
		m.mac_as = k.mac_as;
		memcpy(m.mac, k.mac, 6);
		want = nart_decide(ref[i].have ? &ref[i].e : NULL,
				   !ref[i].have && ref[i].tomb ? &ref[i].t : NULL, NULL, &m);
		r = apply(&m);
		cr_assert_eq(r.d.action, want.action, "step %d: %s, model %s", step,
			     nart_reason_name(r.d.reason), nart_reason_name(want.reason));
		switch (r.d.action) {
		case NART_INSERT:
			ref[i].tomb = false;
			/* fallthrough */
		case NART_UPDATE:
			ref[i].have = true;
			memcpy(ref[i].e.loc.switch_mac, m.switch_mac, 6);
			ref[i].e.loc.port = m.port;
			ref[i].e.version = m.loc_version;
			break;
		case NART_DELETE:
			ref[i].have = false;
			break;
		default:
			break;
		}
		if (want.tomb) {
			ref[i].tomb = true;
			ref[i].t = want.t;
		}
		has = nart_store_nart2_get(&tn.store, &k, &got);
		cr_assert_eq(has, ref[i].have, "step %d key %u", step, i);
		if (has) {
			cr_assert_eq(nart_loc_cmp(&got.loc, &ref[i].e.loc), 0, "step %d", step);
			cr_assert_eq(got.version, ref[i].e.version, "step %d", step);
		} else {
			cr_assert_eq(nart_store_tomb_get(&tn.store, &k, &gt), ref[i].tomb,
				     "step %d", step);
			if (ref[i].tomb)
				cr_assert(gt.gone == ref[i].t.gone && gt.floor == ref[i].t.floor);
		}
	}
}

/* ---- the case table of docs/nlarp-ordering.md ------------------------------------------------
 *
 * One row per case: the steps one NA sees, then the NART-2 entry of VIF 1
 * and the NART-1 binding of its IP it must end with.  A and B are two
 * places (edge switch, port); the observer is a third NA unless `self`
 * says it is the NA at A or B.  All VIFs have the same IP, so NART-1
 * shows which VIF the IP ends bound to.
 */
enum step_op {
	END = 0,
	HERE,	   /* broadcast HERE */
	REPLY,	   /* unicast HERE answering a WHERE */
	GONE,	   /* HERE+GONE */
	NOT_HERE,  /* NOT-HERE */
	LOCAL_ADD, /* `vif add` on the observer (it is the place `self`) */
	LOCAL_DEL, /* `vif del` on the observer */
	RESTART,   /* the observer's agent restarts (tables, versions, tombstones pinned) */
	WAIT,	   /* v milliseconds pass */
};

struct step {
	enum step_op op;
	char at; /* 'A' or 'B' */
	__u64 v; /* loc_version (WAIT: ms) */
	int vif; /* 1 (default) or 2 */
};

struct want {
	char at;    /* NART-2 of VIF 1: 'A', 'B' or 0 = absent */
	__u64 v;    /* its version (0: do not check) */
	int ip_vif; /* NART-1 of the IP: 1, 2 or 0 = absent */
};

struct ocase {
	const char *name;
	char self; /* 0: a third NA */
	struct step s[10];
	struct want w;
};

#define T0_MS 50 /* the fake wall clock at the start of every case */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct ocase cases[] = {
	{"add-then-del (libvirt order), third NA",
	 0,
	 {{HERE, 'A', 100}, {HERE, 'B', 200}, {GONE, 'A', 201}},
	 {'B', 200, 1}},
	{"add-then-del, destination keeps its local VIF",
	 'B',
	 {{HERE, 'A', 100}, {LOCAL_ADD, 'B'}, {GONE, 'A', 201}},
	 {'B', 101, 1}},
	{"add-then-del, source leaves the new place alone",
	 'A',
	 {{LOCAL_ADD, 'A'}, {HERE, 'B', 200}, {LOCAL_DEL, 'A'}},
	 {'B', 200, 1}},
	{"add-then-del, GONE overtakes the HERE",
	 0,
	 {{HERE, 'A', 100}, {GONE, 'A', 201}, {HERE, 'B', 200}},
	 {'B', 200, 1}},
	{"del-then-add, third NA",
	 0,
	 {{HERE, 'A', 100}, {GONE, 'A', 150}, {HERE, 'B', 200}},
	 {'B', 200, 1}},
	{"del-then-add, HERE overtakes the GONE",
	 0,
	 {{HERE, 'A', 100}, {HERE, 'B', 200}, {GONE, 'A', 150}},
	 {'B', 200, 1}},
	{"del-then-add, destination stamps above the GONE",
	 'B',
	 {{HERE, 'A', 100}, {GONE, 'A', 150}, {LOCAL_ADD, 'B'}},
	 {'B', 151, 1}},
	{"delayed HERE for the old place after del",
	 0,
	 {{HERE, 'A', 100}, {GONE, 'A', 150}, {HERE, 'A', 100}},
	 {0, 0, 0}},
	{"delayed HERE for the old place after a move",
	 0,
	 {{HERE, 'A', 100}, {HERE, 'B', 200}, {GONE, 'A', 201}, {HERE, 'A', 100}},
	 {'B', 200, 1}},
	{"delayed HERE for the old place, unknown VIF",
	 0,
	 {{GONE, 'A', 150}, {HERE, 'A', 100}},
	 {0, 0, 0}},
	{"delayed HERE after the tombstone expired",
	 0,
	 {{HERE, 'A', 100}, {GONE, 'A', 150}, {WAIT, 0, 121000}, {HERE, 'A', 100}},
	 {'A', 100, 1}},
	{"delayed GONE after a re-add at the same place",
	 0,
	 {{HERE, 'A', 100}, {HERE, 'A', 300}, {GONE, 'A', 200}},
	 {'A', 300, 1}},
	{"delayed GONE after a move", 0, {{HERE, 'B', 200}, {GONE, 'A', 150}}, {'B', 200, 1}},
	{"NOT-HERE from the old place after a move",
	 0,
	 {{HERE, 'B', 200}, {NOT_HERE, 'A', 0}},
	 {'B', 200, 1}},
	{"NOT-HERE, then the late HERE it refuted, then the new place",
	 0,
	 {{HERE, 'A', 100}, {NOT_HERE, 'A', 0}, {REPLY, 'A', 100}, {REPLY, 'B', 200}},
	 {'B', 200, 1}},
	{"duplicate REPLY HEREs",
	 0,
	 {{HERE, 'A', 100}, {REPLY, 'A', 100}, {REPLY, 'A', 100}},
	 {'A', 100, 1}},
	{"reordered REPLY HEREs", 0, {{REPLY, 'B', 200}, {REPLY, 'A', 100}}, {'B', 200, 1}},
	{"REPLY for the old place after del",
	 0,
	 {{HERE, 'A', 100}, {GONE, 'A', 150}, {REPLY, 'A', 100}},
	 {0, 0, 0}},
	{"IP reused by another VIF, stale HERE for the old one",
	 0,
	 {{HERE, 'A', 100, 1}, {GONE, 'A', 150, 1}, {HERE, 'B', 200, 2}, {HERE, 'A', 100, 1}},
	 {0, 0, 2}},
	{"IP reused, stale HERE after the tombstone expired",
	 0,
	 {{HERE, 'A', 100, 1},
	  {GONE, 'A', 150, 1},
	  {HERE, 'B', 200, 2},
	  {WAIT, 0, 121000},
	  {HERE, 'A', 100, 1}},
	 {'A', 100, 2}},
	{"IP moves to another VIF: newer wins",
	 0,
	 {{HERE, 'A', 100, 1}, {HERE, 'B', 200, 2}},
	 {'A', 100, 2}},
	{"IP moves to another VIF: older loses",
	 0,
	 {{HERE, 'B', 200, 2}, {HERE, 'A', 100, 1}},
	 {'A', 100, 2}},
	{"restart between GONE and the delayed HERE",
	 0,
	 {{HERE, 'A', 100}, {GONE, 'A', 150}, {RESTART}, {HERE, 'A', 100}},
	 {0, 0, 0}},
	{"restart between the move and the stale HERE",
	 0,
	 {{HERE, 'A', 100}, {HERE, 'B', 200}, {RESTART}, {REPLY, 'A', 100}},
	 {'B', 200, 1}},
	{"restart between the moves of a migration",
	 0,
	 {{HERE, 'A', 100},
	  {RESTART},
	  {HERE, 'B', 200},
	  {RESTART},
	  {GONE, 'A', 201},
	  {RESTART},
	  {HERE, 'A', 100}},
	 {'B', 200, 1}},
	{"restart of the destination mid-migration",
	 'B',
	 {{HERE, 'A', 100}, {LOCAL_ADD, 'B'}, {RESTART}, {GONE, 'A', 201}, {REPLY, 'A', 100}},
	 {'B', 101, 1}},
	{"restart of the source mid-migration",
	 'A',
	 {{LOCAL_ADD, 'A'}, {HERE, 'B', 200}, {RESTART}, {LOCAL_DEL, 'A'}},
	 {'B', 200, 1}},
	{"restart, then a re-add stamps above everything before",
	 'A',
	 {{LOCAL_ADD, 'A'}, {LOCAL_DEL, 'A'}, {RESTART}, {LOCAL_ADD, 'A'}},
	 {'A', 52, 1}},
	{"forged GONE for our own place is ignored",
	 'A',
	 {{LOCAL_ADD, 'A'}, {GONE, 'A', 999}},
	 {'A', 50, 1}},
};
#pragma GCC diagnostic pop

static __u64 fake_now;

static __u64 fake_clock(void)
{
	return fake_now;
}

static struct nart_loc place(char at)
{
	struct nart_loc l = {.port = at == 'A' ? 7 : 3};

	memcpy(l.switch_mac, at == 'A' ? swa : swb, 6);
	return l;
}

static struct nl_vif_key vif_key(int vif)
{
	struct nl_vif_key k = {.tenant = 100, .mac_as = 1};

	memcpy(k.mac, vm1, 6);
	k.mac[5] = (__u8)(vif ? vif : 1);
	return k;
}

/* the case table again with IPv6 addresses in every HERE and local VIF (docs/ipv6.md) */
static bool case_ip6;

static void run_step(const struct ocase *c, const struct step *st)
{
	struct nl_vif_key k = vif_key(st->vif);
	struct nart_loc self = place(c->self), at = place(st->at);
	struct nlarp_fields m;
	bool moved;

	switch (st->op) {
	case HERE:
	case REPLY:
	case GONE:
	case NOT_HERE:
		m = with_ip(msg(st->op == NOT_HERE ? NLARP_NOT_HERE : NLARP_HERE, at.switch_mac,
				at.port, st->v),
			    IP1);
		if (st->op == NOT_HERE) {
			m.flags = 0;
			m.ip = 0;
		}
		m.flags |= st->op == GONE ? NLARP_F_GONE : st->op == REPLY ? NLARP_F_REPLY : 0;
		m.mac[5] = k.mac[5];
		if (case_ip6 && st->op != NOT_HERE)
			m = with_ip6(m);
		nart_apply(&nart_store_ops, &tn.store, c->self ? &self : NULL, &m);
		break;
	case LOCAL_ADD: {
		__u64 ver = nart_store_local_here(&tn.store, &self, &k, IP1);
		const __u8 addrs[2][16] = {
			{0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1},
			{0xfd, 0, [15] = 0x42},
		};

		if (case_ip6)
			nart_store_local_bind6(&tn.store, &k, addrs, 2, ver);
		break;
	}
	case LOCAL_DEL: {
		const __u8 addrs[2][16] = {
			{0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1},
			{0xfd, 0, [15] = 0x42},
		};

		nart_store_local_gone(&tn.store, &self, &k, IP1, &moved);
		if (case_ip6 && !moved)
			nart_store_local_unbind6(&tn.store, &k, addrs, 2);
		break;
	}
	case RESTART:
		cr_assert_eq(test_nart_restart(&tn), 0);
		tn.store.now_ms = fake_clock;
		break;
	case WAIT:
		fake_now += st->v;
		break;
	case END:
		break;
	}
}

static void run_case(const struct ocase *c)
{
	struct nl_vif_key k = vif_key(1);
	struct nl_nart1_val v1;
	struct nart_entry e;
	bool has;

	cr_assert_eq(test_nart_open(&tn, 64, 64), 0, "BPF arrays (root?)");
	fake_now = T0_MS;
	tn.store.now_ms = fake_clock;
	for (int i = 0; i < 10 && c->s[i].op != END; i++)
		run_step(c, &c->s[i]);
	has = nart_store_nart2_get(&tn.store, &k, &e);
	if (!c->w.at) {
		cr_assert_not(has, "%s: NART-2 has VIF 1 at port %u v%llu, want none", c->name,
			      e.loc.port, (unsigned long long)e.version);
	} else {
		struct nart_loc want = place(c->w.at);

		cr_assert(has, "%s: NART-2 lost VIF 1", c->name);
		cr_assert_eq(nart_loc_cmp(&e.loc, &want), 0, "%s: VIF 1 at port %u, want %c",
			     c->name, e.loc.port, c->w.at);
		if (c->w.v)
			cr_assert_eq(e.version, c->w.v, "%s: version %llu, want %llu", c->name,
				     (unsigned long long)e.version, (unsigned long long)c->w.v);
	}
	has = nart1(IP1, &v1);
	if (!c->w.ip_vif)
		cr_assert_not(has, "%s: NART-1 still binds the IP (to VIF %u)", c->name, v1.mac[5]);
	else
		cr_assert(has && v1.mac[5] == c->w.ip_vif,
			  "%s: NART-1 binds the IP to %s, want VIF %d", c->name,
			  has ? (v1.mac[5] == 1 ? "VIF 1" : "VIF 2") : "nothing", c->w.ip_vif);
	for (int a = 0; case_ip6 && a < 2; a++) {
		has = nart1v6(a ? IP6B : IP6A, &v1);
		if (!c->w.ip_vif)
			cr_assert_not(has, "%s: NART-1v6 still binds IPv6 %d (to VIF %u)", c->name,
				      a, v1.mac[5]);
		else
			cr_assert(has && v1.mac[5] == c->w.ip_vif,
				  "%s: NART-1v6 binds IPv6 %d to %s, want VIF %d", c->name, a,
				  has ? (v1.mac[5] == 1 ? "VIF 1" : "VIF 2") : "nothing",
				  c->w.ip_vif);
	}
	test_nart_close(&tn);
}

Test(cases, table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* every row again with two IPv6 addresses next to the IPv4 one: the same outcome */
Test(cases, table_ip6)
{
	case_ip6 = true;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* the old rules fail the table: a GONE from the old place deleted the new one */
Test(cases, old_rule_would_fail)
{
	struct nlarp_fields g = msg(NLARP_HERE, swa, 7, 201);
	struct nart_entry e = entry(swb, 3, 200);

	g.flags = NLARP_F_GONE;
	cr_assert_neq(nart_decide(&e, NULL, NULL, &g).action, NART_DELETE);
}

/* ---- the version clock: versions only grow, across restarts and a clock set back ------------- */

Test(vclock, persists_across_restarts)
{
	char dir[] = "/tmp/nl-vclock-XXXXXX";
	struct nart_vclock c;
	__u64 v1, v2, v3;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(nart_vclock_open(&c, dir, "up0"), 0);
	v1 = nart_vclock_next(&c, 0, 100000000);
	cr_assert_eq(v1, 100000000);
	v2 = nart_vclock_next(&c, 0, 100000000); /* same millisecond */
	cr_assert_eq(v2, 100000001);
	/* restart with the wall clock set back by an hour */
	cr_assert_eq(nart_vclock_open(&c, dir, "up0"), 0);
	v3 = nart_vclock_next(&c, 0, 100000000 - 3600000);
	cr_assert_gt(v3, v2, "after a restart: %llu <= %llu", (unsigned long long)v3,
		     (unsigned long long)v2);
	cr_assert_leq(v3, v2 + NART_VCLOCK_RESERVE_MS + 1, "jump bounded by the reservation: %llu",
		      (unsigned long long)v3);
	/* root-only */
	{
		char path[300];
		struct stat sb;

		snprintf(path, sizeof(path), "%s/up0.version", dir);
		cr_assert_eq(stat(path, &sb), 0);
		cr_assert_eq(sb.st_mode & 0777, 0600);
		unlink(path);
	}
	rmdir(dir);
}

/* reserving ahead: the next stamps need no write, and a restart still stamps above them */
Test(vclock, reserve_ahead)
{
	char dir[] = "/tmp/nl-vclock-XXXXXX", path[300];
	struct nart_vclock c;
	struct stat sb;
	__u64 v1, v2, r;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/up0.version", dir);
	cr_assert_eq(nart_vclock_open(&c, dir, "up0"), 0);
	cr_assert_eq(nart_vclock_reserve(&c, 200000000), 0);
	r = c.reserved;
	cr_assert_eq(r, 200000000 + NART_VCLOCK_RESERVE_MS);
	cr_assert_eq(stat(path, &sb), 0);
	unlink(path); /* a write from now on would re-create it */
	cr_assert_eq(nart_vclock_reserve(&c, 200000000 + 1000), 0, "still ahead: no write");
	v1 = nart_vclock_next(&c, 0, 200000000 + 2000);
	cr_assert_eq(v1, 200000000 + 2000);
	cr_assert_neq(stat(path, &sb), 0, "a stamp inside the reservation wrote the file");
	cr_assert_eq(c.reserved, r);
	/* past half the reservation: written again, never lowered */
	cr_assert_eq(nart_vclock_reserve(&c, 200000000 + 6000), 0);
	cr_assert_eq(c.reserved, 200000000 + 6000 + NART_VCLOCK_RESERVE_MS);
	cr_assert_eq(nart_vclock_reserve(&c, 100000000), 0);
	cr_assert_eq(c.reserved, 200000000 + 6000 + NART_VCLOCK_RESERVE_MS);
	/* a restart stamps above everything stamped before */
	cr_assert_eq(nart_vclock_open(&c, dir, "up0"), 0);
	v2 = nart_vclock_next(&c, 0, 100000000);
	cr_assert_gt(v2, v1);
	unlink(path);
	rmdir(dir);
}

/* ---- switch indexes: reclaimed, and the VLAN table always loads -------------------------------
 */

static __u64 fake_mono;

static __u64 fake_mono_clock(void)
{
	return fake_mono;
}

Test(switches, reclaimed_when_unused, .init = setup, .fini = teardown)
{
	struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 100);
	struct nl_vif_key k = vif_key(1);
	int ia, ib;

	cnart_switches_set_clock(tn.store.switches, fake_mono_clock);
	fake_mono = 1000;
	apply(&m);
	ia = cnart_switch_find(tn.store.switches, swa);
	cr_assert_gt(ia, 0);
	cr_assert_eq(cnart_switch_refs(tn.store.switches, ia), 1);
	m = msg(NLARP_HERE, swb, 3, 200); /* the VIF moves: swa has no reference left */
	apply(&m);
	cr_assert_eq(cnart_switch_refs(tn.store.switches, ia), 0);
	ib = cnart_switch_find(tn.store.switches, swb);
	cr_assert_eq(cnart_switch_refs(tn.store.switches, ib), 1);
	/* within the grace period the index is not reused */
	{
		__u8 swc[6] = {0x0c, 0x42, 0xa1, 0, 0, 0x11};
		struct nlarp_fields m2 = msg(NLARP_HERE, swc, 1, 300);
		int ic;

		m2.mac[5] = 2;
		apply(&m2);
		ic = cnart_switch_find(tn.store.switches, swc);
		cr_assert_neq(ic, ia, "reused within the grace period");
		fake_mono += CNART_SWITCH_GRACE_MS;
		cr_assert(nart_store_nart2_del(&tn.store, &k));
		m2 = msg(NLARP_HERE, swc, 1, 300);
		m2.mac[5] = 3;
		memcpy(m2.switch_mac, (__u8[6]){0x0c, 0x42, 0xa1, 0, 0, 0x12}, 6);
		memcpy(m2.sender_switch_mac, m2.switch_mac, 6);
		apply(&m2);
		cr_assert_eq(cnart_switch_find(tn.store.switches, m2.switch_mac), ia,
			     "the oldest unused index is reused after the grace period");
		cr_assert_eq(cnart_switch_find(tn.store.switches, swa), 0, "old MAC forgotten");
	}
}

Test(switches, flood_then_vlan_table_loads)
{
	enum { FLOOD = 100000 };
	struct cnart_switch_stats st;
	unsigned int refused = 0;
	int idx;

	cr_assert_eq(test_nart_open(&tn, 40000, NART_MAX_SWITCHES), 0, "BPF arrays (root?)");
	cnart_switches_set_clock(tn.store.switches, fake_mono_clock);
	fake_mono = 1000;
	for (unsigned int i = 0; i < FLOOD; i++) {
		struct nlarp_fields m = msg(NLARP_HERE, swa, 1, 100);
		struct nart_apply_result r;

		m.tenant = 2 + i % 1000;
		m.mac[2] = (__u8)(i >> 16);
		m.mac[3] = (__u8)(i >> 8);
		m.mac[4] = (__u8)i;
		m.switch_mac[0] = 0x0e;
		m.switch_mac[2] = (__u8)(i >> 16);
		m.switch_mac[3] = (__u8)(i >> 8);
		m.switch_mac[4] = (__u8)i;
		memcpy(m.sender_switch_mac, m.switch_mac, 6);
		r = apply(&m);
		if (r.err == -ENOSPC)
			refused++;
		else
			cr_assert_eq(r.err, 0);
	}
	st = cnart_switch_get_stats(tn.store.switches);
	cr_assert_gt(refused, 0, "100,000 switch MACs cannot all fit 65,535 indexes");
	cr_assert_eq(tn.store.switch_full, refused, "every refusal counted");
	cr_assert_leq(st.in_use, st.capacity - st.reserve, "HEREs stayed out of the reserve");
	/* the VLAN table: NL_VT_MAX_SWITCHES distinct switches still get an index and a row */
	for (unsigned int i = 0; i < CNART_SWITCH_RESERVE; i++) {
		__u8 mac[6] = {0x02, 0x4e, 0x4c, 0, (__u8)(i >> 8), (__u8)i};
		__u16 vl[2] = {10, 11};

		idx = cnart_switch_index(tn.store.switches, mac);
		cr_assert_gt(idx, 0, "VLAN table row %u refused after the flood", i);
		cr_assert_eq(cnart_switch_set_vlans(tn.store.switches, idx, 2, vl), 0);
	}
	/* the flood's entries go (e.g. a NOT-HERE each): their indexes come back */
	for (unsigned int i = 0; i < FLOOD; i++) {
		struct nl_vif_key k = {.tenant = 2 + i % 1000, .mac_as = 1};

		memcpy(k.mac, vm1, 6);
		k.mac[2] = (__u8)(i >> 16);
		k.mac[3] = (__u8)(i >> 8);
		k.mac[4] = (__u8)i;
		nart_store_nart2_del(&tn.store, &k);
	}
	fake_mono += CNART_SWITCH_GRACE_MS;
	{
		struct nlarp_fields m = msg(NLARP_HERE, swb, 3, 100);

		cr_assert_eq(apply(&m).err, 0, "an index is free again");
	}
	st = cnart_switch_get_stats(tn.store.switches);
	cr_assert_gt(st.reclaimed, 0);
	cr_assert_eq(st.in_use, CNART_SWITCH_RESERVE + 1 + (st.free_pending ? st.free_pending : 0),
		     "in use %u, pending %u", st.in_use, st.free_pending);
	test_nart_close(&tn);
}

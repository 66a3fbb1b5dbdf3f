// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Criterion tests of the NART-2 decision logic and table (user/agent/nart_logic.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cnart.h"
#include "util.h"
#include "nart_apply.h"
#include "nart_maps.h"

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

	assert_decision(nart_decide(NULL, &m), NART_INSERT, NART_R_NEW, false);
	e = entry(swb, 3, 99);
	assert_decision(nart_decide(&e, &m), NART_UPDATE, NART_R_NEWER, false);
	e = entry(swa, 7, 99);
	assert_decision(nart_decide(&e, &m), NART_UPDATE, NART_R_NEWER, false);
	e = entry(swb, 3, 101);
	assert_decision(nart_decide(&e, &m), NART_IGNORE, NART_R_STALE, false);
	e = entry(swa, 7, 100);
	assert_decision(nart_decide(&e, &m), NART_IGNORE, NART_R_DUPLICATE, false);
}

Test(decide, equal_version_tie_break)
{
	struct nlarp_fields ma = msg(NLARP_HERE, swa, 7, 100);
	struct nlarp_fields mb = msg(NLARP_HERE, swb, 2, 100);
	struct nlarp_fields ma8 = msg(NLARP_HERE, swa, 8, 100);
	struct nart_entry ea = entry(swa, 7, 100), eb = entry(swb, 2, 100);

	/* the larger switch MAC wins, whatever the port */
	assert_decision(nart_decide(&ea, &mb), NART_UPDATE, NART_R_TIE_WON, true);
	assert_decision(nart_decide(&eb, &ma), NART_IGNORE, NART_R_TIE_LOST, true);
	/* same switch: the larger port wins */
	assert_decision(nart_decide(&ea, &ma8), NART_UPDATE, NART_R_TIE_WON, true);
	ea = entry(swa, 8, 100);
	assert_decision(nart_decide(&ea, &ma), NART_IGNORE, NART_R_TIE_LOST, true);
}

Test(decide, gone)
{
	struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 100);
	struct nart_entry e;

	m.flags = NLARP_F_GONE;
	assert_decision(nart_decide(NULL, &m), NART_IGNORE, NART_R_GONE_ABSENT, false);
	e = entry(swa, 7, 100);
	assert_decision(nart_decide(&e, &m), NART_DELETE, NART_R_GONE, false);
	e = entry(swb, 1, 50);
	assert_decision(nart_decide(&e, &m), NART_DELETE, NART_R_GONE, false);
	e = entry(swa, 7, 101);
	assert_decision(nart_decide(&e, &m), NART_IGNORE, NART_R_GONE_STALE, false);
}

Test(decide, not_here)
{
	struct nlarp_fields m = msg(NLARP_NOT_HERE, swa, 7, 0);
	struct nart_entry e;

	assert_decision(nart_decide(NULL, &m), NART_IGNORE, NART_R_NOT_HERE_ABSENT, false);
	e = entry(swa, 7, 100);
	assert_decision(nart_decide(&e, &m), NART_DELETE, NART_R_NOT_HERE, false);
	e = entry(swb, 7, 100);
	assert_decision(nart_decide(&e, &m), NART_IGNORE, NART_R_NOT_HERE_OTHER, false);
	e = entry(swa, 8, 100);
	assert_decision(nart_decide(&e, &m), NART_IGNORE, NART_R_NOT_HERE_OTHER, false);
	/* with a version: older than the entry is stale, equal or newer deletes */
	e = entry(swa, 7, 100);
	m.loc_version = 99;
	assert_decision(nart_decide(&e, &m), NART_IGNORE, NART_R_NOT_HERE_STALE, false);
	m.loc_version = 100;
	assert_decision(nart_decide(&e, &m), NART_DELETE, NART_R_NOT_HERE, false);
	m.loc_version = 5000;
	assert_decision(nart_decide(&e, &m), NART_DELETE, NART_R_NOT_HERE, false);
}

Test(decide, where_not_applicable)
{
	struct nlarp_fields m = msg(NLARP_WHERE, swa, 0, 0);
	struct nart_entry e = entry(swa, 7, 100);

	assert_decision(nart_decide(NULL, &m), NART_IGNORE, NART_R_NOT_APPLICABLE, false);
	assert_decision(nart_decide(&e, &m), NART_IGNORE, NART_R_NOT_APPLICABLE, false);
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
	return nart_apply(&nart_store_ops, &tn.store, m);
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
	cr_assert_eq(nart_store_nart1_put(&tn.store, &k1, &other), 0);
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

/* random messages against a reference model of the rules */
struct model {
	bool have;
	struct nart_entry e;
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
		struct nart_entry got;
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
		r = apply(&m);
		cr_assert_eq(r.d.action, nart_decide(ref[i].have ? &ref[i].e : NULL, &m).action);
		switch (r.d.action) {
		case NART_INSERT:
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
		has = nart_store_nart2_get(&tn.store, &k, &got);
		cr_assert_eq(has, ref[i].have, "step %d key %u", step, i);
		if (has) {
			cr_assert_eq(nart_loc_cmp(&got.loc, &ref[i].e.loc), 0, "step %d", step);
			cr_assert_eq(got.version, ref[i].e.version, "step %d", step);
		}
	}
}

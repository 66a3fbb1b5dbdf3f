// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Criterion tests of the NART-2 decision logic and table (user/agent/nart_logic.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nart_logic.h"

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
	__u64 now = nart_now_ms();

	cr_assert_gt(now, 1600000000000ULL, "realtime in ms");
	cr_assert_lt(now, 4102444800000ULL);
	cr_assert_eq(nart_next_version(0, now), now);
	cr_assert_eq(nart_next_version(now - 10, now), now);
	cr_assert_eq(nart_next_version(now, now), now + 1);
	cr_assert_eq(nart_next_version(now + 500, now), now + 501);
	cr_assert_eq(nart_next_version(UINT64_MAX, now), UINT64_MAX);
}

/* ---- table ------------------------------------------------------------------------------------
 */

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

Test(table, sizes)
{
	struct nart_table *t;

	cr_assert_null(nart_table_new(0));
	t = nart_table_new(1000);
	cr_assert_not_null(t);
	cr_assert_eq(nart_table_capacity(t), 2048);
	cr_assert_geq(nart_table_mem_bytes(t), 2048 * 32);
	cr_assert_lt(nart_table_mem_bytes(t), 2048 * 32 + 256);
	cr_assert_eq(nart_table_count(t), 0);
	nart_table_free(t);
	t = nart_table_new(1024);
	cr_assert_eq(nart_table_capacity(t), 2048);
	nart_table_free(t);
	nart_table_free(NULL);
}

Test(table, put_lookup_delete_full)
{
	struct nart_table *t = nart_table_new(4);
	struct nl_vif_key k;
	struct nart_entry e = entry(swa, 7, 1), got;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		k = key_of(i);
		e.version = i + 1;
		cr_assert_eq(nart_table_put(t, &k, &e), 0);
	}
	k = key_of(4);
	cr_assert_eq(nart_table_put(t, &k, &e), -ENOSPC);
	cr_assert(!nart_table_lookup(t, &k, &got));
	/* overwriting an existing key is fine when full */
	k = key_of(2);
	e = entry(swb, 9, 77);
	cr_assert_eq(nart_table_put(t, &k, &e), 0);
	cr_assert(nart_table_lookup(t, &k, &got));
	cr_assert_arr_eq(got.loc.switch_mac, swb, 6);
	cr_assert_eq(got.loc.port, 9);
	cr_assert_eq(got.version, 77);
	cr_assert_eq(nart_table_count(t), 4);
	/* keys differing only in tenant or mac_as are distinct */
	k = key_of(1);
	k.tenant++;
	cr_assert(!nart_table_lookup(t, &k, NULL));
	k = key_of(1);
	k.mac_as++;
	cr_assert(!nart_table_lookup(t, &k, NULL));
	k = key_of(1);
	cr_assert(nart_table_delete(t, &k));
	cr_assert(!nart_table_delete(t, &k));
	cr_assert(!nart_table_lookup(t, &k, NULL));
	cr_assert_eq(nart_table_count(t), 3);
	k = key_of(4);
	cr_assert_eq(nart_table_put(t, &k, &e), 0);
	nart_table_free(t);
}

/* random puts and deletes against a reference array; exercises backward-shift deletion */
Test(table, matches_reference_model)
{
	enum { N = 3000, OPS = 60000 };
	struct nart_table *t = nart_table_new(N);
	static __u64 ref[N]; /* 0 = absent, else version */
	unsigned int seed = 12345, op, i;
	size_t count = 0;

	cr_assert_not_null(t);
	for (op = 0; op < OPS; op++) {
		struct nl_vif_key k;
		struct nart_entry e;

		seed = seed * 1103515245 + 12345;
		i = (seed >> 8) % N;
		k = key_of(i);
		if ((seed >> 4) % 3) {
			e = entry(swa, (__u16)(1 + i % 255), op + 1);
			cr_assert_eq(nart_table_put(t, &k, &e), 0);
			if (!ref[i])
				count++;
			ref[i] = op + 1;
		} else {
			cr_assert_eq(nart_table_delete(t, &k), ref[i] != 0, "op %u key %u", op, i);
			if (ref[i])
				count--;
			ref[i] = 0;
		}
	}
	cr_assert_eq(nart_table_count(t), count);
	for (i = 0; i < N; i++) {
		struct nl_vif_key k = key_of(i);
		struct nart_entry got;
		bool found = nart_table_lookup(t, &k, &got);

		cr_assert_eq(found, ref[i] != 0, "key %u", i);
		if (found) {
			cr_assert_eq(got.version, ref[i]);
			cr_assert_eq(got.loc.port, 1 + i % 255);
		}
	}
	nart_table_free(t);
}

Test(table, apply_sequence)
{
	struct nart_table *t = nart_table_new(16);
	struct nlarp_fields m;
	struct nl_vif_key k = {.tenant = 100, .mac_as = 1};
	struct nart_entry got;
	struct nart_decision d;
	int err = 1;

	memcpy(k.mac, vm1, 6);
	m = msg(NLARP_HERE, swa, 7, 100);
	d = nart_table_apply(t, &m, &err);
	cr_assert_eq(d.action, NART_INSERT);
	cr_assert_eq(err, 0);
	cr_assert(nart_table_lookup(t, &k, &got));
	cr_assert_eq(got.version, 100);

	m = msg(NLARP_HERE, swb, 3, 99); /* stale */
	cr_assert_eq(nart_table_apply(t, &m, NULL).action, NART_IGNORE);
	cr_assert(nart_table_lookup(t, &k, &got));
	cr_assert_arr_eq(got.loc.switch_mac, swa, 6);

	m = msg(NLARP_HERE, swb, 3, 100); /* contradictory, swb wins */
	d = nart_table_apply(t, &m, NULL);
	cr_assert_eq(d.action, NART_UPDATE);
	cr_assert(d.contradictory);
	cr_assert(nart_table_lookup(t, &k, &got));
	cr_assert_arr_eq(got.loc.switch_mac, swb, 6);
	cr_assert_eq(got.loc.port, 3);

	m = msg(NLARP_NOT_HERE, swa, 7, 0); /* not where the entry points */
	cr_assert_eq(nart_table_apply(t, &m, NULL).action, NART_IGNORE);
	cr_assert_eq(nart_table_count(t), 1);

	m = msg(NLARP_NOT_HERE, swb, 3, 0);
	cr_assert_eq(nart_table_apply(t, &m, NULL).action, NART_DELETE);
	cr_assert_eq(nart_table_count(t), 0);
	cr_assert(!nart_table_lookup(t, &k, NULL));

	m = msg(NLARP_HERE, swa, 7, 200);
	cr_assert_eq(nart_table_apply(t, &m, NULL).action, NART_INSERT);
	m.flags = NLARP_F_GONE;
	m.loc_version = 199;
	cr_assert_eq(nart_table_apply(t, &m, NULL).action, NART_IGNORE);
	m.loc_version = 201;
	cr_assert_eq(nart_table_apply(t, &m, NULL).action, NART_DELETE);
	cr_assert_eq(nart_table_count(t), 0);
	nart_table_free(t);
}

/* two NAs that see the same two contradictory HEREs in opposite orders agree */
Test(table, tie_break_is_order_independent)
{
	struct nart_table *t1 = nart_table_new(4), *t2 = nart_table_new(4);
	struct nlarp_fields a = msg(NLARP_HERE, swa, 200, 42), b = msg(NLARP_HERE, swb, 1, 42);
	struct nl_vif_key k = {.tenant = 100, .mac_as = 1};
	struct nart_entry g1, g2;

	memcpy(k.mac, vm1, 6);
	nart_table_apply(t1, &a, NULL);
	nart_table_apply(t1, &b, NULL);
	nart_table_apply(t2, &b, NULL);
	nart_table_apply(t2, &a, NULL);
	cr_assert(nart_table_lookup(t1, &k, &g1));
	cr_assert(nart_table_lookup(t2, &k, &g2));
	cr_assert_eq(nart_loc_cmp(&g1.loc, &g2.loc), 0);
	cr_assert_arr_eq(g1.loc.switch_mac, swb, 6);
	nart_table_free(t1);
	nart_table_free(t2);
}

Test(table, apply_when_full)
{
	struct nart_table *t = nart_table_new(1);
	struct nlarp_fields m = msg(NLARP_HERE, swa, 7, 1);
	int err = 0;

	cr_assert_eq(nart_table_apply(t, &m, &err).action, NART_INSERT);
	m.mac[5] = 2;
	cr_assert_eq(nart_table_apply(t, &m, &err).action, NART_IGNORE);
	cr_assert_eq(err, -ENOSPC);
	cr_assert_eq(nart_table_count(t), 1);
	nart_table_free(t);
}

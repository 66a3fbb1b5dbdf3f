// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * NART-2 update decisions and the user-space shadow table; see
 * nart_logic.h for the rules.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nart_logic.h"

static const char *const nart_action_names[] = {
	[NART_IGNORE] = "ignore",
	[NART_INSERT] = "insert",
	[NART_UPDATE] = "update",
	[NART_DELETE] = "delete",
};

#define NART_REASON_NAME(n, str, help) [NART_R_##n] = str,
static const char *const nart_reason_names[NART_R_MAX] = {NART_REASONS(NART_REASON_NAME)};
#undef NART_REASON_NAME

const char *nart_action_name(enum nart_action a)
{
	if ((unsigned int)a > NART_DELETE)
		return "unknown";
	return nart_action_names[a];
}

const char *nart_reason_name(enum nart_reason r)
{
	if ((unsigned int)r >= NART_R_MAX)
		return "unknown";
	return nart_reason_names[r];
}

int nart_loc_cmp(const struct nart_loc *a, const struct nart_loc *b)
{
	int c = memcmp(a->switch_mac, b->switch_mac, 6);

	if (c)
		return c;
	return (int)a->port - (int)b->port;
}

static struct nart_decision decision(enum nart_action a, enum nart_reason r, bool contradictory)
{
	struct nart_decision d = {.action = a, .reason = r, .contradictory = contradictory};

	return d;
}

struct nart_decision nart_decide(const struct nart_entry *cur, const struct nlarp_fields *m)
{
	struct nart_loc loc;
	int c;

	memcpy(loc.switch_mac, m->switch_mac, 6);
	loc.port = m->port;

	switch (m->op) {
	case NLARP_HERE:
		if (m->flags & NLARP_F_GONE) {
			if (!cur)
				return decision(NART_IGNORE, NART_R_GONE_ABSENT, false);
			if (m->loc_version >= cur->version)
				return decision(NART_DELETE, NART_R_GONE, false);
			return decision(NART_IGNORE, NART_R_GONE_STALE, false);
		}
		if (!cur)
			return decision(NART_INSERT, NART_R_NEW, false);
		if (m->loc_version > cur->version)
			return decision(NART_UPDATE, NART_R_NEWER, false);
		if (m->loc_version < cur->version)
			return decision(NART_IGNORE, NART_R_STALE, false);
		c = nart_loc_cmp(&loc, &cur->loc);
		if (c == 0)
			return decision(NART_IGNORE, NART_R_DUPLICATE, false);
		if (c > 0)
			return decision(NART_UPDATE, NART_R_TIE_WON, true);
		return decision(NART_IGNORE, NART_R_TIE_LOST, true);
	case NLARP_NOT_HERE:
		if (!cur)
			return decision(NART_IGNORE, NART_R_NOT_HERE_ABSENT, false);
		if (nart_loc_cmp(&loc, &cur->loc) != 0)
			return decision(NART_IGNORE, NART_R_NOT_HERE_OTHER, false);
		if (m->loc_version != 0 && m->loc_version < cur->version)
			return decision(NART_IGNORE, NART_R_NOT_HERE_STALE, false);
		return decision(NART_DELETE, NART_R_NOT_HERE, false);
	default:
		return decision(NART_IGNORE, NART_R_NOT_APPLICABLE, false);
	}
}

__u64 nart_next_version(__u64 known, __u64 now_ms)
{
	__u64 next = known == UINT64_MAX ? UINT64_MAX : known + 1;

	return next > now_ms ? next : now_ms;
}

__u64 nart_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (__u64)ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

/* ---- table ------------------------------------------------------------------------------ */

struct nart_tslot {
	__u32 tag; /* 0: empty; else high hash bits | 1 */
	__u32 tenant;
	__u16 mac_as;
	__u8 mac[6];
	__u8 switch_mac[6];
	__u16 port;
	__u64 version;
};

_Static_assert(sizeof(struct nart_tslot) == 32, "one NART slot is 32 bytes");

struct nart_table {
	struct nart_tslot *slots;
	size_t mask;
	size_t count;
	size_t max_entries;
};

static __u64 key_hash(const struct nl_vif_key *k)
{
	__u64 a = (__u64)k->tenant | (__u64)k->mac_as << 32 | (__u64)k->mac[0] << 48 |
		  (__u64)k->mac[1] << 56;
	__u64 b = (__u64)k->mac[2] | (__u64)k->mac[3] << 8 | (__u64)k->mac[4] << 16 |
		  (__u64)k->mac[5] << 24;
	__u64 h = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL) * 0xc2b2ae3d27d4eb4fULL;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h;
}

static bool slot_is(const struct nart_tslot *s, __u32 tag, const struct nl_vif_key *k)
{
	return s->tag == tag && s->tenant == k->tenant && s->mac_as == k->mac_as &&
	       memcmp(s->mac, k->mac, 6) == 0;
}

struct nart_table *nart_table_new(size_t max_entries)
{
	struct nart_table *t;
	size_t cap = 16;

	if (max_entries == 0 || max_entries > SIZE_MAX / 4 / sizeof(struct nart_tslot))
		return NULL;
	while (cap < 2 * max_entries)
		cap <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->slots = calloc(cap, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return NULL;
	}
	t->mask = cap - 1;
	t->max_entries = max_entries;
	return t;
}

void nart_table_free(struct nart_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

/* index of the key's slot, or of the empty slot where it would go */
static size_t find_slot(const struct nart_table *t, const struct nl_vif_key *k, __u64 h)
{
	__u32 tag = (__u32)(h >> 32) | 1;
	size_t i = h & t->mask;

	/* load factor <= 0.5 guarantees an empty slot */
	while (t->slots[i].tag && !slot_is(&t->slots[i], tag, k))
		i = (i + 1) & t->mask;
	return i;
}

bool nart_table_lookup(const struct nart_table *t, const struct nl_vif_key *key,
		       struct nart_entry *out)
{
	const struct nart_tslot *s = &t->slots[find_slot(t, key, key_hash(key))];

	if (!s->tag)
		return false;
	if (out) {
		memcpy(out->loc.switch_mac, s->switch_mac, 6);
		out->loc.port = s->port;
		out->version = s->version;
	}
	return true;
}

int nart_table_put(struct nart_table *t, const struct nl_vif_key *key, const struct nart_entry *e)
{
	__u64 h = key_hash(key);
	struct nart_tslot *s = &t->slots[find_slot(t, key, h)];

	if (!s->tag) {
		if (t->count >= t->max_entries)
			return -ENOSPC;
		s->tag = (__u32)(h >> 32) | 1;
		s->tenant = key->tenant;
		s->mac_as = key->mac_as;
		memcpy(s->mac, key->mac, 6);
		t->count++;
	}
	memcpy(s->switch_mac, e->loc.switch_mac, 6);
	s->port = e->loc.port;
	s->version = e->version;
	return 0;
}

static size_t slot_home(const struct nart_table *t, const struct nart_tslot *s)
{
	struct nl_vif_key k = {.tenant = s->tenant, .mac_as = s->mac_as};

	memcpy(k.mac, s->mac, 6);
	return key_hash(&k) & t->mask;
}

bool nart_table_delete(struct nart_table *t, const struct nl_vif_key *key)
{
	size_t i = find_slot(t, key, key_hash(key));
	size_t j = i;

	if (!t->slots[i].tag)
		return false;
	/* backward-shift: pull later members of the probe run into the hole */
	for (;;) {
		size_t home;

		j = (j + 1) & t->mask;
		if (!t->slots[j].tag)
			break;
		home = slot_home(t, &t->slots[j]);
		/* move j to i unless its home lies cyclically in (i, j] */
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->count--;
	return true;
}

size_t nart_table_count(const struct nart_table *t)
{
	return t->count;
}

size_t nart_table_capacity(const struct nart_table *t)
{
	return t->mask + 1;
}

size_t nart_table_mem_bytes(const struct nart_table *t)
{
	return sizeof(*t) + (t->mask + 1) * sizeof(struct nart_tslot);
}

struct nart_decision nart_table_apply(struct nart_table *t, const struct nlarp_fields *m, int *err)
{
	struct nl_vif_key key = {.tenant = m->tenant, .mac_as = m->mac_as};
	__u64 h;
	struct nart_tslot *s;
	struct nart_entry cur;
	struct nart_decision d;
	int ret = 0;

	memcpy(key.mac, m->mac, 6);
	h = key_hash(&key);
	s = &t->slots[find_slot(t, &key, h)];
	if (s->tag) {
		memcpy(cur.loc.switch_mac, s->switch_mac, 6);
		cur.loc.port = s->port;
		cur.version = s->version;
	}
	d = nart_decide(s->tag ? &cur : NULL, m);
	switch (d.action) {
	case NART_INSERT:
		if (t->count >= t->max_entries) {
			ret = -ENOSPC;
			d.action = NART_IGNORE;
			break;
		}
		s->tag = (__u32)(h >> 32) | 1;
		s->tenant = key.tenant;
		s->mac_as = key.mac_as;
		memcpy(s->mac, key.mac, 6);
		t->count++;
		/* fallthrough */
	case NART_UPDATE:
		memcpy(s->switch_mac, m->switch_mac, 6);
		s->port = m->port;
		s->version = m->loc_version;
		break;
	case NART_DELETE:
		nart_table_delete(t, &key);
		break;
	case NART_IGNORE:
		break;
	}
	if (err)
		*err = ret;
	return d;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* NL-ARP ordering decisions (nart_rules.h). */
#include <stdint.h>
#include <string.h>

#include "nart_rules.h"

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

static __u64 max64(__u64 a, __u64 b)
{
	return a > b ? a : b;
}

/* the tombstone a withdrawal of @loc at version @v leaves; @floor: the entry's version */
static struct nart_decision with_tomb(struct nart_decision d, const struct nart_loc *loc, __u64 v,
				      __u64 floor, const struct nart_tomb *old)
{
	d.tomb = true;
	d.t.loc = *loc;
	d.t.gone = max64(v, floor);
	/* an older tombstone's floor stays: those HEREs are still stale */
	d.t.floor = max64(floor, old ? old->floor : 0);
	if (old && !nart_loc_cmp(&old->loc, loc))
		d.t.gone = max64(d.t.gone, old->gone);
	return d;
}

static struct nart_decision decide_here(const struct nart_entry *cur, const struct nart_tomb *tomb,
					const struct nart_loc *loc, __u64 v)
{
	int c;

	if (!cur) {
		if (tomb &&
		    (v <= tomb->floor || (!nart_loc_cmp(loc, &tomb->loc) && v <= tomb->gone)))
			return decision(NART_IGNORE, NART_R_WITHDRAWN, false);
		return decision(NART_INSERT, NART_R_NEW, false);
	}
	if (v > cur->version)
		return decision(NART_UPDATE, NART_R_NEWER, false);
	if (v < cur->version)
		return decision(NART_IGNORE, NART_R_STALE, false);
	c = nart_loc_cmp(loc, &cur->loc);
	if (c == 0)
		return decision(NART_IGNORE, NART_R_DUPLICATE, false);
	if (c > 0)
		return decision(NART_UPDATE, NART_R_TIE_WON, true);
	return decision(NART_IGNORE, NART_R_TIE_LOST, true);
}

static struct nart_decision decide_gone(const struct nart_entry *cur, const struct nart_tomb *tomb,
					const struct nart_loc *loc, __u64 v)
{
	struct nart_decision d;

	if (!cur)
		return with_tomb(decision(NART_IGNORE, NART_R_GONE_ABSENT, false), loc, v, 0, tomb);
	if (nart_loc_cmp(loc, &cur->loc) != 0)
		return decision(NART_IGNORE, NART_R_GONE_OTHER, false);
	if (v < cur->version)
		return decision(NART_IGNORE, NART_R_GONE_STALE, false);
	d = decision(NART_DELETE, NART_R_GONE, false);
	return with_tomb(d, loc, v, cur->version, tomb);
}

static struct nart_decision decide_not_here(const struct nart_entry *cur,
					    const struct nart_tomb *tomb,
					    const struct nart_loc *loc, __u64 v)
{
	if (!cur)
		return decision(NART_IGNORE, NART_R_NOT_HERE_ABSENT, false);
	if (nart_loc_cmp(loc, &cur->loc) != 0)
		return decision(NART_IGNORE, NART_R_NOT_HERE_OTHER, false);
	if (v != 0 && v < cur->version)
		return decision(NART_IGNORE, NART_R_NOT_HERE_STALE, false);
	return with_tomb(decision(NART_DELETE, NART_R_NOT_HERE, false), loc, v, cur->version, tomb);
}

struct nart_decision nart_decide(const struct nart_entry *cur, const struct nart_tomb *tomb,
				 const struct nart_loc *self, const struct nlarp_fields *m)
{
	struct nart_loc loc;
	bool withdrawal;

	memcpy(loc.switch_mac, m->switch_mac, 6);
	loc.port = m->port;
	withdrawal = m->op == NLARP_NOT_HERE || (m->op == NLARP_HERE && (m->flags & NLARP_F_GONE));
	if (withdrawal && self && !nart_loc_cmp(&loc, self))
		return decision(NART_IGNORE, NART_R_SELF, false);
	switch (m->op) {
	case NLARP_HERE:
		if (m->flags & NLARP_F_GONE)
			return decide_gone(cur, tomb, &loc, m->loc_version);
		return decide_here(cur, tomb, &loc, m->loc_version);
	case NLARP_NOT_HERE:
		return decide_not_here(cur, tomb, &loc, m->loc_version);
	default:
		return decision(NART_IGNORE, NART_R_NOT_APPLICABLE, false);
	}
}

static int vif_cmp(__u16 as_a, const __u8 *mac_a, __u16 as_b, const __u8 *mac_b)
{
	if (as_a != as_b)
		return (int)as_a - (int)as_b;
	return memcmp(mac_a, mac_b, 6);
}

bool nart1_may_rebind(__u16 cur_mac_as, const __u8 cur_mac[6], __u64 cur_v, __u16 mac_as,
		      const __u8 mac[6], __u64 v)
{
	int c = vif_cmp(mac_as, mac, cur_mac_as, cur_mac);

	if (c == 0)
		return true;
	if (v != cur_v)
		return v > cur_v;
	return c > 0;
}

__u64 nart_next_version(__u64 known, __u64 now_ms)
{
	__u64 next = known == UINT64_MAX ? UINT64_MAX : known + 1;

	return next > now_ms ? next : now_ms;
}

__u64 nart_next_version_floor(__u64 known, __u64 now_ms, __u64 floor)
{
	return nart_next_version(known > floor ? known : floor, now_ms);
}

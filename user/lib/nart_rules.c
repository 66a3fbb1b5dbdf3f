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

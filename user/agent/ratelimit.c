// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Per-key token buckets in a fixed-size table: the WHERE storm guard.  A
 * key hashes to one slot; a different key taking the slot starts with a
 * fresh bucket (the table only has to bound memory, not be exact: the
 * datapath already deduplicates identical events).
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#define RL_KEY_MAX 32

struct rl_slot {
	__u8 key[RL_KEY_MAX];
	__u8 keylen;
	bool used;
	double tokens;
	__u64 last_ms;
};

struct na_ratelimit {
	unsigned int nslots;
	double rate, burst;
	struct rl_slot slots[];
};

struct na_ratelimit *na_rl_new(unsigned int slots, double rate, double burst)
{
	struct na_ratelimit *rl;

	if (!slots || rate <= 0 || burst < 1)
		return NULL;
	rl = calloc(1, sizeof(*rl) + slots * sizeof(struct rl_slot));
	if (!rl)
		return NULL;
	rl->nslots = slots;
	rl->rate = rate;
	rl->burst = burst;
	return rl;
}

void na_rl_free(struct na_ratelimit *rl)
{
	free(rl);
}

static __u64 fnv1a(const __u8 *p, size_t n)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

bool na_rl_allow(struct na_ratelimit *rl, const void *key, size_t keylen, __u64 now_ms)
{
	struct rl_slot *s;

	if (keylen > RL_KEY_MAX)
		keylen = RL_KEY_MAX;
	s = &rl->slots[fnv1a(key, keylen) % rl->nslots];
	if (!s->used || s->keylen != keylen || memcmp(s->key, key, keylen)) {
		memcpy(s->key, key, keylen);
		s->keylen = (__u8)keylen;
		s->used = true;
		s->tokens = rl->burst;
		s->last_ms = now_ms;
	} else if (now_ms > s->last_ms) {
		s->tokens += (double)(now_ms - s->last_ms) * rl->rate / 1000.0;
		if (s->tokens > rl->burst)
			s->tokens = rl->burst;
		s->last_ms = now_ms;
	}
	if (s->tokens < 1.0)
		return false;
	s->tokens -= 1.0;
	return true;
}

int na_scan_guard_init(struct na_scan_guard *g)
{
	g->per_vif = na_rl_new(4096, NA_SCAN_VIF_RATE, NA_SCAN_VIF_BURST);
	g->all = na_rl_new(1, NA_SCAN_ALL_RATE, NA_SCAN_ALL_BURST);
	if (!g->per_vif || !g->all) {
		na_scan_guard_free(g);
		return -1;
	}
	return 0;
}

void na_scan_guard_free(struct na_scan_guard *g)
{
	na_rl_free(g->per_vif);
	na_rl_free(g->all);
	g->per_vif = g->all = NULL;
}

bool na_scan_guard_allow(struct na_scan_guard *g, __u32 ifindex, __u64 now_ms)
{
	static const __u32 all_key;

	/* the VIF's own budget first, so one scanning VM cannot drain the global one */
	if (ifindex && !na_rl_allow(g->per_vif, &ifindex, sizeof(ifindex), now_ms))
		return false;
	return na_rl_allow(g->all, &all_key, sizeof(all_key), now_ms);
}

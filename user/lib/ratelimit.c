// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Per-key token buckets in a fixed-size table (the agent's WHERE guards).  A
 * key hashes to one slot; a different key taking the slot starts with a
 * fresh bucket (the table only has to bound memory, not be exact: the
 * datapath already deduplicates identical events).
 */
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

#define RL_KEY_MAX 32

struct rl_slot {
	__u8 key[RL_KEY_MAX];
	__u8 keylen;
	bool used;
	double tokens;
	__u64 last_ms;
};

struct nl_ratelimit {
	unsigned int nslots;
	double rate, burst;
	struct rl_slot slots[];
};

struct nl_ratelimit *nl_rl_new(unsigned int slots, double rate, double burst)
{
	struct nl_ratelimit *rl;

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

void nl_rl_free(struct nl_ratelimit *rl)
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

bool nl_rl_allow(struct nl_ratelimit *rl, const void *key, size_t keylen, __u64 now_ms)
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

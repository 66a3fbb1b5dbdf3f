// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * NL-ARP replay protection (nlarp_replay.h): a bounded, set-associative
 * table of senders, each with a highest sequence number and a 64-bit
 * sliding window per channel (RFC 4303 section 3.4.3's anti-replay window).
 * The set of a sender is chosen by a hash seeded at random, so nobody can
 * aim a flood at one set.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "nlarp_replay.h"

static unsigned int pow2_at_least(unsigned int n)
{
	unsigned int p = 1;

	while (p < n && p < (1U << 30))
		p <<= 1;
	return p;
}

int nlarp_replay_init(struct nlarp_replay *r, unsigned int max_peers)
{
	memset(r, 0, sizeof(*r));
	if (max_peers < NLARP_REPLAY_PEERS_MIN || max_peers > NLARP_REPLAY_PEERS_MAX)
		return -EINVAL;
	r->sets = pow2_at_least((max_peers + NLARP_REPLAY_WAYS - 1) / NLARP_REPLAY_WAYS);
	r->peers = calloc((size_t)r->sets * NLARP_REPLAY_WAYS, sizeof(*r->peers));
	if (!r->peers)
		return -ENOMEM;
	if (getrandom(&r->seed, sizeof(r->seed), 0) != sizeof(r->seed))
		r->seed = (__u64)(uintptr_t)r->peers ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}

void nlarp_replay_free(struct nlarp_replay *r)
{
	free(r->peers);
	r->peers = NULL;
	r->sets = 0;
	r->live = 0;
}

unsigned int nlarp_replay_capacity(const struct nlarp_replay *r)
{
	return r->sets * NLARP_REPLAY_WAYS;
}

unsigned int nlarp_replay_count(const struct nlarp_replay *r)
{
	unsigned int n = 0;

	for (size_t i = 0; i < (size_t)r->sets * NLARP_REPLAY_WAYS; i++)
		n += r->peers[i].used;
	return n;
}

/* splitmix64's finaliser over the seeded sender identity */
static unsigned int set_of(const struct nlarp_replay *r, const __u8 sw[6], __u16 port)
{
	__u64 x = r->seed;

	for (int i = 0; i < 6; i++)
		x = (x << 8 | x >> 56) ^ sw[i];
	x ^= (__u64)port << 48;
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (unsigned int)(x & (r->sets - 1));
}

/* NLARP_REPLAY_NEW if @seq was not accepted yet on this channel */
static bool seq_new(const struct nlarp_peer *p, int ch, __u64 seq)
{
	__u64 d;

	if (seq > p->top[ch])
		return true;
	d = p->top[ch] - seq;
	if (d >= NLARP_AUTH_REPLAY_WIN)
		return false;
	return !(p->bitmap[ch] >> d & 1);
}

static void seq_commit(struct nlarp_peer *p, int ch, __u64 seq, __u64 ts)
{
	if (seq > p->top[ch]) {
		__u64 shift = seq - p->top[ch];

		p->bitmap[ch] = shift >= NLARP_AUTH_REPLAY_WIN ? 0 : p->bitmap[ch] << shift;
		p->bitmap[ch] |= 1;
		p->top[ch] = seq;
	} else {
		p->bitmap[ch] |= 1ULL << (p->top[ch] - seq);
	}
	if (ts > p->last_ts)
		p->last_ts = ts;
}

enum nlarp_replay_verdict nlarp_replay_check(struct nlarp_replay *r, const __u8 sw[6], __u16 port,
					     bool unicast, __u64 seq, __u64 ts, bool commit)
{
	struct nlarp_peer *set = &r->peers[(size_t)set_of(r, sw, port) * NLARP_REPLAY_WAYS];
	struct nlarp_peer *victim = NULL, *p = NULL;
	int ch = unicast ? 1 : 0;

	for (int i = 0; i < NLARP_REPLAY_WAYS; i++) {
		struct nlarp_peer *q = &set[i];

		if (q->used && q->port == port && !memcmp(q->sw, sw, 6)) {
			p = q;
			break;
		}
		if (!q->used)
			victim = victim && !victim->used ? victim : q;
		else if (!victim || (victim->used && q->last_ts < victim->last_ts))
			victim = q;
	}
	if (p) {
		if (!seq_new(p, ch, seq))
			return NLARP_REPLAY_SEEN;
		if (commit)
			seq_commit(p, ch, seq, ts);
		return NLARP_REPLAY_NEW;
	}
	if (!commit)
		return NLARP_REPLAY_NEW;
	if (victim->used)
		r->evictions++;
	else
		r->live++;
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	memcpy(victim->sw, sw, 6);
	victim->port = port;
	seq_commit(victim, ch, seq, ts);
	return NLARP_REPLAY_NEW;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * NL-ARP replay protection (issue 10 item 2, for the messages of patent
 * Fig. 5): per sender (its edge switch MAC and port, from the authenticated
 * body) and per channel (broadcast, unicast) the highest sequence number
 * accepted and a 64-bit sliding window below it, as IPsec's anti-replay
 * window (RFC 4303 section 3.4.3).  Memory is bounded: a set-associative
 * table, the sender with the oldest timestamp evicted from a full set.
 * Only authentic messages reach this table, so only a key holder can force
 * evictions; a sender that was evicted is protected by the clock window
 * alone until it is remembered again (docs/wire-format.md 4.1).  Its size
 * is chosen at start (`attach --nlarp-senders`, docs/scale.md): every
 * other NA of the fleet is a sender, so a fleet of more servers than the
 * table holds evicts all the time (counted).
 */
#ifndef NL_NLARP_REPLAY_H
#define NL_NLARP_REPLAY_H

#include <stdbool.h>
#include <linux/types.h>

#define NLARP_AUTH_REPLAY_WIN	 64	 /* sequence numbers remembered below the highest */
#define NLARP_AUTH_DEFAULT_PEERS 16384	 /* senders remembered (about 1 MiB) */
#define NLARP_REPLAY_PEERS_MIN	 4	 /* the smallest table: one set */
#define NLARP_REPLAY_PEERS_MAX	 4194304 /* the largest: 224 MiB */
#define NLARP_REPLAY_WAYS	 4

/* one remembered sender (its switch MAC and port) */
struct nlarp_peer {
	__u8 sw[6];
	__u16 port;
	bool used;
	__u64 last_ts;	 /* highest accepted timestamp */
	__u64 top[2];	 /* highest accepted sequence number per channel */
	__u64 bitmap[2]; /* bit i: top - i was accepted */
};

/*
 * The receiver's replay state: a set-associative table of senders (4 ways),
 * bounded; when a set is full the sender with the oldest timestamp goes.
 */
struct nlarp_replay {
	struct nlarp_peer *peers;
	unsigned int sets; /* power of 2; 4 peers each */
	unsigned int live; /* senders remembered now */
	__u64 seed;
	__u64 evictions; /* senders forgotten to make room (the table was full) */
};
/*
 * Room for at least @max_peers senders (rounded up to a power of 2, at most
 * twice as many): 0, -EINVAL outside NLARP_REPLAY_PEERS_MIN..MAX, -ENOMEM
 */
int nlarp_replay_init(struct nlarp_replay *r, unsigned int max_peers);
void nlarp_replay_free(struct nlarp_replay *r);
/* senders the table holds at most */
unsigned int nlarp_replay_capacity(const struct nlarp_replay *r);
/* senders remembered, counted slot by slot (r->live is kept as they come and go) */
unsigned int nlarp_replay_count(const struct nlarp_replay *r);

enum nlarp_replay_verdict {
	NLARP_REPLAY_NEW,  /* fresh: accept (and commit) */
	NLARP_REPLAY_SEEN, /* already accepted, or below the window */
};
/*
 * Check sequence number @seq of channel @unicast from sender (@sw, @port)
 * with timestamp @ts; with @commit, record it if it is new (evicting a
 * sender if the set is full).
 */
enum nlarp_replay_verdict nlarp_replay_check(struct nlarp_replay *r, const __u8 sw[6], __u16 port,
					     bool unicast, __u64 seq, __u64 ts, bool commit);

#endif /* NL_NLARP_REPLAY_H */

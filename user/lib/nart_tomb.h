/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Tombstones of NART-2 keys (patent [0031]-[0033], docs/nlarp-ordering.md):
 * what a withdrawal (HERE+GONE, NOT-HERE) leaves so that a delayed HERE
 * for the withdrawn place cannot bring the VIF back.  Bounded in number
 * (NART_TOMBS records, the oldest evicted first when full) and in time
 * (NART_TOMB_TTL_MS).  The records live in an mmapable BPF array that the
 * agent pins next to the tables (the datapath never reads it), so they
 * survive an agent restart; or in private memory (fd -1).
 */
#ifndef NL_NART_TOMB_H
#define NL_NART_TOMB_H

#include <stdbool.h>

#include "nart_rules.h"

#define NART_TOMBS	 16384	/* records; 48 B each: 768 KiB + a 128 KiB index */
#define NART_TOMB_TTL_MS 120000 /* 2 min: above any NL-ARP message's life in the fabric */

/* one array element (index 0 is the header) */
struct nart_tomb_rec {
	__u32 key[3]; /* NART-2 key words; tenant 0 = dead */
	__u8 switch_mac[6];
	__u16 port;
	__u32 pad;
	__u64 gone, floor;
	__u64 expires_ms; /* CLOCK_REALTIME ms */
};

struct nart_tombs_stats {
	__u64 added, expired, evicted; /* evicted: dropped before their time (full) */
	__u32 live, cap;
};

struct nart_tombs;

/*
 * @fd: mmapable BPF array (value struct nart_tomb_rec, cap + 1 entries)
 * whose records are re-adopted, or -1 for private memory of @cap records.
 * NULL with errno set on failure.
 */
struct nart_tombs *nart_tombs_open(int fd, __u32 cap);
void nart_tombs_close(struct nart_tombs *t);
/* the live tombstone of @key at time @now_ms (realtime) */
bool nart_tombs_get(struct nart_tombs *t, const __u32 key[3], __u64 now_ms, struct nart_tomb *out);
/* record (or replace) the tombstone of @key, alive until now + NART_TOMB_TTL_MS */
void nart_tombs_put(struct nart_tombs *t, const __u32 key[3], const struct nart_tomb *tb,
		    __u64 now_ms);
void nart_tombs_del(struct nart_tombs *t, const __u32 key[3]);
/* forget every tombstone */
void nart_tombs_clear(struct nart_tombs *t);
struct nart_tombs_stats nart_tombs_get_stats(const struct nart_tombs *t);
/* bytes of memory: records (kernel or private) and the index (private) */
size_t nart_tombs_bytes(const struct nart_tombs *t);

#endif /* NL_NART_TOMB_H */

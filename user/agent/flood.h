/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The members of each MAC space for tenant broadcast and multicast
 * (issue 11; docs/wire-format.md section 3): for every (tenant, MAC_AS)
 * with a VIF on this server, map nl_flood_groups holds the local member
 * VIFs and the other servers hosting a VIF of it, read from NART-2 (the
 * locations HEREs taught, [0030]-[0032]).  Rebuilt after a VIF change
 * (na_flood_touch() from vif.c) and after NART-2 changed (its write
 * counters), at most every NA_FLOOD_MIN_GAP_MS for NART-2 changes.
 */
#ifndef NA_FLOOD_H
#define NA_FLOOD_H

#include <stdbool.h>

#include "location.h"
#include "maps.h"
#include "nart_store.h"

#define NA_FLOOD_MIN_GAP_MS 100

struct na_flood {
	const struct na_maps *maps; /* local VIFs, nl_flood_groups */
	struct nart_store *tables;  /* NART-2 and the switch array */
	const struct na_location *loc;
	bool dirty;	    /* a local VIF came or went */
	__u64 nart2_writes; /* NART-2 inserts + updates + deletes at the last build */
	__u64 last_ms;	    /* CLOCK_MONOTONIC ms of the last build */
	/* what the last build wrote */
	__u32 groups;	 /* MAC spaces with a VIF here */
	__u32 remotes;	 /* (MAC space, remote server) pairs */
	__u32 truncated; /* MAC spaces on more other servers than flooded (NL_FLOOD_MAX_SERVERS) */
	__u64 builds;
};

/* a local VIF was added or removed: rebuild at the next na_flood_sync() */
void na_flood_touch(struct na_flood *f);

/*
 * Rebuild nl_flood_groups when a VIF changed, or NART-2 changed and the
 * last build is NA_FLOOD_MIN_GAP_MS old (@now_ms, monotonic).  0 or -errno.
 */
int na_flood_sync(struct na_flood *f, __u64 now_ms);

/*
 * The token bucket of flooded frames per VIF into the datapath's
 * configuration (0: the defaults NL_FLOOD_VIF_PER_S / NL_FLOOD_VIF_BURST).
 * 0 or -errno.
 */
int na_flood_config(const struct na_maps *m, __u32 per_s, __u32 burst);

/* Rebuild now. 0 or -errno (-ENOMEM). */
int na_flood_build(struct na_flood *f);

#endif /* NA_FLOOD_H */

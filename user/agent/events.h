/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The datapath's ring buffer (struct nl_event): NART misses become WHERE
 * broadcasts (within the scan guard), reports of traffic for a VIF not
 * hosted here become NOT-HERE, a missing VLAN towards an egress switch
 * re-fetches the VLAN table.
 */
#ifndef NA_EVENTS_H
#define NA_EVENTS_H

#include "resolver.h"
#include "scan_guard.h"
#include "stats.h"
#include "vlan_config.h"

struct ring_buffer;
struct nl_ratelimit;

struct na_events {
	struct ring_buffer *rb;
	struct na_resolver *res;
	struct na_vlan_config *vc;
	struct na_stats *st;
	struct na_scan_guard scan;
	struct nl_ratelimit *vlan_rl; /* VLAN-miss re-fetches per switch */
	int budget;		      /* events left in this wake-up */
};

/* 0 or -errno */
int na_events_open(struct na_events *ev, int events_map_fd);
int na_events_fd(const struct na_events *ev);
/* handle the queued events, at most NA_DRAIN_BUDGET (drain.h) */
void na_events_consume(struct na_events *ev);
void na_events_close(struct na_events *ev);

#endif /* NA_EVENTS_H */

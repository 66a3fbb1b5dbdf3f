/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The scan guard: bounds the WHEREs that misses can cause, per VIF that
 * caused them and for the whole agent, whatever the number of distinct
 * destinations (a per-destination limit alone lets an address scan through).
 */
#ifndef NA_SCAN_GUARD_H
#define NA_SCAN_GUARD_H

#include <stdbool.h>
#include <linux/types.h>

#define NA_SCAN_VIF_RATE  20.0 /* WHEREs per second caused by one VIF */
#define NA_SCAN_VIF_BURST 50.0
#define NA_SCAN_ALL_RATE  500.0 /* WHEREs per second for the whole agent */
#define NA_SCAN_ALL_BURST 1000.0

struct nl_ratelimit;

struct na_scan_guard {
	struct nl_ratelimit *per_vif, *all;
};

/* 0 or -ENOMEM */
int na_scan_guard_init(struct na_scan_guard *g);
void na_scan_guard_free(struct na_scan_guard *g);
/* one WHERE caused by VIF @ifindex (0: not caused by a VIF) at @now_ms; true if allowed */
bool na_scan_guard_allow(struct na_scan_guard *g, __u32 ifindex, __u64 now_ms);

#endif /* NA_SCAN_GUARD_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The WHERE scan guard (scan_guard.h). */
#include <errno.h>

#include "ratelimit.h"
#include "scan_guard.h"

int na_scan_guard_init(struct na_scan_guard *g)
{
	g->per_vif = nl_rl_new(4096, NA_SCAN_VIF_RATE, NA_SCAN_VIF_BURST);
	g->all = nl_rl_new(1, NA_SCAN_ALL_RATE, NA_SCAN_ALL_BURST);
	if (!g->per_vif || !g->all) {
		na_scan_guard_free(g);
		return -ENOMEM;
	}
	return 0;
}

void na_scan_guard_free(struct na_scan_guard *g)
{
	nl_rl_free(g->per_vif);
	nl_rl_free(g->all);
	g->per_vif = g->all = NULL;
}

bool na_scan_guard_allow(struct na_scan_guard *g, __u32 ifindex, __u64 now_ms)
{
	static const __u32 all_key;

	/* the VIF's own budget first, so one scanning VM cannot drain the global one */
	if (ifindex && !nl_rl_allow(g->per_vif, &ifindex, sizeof(ifindex), now_ms))
		return false;
	return nl_rl_allow(g->all, &all_key, sizeof(all_key), now_ms);
}

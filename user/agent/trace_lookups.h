/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The lookups of `na-loader trace`: the table lookups the datapath makes for
 * a frame (patent Fig. 7 for a VM's frame: source VIF, proxy ARP, subnet,
 * NART-1, NART-2, switch array / VLAN table row, local VIFs; Fig. 10 for the
 * uplink: the local VIF), replayed in user space on the same pinned maps in
 * the same order, with their results.  A replay, not a record: the datapath
 * has no trace hook, so tracing costs the datapath nothing (issue 14).
 */
#ifndef NA_TRACE_LOOKUPS_H
#define NA_TRACE_LOOKUPS_H

#include <stdbool.h>
#include <stdio.h>

#include "maps.h"
#include "netlord.h"
#include "trace.h"

#define NA_TRACE_MAX_LOOKUPS 12

struct na_trace_lookup {
	const char *table; /* "vifs", "nart1", "subnets", "nart2", "switches", "local_vifs" */
	char key[96];
	bool hit;
	char result[160];
};

/* fills @l (at most NA_TRACE_MAX_LOOKUPS); the number of lookups */
int na_trace_lookups(const struct na_maps *m, const struct nl_config *cfg,
		     const struct na_trace_in *in, struct na_trace_lookup *l);
void na_trace_lookups_text(FILE *out, const struct na_trace_lookup *l, int n);
void na_trace_lookups_json(FILE *out, const struct na_trace_lookup *l, int n);

#endif /* NA_TRACE_LOOKUPS_H */

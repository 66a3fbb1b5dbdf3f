/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tenants' distributed virtual router on this server (patent Fig. 7
 * steps 705-715 and [0044]: the destination's subnet gives its MAC space;
 * [0013] a tenant's subnets and virtual routers; [0053] the public tenant's
 * routes to its gateways; issue 16): the one user-space owner of the
 * datapath's LPM maps "subnets" and "subnets6".  Two sources want entries
 * there:
 *  - the VIFs hosted here: the connected subnet of each address a VIF was
 *    given (`vif add --ip/--prefix/--router`, `--ip6/--router6`);
 *  - the tenants file in force (tenant_net.h): every subnet and static
 *    route of each tenant that has at least one VIF here.
 * na_vrouter_sync() recomputes what both want and changes the maps by
 * difference: an entry that stays is never removed and re-added (traffic
 * never sees a hole), a changed one is replaced in place, removals come
 * last.  Each entry records which sources want it (its origin bits), so
 * deleting a VIF never removes a subnet the file installed and a new file
 * never removes a VIF's subnet, also across an agent restart (the maps are
 * pinned).  When both define the same prefix, the file's entry is used.
 */
#ifndef NA_VROUTER_H
#define NA_VROUTER_H

#include <stdbool.h>

#include "maps.h"
#include "tenants.h"

struct na_vrouter_stats {
	unsigned int added, changed, removed, kept;
	unsigned int tenants; /* tenants of the file applied (hosted here) */
};

/*
 * Bring maps "subnets"/"subnets6" of @m to what the local VIFs and @file
 * (may be NULL: no file) want.  @file_known: @file is the file in force
 * (or NULL after one was withdrawn); false before any file came into force
 * since the agent started, when the entries a former run installed from a
 * file are left as they are until the file is known again.  @st may be
 * NULL.  0 or the first -errno of a map update (the others are still
 * applied).
 */
int na_vrouter_sync(const struct na_maps *m, const struct nl_tenants *file, bool file_known,
		    struct na_vrouter_stats *st);

#endif /* NA_VROUTER_H */

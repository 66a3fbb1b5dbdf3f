/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Lookups of the VIFs hosted on this server, in the pinned maps nl_vifs
 * (ifindex -> struct nl_vif), nl_local_vifs (VIF key -> ifindex) and the
 * index nl_local_ips ((tenant, IP) -> ifindex): what a WHERE asks about,
 * in O(1); what VIF lifecycle and announcements walk.
 */
#ifndef NA_LOCAL_VIFS_H
#define NA_LOCAL_VIFS_H

#include <stdbool.h>

#include "maps.h"

/* the local VIF with key @k */
bool na_local_vif_find(const struct na_maps *m, const struct nl_vif_key *k, struct nl_vif *out);
/* the local VIF of @tenant with address @ip */
bool na_local_vif_by_ip(const struct na_maps *m, __u32 tenant, __be32 ip, struct nl_vif *out);
/* index VIF @v by (tenant, IP) once it is in nl_vifs; 0 or -errno */
int na_local_vif_index_add(const struct na_maps *m, const struct nl_vif *v);
/* drop @v's index entry (only if it still names @v's ifindex) */
void na_local_vif_index_del(const struct na_maps *m, const struct nl_vif *v);
/* the index again from nl_vifs (agent start); 0 or -errno */
int na_local_vif_index_rebuild(const struct na_maps *m);
/* calls @fn for every local VIF until it returns non-zero (returned) */
int na_local_vif_foreach(const struct na_maps *m, int (*fn)(const struct nl_vif *v, void *ctx),
			 void *ctx);

#endif /* NA_LOCAL_VIFS_H */

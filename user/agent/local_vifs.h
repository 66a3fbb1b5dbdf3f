/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Lookups of the VIFs hosted on this server, in the pinned maps nl_vifs
 * (ifindex -> struct nl_vif) and nl_local_vifs (VIF key -> ifindex): what
 * a WHERE asks about, what VIF lifecycle and announcements walk.
 */
#ifndef NA_LOCAL_VIFS_H
#define NA_LOCAL_VIFS_H

#include <stdbool.h>

#include "maps.h"

/* the local VIF with key @k */
bool na_local_vif_find(const struct na_maps *m, const struct nl_vif_key *k, struct nl_vif *out);
/* the local VIF of @tenant with address @ip */
bool na_local_vif_by_ip(const struct na_maps *m, __u32 tenant, __be32 ip, struct nl_vif *out);
/* calls @fn for every local VIF until it returns non-zero (returned) */
int na_local_vif_foreach(const struct na_maps *m, int (*fn)(const struct nl_vif *v, void *ctx),
			 void *ctx);

#endif /* NA_LOCAL_VIFS_H */

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
/*
 * The IPv6 side of the local VIF on @ifindex (map nl_vif_ip6s: addresses,
 * prefix lengths, router; docs/ipv6.md) into @out, all zero (count 0) if
 * it has none.  For other modules of the agent (DHCPv6, RA, persistence).
 */
void na_vif_ip6_get(const struct na_maps *m, __u32 ifindex, struct nl_vif_ip6 *out);
/* the local VIF of @tenant with IPv6 address @ip6 */
bool na_local_vif_by_ip6(const struct na_maps *m, __u32 tenant, const __u8 ip6[16],
			 struct nl_vif *out);
/* index VIF @v by (tenant, IP) and (tenant, IPv6) once it is in nl_vifs (and
 * nl_vif_ip6s); 0 or -errno */
int na_local_vif_index_add(const struct na_maps *m, const struct nl_vif *v);
/* drop @v's index entries (only those that still name @v's ifindex) */
void na_local_vif_index_del(const struct na_maps *m, const struct nl_vif *v);
/* the index again from nl_vifs (agent start); 0 or -errno */
int na_local_vif_index_rebuild(const struct na_maps *m);
/* calls @fn for every local VIF until it returns non-zero (returned) */
int na_local_vif_foreach(const struct na_maps *m, int (*fn)(const struct nl_vif *v, void *ctx),
			 void *ctx);

#endif /* NA_LOCAL_VIFS_H */

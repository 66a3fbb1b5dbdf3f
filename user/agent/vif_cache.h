/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The VIF cache (map "vif_cache", include/netlord.h): the VIFs of this
 * server (patent Fig. 2, the NA's VIF table) again in an array indexed by
 * ifindex & (NL_VIF_CACHE_SLOTS - 1), so the datapath finds a sending VIF
 * without hashing its ifindex (docs/performance.md).  A slot is written only
 * while free and before the VIF's tc program is attached, and cleared after
 * it is detached: readers never see a half-written VIF under its ifindex.
 */
#ifndef NA_VIF_CACHE_H
#define NA_VIF_CACHE_H

#include "maps.h"

/* @v in its slot if the slot is free (else @v stays in map "vifs" only); 0 or -errno */
int na_vif_cache_put(const struct na_maps *m, const struct nl_vif *v);
/* clears the slot of @ifindex if it holds that VIF */
void na_vif_cache_del(const struct na_maps *m, __u32 ifindex);
/* at start, before the programs are attached: every pinned VIF into a free slot */
void na_vif_cache_fill(const struct na_maps *m);

#endif /* NA_VIF_CACHE_H */

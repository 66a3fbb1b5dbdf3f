// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The VIF cache array beside map "vifs" (vif_cache.h; patent Fig. 2). */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "vif_cache.h"

static __u32 slot_of(__u32 ifindex)
{
	return ifindex & (NL_VIF_CACHE_SLOTS - 1);
}

int na_vif_cache_put(const struct na_maps *m, const struct nl_vif *v)
{
	__u32 slot = slot_of(v->ifindex);
	struct nl_vif cur;

	if (bpf_map_lookup_elem(m->vif_cache, &slot, &cur))
		return -errno;
	if (cur.ifindex && cur.ifindex != v->ifindex)
		return 0; /* another VIF's slot: this one is found by hash */
	return bpf_map_update_elem(m->vif_cache, &slot, v, BPF_ANY) ? -errno : 0;
}

void na_vif_cache_del(const struct na_maps *m, __u32 ifindex)
{
	__u32 slot = slot_of(ifindex);
	struct nl_vif cur, empty;

	memset(&empty, 0, sizeof(empty));
	if (!bpf_map_lookup_elem(m->vif_cache, &slot, &cur) && cur.ifindex == ifindex)
		bpf_map_update_elem(m->vif_cache, &slot, &empty, BPF_ANY);
}

void na_vif_cache_fill(const struct na_maps *m)
{
	__u32 key, *prev = NULL;
	struct nl_vif v;

	while (!bpf_map_get_next_key(m->vifs, prev, &key)) {
		prev = &key;
		if (!bpf_map_lookup_elem(m->vifs, &key, &v))
			na_vif_cache_put(m, &v);
	}
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Local VIF lookups (local_vifs.h). */
#include <bpf/bpf.h>

#include "local_vifs.h"

bool na_local_vif_find(const struct na_maps *m, const struct nl_vif_key *k, struct nl_vif *out)
{
	struct nl_local_vif lv;
	__u32 idx;

	if (bpf_map_lookup_elem(m->local_vifs, k, &lv))
		return false;
	idx = lv.ifindex;
	return !bpf_map_lookup_elem(m->vifs, &idx, out);
}

int na_local_vif_foreach(const struct na_maps *m, int (*fn)(const struct nl_vif *v, void *ctx),
			 void *ctx)
{
	__u32 key, *prev = NULL;
	struct nl_vif v;
	int rc;

	while (!bpf_map_get_next_key(m->vifs, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(m->vifs, &key, &v))
			continue;
		rc = fn(&v, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

struct by_ip {
	__u32 tenant;
	__be32 ip;
	struct nl_vif *out;
};

static int match_ip(const struct nl_vif *v, void *ctx)
{
	struct by_ip *q = ctx;

	if (v->tenant != q->tenant || v->ip != q->ip)
		return 0;
	*q->out = *v;
	return 1;
}

bool na_local_vif_by_ip(const struct na_maps *m, __u32 tenant, __be32 ip, struct nl_vif *out)
{
	struct by_ip q = {.tenant = tenant, .ip = ip, .out = out};

	return na_local_vif_foreach(m, match_ip, &q) == 1;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Local VIF lookups (local_vifs.h): the VIFs this NA hosts, which a WHERE
 * asks about (patent [0031]-[0032]).  By key through nl_local_vifs, by
 * (tenant, IP) through the index nl_local_ips: two map lookups each,
 * whatever the number of VIFs (issue 10: a WHERE storm must not cost a
 * walk of every VIF per message).
 */
#include <errno.h>
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

bool na_local_vif_by_ip(const struct na_maps *m, __u32 tenant, __be32 ip, struct nl_vif *out)
{
	struct nl_local_ip_key k = {.tenant = tenant, .ip = ip};
	__u32 idx;

	if (!ip || bpf_map_lookup_elem(m->local_ips, &k, &idx) ||
	    bpf_map_lookup_elem(m->vifs, &idx, out))
		return false;
	/* the index and the VIF map are written apart: trust only what agrees */
	return out->tenant == tenant && out->ip == ip;
}

int na_local_vif_index_add(const struct na_maps *m, const struct nl_vif *v)
{
	struct nl_local_ip_key k = {.tenant = v->tenant, .ip = v->ip};
	__u32 idx = v->ifindex;

	if (!v->ip)
		return 0;
	return bpf_map_update_elem(m->local_ips, &k, &idx, BPF_ANY) ? -errno : 0;
}

void na_local_vif_index_del(const struct na_maps *m, const struct nl_vif *v)
{
	struct nl_local_ip_key k = {.tenant = v->tenant, .ip = v->ip};
	__u32 idx;

	/* only this VIF's own entry */
	if (v->ip && !bpf_map_lookup_elem(m->local_ips, &k, &idx) && idx == v->ifindex)
		bpf_map_delete_elem(m->local_ips, &k);
}

struct rebuild {
	const struct na_maps *m;
	int err;
};

static int index_one(const struct nl_vif *v, void *ctx)
{
	struct rebuild *r = ctx;
	int e = na_local_vif_index_add(r->m, v);

	if (e && !r->err)
		r->err = e;
	return 0;
}

int na_local_vif_index_rebuild(const struct na_maps *m)
{
	struct nl_local_ip_key k;
	struct rebuild r = {.m = m};

	/* pinned by an older agent, or VIFs withdrawn while none ran: start empty */
	while (!bpf_map_get_next_key(m->local_ips, NULL, &k))
		if (bpf_map_delete_elem(m->local_ips, &k))
			return -errno;
	na_local_vif_foreach(m, index_one, &r);
	return r.err;
}

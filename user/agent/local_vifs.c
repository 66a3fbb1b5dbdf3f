// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Local VIF lookups (local_vifs.h): the VIFs this NA hosts, which a WHERE
 * asks about (patent [0031]-[0032]).  By key through nl_local_vifs, by
 * (tenant, IP) through the index nl_local_ips: two map lookups each,
 * whatever the number of VIFs (issue 10: a WHERE storm must not cost a
 * walk of every VIF per message).
 */
#include <errno.h>
#include <string.h>
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

void na_vif_ip6_get(const struct na_maps *m, __u32 ifindex, struct nl_vif_ip6 *out)
{
	if (bpf_map_lookup_elem(m->vif_ip6s, &ifindex, out) || out->count > NL_VIF_MAX_IP6)
		memset(out, 0, sizeof(*out));
}

bool na_local_vif_by_ip6(const struct na_maps *m, __u32 tenant, const __u8 ip6[16],
			 struct nl_vif *out)
{
	struct nl_ip6_key k = {.tenant = tenant};
	struct nl_vif_ip6 v6;
	__u32 idx;

	memcpy(k.ip6, ip6, 16);
	if (bpf_map_lookup_elem(m->local_ip6s, &k, &idx) ||
	    bpf_map_lookup_elem(m->vifs, &idx, out) || out->tenant != tenant)
		return false;
	/* the index and the VIF's record are written apart: trust only what agrees */
	na_vif_ip6_get(m, idx, &v6);
	for (unsigned int i = 0; i < v6.count; i++)
		if (!memcmp(v6.addr[i], ip6, 16))
			return true;
	return false;
}

int na_local_vif_index_add(const struct na_maps *m, const struct nl_vif *v)
{
	struct nl_local_ip_key k = {.tenant = v->tenant, .ip = v->ip};
	struct nl_ip6_key k6 = {.tenant = v->tenant};
	struct nl_vif_ip6 v6;
	__u32 idx = v->ifindex;

	if (v->ip && bpf_map_update_elem(m->local_ips, &k, &idx, BPF_ANY))
		return -errno;
	na_vif_ip6_get(m, v->ifindex, &v6);
	for (unsigned int i = 0; i < v6.count; i++) {
		memcpy(k6.ip6, v6.addr[i], 16);
		if (bpf_map_update_elem(m->local_ip6s, &k6, &idx, BPF_ANY))
			return -errno;
	}
	return 0;
}

void na_local_vif_index_del(const struct na_maps *m, const struct nl_vif *v)
{
	struct nl_local_ip_key k = {.tenant = v->tenant, .ip = v->ip};
	struct nl_ip6_key k6 = {.tenant = v->tenant};
	struct nl_vif_ip6 v6;
	__u32 idx;

	/* only this VIF's own entries */
	if (v->ip && !bpf_map_lookup_elem(m->local_ips, &k, &idx) && idx == v->ifindex)
		bpf_map_delete_elem(m->local_ips, &k);
	na_vif_ip6_get(m, v->ifindex, &v6);
	for (unsigned int i = 0; i < v6.count; i++) {
		memcpy(k6.ip6, v6.addr[i], 16);
		if (!bpf_map_lookup_elem(m->local_ip6s, &k6, &idx) && idx == v->ifindex)
			bpf_map_delete_elem(m->local_ip6s, &k6);
	}
}

struct rebuild {
	const struct na_maps *m;
	int err;
};

static int index_one(const struct nl_vif *v, void *ctx)
{
	struct rebuild *r = ctx;
	int e;

	if (v->flags & NL_VIF_F_INCOMING)
		return 0; /* indexed when its migrated guest resumes (incoming.h) */
	e = na_local_vif_index_add(r->m, v);

	if (e && !r->err)
		r->err = e;
	return 0;
}

int na_local_vif_index_rebuild(const struct na_maps *m)
{
	struct nl_local_ip_key k;
	struct nl_ip6_key k6;
	struct rebuild r = {.m = m};

	/* pinned by an older agent, or VIFs withdrawn while none ran: start empty */
	while (!bpf_map_get_next_key(m->local_ips, NULL, &k))
		if (bpf_map_delete_elem(m->local_ips, &k))
			return -errno;
	while (!bpf_map_get_next_key(m->local_ip6s, NULL, &k6))
		if (bpf_map_delete_elem(m->local_ip6s, &k6))
			return -errno;
	na_local_vif_foreach(m, index_one, &r);
	return r.err;
}

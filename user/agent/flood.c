// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The flood groups of tenant broadcast and multicast (flood.h): from the
 * local VIFs and NART-2 ([0036]-[0037]: every NA knows where each VIF of
 * a MAC space is), the members bpf/lib/flood.h copies a group frame to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cnart.h"
#include "flood.h"
#include "local_vifs.h"
#include "log.h"

struct fl_group {
	struct nl_flood_key key;
	struct nl_flood_group g;
};

struct fl_build {
	struct fl_group *v;
	size_t n, cap;
	int self_idx; /* our switch's index, 0 if none */
	__u16 self_port;
	int err;
};

static int key_cmp(const void *a, const void *b)
{
	const struct nl_flood_key *x = a, *y = b;

	if (x->tenant != y->tenant)
		return x->tenant < y->tenant ? -1 : 1;
	return (int)x->mac_as - (int)y->mac_as;
}

static int group_cmp(const void *a, const void *b)
{
	return key_cmp(&((const struct fl_group *)a)->key, &((const struct fl_group *)b)->key);
}

/* na_local_vif_foreach(): one group per MAC space, the VIF as a member */
static int add_local(const struct nl_vif *v, void *ctx)
{
	struct fl_build *b = ctx;
	struct nl_flood_key k = {.tenant = v->tenant, .mac_as = v->mac_as};
	struct fl_group *grp = NULL;
	struct nl_flood_member *m;

	for (size_t i = 0; i < b->n; i++)
		if (!key_cmp(&b->v[i].key, &k)) {
			grp = &b->v[i];
			break;
		}
	if (!grp) {
		if (b->n == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 16;
			struct fl_group *nv = realloc(b->v, cap * sizeof(*nv));

			if (!nv) {
				b->err = -ENOMEM;
				return 1;
			}
			b->v = nv;
			b->cap = cap;
		}
		grp = &b->v[b->n++];
		memset(grp, 0, sizeof(*grp));
		grp->key = k;
	}
	if (grp->g.n_local >= NL_FLOOD_MAX_LOCAL) {
		log_warn("tenant %u mac_as %u: more than %d VIFs here, ifindex %u gets no "
			 "broadcasts",
			 v->tenant, v->mac_as, NL_FLOOD_MAX_LOCAL, v->ifindex);
		return 0;
	}
	m = &grp->g.local[grp->g.n_local++];
	m->ifindex = v->ifindex;
	m->slot = v->slot;
	memcpy(m->mac, v->mac, 6);
	return 0;
}

/* cnart_iterate() over NART-2: each other server hosting a MAC space we have */
static int add_remote(const struct nart_slot *s, __u64 version, void *ctx)
{
	const struct nart2_slot *e = (const void *)s;
	struct fl_build *b = ctx;
	struct nl_flood_key k = {.tenant = e->tenant, .mac_as = e->mac_as};
	struct fl_group *grp;
	struct nl_flood_group *g;

	(void)version;
	grp = bsearch(&k, b->v, b->n, sizeof(*b->v), key_cmp);
	if (!grp)
		return 0;
	if (e->switch_idx == b->self_idx && e->port == b->self_port)
		return 0; /* a VIF of ours */
	g = &grp->g;
	for (__u32 i = 0; i < g->n_remote; i++)
		if (g->remote[i].switch_idx == e->switch_idx && g->remote[i].port == e->port)
			return 0;
	if (g->n_remote >= NL_FLOOD_MAX_REMOTE) {
		g->flags |= NL_FLOOD_F_TRUNCATED;
		return 0;
	}
	g->remote[g->n_remote].switch_idx = e->switch_idx;
	g->remote[g->n_remote].port = e->port;
	g->n_remote++;
	return 0;
}

/* removes the groups of MAC spaces no longer here */
static void delete_stale(int fd, const struct fl_build *b)
{
	struct nl_flood_key k, next, stale[64];
	bool first = true;
	int n;

	do {
		n = 0;
		first = true;
		while (n < 64 && !bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
			first = false;
			k = next;
			if (!bsearch(&next, b->v, b->n, sizeof(*b->v), key_cmp))
				stale[n++] = next;
		}
		for (int i = 0; i < n; i++)
			bpf_map_delete_elem(fd, &stale[i]);
	} while (n == 64);
}

int na_flood_build(struct na_flood *f)
{
	struct fl_build b = {0};
	int fd = f->maps->flood_groups, err = 0;
	__u32 remotes = 0, truncated = 0;

	na_local_vif_foreach(f->maps, add_local, &b);
	if (b.err) {
		free(b.v);
		return b.err;
	}
	if (b.n)
		qsort(b.v, b.n, sizeof(*b.v), group_cmp);
	if (b.n && f->loc->ready && f->tables->nart2) {
		b.self_idx = cnart_switch_find(f->tables->switches, f->loc->switch_mac);
		b.self_port = f->loc->port;
		cnart_iterate(f->tables->nart2, add_remote, &b);
	}
	for (size_t i = 0; i < b.n; i++) {
		remotes += b.v[i].g.n_remote;
		truncated += !!(b.v[i].g.flags & NL_FLOOD_F_TRUNCATED);
		if (bpf_map_update_elem(fd, &b.v[i].key, &b.v[i].g, BPF_ANY) && !err) {
			err = -errno;
			log_err("flood group tenant %u mac_as %u: %s", b.v[i].key.tenant,
				b.v[i].key.mac_as, strerror(-err));
		}
	}
	delete_stale(fd, &b);
	if (truncated > f->truncated)
		log_warn("%u MAC space(s) on more than %d other servers: their broadcasts reach "
			 "the first %d (tx_flood_trunc counts them)",
			 truncated, NL_FLOOD_MAX_REMOTE, NL_FLOOD_MAX_REMOTE);
	f->groups = (__u32)b.n;
	f->remotes = remotes;
	f->truncated = truncated;
	f->builds++;
	log_debug("flood groups: %zu MAC spaces here, %u remote servers", b.n, remotes);
	free(b.v);
	return err;
}

int na_flood_config(const struct na_maps *m, __u32 per_s, __u32 burst)
{
	struct nl_config cfg;
	int err = na_config_get(m, &cfg);

	if (err)
		return err;
	cfg.flood_per_s = per_s;
	cfg.flood_burst = burst;
	log_info("broadcast/multicast per VIF: %u frames/s, burst %u",
		 per_s ? per_s : NL_FLOOD_VIF_PER_S, burst ? burst : NL_FLOOD_VIF_BURST);
	return na_config_put(m, &cfg);
}

void na_flood_touch(struct na_flood *f)
{
	f->dirty = true;
}

static __u64 nart2_writes(const struct na_flood *f)
{
	struct cnart_stats st;

	if (!f->tables->nart2)
		return 0;
	st = cnart_get_stats(f->tables->nart2);
	return st.inserts + st.updates + st.deletes;
}

int na_flood_sync(struct na_flood *f, __u64 now_ms)
{
	__u64 w = nart2_writes(f);
	bool nart_changed = w != f->nart2_writes;

	if (!f->dirty && !(nart_changed && now_ms - f->last_ms >= NA_FLOOD_MIN_GAP_MS))
		return 0;
	f->dirty = false;
	f->nart2_writes = w;
	f->last_ms = now_ms;
	return na_flood_build(f);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The flood groups of tenant broadcast and multicast (flood.h): from the
 * local VIFs and NART-2 ([0036]-[0037]: every NA knows where each VIF of
 * a MAC space is), the members bpf/lib/flood.h copies a group frame to.
 * Remote servers past the first NL_FLOOD_CHUNK go into chunk entries of
 * the same map (include/netlord.h), written before the group that counts
 * them, removed after it no longer does.
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
	struct nl_flood_group g;     /* the chunk 0 entry */
	struct nl_flood_remote *rem; /* every other server hosting it, sorted, unique */
	size_t n_rem, cap_rem;
	__u32 chunks; /* entries written: the group and its chunks */
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

	(void)version;
	grp = bsearch(&k, b->v, b->n, sizeof(*b->v), key_cmp);
	if (!grp)
		return 0;
	if (e->switch_idx == b->self_idx && e->port == b->self_port)
		return 0; /* a VIF of ours */
	if (grp->n_rem == grp->cap_rem) {
		size_t cap = grp->cap_rem ? grp->cap_rem * 2 : 16;
		struct nl_flood_remote *nr = realloc(grp->rem, cap * sizeof(*nr));

		if (!nr) {
			b->err = -ENOMEM;
			return 1;
		}
		grp->rem = nr;
		grp->cap_rem = cap;
	}
	grp->rem[grp->n_rem].switch_idx = e->switch_idx;
	grp->rem[grp->n_rem].port = e->port;
	grp->n_rem++;
	return 0;
}

static int remote_cmp(const void *a, const void *b)
{
	const struct nl_flood_remote *x = a, *y = b;

	if (x->switch_idx != y->switch_idx)
		return (int)x->switch_idx - (int)y->switch_idx;
	return (int)x->port - (int)y->port;
}

/* one entry per server (NART-2 has one per VIF), at most NL_FLOOD_MAX_SERVERS */
static void remotes_finish(struct fl_group *grp)
{
	size_t n = 0;

	if (grp->n_rem)
		qsort(grp->rem, grp->n_rem, sizeof(*grp->rem), remote_cmp);
	for (size_t i = 0; i < grp->n_rem; i++)
		if (!n || remote_cmp(&grp->rem[n - 1], &grp->rem[i]))
			grp->rem[n++] = grp->rem[i];
	grp->n_rem = n;
	if (n > NL_FLOOD_MAX_SERVERS) {
		grp->n_rem = NL_FLOOD_MAX_SERVERS;
		grp->g.flags |= NL_FLOOD_F_TRUNCATED;
	}
}

/*
 * The chunks of @grp first, then the group that counts them: the datapath
 * never reads a chunk the group does not count yet.  A chunk the map
 * refuses (full) cuts the group there (truncated, logged).  0 or -errno.
 */
static int write_group(int fd, struct fl_group *grp, struct nl_flood_group *chunk)
{
	__u32 n = (__u32)grp->n_rem, nchunks = (n + NL_FLOOD_CHUNK - 1) / NL_FLOOD_CHUNK;
	int err = 0;

	grp->chunks = 1;
	for (__u32 k = 1; k < nchunks; k++) {
		struct nl_flood_key key = grp->key;
		__u32 m = n - k * NL_FLOOD_CHUNK < NL_FLOOD_CHUNK ? n - k * NL_FLOOD_CHUNK
								  : NL_FLOOD_CHUNK;

		key.chunk = (__u16)k;
		memset(chunk, 0, sizeof(*chunk));
		chunk->n_remote = m;
		memcpy(chunk->remote, grp->rem + (size_t)k * NL_FLOOD_CHUNK, m * sizeof(*grp->rem));
		if (bpf_map_update_elem(fd, &key, chunk, BPF_ANY)) {
			err = -errno;
			log_err("flood group tenant %u mac_as %u: servers from %u on: %s; their "
				"broadcasts reach the first %u (tx_flood_trunc counts them)",
				grp->key.tenant, grp->key.mac_as, k * NL_FLOOD_CHUNK,
				strerror(-err), k * NL_FLOOD_CHUNK);
			grp->n_rem = (size_t)k * NL_FLOOD_CHUNK;
			grp->g.flags |= NL_FLOOD_F_TRUNCATED;
			break;
		}
		grp->chunks++;
	}
	grp->g.n_remote = (__u32)grp->n_rem;
	memcpy(grp->g.remote, grp->rem,
	       (grp->n_rem < NL_FLOOD_CHUNK ? grp->n_rem : NL_FLOOD_CHUNK) * sizeof(*grp->rem));
	if (bpf_map_update_elem(fd, &grp->key, &grp->g, BPF_ANY)) {
		err = -errno;
		log_err("flood group tenant %u mac_as %u: %s", grp->key.tenant, grp->key.mac_as,
			strerror(-err));
	}
	return err;
}

/* removes the groups of MAC spaces no longer here and the chunks no group counts */
static void delete_stale(int fd, const struct fl_build *b)
{
	struct nl_flood_key k, next, stale[64];
	const struct fl_group *grp;
	bool first = true;
	int n;

	do {
		n = 0;
		first = true;
		while (n < 64 && !bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
			first = false;
			k = next;
			grp = bsearch(&next, b->v, b->n, sizeof(*b->v), key_cmp);
			if (!grp || next.chunk >= grp->chunks)
				stale[n++] = next;
		}
		for (int i = 0; i < n; i++)
			bpf_map_delete_elem(fd, &stale[i]);
	} while (n == 64);
}

static void build_free(struct fl_build *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].rem);
	free(b->v);
}

int na_flood_build(struct na_flood *f)
{
	struct fl_build b = {0};
	struct nl_flood_group *chunk;
	int fd = f->maps->flood_groups, err = 0, e;
	__u32 remotes = 0, truncated = 0;

	na_local_vif_foreach(f->maps, add_local, &b);
	if (b.err) {
		build_free(&b);
		return b.err;
	}
	if (b.n)
		qsort(b.v, b.n, sizeof(*b.v), group_cmp);
	if (b.n && f->loc->ready && f->tables->nart2) {
		b.self_idx = cnart_switch_find(f->tables->switches, f->loc->switch_mac);
		b.self_port = f->loc->port;
		cnart_iterate(f->tables->nart2, add_remote, &b);
		if (b.err) {
			build_free(&b);
			return b.err;
		}
	}
	chunk = malloc(sizeof(*chunk));
	if (!chunk) {
		build_free(&b);
		return -ENOMEM;
	}
	for (size_t i = 0; i < b.n; i++) {
		remotes_finish(&b.v[i]);
		e = write_group(fd, &b.v[i], chunk);
		if (e && !err)
			err = e;
		remotes += b.v[i].g.n_remote;
		truncated += !!(b.v[i].g.flags & NL_FLOOD_F_TRUNCATED);
	}
	free(chunk);
	delete_stale(fd, &b);
	if (truncated > f->truncated)
		log_warn("%u MAC space(s) on more than %d other servers: their broadcasts reach "
			 "the first %d (tx_flood_trunc counts them)",
			 truncated, NL_FLOOD_MAX_SERVERS, NL_FLOOD_MAX_SERVERS);
	f->groups = (__u32)b.n;
	f->remotes = remotes;
	f->truncated = truncated;
	f->builds++;
	log_debug("flood groups: %zu MAC spaces here, %u remote servers", b.n, remotes);
	build_free(&b);
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

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The virtual router's LPM maps, by difference (vrouter.h; patent Fig. 7
 * steps 705-715, [0013], [0044], [0053]; issue 16).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "ip6.h"
#include "local_vifs.h"
#include "log.h"
#include "vrouter.h"

struct want4 {
	struct nl_subnet_key k;
	struct nl_subnet_val v;
	bool done; /* the map already holds it as wanted */
};

struct want6 {
	struct nl_subnet6_key k;
	struct nl_subnet6_val v;
	bool done;
};

struct wants {
	struct want4 *w4;
	size_t n4, cap4;
	struct want6 *w6;
	size_t n6, cap6;
	__u32 *tenants; /* with a VIF here, sorted after the VIF pass */
	size_t nt, capt;
	const struct na_maps *m;
	int err;
};

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t nc;
	void *np;

	if (n < *cap)
		return p;
	nc = *cap ? 2 * *cap : 64;
	np = realloc(p, nc * size);
	if (np)
		*cap = nc;
	return np;
}

static void want4_add(struct wants *w, const struct nl_subnet_key *k, const struct nl_subnet_val *v)
{
	struct want4 *n = grow(w->w4, &w->cap4, w->n4, sizeof(*n));

	if (!n) {
		w->err = -ENOMEM;
		return;
	}
	w->w4 = n;
	n[w->n4].k = *k;
	n[w->n4].v = *v;
	n[w->n4++].done = false;
}

static void want6_add(struct wants *w, const struct nl_subnet6_key *k,
		      const struct nl_subnet6_val *v)
{
	struct want6 *n = grow(w->w6, &w->cap6, w->n6, sizeof(*n));

	if (!n) {
		w->err = -ENOMEM;
		return;
	}
	w->w6 = n;
	n[w->n6].k = *k;
	n[w->n6].v = *v;
	n[w->n6++].done = false;
}

/* the connected subnets of VIF @v's addresses, and its tenant as hosted here */
static int want_vif(const struct nl_vif *v, void *ctx)
{
	struct wants *w = ctx;
	struct nl_vif_ip6 v6;
	__u32 *t = grow(w->tenants, &w->capt, w->nt, sizeof(*t));

	if (!t) {
		w->err = -ENOMEM;
		return 1;
	}
	w->tenants = t;
	t[w->nt++] = v->tenant;
	if (v->ip && v->prefix_len <= 32) {
		__u32 mask = v->prefix_len ? ~0U << (32 - v->prefix_len) : 0;
		struct nl_subnet_key k = {.prefixlen = 32 + v->prefix_len, .tenant = v->tenant};
		struct nl_subnet_val sv = {
			.mac_as = v->mac_as,
			.kind = NL_SUBNET_CONNECTED,
			.router_ip = v->router_ip,
			.origin = NL_SUBNET_O_VIF,
		};

		k.ip = htonl(ntohl(v->ip) & mask);
		want4_add(w, &k, &sv);
	}
	na_vif_ip6_get(w->m, v->ifindex, &v6);
	for (unsigned int i = 0; i < v6.count && i < NL_VIF_MAX_IP6; i++) {
		struct nl_subnet6_key k = {.prefixlen = 32 + v6.prefix_len[i], .tenant = v->tenant};
		struct nl_subnet6_val sv = {
			.mac_as = v->mac_as,
			.kind = NL_SUBNET_CONNECTED,
			.origin = NL_SUBNET_O_VIF,
		};

		if (v6.prefix_len[i] > 128)
			continue;
		nl_ip6_mask(v6.addr[i], v6.prefix_len[i], k.ip6);
		if (nl_ip6_same_prefix(v6.router, v6.addr[i], v6.prefix_len[i]))
			memcpy(sv.router6, v6.router, 16);
		want6_add(w, &k, &sv);
	}
	return w->err ? 1 : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static bool hosted(const struct wants *w, __u32 tenant)
{
	return bsearch(&tenant, w->tenants, w->nt, sizeof(__u32), cmp_u32) != NULL;
}

/* every subnet and route of tenant @t of the file */
static void want_tenant(struct wants *w, const struct nl_tenant *t)
{
	for (size_t i = 0; i < t->nsub; i++) {
		const struct nl_tn_subnet *s = &t->sub[i];

		if (s->family == AF_INET) {
			struct nl_subnet_key k = {.prefixlen = 32 + s->plen, .tenant = t->id};
			struct nl_subnet_val v = {
				.mac_as = (__u16)s->mac_as,
				.kind = NL_SUBNET_CONNECTED,
				.origin = NL_SUBNET_O_FILE,
			};

			memcpy(&k.ip, s->addr, 4);
			memcpy(&v.router_ip, s->router, 4);
			want4_add(w, &k, &v);
		} else {
			struct nl_subnet6_key k = {.prefixlen = 32 + s->plen, .tenant = t->id};
			struct nl_subnet6_val v = {
				.mac_as = (__u16)s->mac_as,
				.kind = NL_SUBNET_CONNECTED,
				.origin = NL_SUBNET_O_FILE,
			};

			memcpy(k.ip6, s->addr, 16);
			memcpy(v.router6, s->router, 16);
			want6_add(w, &k, &v);
		}
	}
	for (size_t i = 0; i < t->nroute; i++) {
		const struct nl_tn_route *r = &t->route[i];
		unsigned int n = r->nvia < NL_ROUTE_MAX_NH ? r->nvia : NL_ROUTE_MAX_NH;

		if (r->family == AF_INET) {
			struct nl_subnet_key k = {.prefixlen = 32 + r->plen, .tenant = t->id};
			struct nl_subnet_val v = {
				.kind = NL_SUBNET_ROUTE,
				.n_nh = (__u8)n,
				.origin = NL_SUBNET_O_FILE,
			};

			memcpy(&k.ip, r->addr, 4);
			for (unsigned int j = 0; j < n; j++)
				memcpy(&v.nh[j], r->via[j], 4);
			want4_add(w, &k, &v);
		} else {
			struct nl_subnet6_key k = {.prefixlen = 32 + r->plen, .tenant = t->id};
			struct nl_subnet6_val v = {
				.kind = NL_SUBNET_ROUTE,
				.n_nh = (__u8)n,
				.origin = NL_SUBNET_O_FILE,
			};

			memcpy(k.ip6, r->addr, 16);
			for (unsigned int j = 0; j < n; j++)
				memcpy(v.nh6[j], r->via[j], 16);
			want6_add(w, &k, &v);
		}
	}
}

static int cmp_w4(const void *a, const void *b)
{
	const struct want4 *x = a, *y = b;
	int c = memcmp(&x->k, &y->k, sizeof(x->k));

	/* the file's entry first: it is the one kept */
	return c ? c
		 : (int)(y->v.origin & NL_SUBNET_O_FILE) - (int)(x->v.origin & NL_SUBNET_O_FILE);
}

static int cmp_w6(const void *a, const void *b)
{
	const struct want6 *x = a, *y = b;
	int c = memcmp(&x->k, &y->k, sizeof(x->k));

	return c ? c
		 : (int)(y->v.origin & NL_SUBNET_O_FILE) - (int)(x->v.origin & NL_SUBNET_O_FILE);
}

/*
 * Sorted by key, entries of one key merged: the first (the file's, if any)
 * keeps its value and gets every wanting source's origin bit.
 */
static void merge4(struct wants *w)
{
	size_t o = 0;

	qsort(w->w4, w->n4, sizeof(*w->w4), cmp_w4);
	for (size_t i = 0; i < w->n4; i++) {
		if (o && !memcmp(&w->w4[o - 1].k, &w->w4[i].k, sizeof(w->w4[i].k)))
			w->w4[o - 1].v.origin |= w->w4[i].v.origin;
		else
			w->w4[o++] = w->w4[i];
	}
	w->n4 = o;
}

static void merge6(struct wants *w)
{
	size_t o = 0;

	qsort(w->w6, w->n6, sizeof(*w->w6), cmp_w6);
	for (size_t i = 0; i < w->n6; i++) {
		if (o && !memcmp(&w->w6[o - 1].k, &w->w6[i].k, sizeof(w->w6[i].k)))
			w->w6[o - 1].v.origin |= w->w6[i].v.origin;
		else
			w->w6[o++] = w->w6[i];
	}
	w->n6 = o;
}

static int cmp_k4(const void *key, const void *elem)
{
	return memcmp(key, &((const struct want4 *)elem)->k, sizeof(struct nl_subnet_key));
}

static int cmp_k6(const void *key, const void *elem)
{
	return memcmp(key, &((const struct want6 *)elem)->k, sizeof(struct nl_subnet6_key));
}

/*
 * Whether an entry the map holds with origin @have that nobody wants now
 * must go: before the file is known, what a file installed stays.
 */
static bool stale(__u8 have, bool file_known)
{
	return file_known || !(have & NL_SUBNET_O_FILE);
}

static int sync4(struct wants *w, int fd, bool file_known, struct na_vrouter_stats *st)
{
	struct nl_subnet_key key, *prev = NULL, *gone = NULL;
	size_t ngone = 0, capg = 0;
	int rc = 0;

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		struct nl_subnet_val have;
		struct want4 *want;

		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &have))
			continue;
		want = bsearch(&key, w->w4, w->n4, sizeof(*w->w4), cmp_k4);
		if (want && (!memcmp(&want->v, &have, sizeof(have)) ||
			     (!file_known && (have.origin & NL_SUBNET_O_FILE)))) {
			want->done = true; /* as wanted, or a former file's: left alone */
			st->kept++;
			continue;
		}
		if (want || !stale(have.origin, file_known))
			continue;
		gone = grow(gone, &capg, ngone, sizeof(*gone));
		if (!gone)
			return -ENOMEM;
		gone[ngone++] = key;
	}
	for (size_t i = 0; i < w->n4; i++) {
		struct nl_subnet_val have;

		if (w->w4[i].done)
			continue;
		if (bpf_map_lookup_elem(fd, &w->w4[i].k, &have))
			st->added++;
		else
			st->changed++;
		if (bpf_map_update_elem(fd, &w->w4[i].k, &w->w4[i].v, BPF_ANY) && !rc)
			rc = -errno;
	}
	for (size_t i = 0; i < ngone; i++) {
		if (!bpf_map_delete_elem(fd, &gone[i]))
			st->removed++;
	}
	free(gone);
	return rc;
}

static int sync6(struct wants *w, int fd, bool file_known, struct na_vrouter_stats *st)
{
	struct nl_subnet6_key key, *prev = NULL, *gone = NULL;
	size_t ngone = 0, capg = 0;
	int rc = 0;

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		struct nl_subnet6_val have;
		struct want6 *want;

		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &have))
			continue;
		want = bsearch(&key, w->w6, w->n6, sizeof(*w->w6), cmp_k6);
		if (want && (!memcmp(&want->v, &have, sizeof(have)) ||
			     (!file_known && (have.origin & NL_SUBNET_O_FILE)))) {
			want->done = true;
			st->kept++;
			continue;
		}
		if (want || !stale(have.origin, file_known))
			continue;
		gone = grow(gone, &capg, ngone, sizeof(*gone));
		if (!gone)
			return -ENOMEM;
		gone[ngone++] = key;
	}
	for (size_t i = 0; i < w->n6; i++) {
		struct nl_subnet6_val have;

		if (w->w6[i].done)
			continue;
		if (bpf_map_lookup_elem(fd, &w->w6[i].k, &have))
			st->added++;
		else
			st->changed++;
		if (bpf_map_update_elem(fd, &w->w6[i].k, &w->w6[i].v, BPF_ANY) && !rc)
			rc = -errno;
	}
	for (size_t i = 0; i < ngone; i++) {
		if (!bpf_map_delete_elem(fd, &gone[i]))
			st->removed++;
	}
	free(gone);
	return rc;
}

int na_vrouter_sync(const struct na_maps *m, const struct nl_tenants *file, bool file_known,
		    struct na_vrouter_stats *st)
{
	struct na_vrouter_stats scratch;
	struct wants w = {.m = m};
	int rc, rc6;

	if (!st)
		st = &scratch;
	memset(st, 0, sizeof(*st));
	na_local_vif_foreach(m, want_vif, &w);
	if (w.err)
		goto out;
	qsort(w.tenants, w.nt, sizeof(__u32), cmp_u32);
	for (size_t i = 0; file && i < file->n && !w.err; i++) {
		if (!hosted(&w, file->t[i].id))
			continue;
		want_tenant(&w, &file->t[i]);
		st->tenants++;
	}
	if (w.err)
		goto out;
	merge4(&w);
	merge6(&w);
	rc = sync4(&w, m->subnets, file_known, st);
	rc6 = sync6(&w, m->subnets6, file_known, st);
	w.err = rc ? rc : rc6;
out:
	if (w.err)
		log_warn("virtual router tables: %s", strerror(-w.err));
	free(w.w4);
	free(w.w6);
	free(w.tenants);
	return w.err;
}

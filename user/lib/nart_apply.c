// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The NL-ARP application path (nart_apply.h). */
#include <string.h>

#include "nart_apply.h"

static void apply_nart2(const struct nart_ops *ops, void *ctx, const struct nlarp_fields *m,
			const struct nl_vif_key *k, struct nart_apply_result *r)
{
	struct nart_loc loc = {.port = m->port};

	memcpy(loc.switch_mac, m->switch_mac, 6);
	switch (r->d.action) {
	case NART_INSERT:
	case NART_UPDATE:
		r->err = ops->nart2_put(ctx, k, &loc, m->loc_version);
		break;
	case NART_DELETE:
		ops->nart2_del(ctx, k);
		break;
	case NART_IGNORE:
		break;
	}
}

/* one IP binding of a message: its IPv4 address or one of its IPv6 addresses */
struct binding {
	bool v6;
	struct nl_nart1_key k4;
	struct nl_ip6_key k6;
};

static bool b_get(const struct nart_ops *ops, void *ctx, const struct binding *b,
		  struct nl_nart1_val *v, __u64 *ver)
{
	return b->v6 ? ops->nart1v6_get(ctx, &b->k6, v, ver) : ops->nart1_get(ctx, &b->k4, v, ver);
}

static int b_put(const struct nart_ops *ops, void *ctx, const struct binding *b,
		 const struct nl_nart1_val *v, __u64 ver)
{
	return b->v6 ? ops->nart1v6_put(ctx, &b->k6, v, ver) : ops->nart1_put(ctx, &b->k4, v, ver);
}

static bool b_del(const struct nart_ops *ops, void *ctx, const struct binding *b)
{
	return b->v6 ? ops->nart1v6_del(ctx, &b->k6) : ops->nart1_del(ctx, &b->k4);
}

/* what happened to one binding */
enum b_outcome { B_NONE, B_PUT, B_DEL, B_KEPT };

static enum b_outcome apply_binding(const struct nart_ops *ops, void *ctx,
				    const struct nlarp_fields *m, const struct binding *b,
				    struct nart_apply_result *r)
{
	struct nl_nart1_val v1 = {.mac_as = m->mac_as}, cur;
	__u64 cur_v = 0;
	bool have;
	int err;

	memcpy(v1.mac, m->mac, 6);
	have = b_get(ops, ctx, b, &cur, &cur_v);
	if (r->d.action == NART_DELETE) {
		/* only the binding this VIF had: the IP may have moved on */
		if (have && !memcmp(cur.mac, m->mac, 6) && cur.mac_as == m->mac_as)
			return b_del(ops, ctx, b) ? B_DEL : B_NONE;
		return B_NONE;
	}
	if (m->flags & NLARP_F_GONE)
		return B_NONE;
	if (r->d.action == NART_IGNORE && r->d.reason != NART_R_DUPLICATE)
		return B_NONE;
	if (have &&
	    !nart1_may_rebind(cur.mac_as, cur.mac, cur_v, m->mac_as, m->mac, m->loc_version))
		return B_KEPT;
	if (have && !memcmp(&cur, &v1, sizeof(cur)) && cur_v >= m->loc_version)
		return B_NONE; /* nothing new */
	err = b_put(ops, ctx, b, &v1, have && cur_v > m->loc_version ? cur_v : m->loc_version);
	if (err) {
		r->err = err;
		return B_NONE;
	}
	return B_PUT;
}

static void apply_nart1(const struct nart_ops *ops, void *ctx, const struct nlarp_fields *m,
			struct nart_apply_result *r)
{
	struct binding b = {.k4 = {.tenant = m->tenant, .ip = m->ip}};
	enum b_outcome o;

	if (m->flags & NLARP_F_HAS_IP) {
		o = apply_binding(ops, ctx, m, &b, r);
		r->nart1_put = o == B_PUT;
		r->nart1_del = o == B_DEL;
		r->nart1_kept = o == B_KEPT;
	}
	if (!ops->nart1v6_get || !ops->nart1v6_put || !ops->nart1v6_del)
		return;
	b.v6 = true;
	b.k6.tenant = m->tenant;
	for (unsigned int i = 0; i < m->ip6_count && i < NLARP_MAX_IP6; i++) {
		memcpy(b.k6.ip6, m->ip6[i], 16);
		o = apply_binding(ops, ctx, m, &b, r);
		r->nart1v6_put += o == B_PUT;
		r->nart1v6_del += o == B_DEL;
		r->nart1v6_kept += o == B_KEPT;
	}
}

struct nart_apply_result nart_apply(const struct nart_ops *ops, void *ctx,
				    const struct nart_loc *self, const struct nlarp_fields *m)
{
	struct nl_vif_key k = {.tenant = m->tenant, .mac_as = m->mac_as};
	struct nart_apply_result r = {};
	struct nart_entry cur;
	struct nart_tomb tomb;
	bool have, have_tomb = false;

	memcpy(k.mac, m->mac, 6);
	if (m->op != NLARP_HERE && m->op != NLARP_NOT_HERE) {
		r.d = nart_decide(NULL, NULL, self, m);
		return r;
	}
	have = ops->nart2_get(ctx, &k, &cur);
	if (!have)
		have_tomb = ops->tomb_get(ctx, &k, &tomb);
	r.d = nart_decide(have ? &cur : NULL, have_tomb ? &tomb : NULL, self, m);
	apply_nart2(ops, ctx, m, &k, &r);
	if (r.d.tomb)
		ops->tomb_put(ctx, &k, &r.d.t);
	else if (have_tomb && r.d.action == NART_INSERT && !r.err)
		ops->tomb_del(ctx, &k); /* the entry's version now orders this key */
	/* NART-1 follows NART-2: not when the location could not be stored */
	if (m->op == NLARP_HERE && ((m->flags & NLARP_F_HAS_IP) || m->ip6_count) && !r.err)
		apply_nart1(ops, ctx, m, &r);
	return r;
}

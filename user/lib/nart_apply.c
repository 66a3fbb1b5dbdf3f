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

static void apply_nart1(const struct nart_ops *ops, void *ctx, const struct nlarp_fields *m,
			struct nart_apply_result *r)
{
	struct nl_nart1_key k1 = {.tenant = m->tenant, .ip = m->ip};
	struct nl_nart1_val v1 = {.mac_as = m->mac_as}, cur;
	__u64 cur_v = 0;
	bool have;
	int err;

	memcpy(v1.mac, m->mac, 6);
	have = ops->nart1_get(ctx, &k1, &cur, &cur_v);
	if (r->d.action == NART_DELETE) {
		/* only the binding this VIF had: the IP may have moved on */
		if (have && !memcmp(cur.mac, m->mac, 6) && cur.mac_as == m->mac_as)
			r->nart1_del = ops->nart1_del(ctx, &k1);
		return;
	}
	if (m->flags & NLARP_F_GONE)
		return;
	if (r->d.action == NART_IGNORE && r->d.reason != NART_R_DUPLICATE)
		return;
	if (have &&
	    !nart1_may_rebind(cur.mac_as, cur.mac, cur_v, m->mac_as, m->mac, m->loc_version)) {
		r->nart1_kept = true;
		return;
	}
	if (have && !memcmp(&cur, &v1, sizeof(cur)) && cur_v >= m->loc_version)
		return; /* nothing new */
	err = ops->nart1_put(ctx, &k1, &v1,
			     have && cur_v > m->loc_version ? cur_v : m->loc_version);
	if (err)
		r->err = err;
	else
		r->nart1_put = true;
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
	if (m->op == NLARP_HERE && (m->flags & NLARP_F_HAS_IP) && !r.err)
		apply_nart1(ops, ctx, m, &r);
	return r;
}

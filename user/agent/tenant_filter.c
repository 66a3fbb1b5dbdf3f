// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The per-tenant NL-ARP filter (tenant_filter.h, docs/scale.md): the set of
 * tenants with a local VIF, and the drop before authentication.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "local_vifs.h"
#include "nlarp_codec.h"
#include "tenant_filter.h"

void na_tenant_filter_init(struct na_tenant_filter *f, const struct na_maps *maps)
{
	memset(f, 0, sizeof(*f));
	f->maps = maps;
}

void na_tenant_filter_free(struct na_tenant_filter *f)
{
	free(f->tenants);
	f->tenants = NULL;
	f->n = f->cap = 0;
}

struct collect {
	__u32 *t;
	size_t n, cap;
	int err;
};

static int collect_one(const struct nl_vif *v, void *ctx)
{
	struct collect *c = ctx;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		__u32 *t = realloc(c->t, cap * sizeof(*t));

		if (!t) {
			c->err = -ENOMEM;
			return 1;
		}
		c->t = t;
		c->cap = cap;
	}
	c->t[c->n++] = v->tenant;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return (x > y) - (x < y);
}

int na_tenant_filter_refresh(struct na_tenant_filter *f)
{
	struct collect c = {};
	size_t i, n = 0;

	na_local_vif_foreach(f->maps, collect_one, &c);
	if (c.err) {
		free(c.t);
		return c.err;
	}
	if (c.n)
		qsort(c.t, c.n, sizeof(*c.t), cmp_u32);
	for (i = 0; i < c.n; i++)
		if (!n || c.t[n - 1] != c.t[i])
			c.t[n++] = c.t[i];
	free(f->tenants);
	f->tenants = c.t;
	f->n = n;
	f->cap = c.cap;
	return 0;
}

bool na_tenant_filter_hosts(const struct na_tenant_filter *f, __u32 tenant)
{
	return f->n && bsearch(&tenant, f->tenants, f->n, sizeof(__u32), cmp_u32);
}

bool na_tenant_filter_pass(struct na_tenant_filter *f, const void *msg, size_t len, int tenant_bits)
{
	struct nlarp_fields m;

	/* the body's own parser (fuzzed); the MAC after it is checked later */
	if (nlarp_decode(msg, len, tenant_bits, &m) != NLARP_E_OK)
		return true;
	if (m.op != NLARP_HERE && m.op != NLARP_WHERE && m.op != NLARP_NOT_HERE)
		return true;
	if (na_tenant_filter_hosts(f, m.tenant))
		return true;
	f->dropped++;
	return false;
}

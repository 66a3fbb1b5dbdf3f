// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for nl_tenants_parse() (user/lib/tenants.c, the tenants
 * file of docs/tenants.md; issue 16, patent [0013]): the input is a whole
 * file.  Besides the sanitizers' checks it aborts on a broken invariant: an
 * accepted file whose router lies outside its subnet, whose route's next hop
 * lies outside every subnet, with overlapping subnets or a tenant twice; a
 * refused one without a "name:line:" message or with tables left behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tenants.h"

static bool overlap(const struct nl_tn_subnet *a, const struct nl_tn_subnet *b)
{
	return a->family == b->family &&
	       (a->plen <= b->plen ? nl_tn_prefix_has(a->family, a->addr, a->plen, b->addr)
				   : nl_tn_prefix_has(b->family, b->addr, b->plen, a->addr));
}

static void check_tenant(const struct nl_tenants *all, const struct nl_tenant *t)
{
	if (!t->nsub || t->nsub > NL_TN_MAX_SUBNETS || t->nroute > NL_TN_MAX_ROUTES)
		abort();
	if (nl_tenants_find(all, t->id) != t)
		abort(); /* declared twice */
	for (size_t i = 0; i < t->nsub; i++) {
		const struct nl_tn_subnet *s = &t->sub[i];

		if (!nl_tn_prefix_has(s->family, s->addr, s->plen, s->router) ||
		    s->ndns > NL_TN_DNS_MAX || s->mac_as > NL_TN_MAC_AS_MAX)
			abort();
		for (size_t j = 0; j < i; j++)
			if (overlap(s, &t->sub[j]))
				abort();
	}
	for (size_t i = 0; i < t->nroute; i++) {
		const struct nl_tn_route *r = &t->route[i];
		const struct nl_tn_subnet *hs;
		const struct nl_tn_route *hr;

		if (!r->nvia || r->nvia > NL_TN_MAX_VIA)
			abort();
		for (unsigned int v = 0; v < r->nvia; v++) {
			if (!nl_tenant_subnet_of(t, r->family, r->via[v]))
				abort();
			for (unsigned int w = 0; w < v; w++)
				if (!memcmp(r->via[v], r->via[w], 16))
					abort(); /* a next hop twice */
		}
		/* the route's own prefix: through it, or a longer route or subnet */
		if (nl_tenant_lookup(t, r->family, r->addr, &hs, &hr) ||
		    (hr ? hr->plen < r->plen : hs->plen <= r->plen))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl_tenants t;
	char err[512];
	int rc = nl_tenants_parse((const char *)data, size, "f", &t, err, sizeof(err));

	if (rc) {
		if (t.n || t.t || strncmp(err, "f:", 2))
			abort();
		return 0;
	}
	for (size_t i = 0; i < t.n; i++)
		check_tenant(&t, &t.t[i]);
	nl_tenants_free(&t);
	return 0;
}

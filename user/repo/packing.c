// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo compile: the pairs, the path store and the VLAN trees that the
 * packing stages fill (see packing.h; patent [0012]).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "packing.h"

int pairs_init(struct pairs *pr, uint32_t nedge)
{
	uint64_t n = (uint64_t)nedge * (nedge - 1) / 2;

	pr->n = (uint32_t)n;
	pr->end = malloc((n + 1) * 2 * sizeof(*pr->end));
	if (!pr->end)
		return -ENOMEM;
	for (uint32_t i = 0, p = 0; i < nedge; i++)
		for (uint32_t j = i + 1; j < nedge; j++, p++) {
			pr->end[2 * p] = i;
			pr->end[2 * p + 1] = j;
		}
	return 0;
}

void pairs_free(struct pairs *pr)
{
	free(pr->end);
	pr->end = NULL;
}

static int path_set_grow(struct path_set *ps)
{
	uint64_t c = ps->cap ? ps->cap * 2 : 1024;
	void *a = realloc(ps->off, c * sizeof(*ps->off));

	if (!a)
		return -ENOMEM;
	ps->off = a;
	if (!(a = realloc(ps->start, c * sizeof(*ps->start))))
		return -ENOMEM;
	ps->start = a;
	if (!(a = realloc(ps->len, c * sizeof(*ps->len))))
		return -ENOMEM;
	ps->len = a;
	if (!(a = realloc(ps->pair, c * sizeof(*ps->pair))))
		return -ENOMEM;
	ps->pair = a;
	if (!(a = realloc(ps->vlan, c * sizeof(*ps->vlan))))
		return -ENOMEM;
	ps->vlan = a;
	ps->cap = c;
	return 0;
}

int path_set_add(struct path_set *ps, uint32_t pair, uint32_t start, const uint32_t *links,
		 uint16_t len, uint32_t vlan)
{
	if (ps->n == ps->cap && path_set_grow(ps))
		return -ENOMEM;
	while (ps->nlink + len > ps->linkcap) {
		uint64_t c = ps->linkcap ? ps->linkcap * 2 : 4096;
		void *a = realloc(ps->link, c * sizeof(*ps->link));

		if (!a)
			return -ENOMEM;
		ps->link = a;
		ps->linkcap = c;
	}
	ps->off[ps->n] = ps->nlink;
	ps->start[ps->n] = start;
	ps->len[ps->n] = len;
	ps->pair[ps->n] = pair;
	ps->vlan[ps->n] = vlan;
	memcpy(ps->link + ps->nlink, links, len * sizeof(*links));
	ps->nlink += len;
	ps->n++;
	return 0;
}

void path_set_free(struct path_set *ps)
{
	free(ps->off);
	free(ps->start);
	free(ps->len);
	free(ps->pair);
	free(ps->vlan);
	free(ps->link);
	memset(ps, 0, sizeof(*ps));
}

int vlan_set_add(struct vlan_set *vs)
{
	const struct topo *t = vs->t;
	struct vlan *v;

	if (vs->nv == vs->cap) {
		uint32_t c = vs->cap ? vs->cap * 2 : 16;
		void *a = realloc(vs->v, c * sizeof(*vs->v));

		if (!a)
			return -ENOMEM;
		vs->v = a;
		vs->cap = c;
	}
	v = &vs->v[vs->nv];
	v->plink = malloc(t->nsw * sizeof(*v->plink));
	v->depth = malloc(t->nsw * sizeof(*v->depth));
	v->node = calloc(t->nsw, 1);
	v->lbits = calloc(t->nlink / 64 + 1, sizeof(*v->lbits));
	v->nnodes = 0;
	if (!v->plink || !v->depth || !v->node || !v->lbits) {
		free(v->plink);
		free(v->depth);
		free(v->node);
		free(v->lbits);
		return -ENOMEM;
	}
	vs->nv++;
	return 0;
}

void vlan_set_free(struct vlan_set *vs)
{
	for (uint32_t i = 0; i < vs->nv; i++) {
		free(vs->v[i].plink);
		free(vs->v[i].depth);
		free(vs->v[i].node);
		free(vs->v[i].lbits);
	}
	free(vs->v);
	vs->v = NULL;
	vs->nv = vs->cap = 0;
}

int packing_init(struct packing *pk, const struct topo *t, uint32_t maxv, uint32_t npairs)
{
	memset(pk, 0, sizeof(*pk));
	pk->vs.t = t;
	pk->vs.maxv = maxv;
	pk->pfirst = malloc(((uint64_t)npairs + 1) * sizeof(*pk->pfirst));
	pk->pcount = calloc((uint64_t)npairs + 1, 1);
	if (!pk->pfirst || !pk->pcount) {
		packing_free(pk);
		return -ENOMEM;
	}
	return 0;
}

void packing_free(struct packing *pk)
{
	path_set_free(&pk->ps);
	vlan_set_free(&pk->vs);
	free(pk->pfirst);
	free(pk->pcount);
	pk->pfirst = NULL;
	pk->pcount = NULL;
}

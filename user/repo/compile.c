// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo compile, the driver: from a validated topology to the files the
 * repository serves -- for every pair of edge switches the VLANs that connect
 * them (patent [0012], computed offline [0057]), the broadcast VLAN spanning
 * every server downlink ([0029]) and every switch's configuration ([0020]).
 * The stages, in order:
 *   1. hop distances from every edge switch          path_search.c
 *   2. greedy packing (SPAIN), then tree-first       pack_greedy.c, pack_trees.c
 *      packing, kept when it needs fewer VLANs
 *   3. the lower bound on the VLAN count             here
 *   4. VLAN IDs                                      here
 *   5. the broadcast VLAN's tree                     bcast_tree.c
 *   6. the files                                     compile_output.c
 * docs/repository.md explains the method.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netlord.h"
#include "bcast_tree.h"
#include "compile.h"
#include "compile_output.h"
#include "util.h"
#include "pack_greedy.h"
#include "pack_trees.h"
#include "packing.h"
#include "path_search.h"

/* tree-first packing tries every switch's BFS trees: not on larger fabrics */
#define TREE_FIRST_MAX_WORK 20000000ULL /* 2 * switches * pairs */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* the options against their ranges; *maxv: how many path VLAN IDs there are */
static int check_opts(const struct topo *t, const struct compile_opts *o, uint32_t *maxv, char *err,
		      size_t errlen)
{
	uint64_t npairs = (uint64_t)t->nedge * (t->nedge - 1) / 2;

	if (o->k < 1 || o->k > NL_MAX_VLANS_PER_PAIR)
		return nl_errf(err, errlen, -EINVAL, "k must be 1..%d", NL_MAX_VLANS_PER_PAIR);
	if (o->bcast_vlan < REPO_VLAN_MIN || o->bcast_vlan > REPO_VLAN_MAX)
		return nl_errf(err, errlen, -EINVAL, "broadcast VLAN must be %d..%d", REPO_VLAN_MIN,
			       REPO_VLAN_MAX);
	if (o->first_vlan < REPO_VLAN_MIN || o->first_vlan > REPO_VLAN_MAX)
		return nl_errf(err, errlen, -EINVAL, "first VLAN must be %d..%d", REPO_VLAN_MIN,
			       REPO_VLAN_MAX);
	if (npairs > UINT32_MAX / NL_MAX_VLANS_PER_PAIR)
		return nl_errf(err, errlen, -EINVAL, "too many edge switches (%u)", t->nedge);
	*maxv = (uint32_t)(REPO_VLAN_MAX - o->first_vlan + 1) -
		(o->bcast_vlan >= o->first_vlan ? 1 : 0);
	return 0;
}

/*
 * Tree-first packing, kept if it needs fewer VLANs than the greedy packing
 * in pk; skipped when greedy already has as few VLANs as some pair has paths
 * (optimal), or when the fabric is too large.  Returns 0 or -ENOMEM.
 */
static int try_tree_first(const struct topo *t, const struct pack_opts *po, const struct pairs *pr,
			  struct packing *pk)
{
	struct packing tpk;
	uint32_t maxp = 0;
	int rc;

	for (uint64_t p = 0; p < pr->n; p++)
		if (pk->pcount[p] > maxp)
			maxp = pk->pcount[p];
	if (pk->vs.nv <= maxp || (uint64_t)2 * t->nsw * pr->n > TREE_FIRST_MAX_WORK ||
	    t->nedge <= 1)
		return 0;
	rc = packing_init(&tpk, t, po->maxv, pr->n);
	if (rc)
		return rc;
	rc = pack_trees(t, po->k, pr, pk->vs.nv, pk->pcount, &tpk);
	if (rc) {
		packing_free(&tpk);
		return rc == -ENOENT ? 0 : rc;
	}
	packing_free(pk);
	*pk = tpk;
	return 0;
}

/*
 * Lower bound on the VLAN count: some pair's paths must be in different
 * VLANs (lb_pairs), and a VLAN is a tree, so it holds at most (switches - 1)
 * of the links the paths use (lb_forest).  Returns 0 or -ENOMEM.
 */
static int lower_bound(const struct topo *t, const struct packing *pk, uint32_t npairs,
		       struct compile_result *r)
{
	const struct path_set *ps = &pk->ps;
	uint8_t *lused = calloc(t->nlink + 1, 1), *nused = calloc(t->nsw, 1);
	uint64_t nl = 0, nn = 0;

	if (!lused || !nused) {
		free(lused);
		free(nused);
		return -ENOMEM;
	}
	for (uint64_t p = 0; p < npairs; p++)
		if (pk->pcount[p] > r->lb_pairs)
			r->lb_pairs = pk->pcount[p];
	for (uint64_t p = 0; p < ps->n; p++) {
		uint32_t x = ps->start[p];

		nn += !nused[x];
		nused[x] = 1;
		for (uint16_t i = 0; i < ps->len[p]; i++) {
			uint32_t l = ps->link[ps->off[p] + i];

			nl += !lused[l];
			lused[l] = 1;
			x = topo_peer(t, l, x);
			nn += !nused[x];
			nused[x] = 1;
		}
	}
	r->lb_forest = nn > 1 ? (uint32_t)((nl + nn - 2) / (nn - 1)) : 0;
	r->lower_bound = r->lb_pairs > r->lb_forest ? r->lb_pairs : r->lb_forest;
	free(lused);
	free(nused);
	return 0;
}

/* VLAN IDs upwards from first_vlan, skipping the broadcast VLAN */
static int vlan_ids(const struct compile_opts *o, uint32_t nv, uint32_t **vidp)
{
	uint32_t *vid = malloc((nv + 1) * sizeof(*vid));

	*vidp = vid;
	if (!vid)
		return -ENOMEM;
	for (uint32_t v = 0, id = o->first_vlan; v < nv; v++, id++) {
		if ((int)id == o->bcast_vlan)
			id++;
		vid[v] = id;
	}
	return 0;
}

/* the message for a failed stage (before the writers, which say their own) */
static int stage_error(int rc, const struct compile_opts *o, uint32_t maxv, char *err,
		       size_t errlen)
{
	if (rc == -ERANGE)
		return nl_errf(err, errlen, rc, "topology diameter too large");
	if (rc == -ENOSPC)
		return nl_errf(err, errlen, rc,
			       "the paths need more than %u VLANs (IDs %d..%d); lower k", maxv,
			       o->first_vlan, REPO_VLAN_MAX);
	return nl_errf(err, errlen, rc, "out of memory");
}

int repo_compile(const struct topo *t, const struct compile_opts *o, struct compile_result *r,
		 char *err, size_t errlen)
{
	struct pack_opts po = {
		.k = o->k,
		.stretch = o->stretch,
		.randomized = o->randomized,
		.seed = o->seed,
		.tries = o->tries,
	};
	struct repo_output out = {.t = t, .o = o, .r = r};
	struct bcast_tree bt = {0};
	struct packing pk = {0};
	struct pairs pr = {0};
	uint16_t *dist = NULL;
	uint32_t *vid = NULL;
	double t0 = now_ms();
	int rc;

	memset(r, 0, sizeof(*r));
	rc = check_opts(t, o, &po.maxv, err, errlen);
	if (rc)
		return rc;
	rc = edge_distances(t, &dist);
	if (!rc)
		rc = pairs_init(&pr, t->nedge);
	if (!rc)
		rc = pack_greedy(t, &po, dist, &pr, &pk);
	if (!rc)
		rc = try_tree_first(t, &po, &pr, &pk);
	if (!rc) {
		r->npairs = pr.n;
		r->npaths = pk.ps.n;
		r->nvlans = pk.vs.nv;
		r->max_path_len = pk.max_path_len;
		r->ms_paths = now_ms() - t0;
		rc = lower_bound(t, &pk, pr.n, r);
	}
	if (!rc)
		rc = vlan_ids(o, pk.vs.nv, &vid);
	if (!rc)
		rc = bcast_tree_build(t, dist, &bt);
	if (rc) {
		rc = stage_error(rc, o, po.maxv, err, errlen);
	} else {
		out.pk = &pk;
		out.vid = vid;
		out.bt = &bt;
		rc = write_outputs(&out, err, errlen);
		r->ms_total = now_ms() - t0;
	}
	bcast_tree_free(&bt);
	packing_free(&pk);
	pairs_free(&pr);
	free(dist);
	free(vid);
	return rc;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo compile, greedy packing (SPAIN, NSDI 2010; patent [0012]): for
 * every pair of edge switches compute up to k paths -- link-disjoint where
 * the topology allows, shortest first -- and pack them into as few loop-free
 * VLAN trees as possible, first fit.  See pack_greedy.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netlord.h"
#include "pack_greedy.h"
#include "path_search.h"

#define PATH_MAX_LINKS 4096

/*
 * Add the path to the VLAN if it fits; returns 1 if added.  A path may join
 * only if it touches the tree (unless the tree is empty), its switches inside
 * the tree are one contiguous stretch joined by tree links, and the rest hangs
 * off the ends as new branches.  Then the union is still one loop-free tree
 * and the path is the tree's unique path between its ends.  nd: scratch for
 * len + 1 switches.
 */
static int vlan_try(const struct topo *t, struct vlan *v, uint32_t start, const uint32_t *links,
		    uint16_t len, uint32_t *nd)
{
	int first = -1, last = -1;

	nd[0] = start;
	for (uint16_t i = 0; i < len; i++)
		nd[i + 1] = topo_peer(t, links[i], nd[i]);
	for (int i = 0; i <= len; i++)
		if (v->node[nd[i]]) {
			if (first < 0)
				first = i;
			else if (last != i - 1 || !vlan_has_link(v, links[i - 1]))
				return 0; /* re-enters the tree, or a non-tree chord */
			last = i;
		}
	if (first < 0) {
		if (v->nnodes)
			return 0; /* would make the VLAN a forest */
		/* empty VLAN: the path becomes the tree, rooted at its start */
		first = last = 0;
		vlan_attach(v, start, UINT32_MAX, 0);
	}
	for (int i = first - 1; i >= 0; i--)
		vlan_attach(v, nd[i], links[i], v->depth[nd[i + 1]] + 1);
	for (int i = last + 1; i <= len; i++)
		vlan_attach(v, nd[i], links[i - 1], v->depth[nd[i - 1]] + 1);
	return 1;
}

/* the VLAN's tree path s -> d if both are in it and it has at most max links */
static int tree_path(const struct topo *t, const struct vlan *v, uint32_t s, uint32_t d,
		     uint32_t *out, uint32_t max)
{
	uint32_t back[64];

	if (!v->node[s] || !v->node[d] || max > 64)
		return -1;
	return rooted_tree_path(t, v->plink, v->depth, s, d, out, back, max);
}

/*
 * The shortest tree path src -> dst among the VLANs that uses no link of
 * use[] and has at most limit links: its length (links in out, VLAN in
 * *vlan), or -1 if there is none.
 */
static int best_tree_path(const struct topo *t, const struct vlan_set *vs, const uint8_t *use,
			  uint32_t src, uint32_t dst, uint32_t limit, uint32_t *out, uint32_t *vlan)
{
	uint32_t cand[64];
	int bestn = -1;

	for (uint32_t v = 0; v < vs->nv; v++) {
		int n = tree_path(t, &vs->v[v], src, dst, cand, limit < 64 ? limit : 64);

		if (n <= 0 || (bestn >= 0 && n >= bestn))
			continue;
		for (int q = 0; q < n && n > 0; q++)
			if (use[cand[q]])
				n = 0;
		if (n > 0) {
			bestn = n;
			*vlan = v;
			memcpy(out, cand, n * sizeof(*out));
		}
	}
	return bestn > 0 ? bestn : -1;
}

/* pack the path first-fit into the VLANs, or a new one: its VLAN, or -errno */
static int64_t pack_first_fit(const struct topo *t, struct vlan_set *vs, uint32_t src,
			      const uint32_t *links, int n, uint32_t *nd)
{
	uint32_t v;

	for (v = 0; v < vs->nv; v++)
		if (vlan_try(t, &vs->v[v], src, links, (uint16_t)n, nd))
			return v;
	if (vs->nv >= vs->maxv)
		return -ENOSPC;
	if (vlan_set_add(vs))
		return -ENOMEM;
	vlan_try(t, &vs->v[v], src, links, (uint16_t)n, nd);
	return v;
}

/* is the path already one of the pair's paths (from path `first` on)? */
static int path_known(const struct path_set *ps, uint64_t first, const uint32_t *links, int n)
{
	for (uint64_t q = first; q < ps->n; q++)
		if (ps->len[q] == n && !memcmp(ps->link + ps->off[q], links, n * sizeof(*links)))
			return 1;
	return 0;
}

/*
 * For every pair (in the given order) choose up to k paths: first the tree
 * path of an existing VLAN if it is link-disjoint from the pair's paths so
 * far and at most `stretch` links longer than the shortest path; otherwise
 * the A* path (disjoint first, then shortest), packed first-fit into the
 * VLANs, or into a new one.  use[] (per link) is zero on entry and on return.
 * Returns 0, -ENOMEM or -ENOSPC.
 */
static int pack_in_order(const struct topo *t, const struct pack_opts *o, const uint16_t *dist,
			 const struct pairs *pr, const uint32_t *porder, struct search *s,
			 uint8_t *use, struct packing *pk)
{
	uint32_t N = t->nsw, buf[PATH_MAX_LINKS], nd[PATH_MAX_LINKS + 1];
	struct path_set *ps = &pk->ps;

	pk->max_path_len = 0;
	for (uint32_t x = 0; x < pr->n; x++) {
		uint32_t p = porder[x], j = pr->end[2 * p + 1];
		uint32_t src = t->edge[pr->end[2 * p]], dst = t->edge[j];
		const uint16_t *h = dist + (size_t)j * N;
		uint32_t limit = h[src] + (uint32_t)o->stretch;

		pk->pfirst[p] = (uint32_t)ps->n;
		for (int rk = 0; rk < o->k; rk++) {
			uint32_t v = 0;
			int n = best_tree_path(t, &pk->vs, use, src, dst, limit, buf, &v);

			if (n < 0) {
				int64_t nv;

				n = astar(t, s, h, use, N, src, dst, buf, PATH_MAX_LINKS);
				if (n < 0)
					return n;
				if (path_known(ps, pk->pfirst[p], buf, n))
					break;
				nv = pack_first_fit(t, &pk->vs, src, buf, n, nd);
				if (nv < 0)
					return (int)nv;
				v = (uint32_t)nv;
			}
			if (path_set_add(ps, p, src, buf, (uint16_t)n, v))
				return -ENOMEM;
			pk->pcount[p]++;
			if ((uint32_t)n > pk->max_path_len)
				pk->max_path_len = n;
			for (int q = 0; q < n; q++)
				if (use[buf[q]] < 255)
					use[buf[q]]++;
		}
		for (uint64_t q = pk->pfirst[p]; q < ps->n; q++)
			for (uint16_t y = 0; y < ps->len[q]; y++)
				use[ps->link[ps->off[q] + y]] = 0;
	}
	return 0;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* the pairs in their order, or shuffled (Fisher-Yates) */
static void pair_order(uint32_t *porder, uint32_t npairs, int shuffle, uint64_t *rng)
{
	for (uint32_t p = 0; p < npairs; p++)
		porder[p] = p;
	if (!shuffle)
		return;
	for (uint64_t x = npairs; x > 1; x--) {
		uint64_t y = xorshift(rng) % x;
		uint32_t tmp = porder[x - 1];

		porder[x - 1] = porder[y];
		porder[y] = tmp;
	}
}

int pack_greedy(const struct topo *t, const struct pack_opts *o, const uint16_t *dist,
		const struct pairs *pr, struct packing *out)
{
	int tries = o->randomized ? (o->tries > 0 ? o->tries : 1) : 1;
	uint64_t rng = (uint64_t)o->seed * 2654435761ULL + 88172645463325252ULL;
	uint32_t *porder = malloc(((uint64_t)pr->n + 1) * sizeof(*porder));
	uint8_t *use = calloc(t->nlink + 1, 1);
	struct packing cur = {0}, best = {0};
	uint32_t last_max_path_len = 0;
	struct search s;
	int rc = search_init(&s, t->nsw);

	if (rc || !porder || !use) {
		rc = -ENOMEM;
		goto out;
	}
	for (int tr = 0; tr < tries; tr++) {
		pair_order(porder, pr->n, o->randomized, &rng);
		rc = packing_init(&cur, t, o->maxv, pr->n);
		if (!rc)
			rc = pack_in_order(t, o, dist, pr, porder, &s, use, &cur);
		if (rc)
			goto out;
		last_max_path_len = cur.max_path_len;
		if (tr == 0 || cur.vs.nv < best.vs.nv) {
			packing_free(&best);
			best = cur;
		} else {
			packing_free(&cur);
		}
		memset(&cur, 0, sizeof(cur));
	}
	/*
	 * The longest path reported is that of the last order tried, not of the
	 * one kept (as na-repo has always reported it; see summary.txt).
	 */
	best.max_path_len = last_max_path_len;
	*out = best;
	memset(&best, 0, sizeof(best));
out:
	packing_free(&cur);
	packing_free(&best);
	search_free(&s);
	free(porder);
	free(use);
	return rc;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo compile, tree-first packing (patent [0012]; see pack_trees.h).
 *
 * Candidate spanning trees are the BFS trees from every switch (neighbours
 * visited in port order, and in reverse port order); for a 2-D HyperX these
 * are the "comb" trees of every row and column, for a clique the stars.
 * Trees are chosen greedily: the next one gives the most pairs that still
 * lack paths a path different from theirs (then: fewest links shared with the
 * pair's paths, then shortest), until every pair has min(k, max-flow)
 * different paths.  Each pair then takes up to k of the chosen trees
 * (different paths, fewest shared links, then shortest), and every chosen
 * tree is pruned to the smallest subtree holding its pairs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netlord.h"
#include "pack_trees.h"
#include "path_search.h"

#define MAX_CHOSEN 4096 /* trees a pair may look at when taking its paths */

/* candidate spanning tree: parent link and depth of every switch */
struct ctree {
	uint32_t *par; /* [N], UINT32_MAX at the root */
	uint32_t *dep; /* [N] */
	uint32_t *ord; /* [N] BFS order */
};

/* working state of one tree-first packing */
struct tree_pack {
	const struct topo *t;
	const struct pairs *pr;
	int k;
	uint32_t N, W64;
	uint32_t m;	 /* candidate trees */
	struct ctree *c; /* [2N] */
	uint64_t *cbits; /* [2N][W64]: links of each candidate */
	uint32_t *queue; /* [N] BFS */
	uint32_t *seen;	 /* [N] BFS: visited when == gen */
	uint32_t gen;
	uint32_t *lstamp; /* [L]: link on the current pair's paths when == stamp */
	uint32_t stamp;
	uint32_t *buf, *back; /* [N + 1]: a path, and ctree_path()'s scratch */
	uint32_t *pbuf;	      /* [NL_MAX_VLANS_PER_PAIR][N + 1]: a pair's paths */
	uint32_t nsel;
	uint32_t *sel;	  /* [2N] chosen candidates, in order */
	uint8_t *issel;	  /* [2N] */
	int64_t *score;	  /* [2N] */
	uint32_t *chosen; /* [npairs][NL_MAX_VLANS_PER_PAIR] the pair's trees */
	uint8_t *need;	  /* [npairs] min(k, max-flow) */
	uint8_t *have;	  /* [npairs] paths so far */
	uint8_t *term;	  /* [nsel][N]: switch ends a pair's path in chosen tree */
	struct flow_work fw;
};

/* the tree's path a -> b (links in order); returns its length */
static int ctree_path(const struct topo *t, const struct ctree *c, uint32_t a, uint32_t b,
		      uint32_t *out, uint32_t *back)
{
	return rooted_tree_path(t, c->par, c->dep, a, b, out, back, UINT32_MAX);
}

static void ctree_free(struct ctree *x)
{
	free(x->par);
	free(x->dep);
	free(x->ord);
	x->par = x->dep = x->ord = NULL;
}

static int tp_init(struct tree_pack *tp, const struct topo *t, const struct pairs *pr, int k)
{
	uint32_t N = t->nsw, L = t->nlink, npairs = pr->n;

	memset(tp, 0, sizeof(*tp));
	tp->t = t;
	tp->pr = pr;
	tp->k = k;
	tp->N = N;
	tp->W64 = L / 64 + 1;
	tp->c = calloc(2 * N, sizeof(*tp->c));
	tp->cbits = calloc((size_t)2 * N * tp->W64, sizeof(*tp->cbits));
	tp->queue = malloc(N * sizeof(*tp->queue));
	tp->seen = calloc(N, sizeof(*tp->seen));
	tp->lstamp = calloc(L + 1, sizeof(*tp->lstamp));
	tp->buf = malloc((N + 1) * sizeof(*tp->buf));
	tp->back = malloc((N + 1) * sizeof(*tp->back));
	tp->pbuf = malloc(((size_t)NL_MAX_VLANS_PER_PAIR * (N + 1)) * sizeof(*tp->pbuf));
	tp->sel = malloc(2 * N * sizeof(*tp->sel));
	tp->issel = calloc(2 * N, 1);
	tp->score = malloc(2 * N * sizeof(*tp->score));
	tp->chosen = malloc((size_t)npairs * NL_MAX_VLANS_PER_PAIR * sizeof(*tp->chosen));
	tp->need = malloc(npairs + 1);
	tp->have = calloc(npairs + 1, 1);
	if (!tp->c || !tp->cbits || !tp->queue || !tp->seen || !tp->lstamp || !tp->buf ||
	    !tp->back || !tp->pbuf || !tp->sel || !tp->issel || !tp->score || !tp->chosen ||
	    !tp->need || !tp->have)
		return -ENOMEM;
	return flow_work_init(&tp->fw, t, k);
}

static void tp_free(struct tree_pack *tp)
{
	for (uint32_t x = 0; tp->c && x < 2 * tp->N; x++)
		ctree_free(&tp->c[x]);
	free(tp->c);
	free(tp->cbits);
	free(tp->queue);
	free(tp->seen);
	free(tp->lstamp);
	free(tp->buf);
	free(tp->back);
	free(tp->pbuf);
	free(tp->sel);
	free(tp->issel);
	free(tp->score);
	free(tp->chosen);
	free(tp->need);
	free(tp->have);
	free(tp->term);
	flow_work_free(&tp->fw);
}

/* the BFS tree from root (neighbours in port order, or reversed) into x and bits */
static int bfs_tree(struct tree_pack *tp, uint32_t root, int rev, struct ctree *x, uint64_t *bits)
{
	const struct topo *t = tp->t;
	uint32_t N = tp->N, qh = 0, qt = 0, gen = ++tp->gen;

	x->par = malloc(N * sizeof(*x->par));
	x->dep = malloc(N * sizeof(*x->dep));
	x->ord = malloc(N * sizeof(*x->ord));
	if (!x->par || !x->dep || !x->ord) {
		ctree_free(x);
		return -ENOMEM;
	}
	tp->seen[root] = gen;
	x->par[root] = UINT32_MAX;
	x->dep[root] = 0;
	tp->queue[qt++] = root;
	while (qh < qt) {
		uint32_t u = tp->queue[qh++], na = t->sw[u].nadj;

		for (uint32_t jj = 0; jj < na; jj++) {
			uint32_t j = rev ? na - 1 - jj : jj;
			uint32_t w = t->sw[u].adj[j].peer, l = t->sw[u].adj[j].link;

			if (tp->seen[w] == gen)
				continue;
			tp->seen[w] = gen;
			x->par[w] = l;
			x->dep[w] = x->dep[u] + 1;
			bits[l / 64] |= 1ULL << (l % 64);
			tp->queue[qt++] = w;
		}
	}
	memcpy(x->ord, tp->queue, N * sizeof(*tp->queue));
	return 0;
}

/* the candidate trees, without duplicates */
static int candidate_trees(struct tree_pack *tp)
{
	size_t W64 = tp->W64;

	for (uint32_t root = 0; root < tp->N; root++)
		for (int rev = 0; rev < 2; rev++) {
			struct ctree *x = &tp->c[tp->m];
			uint64_t *bits = tp->cbits + tp->m * W64;
			int dupl = 0;

			if (bfs_tree(tp, root, rev, x, bits))
				return -ENOMEM;
			for (uint32_t y = 0; y < tp->m && !dupl; y++)
				dupl = !memcmp(bits, tp->cbits + y * W64, W64 * sizeof(*bits));
			if (dupl) {
				ctree_free(x);
				memset(bits, 0, W64 * sizeof(*bits));
			} else {
				tp->m++;
			}
		}
	return 0;
}

/* is the path (buf, n) one of the first `count` paths in pbuf (lengths plen)? */
static int path_in(const struct tree_pack *tp, const int *plen, uint32_t count, int n)
{
	for (uint32_t q = 0; q < count; q++)
		if (plen[q] == n &&
		    !memcmp(tp->buf, tp->pbuf + (size_t)q * (tp->N + 1), n * sizeof(*tp->buf)))
			return 1;
	return 0;
}

/* add to score[] what every unchosen tree gives pair p, which lacks paths */
static void score_for_pair(struct tree_pack *tp, uint32_t p)
{
	const struct topo *t = tp->t;
	uint32_t a = t->edge[tp->pr->end[2 * p]], b = t->edge[tp->pr->end[2 * p + 1]];
	uint32_t *cp = tp->chosen + (size_t)p * NL_MAX_VLANS_PER_PAIR;
	int plen[NL_MAX_VLANS_PER_PAIR];

	tp->stamp++;
	for (uint32_t q = 0; q < tp->have[p]; q++) {
		uint32_t *pp = tp->pbuf + (size_t)q * (tp->N + 1);

		plen[q] = ctree_path(t, &tp->c[cp[q]], a, b, pp, tp->back);
		for (int y = 0; y < plen[q]; y++)
			tp->lstamp[pp[y]] = tp->stamp;
	}
	for (uint32_t x = 0; x < tp->m; x++) {
		int n, shared = 0;

		if (tp->issel[x])
			continue;
		n = ctree_path(t, &tp->c[x], a, b, tp->buf, tp->back);
		if (path_in(tp, plen, tp->have[p], n))
			continue;
		for (int y = 0; y < n; y++)
			shared += tp->lstamp[tp->buf[y]] == tp->stamp;
		tp->score[x] += (1LL << 40) - ((int64_t)shared << 20) - n;
	}
}

/* tree `best` is chosen: it gives a path to every pair lacking one it has not */
static void give_tree(struct tree_pack *tp, uint32_t best)
{
	const struct topo *t = tp->t;

	for (uint32_t p = 0; p < tp->pr->n; p++) {
		uint32_t a = t->edge[tp->pr->end[2 * p]], b = t->edge[tp->pr->end[2 * p + 1]];
		uint32_t *cp = tp->chosen + (size_t)p * NL_MAX_VLANS_PER_PAIR;
		int n, dupl = 0;

		if (tp->have[p] >= tp->need[p])
			continue;
		n = ctree_path(t, &tp->c[best], a, b, tp->buf, tp->back);
		for (uint32_t q = 0; q < tp->have[p] && !dupl; q++) {
			int n2 = ctree_path(t, &tp->c[cp[q]], a, b, tp->pbuf, tp->back);

			dupl = n2 == n && !memcmp(tp->buf, tp->pbuf, n * sizeof(*tp->buf));
		}
		if (!dupl)
			cp[tp->have[p]++] = best;
	}
}

/* choose trees until every pair has need[p] paths: 0, or -ENOENT */
static int choose_trees(struct tree_pack *tp, uint32_t better)
{
	for (;;) {
		uint32_t best = UINT32_MAX, left = 0;

		for (uint32_t p = 0; p < tp->pr->n; p++)
			left += tp->have[p] < tp->need[p];
		if (!left)
			return 0;
		if (tp->nsel + 1 >= better)
			return -ENOENT;
		memset(tp->score, 0, tp->m * sizeof(*tp->score));
		for (uint32_t p = 0; p < tp->pr->n; p++)
			if (tp->have[p] < tp->need[p])
				score_for_pair(tp, p);
		for (uint32_t x = 0; x < tp->m; x++)
			if (!tp->issel[x] && tp->score[x] > 0 &&
			    (best == UINT32_MAX || tp->score[x] > tp->score[best]))
				best = x;
		if (best == UINT32_MAX)
			return -ENOENT; /* the candidate trees cannot give enough paths */
		tp->issel[best] = 1;
		tp->sel[tp->nsel++] = best;
		give_tree(tp, best);
	}
}

/*
 * Pair p takes up to k of the chosen trees (different paths, fewest shared
 * links, then shortest): chosen[p] becomes indexes into sel[].  Returns 0, or
 * -ENOENT if that gives fewer than need[p] paths.
 */
static int take_trees(struct tree_pack *tp, uint32_t p)
{
	const struct topo *t = tp->t;
	uint32_t N = tp->N, a = t->edge[tp->pr->end[2 * p]], b = t->edge[tp->pr->end[2 * p + 1]];
	uint32_t *cp = tp->chosen + (size_t)p * NL_MAX_VLANS_PER_PAIR;
	int plen[NL_MAX_VLANS_PER_PAIR], np = 0;
	uint8_t taken[MAX_CHOSEN] = {0};

	tp->stamp++;
	while (np < tp->k) {
		int64_t bs = INT64_MAX;
		uint32_t bx = UINT32_MAX;
		int bn = 0;

		for (uint32_t s = 0; s < tp->nsel && s < MAX_CHOSEN; s++) {
			int n, shared = 0;

			if (taken[s])
				continue;
			n = ctree_path(t, &tp->c[tp->sel[s]], a, b, tp->buf, tp->back);
			if (path_in(tp, plen, np, n)) {
				taken[s] = 1;
				continue;
			}
			for (int y = 0; y < n; y++)
				shared += tp->lstamp[tp->buf[y]] == tp->stamp;
			if (((int64_t)shared << 20) + n < bs) {
				bs = ((int64_t)shared << 20) + n;
				bx = s;
				bn = n;
			}
		}
		if (bx == UINT32_MAX)
			break;
		taken[bx] = 1;
		plen[np] = ctree_path(t, &tp->c[tp->sel[bx]], a, b, tp->pbuf + (size_t)np * (N + 1),
				      tp->back);
		for (int y = 0; y < bn; y++)
			tp->lstamp[tp->pbuf[(size_t)np * (N + 1) + y]] = tp->stamp;
		cp[np++] = bx;
		tp->term[(size_t)bx * N + a] = tp->term[(size_t)bx * N + b] = 1;
	}
	if (np < tp->need[p])
		return -ENOENT; /* cannot happen: the choice guaranteed need[p] */
	tp->have[p] = (uint8_t)np;
	return 0;
}

/*
 * The chosen tree x pruned to the smallest subtree holding the switches of
 * tm[], as a new VLAN.  cnt[N], kept[L]: scratch; kept[] is zero on entry and
 * on return.
 */
static int prune_tree(struct tree_pack *tp, const struct ctree *x, const uint8_t *tm,
		      uint32_t first, uint32_t total, uint32_t *cnt, uint8_t *kept,
		      struct vlan_set *vs)
{
	const struct topo *t = tp->t;
	uint32_t N = tp->N, qh = 0, qt = 0;
	struct vlan *v;

	for (uint32_t i = N; i-- > 0;) {
		uint32_t u = x->ord[i];

		cnt[u] = tm[u];
	}
	for (uint32_t i = N; i-- > 1;) {
		uint32_t u = x->ord[i];

		cnt[topo_peer(t, x->par[u], u)] += cnt[u];
	}
	for (uint32_t i = 1; i < N; i++) {
		uint32_t u = x->ord[i];

		kept[x->par[u]] = cnt[u] > 0 && cnt[u] < total;
	}
	if (vlan_set_add(vs))
		return -ENOMEM;
	v = &vs->v[vs->nv - 1];
	vlan_attach(v, first, UINT32_MAX, 0);
	tp->queue[qt++] = first;
	while (qh < qt) {
		uint32_t u = tp->queue[qh++];

		for (uint32_t j = 0; j < t->sw[u].nadj; j++) {
			uint32_t w = t->sw[u].adj[j].peer, l = t->sw[u].adj[j].link;

			if (!kept[l] || v->node[w])
				continue;
			vlan_attach(v, w, l, v->depth[u] + 1);
			tp->queue[qt++] = w;
		}
	}
	for (uint32_t i = 1; i < N; i++)
		kept[x->par[x->ord[i]]] = 0;
	return 0;
}

/* every chosen tree that some pair uses becomes a VLAN: vmap[s] (or UINT32_MAX) */
static int trees_to_vlans(struct tree_pack *tp, uint32_t *vmap, struct vlan_set *vs)
{
	uint32_t N = tp->N, *cnt = calloc(N, sizeof(*cnt));
	uint8_t *kept = calloc(tp->t->nlink + 1, 1);
	int rc = cnt && kept ? 0 : -ENOMEM;

	for (uint32_t s = 0; s < tp->nsel && !rc; s++) {
		const uint8_t *tm = tp->term + (size_t)s * N;
		uint32_t total = 0, first = UINT32_MAX;

		vmap[s] = UINT32_MAX;
		for (uint32_t u = 0; u < N; u++)
			if (tm[u]) {
				total++;
				if (first == UINT32_MAX)
					first = u;
			}
		if (!total)
			continue;
		rc = prune_tree(tp, &tp->c[tp->sel[s]], tm, first, total, cnt, kept, vs);
		vmap[s] = vs->nv - 1;
	}
	free(cnt);
	free(kept);
	return rc;
}

/* every pair's paths in its trees, into pk */
static int emit_paths(struct tree_pack *tp, const uint32_t *vmap, struct packing *pk)
{
	const struct topo *t = tp->t;

	pk->max_path_len = 0;
	for (uint32_t p = 0; p < tp->pr->n; p++) {
		uint32_t a = t->edge[tp->pr->end[2 * p]], b = t->edge[tp->pr->end[2 * p + 1]];
		uint32_t *cp = tp->chosen + (size_t)p * NL_MAX_VLANS_PER_PAIR;

		pk->pfirst[p] = (uint32_t)pk->ps.n;
		pk->pcount[p] = 0;
		for (uint32_t q = 0; q < tp->have[p]; q++) {
			int n = ctree_path(t, &tp->c[tp->sel[cp[q]]], a, b, tp->buf, tp->back);

			if (n > 4096 ||
			    path_set_add(&pk->ps, p, a, tp->buf, (uint16_t)n, vmap[cp[q]]))
				return -ENOMEM;
			pk->pcount[p]++;
			if ((uint32_t)n > pk->max_path_len)
				pk->max_path_len = n;
		}
	}
	return 0;
}

int pack_trees(const struct topo *t, int k, const struct pairs *pr, uint32_t better,
	       const uint8_t *gcount, struct packing *out)
{
	struct tree_pack tp;
	uint32_t *vmap = NULL;
	int rc = tp_init(&tp, t, pr, k);

	if (!rc)
		rc = candidate_trees(&tp);
	if (rc)
		goto out;
	/* how many different paths every pair needs: min(k, max-flow) */
	for (uint32_t p = 0; p < pr->n; p++)
		tp.need[p] = (uint8_t)max_flow(t, t->edge[pr->end[2 * p]],
					       t->edge[pr->end[2 * p + 1]], k, &tp.fw);
	/* a greedy result short of min(k, max-flow) paths for a pair is no bar */
	for (uint32_t p = 0; p < pr->n; p++)
		if (gcount[p] < tp.need[p])
			better = out->vs.maxv + 1;
	rc = choose_trees(&tp, better);
	if (rc)
		goto out;
	vmap = malloc((tp.nsel + 1) * sizeof(*vmap));
	tp.term = calloc((size_t)tp.nsel * tp.N + 1, 1);
	if (!vmap || !tp.term) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t p = 0; p < pr->n && !rc; p++)
		rc = take_trees(&tp, p);
	if (!rc)
		rc = trees_to_vlans(&tp, vmap, &out->vs);
	if (!rc && out->vs.nv >= better)
		rc = -ENOENT;
	if (!rc)
		rc = emit_paths(&tp, vmap, out);
out:
	free(vmap);
	tp_free(&tp);
	return rc;
}

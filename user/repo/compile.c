// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo compile: for every pair of edge switches compute up to k paths
 * (link-disjoint where the topology allows, shortest first), pack them into
 * as few loop-free VLAN trees as possible (SPAIN, NSDI 2010) -- or, when
 * that needs fewer VLANs, choose spanning trees first and give every pair its
 * paths in them (build_trees) -- add a broadcast
 * tree spanning every edge switch, and write the VLAN table plus one
 * configuration file per switch.  docs/repository.md explains the method.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "netlord.h"
#include "compile.h"

#define ERR(...)                                    \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		goto out;                           \
	} while (0)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- paths ----------------------------------------------------------------- */

struct paths {
	uint64_t n, cap;
	uint64_t *off;	 /* first link in link[] */
	uint32_t *start; /* first switch */
	uint16_t *len;	 /* links */
	uint32_t *pair;
	uint32_t *vlan; /* VLAN index the path is packed into */
	uint64_t nlink, linkcap;
	uint32_t *link;
};

static int paths_add(struct paths *ps, uint32_t pair, uint32_t start, const uint32_t *links,
		     uint16_t len, uint32_t vlan)
{
	if (ps->n == ps->cap) {
		uint64_t c = ps->cap ? ps->cap * 2 : 1024;
		void *a = realloc(ps->off, c * sizeof(*ps->off));

		if (!a)
			return -1;
		ps->off = a;
		if (!(a = realloc(ps->start, c * sizeof(*ps->start))))
			return -1;
		ps->start = a;
		if (!(a = realloc(ps->len, c * sizeof(*ps->len))))
			return -1;
		ps->len = a;
		if (!(a = realloc(ps->pair, c * sizeof(*ps->pair))))
			return -1;
		ps->pair = a;
		if (!(a = realloc(ps->vlan, c * sizeof(*ps->vlan))))
			return -1;
		ps->vlan = a;
		ps->cap = c;
	}
	while (ps->nlink + len > ps->linkcap) {
		uint64_t c = ps->linkcap ? ps->linkcap * 2 : 4096;
		void *a = realloc(ps->link, c * sizeof(*ps->link));

		if (!a)
			return -1;
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

static void paths_free(struct paths *ps)
{
	free(ps->off);
	free(ps->start);
	free(ps->len);
	free(ps->pair);
	free(ps->vlan);
	free(ps->link);
}

static inline uint32_t other_end(const struct topo *t, uint32_t l, uint32_t v)
{
	return t->link[l].a == v ? t->link[l].b : t->link[l].a;
}

/* A* search state; heuristic = hop distance to the target (exact BFS) */
struct hent {
	uint64_t f;
	uint32_t v;
};

struct search {
	uint32_t n;
	uint32_t gen;
	uint32_t *stamp;  /* g/parent valid when stamp == gen */
	uint32_t *closed; /* closed when == gen */
	uint64_t *g;
	uint32_t *plink;
	struct hent *heap;
	uint64_t hn, hcap;
};

static inline int hless(const struct hent *a, const struct hent *b)
{
	return a->f < b->f || (a->f == b->f && a->v < b->v);
}

static int heap_push(struct search *s, uint64_t f, uint32_t v)
{
	uint64_t i;

	if (s->hn == s->hcap) {
		uint64_t c = s->hcap ? s->hcap * 2 : 1024;
		void *a = realloc(s->heap, c * sizeof(*s->heap));

		if (!a)
			return -1;
		s->heap = a;
		s->hcap = c;
	}
	i = s->hn++;
	s->heap[i] = (struct hent){f, v};
	while (i) {
		uint64_t p = (i - 1) / 2;
		struct hent tmp;

		if (!hless(&s->heap[i], &s->heap[p]))
			break;
		tmp = s->heap[i];
		s->heap[i] = s->heap[p];
		s->heap[p] = tmp;
		i = p;
	}
	return 0;
}

static struct hent heap_pop(struct search *s)
{
	struct hent top = s->heap[0];
	uint64_t i = 0;

	s->heap[0] = s->heap[--s->hn];
	for (;;) {
		uint64_t l = 2 * i + 1, r = l + 1, m = i;
		struct hent tmp;

		if (l < s->hn && hless(&s->heap[l], &s->heap[m]))
			m = l;
		if (r < s->hn && hless(&s->heap[r], &s->heap[m]))
			m = r;
		if (m == i)
			break;
		tmp = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = tmp;
		i = m;
	}
	return top;
}

/*
 * Cheapest path src -> dst where a link costs 1 + big * use[link]: link
 * disjoint paths first, then the fewest shared links, then the fewest hops;
 * ties go to the lowest switch index, which keeps the choices of different
 * pairs aligned (e.g. the same core switch in a fat tree).  Returns the
 * number of links written (reversed order fixed by the caller), -1 on OOM.
 */
static int astar(const struct topo *t, struct search *s, const uint16_t *h, const uint8_t *use,
		 uint64_t big, uint32_t src, uint32_t dst, uint32_t *out, uint32_t max)
{
	int n = 0;

	s->gen++;
	s->hn = 0;
	s->stamp[src] = s->gen;
	s->g[src] = 0;
	s->plink[src] = UINT32_MAX;
	if (heap_push(s, h[src], src))
		return -1;
	while (s->hn) {
		struct hent e = heap_pop(s);
		const struct topo_switch *sw = &t->sw[e.v];

		if (s->closed[e.v] == s->gen)
			continue;
		s->closed[e.v] = s->gen;
		if (e.v == dst)
			break;
		for (uint32_t j = 0; j < sw->nadj; j++) {
			uint32_t w = sw->adj[j].peer, l = sw->adj[j].link;
			uint64_t g = s->g[e.v] + 1 + big * use[l];

			if (s->closed[w] == s->gen)
				continue;
			if (s->stamp[w] == s->gen && s->g[w] <= g)
				continue;
			s->stamp[w] = s->gen;
			s->g[w] = g;
			s->plink[w] = l;
			if (heap_push(s, g + h[w], w))
				return -1;
		}
	}
	for (uint32_t v = dst; v != src; v = other_end(t, s->plink[v], v)) {
		if ((uint32_t)n == max)
			return -1;
		out[n++] = s->plink[v];
	}
	/* reverse: links from src to dst */
	for (int i = 0; i < n / 2; i++) {
		uint32_t tmp = out[i];

		out[i] = out[n - 1 - i];
		out[n - 1 - i] = tmp;
	}
	return n;
}

/* ---- VLAN packing ------------------------------------------------------------ */

/*
 * A VLAN is one tree, kept rooted: a path may join only if it touches the
 * tree (unless the tree is empty), its switches inside the tree are one
 * contiguous stretch joined by tree links, and the rest hangs off the ends as
 * new branches.  Then the union is still one loop-free tree and the path is
 * the tree's unique path between its ends.
 */
struct vlan {
	uint32_t *plink; /* link to the parent, UINT32_MAX at the root */
	uint32_t *depth;
	uint8_t *node;	 /* switch in this VLAN */
	uint64_t *lbits; /* link in this VLAN */
	uint32_t nnodes;
};

struct packer {
	const struct topo *t;
	uint32_t nv, cap, maxv;
	struct vlan *v;
	uint32_t nodes[4097];
};

static int vlan_new(struct packer *pk)
{
	const struct topo *t = pk->t;
	struct vlan *v;

	if (pk->nv == pk->cap) {
		uint32_t c = pk->cap ? pk->cap * 2 : 16;
		void *a = realloc(pk->v, c * sizeof(*pk->v));

		if (!a)
			return -1;
		pk->v = a;
		pk->cap = c;
	}
	v = &pk->v[pk->nv];
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
		return -1;
	}
	pk->nv++;
	return 0;
}

static void packer_free(struct packer *pk)
{
	for (uint32_t i = 0; i < pk->nv; i++) {
		free(pk->v[i].plink);
		free(pk->v[i].depth);
		free(pk->v[i].node);
		free(pk->v[i].lbits);
	}
	free(pk->v);
	pk->v = NULL;
	pk->nv = pk->cap = 0;
}

static inline int lbit(const struct vlan *v, uint32_t l)
{
	return (v->lbits[l / 64] >> (l % 64)) & 1;
}

/* add the path to the VLAN if it fits; returns 1 if added */
static int vlan_try(struct packer *pk, struct vlan *v, uint32_t start, const uint32_t *links,
		    uint16_t len)
{
	const struct topo *t = pk->t;
	uint32_t *nd = pk->nodes;
	int first = -1, last = -1;

	nd[0] = start;
	for (uint16_t i = 0; i < len; i++)
		nd[i + 1] = other_end(t, links[i], nd[i]);
	for (int i = 0; i <= len; i++)
		if (v->node[nd[i]]) {
			if (first < 0)
				first = i;
			else if (last != i - 1 || !lbit(v, links[i - 1]))
				return 0; /* re-enters the tree, or a non-tree chord */
			last = i;
		}
	if (first < 0) {
		if (v->nnodes)
			return 0; /* would make the VLAN a forest */
		/* empty VLAN: the path becomes the tree, rooted at its start */
		first = last = 0;
		v->node[start] = 1;
		v->plink[start] = UINT32_MAX;
		v->depth[start] = 0;
		v->nnodes = 1;
	}
	for (int i = first - 1; i >= 0; i--) {
		v->node[nd[i]] = 1;
		v->plink[nd[i]] = links[i];
		v->depth[nd[i]] = v->depth[nd[i + 1]] + 1;
		v->lbits[links[i] / 64] |= 1ULL << (links[i] % 64);
		v->nnodes++;
	}
	for (int i = last + 1; i <= len; i++) {
		v->node[nd[i]] = 1;
		v->plink[nd[i]] = links[i - 1];
		v->depth[nd[i]] = v->depth[nd[i - 1]] + 1;
		v->lbits[links[i - 1] / 64] |= 1ULL << (links[i - 1] % 64);
		v->nnodes++;
	}
	return 1;
}

/* the VLAN's tree path s -> t if both are in it and it has at most max links */
static int tree_path(const struct topo *t, const struct vlan *v, uint32_t s, uint32_t d,
		     uint32_t *out, uint32_t max)
{
	uint32_t back[64], na = 0, nb = 0;

	if (!v->node[s] || !v->node[d] || max > 64)
		return -1;
	while (s != d) {
		if (na + nb >= max)
			return -1;
		if (v->depth[s] >= v->depth[d]) {
			out[na++] = v->plink[s];
			s = other_end(t, v->plink[s], s);
		} else {
			back[nb++] = v->plink[d];
			d = other_end(t, v->plink[d], d);
		}
	}
	while (nb)
		out[na++] = back[--nb];
	return (int)na;
}

/*
 * For every pair (in the given order) choose up to k paths: first the tree
 * path of an existing VLAN if it is link-disjoint from the pair's paths so
 * far and at most `stretch` links longer than the shortest path; otherwise
 * the A* path (disjoint first, then shortest), packed first-fit into the
 * VLANs, or into a new one.  Returns 0, -1 (out of memory) or -2 (too many
 * VLANs).
 */
static int build(const struct topo *t, const struct compile_opts *o, const uint16_t *dist,
		 const uint32_t *pend, const uint32_t *porder, uint32_t npairs, struct search *s,
		 uint8_t *use, struct paths *ps, struct packer *pk, uint32_t *pfirst,
		 uint8_t *pcount, struct compile_result *r)
{
	uint32_t N = t->nsw, buf[4096], cand[64];

	r->max_path_len = 0;
	for (uint32_t x = 0; x < npairs; x++) {
		uint32_t p = porder[x], i = pend[2 * p], j = pend[2 * p + 1];
		uint32_t src = t->edge[i], dst = t->edge[j];
		const uint16_t *h = dist + (size_t)j * N;
		uint32_t limit = h[src] + (uint32_t)o->stretch;

		pfirst[p] = (uint32_t)ps->n;
		for (int rk = 0; rk < o->k; rk++) {
			int bestn = -1, n, dup = 0;
			uint32_t bestv = 0, v;

			for (v = 0; v < pk->nv; v++) {
				n = tree_path(t, &pk->v[v], src, dst, cand,
					      limit < 64 ? limit : 64);
				if (n <= 0 || (bestn >= 0 && n >= bestn))
					continue;
				for (int q = 0; q < n && n > 0; q++)
					if (use[cand[q]])
						n = 0;
				if (n > 0) {
					bestn = n;
					bestv = v;
					memcpy(buf, cand, n * sizeof(*buf));
				}
			}
			if (bestn > 0) {
				n = bestn;
				v = bestv;
			} else {
				n = astar(t, s, h, use, N, src, dst, buf,
					  sizeof(buf) / sizeof(buf[0]));
				if (n < 0)
					return -1;
				for (uint64_t q = pfirst[p]; q < ps->n && !dup; q++)
					dup = ps->len[q] == n &&
					      !memcmp(ps->link + ps->off[q], buf, n * sizeof(*buf));
				if (dup)
					break;
				for (v = 0; v < pk->nv; v++)
					if (vlan_try(pk, &pk->v[v], src, buf, (uint16_t)n))
						break;
				if (v == pk->nv) {
					if (pk->nv >= pk->maxv)
						return -2;
					if (vlan_new(pk))
						return -1;
					vlan_try(pk, &pk->v[v], src, buf, (uint16_t)n);
				}
			}
			if (paths_add(ps, p, src, buf, (uint16_t)n, v))
				return -1;
			pcount[p]++;
			if ((uint32_t)n > r->max_path_len)
				r->max_path_len = n;
			for (int q = 0; q < n; q++)
				if (use[buf[q]] < 255)
					use[buf[q]]++;
		}
		for (uint64_t q = pfirst[p]; q < ps->n; q++)
			for (uint16_t y = 0; y < ps->len[q]; y++)
				use[ps->link[ps->off[q] + y]] = 0;
	}
	return 0;
}

/* ---- tree-first packing ---------------------------------------------------------- */

/*
 * Edge-disjoint paths between s and d (unit capacities), at most cap:
 * augmenting paths by BFS over the residual graph.  flow[] (per link, + means
 * a -> b) must be zero on entry and is zero again on return.
 */
static int max_flow(const struct topo *t, uint32_t s, uint32_t d, int cap, int8_t *flow,
		    uint32_t *prevl, uint32_t *seen, uint32_t *gen, uint32_t *queue,
		    uint32_t *touched)
{
	int f = 0;
	uint32_t nt = 0;

	while (f < cap) {
		uint32_t qh = 0, qt = 0;

		(*gen)++;
		seen[s] = *gen;
		queue[qt++] = s;
		while (qh < qt && seen[d] != *gen) {
			uint32_t u = queue[qh++];

			for (uint32_t j = 0; j < t->sw[u].nadj; j++) {
				uint32_t w = t->sw[u].adj[j].peer, l = t->sw[u].adj[j].link;
				int fl = t->link[l].a == u ? flow[l] : -flow[l];

				if (seen[w] == *gen || fl >= 1)
					continue;
				seen[w] = *gen;
				prevl[w] = l;
				queue[qt++] = w;
			}
		}
		if (seen[d] != *gen)
			break;
		for (uint32_t v = d; v != s;) {
			uint32_t l = prevl[v], u = other_end(t, l, v);

			flow[l] += t->link[l].a == u ? 1 : -1;
			touched[nt++] = l;
			v = u;
		}
		f++;
	}
	for (uint32_t i = 0; i < nt; i++)
		flow[touched[i]] = 0;
	return f;
}

/* candidate spanning trees: parent link and depth of every switch */
struct ctree {
	uint32_t *par; /* [N], UINT32_MAX at the root */
	uint32_t *dep; /* [N] */
	uint32_t *ord; /* [N] BFS order */
};

/* the tree's path a -> b (links in order); returns its length */
static int ctree_path(const struct topo *t, const struct ctree *c, uint32_t a, uint32_t b,
		      uint32_t *out, uint32_t *back)
{
	uint32_t na = 0, nb = 0;

	while (a != b) {
		if (c->dep[a] >= c->dep[b]) {
			out[na++] = c->par[a];
			a = other_end(t, c->par[a], a);
		} else {
			back[nb++] = c->par[b];
			b = other_end(t, c->par[b], b);
		}
	}
	while (nb)
		out[na++] = back[--nb];
	return (int)na;
}

/*
 * Tree-first packing: candidate spanning trees are the BFS trees from every
 * switch (neighbours visited in port order, and in reverse port order); for a
 * 2-D HyperX these are the "comb" trees of every row and column, for a clique
 * the stars.  Trees are chosen greedily: the next one gives the most pairs
 * that still lack paths a path different from theirs (then: fewest links
 * shared with the pair's paths, then shortest), until every pair has
 * min(k, max-flow) different paths.  Each pair then takes up to k of the
 * chosen trees (different paths, fewest shared links, then shortest), and
 * every chosen tree is pruned to the smallest subtree holding its pairs.
 * Returns 0 (ps/pk/pfirst/pcount filled), 1 (no result with fewer than
 * `better` VLANs), -1 (out of memory).  `better` is lifted to the VLAN ID
 * space if the greedy result (gcount: its paths per pair) gives some pair
 * fewer than min(k, max-flow) paths.
 */
static int build_trees(const struct topo *t, const struct compile_opts *o, const uint32_t *pend,
		       uint32_t npairs, uint32_t better, const uint8_t *gcount, struct paths *ps,
		       struct packer *pk, uint32_t *pfirst, uint8_t *pcount,
		       struct compile_result *r)
{
	uint32_t N = t->nsw, L = t->nlink, W64 = L / 64 + 1, m = 0, nsel = 0, gen = 0;
	struct ctree *c = NULL;
	uint64_t *cbits = NULL;
	uint32_t *queue = NULL, *prevl = NULL, *seen = NULL, *touched = NULL, *lstamp = NULL;
	uint32_t *buf = NULL, *back = NULL, *pbuf = NULL, *sel = NULL, *chosen = NULL;
	uint32_t *cnt = NULL, *vmap = NULL;
	uint8_t *need = NULL, *have = NULL, *issel = NULL, *kept = NULL, *term = NULL;
	int8_t *flow = NULL;
	int64_t *score = NULL;
	int ret = -1, k = o->k;
	uint32_t stamp = 0;

	c = calloc(2 * N, sizeof(*c));
	cbits = calloc((size_t)2 * N * W64, sizeof(*cbits));
	queue = malloc(N * sizeof(*queue));
	prevl = malloc(N * sizeof(*prevl));
	seen = calloc(N, sizeof(*seen));
	touched = malloc(((size_t)k * N + 1) * sizeof(*touched));
	lstamp = calloc(L + 1, sizeof(*lstamp));
	buf = malloc((N + 1) * sizeof(*buf));
	back = malloc((N + 1) * sizeof(*back));
	pbuf = malloc(((size_t)NL_MAX_VLANS_PER_PAIR * (N + 1)) * sizeof(*pbuf));
	sel = malloc(2 * N * sizeof(*sel));
	chosen = malloc((size_t)npairs * NL_MAX_VLANS_PER_PAIR * sizeof(*chosen));
	need = malloc(npairs + 1);
	have = calloc(npairs + 1, 1);
	issel = calloc(2 * N, 1);
	flow = calloc(L + 1, 1);
	score = malloc(2 * N * sizeof(*score));
	if (!c || !cbits || !queue || !prevl || !seen || !touched || !lstamp || !buf || !back ||
	    !pbuf || !sel || !chosen || !need || !have || !issel || !flow || !score)
		goto out;

	/* candidate trees, without duplicates */
	for (uint32_t root = 0; root < N; root++)
		for (int rev = 0; rev < 2; rev++) {
			struct ctree *x = &c[m];
			uint64_t *bits = cbits + (size_t)m * W64;
			uint32_t qh = 0, qt = 0, dupl = 0;

			x->par = malloc(N * sizeof(*x->par));
			x->dep = malloc(N * sizeof(*x->dep));
			x->ord = malloc(N * sizeof(*x->ord));
			if (!x->par || !x->dep || !x->ord) {
				free(x->par);
				free(x->dep);
				free(x->ord);
				x->par = x->dep = x->ord = NULL;
				goto out;
			}
			gen++;
			seen[root] = gen;
			x->par[root] = UINT32_MAX;
			x->dep[root] = 0;
			queue[qt++] = root;
			while (qh < qt) {
				uint32_t u = queue[qh++], na = t->sw[u].nadj;

				for (uint32_t jj = 0; jj < na; jj++) {
					uint32_t j = rev ? na - 1 - jj : jj;
					uint32_t w = t->sw[u].adj[j].peer, l = t->sw[u].adj[j].link;

					if (seen[w] == gen)
						continue;
					seen[w] = gen;
					x->par[w] = l;
					x->dep[w] = x->dep[u] + 1;
					bits[l / 64] |= 1ULL << (l % 64);
					queue[qt++] = w;
				}
			}
			memcpy(x->ord, queue, N * sizeof(*queue));
			for (uint32_t y = 0; y < m && !dupl; y++)
				dupl = !memcmp(bits, cbits + (size_t)y * W64, W64 * sizeof(*bits));
			if (dupl) {
				free(x->par);
				free(x->dep);
				free(x->ord);
				x->par = x->dep = x->ord = NULL;
				memset(bits, 0, W64 * sizeof(*bits));
			} else {
				m++;
			}
		}

	/* how many different paths every pair needs: min(k, max-flow) */
	for (uint32_t p = 0; p < npairs; p++)
		need[p] = (uint8_t)max_flow(t, t->edge[pend[2 * p]], t->edge[pend[2 * p + 1]], k,
					    flow, prevl, seen, &gen, queue, touched);
	/* a greedy result short of min(k, max-flow) paths for a pair is no bar */
	for (uint32_t p = 0; p < npairs; p++)
		if (gcount[p] < need[p])
			better = pk->maxv + 1;

	/* choose trees greedily */
	for (;;) {
		uint32_t best = UINT32_MAX, left = 0;

		for (uint32_t p = 0; p < npairs; p++)
			left += have[p] < need[p];
		if (!left)
			break;
		if (nsel + 1 >= better)
			goto fail;
		memset(score, 0, m * sizeof(*score));
		for (uint32_t p = 0; p < npairs; p++) {
			uint32_t a = t->edge[pend[2 * p]], b = t->edge[pend[2 * p + 1]];
			uint32_t *cp = chosen + (size_t)p * NL_MAX_VLANS_PER_PAIR;
			int plen[NL_MAX_VLANS_PER_PAIR];

			if (have[p] >= need[p])
				continue;
			stamp++;
			for (uint32_t q = 0; q < have[p]; q++) {
				uint32_t *pp = pbuf + (size_t)q * (N + 1);

				plen[q] = ctree_path(t, &c[cp[q]], a, b, pp, back);
				for (int y = 0; y < plen[q]; y++)
					lstamp[pp[y]] = stamp;
			}
			for (uint32_t x = 0; x < m; x++) {
				int n, shared = 0, dupl = 0;

				if (issel[x])
					continue;
				n = ctree_path(t, &c[x], a, b, buf, back);
				for (uint32_t q = 0; q < have[p] && !dupl; q++)
					dupl = plen[q] == n &&
					       !memcmp(buf, pbuf + (size_t)q * (N + 1),
						       n * sizeof(*buf));
				if (dupl)
					continue;
				for (int y = 0; y < n; y++)
					shared += lstamp[buf[y]] == stamp;
				score[x] += (1LL << 40) - ((int64_t)shared << 20) - n;
			}
		}
		for (uint32_t x = 0; x < m; x++)
			if (!issel[x] && score[x] > 0 &&
			    (best == UINT32_MAX || score[x] > score[best]))
				best = x;
		if (best == UINT32_MAX)
			goto fail; /* the candidate trees cannot give enough paths */
		issel[best] = 1;
		sel[nsel++] = best;
		for (uint32_t p = 0; p < npairs; p++) {
			uint32_t a = t->edge[pend[2 * p]], b = t->edge[pend[2 * p + 1]];
			uint32_t *cp = chosen + (size_t)p * NL_MAX_VLANS_PER_PAIR;
			int n, dupl = 0;

			if (have[p] >= need[p])
				continue;
			n = ctree_path(t, &c[best], a, b, buf, back);
			for (uint32_t q = 0; q < have[p] && !dupl; q++) {
				int n2 = ctree_path(t, &c[cp[q]], a, b, pbuf, back);

				dupl = n2 == n && !memcmp(buf, pbuf, n * sizeof(*buf));
			}
			if (!dupl)
				cp[have[p]++] = best;
		}
	}

	/* every pair takes up to k of the chosen trees */
	cnt = calloc(N, sizeof(*cnt));
	vmap = malloc((nsel + 1) * sizeof(*vmap));
	kept = calloc(L + 1, 1);
	term = calloc((size_t)nsel * N + 1, 1);
	if (!cnt || !vmap || !kept || !term)
		goto out;
	for (uint32_t p = 0; p < npairs; p++) {
		uint32_t a = t->edge[pend[2 * p]], b = t->edge[pend[2 * p + 1]];
		uint32_t *cp = chosen + (size_t)p * NL_MAX_VLANS_PER_PAIR;
		int plen[NL_MAX_VLANS_PER_PAIR], np = 0;
		uint8_t taken[4096] = {0};

		stamp++;
		while (np < k) {
			int64_t bs = INT64_MAX;
			uint32_t bx = UINT32_MAX;
			int bn = 0;

			for (uint32_t s = 0; s < nsel && s < 4096; s++) {
				int n, shared = 0, dupl = 0;

				if (taken[s])
					continue;
				n = ctree_path(t, &c[sel[s]], a, b, buf, back);
				for (int q = 0; q < np && !dupl; q++)
					dupl = plen[q] == n &&
					       !memcmp(buf, pbuf + (size_t)q * (N + 1),
						       n * sizeof(*buf));
				if (dupl) {
					taken[s] = 1;
					continue;
				}
				for (int y = 0; y < n; y++)
					shared += lstamp[buf[y]] == stamp;
				if (((int64_t)shared << 20) + n < bs) {
					bs = ((int64_t)shared << 20) + n;
					bx = s;
					bn = n;
				}
			}
			if (bx == UINT32_MAX)
				break;
			taken[bx] = 1;
			plen[np] =
				ctree_path(t, &c[sel[bx]], a, b, pbuf + (size_t)np * (N + 1), back);
			for (int y = 0; y < bn; y++)
				lstamp[pbuf[(size_t)np * (N + 1) + y]] = stamp;
			cp[np++] = bx;
			term[(size_t)bx * N + a] = term[(size_t)bx * N + b] = 1;
		}
		if (np < need[p])
			goto fail; /* cannot happen: the choice guaranteed need[p] */
		have[p] = (uint8_t)np;
	}

	/* VLANs: every used tree pruned to the smallest subtree holding its pairs */
	for (uint32_t s = 0; s < nsel; s++) {
		const struct ctree *x = &c[sel[s]];
		const uint8_t *tm = term + (size_t)s * N;
		uint32_t total = 0, first = UINT32_MAX, qh = 0, qt = 0;
		struct vlan *v;

		vmap[s] = UINT32_MAX;
		for (uint32_t u = 0; u < N; u++)
			if (tm[u]) {
				total++;
				if (first == UINT32_MAX)
					first = u;
			}
		if (!total)
			continue;
		for (uint32_t i = N; i-- > 0;) {
			uint32_t u = x->ord[i];

			cnt[u] = tm[u];
		}
		for (uint32_t i = N; i-- > 1;) {
			uint32_t u = x->ord[i];

			cnt[other_end(t, x->par[u], u)] += cnt[u];
		}
		for (uint32_t i = 1; i < N; i++) {
			uint32_t u = x->ord[i];

			kept[x->par[u]] = cnt[u] > 0 && cnt[u] < total;
		}
		if (vlan_new(pk))
			goto out;
		vmap[s] = pk->nv - 1;
		v = &pk->v[pk->nv - 1];
		v->node[first] = 1;
		v->plink[first] = UINT32_MAX;
		v->depth[first] = 0;
		v->nnodes = 1;
		queue[qt++] = first;
		while (qh < qt) {
			uint32_t u = queue[qh++];

			for (uint32_t j = 0; j < t->sw[u].nadj; j++) {
				uint32_t w = t->sw[u].adj[j].peer, l = t->sw[u].adj[j].link;

				if (!kept[l] || v->node[w])
					continue;
				v->node[w] = 1;
				v->plink[w] = l;
				v->depth[w] = v->depth[u] + 1;
				v->lbits[l / 64] |= 1ULL << (l % 64);
				v->nnodes++;
				queue[qt++] = w;
			}
		}
		for (uint32_t i = 1; i < N; i++)
			kept[x->par[x->ord[i]]] = 0;
	}
	if (pk->nv >= better)
		goto fail;

	/* the paths, pair by pair */
	r->max_path_len = 0;
	for (uint32_t p = 0; p < npairs; p++) {
		uint32_t a = t->edge[pend[2 * p]], b = t->edge[pend[2 * p + 1]];
		uint32_t *cp = chosen + (size_t)p * NL_MAX_VLANS_PER_PAIR;

		pfirst[p] = (uint32_t)ps->n;
		pcount[p] = 0;
		for (uint32_t q = 0; q < have[p]; q++) {
			int n = ctree_path(t, &c[sel[cp[q]]], a, b, buf, back);

			if (n > 4096 || paths_add(ps, p, a, buf, (uint16_t)n, vmap[cp[q]]))
				goto out;
			pcount[p]++;
			if ((uint32_t)n > r->max_path_len)
				r->max_path_len = n;
		}
	}
	ret = 0;
	goto out;
fail:
	ret = 1;
out:
	for (uint32_t x = 0; c && x < 2 * N; x++) {
		free(c[x].par);
		free(c[x].dep);
		free(c[x].ord);
	}
	free(c);
	free(cbits);
	free(queue);
	free(prevl);
	free(seen);
	free(touched);
	free(lstamp);
	free(buf);
	free(back);
	free(pbuf);
	free(sel);
	free(chosen);
	free(need);
	free(have);
	free(issel);
	free(flow);
	free(score);
	free(cnt);
	free(vmap);
	free(kept);
	free(term);
	return ret;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* ---- output ---------------------------------------------------------------------- */

static int mkdir_p(const char *d)
{
	if (mkdir(d, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* write path/tmp then rename to path */
static FILE *open_tmp(const char *path, char *tmp, size_t n)
{
	snprintf(tmp, n, "%s.tmp", path);
	return fopen(tmp, "w");
}

static int close_tmp(FILE *f, const char *tmp, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) || bad)
		return -1;
	return rename(tmp, path);
}

int repo_compile(const struct topo *t, const struct compile_opts *o, struct compile_result *r,
		 char *err, size_t errlen)
{
	uint32_t N = t->nsw, E = t->nedge;
	uint16_t *dist = NULL;
	uint32_t *queue = NULL, *pfirst = NULL, *bpar = NULL, *vid = NULL, *pend = NULL;
	uint32_t *porder = NULL;
	uint8_t *pcount = NULL, *use = NULL, *bneed = NULL, *bl = NULL, *lused = NULL;
	uint8_t *nused = NULL;
	uint16_t *vbuf = NULL;
	struct search s = {0};
	struct paths ps = {0};
	struct packer pk = {.t = t};
	uint32_t maxv;
	uint64_t npairs = (uint64_t)E * (E - 1) / 2;
	double t0 = now_ms();
	char path[4096], tmp[4200];
	int ret = -1;
	FILE *f = NULL;

	memset(r, 0, sizeof(*r));
	if (o->k < 1 || o->k > NL_MAX_VLANS_PER_PAIR)
		ERR("k must be 1..%d", NL_MAX_VLANS_PER_PAIR);
	if (o->bcast_vlan < REPO_VLAN_MIN || o->bcast_vlan > REPO_VLAN_MAX)
		ERR("broadcast VLAN must be %d..%d", REPO_VLAN_MIN, REPO_VLAN_MAX);
	if (o->first_vlan < REPO_VLAN_MIN || o->first_vlan > REPO_VLAN_MAX)
		ERR("first VLAN must be %d..%d", REPO_VLAN_MIN, REPO_VLAN_MAX);
	if (npairs > UINT32_MAX / NL_MAX_VLANS_PER_PAIR)
		ERR("too many edge switches (%u)", E);
	maxv = (uint32_t)(REPO_VLAN_MAX - o->first_vlan + 1) -
	       (o->bcast_vlan >= o->first_vlan ? 1 : 0);

	/* hop distances from every edge switch (A* heuristic, broadcast root) */
	dist = malloc((size_t)E * N * sizeof(*dist));
	queue = malloc(N * sizeof(*queue));
	if (!dist || !queue)
		ERR("out of memory");
	for (uint32_t e = 0; e < E; e++) {
		uint16_t *d = dist + (size_t)e * N;
		uint32_t qh = 0, qt = 0;

		memset(d, 0xff, N * sizeof(*d));
		d[t->edge[e]] = 0;
		queue[qt++] = t->edge[e];
		while (qh < qt) {
			uint32_t u = queue[qh++];

			for (uint32_t j = 0; j < t->sw[u].nadj; j++) {
				uint32_t w = t->sw[u].adj[j].peer;

				if (d[w] == 0xffff) {
					if (d[u] >= 0xfffe)
						ERR("topology diameter too large");
					d[w] = d[u] + 1;
					queue[qt++] = w;
				}
			}
		}
	}

	/* paths and VLANs, pair by pair (greedy), or in random pair orders */
	s.n = N;
	s.stamp = calloc(N, sizeof(*s.stamp));
	s.closed = calloc(N, sizeof(*s.closed));
	s.g = malloc(N * sizeof(*s.g));
	s.plink = malloc(N * sizeof(*s.plink));
	pfirst = malloc((npairs + 1) * sizeof(*pfirst));
	pcount = calloc(npairs + 1, 1);
	use = calloc(t->nlink + 1, 1);
	pend = malloc((npairs + 1) * 2 * sizeof(*pend));
	porder = malloc((npairs + 1) * sizeof(*porder));
	if (!s.stamp || !s.closed || !s.g || !s.plink || !pfirst || !pcount || !use || !pend ||
	    !porder)
		ERR("out of memory");
	for (uint32_t i = 0, p = 0; i < E; i++)
		for (uint32_t j = i + 1; j < E; j++, p++) {
			pend[2 * p] = i;
			pend[2 * p + 1] = j;
		}
	{
		int tries = o->randomized ? (o->tries > 0 ? o->tries : 1) : 1;
		uint64_t rng = (uint64_t)o->seed * 2654435761ULL + 88172645463325252ULL;
		struct paths bps = {0};
		struct packer bpk = {0};
		uint32_t *bfirst = NULL;
		uint8_t *bcount = NULL;

		for (int tr = 0; tr < tries; tr++) {
			int rc;

			for (uint32_t p = 0; p < npairs; p++)
				porder[p] = p;
			if (o->randomized)
				for (uint64_t x = npairs; x > 1; x--) {
					uint64_t y = xorshift(&rng) % x;
					uint32_t tmpo = porder[x - 1];

					porder[x - 1] = porder[y];
					porder[y] = tmpo;
				}
			memset(&ps, 0, sizeof(ps));
			memset(&pk, 0, sizeof(pk));
			pk.t = t;
			pk.maxv = maxv;
			memset(pcount, 0, npairs + 1);
			rc = build(t, o, dist, pend, porder, (uint32_t)npairs, &s, use, &ps, &pk,
				   pfirst, pcount, r);
			if (rc == -2)
				ERR("the paths need more than %u VLANs (IDs %d..%d); lower k", maxv,
				    o->first_vlan, REPO_VLAN_MAX);
			if (rc < 0)
				ERR("out of memory");
			if (tr == 0 || pk.nv < bpk.nv) {
				paths_free(&bps);
				packer_free(&bpk);
				free(bfirst);
				free(bcount);
				bps = ps;
				bpk = pk;
				bfirst = pfirst;
				bcount = pcount;
				pfirst = malloc((npairs + 1) * sizeof(*pfirst));
				pcount = calloc(npairs + 1, 1);
				if (!pfirst || !pcount)
					ERR("out of memory");
			} else {
				paths_free(&ps);
				packer_free(&pk);
			}
			memset(&ps, 0, sizeof(ps));
			memset(&pk, 0, sizeof(pk));
		}
		free(pfirst);
		free(pcount);
		ps = bps;
		pk = bpk;
		pfirst = bfirst;
		pcount = bcount;
	}
	/*
	 * tree-first packing (build_trees), kept if it needs fewer VLANs; skipped
	 * when greedy already has as few VLANs as some pair has paths (optimal),
	 * or when the fabric is too large for trying every switch's BFS trees
	 */
	{
		uint32_t maxp = 0;

		for (uint64_t p = 0; p < npairs; p++)
			if (pcount[p] > maxp)
				maxp = pcount[p];
		if (pk.nv > maxp && (uint64_t)2 * N * npairs <= 20000000ULL && E > 1) {
			struct paths tps = {0};
			struct packer tpk = {.t = t, .maxv = maxv};
			struct compile_result tr = {0};
			uint32_t *tfirst = malloc((npairs + 1) * sizeof(*tfirst));
			uint8_t *tcount = calloc(npairs + 1, 1);
			int rc = tfirst && tcount
					 ? build_trees(t, o, pend, (uint32_t)npairs, pk.nv, pcount,
						       &tps, &tpk, tfirst, tcount, &tr)
					 : -1;

			if (rc == 0) {
				paths_free(&ps);
				packer_free(&pk);
				free(pfirst);
				free(pcount);
				ps = tps;
				pk = tpk;
				pfirst = tfirst;
				pcount = tcount;
				r->max_path_len = tr.max_path_len;
			} else {
				paths_free(&tps);
				packer_free(&tpk);
				free(tfirst);
				free(tcount);
				if (rc < 0)
					ERR("out of memory");
			}
		}
	}
	r->npairs = (uint32_t)npairs;
	r->npaths = ps.n;
	r->nvlans = pk.nv;
	r->ms_paths = now_ms() - t0;

	/* lower bound */
	lused = calloc(t->nlink + 1, 1);
	nused = calloc(N, 1);
	if (!lused || !nused)
		ERR("out of memory");
	{
		uint64_t nl = 0, nn = 0;

		for (uint64_t p = 0; p < npairs; p++)
			if (pcount[p] > r->lb_pairs)
				r->lb_pairs = pcount[p];
		for (uint64_t p = 0; p < ps.n; p++) {
			uint32_t x = ps.start[p];

			nn += !nused[x];
			nused[x] = 1;
			for (uint16_t i = 0; i < ps.len[p]; i++) {
				uint32_t l = ps.link[ps.off[p] + i];

				nl += !lused[l];
				lused[l] = 1;
				x = other_end(t, l, x);
				nn += !nused[x];
				nused[x] = 1;
			}
		}
		r->lb_forest = nn > 1 ? (uint32_t)((nl + nn - 2) / (nn - 1)) : 0;
		r->lower_bound = r->lb_pairs > r->lb_forest ? r->lb_pairs : r->lb_forest;
	}

	/* VLAN IDs */
	vid = malloc((pk.nv + 1) * sizeof(*vid));
	if (!vid)
		ERR("out of memory");
	for (uint32_t v = 0, id = o->first_vlan; v < pk.nv; v++, id++) {
		if ((int)id == o->bcast_vlan)
			id++;
		vid[v] = id;
	}

	/* broadcast tree: BFS from the most central switch, pruned to the edges */
	bpar = malloc(N * sizeof(*bpar));
	bneed = calloc(N, 1);
	bl = calloc(t->nlink + 1, 1);
	if (!bpar || !bneed || !bl)
		ERR("out of memory");
	{
		uint32_t root = 0, bestecc = UINT32_MAX, qh = 0, qt = 0;

		for (uint32_t v = 0; v < N; v++) {
			uint32_t ecc = 0;

			for (uint32_t e = 0; e < E; e++)
				if (dist[(size_t)e * N + v] > ecc)
					ecc = dist[(size_t)e * N + v];
			if (ecc < bestecc) {
				bestecc = ecc;
				root = v;
			}
		}
		for (uint32_t v = 0; v < N; v++)
			bpar[v] = UINT32_MAX;
		bpar[root] = root;
		queue[qt++] = root;
		while (qh < qt) {
			uint32_t u = queue[qh++];

			for (uint32_t j = 0; j < t->sw[u].nadj; j++) {
				uint32_t w = t->sw[u].adj[j].peer;

				if (bpar[w] == UINT32_MAX) {
					bpar[w] = t->sw[u].adj[j].link;
					queue[qt++] = w;
				}
			}
		}
		bneed[root] = 1;
		for (uint32_t e = 0; e < E; e++)
			for (uint32_t v = t->edge[e]; !bneed[v]; v = other_end(t, bpar[v], v)) {
				bneed[v] = 1;
				bl[bpar[v]] = 1;
			}
	}

	/* outputs */
	if (mkdir_p(o->outdir))
		ERR("%s: %s", o->outdir, strerror(errno));
	snprintf(path, sizeof(path), "%s/switches", o->outdir);
	if (mkdir_p(path))
		ERR("%s: %s", path, strerror(errno));

	/* (a) the VLAN table (docs/vlan-table.md) */
	snprintf(path, sizeof(path), "%s/vlan-table.txt", o->outdir);
	if (!(f = open_tmp(path, tmp, sizeof(tmp))))
		ERR("%s: %s", tmp, strerror(errno));
	fprintf(f, "netlord-vlan-table 1\nserial %llu\nbroadcast %d\nswitches %u\n",
		(unsigned long long)o->serial, o->bcast_vlan, E);
	for (uint32_t i = 0; i < E; i++) {
		char ma[18], mb[18];

		mac_fmt(t->sw[t->edge[i]].mac, ma);
		for (uint32_t j = 0; j < E; j++) {
			uint64_t p;

			mac_fmt(t->sw[t->edge[j]].mac, mb);
			fprintf(f, "pair %s %s ", ma, mb);
			if (i == j) {
				fputs("0\n", f);
				continue;
			}
			p = i < j ? (uint64_t)i * (2ULL * E - i - 1) / 2 + (j - i - 1)
				  : (uint64_t)j * (2ULL * E - j - 1) / 2 + (i - j - 1);
			for (uint32_t q = 0; q < pcount[p]; q++)
				fprintf(f, "%s%u", q ? "," : "", vid[ps.vlan[pfirst[p] + q]]);
			fputc('\n', f);
		}
	}
	fprintf(f, "end %llu\n", (unsigned long long)E * E);
	if (close_tmp(f, tmp, path))
		ERR("%s: write failed", path);
	f = NULL;

	/* (b) one file per switch */
	vbuf = malloc((pk.nv + 4) * sizeof(*vbuf));
	if (!vbuf)
		ERR("out of memory");
	for (uint32_t u = 0; u < N; u++) {
		const struct topo_switch *sw = &t->sw[u];
		uint32_t a = 0, d = 0;
		char m[18];

		snprintf(path, sizeof(path), "%s/switches/%s.conf", o->outdir, sw->name);
		if (!(f = open_tmp(path, tmp, sizeof(tmp))))
			ERR("%s: %s", tmp, strerror(errno));
		mac_fmt(sw->mac, m);
		fprintf(f,
			"# na-repo switch configuration (docs/repository.md), table serial %llu\n",
			(unsigned long long)o->serial);
		fprintf(f, "switch %s\nmac %s\nrole %s\n", sw->name, m, sw->edge ? "edge" : "core");
		while (a < sw->nadj || d < sw->ndown) {
			int down =
				d < sw->ndown && (a >= sw->nadj || sw->down[d] < sw->adj[a].port);
			uint32_t nvb = 0;

			if (down) {
				uint16_t port = sw->down[d++];

				fprintf(f, "port %u downlink\n", port);
				fprintf(f, "port %u vlan %d untagged pvid\n", port,
					REPO_VLAN_DEFAULT);
				vbuf[nvb++] = (uint16_t)o->bcast_vlan;
				for (uint32_t v = 0; v < pk.nv; v++)
					if (pk.v[v].node[u])
						vbuf[nvb++] = (uint16_t)vid[v];
				qsort(vbuf, nvb, sizeof(*vbuf), cmp_u16);
				for (uint32_t x = 0; x < nvb; x++)
					fprintf(f, "port %u vlan %u tagged\n", port, vbuf[x]);
			} else {
				const struct topo_adj *ad = &sw->adj[a++];
				const struct topo_link *l = &t->link[ad->link];

				fprintf(f, "port %u uplink %s %u\n", ad->port, t->sw[ad->peer].name,
					l->a == u ? l->pb : l->pa);
				if (bl[ad->link])
					vbuf[nvb++] = (uint16_t)o->bcast_vlan;
				for (uint32_t v = 0; v < pk.nv; v++)
					if (lbit(&pk.v[v], ad->link))
						vbuf[nvb++] = (uint16_t)vid[v];
				qsort(vbuf, nvb, sizeof(*vbuf), cmp_u16);
				for (uint32_t x = 0; x < nvb; x++)
					fprintf(f, "port %u vlan %u tagged\n", ad->port, vbuf[x]);
			}
		}
		for (uint32_t x = 0; sw->edge && x < t->nroutes; x++)
			fprintf(f, "route 10.%u.0.0/16 via 10.%u.0.1 port %u\n", t->routes[x],
				t->routes[x], t->routes[x]);
		if (close_tmp(f, tmp, path))
			ERR("%s: write failed", path);
		f = NULL;
	}

	/* canonical topology and a summary */
	snprintf(path, sizeof(path), "%s/topology.txt", o->outdir);
	if (!(f = open_tmp(path, tmp, sizeof(tmp))))
		ERR("%s: %s", tmp, strerror(errno));
	topo_write(t, f);
	if (close_tmp(f, tmp, path))
		ERR("%s: write failed", path);
	r->ms_total = now_ms() - t0;
	snprintf(path, sizeof(path), "%s/vlans.txt", o->outdir);
	if (!(f = open_tmp(path, tmp, sizeof(tmp))))
		ERR("%s: %s", tmp, strerror(errno));
	{
		uint32_t nb = 0, lb = 0;

		for (uint32_t v = 0; v < N; v++)
			nb += bneed[v];
		for (uint32_t l = 0; l < t->nlink; l++)
			lb += bl[l];
		fprintf(f, "vlan %d broadcast switches %u links %u\n", o->bcast_vlan, nb, lb);
	}
	for (uint32_t v = 0; v < pk.nv; v++) {
		uint32_t nl = 0;

		for (uint32_t l = 0; l < t->nlink; l++)
			nl += lbit(&pk.v[v], l);
		fprintf(f, "vlan %u paths switches %u links %u\n", vid[v], pk.v[v].nnodes, nl);
	}
	if (close_tmp(f, tmp, path))
		ERR("%s: write failed", path);
	snprintf(path, sizeof(path), "%s/summary.txt", o->outdir);
	if (!(f = open_tmp(path, tmp, sizeof(tmp))))
		ERR("%s: %s", tmp, strerror(errno));
	fprintf(f,
		"serial %llu\nswitches %u\nedge_switches %u\nlinks %u\nk %d\npacking %s\n"
		"pairs %u\npaths %llu\nmax_path_links %u\nvlans %u\nlower_bound %u\n"
		"lower_bound_pairs %u\nlower_bound_forest %u\nbroadcast_vlan %d\n",
		(unsigned long long)o->serial, N, E, t->nlink, o->k,
		o->randomized ? "random" : "greedy", r->npairs, (unsigned long long)r->npaths,
		r->max_path_len, r->nvlans, r->lower_bound, r->lb_pairs, r->lb_forest,
		o->bcast_vlan);
	if (close_tmp(f, tmp, path))
		ERR("%s: write failed", path);
	f = NULL;
	ret = 0;
out:
	if (f)
		fclose(f);
	free(dist);
	free(queue);
	free(pfirst);
	free(pcount);
	free(use);
	free(s.stamp);
	free(s.closed);
	free(s.g);
	free(s.plink);
	free(s.heap);
	paths_free(&ps);
	packer_free(&pk);
	free(pend);
	free(porder);
	free(lused);
	free(nused);
	free(vid);
	free(bpar);
	free(bneed);
	free(bl);
	free(vbuf);
	return ret;
}

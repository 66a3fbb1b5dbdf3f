// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo compile, path search: hop distances, A* and max-flow over the
 * switch graph (see path_search.h; patent [0012], SPAIN).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path_search.h"

int edge_distances(const struct topo *t, uint16_t **distp)
{
	uint32_t N = t->nsw, E = t->nedge;
	uint16_t *dist = malloc((size_t)E * N * sizeof(*dist));
	uint32_t *queue = malloc(N * sizeof(*queue));
	int rc = 0;

	*distp = dist;
	if (!dist || !queue) {
		free(queue);
		return -ENOMEM;
	}
	for (uint32_t e = 0; e < E && !rc; e++) {
		uint16_t *d = dist + (size_t)e * N;
		uint32_t qh = 0, qt = 0;

		memset(d, 0xff, N * sizeof(*d));
		d[t->edge[e]] = 0;
		queue[qt++] = t->edge[e];
		while (qh < qt && !rc) {
			uint32_t u = queue[qh++];

			for (uint32_t j = 0; j < t->sw[u].nadj; j++) {
				uint32_t w = t->sw[u].adj[j].peer;

				if (d[w] != 0xffff)
					continue;
				if (d[u] >= 0xfffe) {
					rc = -ERANGE;
					break;
				}
				d[w] = d[u] + 1;
				queue[qt++] = w;
			}
		}
	}
	free(queue);
	return rc;
}

/* ---- A* ------------------------------------------------------------------------ */

/* heap entry: f = g + h, ties to the lower switch index */
struct search_ent {
	uint64_t f;
	uint32_t v;
};

int search_init(struct search *s, uint32_t nsw)
{
	memset(s, 0, sizeof(*s));
	s->n = nsw;
	s->stamp = calloc(nsw, sizeof(*s->stamp));
	s->closed = calloc(nsw, sizeof(*s->closed));
	s->g = malloc(nsw * sizeof(*s->g));
	s->plink = malloc(nsw * sizeof(*s->plink));
	if (!s->stamp || !s->closed || !s->g || !s->plink) {
		search_free(s);
		return -ENOMEM;
	}
	return 0;
}

void search_free(struct search *s)
{
	free(s->stamp);
	free(s->closed);
	free(s->g);
	free(s->plink);
	free(s->heap);
	memset(s, 0, sizeof(*s));
}

static inline int hless(const struct search_ent *a, const struct search_ent *b)
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
			return -ENOMEM;
		s->heap = a;
		s->hcap = c;
	}
	i = s->hn++;
	s->heap[i] = (struct search_ent){f, v};
	while (i) {
		uint64_t p = (i - 1) / 2;
		struct search_ent tmp;

		if (!hless(&s->heap[i], &s->heap[p]))
			break;
		tmp = s->heap[i];
		s->heap[i] = s->heap[p];
		s->heap[p] = tmp;
		i = p;
	}
	return 0;
}

static struct search_ent heap_pop(struct search *s)
{
	struct search_ent top = s->heap[0];
	uint64_t i = 0;

	s->heap[0] = s->heap[--s->hn];
	for (;;) {
		uint64_t l = 2 * i + 1, r = l + 1, m = i;
		struct search_ent tmp;

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
 * Link-disjoint paths first, then the fewest shared links, then the fewest
 * hops; ties go to the lowest switch index, which keeps the choices of
 * different pairs aligned (e.g. the same core switch in a fat tree).
 */
int astar(const struct topo *t, struct search *s, const uint16_t *h, const uint8_t *use,
	  uint64_t big, uint32_t src, uint32_t dst, uint32_t *out, uint32_t max)
{
	int n = 0;

	s->gen++;
	s->hn = 0;
	s->stamp[src] = s->gen;
	s->g[src] = 0;
	s->plink[src] = UINT32_MAX;
	if (heap_push(s, h[src], src))
		return -ENOMEM;
	while (s->hn) {
		struct search_ent e = heap_pop(s);
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
				return -ENOMEM;
		}
	}
	for (uint32_t v = dst; v != src; v = topo_peer(t, s->plink[v], v)) {
		if ((uint32_t)n == max)
			return -ENOMEM;
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

/* ---- max-flow -------------------------------------------------------------------- */

int flow_work_init(struct flow_work *w, const struct topo *t, int cap)
{
	uint32_t N = t->nsw;

	memset(w, 0, sizeof(*w));
	w->flow = calloc(t->nlink + 1, 1);
	w->prevl = malloc(N * sizeof(*w->prevl));
	w->seen = calloc(N, sizeof(*w->seen));
	w->queue = malloc(N * sizeof(*w->queue));
	w->touched = malloc(((size_t)cap * N + 1) * sizeof(*w->touched));
	if (!w->flow || !w->prevl || !w->seen || !w->queue || !w->touched) {
		flow_work_free(w);
		return -ENOMEM;
	}
	return 0;
}

void flow_work_free(struct flow_work *w)
{
	free(w->flow);
	free(w->prevl);
	free(w->seen);
	free(w->queue);
	free(w->touched);
	memset(w, 0, sizeof(*w));
}

/*
 * Unit capacities: augmenting paths by BFS over the residual graph.  flow[]
 * is zero on entry and zero again on return.
 */
int max_flow(const struct topo *t, uint32_t s, uint32_t d, int cap, struct flow_work *w)
{
	int8_t *flow = w->flow;
	uint32_t *seen = w->seen, *queue = w->queue;
	uint32_t nt = 0;
	int f = 0;

	while (f < cap) {
		uint32_t qh = 0, qt = 0, gen = ++w->gen;

		seen[s] = gen;
		queue[qt++] = s;
		while (qh < qt && seen[d] != gen) {
			uint32_t u = queue[qh++];

			for (uint32_t j = 0; j < t->sw[u].nadj; j++) {
				uint32_t v = t->sw[u].adj[j].peer, l = t->sw[u].adj[j].link;
				int fl = t->link[l].a == u ? flow[l] : -flow[l];

				if (seen[v] == gen || fl >= 1)
					continue;
				seen[v] = gen;
				w->prevl[v] = l;
				queue[qt++] = v;
			}
		}
		if (seen[d] != gen)
			break;
		for (uint32_t v = d; v != s;) {
			uint32_t l = w->prevl[v], u = topo_peer(t, l, v);

			flow[l] += t->link[l].a == u ? 1 : -1;
			w->touched[nt++] = l;
			v = u;
		}
		f++;
	}
	for (uint32_t i = 0; i < nt; i++)
		flow[w->touched[i]] = 0;
	return f;
}

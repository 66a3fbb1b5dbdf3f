/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo compile, path search: the graph algorithms the packing stages use
 * to find the paths between edge switches that the repository's VLANs must
 * carry (patent [0012]: the VLANs of a pair come from a multipath solution;
 * we follow SPAIN, NSDI 2010).
 *  - hop distances from every edge switch (BFS): the A* heuristic, and the
 *    broadcast tree's root;
 *  - A*: the cheapest path given how often each link is already used;
 *  - max-flow: how many link-disjoint paths a pair has at most.
 */
#ifndef NA_REPO_PATH_SEARCH_H
#define NA_REPO_PATH_SEARCH_H

#include <stdint.h>

#include "topo.h"

/*
 * dist[e * nsw + v]: hops from edge switch topo.edge[e] to switch v.
 * Returns 0, -ENOMEM, or -ERANGE (a distance does not fit 16 bits).
 */
int edge_distances(const struct topo *t, uint16_t **dist);

/* A* search state, reused from one search to the next */
struct search {
	uint32_t n;
	uint32_t gen;
	uint32_t *stamp;  /* g/parent valid when stamp == gen */
	uint32_t *closed; /* closed when == gen */
	uint64_t *g;
	uint32_t *plink;
	struct search_ent *heap;
	uint64_t hn, hcap;
};

int search_init(struct search *s, uint32_t nsw); /* 0 or -ENOMEM */
void search_free(struct search *s);

/*
 * Cheapest path src -> dst where a link costs 1 + big * use[link]; h[] is the
 * hop distance to dst.  Writes the links from src to dst into out and returns
 * how many, or -ENOMEM (out of memory, or more than max links).
 */
int astar(const struct topo *t, struct search *s, const uint16_t *h, const uint8_t *use,
	  uint64_t big, uint32_t src, uint32_t dst, uint32_t *out, uint32_t max);

/* scratch space of max_flow(), for a topology of nsw switches */
struct flow_work {
	int8_t *flow; /* per link, + means a -> b; zero between calls */
	uint32_t *prevl, *seen, *queue, *touched;
	uint32_t gen;
};

int flow_work_init(struct flow_work *w, const struct topo *t, int cap); /* 0 or -ENOMEM */
void flow_work_free(struct flow_work *w);

/* the number of link-disjoint paths between s and d, at most cap */
int max_flow(const struct topo *t, uint32_t s, uint32_t d, int cap, struct flow_work *w);

#endif

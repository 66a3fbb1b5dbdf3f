/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo compile: what the packing stages produce and the later stages read.
 * The repository lists, for every pair of edge switches, the VLANs that
 * connect them (patent [0012]; computed offline, [0057]).  A packing is that
 * list in the making: every path of every pair (struct path_set), the VLAN
 * each path is packed into, and the VLANs themselves, each one loop-free tree
 * of switches and links (struct vlan_set).
 */
#ifndef NA_REPO_PACKING_H
#define NA_REPO_PACKING_H

#include <stdint.h>

#include "topo.h"

/* the unordered pairs of distinct edge switches, in the order (0,1), (0,2)..(1,2).. */
struct pairs {
	uint32_t n;
	uint32_t *end; /* 2 per pair: indexes into topo.edge[], first < second */
};

int pairs_init(struct pairs *pr, uint32_t nedge); /* 0 or -ENOMEM */
void pairs_free(struct pairs *pr);

/* index of the pair of edge switches i and j (i != j, either order) among nedge */
static inline uint64_t pair_index(uint32_t i, uint32_t j, uint32_t nedge)
{
	return i < j ? (uint64_t)i * (2ULL * nedge - i - 1) / 2 + (j - i - 1)
		     : (uint64_t)j * (2ULL * nedge - j - 1) / 2 + (i - j - 1);
}

/* every path found, as a list of links from its first switch */
struct path_set {
	uint64_t n, cap;
	uint64_t *off;	 /* first link in link[] */
	uint32_t *start; /* first switch */
	uint16_t *len;	 /* links */
	uint32_t *pair;
	uint32_t *vlan; /* VLAN index the path is packed into */
	uint64_t nlink, linkcap;
	uint32_t *link;
};

/* 0 or -ENOMEM */
int path_set_add(struct path_set *ps, uint32_t pair, uint32_t start, const uint32_t *links,
		 uint16_t len, uint32_t vlan);
void path_set_free(struct path_set *ps);

/*
 * A VLAN is one tree, kept rooted: the parent link and depth of every switch
 * in it, and which links it holds.
 */
struct vlan {
	uint32_t *plink; /* link to the parent, UINT32_MAX at the root */
	uint32_t *depth;
	uint8_t *node;	 /* switch in this VLAN */
	uint64_t *lbits; /* link in this VLAN */
	uint32_t nnodes;
};

struct vlan_set {
	const struct topo *t;
	uint32_t nv, cap;
	uint32_t maxv; /* VLAN IDs available */
	struct vlan *v;
};

int vlan_set_add(struct vlan_set *vs); /* append an empty VLAN: 0 or -ENOMEM */
void vlan_set_free(struct vlan_set *vs);

static inline int vlan_has_link(const struct vlan *v, uint32_t l)
{
	return (v->lbits[l / 64] >> (l % 64)) & 1;
}

/* make switch u a member hanging off its parent by link l, at depth */
static inline void vlan_attach(struct vlan *v, uint32_t u, uint32_t l, uint32_t depth)
{
	v->node[u] = 1;
	v->plink[u] = l;
	v->depth[u] = depth;
	if (l != UINT32_MAX)
		v->lbits[l / 64] |= 1ULL << (l % 64);
	v->nnodes++;
}

/*
 * The path a -> b in a rooted tree given by each switch's parent link par[]
 * and depth dep[] (both switches in the tree): its links in order into out
 * (back: scratch as large), and their number; -1 if longer than max links.
 */
static inline int rooted_tree_path(const struct topo *t, const uint32_t *par, const uint32_t *dep,
				   uint32_t a, uint32_t b, uint32_t *out, uint32_t *back,
				   uint32_t max)
{
	uint32_t na = 0, nb = 0;

	while (a != b) {
		if (na + nb >= max)
			return -1;
		if (dep[a] >= dep[b]) {
			out[na++] = par[a];
			a = topo_peer(t, par[a], a);
		} else {
			back[nb++] = par[b];
			b = topo_peer(t, par[b], b);
		}
	}
	while (nb)
		out[na++] = back[--nb];
	return (int)na;
}

/* the result of a packing stage */
struct packing {
	struct path_set ps;
	struct vlan_set vs;
	uint32_t *pfirst; /* per pair: its first path in ps */
	uint8_t *pcount;  /* per pair: how many paths */
	uint32_t max_path_len;
};

/* empty packing for npairs pairs: 0 or -ENOMEM */
int packing_init(struct packing *pk, const struct topo *t, uint32_t maxv, uint32_t npairs);
void packing_free(struct packing *pk);

/* how a packing stage works */
struct pack_opts {
	int k;		/* paths per pair, 1..NL_MAX_VLANS_PER_PAIR */
	int stretch;	/* greedy: reuse a VLAN's tree path up to this many extra links */
	int randomized; /* greedy: random pair orders instead of one fixed order */
	unsigned seed;
	int tries;     /* randomized: keep the best of this many orders */
	uint32_t maxv; /* VLAN IDs available */
};

#endif

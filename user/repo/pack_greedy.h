/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo compile, greedy packing (SPAIN, NSDI 2010): pair by pair, choose up
 * to k paths and pack each first-fit into a loop-free VLAN tree, or open a
 * new VLAN (patent [0012]: the VLANs that connect each pair of edge switches).
 */
#ifndef NA_REPO_PACK_GREEDY_H
#define NA_REPO_PACK_GREEDY_H

#include "packing.h"

/*
 * Pack the pairs in their order, or (o->randomized) in o->tries random orders
 * keeping the one with the fewest VLANs.  dist: edge_distances().  out must be
 * empty; it is filled on success.  Returns 0, -ENOMEM, or -ENOSPC (more than
 * o->maxv VLANs).
 */
int pack_greedy(const struct topo *t, const struct pack_opts *o, const uint16_t *dist,
		const struct pairs *pr, struct packing *out);

#endif

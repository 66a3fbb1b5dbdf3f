/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo compile, the broadcast VLAN's tree: NL-ARP broadcasts travel on one
 * special VLAN that includes every server downlink of every edge switch
 * (patent [0029]); its tree spans every edge switch.
 */
#ifndef NA_REPO_BCAST_TREE_H
#define NA_REPO_BCAST_TREE_H

#include <stdint.h>

#include "topo.h"

struct bcast_tree {
	uint32_t root;
	uint32_t *par; /* [nsw] link to the parent (root: itself) */
	uint8_t *sw;   /* [nsw] switch in the tree */
	uint8_t *link; /* [nlink] link in the tree */
};

/*
 * BFS from the most central switch (smallest greatest distance to an edge
 * switch; dist: edge_distances()), pruned to the edge switches.  Returns 0 or
 * -ENOMEM.
 */
int bcast_tree_build(const struct topo *t, const uint16_t *dist, struct bcast_tree *bt);
void bcast_tree_free(struct bcast_tree *bt);

#endif

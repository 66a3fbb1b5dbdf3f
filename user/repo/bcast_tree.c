// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo compile, the broadcast VLAN's tree (patent [0029]; see
 * bcast_tree.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bcast_tree.h"

/* the switch whose greatest distance to an edge switch is smallest */
static uint32_t central_switch(const struct topo *t, const uint16_t *dist)
{
	uint32_t N = t->nsw, root = 0, bestecc = UINT32_MAX;

	for (uint32_t v = 0; v < N; v++) {
		uint32_t ecc = 0;

		for (uint32_t e = 0; e < t->nedge; e++)
			if (dist[(size_t)e * N + v] > ecc)
				ecc = dist[(size_t)e * N + v];
		if (ecc < bestecc) {
			bestecc = ecc;
			root = v;
		}
	}
	return root;
}

int bcast_tree_build(const struct topo *t, const uint16_t *dist, struct bcast_tree *bt)
{
	uint32_t N = t->nsw, qh = 0, qt = 0;
	uint32_t *queue = malloc(N * sizeof(*queue));

	memset(bt, 0, sizeof(*bt));
	bt->par = malloc(N * sizeof(*bt->par));
	bt->sw = calloc(N, 1);
	bt->link = calloc(t->nlink + 1, 1);
	if (!queue || !bt->par || !bt->sw || !bt->link) {
		free(queue);
		bcast_tree_free(bt);
		return -ENOMEM;
	}
	bt->root = central_switch(t, dist);
	for (uint32_t v = 0; v < N; v++)
		bt->par[v] = UINT32_MAX;
	bt->par[bt->root] = bt->root;
	queue[qt++] = bt->root;
	while (qh < qt) {
		uint32_t u = queue[qh++];

		for (uint32_t j = 0; j < t->sw[u].nadj; j++) {
			uint32_t w = t->sw[u].adj[j].peer;

			if (bt->par[w] == UINT32_MAX) {
				bt->par[w] = t->sw[u].adj[j].link;
				queue[qt++] = w;
			}
		}
	}
	bt->sw[bt->root] = 1;
	for (uint32_t e = 0; e < t->nedge; e++)
		for (uint32_t v = t->edge[e]; !bt->sw[v]; v = topo_peer(t, bt->par[v], v)) {
			bt->sw[v] = 1;
			bt->link[bt->par[v]] = 1;
		}
	free(queue);
	return 0;
}

void bcast_tree_free(struct bcast_tree *bt)
{
	free(bt->par);
	free(bt->sw);
	free(bt->link);
	memset(bt, 0, sizeof(*bt));
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo compile, tree-first packing: choose spanning trees first, then give
 * every pair of edge switches its paths in them.  On HyperX and cliques this
 * needs fewer VLANs than greedy packing (patent [0012]: the VLANs that connect
 * each pair; docs/repository.md explains the method).
 */
#ifndef NA_REPO_PACK_TREES_H
#define NA_REPO_PACK_TREES_H

#include "packing.h"

/*
 * Pack the pairs into fewer than `better` VLANs, each pair getting up to k
 * paths.  gcount: the greedy packing's paths per pair; if it gives some pair
 * fewer than min(k, max-flow) paths, any result within out->vs.maxv VLANs is
 * better.  out: packing_init()ed.  Returns 0 (out filled), -ENOENT (no
 * packing with fewer than `better` VLANs), or -ENOMEM.
 */
int pack_trees(const struct topo *t, int k, const struct pairs *pr, uint32_t better,
	       const uint8_t *gcount, struct packing *out);

#endif

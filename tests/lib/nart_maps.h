/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A production NART store (user/lib/nart_store.h) on fresh BPF arrays of
 * the datapath's geometry, without loading the datapath, with the agent's
 * state arrays (versions, tombstones) as the agent creates them: what the
 * unit tests, the NL-ARP fuzzer and bench-nlarp apply messages to.
 * test_nart_restart() re-opens the store on the same arrays, as a
 * restarted agent does.  Needs CAP_BPF (root).
 */
#ifndef NL_TEST_NART_MAPS_H
#define NL_TEST_NART_MAPS_H

#include "nart_store.h"

struct test_nart {
	struct nart_store store;
	struct nart_store_fds fds;
	struct nart_geom g1, g2; /* the geometry "pinned" in nl_config */
	int nart1v6;		 /* NART-1 for IPv6 (hash map, as nl_nart1v6) */
	char vdir[256];		 /* version clock directory, "" = memory only */
};

/* @buckets per table (>= 2), @switches array entries (>= 2); 0 or -errno */
int test_nart_open(struct test_nart *t, __u32 buckets, __u32 switches);
/* the agent restarts: the store is closed and re-opened on the same arrays */
int test_nart_restart(struct test_nart *t);
void test_nart_close(struct test_nart *t);

#endif /* NL_TEST_NART_MAPS_H */

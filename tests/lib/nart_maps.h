/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A production NART store (user/lib/nart_store.h) on fresh BPF arrays of
 * the datapath's geometry, without loading the datapath: what the unit
 * tests, the NL-ARP fuzzer and bench-nlarp apply messages to.  Needs
 * CAP_BPF (root).
 */
#ifndef NL_TEST_NART_MAPS_H
#define NL_TEST_NART_MAPS_H

#include "nart_store.h"

struct test_nart {
	struct nart_store store;
	int fd1, fd2, fd_sw;
};

/* @buckets per table (>= 2), @switches array entries (>= 2); 0 or -errno */
int test_nart_open(struct test_nart *t, __u32 buckets, __u32 switches);
void test_nart_close(struct test_nart *t);

#endif /* NL_TEST_NART_MAPS_H */

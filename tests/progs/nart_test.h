/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Interface of the compact NART test object (tests/progs/nart_test.bpf.c):
 * the test packet and the values the concurrency test writes.  Shared by
 * the object and its user-space side (tests/nart/test_nart_table.c,
 * tests/nart/bench_nart_compact.c).  Test-only: nothing in bpf/ or user/
 * uses it.  The tables under test are the NARTs of patent [0029]-[0031]
 * in their compact form (docs/nart.md, include/nart_table.h).
 */
#ifndef NART_TEST_H
#define NART_TEST_H

#include "nart_table.h"

enum nart_test_op {
	NART_OP_NONE = 0,	/* bench baseline: build the key, no lookup */
	NART_OP_FIND1 = 1,	/* compact NART-1 */
	NART_OP_FIND2 = 2,	/* compact NART-2 + switch array */
	NART_OP_HASH1 = 3,	/* kernel hash with nl_nart1's types */
	NART_OP_HASH2 = 4,	/* kernel hash with nl_nart2's types + vlan_table-like hash */
	NART_OP_BENCH_KEYS = 8, /* flag: key from the bench generator, index = run counter */
	NART_OP_CHECK = 16	/* flag: check the value with nart_test_value_ok(), count */
};

/* The test packet: request in, result written back in place. */
struct nart_test_msg {
	__u32 op;
	__u32 key[3]; /* key words (as in a slot) */
	__s32 rc;     /* 1 found, 0 absent, -1 unstable */
	__u32 val[2]; /* NART-1: slot words 2..3; NART-2: word 3 (switch_idx, port) */
	__u8 switch_mac[6];
	__u16 vlan_count;
	__u16 vlans[NART_SWITCH_VLANS];
	__u32 bench_hits; /* NART_OP_BENCH_KEYS: lookups that hit so far */
};

/*
 * Values the concurrency test writes: any generation x is valid, but the
 * words must belong together, so a torn read (words of two generations or
 * of two keys) is detected.  NART-1: val = {x, check}; NART-2: val word =
 * switch_idx (1 + x % 1000) | port (check of switch_idx) << 16.
 */
static inline __u32 nart_test_check(const __u32 *k, __u32 x)
{
	return (__u32)nart_fmix64(((__u64)k[0] << 32 | k[1]) ^ ((__u64)k[2] << 17) ^ x ^ 0xc0ffee);
}

static inline int nart_test_value_ok(const __u32 *k, int kw, const __u32 *val)
{
	if (kw == NART1_KEY_WORDS)
		return val[1] == nart_test_check(k, val[0]);
	return (val[1] >> 16) == (nart_test_check(k, val[1] & 0xffff) & 0xffff);
}

#endif /* NART_TEST_H */

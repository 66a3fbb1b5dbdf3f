/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internet checksum helpers for the fixed 20-byte IPv4 header we write
 * (the outer header of patent Fig. 8, [0046]) and the TTL the router
 * decrements ([0044]).
 */
#ifndef NL_BPF_CSUM_H
#define NL_BPF_CSUM_H

#include "common.h"

static __always_inline __u16 nl_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Sum of a 20-byte IPv4 header (no options); the header must be readable. */
static __always_inline __u32 nl_ipv4_sum20(const void *hdr)
{
	const __u16 *w = hdr;
	__u32 sum = 0;

#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += w[i];
	return sum;
}

/* Checksum to store in iph->check (computed with check = 0). */
static __always_inline __u16 nl_ipv4_csum(const struct iphdr *iph)
{
	return nl_csum_fold(nl_ipv4_sum20(iph));
}

/* A received header is valid when its full sum folds to zero. */
static __always_inline bool nl_ipv4_csum_ok(const struct iphdr *iph)
{
	return nl_csum_fold(nl_ipv4_sum20(iph)) == 0;
}

/* RFC 1624 incremental update of a checksum after one 16-bit word changed. */
static __always_inline __u16 nl_csum_replace16(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check + (__u16)~old + new;

	return nl_csum_fold(sum);
}

#endif /* NL_BPF_CSUM_H */

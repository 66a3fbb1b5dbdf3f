/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Internet checksum helpers for the fixed 20-byte IPv4 header we write
 * (the outer header of patent Fig. 8, [0046]), the TTL the router
 * decrements ([0044]) and the quotes of the router's ICMP errors (icmp.h,
 * icmp6.h: a checksum-offloaded quote, CHECKSUM_PARTIAL).
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

/* 16-bit one's complement a - b, folded (0xffff and 0 are the same number) */
static __always_inline __u16 nl_csum_sub16(__u16 a, __u16 b)
{
	__u32 s = (__u32)a + (__u16)~b;

	s = (s & 0xffff) + (s >> 16);
	return (__u16)((s & 0xffff) + (s >> 16));
}

/*
 * Is @skb CHECKSUM_PARTIAL?  __sk_buff does not say (before kernel 6.3's
 * bpf_cast_to_kern_ctx), but bpf_l4_csum_replace() with a pseudo-header
 * change updates the field one way for CHECKSUM_PARTIAL (the field holds
 * the uncomplemented pseudo-header sum: +1) and the other way otherwise
 * (a complemented checksum: -1).  The field at @off is put back as it was.
 * @tmp: two words of scratch (stack or map memory).  Returns 1, 0, or -1
 * when the helpers fail.
 */
static __always_inline int nl_skb_csum_partial(struct __sk_buff *skb, __u32 off, __u16 *tmp)
{
	if (bpf_skb_load_bytes(skb, off, &tmp[0], 2))
		return -1;
	if (bpf_l4_csum_replace(skb, off, 0, 1, BPF_F_PSEUDO_HDR | sizeof(__u16)))
		return -1;
	if (bpf_skb_load_bytes(skb, off, &tmp[1], 2))
		return -1;
	if (bpf_skb_store_bytes(skb, off, &tmp[0], 2, 0))
		return -1;
	/* +1 and -1 differ modulo 0xffff, whatever the representation of 0 */
	return nl_csum_sub16(tmp[1], tmp[0]) == 1;
}

/*
 * The value of a checksum field that a CHECKSUM_PARTIAL completion leaves
 * unchanged.  The completion writes ~fold(sum of [csum_start, end)) into
 * the field; with @rest the sum of those bytes with the field zero, x must
 * satisfy x == ~(rest + x), i.e. 2x == -rest modulo 0xffff: x = (~rest)
 * rotated right by one bit (halving modulo 2^16 - 1).
 */
static __always_inline __u16 nl_csum_fixed_point(__u32 rest)
{
	__u16 r = nl_csum_fold(rest); /* ~rest */

	return (__u16)(r >> 1 | r << 15);
}

#endif /* NL_BPF_CSUM_H */

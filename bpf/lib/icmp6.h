/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ICMPv6 errors from the virtual router back to the VM (issue 11; the
 * router of patent [0044] for IPv6, and the usable MTU after the
 * encapsulation of [0046]): time exceeded (hop limit 1 on a routed
 * packet) and packet too big (RFC 4443).  The packet is rewritten in
 * place: the quoted start of the VM's packet stays where it is, the new
 * Ethernet, IPv6 and ICMPv6 headers are pushed in front of it.  The work
 * happens in a per-CPU scratch entry: the caller (ndp.h) is a subprogram
 * with almost no stack.
 *
 * A VM that offloads checksums sends CHECKSUM_PARTIAL packets, and the
 * error keeps that state with csum_start/csum_offset naming the checksum
 * field of the *quoted* transport header (as for the ICMPv4 errors of
 * icmp.h): that field is set to the fixed point of the completion
 * (nl_csum_fixed_point()) before the ICMPv6 checksum is computed, so the
 * error is the same, valid, bytes whether a device, the kernel or the
 * guest completes the checksum or not.  Only TCP, UDP and UDP-Lite right
 * after the IPv6 header are recognised: a quoted packet with extension
 * headers before its transport header keeps its quote unchanged.
 */
#ifndef NL_BPF_ICMP6_H
#define NL_BPF_ICMP6_H

#include "csum.h"
#include "ipv6.h"

#define NL_ICMP6_TIME_EXCEEDED 3
#define NL_ICMP6_PKT_TOO_BIG   2
#define NL_ICMP6_QUOTE	       128 /* the IPv6 header and 88 bytes after it, at most */
#define NL_ICMP6_HDRS	       (ETH_HLEN + 40 + 8)

/* the headers and the quote, laid out so the ICMPv6 part is 4-byte aligned */
struct nl_icmp6_buf {
	__u8 align[2];
	__u8 dst[6];
	__u8 src[6];
	__be16 proto;
	struct nl_ip6h ip6;
	__u8 type;
	__u8 code;
	__u16 csum;
	__be32 word; /* packet too big: the MTU; time exceeded: unused */
	__u8 quote[NL_ICMP6_QUOTE];
	__u8 slack[8]; /* the verifier bounds the rounded sum length by 8 + 128 + 3 */
	__u16 tmp[2];  /* nl_skb_csum_partial(), the fixed point */
	__u8 field;    /* offset of the quoted transport checksum */
} __attribute__((aligned(8)));

_Static_assert(__builtin_offsetof(struct nl_icmp6_buf, ip6) == 16 &&
		       __builtin_offsetof(struct nl_icmp6_buf, type) == 56 &&
		       __builtin_offsetof(struct nl_icmp6_buf, quote) == 64,
	       "ICMPv6 error layout");
_Static_assert(NL_ICMP6_QUOTE == 0x7f + 1, "the quote length mask in nl_icmp6_error()");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nl_icmp6_buf);
} nl_icmp6_scratch SEC(".maps");

/* what to send, in map memory (the caller's scratch entry) */
struct nl_icmp6_req {
	__u8 src_ip[16] __attribute__((aligned(4)));
	__u8 dst_ip[16] __attribute__((aligned(4)));
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u8 type;
	__u8 code;
	__u16 reason; /* the counter the caller counts it under */
	__u32 mtu;    /* packet too big */
};

/*
 * The quote length, from the ICMPv6 payload length in @b, bounded for the
 * verifier (1..128).  Read back from map memory after each helper call
 * rather than kept in a register: the caller, nl_tx_ipv6(), has no stack
 * to spare for spills (6.1 rounds each frame up to 32 bytes, and the VIF
 * program's 480 + 32 is the 512-byte limit).
 */
static __always_inline __u32 nl_icmp6_quote_len(const struct nl_icmp6_buf *b)
{
	__u32 quote = bpf_ntohs(b->ip6.plen) - 8;

	quote -= 1;
	asm volatile("%0 &= 0x7f" : "+r"(quote));
	return quote + 1;
}

/*
 * The checksum field of the quoted transport header (@b->quote), when the
 * error keeps the VM's CHECKSUM_PARTIAL state: set to the completion's
 * fixed point, in @b and in @skb.  0 or -1.
 */
static __always_inline int nl_icmp6_fix_partial(struct __sk_buff *skb, struct nl_icmp6_buf *b)
{
	__u32 l4len;
	__s64 sum;
	int partial;

	if (b->quote[6] == IPPROTO_TCP)
		b->field = 16;
	else if (b->quote[6] == IPPROTO_UDP || b->quote[6] == IPPROTO_UDPLITE)
		b->field = 6;
	else
		return 0;
	if (nl_icmp6_quote_len(b) < 40 + b->field + 2)
		return 0;
	partial = nl_skb_csum_partial(skb, NL_ICMP6_HDRS + 40 + b->field, b->tmp);
	if (partial <= 0)
		return partial;
	b->quote[40 + (b->field & 0x1f)] = 0;
	b->quote[40 + (b->field & 0x1f) + 1] = 0;
	/* the quoted transport bytes rounded up to words (those past the quote are zero) */
	l4len = (nl_icmp6_quote_len(b) - 40 + 3) & 0x7c;
	if (l4len > NL_ICMP6_QUOTE - 40)
		return -1;
	sum = bpf_csum_diff(NULL, 0, (__be32 *)&b->quote[40], l4len, 0);
	if (sum < 0)
		return -1;
	b->tmp[0] = nl_csum_fixed_point((__u32)sum);
	b->quote[40 + (b->field & 0x1f)] = ((__u8 *)b->tmp)[0];
	b->quote[40 + (b->field & 0x1f) + 1] = ((__u8 *)b->tmp)[1];
	return bpf_skb_store_bytes(skb, NL_ICMP6_HDRS + 40 + b->field, b->tmp, 2, 0) ? -1 : 0;
}

/*
 * Turn @skb (a VM's IPv6 frame, header checked) into the ICMPv6 error @r
 * describes, quoting as much of the packet as fits NL_ICMP6_QUOTE.  @key: a
 * map key off the stack.  0, or -1 when the kernel refused a change (the
 * caller drops).
 */
static __always_inline int nl_icmp6_error(struct __sk_buff *skb, const __u32 *key,
					  const struct nl_icmp6_req *r)
{
	struct nl_icmp6_buf *b = bpf_map_lookup_elem(&nl_icmp6_scratch, key);
	__u32 quote = skb->len - ETH_HLEN, sum;
	__s64 s;

	if (!b || quote < 40)
		return -1;
	if (quote > NL_ICMP6_QUOTE)
		quote = NL_ICMP6_QUOTE;
	__builtin_memset(b, 0, sizeof(*b));
	nl_mac_copy(b->dst, r->dst_mac);
	nl_mac_copy(b->src, r->src_mac);
	b->proto = bpf_htons(ETH_P_IPV6);
	b->ip6.vtcfl = bpf_htonl(0x60000000);
	b->ip6.plen = bpf_htons(8 + quote);
	b->ip6.nexthdr = NL_IPPROTO_ICMPV6;
	b->ip6.hop_limit = 64;
	__builtin_memcpy(b->ip6.saddr, r->src_ip, 16);
	__builtin_memcpy(b->ip6.daddr, r->dst_ip, 16);
	b->type = r->type;
	b->code = r->code;
	b->word = bpf_htonl(r->mtu);
	/* the quoted datagram stays in place; the headers go in front of it */
	if (bpf_skb_change_tail(skb, ETH_HLEN + nl_icmp6_quote_len(b), 0) ||
	    bpf_skb_change_head(skb, NL_ICMP6_HDRS - ETH_HLEN, 0) ||
	    bpf_skb_load_bytes(skb, NL_ICMP6_HDRS, b->quote, nl_icmp6_quote_len(b)) ||
	    nl_icmp6_fix_partial(skb, b))
		return -1;
	/* the pseudo header, then the message (bytes past the quote are zero) */
	quote = nl_icmp6_quote_len(b);
	sum = nl_sum16(b->ip6.saddr, 16) + bpf_htons(8 + quote) + bpf_htons(NL_IPPROTO_ICMPV6);
	s = bpf_csum_diff(NULL, 0, (__be32 *)&b->type, (8 + quote + 3) & ~3U, sum);
	if (s < 0)
		return -1;
	b->csum = nl_csum_fold((__u32)s);
	return bpf_skb_store_bytes(skb, 0, b->dst, NL_ICMP6_HDRS, 0) ? -1 : 0;
}

#endif /* NL_BPF_ICMP6_H */

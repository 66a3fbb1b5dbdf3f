/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * IPv6 frames from a VM (issue 11; patent [0026] the VIF and its
 * addresses, [0040] the NA checks what a VM sends): the header layout,
 * address tests, the router's link-local address and the return codes of
 * the IPv6 step (ndp.h), shared with the proxy NDP answers.
 */
#ifndef NL_BPF_IPV6_H
#define NL_BPF_IPV6_H

#include "common.h"
#include "drop.h"
#include "eth.h"
#include "ipv6_maps.h"

#define NL_IPPROTO_ICMPV6    58
#define NL_ICMP6_MLD_QUERY   130
#define NL_ICMP6_MLD_REPORT  131
#define NL_ICMP6_MLD_DONE    132
#define NL_ICMP6_NS	     135
#define NL_ICMP6_NA	     136
#define NL_ICMP6_MLD2_REPORT 143

/*
 * The IPv6 steps run in a subprogram (ndp.h) and leave the counted drop to
 * the caller's nl_drop(): they return NL_IP6_DROP(reason).
 */
#define NL_IP6_DROP_BASE  1000
#define NL_IP6_DROP(r)	  (NL_IP6_DROP_BASE + (r))
#define NL_IP6_IS_DROP(v) ((v) >= NL_IP6_DROP_BASE && (v) < NL_IP6_ROUTED_BASE)
#define NL_IP6_REASON(v)  ((__u32)((v)-NL_IP6_DROP_BASE))
#define NL_IP6_ANSWERED	  900 /* the NS was answered in place: count, send back */
#define NL_IP6_NDP_MISS	  901 /* no answer known: count, the frame goes on */
/* routed to the VIF (tenant, MAC_AS m, the frame's new destination MAC) */
#define NL_IP6_ROUTED_BASE  2000
#define NL_IP6_ROUTED(m)    (NL_IP6_ROUTED_BASE + (m))
#define NL_IP6_IS_ROUTED(v) ((v) >= NL_IP6_ROUTED_BASE && (v) < NL_IP6_ICMP_BASE)
/* the frame is now an ICMPv6 error to the VM, counted under reason r */
#define NL_IP6_ICMP_BASE  3000
#define NL_IP6_ICMP(r)	  (NL_IP6_ICMP_BASE + (r))
#define NL_IP6_IS_ICMP(v) ((v) >= NL_IP6_ICMP_BASE && (v) < NL_IP6_MISS_BASE)
/*
 * a NART-1 miss, dropped under reason r: the scratch entry's event (ev)
 * asks a WHERE by IPv6; the caller sends it (its frame has the stack for it)
 */
#define NL_IP6_MISS_BASE  4000
#define NL_IP6_MISS(r)	  (NL_IP6_MISS_BASE + (r))
#define NL_IP6_IS_MISS(v) ((v) >= NL_IP6_MISS_BASE)
#define NL_IP6_NEED_ICMP  902 /* internal to ndp.h: the scratch entry says which error */

/* the fixed IPv6 header, addresses as bytes (no bit fields) */
struct nl_ip6h {
	__be32 vtcfl; /* version 6, traffic class, flow label */
	__be16 plen;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[16];
	__u8 daddr[16];
};

/*
 * Volatile word loads: the compiler neither hoists nor keeps the words of
 * several addresses live at once, which would spill them to the stack the
 * IPv6 subprogram does not have (ndp.h).
 */
static __always_inline bool nl_ip6_eq(const __u8 *a, const __u8 *b)
{
	const volatile __u32 *x = (const void *)a, *y = (const void *)b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
}

static __always_inline bool nl_ip6_zero(const __u8 *a)
{
	const volatile __u32 *x = (const void *)a;

	return (x[0] | x[1] | x[2] | x[3]) == 0;
}

/* fe80::/10 */
static __always_inline bool nl_ip6_link_local(const __u8 *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/*
 * The virtual router's link-local address: fe80::/64 with the modified
 * EUI-64 interface identifier of its MAC (user/lib/ip6.c computes the same).
 */
static __always_inline void nl_ip6_router_ll(const __u8 *mac, __u8 *out)
{
	__builtin_memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

/* one's-complement sum of @n 16-bit words at @p (n a compile-time constant) */
static __always_inline __u32 nl_sum16(const void *p, int n)
{
	const __u16 *w = p;
	__u32 s = 0;

#pragma unroll
	for (int i = 0; i < n; i++)
		s += w[i];
	return s;
}

#endif /* NL_BPF_IPV6_H */

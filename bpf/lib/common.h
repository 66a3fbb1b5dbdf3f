/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Definitions every datapath file needs: kernel types, helpers, constants.
 * Plumbing, no patent paragraph of its own.
 */
#ifndef NL_BPF_COMMON_H
#define NL_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "netlord.h"

/* UAPI macros that vmlinux.h (types only) does not carry */
#define ETH_ALEN     6
#define ETH_HLEN     14
#define ETH_P_IP     0x0800
#define ETH_P_ARP    0x0806
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_P_IPV6   0x86DD

#define TC_ACT_OK	0
#define TC_ACT_SHOT	2
#define TC_ACT_REDIRECT 7

#define IP_DF	  0x4000
#define IP_MF	  0x2000
#define IP_OFFSET 0x1fff

#define ICMP_DEST_UNREACH  3
#define ICMP_FRAG_NEEDED   4
#define ICMP_TIME_EXCEEDED 11
#define ICMP_EXC_TTL	   0

#define NL_ADJ_ROOM_ENCAP_L2(len) (((__u64)(len)&0xff) << 56)

#ifndef likely
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/*
 * Packet pointers read straight from the context: clang likes to turn
 * repeated skb->data loads into ctx + offset arithmetic, which the verifier
 * rejects.  One asm load per use keeps the access a plain ctx read.
 */
#define nl_ctx_ptr(ctx, field)                                                            \
	({                                                                                \
		__u64 __v;                                                                \
		asm volatile("%0 = *(u32 *)(%1 + %2)"                                     \
			     : "=r"(__v)                                                  \
			     : "r"(ctx), "i"(__builtin_offsetof(typeof(*(ctx)), field))); \
		(void *)(long)__v;                                                        \
	})
#define nl_skb_data(skb)     nl_ctx_ptr(skb, data)
#define nl_skb_data_end(skb) nl_ctx_ptr(skb, data_end)

/* What a step returns when the packet goes on to the next step. */
#define NL_CONTINUE (-1)

/* Header fits in the packet: the one bounds check the verifier wants. */
#define nl_fits(ptr, end) ((void *)((ptr) + 1) <= (void *)(end))

#endif /* NL_BPF_COMMON_H */

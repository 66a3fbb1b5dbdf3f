/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Control frames the hypervisor answers itself (issue 11, docs/dhcp.md):
 * a VM's DHCPv4 (UDP 68 -> 67) and DHCPv6 (UDP 546 -> 547) client messages
 * and its ICMPv6 router solicitations are copied into the punt ring for
 * the agent (user/agent/responder.c), which answers into the VIF, and are
 * never sent to the fabric, whatever their destination MAC.  The NA keeps
 * the tenant's configuration to itself as proxy ARP does (patent [0035]):
 * nothing of it is broadcast on the fabric.  Each VIF has a token bucket
 * (map "punt_budget"), so one VM cannot fill the ring the others share.
 */
#ifndef NL_BPF_PUNT_H
#define NL_BPF_PUNT_H

#include "drop.h"
#include "events.h"
#include "maps.h"
#include "stats.h"

#define NL_IPPROTO_UDP	  17
#define NL_IPPROTO_ICMPV6 58
#define NL_ICMPV6_RS	  133

/* the kind of control frame @skb is (enum nl_punt_kind), 0 = none */
static __always_inline int nl_punt_kind(struct __sk_buff *skb, __be16 proto)
{
	__u8 h[40];
	__be16 ports[2];
	__u32 off;

	if (proto == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN, h, 20))
			return 0;
		/* version 4, protocol UDP, not a fragment (the ports are there) */
		if ((h[0] >> 4) != 4 || (h[0] & 0xf) < 5 || h[9] != NL_IPPROTO_UDP ||
		    (h[6] & 0x3f) || h[7])
			return 0;
		off = ETH_HLEN + (h[0] & 0xf) * 4;
		if (bpf_skb_load_bytes(skb, off, ports, 4))
			return 0;
		return ports[0] == bpf_htons(68) && ports[1] == bpf_htons(67) ? NL_PUNT_DHCP4 : 0;
	}
	if (proto != bpf_htons(ETH_P_IPV6) || bpf_skb_load_bytes(skb, ETH_HLEN, h, 40) ||
	    (h[0] >> 4) != 6)
		return 0;
	if (h[6] == NL_IPPROTO_UDP) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 40, ports, 4))
			return 0;
		return ports[0] == bpf_htons(546) && ports[1] == bpf_htons(547) ? NL_PUNT_DHCP6 : 0;
	}
	if (h[6] == NL_IPPROTO_ICMPV6) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 40, ports, 1))
			return 0;
		return *(__u8 *)ports == NL_ICMPV6_RS ? NL_PUNT_RS : 0;
	}
	return 0;
}

/*
 * NL_CONTINUE if @skb (Ethernet type @proto) is not a control frame for
 * the agent, else the verdict: the frame is copied to the punt ring and
 * dropped, counted as punted (or as limited / lost).
 */
static __always_inline int nl_punt_control(struct __sk_buff *skb, __be16 proto)
{
	int kind = nl_punt_kind(skb, proto);
	struct nl_punt *p;
	__u64 cap;

	if (!kind)
		return NL_CONTINUE;
	if (!nl_bucket_take(&nl_punt_budget, skb->ifindex, bpf_ktime_get_ns(), NL_PUNT_VIF_BURST,
			    NL_PUNT_VIF_PER_S))
		return nl_drop(skb, NL_C_TX_PUNT_LIMITED);
	p = bpf_ringbuf_reserve(&nl_punt_ring, sizeof(*p), 0);
	if (!p)
		return nl_drop(skb, NL_C_TX_PUNT_LOST);
	cap = skb->len;
	/* the verifier must see the bounds on the register the helper gets */
	asm volatile("" : "+r"(cap));
	if (cap > NL_PUNT_CAP)
		cap = NL_PUNT_CAP;
	asm volatile("" : "+r"(cap));
	if (cap < ETH_HLEN || cap > NL_PUNT_CAP || bpf_skb_load_bytes(skb, 0, p->data, cap)) {
		bpf_ringbuf_discard(p, 0);
		return nl_drop(skb, NL_C_TX_MALFORMED);
	}
	p->ifindex = skb->ifindex;
	p->kind = (__u16)kind;
	p->cap_len = (__u16)cap;
	p->pkt_len = skb->len;
	p->pad = 0;
	bpf_ringbuf_submit(p, 0);
	nl_count(kind == NL_PUNT_DHCP4	 ? NL_C_TX_PUNT_DHCP4
		 : kind == NL_PUNT_DHCP6 ? NL_C_TX_PUNT_DHCP6
					 : NL_C_TX_PUNT_RS);
	return TC_ACT_SHOT;
}

#endif /* NL_BPF_PUNT_H */

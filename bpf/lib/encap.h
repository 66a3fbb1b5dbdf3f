/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Encapsulation (patent Fig. 8, [0046]-[0047]): outer Ethernet + IPv4
 * (+ UDP) in front of the tenant's Ethernet frame.  Layout in
 * docs/wire-format.md.
 */
#ifndef NL_BPF_ENCAP_H
#define NL_BPF_ENCAP_H

#include "addr.h"
#include "csum.h"
#include "eth.h"

/* Where the packet goes: computed by forwarding, written by encapsulation. */
struct nl_path {
	__u32 tenant;
	__u16 mac_as;		/* MAC_AS_ID of the destination VIF */
	__u16 vlan;		/* 0 = untagged */
	__u8 dst_mac[ETH_ALEN]; /* egress edge switch */
	__u8 src_mac[ETH_ALEN]; /* ingress edge switch, or us on the same switch */
	__u16 port;		/* egress edge switch port */
	__u8 tos;
	__u8 pad;
	__u32 hash; /* inner flow hash: UDP source port */
};

/* the flow hash fills the low 14 bits of the UDP source port */
_Static_assert((NL_UDP_SPORT_MIN & 0x3fff) == 0 && NL_UDP_SPORT_MIN >= 0xc000,
	       "UDP source ports NL_UDP_SPORT_MIN..65535");

static const __u8 nl_poison[64] = {
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
};

static __always_inline void nl_fill_outer_ip(struct iphdr *ip, const struct nl_config *cfg,
					     const struct nl_path *path, __u32 l3len, __u8 proto)
{
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = path->tos;
	ip->tot_len = bpf_htons(l3len);
	ip->id = bpf_htons(path->vlan & NL_IPID_VLAN_MASK);
	ip->frag_off = bpf_htons(IP_DF);
	ip->ttl = NL_OUTER_TTL;
	ip->protocol = proto;
	ip->check = 0;
	ip->saddr = bpf_htonl(nl_special_addr(cfg, path->mac_as, path->tenant));
	ip->daddr = bpf_htonl(nl_special_addr(cfg, path->port, path->tenant));
	ip->check = nl_ipv4_csum(ip);
}

/*
 * Grow the packet and write the outer headers; the caller redirects.
 * IPv4/IPv6 frames grow with bpf_skb_adjust_room so the kernel records the
 * encapsulation and can still segment GSO packets (udp mode); other
 * ethertypes, which adjust_room refuses, grow at the head.
 */
static __always_inline int nl_encapsulate(struct __sk_buff *skb, const struct nl_config *cfg,
					  const struct nl_path *path)
{
	bool udp = cfg->encap_mode == NL_ENCAP_UDP;
	__u32 l4len = udp ? sizeof(struct udphdr) : 0;
	__u32 inner_len = skb->len;
	__u32 l3len = sizeof(struct iphdr) + l4len + inner_len;
	struct ethhdr inner_eth;
	struct ethhdr *eth;
	struct iphdr *ip;
	void *data, *data_end;
	__be16 proto = skb->protocol;

	data = nl_skb_data(skb);
	data_end = nl_skb_data_end(skb);
	eth = data;
	if (!nl_fits(eth, data_end))
		return -1;
	__builtin_memcpy(&inner_eth, eth, sizeof(inner_eth));
	if (proto == bpf_htons(ETH_P_IP) || proto == bpf_htons(ETH_P_IPV6)) {
		__u64 flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | NL_ADJ_ROOM_ENCAP_L2(ETH_HLEN) |
			      BPF_F_ADJ_ROOM_ENCAP_L2_ETH;

		if (udp)
			flags |= BPF_F_ADJ_ROOM_ENCAP_L4_UDP;
		if (bpf_skb_adjust_room(skb, sizeof(struct iphdr) + l4len + ETH_HLEN,
					BPF_ADJ_ROOM_MAC, flags))
			return -1;
	} else {
		if (bpf_skb_change_head(skb, ETH_HLEN + sizeof(struct iphdr) + l4len, 0))
			return -1;
	}

	/* Tests ask for garbage in the new headroom to prove we write it all */
	if (unlikely(cfg->flags & NL_CFG_F_TEST_POISON))
		bpf_skb_store_bytes(skb, 0, nl_poison,
				    ETH_HLEN + sizeof(struct iphdr) + l4len + ETH_HLEN, 0);

	data = nl_skb_data(skb);
	data_end = nl_skb_data_end(skb);
	eth = data;
	ip = (void *)(eth + 1);
	if (udp) {
		struct udphdr *uh = (void *)(ip + 1);
		struct ethhdr *in = (void *)(uh + 1);

		if (!nl_fits(in, data_end))
			return -1;
		uh->source = bpf_htons(NL_UDP_SPORT_MIN | (path->hash & 0x3fff));
		uh->dest = bpf_htons(NL_UDP_PORT);
		uh->len = bpf_htons(sizeof(*uh) + inner_len);
		uh->check = 0; /* allowed for IPv4; inner checksums cover the payload */
		__builtin_memcpy(in, &inner_eth, sizeof(*in));
		nl_fill_outer_ip(ip, cfg, path, l3len, IPPROTO_UDP);
	} else {
		struct ethhdr *in = (void *)(ip + 1);

		if (!nl_fits(in, data_end))
			return -1;
		__builtin_memcpy(in, &inner_eth, sizeof(*in));
		nl_fill_outer_ip(ip, cfg, path, l3len, NL_IPPROTO_ETHERNET);
	}
	nl_mac_copy(eth->h_dest, path->dst_mac);
	nl_mac_copy(eth->h_source, path->src_mac);
	eth->h_proto = bpf_htons(ETH_P_IP);

	if (path->vlan && bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), path->vlan))
		return -1;
	return 0;
}

#endif /* NL_BPF_ENCAP_H */

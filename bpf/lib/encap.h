/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Encapsulation (patent Fig. 8, [0046]-[0047]): outer Ethernet + IPv4
 * (+ UDP, or + GRE with the tenant as key) in front of the tenant's
 * Ethernet frame.  Layout in
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

/* GRE header with the key field (RFC 2890): 8 bytes */
struct nl_grehdr {
	__be16 flags;
	__be16 proto;
	__be32 key;
};

/* bytes between the outer IPv4 header and the inner frame, per mode */
static __always_inline __u32 nl_encap_l4len(__u8 mode)
{
	return mode == NL_ENCAP_IP ? 0 : 8;
}

/* bytes the encapsulation adds to the VM's IP packet (what the L3 MTU must hold) */
static __always_inline __u32 nl_encap_overhead(__u8 mode)
{
	return sizeof(struct iphdr) + nl_encap_l4len(mode) + ETH_HLEN;
}

_Static_assert(NL_ENCAP_OVERHEAD_IP == 20 + 14 && NL_ENCAP_OVERHEAD_UDP == 20 + 8 + 14,
	       "nl_encap_overhead()");
_Static_assert(sizeof(struct nl_grehdr) == 8 && sizeof(struct udphdr) == 8,
	       "nl_encap_l4len(): udp and gre add 8 bytes");
_Static_assert(NL_ENCAP_OVERHEAD_GRE == 20 + sizeof(struct nl_grehdr) + 14,
	       "NL_ENCAP_OVERHEAD_GRE");

/* adjust_room flags: the kernel records the encapsulation so GSO still works */
static __always_inline __u64 nl_encap_flags(__u8 mode)
{
	/*
	 * FIXED_GSO: a TSO packet keeps its MSS (the VIF MTU already leaves
	 * room for the outer headers) and the kernel accepts UDP-GSO
	 * packets, whose gso_size is the guest's datagram size
	 */
	__u64 flags = BPF_F_ADJ_ROOM_FIXED_GSO | BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
		      NL_ADJ_ROOM_ENCAP_L2(ETH_HLEN) | BPF_F_ADJ_ROOM_ENCAP_L2_ETH;

	if (mode == NL_ENCAP_UDP)
		flags |= BPF_F_ADJ_ROOM_ENCAP_L4_UDP;
	else if (mode == NL_ENCAP_GRE)
		flags |= BPF_F_ADJ_ROOM_ENCAP_L4_GRE;
	return flags;
}

/* The 8 bytes after the outer IPv4 header (udp, gre); returns the IP protocol. */
static __always_inline __u8 nl_fill_l4(void *l4, __u8 mode, const struct nl_path *path,
				       __u32 inner_len)
{
	if (mode == NL_ENCAP_UDP) {
		struct udphdr *uh = l4;

		uh->source = bpf_htons(NL_UDP_SPORT_MIN | (path->hash & 0x3fff));
		uh->dest = bpf_htons(NL_UDP_PORT);
		uh->len = bpf_htons(sizeof(*uh) + inner_len);
		uh->check = 0; /* allowed for IPv4; inner checksums cover the payload */
		return IPPROTO_UDP;
	}
	if (mode == NL_ENCAP_GRE) {
		struct nl_grehdr *gh = l4;

		gh->flags = bpf_htons(NL_GRE_FLAGS_KEY);
		gh->proto = bpf_htons(NL_GRE_PROTO_TEB);
		gh->key = bpf_htonl(path->tenant);
		return NL_IPPROTO_GRE;
	}
	return NL_IPPROTO_ETHERNET;
}

/*
 * Grow the packet and write the outer headers; the caller redirects.
 * IPv4/IPv6 frames grow with bpf_skb_adjust_room so the kernel records the
 * encapsulation and can still segment GSO packets (udp and gre modes);
 * other ethertypes, which adjust_room refuses, grow at the head.
 */
static __always_inline int nl_encapsulate(struct __sk_buff *skb, const struct nl_config *cfg,
					  const struct nl_path *path)
{
	__u8 mode = cfg->encap_mode;
	__u32 l4len = nl_encap_l4len(mode);
	__u32 inner_len = skb->len;
	__u32 l3len = sizeof(struct iphdr) + l4len + inner_len;
	struct ethhdr inner_eth;
	struct ethhdr *eth, *in;
	struct iphdr *ip;
	void *data, *data_end;
	__be16 proto = skb->protocol;
	__u8 ipproto;

	data = nl_skb_data(skb);
	data_end = nl_skb_data_end(skb);
	eth = data;
	if (!nl_fits(eth, data_end))
		return -1;
	__builtin_memcpy(&inner_eth, eth, sizeof(inner_eth));
	if (proto == bpf_htons(ETH_P_IP) || proto == bpf_htons(ETH_P_IPV6)) {
		if (bpf_skb_adjust_room(skb, sizeof(struct iphdr) + l4len + ETH_HLEN,
					BPF_ADJ_ROOM_MAC, nl_encap_flags(mode)))
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
	/* the inner Ethernet header ends l4len (0 or 8) bytes further */
	in = (void *)(ip + 1) + (l4len & 8);
	if (!nl_fits(in, data_end))
		return -1;
	ipproto = nl_fill_l4(ip + 1, mode, path, inner_len);
	__builtin_memcpy(in, &inner_eth, sizeof(*in));
	nl_fill_outer_ip(ip, cfg, path, l3len, ipproto);
	nl_mac_copy(eth->h_dest, path->dst_mac);
	nl_mac_copy(eth->h_source, path->src_mac);
	eth->h_proto = bpf_htons(ETH_P_IP);

	if (path->vlan && bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), path->vlan))
		return -1;
	return 0;
}

#endif /* NL_BPF_ENCAP_H */

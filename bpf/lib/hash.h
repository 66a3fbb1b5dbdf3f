/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Inner flow hash: picks the path VLAN and the UDP source port.  Computed
 * here from the headers the program has already parsed, because the
 * kernel's flow dissector (bpf_get_hash_recalc) costs more than the whole
 * rest of the encapsulation on packets that arrive without a hash.
 * Murmur3-style mixing; only 16-bit loads, since IP headers sit at offset 14.
 * Patent [0045] (a VLAN of the pair's set per flow), [0055] (UDP header).
 */
#ifndef NL_BPF_HASH_H
#define NL_BPF_HASH_H

#include "common.h"

#define NL_HASH_SEED 0x4e4c4f52 /* "NLOR" */

static __always_inline __u32 nl_hash_mix(__u32 h, __u32 v)
{
	v *= 0xcc9e2d51;
	v = (v << 15) | (v >> 17);
	v *= 0x1b873593;
	h ^= v;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64;
}

static __always_inline __u32 nl_hash_final(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static __always_inline __u32 nl_load32(const void *p)
{
	const __u16 *w = p;

	return (__u32)w[0] << 16 | w[1];
}

/* Source and destination port of TCP/UDP at @l4, if present */
static __always_inline __u32 nl_hash_ports(__u32 h, __u8 proto, const void *l4, void *data_end)
{
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && l4 + 4 <= data_end)
		h = nl_hash_mix(h, nl_load32(l4));
	return h;
}

/*
 * IPv4: one multiply-xor step per word (addresses, protocol + ports) and one
 * final avalanche, about half the work of a Murmur3 round per word; the
 * final mix spreads every input bit over the bits the VLAN index (hash %
 * count) and the UDP source port (low 14 bits) use.  IPv6 and other
 * frames are rare enough to keep the full mixing.
 */
static __always_inline __u32 nl_hash_step(__u32 h, __u32 v)
{
	return (h ^ v) * 0x9e3779b1; /* 2^32 / golden ratio */
}

static __always_inline __u32 nl_flow_hash(const struct ethhdr *eth, void *data_end)
{
	__u32 h = NL_HASH_SEED;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		const struct iphdr *ip = (const void *)(eth + 1);
		const void *l4;
		__u32 ports = 0;

		if (!nl_fits(ip, data_end))
			return nl_hash_final(h);
		l4 = (const void *)ip + (ip->ihl & 0xf) * 4;
		/* fragments after the first have no ports: hash them all alike */
		if ((ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) &&
		    !(ip->frag_off & bpf_htons(IP_MF | IP_OFFSET)) && l4 + 4 <= data_end)
			ports = nl_load32(l4);
		h = nl_hash_step(h, nl_load32(&ip->saddr));
		h = nl_hash_step(h, nl_load32(&ip->daddr));
		h = nl_hash_step(h, ports ^ ((__u32)ip->protocol << 8));
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = (const void *)(eth + 1);
		const __u8 *a;

		if (!nl_fits(ip6, data_end))
			return nl_hash_final(h);
		a = (const __u8 *)&ip6->saddr;
		/* a loop, not unrolled: 8 words live at once spilled the VIF program's stack */
#pragma clang loop unroll(disable)
		for (int i = 0; i < 32; i += 4)
			h = nl_hash_mix(h, nl_load32(a + i));
		h = nl_hash_mix(h, ip6->nexthdr);
		h = nl_hash_ports(h, ip6->nexthdr, ip6 + 1, data_end);
	} else {
		const __u8 *m = eth->h_dest;

		h = nl_hash_mix(h, nl_load32(m));
		h = nl_hash_mix(h, nl_load32(m + 4));
		h = nl_hash_mix(h, nl_load32(m + 8));
		h = nl_hash_mix(h, eth->h_proto);
	}
	return nl_hash_final(h);
}

#endif /* NL_BPF_HASH_H */

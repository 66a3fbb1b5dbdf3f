/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tenant's virtual router (patent Fig. 7 steps 705-715, [0044]; issue
 * 16: routes): a frame sent to the router MAC goes to another subnet of
 * the same tenant, or to the next hop of one of the tenant's static routes
 * (an appliance VM, or for the public tenant a gateway, [0053]).  The
 * longest-prefix match over the tenant's subnets and routes (map
 * "subnets") says which: a connected destination is resolved through
 * NART-1, a route's next hop too, picked by flow hash among those NART-1
 * knows.  The frame is then rewritten as a router would.
 */
#ifndef NL_BPF_ROUTE_H
#define NL_BPF_ROUTE_H

#include "csum.h"
#include "drop.h"
#include "eth.h"
#include "events.h"
#include "hash.h"
#include "icmp.h"
#include "nart.h"

/*
 * A source address that is not the VIF's own is still the VIF's to use
 * when the tenant routes it through this VIF: the longest prefix holding it
 * is a route with the VIF's address among its next hops (an appliance's or
 * a gateway's forwarded traffic, [0053]).  Only looked up for sources that
 * are not the VIF's address.
 */
static __always_inline bool nl_routed_source(const struct nl_vif *vif, __be32 saddr)
{
	struct nl_subnet_key sk = {.prefixlen = 64, .tenant = vif->tenant, .ip = saddr};
	struct nl_subnet_val *r = bpf_map_lookup_elem(&nl_subnets, &sk);

	if (!r || r->kind != NL_SUBNET_ROUTE)
		return false;
#pragma unroll
	for (int i = 0; i < NL_ROUTE_MAX_NH; i++)
		if (i < r->n_nh && r->nh[i] == vif->ip)
			return true;
	return false;
}

/*
 * The flow hash of a routed IPv4 packet (addresses, protocol, TCP/UDP
 * ports): nl_flow_hash() without its IPv6 branch, which would not fit the
 * small stack of the subprogram below.  Mixed differently from the VLAN
 * choice's hash so the two picks are independent.
 */
static __always_inline __u32 nl_route_hash(const struct ethhdr *eth, void *data_end)
{
	const struct iphdr *ip = (const void *)(eth + 1);
	const void *l4;
	__u32 h = NL_HASH_SEED ^ 0x5254, ports = 0;

	if (!nl_fits(ip, data_end))
		return 0;
	l4 = (const void *)ip + (ip->ihl & 0xf) * 4;
	if ((ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) &&
	    !(ip->frag_off & bpf_htons(IP_MF | IP_OFFSET)) && l4 + 4 <= data_end)
		ports = nl_load32(l4);
	h = nl_hash_step(h, nl_load32(&ip->saddr));
	h = nl_hash_step(h, nl_load32(&ip->daddr));
	h = nl_hash_step(h, ports ^ ((__u32)ip->protocol << 8));
	return nl_hash_final(h);
}

/*
 * The next hop of route @r for the flow of @skb: the first next hop, from
 * index (flow hash) % n on, that NART-1 knows (a next hop whose VIF was
 * withdrawn is skipped, so its flows move at once).  0 with @out filled,
 * or -1 with out->ip = the next hop to ask a WHERE for.  Inline, in a
 * bounded loop (one copy of the NART-1 lookup): a subprogram's frame would
 * not fit next to the VIF program's.
 */
static __always_inline int nl_route_next_hop(struct __sk_buff *skb, const struct nl_config *cfg,
					     const struct nl_subnet_val *r, __u32 tenant,
					     struct nart1_slot *out)
{
	void *data_end = nl_skb_data_end(skb);
	struct ethhdr *eth = nl_skb_data(skb);
	struct nl_nart1_key k = {.tenant = tenant};
	__u32 n = r->n_nh, start;

	if (n == 0 || n > NL_ROUTE_MAX_NH || !nl_fits(eth, data_end)) {
		out->ip = 0;
		return -1;
	}
	start = nl_route_hash(eth, data_end) % n;
	for (__u32 i = 0; i < NL_ROUTE_MAX_NH; i++) {
		__u32 j = start + i;

		if (i >= n)
			break;
		if (j >= n)
			j -= n;
		k.ip = r->nh[j & (NL_ROUTE_MAX_NH - 1)];
		if (nl_nart1_find(&cfg->nart1, &k, out) == NART_FOUND)
			return 0;
	}
	out->ip = r->nh[start & (NL_ROUTE_MAX_NH - 1)];
	return -1;
}

/*
 * Routed packet (destination MAC = virtual router): find the destination
 * subnet and VIF, then do what a router does to the frame.  Fills @dst.
 * Returns NL_CONTINUE to go on forwarding, otherwise the final tc verdict.
 */
static __always_inline int nl_route(struct __sk_buff *skb, const struct nl_config *cfg,
				    const struct nl_vif *vif, struct nl_vif_key *dst)
{
	void *data_end = nl_skb_data_end(skb);
	struct ethhdr *eth = nl_skb_data(skb);
	struct iphdr *ip = (void *)(eth + 1);
	struct nl_subnet_key sk = {.prefixlen = 64, .tenant = vif->tenant};
	struct nl_nart1_key nk = {.tenant = vif->tenant};
	struct nl_subnet_val *subnet;
	struct nart1_slot n1;
	__u16 old, new;
	int found;

	if (!nl_fits(ip, data_end) || eth->h_proto != bpf_htons(ETH_P_IP))
		return nl_drop(skb, NL_C_TX_TO_ROUTER);
	sk.ip = ip->daddr;
	nk.ip = ip->daddr;
	/*
	 * Fig. 7 step 715: the longest prefix holding the destination among
	 * the tenant's subnets and routes.  A subnet gives its MAC_AS_ID; a
	 * subnet the table does not hold (no VIF of it here, no tenants file)
	 * is known through NART-1, whose entries carry the MAC_AS_ID of every
	 * address a HERE announced ([0044]: "or a lookup table").
	 */
	subnet = bpf_map_lookup_elem(&nl_subnets, &sk);
	if (ip->daddr == vif->router_ip ||
	    (subnet && subnet->kind == NL_SUBNET_CONNECTED && ip->daddr == subnet->router_ip))
		return nl_drop(skb, NL_C_TX_TO_ROUTER);
	if (ip->ttl <= 1)
		return nl_icmp_error(skb, vif, NL_C_TX_TTL_EXCEEDED, ICMP_TIME_EXCEEDED,
				     ICMP_EXC_TTL, 0);
	if (subnet && subnet->kind == NL_SUBNET_ROUTE) {
		found = nl_route_next_hop(skb, cfg, subnet, vif->tenant, &n1) == 0;
		/* the packet pointers do not survive the call: reload them */
		data_end = nl_skb_data_end(skb);
		eth = nl_skb_data(skb);
		ip = (void *)(eth + 1);
		if (!nl_fits(ip, data_end))
			return nl_drop(skb, NL_C_TX_MALFORMED);
		if (!found)
			nk.ip = n1.ip;
	} else {
		/* NART_UNSTABLE (writer busy on every try) is a miss: WHERE confirms */
		found = nl_nart1_find(&cfg->nart1, &nk, &n1) == NART_FOUND;
	}
	if (!found) {
		bool route = subnet && subnet->kind == NL_SUBNET_ROUTE;
		struct nl_event ev = {
			.type = NL_EV_NART1_MISS,
			.ip = nk.ip,
			.ifindex = vif->ifindex,
		};

		dst->tenant = vif->tenant;
		dst->mac_as = subnet && !route ? subnet->mac_as : 0;
		__builtin_memset(dst->mac, 0, ETH_ALEN);
		if (nk.ip)
			nl_miss_event(cfg, &ev, dst);
		return nl_drop(skb, route ? NL_C_TX_NO_NEXT_HOP : NL_C_TX_NART1_MISS);
	}
	/* NART-1 and a known subnet must agree on the destination MAC space */
	if (subnet && subnet->kind == NL_SUBNET_CONNECTED && n1.mac_as != subnet->mac_as)
		return nl_drop(skb, NL_C_TX_NO_ROUTE);

	dst->tenant = vif->tenant;
	dst->mac_as = n1.mac_as;
	nl_mac_copy(dst->mac, n1.mac);

	/* What a router does: new MACs, TTL - 1 with the checksum following */
	nl_mac_copy(eth->h_dest, n1.mac);
	nl_mac_copy(eth->h_source, vif->router_mac);
	old = *(__u16 *)&ip->ttl;
	ip->ttl--;
	new = *(__u16 *)&ip->ttl;
	ip->check = nl_csum_replace16(ip->check, old, new);
	return NL_CONTINUE;
}

#endif /* NL_BPF_ROUTE_H */

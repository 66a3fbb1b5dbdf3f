/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tenant's virtual router (patent Fig. 7 steps 705-715, [0044]): a
 * frame sent to the router MAC goes to another subnet of the same tenant.
 * The destination IP gives the subnet and its MAC_AS_ID, NART-1 the
 * destination MAC; the frame is then rewritten as a router would.
 */
#ifndef NL_BPF_ROUTE_H
#define NL_BPF_ROUTE_H

#include "csum.h"
#include "drop.h"
#include "eth.h"
#include "events.h"
#include "icmp.h"
#include "nart.h"

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

	if (!nl_fits(ip, data_end) || eth->h_proto != bpf_htons(ETH_P_IP))
		return nl_drop(skb, NL_C_TX_TO_ROUTER);
	sk.ip = ip->daddr;
	nk.ip = ip->daddr;
	/*
	 * Fig. 7 step 715: the destination subnet gives its MAC_AS_ID.  The
	 * subnet table holds the subnets of this server's VIFs; a subnet with
	 * no VIF here is known through NART-1, whose entries carry the MAC_AS_ID
	 * of every address a HERE announced ([0044]: "or a lookup table").
	 */
	subnet = bpf_map_lookup_elem(&nl_subnets, &sk);
	if (ip->daddr == vif->router_ip || (subnet && ip->daddr == subnet->router_ip))
		return nl_drop(skb, NL_C_TX_TO_ROUTER);
	if (ip->ttl <= 1)
		return nl_icmp_error(skb, vif, NL_C_TX_TTL_EXCEEDED, ICMP_TIME_EXCEEDED,
				     ICMP_EXC_TTL, 0);
	/* NART_UNSTABLE (writer busy on every try) is a miss: WHERE confirms */
	if (nl_nart1_find(&cfg->nart1, &nk, &n1) != NART_FOUND) {
		struct nl_event ev = {
			.type = NL_EV_NART1_MISS,
			.ip = ip->daddr,
			.ifindex = vif->ifindex,
		};

		dst->tenant = vif->tenant;
		dst->mac_as = subnet ? subnet->mac_as : 0;
		__builtin_memset(dst->mac, 0, ETH_ALEN);
		nl_miss_event(cfg, &ev, dst);
		return nl_drop(skb, NL_C_TX_NART1_MISS);
	}
	/* NART-1 and a known subnet must agree on the destination MAC space */
	if (subnet && n1.mac_as != subnet->mac_as)
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

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Proxy ARP (patent [0035]): the NA answers its VMs' ARP requests itself,
 * from NART-1 or with the subnet's virtual router MAC, so a VM's ARP never
 * reaches the fabric.
 */
#ifndef NL_BPF_ARP_H
#define NL_BPF_ARP_H

#include "drop.h"
#include "eth.h"
#include "events.h"

#define ARPHRD_ETHER  1
#define ARPOP_REQUEST 1
#define ARPOP_REPLY   2

/* Ethernet/IPv4 ARP body; addresses as bytes, they are not aligned */
struct nl_arp {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__u8 spa[4];
	__u8 tha[ETH_ALEN];
	__u8 tpa[4];
};

static __always_inline __be32 nl_load_be32(const __u8 *p)
{
	__be32 v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

/*
 * Returns the tc verdict.  The reply is built in place and sent back out
 * of the VIF, i.e. to the VM that asked.
 */
static __always_inline int nl_proxy_arp(struct __sk_buff *skb, const struct nl_config *cfg,
					const struct nl_vif *vif)
{
	void *data_end = nl_skb_data_end(skb);
	struct ethhdr *eth = nl_skb_data(skb);
	struct nl_arp *arp = (void *)(eth + 1);
	struct nart1_slot n1;
	__u8 answer[ETH_ALEN];
	__be32 spa, tpa;

	if (!nl_fits(arp, data_end) || arp->htype != bpf_htons(ARPHRD_ETHER) ||
	    arp->ptype != bpf_htons(ETH_P_IP) || arp->hlen != ETH_ALEN || arp->plen != 4)
		return nl_drop(skb, NL_C_TX_MALFORMED);
	if (!nl_mac_eq(arp->sha, vif->mac))
		return nl_drop(skb, NL_C_TX_SPOOF_MAC);
	spa = nl_load_be32(arp->spa);
	tpa = nl_load_be32(arp->tpa);
	/* spa 0 is an RFC 5227 probe; an L2-only VIF owns no IPv4 address */
	if (!vif->ip || (spa && spa != vif->ip))
		return nl_drop(skb, NL_C_TX_SPOOF_IP);
	if (arp->op != bpf_htons(ARPOP_REQUEST) || tpa == spa || tpa == vif->ip)
		return nl_drop(skb, NL_C_TX_ARP_IGNORED);

	if (vif->router_ip && tpa == vif->router_ip) {
		nl_mac_copy(answer, vif->router_mac);
	} else {
		struct nl_nart1_key k = {.tenant = vif->tenant, .ip = tpa};

		/* an unstable read counts as a miss: the WHERE re-confirms */
		if (nl_nart1_find(&cfg->nart1, &k, &n1) != NART_FOUND) {
			struct nl_vif_key who = {.tenant = vif->tenant, .mac_as = vif->mac_as};
			struct nl_event ev = {
				.type = NL_EV_NART1_MISS,
				.ip = tpa,
				.ifindex = vif->ifindex,
			};

			nl_miss_event(cfg, &ev, &who);
			return nl_drop(skb, NL_C_TX_ARP_MISS);
		}
		/* Another subnet's VIF is reached through the router, not by ARP */
		if (n1.mac_as != vif->mac_as)
			return nl_drop(skb, NL_C_TX_ARP_MISS);
		nl_mac_copy(answer, n1.mac);
	}

	nl_mac_copy(eth->h_dest, vif->mac);
	nl_mac_copy(eth->h_source, answer);
	arp->op = bpf_htons(ARPOP_REPLY);
	nl_mac_copy(arp->tha, vif->mac);
	__builtin_memcpy(arp->tpa, &spa, 4);
	nl_mac_copy(arp->sha, answer);
	__builtin_memcpy(arp->spa, &tpa, 4);
	nl_count(NL_C_TX_ARP_REPLIED);
	return bpf_redirect(skb->ifindex, 0);
}

#endif /* NL_BPF_ARP_H */

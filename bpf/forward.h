/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * VM -> network: tc ingress on the hypervisor side of every VIF.
 *
 * Proxy ARP, anti-spoofing, then forwarding exactly as patent Fig. 7:
 * identify the destination VIF <tenant, MAC_AS, MAC> (L2: by destination
 * MAC in the sender's MAC space; L3: through the virtual router), find its
 * location in NART-2, deliver locally or pick a path VLAN and encapsulate.
 */
#ifndef NL_BPF_FORWARD_H
#define NL_BPF_FORWARD_H

#include "lib/arp.h"
#include "lib/drop.h"
#include "lib/encap.h"
#include "lib/hash.h"
#include "lib/icmp.h"

/* The VM's frame headers we look at must be in the linear area. */
#define NL_TX_PULL_LEN (ETH_HLEN + 60 + 8)

static __always_inline void nl_tx_miss_event(const struct nl_config *cfg, const struct nl_vif *vif,
					     __u32 type, const struct nl_vif_key *key, __be32 ip,
					     const __u8 *switch_mac)
{
	struct nl_event ev = {
		.type = type,
		.ip = ip,
		.ifindex = vif->ifindex,
	};

	if (switch_mac)
		nl_mac_copy(ev.switch_mac, switch_mac);
	nl_miss_event(cfg, &ev, key);
}

/*
 * Routed packet (destination MAC = virtual router): find the destination
 * subnet and VIF, then do what a router does to the frame.  Fills @dst.
 * Returns -1 to continue forwarding, otherwise a final tc verdict.
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
		dst->tenant = vif->tenant;
		dst->mac_as = subnet ? subnet->mac_as : 0;
		__builtin_memset(dst->mac, 0, ETH_ALEN);
		nl_tx_miss_event(cfg, vif, NL_EV_NART1_MISS, dst, ip->daddr, NULL);
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
	return -1;
}

static __always_inline int nl_deliver_local(struct __sk_buff *skb, const struct nl_vif *src,
					    const struct nl_local_vif *dst)
{
	nl_vif_count_tx(src->slot, skb->len);
	nl_vif_count_rx(dst->slot, skb->len);
	nl_count(NL_C_TX_LOCAL_DELIVERED);
	return bpf_redirect(dst->ifindex, 0);
}

static __always_inline int nl_vif_tx(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ifindex;
	struct nl_config *cfg = nl_config_get();
	struct nl_vif *vif = bpf_map_lookup_elem(&nl_vifs, &ifindex);
	void *data, *data_end;
	struct ethhdr *eth;
	struct nl_vif_key dst;
	struct nl_local_vif *local;
	struct nart2_slot loc;
	struct nart_switch sw;
	struct nl_path path = {};
	__u32 pull, len, hash, vidx;
	bool is_ipv4 = false, found, sw_ok;
	int verdict;

	if (!cfg)
		return TC_ACT_SHOT;
	if (!vif)
		return nl_drop(skb, NL_C_TX_UNKNOWN_VIF);
	if (!(cfg->flags & NL_CFG_F_READY))
		return nl_drop(skb, NL_C_TX_NOT_READY);
	/* VMs send untagged frames; a tag would escape the tenant's L2 */
	if (skb->vlan_present)
		return nl_drop(skb, NL_C_TX_MALFORMED);

	pull = skb->len < NL_TX_PULL_LEN ? skb->len : NL_TX_PULL_LEN;
	if ((long)nl_skb_data_end(skb) - (long)nl_skb_data(skb) < (long)pull)
		bpf_skb_pull_data(skb, pull);
	data = nl_skb_data(skb);
	data_end = nl_skb_data_end(skb);
	eth = data;
	if (!nl_fits(eth, data_end))
		return nl_drop(skb, NL_C_TX_MALFORMED);
	if (!nl_mac_eq(eth->h_source, vif->mac))
		return nl_drop(skb, NL_C_TX_SPOOF_MAC);
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return nl_proxy_arp(skb, cfg, vif);
	if (nl_eth_is_vlan(eth->h_proto))
		return nl_drop(skb, NL_C_TX_MALFORMED);
	if (nl_mac_is_multicast(eth->h_dest))
		return nl_drop(skb, NL_C_TX_BCAST);

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if (!nl_fits(ip, data_end) || ip->version != 4 || ip->ihl < 5 ||
		    bpf_ntohs(ip->tot_len) < ip->ihl * 4 ||
		    bpf_ntohs(ip->tot_len) > skb->len - ETH_HLEN)
			return nl_drop(skb, NL_C_TX_MALFORMED);
		if (!vif->ip || ip->saddr != vif->ip)
			return nl_drop(skb, NL_C_TX_SPOOF_IP);
		path.tos = ip->tos & 0xfc; /* DSCP travels outside, ECN does not */
		is_ipv4 = true;
	}

	if (vif->router_ip && nl_mac_eq(eth->h_dest, vif->router_mac)) {
		verdict = nl_route(skb, cfg, vif, &dst);
		if (verdict >= 0)
			return verdict;
	} else {
		dst.tenant = vif->tenant;
		dst.mac_as = vif->mac_as;
		nl_mac_copy(dst.mac, eth->h_dest);
	}

	/*
	 * NART-2 first: most traffic leaves the server.  The agent enters its
	 * own VIFs in NART-2 with this server's location; those, and any VIF
	 * NART-2 does not know, are looked for among the local VIFs.  The
	 * location is (switch index, port); the switch array gives the switch
	 * MAC and the VLAN table row towards it in one lookup.  An unstable
	 * read (the writer busy on every try) counts as a miss.
	 */
	found = nl_nart2_find(&cfg->nart2, &dst, &loc) == NART_FOUND;
	sw_ok = found && nl_switch_get(loc.switch_idx, &sw) == NART_FOUND;
	if (!found || (sw_ok && loc.port == cfg->port && nl_mac_eq(sw.mac, cfg->switch_mac))) {
		local = bpf_map_lookup_elem(&nl_local_vifs, &dst);
		if (local)
			return nl_deliver_local(skb, vif, local);
		nl_tx_miss_event(cfg, vif, NL_EV_NART2_MISS, &dst, 0, NULL);
		return nl_drop(skb, NL_C_TX_NART2_MISS);
	}
	/* an unreadable switch entry (never assigned, or unstable) is a VLAN miss too */
	if (!sw_ok || sw.count == 0 || sw.count > NL_MAX_VLANS_PER_PAIR) {
		nl_tx_miss_event(cfg, vif, NL_EV_VLAN_MISS, &dst, 0, sw_ok ? sw.mac : NULL);
		return nl_drop(skb, NL_C_TX_VLAN_MISS);
	}

	len = skb->len;
	if (!skb->gso_size) {
		__u32 overhead = cfg->encap_mode == NL_ENCAP_UDP ? NL_ENCAP_OVERHEAD_UDP
								 : NL_ENCAP_OVERHEAD_IP;

		if (len - ETH_HLEN + overhead > cfg->fabric_mtu) {
			if (!is_ipv4)
				return nl_drop(skb, NL_C_TX_MTU);
			return nl_icmp_error(skb, vif, NL_C_TX_MTU, ICMP_DEST_UNREACH,
					     ICMP_FRAG_NEEDED, cfg->fabric_mtu - overhead);
		}
	} else if (cfg->encap_mode != NL_ENCAP_UDP) {
		/* No GSO handler exists for IP protocol 143: the VIF must not offload */
		return nl_drop(skb, NL_C_TX_GSO_IP_MODE);
	}

	/* One flow, one VLAN: no reordering across paths */
	data = nl_skb_data(skb);
	data_end = nl_skb_data_end(skb);
	eth = data;
	if (!nl_fits(eth, data_end))
		return nl_drop(skb, NL_C_TX_MALFORMED);
	hash = nl_flow_hash(eth, data_end);
	vidx = hash % sw.count;
	/* vidx < count <= 8 already; say so in a way the verifier can see */
	asm volatile("%0 &= 7" : "+r"(vidx));
	path.vlan = sw.vlans[vidx];
	path.hash = hash;
	path.tenant = dst.tenant;
	path.mac_as = dst.mac_as;
	path.port = loc.port;
	nl_mac_copy(path.dst_mac, sw.mac);
	/* Switches drop frames whose source and destination MAC are equal [0047] */
	if (nl_mac_eq(sw.mac, cfg->switch_mac))
		nl_mac_copy(path.src_mac, cfg->server_mac);
	else
		nl_mac_copy(path.src_mac, cfg->switch_mac);

	if (nl_encapsulate(skb, cfg, &path))
		return nl_drop(skb, NL_C_TX_ENCAP_FAILED);
	nl_vif_count_tx(vif->slot, len);
	nl_count(NL_C_TX_ENCAPSULATED);
	return bpf_redirect(cfg->uplink_ifindex, 0);
}

SEC("tc")
int nl_vif_ingress(struct __sk_buff *skb)
{
	return nl_vif_tx(skb);
}

#endif /* NL_BPF_FORWARD_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * VM -> network, the steps of patent Fig. 7 after the destination VIF
 * <tenant, MAC_AS, MAC> is known ([0042]-[0045]): check what the VM sent
 * (anti-spoofing), find the VIF's location in NART-2, deliver locally or
 * choose a path VLAN towards the egress edge switch and the outer
 * addresses ([0046]-[0047]).  The program nl_vif_ingress (netlord.bpf.c)
 * runs them in order; each returns NL_CONTINUE or the final tc verdict.
 */
#ifndef NL_BPF_FORWARD_H
#define NL_BPF_FORWARD_H

#include "addr.h"
#include "drop.h"
#include "encap.h"
#include "eth.h"
#include "events.h"
#include "hash.h"
#include "icmp.h"
#include "nart.h"
#include "route.h"

/* nl_tx_path() bounds the VLAN index for the verifier with "& 7" */
_Static_assert(NL_MAX_VLANS_PER_PAIR <= 8, "VLAN index mask in nl_tx_path()");

/* The VM's frame headers we look at must be in the linear area. */
#define NL_TX_PULL_LEN (ETH_HLEN + 60 + 8)

/* Pulls the headers into the linear area; NULL when not even Ethernet fits. */
static __always_inline struct ethhdr *nl_tx_pull(struct __sk_buff *skb)
{
	__u32 pull = skb->len < NL_TX_PULL_LEN ? skb->len : NL_TX_PULL_LEN;
	struct ethhdr *eth;

	if ((long)nl_skb_data_end(skb) - (long)nl_skb_data(skb) < (long)pull)
		bpf_skb_pull_data(skb, pull);
	eth = nl_skb_data(skb);
	if (!nl_fits(eth, nl_skb_data_end(skb)))
		return NULL;
	return eth;
}

/*
 * An IPv4 packet from the VM: well formed and sent from the VIF's own
 * address, or from one the tenant routes through this VIF (an appliance).  The DSCP travels in the
 * outer header (@path->tos), ECN does not.
 */
static __always_inline int nl_tx_check_ipv4(struct __sk_buff *skb, const struct nl_vif *vif,
					    const struct ethhdr *eth, struct nl_path *path)
{
	struct iphdr *ip = (void *)(eth + 1);

	if (!nl_fits(ip, nl_skb_data_end(skb)) || ip->version != 4 || ip->ihl < 5 ||
	    bpf_ntohs(ip->tot_len) < ip->ihl * 4 || bpf_ntohs(ip->tot_len) > skb->len - ETH_HLEN)
		return nl_drop(skb, NL_C_TX_MALFORMED);
	/* another source only if the tenant routes it through this VIF (route.h) */
	if (!vif->ip || (ip->saddr != vif->ip && !nl_routed_source(vif, ip->saddr)))
		return nl_drop(skb, NL_C_TX_SPOOF_IP);
	path->tos = ip->tos & 0xfc;
	return NL_CONTINUE;
}

/* Destination on this server: straight to its VIF, counted on both. */
static __always_inline int nl_deliver_local(struct __sk_buff *skb, const struct nl_vif *src,
					    const struct nl_local_vif *dst)
{
	nl_vif_count_tx(src->slot, skb->len);
	nl_vif_count_rx(dst->slot, skb->len);
	nl_count(NL_C_TX_LOCAL_DELIVERED);
	return bpf_redirect(dst->ifindex, 0);
}

/*
 * Where @dst is ([0045]).  NART-2 first: most traffic leaves the server.
 * The agent enters its own VIFs in NART-2 with this server's location;
 * those, and any VIF NART-2 does not know, are looked for among the local
 * VIFs.  The location is (switch index, port); the switch array gives the
 * switch MAC and the VLAN table row towards it in one lookup.  An unstable
 * read (the writer busy on every try) counts as a miss.  Fills @loc and
 * @sw for a remote VIF reachable over at least one VLAN.
 */
static __always_inline int nl_tx_locate(struct __sk_buff *skb, const struct nl_config *cfg,
					const struct nl_vif *vif, const struct nl_vif_key *dst,
					struct nart2_slot *loc, struct nart_switch *sw)
{
	struct nl_event ev = {.ifindex = vif->ifindex};
	struct nl_local_vif *local;
	bool found, sw_ok;

	found = nl_nart2_find(&cfg->nart2, dst, loc) == NART_FOUND;
	sw_ok = found && nl_switch_get(loc->switch_idx, sw) == NART_FOUND;
	if (!found || (sw_ok && loc->port == cfg->port && nl_mac_eq(sw->mac, cfg->switch_mac))) {
		local = bpf_map_lookup_elem(&nl_local_vifs, dst);
		if (local)
			return nl_deliver_local(skb, vif, local);
		ev.type = NL_EV_NART2_MISS;
		nl_miss_event(cfg, &ev, dst);
		return nl_drop(skb, NL_C_TX_NART2_MISS);
	}
	/* an unreadable switch entry (never assigned, or unstable) is a VLAN miss too */
	if (!sw_ok || sw->count == 0 || sw->count > NL_MAX_VLANS_PER_PAIR) {
		ev.type = NL_EV_VLAN_MISS;
		if (sw_ok)
			nl_mac_copy(ev.switch_mac, sw->mac);
		nl_miss_event(cfg, &ev, dst);
		return nl_drop(skb, NL_C_TX_VLAN_MISS);
	}
	return NL_CONTINUE;
}

/*
 * Bytes of IP and transport header in front of each segment of a GSO
 * packet (the segments repeat them); 0 when they cannot be read.  IPv4
 * options count, TCP options count; an IPv6 next header other than TCP or
 * UDP (extension headers) is counted at its largest, 40 + 60, so the check
 * errs towards refusing.
 */
static __always_inline __u32 nl_tx_gso_hdrs(struct __sk_buff *skb, __be16 proto)
{
	__u32 l3, l4 = 8;
	__u8 b[2];

	if (proto == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN, b, 1))
			return 0;
		l3 = (b[0] & 0xf) * 4;
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 9, b + 1, 1))
			return 0;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		l3 = 40;
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 6, b + 1, 1))
			return 0;
		if (b[1] != IPPROTO_TCP && b[1] != IPPROTO_UDP)
			return 40 + 60;
	} else {
		return 0;
	}
	if (b[1] == IPPROTO_TCP) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN + l3 + 12, b, 1))
			return 0;
		l4 = (b[0] >> 4) * 4;
	}
	return l3 + l4;
}

/*
 * The packet must fit the fabric MTU once encapsulated; an IPv4 sender
 * learns the MTU from an ICMP "fragmentation needed".  A GSO packet is
 * segmented by the kernel after encapsulation (udp and gre modes): each
 * segment, its headers + gso_size bytes, must fit under the same rule, so
 * the VM sees one path MTU whether it offloads or not.  (The encapsulation
 * keeps gso_size, BPF_F_ADJ_ROOM_FIXED_GSO; a gso_size not above the
 * overhead is refused all the same.)
 */
static __always_inline int nl_tx_check_mtu(struct __sk_buff *skb, const struct nl_config *cfg,
					   const struct nl_vif *vif, bool is_ipv4)
{
	__u32 overhead, l3len = skb->len - ETH_HLEN;

	overhead = nl_encap_overhead(cfg->encap_mode);
	if (skb->gso_size) {
		__u32 hdrs;

		/* No GSO handler exists for IP protocol 143: the VIF must not offload */
		if (cfg->encap_mode == NL_ENCAP_IP)
			return nl_drop(skb, NL_C_TX_GSO_IP_MODE);
		hdrs = nl_tx_gso_hdrs(skb, skb->protocol);
		if (!hdrs || skb->gso_size <= overhead)
			return nl_drop(skb, NL_C_TX_MALFORMED);
		if (hdrs + skb->gso_size < l3len)
			l3len = hdrs + skb->gso_size;
	}
	if (l3len + overhead <= cfg->fabric_mtu)
		return NL_CONTINUE;
	if (!is_ipv4)
		return nl_drop(skb, NL_C_TX_MTU);
	return nl_icmp_error(skb, vif, NL_C_TX_MTU, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			     cfg->fabric_mtu - overhead);
}

/*
 * The path to @dst at @loc behind switch @sw: one VLAN of the pair's set
 * per flow (no reordering across paths), the egress switch as outer
 * destination and the ingress switch as outer source, except on the same
 * switch: switches drop frames whose source and destination MAC are
 * equal [0047], so then the source is this server.
 */
static __always_inline int nl_tx_path(struct __sk_buff *skb, const struct nl_config *cfg,
				      const struct nl_vif_key *dst, const struct nart2_slot *loc,
				      const struct nart_switch *sw, struct nl_path *path)
{
	void *data_end = nl_skb_data_end(skb);
	struct ethhdr *eth = nl_skb_data(skb);
	__u32 hash, vidx;

	if (!nl_fits(eth, data_end))
		return nl_drop(skb, NL_C_TX_MALFORMED);
	hash = nl_flow_hash(eth, data_end);
	vidx = hash % sw->count;
	/* vidx < count <= 8 already; say so in a way the verifier can see */
	asm volatile("%0 &= 7" : "+r"(vidx));
	path->vlan = sw->vlans[vidx];
	path->hash = hash;
	path->tenant = dst->tenant;
	path->mac_as = dst->mac_as;
	path->port = loc->port;
	nl_mac_copy(path->dst_mac, sw->mac);
	if (nl_mac_eq(sw->mac, cfg->switch_mac))
		nl_mac_copy(path->src_mac, cfg->server_mac);
	else
		nl_mac_copy(path->src_mac, cfg->switch_mac);
	return NL_CONTINUE;
}

/* Encapsulates along @path and sends to the uplink; @len: the VM's frame. */
static __always_inline int nl_tx_send(struct __sk_buff *skb, const struct nl_config *cfg,
				      const struct nl_vif *vif, const struct nl_path *path,
				      __u32 len)
{
	if (nl_encapsulate(skb, cfg, path))
		return nl_drop(skb, NL_C_TX_ENCAP_FAILED);
	nl_vif_count_tx(vif->slot, len);
	nl_count(NL_C_TX_ENCAPSULATED);
	return bpf_redirect(cfg->uplink_ifindex, 0);
}

#endif /* NL_BPF_FORWARD_H */

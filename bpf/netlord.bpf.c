// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The NetLord datapath, the network agent's packet path (patent Figs. 7, 8
 * and 10): one object, so every program shares one set of maps.
 *   nl_vif_ingress  tc ingress on each VIF       forwarding + encapsulation
 *   nl_uplink_xdp   XDP on the uplink            receive + decapsulation
 *   nl_uplink_tc    tc ingress on the uplink     delivery for non-XDP VIFs
 *   nl_uplink_rx_tc tc ingress on the uplink     receive after GRO (--rx tc)
 * The steps are helpers in lib/ (forward.h, route.h, arp.h, encap.h,
 * receive.h); every drop is counted by lib/drop.h, every miss reported by
 * lib/events.h.
 */
#include "lib/arp.h"
#include "lib/flood.h"
#include "lib/forward.h"
#include "lib/ndp.h"
#include "lib/punt.h"
#include "lib/receive.h"
#include "lib/route.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* a VM's broadcast/multicast frame continues in nl_vif_flood (lib/flood.h) */
SEC("tc") int nl_vif_flood(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} nl_flood_prog SEC(".maps") = {
	.values = {[0] = (void *)&nl_vif_flood},
};

/*
 * VM -> network (Fig. 7): proxy ARP, anti-spoofing, the destination VIF
 * <tenant, MAC_AS, MAC> (L2: the destination MAC in the sender's MAC space;
 * L3: through the virtual router), its location in NART-2, then local
 * delivery or a path VLAN and encapsulation (Fig. 8).
 */
SEC("tc")
int nl_vif_ingress(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ifindex;
	struct nl_config *cfg = nl_config_get();
	struct nl_vif *vif = nl_vif_get(ifindex);
	struct nl_path path = {};
	struct nl_vif_key dst = {}; /* tenant 0: not routed yet */
	struct nart2_slot loc;
	/*
	 * zeroed: read only once nl_tx_locate() filled it, but left undefined
	 * clang may reuse its stack bytes for other values on paths that never
	 * wrote it, and the verifier rejects those paths
	 */
	struct nart_switch sw = {};
	struct ethhdr *eth;
	bool is_ipv4 = false;
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

	eth = nl_tx_pull(skb);
	if (!eth)
		return nl_drop(skb, NL_C_TX_MALFORMED);
	if (!nl_mac_eq(eth->h_source, vif->mac))
		return nl_drop(skb, NL_C_TX_SPOOF_MAC);
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return nl_proxy_arp(skb, cfg, vif);
	/* DHCP and router solicitations: to the agent, never to the fabric */
	verdict = nl_punt_control(skb, eth->h_proto);
	if (verdict != NL_CONTINUE)
		return verdict;
	if (nl_eth_is_vlan(eth->h_proto))
		return nl_drop(skb, NL_C_TX_MALFORMED);
	/* IPv6: source check, proxy NDP, routing; unicast or multicast (lib/ndp.h) */
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		verdict = nl_tx_ipv6_verdict(skb, nl_tx_ipv6(skb, vif), vif, &dst);
		if (verdict != NL_CONTINUE)
			return verdict;
		eth = nl_tx_pull(skb);
		if (!eth)
			return nl_drop(skb, NL_C_TX_MALFORMED);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		verdict = nl_tx_check_ipv4(skb, vif, eth, &path);
		if (verdict != NL_CONTINUE)
			return verdict;
		is_ipv4 = true;
	}
	/* after the source checks: a flood is anti-spoofed too (lib/flood.h) */
	if (nl_mac_is_multicast(eth->h_dest)) {
		verdict = nl_tx_check_mtu(skb, cfg, vif, is_ipv4);
		if (verdict != NL_CONTINUE)
			return verdict;
		bpf_tail_call(skb, &nl_flood_prog, 0);
		return nl_drop(skb, NL_C_TX_FLOOD_FAILED);
	}

	if (dst.tenant) {
		nl_mac_copy(dst.mac, eth->h_dest); /* IPv6, routed by nl_tx_ipv6() */
	} else if (vif->router_ip && nl_mac_eq(eth->h_dest, vif->router_mac)) {
		verdict = nl_route(skb, cfg, vif, &dst);
		if (verdict != NL_CONTINUE)
			return verdict;
	} else {
		dst.tenant = vif->tenant;
		dst.mac_as = vif->mac_as;
		nl_mac_copy(dst.mac, eth->h_dest);
	}

	verdict = nl_tx_locate(skb, cfg, vif, &dst, &loc, &sw);
	if (verdict != NL_CONTINUE)
		return verdict;
	verdict = nl_tx_check_mtu(skb, cfg, vif, is_ipv4);
	if (verdict != NL_CONTINUE)
		return verdict;
	verdict = nl_tx_path(skb, cfg, &dst, &loc, &sw, &path);
	if (verdict != NL_CONTINUE)
		return verdict;
	return nl_tx_send(skb, cfg, vif, &path, skb->len);
}

/* The copies of a VM's broadcast/multicast frame (tail call, lib/flood.h). */
SEC("tc")
int nl_vif_flood(struct __sk_buff *skb)
{
	return nl_flood(skb);
}

/*
 * Network -> VM (Fig. 10).  Only frames for this server's MAC are looked
 * at.  Frames for one of our tenant special addresses must be valid
 * NetLord data: they are checked, decapsulated and sent to the VIF named
 * by (tenant, MAC_AS_ID, inner destination MAC), or dropped and counted.
 * Everything else (LLDP, NL-ARP, ARP and traffic for the server address)
 * goes to the kernel untouched.
 */
SEC("xdp")
int nl_uplink_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct nl_config *cfg = nl_config_get();
	struct nl_local_vif *vif;
	struct nl_rx rx;
	int verdict;

	if (!cfg)
		return nl_rx_pass(ctx);
	verdict = nl_rx_parse(cfg, data, data_end, (__u32)(data_end - data), false, &rx);
	if (verdict == NL_RX_NOT_OURS)
		return nl_rx_pass(ctx);
	if (verdict != NL_CONTINUE)
		return nl_drop(ctx, verdict);
	if (nl_mac_is_multicast(rx.key.mac))
		return nl_rx_flood_xdp(ctx);
	vif = bpf_map_lookup_elem(&nl_local_vifs, &rx.key);
	if (!vif) {
		nl_rx_not_here(cfg, &rx.key, rx.inner, data_end, rx.ip->saddr);
		return nl_drop(ctx, NL_C_RX_NOT_HERE);
	}
	if (nl_rx_decap_xdp(ctx, &rx, data_end))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	nl_vif_count_rx(vif->slot, rx.inner_len);
	nl_count(NL_C_RX_DELIVERED);
	return nl_rx_deliver_xdp(ctx, vif);
}

/*
 * An inner group frame XDP passed on (nl_rx_flood_xdp): checked again
 * here, where the frame can be cloned to each member VIF.
 */
static __always_inline int nl_uplink_flood_tc(struct __sk_buff *skb)
{
	struct nl_config *cfg = nl_config_get();
	void *data, *data_end;
	struct nl_rx rx;
	int verdict;

	if (!cfg)
		return TC_ACT_SHOT;
	nl_rx_pull(skb);
	data = nl_skb_data(skb);
	data_end = nl_skb_data_end(skb);
	verdict = nl_rx_parse(cfg, data, data_end, skb->len,
			      skb->vlan_present && skb->vlan_proto != bpf_htons(ETH_P_8021Q), &rx);
	if (verdict == NL_RX_NOT_OURS)
		return TC_ACT_OK;
	if (verdict != NL_CONTINUE)
		return nl_drop(skb, verdict);
	if (!nl_mac_is_multicast(rx.key.mac))
		return TC_ACT_OK;
	return nl_rx_flood_skb(skb, &rx, data);
}

/* Uplink tc ingress: second half of the XDP_PASS delivery path. */
SEC("tc")
int nl_uplink_tc(struct __sk_buff *skb)
{
	if (nl_rx_flood_marked(skb))
		return nl_uplink_flood_tc(skb);
	return nl_rx_tc_handoff(skb);
}

/*
 * Network -> VM (Fig. 10) in tc ingress on the uplink, the receive path
 * when no XDP program runs there (`na-loader attach --rx tc`): after GRO,
 * so one decapsulation serves a whole merged aggregate (gre mode), and
 * without veth's copy of every frame into an XDP buffer.  The same
 * checks as nl_uplink_xdp (nl_rx_parse()).
 */
SEC("tc")
int nl_uplink_rx_tc(struct __sk_buff *skb)
{
	struct nl_config *cfg = nl_config_get();
	struct nl_local_vif *vif;
	void *data, *data_end;
	struct nl_rx rx;
	__be16 inner_proto;
	int verdict;

	if (!cfg)
		return nl_rx_pass(skb);
	nl_rx_pull(skb);
	data = nl_skb_data(skb);
	data_end = nl_skb_data_end(skb);
	/* the kernel holds the outer tag apart: only 802.1Q is the wire format */
	verdict = nl_rx_parse(cfg, data, data_end, skb->len,
			      skb->vlan_present && skb->vlan_proto != bpf_htons(ETH_P_8021Q), &rx);
	if (verdict == NL_RX_NOT_OURS)
		return nl_rx_pass(skb);
	if (verdict != NL_CONTINUE)
		return nl_drop(skb, verdict);
	if (nl_mac_is_multicast(rx.key.mac))
		return nl_rx_flood_skb(skb, &rx, data);
	vif = bpf_map_lookup_elem(&nl_local_vifs, &rx.key);
	if (!vif) {
		nl_rx_not_here(cfg, &rx.key, rx.inner, data_end, rx.ip->saddr);
		return nl_drop(skb, NL_C_RX_NOT_HERE);
	}
	inner_proto = rx.inner->h_proto;
	if (nl_rx_decap_skb(skb, &rx, data))
		return nl_drop(skb, NL_C_RX_MALFORMED);
	nl_vif_count_rx(vif->slot, rx.inner_len);
	nl_count(NL_C_RX_DELIVERED);
	return nl_rx_deliver_skb(vif, inner_proto);
}

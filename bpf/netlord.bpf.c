// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The NetLord datapath, the network agent's packet path (patent Figs. 7, 8
 * and 10): one object, so every program shares one set of maps.
 *   nl_vif_ingress  tc ingress on each VIF       forwarding + encapsulation
 *   nl_uplink_xdp   XDP on the uplink            receive + decapsulation
 *   nl_uplink_tc    tc ingress on the uplink     delivery for non-XDP VIFs
 * The steps are helpers in lib/ (forward.h, route.h, arp.h, encap.h,
 * receive.h); every drop is counted by lib/drop.h, every miss reported by
 * lib/events.h.
 */
#include "lib/arp.h"
#include "lib/forward.h"
#include "lib/receive.h"
#include "lib/route.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

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
	struct nl_vif *vif = bpf_map_lookup_elem(&nl_vifs, &ifindex);
	struct nl_path path = {};
	struct nl_vif_key dst;
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
	if (nl_eth_is_vlan(eth->h_proto))
		return nl_drop(skb, NL_C_TX_MALFORMED);
	if (nl_mac_is_multicast(eth->h_dest))
		return nl_drop(skb, NL_C_TX_BCAST);
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		verdict = nl_tx_check_ipv4(skb, vif, eth, &path);
		if (verdict != NL_CONTINUE)
			return verdict;
		is_ipv4 = true;
	}

	if (vif->router_ip && nl_mac_eq(eth->h_dest, vif->router_mac)) {
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
	struct ethhdr *eth = data, *inner;
	struct nl_local_vif *vif;
	struct nl_vif_key key;
	struct iphdr *ip;
	__u32 tenant, l4len, tot_len, inner_off, inner_len, pad;
	bool stag;
	int verdict;

	if (!cfg || !nl_fits(eth, data_end))
		return nl_rx_pass();
	if (!nl_mac_eq(eth->h_dest, cfg->server_mac))
		return nl_rx_pass();
	ip = nl_rx_outer_ip(eth, data_end, &stag);
	if (!ip)
		return nl_rx_pass();
	if (!nl_fits(ip, data_end))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	tenant = nl_rx_tenant(cfg, bpf_ntohl(ip->daddr));
	if (!tenant)
		return nl_rx_pass();
	if (!(cfg->flags & NL_CFG_F_READY))
		return nl_drop(ctx, NL_C_RX_NOT_READY);
	if (!nl_tenant_valid(cfg, tenant))
		return nl_drop(ctx, NL_C_RX_BAD_TENANT);
	/* for our tenant, but under an 802.1ad tag: not the wire format */
	if (stag)
		return nl_drop(ctx, NL_C_RX_MALFORMED);

	/* From here on the packet claims to be NetLord data for one of our tenants */
	verdict = nl_rx_check_outer(ctx, cfg, ip, data_end, &l4len);
	if (verdict != NL_CONTINUE)
		return verdict;
	inner_off = (void *)ip - data + sizeof(*ip) + l4len;
	inner = data + inner_off;
	if (inner_off > 64 || !nl_fits(inner, data_end))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	tot_len = bpf_ntohs(ip->tot_len);
	verdict = nl_rx_dest(ctx, cfg, ip, data_end, inner, tot_len, l4len, tenant, &key, &pad);
	if (verdict != NL_CONTINUE)
		return verdict;
	vif = bpf_map_lookup_elem(&nl_local_vifs, &key);
	if (!vif) {
		nl_rx_not_here(cfg, &key, inner, data_end, ip->saddr);
		return nl_drop(ctx, NL_C_RX_NOT_HERE);
	}

	inner_len = tot_len - sizeof(*ip) - l4len;
	if (nl_rx_decap(ctx, pad, inner_off))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	nl_vif_count_rx(vif->slot, inner_len);
	nl_count(NL_C_RX_DELIVERED);
	return nl_rx_deliver(ctx, vif);
}

/* Uplink tc ingress: second half of the XDP_PASS delivery path. */
SEC("tc")
int nl_uplink_tc(struct __sk_buff *skb)
{
	return nl_rx_tc_handoff(skb);
}

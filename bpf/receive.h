/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Network -> VM: XDP on the uplink (patent Fig. 10).
 *
 * Only frames for this server's MAC are looked at.  Frames for one of our
 * tenant special addresses must be valid NetLord data: they are checked,
 * decapsulated and sent to the VIF named by (tenant, MAC_AS_ID, inner
 * destination MAC), or dropped and counted.  Everything else (LLDP, NL-ARP,
 * ARP and traffic for the server address) goes to the kernel untouched.
 */
#ifndef NL_BPF_RECEIVE_H
#define NL_BPF_RECEIVE_H

#include "lib/addr.h"
#include "lib/csum.h"
#include "lib/drop.h"
#include "lib/eth.h"
#include "lib/events.h"

struct nl_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

/* Not NetLord data: counted, left to the kernel stack */
static __always_inline int nl_rx_pass(void)
{
	return nl_count_verdict(NL_C_RX_PASS, XDP_PASS);
}

static __always_inline void nl_rx_not_here(const struct nl_config *cfg,
					   const struct nl_vif_key *key, const struct ethhdr *inner,
					   void *data_end, __be32 outer_saddr)
{
	struct iphdr *iip = (void *)(inner + 1);
	struct nl_event ev = {
		.type = NL_EV_NOT_HERE,
		.outer_saddr = outer_saddr,
	};

	nl_mac_copy(ev.peer_mac, inner->h_source);
	if (inner->h_proto == bpf_htons(ETH_P_IP) && nl_fits(iip, data_end))
		ev.ip = iip->saddr;
	nl_miss_event(cfg, &ev, key);
}

/* Hand the decapsulated frame to the VIF, by XDP redirect or via tc. */
static __always_inline int nl_rx_deliver(struct xdp_md *ctx, const struct nl_local_vif *vif)
{
	struct nl_xdp_meta *meta;
	void *data;

	if (vif->flags & NL_VIF_F_XDP_REDIRECT)
		return bpf_redirect(vif->ifindex, 0);
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)))
		return bpf_redirect(vif->ifindex, 0);
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if (!nl_fits(meta, data))
		return XDP_DROP;
	meta->magic = NL_XDP_META_MAGIC;
	meta->ifindex = vif->ifindex;
	return XDP_PASS;
}

static __always_inline int nl_uplink_rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct nl_config *cfg = nl_config_get();
	struct ethhdr *eth = data, *inner;
	struct nl_local_vif *vif;
	struct nl_vif_key key;
	struct iphdr *ip;
	__u32 daddr, saddr, tenant, l4len, tot_len, frame_len, inner_off, inner_len;
	__be16 proto;
	int excess;

	if (!cfg || !nl_fits(eth, data_end))
		return nl_rx_pass();
	if (!nl_mac_eq(eth->h_dest, cfg->server_mac))
		return nl_rx_pass();
	proto = eth->h_proto;
	ip = (void *)(eth + 1);
	if (nl_eth_is_vlan(proto)) {
		struct nl_vlan_hdr *vh = (void *)(eth + 1);

		if (!nl_fits(vh, data_end))
			return nl_rx_pass();
		proto = vh->proto;
		ip = (void *)(vh + 1);
		/* stacked tags are never NetLord data */
		if (nl_eth_is_vlan(proto))
			return nl_rx_pass();
	}
	if (proto != bpf_htons(ETH_P_IP))
		return nl_rx_pass();
	if (!nl_fits(ip, data_end))
		return nl_drop(ctx, NL_C_RX_MALFORMED);

	daddr = bpf_ntohl(ip->daddr);
	tenant = daddr & nl_tenant_mask(cfg);
	/* Not one of our tenant addresses: the server's own traffic */
	if (!nl_addr_in_scheme(cfg, daddr) || nl_addr_octet(cfg, daddr) != cfg->port ||
	    tenant <= NL_SERVER_HOST_ID)
		return nl_rx_pass();
	if (!(cfg->flags & NL_CFG_F_READY))
		return nl_drop(ctx, NL_C_RX_NOT_READY);
	if (!nl_tenant_valid(cfg, tenant))
		return nl_drop(ctx, NL_C_RX_BAD_TENANT);

	/* From here on the packet claims to be NetLord data for one of our tenants */
	if (ip->version != 4 || ip->ihl != 5)
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	if (!nl_ipv4_csum_ok(ip))
		return nl_drop(ctx, NL_C_RX_BAD_CSUM);
	if (ip->protocol == NL_IPPROTO_ETHERNET && cfg->encap_mode == NL_ENCAP_IP) {
		l4len = 0;
	} else if (ip->protocol == IPPROTO_UDP && cfg->encap_mode == NL_ENCAP_UDP) {
		struct udphdr *uh = (void *)(ip + 1);

		if (!nl_fits(uh, data_end))
			return nl_drop(ctx, NL_C_RX_MALFORMED);
		if (uh->dest != bpf_htons(NL_UDP_PORT))
			return nl_drop(ctx, NL_C_RX_BAD_PROTO);
		if (bpf_ntohs(uh->len) != bpf_ntohs(ip->tot_len) - sizeof(*ip))
			return nl_drop(ctx, NL_C_RX_MALFORMED);
		l4len = sizeof(*uh);
	} else {
		return nl_drop(ctx, NL_C_RX_BAD_PROTO);
	}

	tot_len = bpf_ntohs(ip->tot_len);
	frame_len = (void *)ip - data;
	inner_off = frame_len + sizeof(*ip) + l4len;
	inner = data + inner_off;
	if (inner_off > 64 || !nl_fits(inner, data_end))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	/* the IP length must cover the inner Ethernet header and fit the frame */
	/* compare lengths as numbers: older verifiers reject pointer + unbounded length */
	if (tot_len < sizeof(*ip) + l4len + ETH_HLEN ||
	    tot_len > (__u32)((long)data_end - (long)ip))
		return nl_drop(ctx, NL_C_RX_MALFORMED);

	saddr = bpf_ntohl(ip->saddr);
	if ((saddr & nl_tenant_mask(cfg)) != tenant || !nl_addr_in_scheme(cfg, saddr))
		return nl_drop(ctx, NL_C_RX_BAD_TENANT);
	if (nl_mac_is_multicast(inner->h_dest))
		return nl_drop(ctx, NL_C_RX_INNER_BCAST);

	key.tenant = tenant;
	key.mac_as = nl_addr_octet(cfg, saddr);
	nl_mac_copy(key.mac, inner->h_dest);
	vif = bpf_map_lookup_elem(&nl_local_vifs, &key);
	if (!vif) {
		nl_rx_not_here(cfg, &key, inner, data_end, ip->saddr);
		return nl_drop(ctx, NL_C_RX_NOT_HERE);
	}

	/* Ethernet padding after a short packet is not part of the inner frame */
	excess = (int)((long)data_end - (long)ip) - (int)tot_len;
	inner_len = tot_len - sizeof(*ip) - l4len;
	if (excess > 0 && bpf_xdp_adjust_tail(ctx, -excess))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	if (bpf_xdp_adjust_head(ctx, inner_off))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	nl_vif_count_rx(vif->slot, inner_len);
	nl_count(NL_C_RX_DELIVERED);
	return nl_rx_deliver(ctx, vif);
}

SEC("xdp")
int nl_uplink_xdp(struct xdp_md *ctx)
{
	return nl_uplink_rx(ctx);
}

/* Uplink tc ingress: second half of the XDP_PASS delivery path. */
SEC("tc")
int nl_uplink_tc(struct __sk_buff *skb)
{
	void *data = nl_skb_data(skb);
	struct nl_xdp_meta *meta = nl_ctx_ptr(skb, data_meta);

	if (!nl_fits(meta, data) || meta->magic != NL_XDP_META_MAGIC)
		return TC_ACT_OK;
	return bpf_redirect(meta->ifindex, 0);
}

#endif /* NL_BPF_RECEIVE_H */

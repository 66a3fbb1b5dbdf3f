/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Network -> VM, the steps of patent Fig. 10 ([0049]): find the outer IPv4
 * header of a frame for this server, check that it is NetLord data for one
 * of our tenant special addresses ([0020]), name the destination VIF by
 * (tenant, MAC_AS_ID, inner destination MAC), strip the outer headers and
 * deliver.  A frame for a VIF not hosted here triggers a NOT-HERE ([0032]).
 * The programs nl_uplink_xdp and nl_uplink_tc (netlord.bpf.c) run them;
 * each check returns NL_CONTINUE or the final XDP verdict.
 */
#ifndef NL_BPF_RECEIVE_H
#define NL_BPF_RECEIVE_H

#include "addr.h"
#include "csum.h"
#include "drop.h"
#include "eth.h"
#include "events.h"

struct nl_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

/* Ethernet pads a payload to 46 bytes (60-byte frame, 64 with a tag) */
#define NL_RX_PADDED_PAYLOAD 46

/* Not NetLord data: counted and left to the kernel stack. */
static __always_inline int nl_rx_pass(void)
{
	return nl_count_verdict(NL_C_RX_PASS, XDP_PASS);
}

/*
 * The IPv4 header after Ethernet and at most one VLAN tag (not necessarily
 * within @data_end yet); NULL for anything else: stacked tags are never
 * NetLord data.  @stag is set when the one tag is 802.1ad: the wire format
 * allows only 802.1Q, so such a frame is passed or dropped, never delivered.
 */
static __always_inline struct iphdr *nl_rx_outer_ip(struct ethhdr *eth, void *data_end, bool *stag)
{
	__be16 proto = eth->h_proto;
	struct iphdr *ip = (void *)(eth + 1);

	*stag = proto == bpf_htons(ETH_P_8021AD);
	if (nl_eth_is_vlan(proto)) {
		struct nl_vlan_hdr *vh = (void *)(eth + 1);

		if (!nl_fits(vh, data_end))
			return NULL;
		proto = vh->proto;
		ip = (void *)(vh + 1);
		if (nl_eth_is_vlan(proto))
			return NULL;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return NULL;
	return ip;
}

/*
 * The tenant whose special address @daddr (host order) is, when it is one
 * of this server's (our port); 0 for the server's own traffic.
 */
static __always_inline __u32 nl_rx_tenant(const struct nl_config *cfg, __u32 daddr)
{
	__u32 tenant = daddr & nl_tenant_mask(cfg);

	if (!nl_addr_in_scheme(cfg, daddr) || nl_addr_octet(cfg, daddr) != cfg->port ||
	    tenant <= NL_SERVER_HOST_ID)
		return 0;
	return tenant;
}

/*
 * The outer header of NetLord data: plain IPv4 without options or
 * fragments, a valid checksum, then the encapsulation of our mode (IP
 * protocol 143, or UDP to our port with a consistent length).  Sets
 * @l4len to the bytes between the IPv4 header and the inner frame.
 */
static __always_inline int nl_rx_check_outer(struct xdp_md *ctx, const struct nl_config *cfg,
					     struct iphdr *ip, void *data_end, __u32 *l4len)
{
	if (ip->version != 4 || ip->ihl != 5)
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	if (!nl_ipv4_csum_ok(ip))
		return nl_drop(ctx, NL_C_RX_BAD_CSUM);
	if (ip->protocol == NL_IPPROTO_ETHERNET && cfg->encap_mode == NL_ENCAP_IP) {
		*l4len = 0;
	} else if (ip->protocol == IPPROTO_UDP && cfg->encap_mode == NL_ENCAP_UDP) {
		struct udphdr *uh = (void *)(ip + 1);

		if (!nl_fits(uh, data_end))
			return nl_drop(ctx, NL_C_RX_MALFORMED);
		if (uh->dest != bpf_htons(NL_UDP_PORT))
			return nl_drop(ctx, NL_C_RX_BAD_PROTO);
		if (bpf_ntohs(uh->len) != bpf_ntohs(ip->tot_len) - sizeof(*ip))
			return nl_drop(ctx, NL_C_RX_MALFORMED);
		*l4len = sizeof(*uh);
	} else {
		return nl_drop(ctx, NL_C_RX_BAD_PROTO);
	}
	return NL_CONTINUE;
}

/*
 * The destination VIF of a checked outer header: the IP length @tot_len must cover
 * the inner Ethernet header and fit the frame up to the padding of a
 * minimum-size frame, the source must be the same
 * tenant's address (its octet is the MAC_AS_ID, docs/wire-format.md) and
 * the inner destination unicast.  Fills @key, and @pad with the bytes of
 * Ethernet padding after the datagram.
 */
static __always_inline int nl_rx_dest(struct xdp_md *ctx, const struct nl_config *cfg,
				      const struct iphdr *ip, void *data_end,
				      const struct ethhdr *inner, __u32 tot_len, __u32 l4len,
				      __u32 tenant, struct nl_vif_key *key, __u32 *pad)
{
	__u32 saddr, avail;

	/* compare lengths as numbers: older verifiers reject pointer + unbounded length */
	if (tot_len < sizeof(*ip) + l4len + ETH_HLEN ||
	    tot_len > (__u32)((long)data_end - (long)ip))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	/*
	 * Bytes after the datagram are only Ethernet padding: an Ethernet
	 * payload (here from the IP header on, tagged or not) shorter than 46
	 * bytes is padded to 46.  Anything else would cut the inner frame short
	 * (ip mode has no second length to disagree, as udp mode's UDP length).
	 */
	avail = (__u32)((long)data_end - (long)ip);
	if (tot_len < avail && avail > NL_RX_PADDED_PAYLOAD)
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	*pad = avail - tot_len;
	saddr = bpf_ntohl(ip->saddr);
	if ((saddr & nl_tenant_mask(cfg)) != tenant || !nl_addr_in_scheme(cfg, saddr))
		return nl_drop(ctx, NL_C_RX_BAD_TENANT);
	if (nl_mac_is_multicast(inner->h_dest))
		return nl_drop(ctx, NL_C_RX_INNER_BCAST);
	key->tenant = tenant;
	key->mac_as = nl_addr_octet(cfg, saddr);
	nl_mac_copy(key->mac, inner->h_dest);
	return NL_CONTINUE;
}

/* No VIF @key here: the sender (outer source, inner source) gets a NOT-HERE. */
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

/*
 * Fig. 10 steps 1000-1005: strips the outer headers (the inner frame starts
 * @inner_off bytes in) and the @pad bytes of Ethernet padding after a short
 * packet (which nl_rx_dest() counted).  Returns 0, or -1 when the kernel
 * refuses.
 */
static __always_inline int nl_rx_decap(struct xdp_md *ctx, __u32 pad, __u32 inner_off)
{
	if (pad && bpf_xdp_adjust_tail(ctx, -(int)pad))
		return -1;
	if (bpf_xdp_adjust_head(ctx, inner_off))
		return -1;
	return 0;
}

/* Hands the decapsulated frame to the VIF, by XDP redirect or via tc. */
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

/*
 * Second half of the XDP_PASS delivery (tc ingress on the uplink): the
 * VIF named in the metadata, or TC_ACT_OK for any other frame.
 */
static __always_inline int nl_rx_tc_handoff(struct __sk_buff *skb)
{
	void *data = nl_skb_data(skb);
	struct nl_xdp_meta *meta = nl_ctx_ptr(skb, data_meta);

	if (!nl_fits(meta, data) || meta->magic != NL_XDP_META_MAGIC)
		return TC_ACT_OK;
	return bpf_redirect(meta->ifindex, 0);
}

#endif /* NL_BPF_RECEIVE_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Network -> VM, the steps of patent Fig. 10 ([0049]): find the outer IPv4
 * header of a frame for this server, check that it is NetLord data for one
 * of our tenant special addresses ([0020]), name the destination VIF by
 * (tenant, MAC_AS_ID, inner destination MAC), strip the outer headers and
 * deliver.  A frame for a VIF not hosted here triggers a NOT-HERE ([0032]).
 * The programs nl_uplink_xdp (before GRO) and nl_uplink_rx_tc (after GRO)
 * share the checks (nl_rx_parse(): NL_CONTINUE or a drop reason); only
 * the decapsulation and the delivery differ by program type.
 */
#ifndef NL_BPF_RECEIVE_H
#define NL_BPF_RECEIVE_H

#include "addr.h"
#include "csum.h"
#include "drop.h"
#include "encap.h"
#include "eth.h"
#include "events.h"

struct nl_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

/* Pass verdict of the program type @ctx belongs to. */
#define nl_pass_verdict(ctx) \
	_Generic((ctx), struct __sk_buff * : TC_ACT_OK, struct xdp_md * : XDP_PASS)

/* Ethernet minimum frame without FCS */
#define NL_ETH_ZLEN 60

/* Longest frame that may carry Ethernet padding: 60 bytes, 64 with a tag */
#define NL_RX_PADDED_MAX 64

/* Not NetLord data: counted and left to the kernel stack. */
#define nl_rx_pass(ctx) nl_count_verdict(NL_C_RX_PASS, nl_pass_verdict(ctx))

/* The outer headers nl_rx_parse() reads (and the inner IPv4 source), linear */
#define NL_RX_PULL_LEN (ETH_HLEN + 4 + 20 + 8 + ETH_HLEN + 20)

static __always_inline void nl_rx_pull(struct __sk_buff *skb)
{
	__u32 pull = skb->len < NL_RX_PULL_LEN ? skb->len : NL_RX_PULL_LEN;

	if ((long)nl_skb_data_end(skb) - (long)nl_skb_data(skb) < (long)pull)
		bpf_skb_pull_data(skb, pull);
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
 * protocol 143; UDP to our port with a consistent length; or GRE with
 * only the key bit, Transparent Ethernet Bridging and the tenant as key).
 * Sets @l4len to the bytes between the IPv4 header and the inner frame.
 * Returns NL_CONTINUE or the drop reason.
 */
static __always_inline int nl_rx_check_outer(const struct nl_config *cfg, struct iphdr *ip,
					     void *data_end, __u32 tenant, __u32 *l4len)
{
	if (ip->version != 4 || ip->ihl != 5)
		return NL_C_RX_MALFORMED;
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return NL_C_RX_MALFORMED;
	if (!nl_ipv4_csum_ok(ip))
		return NL_C_RX_BAD_CSUM;
	if (ip->protocol == NL_IPPROTO_ETHERNET && cfg->encap_mode == NL_ENCAP_IP) {
		*l4len = 0;
	} else if (ip->protocol == IPPROTO_UDP && cfg->encap_mode == NL_ENCAP_UDP) {
		struct udphdr *uh = (void *)(ip + 1);

		if (!nl_fits(uh, data_end))
			return NL_C_RX_MALFORMED;
		if (uh->dest != bpf_htons(NL_UDP_PORT))
			return NL_C_RX_BAD_PROTO;
		if (bpf_ntohs(uh->len) != bpf_ntohs(ip->tot_len) - sizeof(*ip))
			return NL_C_RX_MALFORMED;
		*l4len = sizeof(*uh);
	} else if (ip->protocol == NL_IPPROTO_GRE && cfg->encap_mode == NL_ENCAP_GRE) {
		struct nl_grehdr *gh = (void *)(ip + 1);

		if (!nl_fits(gh, data_end))
			return NL_C_RX_MALFORMED;
		if (gh->flags != bpf_htons(NL_GRE_FLAGS_KEY) ||
		    gh->proto != bpf_htons(NL_GRE_PROTO_TEB))
			return NL_C_RX_BAD_PROTO;
		if (gh->key != bpf_htonl(tenant))
			return NL_C_RX_BAD_TENANT;
		*l4len = sizeof(*gh);
	} else {
		return NL_C_RX_BAD_PROTO;
	}
	return NL_CONTINUE;
}

/*
 * The destination VIF of a checked outer header: the IP length @tot_len
 * must cover the inner Ethernet header and lie within the @ip_bytes the
 * frame holds from the IP header on, with no more after it than the
 * padding of a minimum-size frame (@frame_len bytes in all); the source
 * must be the same tenant's address (its octet is the MAC_AS_ID,
 * docs/wire-format.md).  Fills @key (a group inner destination MAC is
 * the caller's to flood, lib/flood.h); returns NL_CONTINUE or the drop
 * reason.
 */
static __always_inline int nl_rx_dest(const struct nl_config *cfg, const struct iphdr *ip,
				      __u32 ip_bytes, __u32 frame_len, const struct ethhdr *inner,
				      __u32 tot_len, __u32 l4len, __u32 tenant,
				      struct nl_vif_key *key)
{
	__u32 saddr;

	/* compare lengths as numbers: older verifiers reject pointer + unbounded length */
	if (tot_len < sizeof(*ip) + l4len + ETH_HLEN || tot_len > ip_bytes)
		return NL_C_RX_MALFORMED;
	/*
	 * Bytes after the datagram are only Ethernet padding of a minimum-size
	 * frame; anything longer would cut the inner frame short (ip mode has
	 * no second length to disagree, as the UDP length does in udp mode).
	 */
	if (tot_len < ip_bytes && frame_len > NL_RX_PADDED_MAX)
		return NL_C_RX_MALFORMED;
	saddr = bpf_ntohl(ip->saddr);
	if ((saddr & nl_tenant_mask(cfg)) != tenant || !nl_addr_in_scheme(cfg, saddr))
		return NL_C_RX_BAD_TENANT;
	key->tenant = tenant;
	key->mac_as = nl_addr_octet(cfg, saddr);
	nl_mac_copy(key->mac, inner->h_dest);
	return NL_CONTINUE;
}

/* What nl_rx_parse() found in a frame that is NetLord data for us. */
struct nl_rx {
	struct iphdr *ip;
	struct ethhdr *inner;
	__u32 tenant;
	__u32 tot_len;	 /* outer IPv4 total length */
	__u32 inner_off; /* from the frame start to the inner Ethernet header */
	__u32 inner_len; /* the inner frame's length */
	struct nl_vif_key key;
};

/* nl_rx_parse(): not NetLord data, for the kernel stack */
#define NL_RX_NOT_OURS (-2)

/*
 * Fig. 10 steps 1000-1003 for both receive programs: the frame from
 * @data to @data_end (its linear part) is @len bytes long in all; @stag:
 * the kernel took an 802.1ad tag off it (tc).
 * Returns NL_RX_NOT_OURS (anything but data for one of our tenant
 * addresses), NL_CONTINUE with @rx filled, or the drop reason.
 */
static __always_inline int nl_rx_parse(const struct nl_config *cfg, void *data, void *data_end,
				       __u32 len, bool stag, struct nl_rx *rx)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 l4len = 0, ip_off;
	bool inband_stag;
	int verdict;

	if (!nl_fits(eth, data_end) || !nl_mac_eq(eth->h_dest, cfg->server_mac))
		return NL_RX_NOT_OURS;
	ip = nl_rx_outer_ip(eth, data_end, &inband_stag);
	if (!ip)
		return NL_RX_NOT_OURS;
	if (!nl_fits(ip, data_end))
		return NL_C_RX_MALFORMED;
	rx->tenant = nl_rx_tenant(cfg, bpf_ntohl(ip->daddr));
	if (!rx->tenant)
		return NL_RX_NOT_OURS;
	if (!(cfg->flags & NL_CFG_F_READY))
		return NL_C_RX_NOT_READY;
	if (!nl_tenant_valid(cfg, rx->tenant))
		return NL_C_RX_BAD_TENANT;
	/* for our tenant, but under an 802.1ad tag: not the wire format */
	if (stag || inband_stag)
		return NL_C_RX_MALFORMED;

	/* From here on the packet claims to be NetLord data for one of our tenants */
	verdict = nl_rx_check_outer(cfg, ip, data_end, rx->tenant, &l4len);
	if (verdict != NL_CONTINUE)
		return verdict;
	ip_off = (void *)ip - data;
	rx->inner_off = ip_off + sizeof(*ip) + l4len;
	if (rx->inner_off > 64)
		return NL_C_RX_MALFORMED;
	rx->inner = data + rx->inner_off;
	if (!nl_fits(rx->inner, data_end))
		return NL_C_RX_MALFORMED;
	rx->tot_len = bpf_ntohs(ip->tot_len);
	verdict = nl_rx_dest(cfg, ip, len - ip_off, len, rx->inner, rx->tot_len, l4len, rx->tenant,
			     &rx->key);
	if (verdict != NL_CONTINUE)
		return verdict;
	rx->ip = ip;
	rx->inner_len = rx->tot_len - sizeof(*ip) - l4len;
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
 * Fig. 10 steps 1004-1005 in XDP: strips the outer headers and the
 * Ethernet padding after a short packet (the bytes past the IP length,
 * which nl_rx_parse() checked).  Returns 0, or -1 when the kernel refuses.
 */
static __always_inline int nl_rx_decap_xdp(struct xdp_md *ctx, const struct nl_rx *rx,
					   void *data_end)
{
	int excess = (int)((long)data_end - (long)rx->ip) - (int)rx->tot_len;

	if (excess > 0 && bpf_xdp_adjust_tail(ctx, -excess))
		return -1;
	if (bpf_xdp_adjust_head(ctx, rx->inner_off))
		return -1;
	return 0;
}

/*
 * The same in tc, on an skb that GRO may have merged from many segments
 * (an inner frame shorter than Ethernet + IPv4 headers is padded to the
 * Ethernet minimum with zeros, as a wire would: the kernel cannot shrink
 * an skb below an IPv4 header)
 * (then its gso_size is the inner MSS and must stay: FIXED_GSO).  The
 * outer Ethernet header stays in place and takes the inner one's bytes;
 * the outer VLAN tag, which the kernel holds apart, is removed.  The
 * skb keeps the kernel's tunnel GSO bits (no kernel up to 6.18 can clear
 * them from BPF): a local receiver ignores them, a tap re-segments
 * (docs/performance.md).  Returns 0, or -1 when the kernel refuses.
 */
static __always_inline int nl_rx_decap_skb(struct __sk_buff *skb, const struct nl_rx *rx,
					   void *data)
{
	__u32 ip_off = (void *)rx->ip - data;
	__u32 end = rx->inner_off + rx->inner_len;
	struct ethhdr inner_eth;

	__builtin_memcpy(&inner_eth, rx->inner, sizeof(inner_eth));
	if (ip_off != ETH_HLEN)
		return -1; /* an in-band tag: the kernel strips the one we allow */
	if (skb->vlan_present && bpf_skb_vlan_pop(skb))
		return -1;
	if (skb->len > end && bpf_skb_change_tail(skb, end, 0))
		return -1;
	/*
	 * the kernel cannot shrink an skb below an IPv4 header after its
	 * Ethernet header: a frame shorter than that (never IPv4) gets the
	 * wire's zero padding to the Ethernet minimum.  Only those: the
	 * helper refuses an skb marked encapsulated (-ENOTSUPP), which is
	 * what an IPv4 frame from a sender's bpf_skb_adjust_room is when it
	 * comes over veth (tests/offload/test_small_frames.sh)
	 */
	if (rx->inner_len < ETH_HLEN + 20 &&
	    bpf_skb_change_tail(skb, rx->inner_off + NL_ETH_ZLEN, 0))
		return -1;
	if (bpf_skb_adjust_room(skb, -(int)rx->inner_off, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_FIXED_GSO))
		return -1;
	if (bpf_skb_store_bytes(skb, 0, &inner_eth, sizeof(inner_eth), 0))
		return -1;
	if (rx->inner_len < ETH_HLEN + 20) {
		/* the grown tail holds whatever the buffer held: zero it */
		static const __u8 zeros[NL_ETH_ZLEN];
		__u32 pad = NL_ETH_ZLEN - rx->inner_len;

		if (pad > NL_ETH_ZLEN ||
		    bpf_skb_store_bytes(skb, rx->inner_len & 0x3f, zeros, pad, 0))
			return -1;
	}
	return 0;
}

/* Hands the decapsulated frame to the VIF, by XDP redirect or via tc. */
static __always_inline int nl_rx_deliver_xdp(struct xdp_md *ctx, const struct nl_local_vif *vif)
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

/*
 * Hands the decapsulated skb to the VIF: an IPv4 frame to a veth goes
 * straight into the peer's namespace (bpf_redirect_peer: no backlog
 * queue, no second pass through the veth; skb->protocol, which the
 * decapsulation left at IPv4, is then right); anything else is sent
 * through the device, which sets the protocol from the inner header.
 */
static __always_inline int nl_rx_deliver_skb(const struct nl_local_vif *vif, __be16 inner_proto)
{
	if ((vif->flags & NL_VIF_F_VETH) && inner_proto == bpf_htons(ETH_P_IP))
		return bpf_redirect_peer(vif->ifindex, 0);
	return bpf_redirect(vif->ifindex, 0);
}

#endif /* NL_BPF_RECEIVE_H */

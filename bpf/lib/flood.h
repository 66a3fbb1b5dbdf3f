/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Tenant broadcast and multicast inside one (tenant, MAC_AS) (issue 11;
 * the patent's tenants get "any protocol" over their L2, [0013]-[0015],
 * and NL-ARP already uses the broadcast VLAN of [0029] for its own
 * broadcasts).  A frame a VM sends to a group MAC reaches every other VIF
 * of its MAC space and nothing else:
 *   - on this server: a clone to each other local member (map nl_flood);
 *   - on other servers: head-end replication, one encapsulated unicast
 *     copy per server hosting the MAC space (its NART-2 location, the path
 *     VLAN as for unicast), up to NL_FLOOD_MAX_SERVERS, read from the
 *     group and its chunks of NL_FLOOD_CHUNK servers -- chosen over the
 *     broadcast VLAN by measurement (make bench-flood, docs/wire-format.md
 *     section 3);
 *   - a receiving NA hands an inner group frame to its local members of
 *     (tenant, MAC_AS from the outer source), except the VIF with the
 *     sender's MAC.
 * A per-VIF token bucket (nl_flood_budget; rate and burst in nl_config)
 * bounds what one VM can flood: a frame costs one token per started
 * NL_FLOOD_CHUNK remote servers, so the copies one VM can cause stay
 * those of a MAC space on NL_FLOOD_CHUNK servers.  The agent keeps the
 * member lists (user/agent/flood.c).
 */
#ifndef NL_BPF_FLOOD_H
#define NL_BPF_FLOOD_H

#include "forward.h"
#include "receive.h"

/* nl_xdp_meta.magic: XDP leaves an inner group frame to nl_uplink_tc */
#define NL_XDP_META_FLOOD 0x4e4c4d46 /* "NLMF" */

/*
 * The sending VIF's token bucket (by stats slot, nl_bucket_take_n()): true
 * when a flooded frame to a MAC space on @n_remote other servers may go.
 * It costs one token, one more per further NL_FLOOD_CHUNK servers (at most
 * the burst, so every frame can go once the bucket is full).
 */
static __always_inline bool nl_flood_admit(const struct nl_config *cfg, __u32 slot, __u32 n_remote)
{
	__u32 per_s = cfg->flood_per_s ? cfg->flood_per_s : NL_FLOOD_VIF_PER_S;
	__u32 burst = cfg->flood_burst ? cfg->flood_burst : NL_FLOOD_VIF_BURST;
	__u32 cost = n_remote ? 1 + (n_remote - 1) / NL_FLOOD_CHUNK : 1;

	if (cost > burst)
		cost = burst;
	return nl_bucket_take_n(&nl_flood_budget, slot, bpf_ktime_get_ns(), burst, per_s, cost);
}

/*
 * The state of one flood, on the caller's stack, for the bpf_loop()
 * callbacks below (one callback per copy: the verifier checks the body
 * once instead of once per member).
 */
struct nl_flood_ctx {
	struct __sk_buff *skb;
	const struct nl_config *cfg;
	const struct nl_flood_group *g;
	const struct nl_flood_group *chunk; /* remote copies: the entry of chunk_no */
	struct nl_path path;
	__u32 skip_ifindex; /* local copies: not to this VIF (0: none) */
	__u32 counter;	    /* local copies: counted under this reason */
	__u32 sent;	    /* copies out */
	__u32 l3len;	    /* remote copies: outer IPv4 total length */
	__u16 chunk_no;	    /* remote copies: the chunk in c->chunk (0: none yet) */
	__u8 ipproto;	    /* remote copies: outer IPv4 protocol */
	__u8 missing;	    /* remote copies: a chunk was not there */
	__u8 skip_has_mac;  /* local copies: not to the VIF with skip_mac */
	__u8 dry;	    /* `na-loader trace`: count the copies, send none */
	__u8 skip_mac[ETH_ALEN];
};

/* bpf_loop() callback: a clone to local member @i unless it is skipped. */
static long nl_flood_local_one(__u64 i, void *arg)
{
	struct nl_flood_ctx *c = arg;
	const struct nl_flood_member *m;

	if (i >= NL_FLOOD_MAX_LOCAL || i >= c->g->n_local)
		return 1;
	m = &c->g->local[i];
	if (m->ifindex == c->skip_ifindex || (c->skip_has_mac && nl_mac_eq(m->mac, c->skip_mac)))
		return 0;
	if (!c->dry && bpf_clone_redirect(c->skb, m->ifindex, 0)) {
		nl_count(NL_C_TX_FLOOD_FAILED);
		return 0;
	}
	nl_vif_count_rx(m->slot, c->skb->len);
	nl_count(c->counter);
	c->sent++;
	return 0;
}

/*
 * A clone of the frame to every local member of @c->g but the skipped
 * one; each copy counted under @c->counter and in the member's receive
 * statistics.  Returns the copies sent.
 */
static __always_inline __u32 nl_flood_local(struct nl_flood_ctx *c)
{
	c->sent = 0;
	bpf_loop(NL_FLOOD_MAX_LOCAL, nl_flood_local_one, c, 0);
	return c->sent;
}

/*
 * The outer headers of one remote copy, over those of the previous one:
 * Ethernet addresses, outer IPv4 (destination port octet, VLAN in the
 * IP-ID, checksum) and the path VLAN tag.  0, or -1: the copy is skipped.
 */
static __always_inline int nl_flood_retarget(struct nl_flood_ctx *c,
					     const struct nl_flood_remote *r)
{
	struct __sk_buff *skb = c->skb;
	const struct nl_config *cfg = c->cfg;
	struct nart_switch sw;
	struct iphdr ip = {};
	__u8 macs[ETH_ALEN * 2];
	__u32 vidx;

	if (nl_switch_get(r->switch_idx, &sw) != NART_FOUND || sw.count == 0 ||
	    sw.count > NL_MAX_VLANS_PER_PAIR) {
		nl_count(NL_C_TX_VLAN_MISS);
		return -1;
	}
	vidx = c->path.hash % sw.count;
	asm volatile("%0 &= 7" : "+r"(vidx));
	c->path.vlan = sw.vlans[vidx];
	c->path.port = r->port;
	nl_mac_copy(macs, sw.mac);
	if (nl_mac_eq(sw.mac, cfg->switch_mac))
		nl_mac_copy(macs + ETH_ALEN, cfg->server_mac);
	else
		nl_mac_copy(macs + ETH_ALEN, cfg->switch_mac);
	nl_fill_outer_ip(&ip, cfg, &c->path, c->l3len, c->ipproto);
	if (bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, &ip, sizeof(ip), 0))
		return -1;
	if (skb->vlan_present && bpf_skb_vlan_pop(skb))
		return -1;
	if (c->path.vlan && bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), c->path.vlan))
		return -1;
	return 0;
}

/*
 * bpf_loop() callback: the copy to remote member server @i, from the group
 * (i < NL_FLOOD_CHUNK) or from the entry of its chunk, looked up once per
 * chunk.  A chunk that is not there (the agent rewriting a shrinking
 * group) ends the flood; the caller counts it.
 */
static long nl_flood_remote_one(__u64 i, void *arg)
{
	struct nl_flood_ctx *c = arg;
	const struct nl_flood_remote *r;
	__u32 no = (__u32)i / NL_FLOOD_CHUNK;

	if (i >= NL_FLOOD_MAX_SERVERS || i >= c->g->n_remote)
		return 1;
	if (!no) {
		r = &c->g->remote[i % NL_FLOOD_CHUNK];
	} else {
		if (c->chunk_no != no || !c->chunk) {
			struct nl_flood_key k = {
				.tenant = c->path.tenant, .mac_as = c->path.mac_as, .chunk = no};

			c->chunk = bpf_map_lookup_elem(&nl_flood_groups, &k);
			c->chunk_no = no;
			if (!c->chunk) {
				c->missing = 1;
				return 1;
			}
		}
		r = &c->chunk->remote[i % NL_FLOOD_CHUNK];
	}
	if (nl_flood_retarget(c, r))
		return 0;
	if (!c->dry && bpf_clone_redirect(c->skb, c->cfg->uplink_ifindex, 0)) {
		nl_count(NL_C_TX_FLOOD_FAILED);
		return 0;
	}
	nl_count(NL_C_TX_FLOOD_REMOTE);
	c->sent++;
	return 0;
}

/*
 * Head-end replication: the frame is encapsulated once, then each remote
 * member server gets a clone with its own outer headers.  Returns the
 * copies sent, or -1 when the frame could not be encapsulated.
 */
static __always_inline int nl_flood_remote(struct nl_flood_ctx *c)
{
	__u8 mode = c->cfg->encap_mode;

	if (nl_encapsulate(c->skb, c->cfg, &c->path))
		return -1;
	c->l3len = c->skb->len - ETH_HLEN;
	c->ipproto = mode == NL_ENCAP_UDP   ? IPPROTO_UDP
		     : mode == NL_ENCAP_GRE ? NL_IPPROTO_GRE
					    : NL_IPPROTO_ETHERNET;
	c->sent = 0;
	bpf_loop(NL_FLOOD_MAX_SERVERS, nl_flood_remote_one, c, 0);
	return c->sent;
}

/*
 * VM -> network for a group destination MAC, in its own program
 * (nl_vif_flood, tail-called by nl_vif_ingress once the source checks and
 * the MTU check passed: the copies need stack the VIF program has no room
 * for): the rate limit, then a copy to each other member of the VIF's
 * (tenant, MAC_AS) here and on every server hosting it.  The original
 * frame is consumed (TC_ACT_SHOT once every copy is out).
 */
static __always_inline int nl_flood(struct __sk_buff *skb)
{
	struct nl_flood_ctx c = {.skb = skb, .counter = NL_C_TX_FLOOD_LOCAL};
	struct nl_config *cfg = nl_config_get();
	struct nl_vif *vif = nl_vif_get(skb->ifindex);
	struct nl_flood_key key = {};
	__u32 len = skb->len, copies;
	struct ethhdr *eth;
	struct iphdr *ip;
	int sent;

	if (!cfg)
		return TC_ACT_SHOT;
	if (!vif)
		return nl_drop(skb, NL_C_TX_UNKNOWN_VIF);
	eth = nl_skb_data(skb);
	if (!nl_fits(eth, nl_skb_data_end(skb)))
		return nl_drop(skb, NL_C_TX_MALFORMED);
	/* IEEE 802.1D link-local (STP, LACP, LLDP, pause): bridges never forward them */
	if (eth->h_dest[0] == 0x01 && eth->h_dest[1] == 0x80 && eth->h_dest[2] == 0xc2 &&
	    !eth->h_dest[3] && !eth->h_dest[4] && !(eth->h_dest[5] & 0xf0))
		return nl_drop(skb, NL_C_TX_L2_RESERVED);
	key.tenant = vif->tenant;
	key.mac_as = vif->mac_as;
	c.g = bpf_map_lookup_elem(&nl_flood_groups, &key);
	if (!nl_flood_admit(cfg, vif->slot, c.g ? c.g->n_remote : 0))
		return nl_drop(skb, NL_C_TX_FLOOD_LIMITED);
	if (!c.g)
		return nl_drop(skb, NL_C_TX_BCAST);
	c.cfg = cfg;
	c.dry = skb->mark == NL_TRACE_MARK;
	c.skip_ifindex = vif->ifindex;
	copies = nl_flood_local(&c);
	if (c.g->n_remote) {
		eth = nl_skb_data(skb);
		if (!nl_fits(eth, nl_skb_data_end(skb)))
			return nl_drop(skb, NL_C_TX_MALFORMED);
		ip = (void *)(eth + 1);
		/* checked by nl_tx_check_ipv4() before the tail call; the DSCP travels */
		if (eth->h_proto == bpf_htons(ETH_P_IP) && nl_fits(ip, nl_skb_data_end(skb)))
			c.path.tos = ip->tos & 0xfc;
		c.path.hash = nl_flow_hash(eth, nl_skb_data_end(skb));
		c.path.tenant = vif->tenant;
		c.path.mac_as = vif->mac_as;
		sent = nl_flood_remote(&c);
		if (sent < 0)
			return nl_drop(skb, NL_C_TX_ENCAP_FAILED);
		/* some member servers got no copy: past the bound, or a chunk missing */
		if ((c.g->flags & NL_FLOOD_F_TRUNCATED) || c.missing ||
		    c.g->n_remote > NL_FLOOD_MAX_SERVERS)
			nl_count(NL_C_TX_FLOOD_TRUNC);
		copies += sent;
	}
	if (!copies)
		return nl_drop(skb, NL_C_TX_BCAST);
	nl_vif_count_tx(vif->slot, len);
	return TC_ACT_SHOT;
}

/* XDP: an inner group frame goes on to nl_uplink_tc, which can clone. */
static __always_inline int nl_rx_flood_xdp(struct xdp_md *ctx)
{
	struct nl_xdp_meta *meta;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)))
		return nl_drop(ctx, NL_C_RX_MALFORMED);
	meta = (void *)(long)ctx->data_meta;
	if (!nl_fits(meta, (void *)(long)ctx->data))
		return XDP_DROP;
	meta->magic = NL_XDP_META_FLOOD;
	meta->ifindex = 0;
	return XDP_PASS;
}

/* nl_uplink_tc: did XDP leave this frame for nl_rx_flood_skb()? */
static __always_inline bool nl_rx_flood_marked(struct __sk_buff *skb)
{
	void *data = nl_skb_data(skb);
	struct nl_xdp_meta *meta = nl_ctx_ptr(skb, data_meta);

	return nl_fits(meta, data) && meta->magic == NL_XDP_META_FLOOD;
}

/*
 * Network -> VMs for an inner group frame @rx (checked by nl_rx_parse(),
 * @data the frame start): decapsulated once, then a clone to each local
 * member of (tenant, MAC_AS of the outer source) except the sender's MAC.
 * Never another tenant or MAC space: the key is the one the outer header
 * names, as for unicast.
 */
static __always_inline int nl_rx_flood_skb(struct __sk_buff *skb, const struct nl_rx *rx,
					   void *data)
{
	struct nl_flood_key key = {.tenant = rx->tenant, .mac_as = rx->key.mac_as};
	struct nl_flood_ctx c = {.skb = skb, .counter = NL_C_RX_FLOOD, .skip_has_mac = 1};

	c.g = bpf_map_lookup_elem(&nl_flood_groups, &key);
	if (!c.g || !c.g->n_local)
		return nl_drop(skb, NL_C_RX_INNER_BCAST);
	nl_mac_copy(c.skip_mac, rx->inner->h_source);
	if (nl_rx_decap_skb(skb, rx, data))
		return nl_drop(skb, NL_C_RX_MALFORMED);
	if (!nl_flood_local(&c))
		return nl_drop(skb, NL_C_RX_INNER_BCAST);
	return TC_ACT_SHOT;
}

#endif /* NL_BPF_FLOOD_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The IPv6 step of the VIF program (issue 11 step 3; patent [0035] proxy
 * ARP, extended to IPv6 neighbour discovery, and [0040] the VIF's source
 * checks; docs/ipv6.md):
 *  - anti-spoofing of every IPv6 frame, unicast or multicast: the source is
 *    link-local, one of the VIF's --ip6 addresses, or :: for a DAD
 *    neighbour solicitation or an MLD report to a multicast MAC;
 *  - proxy NDP: a neighbour solicitation is answered on the VIF for an
 *    address NART-1 for IPv6 binds in the VIF's MAC space and for the
 *    virtual router (--router6 and its link-local address); never for the
 *    VM's own address, never for a DAD probe (source ::); anything else
 *    goes on (unicast: forwarded; multicast: the broadcast step).
 * One subprogram, nl_tx_ipv6(), that keeps its state in a per-CPU scratch
 * entry: the VIF program's own stack is nearly full.
 */
#ifndef NL_BPF_NDP_H
#define NL_BPF_NDP_H

#include "csum.h"
#include "encap.h"
#include "events.h"
#include "hash.h"
#include "icmp6.h"
#include "ipv6.h"
#include "maps.h"

#define NL_ND_OPT_TLLA	   2
#define NL_NA_F_ROUTER	   0x80
#define NL_NA_F_SOLICITED  0x40
#define NL_NA_F_OVERRIDE   0x20
#define NL_NS_LEN	   24 /* type, code, checksum, reserved, target */
#define NL_NA_FRAME_LEN	   (ETH_HLEN + 40 + 32)
#define NL_TX_PULL_LEN_IP6 (ETH_HLEN + 40 + NL_NS_LEN)

/*
 * The answer, built in the scratch entry and written over the solicitation
 * from dst on; the 2 leading bytes align the addresses to 4 bytes so the
 * compiler copies them by words.
 */
struct nl_na_frame {
	__u8 align[2];
	__u8 dst[6];
	__u8 src[6];
	__be16 proto;
	struct nl_ip6h ip6;
	__u8 type;
	__u8 code;
	__u16 csum;
	__u8 flags;
	__u8 reserved[3];
	__u8 target[16];
	__u8 opt_type;
	__u8 opt_len; /* units of 8 bytes */
	__u8 opt_mac[6];
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct nl_na_frame) == NL_NA_FRAME_LEN + 2 &&
		       __builtin_offsetof(struct nl_na_frame, ip6) == 16 &&
		       __builtin_offsetof(struct nl_na_frame, target) == 64,
	       "NA frame layout");

/* what nl_tx_ipv6() knows of the VIF and the frame, off the stack */
struct nl_ndp_scratch {
	struct nl_na_frame na;
	struct nl_icmp6_req err; /* an ICMPv6 error to send (icmp6.h) */
	struct nl_ip6_key k;	 /* map lookups */
	struct nl_subnet6_key s6;
	struct nl_event ev; /* a NART-1 miss to report (events.h) */
	__u32 ports;	    /* TCP/UDP ports of a routed packet (flow hash), else 0 */
	/* the destination's entry of map subnets6, copied: no pointer kept live */
	__u32 nh_n;	/* a route's next hops, 0 = not a route */
	__u32 nh_start; /* the flow's first choice among them */
	__u8 nh6[NL_ROUTE_MAX_NH][16];
	__u16 sn_mac_as;
	__u8 sn_found;				  /* a subnet or route holds the destination */
	__u8 rll[16] __attribute__((aligned(4))); /* the router's link-local address */
	/* the VIF */
	__u32 tenant;
	__u32 ifindex;
	__u16 mac_as;
	__u8 mac[6];
	__u8 router_mac[6];
	__u8 count; /* --ip6 addresses */
	__u8 ns_ok; /* a well-formed neighbour solicitation */
	__u8 router6[16] __attribute__((aligned(4)));
	/* the frame */
	__u8 saddr[16] __attribute__((aligned(4)));
	__u8 daddr[16]; /* right after saddr: both loaded at once */
	__u8 target[16] __attribute__((aligned(4)));
	__u8 dmac[6];
	__u8 hlim;
	__u8 answer[6];
	__u8 nexthdr;
	__u8 l4type;
	__u8 mcast;
	__u8 flags;
};

_Static_assert(__builtin_offsetof(struct nl_ndp_scratch, daddr) ==
		       __builtin_offsetof(struct nl_ndp_scratch, saddr) + 16,
	       "source and destination are loaded with one bpf_skb_load_bytes()");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nl_ndp_scratch);
} nl_ndp_scratch SEC(".maps");

static const __u32 nl_ndp_zero; /* the scratch key, off the stack */

/* the headers into @sc: NL_CONTINUE or NL_IP6_DROP(reason) */
static __always_inline int nl_ip6_parse(struct __sk_buff *skb, struct nl_ndp_scratch *sc)
{
	__u32 pull = skb->len < NL_TX_PULL_LEN_IP6 ? skb->len : NL_TX_PULL_LEN_IP6;
	void *data, *end;
	struct ethhdr *eth;
	struct nl_ip6h *ip6;
	__u8 *l4;

	if ((long)nl_skb_data_end(skb) - (long)nl_skb_data(skb) < (long)pull)
		bpf_skb_pull_data(skb, pull);
	data = nl_skb_data(skb);
	end = nl_skb_data_end(skb);
	eth = data;
	ip6 = (void *)(eth + 1);
	if (!nl_fits(ip6, end) || (bpf_ntohl(ip6->vtcfl) >> 28) != 6 ||
	    bpf_ntohs(ip6->plen) + sizeof(*ip6) > skb->len - ETH_HLEN)
		return NL_IP6_DROP(NL_C_TX_MALFORMED);
	sc->mcast = eth->h_dest[0] & 1;
	nl_mac_copy(sc->dmac, eth->h_dest);
	sc->hlim = ip6->hop_limit;
	sc->nexthdr = ip6->nexthdr;
	sc->l4type = 0;
	sc->ns_ok = 0;
	if (ip6->nexthdr != NL_IPPROTO_ICMPV6)
		return bpf_skb_load_bytes(skb, ETH_HLEN + 8, sc->saddr, 32)
			       ? NL_IP6_DROP(NL_C_TX_MALFORMED)
			       : NL_CONTINUE;
	l4 = (void *)(ip6 + 1);
	if (l4 + NL_NS_LEN > (__u8 *)end) {
		if (l4 + 1 > (__u8 *)end)
			return NL_IP6_DROP(NL_C_TX_MALFORMED);
		sc->l4type = l4[0];
	} else {
		sc->l4type = l4[0];
		/* RFC 4861 7.1.1: hop limit 255, code 0, length >= 24, target not multicast */
		sc->ns_ok = ip6->hop_limit == 255 && l4[1] == 0 &&
			    bpf_ntohs(ip6->plen) >= NL_NS_LEN && l4[8] != 0xff;
		/* copied by the kernel: no packet pointer lives across the helper */
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 40 + 8, sc->target, 16))
			return NL_IP6_DROP(NL_C_TX_MALFORMED);
	}
	return bpf_skb_load_bytes(skb, ETH_HLEN + 8, sc->saddr, 32) ? NL_IP6_DROP(NL_C_TX_MALFORMED)
								    : NL_CONTINUE;
}

/* @a (in @sc) is one of the VIF's own addresses: the agent's index names this VIF */
static __always_inline bool nl_ip6_owned(struct nl_ndp_scratch *sc, const __u8 *a)
{
	__u32 *idx;

	sc->k.tenant = sc->tenant;
	__builtin_memcpy(sc->k.ip6, a, 16);
	idx = bpf_map_lookup_elem(&nl_local_ip6s, &sc->k);
	return idx && *idx == sc->ifindex;
}

/*
 * The source is not the VIF's own: allowed when the tenant routes it
 * through this VIF (the longest prefix holding it is a route with one of
 * the VIF's addresses among its next hops): an appliance's or a gateway's
 * forwarded traffic (route.h's rule for IPv6).
 */
static __always_inline bool nl_ip6_routed_source(struct nl_ndp_scratch *sc)
{
	struct nl_subnet6_val *r;

	sc->s6.prefixlen = 32 + 128;
	sc->s6.tenant = sc->tenant;
	__builtin_memcpy(sc->s6.ip6, sc->saddr, 16);
	r = bpf_map_lookup_elem(&nl_subnets6, &sc->s6);
	if (!r || r->kind != NL_SUBNET_ROUTE)
		return false;
	sc->nh_n = r->n_nh <= NL_ROUTE_MAX_NH ? r->n_nh : 0;
	__builtin_memcpy(sc->nh6, r->nh6, sizeof(sc->nh6));
	sc->k.tenant = sc->tenant;
	for (__u32 i = 0; i < NL_ROUTE_MAX_NH; i++) {
		__u32 *idx;

		if (i >= sc->nh_n)
			break;
		/* no pointer into @sc held across the lookup: nothing to spill */
		asm volatile("" : "+r"(sc));
		__builtin_memcpy(sc->k.ip6, sc->nh6[i & (NL_ROUTE_MAX_NH - 1)], 16);
		idx = bpf_map_lookup_elem(&nl_local_ip6s, &sc->k);
		if (idx && *idx == sc->ifindex)
			return true;
	}
	return false;
}

/* the source rule: NL_CONTINUE or NL_IP6_DROP(reason) */
static __always_inline int nl_ip6_check_source(struct nl_ndp_scratch *sc)
{
	if (nl_ip6_link_local(sc->saddr))
		return NL_CONTINUE;
	if (nl_ip6_zero(sc->saddr)) {
		bool dad_or_mld =
			sc->nexthdr == 0 /* hop-by-hop: MLD */ ||
			(sc->nexthdr == NL_IPPROTO_ICMPV6 &&
			 (sc->l4type == NL_ICMP6_NS || sc->l4type == NL_ICMP6_MLD_REPORT ||
			  sc->l4type == NL_ICMP6_MLD2_REPORT));

		/* :: may only ask, never be answered or routed */
		return dad_or_mld && sc->mcast ? NL_CONTINUE : NL_IP6_DROP(NL_C_TX_SPOOF_IP6);
	}
	if (!sc->count)
		return NL_CONTINUE; /* L2-only for IPv6 (docs/ipv6.md) */
	if (nl_ip6_owned(sc, sc->saddr))
		return NL_CONTINUE;
	return nl_ip6_routed_source(sc) ? NL_CONTINUE : NL_IP6_DROP(NL_C_TX_SPOOF_IP6);
}

/* a neighbour solicitation: who answers, into sc->answer and sc->flags */
static __always_inline int nl_ndp_decide(struct nl_ndp_scratch *sc)
{
	struct nl_nart1v6_val *n1;

	if (!sc->ns_ok)
		return NL_IP6_DROP(NL_C_TX_MALFORMED);
	/* the VM asking for its own address, or a DAD probe: never answered */
	if (nl_ip6_zero(sc->saddr) || nl_ip6_owned(sc, sc->target))
		return NL_IP6_DROP(NL_C_TX_NDP_IGNORED);
	if (!sc->count)
		return NL_CONTINUE; /* L2-only for IPv6: ND travels as before */
	sc->flags = NL_NA_F_SOLICITED | NL_NA_F_OVERRIDE;
	if (!nl_ip6_zero(sc->router6) &&
	    (nl_ip6_eq(sc->target, sc->router6) || nl_ip6_eq(sc->target, sc->rll))) {
		nl_mac_copy(sc->answer, sc->router_mac);
		sc->flags |= NL_NA_F_ROUTER;
		return NL_IP6_ANSWERED;
	}
	sc->k.tenant = sc->tenant;
	__builtin_memcpy(sc->k.ip6, sc->target, 16);
	n1 = bpf_map_lookup_elem(&nl_nart1v6, &sc->k);
	/* another subnet's VIF is reached through the router, not by ND */
	if (!n1 || n1->mac_as != sc->mac_as)
		return NL_IP6_NDP_MISS;
	nl_mac_copy(sc->answer, n1->mac);
	return NL_IP6_ANSWERED;
}

/*
 * Fill the scratch entry's error request: from the virtual router
 * (@router), else from the packet's destination; to the VM's source.
 * Returns NL_IP6_NEED_ICMP: nl_tx_ipv6() sends it (one call site keeps the
 * subprogram's stack small).
 */
static __always_inline int nl_ip6_want_error(struct nl_ndp_scratch *sc, bool router, __u8 type,
					     __u32 mtu, __u16 reason)
{
	struct nl_icmp6_req *e = &sc->err;

	nl_mac_copy(e->src_mac, router ? sc->router_mac : sc->dmac);
	nl_mac_copy(e->dst_mac, sc->mac);
	__builtin_memcpy(e->src_ip, router ? sc->router6 : sc->daddr, 16);
	__builtin_memcpy(e->dst_ip, sc->saddr, 16);
	e->type = type;
	e->code = 0;
	e->mtu = mtu;
	e->reason = reason;
	return NL_IP6_NEED_ICMP;
}

/*
 * The flow hash of a routed IPv6 packet: addresses, next header and, for
 * TCP and UDP, the ports (picks a route's next hop, route.h).
 */
static __always_inline __u32 nl_route6_hash(struct __sk_buff *skb, struct nl_ndp_scratch *sc)
{
	const volatile __u32 *a = (const void *)sc->saddr;
	__u32 h = NL_HASH_SEED;

	sc->ports = 0;
	if ((sc->nexthdr == IPPROTO_TCP || sc->nexthdr == IPPROTO_UDP) &&
	    bpf_skb_load_bytes(skb, ETH_HLEN + 40, &sc->ports, 4))
		sc->ports = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 8; i++) /* saddr, then daddr right after it */
		h = nl_hash_mix(h, a[i]);
	h = nl_hash_mix(h, sc->nexthdr);
	h = nl_hash_mix(h, sc->ports);
	return nl_hash_final(h);
}

/*
 * Route @r's next hop for this packet: the first one NART-1 for IPv6 knows
 * from index hash % n on (unknown ones skipped: instant failover), or NULL
 * with sc->k.ip6 = the next hop to ask a WHERE for.
 */
static __always_inline struct nl_nart1v6_val *nl_route6_next_hop(struct __sk_buff *skb,
								 struct nl_ndp_scratch *sc)
{
	struct nl_nart1v6_val *n1;

	/* loop state in the scratch entry: the subprogram has no stack to spill to */
	sc->nh_start = nl_route6_hash(skb, sc) % sc->nh_n;
	sc->k.tenant = sc->tenant;
	for (__u32 i = 0; i < NL_ROUTE_MAX_NH; i++) {
		__u32 j = sc->nh_start + i;

		if (i >= sc->nh_n)
			break;
		if (j >= sc->nh_n)
			j -= sc->nh_n;
		__builtin_memcpy(sc->k.ip6, sc->nh6[j & (NL_ROUTE_MAX_NH - 1)], 16);
		n1 = bpf_map_lookup_elem(&nl_nart1v6, &sc->k);
		if (n1)
			return n1;
	}
	__builtin_memcpy(sc->k.ip6, sc->nh6[sc->nh_start & (NL_ROUTE_MAX_NH - 1)], 16);
	return NULL;
}

/*
 * A NART-1 miss on sc->k.ip6, counted as @reason: the event asking a WHERE
 * by IPv6 (issue 11), sent by the caller (nl_tx_ipv6_verdict()).
 */
static __always_inline int nl_route6_miss(struct nl_ndp_scratch *sc, __u16 mac_as, __u16 reason)
{
	struct nl_event *ev = &sc->ev;

	if (nl_ip6_zero(sc->k.ip6))
		return NL_IP6_DROP(reason);
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->type = NL_EV_NART1V6_MISS;
	ev->tenant = sc->tenant;
	ev->mac_as = mac_as;
	ev->ifindex = sc->ifindex;
	__builtin_memcpy(ev->ip6, sc->k.ip6, 16);
	return NL_IP6_MISS(reason);
}

/*
 * A packet to the virtual router's MAC (patent Fig. 7 steps 705-715 and
 * [0044], for IPv6; issue 16 routes): the longest prefix among the
 * tenant's IPv6 subnets and routes (map "subnets6"); a connected (or
 * unknown) destination's MAC and MAC space from NART-1 for IPv6 (checked
 * against its subnet when the table holds it), a route's next hop picked
 * by flow hash among those NART-1 knows; new MACs, hop limit - 1 (IPv6 has
 * no header checksum, and the hop limit is not in the transport
 * checksums).  A miss asks a WHERE by IPv6.  Returns
 * NL_IP6_ROUTED(mac_as), a drop, or NL_CONTINUE for a VIF without an IPv6
 * router.
 */
static __always_inline int nl_route6(struct __sk_buff *skb, struct nl_ndp_scratch *sc)
{
	struct nl_nart1v6_val *n1;
	struct nl_subnet6_val *sn;
	__u16 mac_as;

	if (nl_ip6_zero(sc->router6))
		return NL_CONTINUE;
	if (nl_ip6_eq(sc->daddr, sc->router6) || nl_ip6_eq(sc->daddr, sc->rll))
		return NL_IP6_DROP(NL_C_TX_TO_ROUTER);
	if (sc->daddr[0] == 0xff || nl_ip6_link_local(sc->daddr))
		return NL_IP6_DROP(NL_C_TX_NO_ROUTE);
	sc->s6.prefixlen = 32 + 128;
	sc->s6.tenant = sc->tenant;
	__builtin_memcpy(sc->s6.ip6, sc->daddr, 16);
	sn = bpf_map_lookup_elem(&nl_subnets6, &sc->s6);
	asm volatile("" : "+r"(sc));
	sc->nh_n = 0;
	sc->sn_found = !!sn;
	if (sn) {
		sc->sn_mac_as = sn->mac_as;
		if (sn->kind == NL_SUBNET_ROUTE) {
			sc->nh_n = sn->n_nh <= NL_ROUTE_MAX_NH ? sn->n_nh : 0;
			__builtin_memcpy(sc->nh6, sn->nh6, sizeof(sc->nh6));
			if (!sc->nh_n)
				return NL_IP6_DROP(NL_C_TX_NO_NEXT_HOP);
		} else if (nl_ip6_eq(sc->daddr, sn->router6)) {
			return NL_IP6_DROP(NL_C_TX_TO_ROUTER);
		}
	}
	if (sc->hlim <= 1)
		return nl_ip6_want_error(sc, true, NL_ICMP6_TIME_EXCEEDED, 0, NL_C_TX_HOP_EXCEEDED);
	if (sc->nh_n) {
		n1 = nl_route6_next_hop(skb, sc);
		if (!n1)
			return nl_route6_miss(sc, 0, NL_C_TX_NO_NEXT_HOP);
	} else {
		sc->k.tenant = sc->tenant;
		__builtin_memcpy(sc->k.ip6, sc->daddr, 16);
		n1 = bpf_map_lookup_elem(&nl_nart1v6, &sc->k);
		if (!n1)
			return nl_route6_miss(sc, sc->sn_found ? sc->sn_mac_as : 0,
					      NL_C_TX_NART1_MISS);
		/* NART-1 and a known subnet must agree on the destination MAC space */
		if (sc->sn_found && sc->sn_mac_as != n1->mac_as)
			return NL_IP6_DROP(NL_C_TX_NO_ROUTE);
	}
	mac_as = n1->mac_as;
	nl_mac_copy(sc->answer, n1->mac);
	nl_mac_copy(sc->na.dst, sc->answer);
	nl_mac_copy(sc->na.src, sc->router_mac);
	sc->hlim--;
	/* addresses in @sc recomputed here, not held in a register spilled to the stack */
	asm volatile("" : "+r"(sc));
	if (bpf_skb_store_bytes(skb, 0, sc->na.dst, 12, 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN + 7, &sc->hlim, 1, 0))
		return NL_IP6_DROP(NL_C_TX_MALFORMED);
	return NL_IP6_ROUTED(mac_as);
}

/*
 * A unicast packet of a VIF with --ip6 that the fabric cannot carry once
 * encapsulated: ICMPv6 packet too big with the usable MTU (fabric MTU minus
 * the encapsulation), from the virtual router (or, without one, from the
 * destination itself).  GSO packets are left to nl_tx_check_mtu(): their
 * segments are what must fit.  NL_CONTINUE, NL_IP6_ICMP(TX_MTU) or a drop.
 */
static __always_inline int nl_ip6_too_big(struct __sk_buff *skb, struct nl_ndp_scratch *sc)
{
	struct nl_config *cfg = bpf_map_lookup_elem(&nl_config, &nl_ndp_zero);
	__u32 overhead, usable;

	if (!cfg || skb->gso_size)
		return NL_CONTINUE;
	overhead = nl_encap_overhead(cfg->encap_mode);
	if (skb->len - ETH_HLEN + overhead <= cfg->fabric_mtu)
		return NL_CONTINUE;
	usable = cfg->fabric_mtu > overhead ? cfg->fabric_mtu - overhead : 0;
	return nl_ip6_want_error(sc, !nl_ip6_zero(sc->router6), NL_ICMP6_PKT_TOO_BIG, usable,
				 NL_C_TX_MTU);
}

/* the ICMPv6 checksum of @na's 32-byte message with its pseudo header */
static __always_inline __u16 nl_na_csum(const struct nl_na_frame *na)
{
	__u32 s = nl_sum16(na->ip6.saddr, 16) + bpf_htons(32) + bpf_htons(NL_IPPROTO_ICMPV6);

	s += nl_sum16(&na->type, 16);
	return nl_csum_fold(s);
}

/* the advertisement over the solicitation: NL_IP6_ANSWERED or a drop */
static __always_inline int nl_ndp_answer(struct __sk_buff *skb, struct nl_ndp_scratch *sc)
{
	struct nl_na_frame *na = &sc->na;

	__builtin_memset(na, 0, sizeof(*na));
	nl_mac_copy(na->dst, sc->mac);
	nl_mac_copy(na->src, sc->answer);
	na->proto = bpf_htons(ETH_P_IPV6);
	na->ip6.vtcfl = bpf_htonl(0x60000000);
	na->ip6.plen = bpf_htons(32);
	na->ip6.nexthdr = NL_IPPROTO_ICMPV6;
	na->ip6.hop_limit = 255;
	__builtin_memcpy(na->ip6.saddr, sc->target, 16);
	__builtin_memcpy(na->ip6.daddr, sc->saddr, 16);
	na->type = NL_ICMP6_NA;
	na->flags = sc->flags;
	__builtin_memcpy(na->target, sc->target, 16);
	na->opt_type = NL_ND_OPT_TLLA;
	na->opt_len = 1;
	nl_mac_copy(na->opt_mac, sc->answer);
	na->csum = nl_na_csum(na);
	if (bpf_skb_change_tail(skb, NL_NA_FRAME_LEN, 0) ||
	    bpf_skb_store_bytes(skb, 0, na->dst, NL_NA_FRAME_LEN, 0))
		return NL_IP6_DROP(NL_C_TX_MALFORMED);
	return NL_IP6_ANSWERED;
}

/*
 * Every IPv6 frame of a VM.  Returns NL_CONTINUE (the frame goes on; the
 * caller re-reads its headers, they may have been pulled),
 * NL_IP6_ROUTED(mac_as) (routed by the virtual router: nl_route6()),
 * NL_IP6_NDP_MISS
 * (the same, counted by the caller), NL_IP6_ANSWERED (the frame is now the
 * advertisement: the caller counts it and sends it back to the VM) or
 * NL_IP6_DROP(reason) for the caller's nl_drop().
 */
static __noinline int nl_tx_ipv6(struct __sk_buff *skb, const struct nl_vif *vif)
{
	struct nl_ndp_scratch *sc = bpf_map_lookup_elem(&nl_ndp_scratch, &nl_ndp_zero);
	struct nl_vif_ip6 *v6;
	int v;

	if (!sc)
		return NL_IP6_DROP(NL_C_TX_MALFORMED);
	sc->tenant = vif->tenant;
	sc->ifindex = vif->ifindex;
	sc->mac_as = vif->mac_as;
	nl_mac_copy(sc->mac, vif->mac);
	nl_mac_copy(sc->router_mac, vif->router_mac);
	nl_ip6_router_ll(sc->router_mac, sc->rll);
	v6 = bpf_map_lookup_elem(&nl_vif_ip6s, &sc->ifindex);
	sc->count = v6 && v6->count <= NL_VIF_MAX_IP6 ? v6->count : 0;
	if (v6)
		__builtin_memcpy(sc->router6, v6->router, 16);
	else
		__builtin_memset(sc->router6, 0, 16);
	v = nl_ip6_parse(skb, sc);
	if (v != NL_CONTINUE)
		return v;
	v = nl_ip6_check_source(sc);
	if (v != NL_CONTINUE)
		return v;
	if (sc->nexthdr != NL_IPPROTO_ICMPV6 || sc->l4type != NL_ICMP6_NS) {
		if (!sc->count || sc->mcast)
			return NL_CONTINUE;
		v = nl_ip6_too_big(skb, sc);
		if (v == NL_CONTINUE && nl_mac_eq(sc->dmac, sc->router_mac))
			v = nl_route6(skb, sc);
		if (v != NL_IP6_NEED_ICMP)
			return v;
		return nl_icmp6_error(skb, &nl_ndp_zero, &sc->err) ? NL_IP6_DROP(sc->err.reason)
								   : NL_IP6_ICMP(sc->err.reason);
	}
	v = nl_ndp_decide(sc);
	if (v != NL_IP6_ANSWERED)
		return v;
	return nl_ndp_answer(skb, sc);
}

/*
 * The caller's side of nl_tx_ipv6(): NL_CONTINUE or the tc verdict.  A
 * routed packet fills @dst's tenant and MAC space (the MAC is the frame's
 * new destination, read by the caller).
 */
static __always_inline int nl_tx_ipv6_verdict(struct __sk_buff *skb, int v,
					      const struct nl_vif *vif, struct nl_vif_key *dst)
{
	if (NL_IP6_IS_ICMP(v)) {
		nl_count(v - NL_IP6_ICMP_BASE);
		return bpf_redirect(vif->ifindex, 0);
	}
	if (NL_IP6_IS_MISS(v)) {
		struct nl_ndp_scratch *sc = bpf_map_lookup_elem(&nl_ndp_scratch, &nl_ndp_zero);
		struct nl_config *cfg = bpf_map_lookup_elem(&nl_config, &nl_ndp_zero);

		if (sc && cfg)
			nl_miss_event6(cfg, &sc->ev);
		return nl_drop(skb, v - NL_IP6_MISS_BASE);
	}
	if (NL_IP6_IS_ROUTED(v)) {
		dst->tenant = vif->tenant;
		dst->mac_as = (__u16)(v - NL_IP6_ROUTED_BASE);
		return NL_CONTINUE;
	}
	if (NL_IP6_IS_DROP(v))
		return nl_drop(skb, NL_IP6_REASON(v));
	if (v == NL_IP6_ANSWERED) {
		nl_count(NL_C_TX_NDP_REPLIED);
		return bpf_redirect(vif->ifindex, 0);
	}
	if (v == NL_IP6_NDP_MISS)
		nl_count(NL_C_TX_NDP_MISS);
	return NL_CONTINUE;
}

#endif /* NL_BPF_NDP_H */

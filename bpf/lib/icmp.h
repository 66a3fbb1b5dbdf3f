/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ICMPv4 errors from the virtual router back to the VM: time exceeded
 * (TTL 1 on a routed packet, the router of patent [0044]) and
 * fragmentation needed (packet too big for the fabric after the
 * encapsulation of [0046]).  The packet is rewritten in place into the
 * error and sent back out of the VIF.
 *
 * The quoted datagram stays where it is in the buffer: the new Ethernet,
 * IPv4 and ICMP headers are pushed in front of it.  A VM that offloads
 * checksums sends CHECKSUM_PARTIAL packets whose csum_start/csum_offset
 * name the checksum field of their transport header, and the error keeps
 * that state (no BPF helper clears it).  Whoever completes checksums in
 * software on the way to the VM (a device without checksum offload, a
 * hypervisor or guest driver honouring "needs checksum") then writes into
 * that field of the *quote*, never into our headers; and the field is set
 * to the fixed point of that completion, so the bytes, and the ICMP
 * checksum over them, are the same whether it happens or not.
 */
#ifndef NL_BPF_ICMP_H
#define NL_BPF_ICMP_H

#include "csum.h"
#include "stats.h"
#include "eth.h"

/*
 * Quote: the original IP header and up to 32 bytes after it (RFC 792 asks
 * for 8, RFC 1812 allows up to 576 in all): enough to hold the checksum
 * field of a TCP header (offset 16) as well as UDP's (offset 6).
 */
#define NL_ICMP_QUOTE_L4  32
#define NL_ICMP_QUOTE_MAX (60 + NL_ICMP_QUOTE_L4)
#define NL_ICMP_QUOTE_BUF 148		      /* 20 + 0x7f + 1: what the verifier can bound */
#define NL_ICMP_HDRS	  (ETH_HLEN + 20 + 8) /* what is pushed: Ethernet, IPv4, ICMP */
_Static_assert(NL_ICMP_QUOTE_L4 == 0x1f + 1,
	       "the quoted transport bytes mask in nl_icmp_fix_partial()");
_Static_assert(NL_ICMP_QUOTE_BUF == sizeof(struct iphdr) + 0x7f + 1 &&
		       NL_ICMP_QUOTE_MAX <= NL_ICMP_QUOTE_BUF,
	       "the quote buffer covers the masked quote length");

/*
 * CHECKSUM_PARTIAL: with the quoted transport header at csum_start and the
 * field at @field, write the fixed point of the completion there
 * (nl_csum_fixed_point()): the completion then rewrites it with itself.
 * @l4_off: quoted transport header, @l4len: its quoted bytes
 * (<= NL_ICMP_QUOTE_L4).  0 or -1.
 */
static __always_inline int nl_icmp_fix_partial(struct __sk_buff *skb, __u32 l4_off, __u32 l4len,
					       __u32 field)
{
	__u8 l4[NL_ICMP_QUOTE_L4] = {};
	__u16 zero = 0, x;
	__s64 sum;

	if (bpf_skb_store_bytes(skb, l4_off + field, &zero, 2, 0))
		return -1;
	if (l4len > NL_ICMP_QUOTE_L4 || l4len < field + 2)
		return -1;
	/* make the bound visible to the verifier: l4len stays in 1..32 */
	l4len -= 1;
	asm volatile("%0 &= 0x1f" : "+r"(l4len));
	l4len += 1;
	if (bpf_skb_load_bytes(skb, l4_off, l4, l4len))
		return -1;
	/* bytes past l4len are zero: summing the whole buffer is exact */
	sum = bpf_csum_diff(NULL, 0, (__be32 *)l4, sizeof(l4), 0);
	if (sum < 0)
		return -1;
	x = nl_csum_fixed_point((__u32)sum);
	return bpf_skb_store_bytes(skb, l4_off + field, &x, 2, 0) ? -1 : 0;
}

/*
 * The VM's packet is counted once, under @reason, on entry: it is consumed
 * either way, answered with the error or, when the error cannot be built,
 * dropped without a second count.  The caller checked the IPv4 header
 * (IHL >= 5, total length within the frame).
 */
static __always_inline int nl_icmp_error(struct __sk_buff *skb, const struct nl_vif *vif,
					 __u32 reason, __u8 type, __u8 code, __u16 mtu)
{
	void *data_end = nl_skb_data_end(skb);
	void *data = nl_skb_data(skb);
	struct iphdr *oip = data + ETH_HLEN;
	__u8 msg[8 + NL_ICMP_QUOTE_BUF] __attribute__((aligned(4))) = {};
	__u32 ihl, l4len, quote, field = 0;
	struct ethhdr eth;
	struct iphdr ip = {};
	__be32 osaddr, odaddr;
	__u8 proto;
	__s64 sum;

	nl_count(reason);
	if (!nl_fits(oip, data_end))
		return TC_ACT_SHOT;
	osaddr = oip->saddr;
	odaddr = oip->daddr;
	proto = oip->protocol;
	ihl = oip->ihl * 4;
	l4len = bpf_ntohs(oip->tot_len);
	if (ihl < sizeof(struct iphdr) || l4len < ihl || l4len > skb->len - ETH_HLEN)
		return TC_ACT_SHOT;
	l4len -= ihl;
	if (l4len > NL_ICMP_QUOTE_L4)
		l4len = NL_ICMP_QUOTE_L4;
	quote = ihl + l4len;
	if (quote > NL_ICMP_QUOTE_MAX)
		return TC_ACT_SHOT;
	/* make the bound visible to the verifier: quote stays in 20..147 */
	quote -= sizeof(struct iphdr);
	asm volatile("%0 &= 0x7f" : "+r"(quote));
	quote += sizeof(struct iphdr);

	/* the quoted datagram stays in place; the headers go in front of it */
	if (bpf_skb_change_tail(skb, ETH_HLEN + quote, 0))
		return TC_ACT_SHOT;
	if (bpf_skb_change_head(skb, NL_ICMP_HDRS - ETH_HLEN, 0))
		return TC_ACT_SHOT;

	if (proto == IPPROTO_TCP)
		field = 16;
	else if (proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE)
		field = 6;
	if (field && l4len >= field + 2) {
		__u32 l4_off = NL_ICMP_HDRS + ihl;
		/* msg as scratch: it is filled below (the stack is nearly full) */
		int partial = nl_skb_csum_partial(skb, l4_off + field, (__u16 *)msg);

		*(__u32 *)msg = 0;
		if (partial < 0)
			return TC_ACT_SHOT;
		if (partial && nl_icmp_fix_partial(skb, l4_off, l4len, field))
			return TC_ACT_SHOT;
	}

	if (bpf_skb_load_bytes(skb, NL_ICMP_HDRS, msg + 8, quote))
		return TC_ACT_SHOT;
	msg[0] = type;
	msg[1] = code;
	msg[6] = mtu >> 8;
	msg[7] = mtu & 0xff;
	/* bytes past the quote are zero, so summing a rounded-up length is exact */
	sum = bpf_csum_diff(NULL, 0, (__be32 *)msg, (8 + quote + 3) & ~3U, 0);
	if (sum < 0)
		return TC_ACT_SHOT;
	*(__u16 *)&msg[2] = nl_csum_fold((__u32)sum);

	nl_mac_copy(eth.h_dest, vif->mac);
	nl_mac_copy(eth.h_source, vif->router_mac);
	eth.h_proto = bpf_htons(ETH_P_IP);
	ip.version = 4;
	ip.ihl = 5;
	ip.tos = 0xc0; /* network control, as routers send errors */
	ip.tot_len = bpf_htons(sizeof(ip) + 8 + quote);
	ip.ttl = NL_OUTER_TTL;
	ip.protocol = IPPROTO_ICMP;
	ip.saddr = vif->router_ip ? vif->router_ip : odaddr;
	ip.daddr = osaddr;
	ip.check = nl_ipv4_csum(&ip);

	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, &ip, sizeof(ip), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN + sizeof(ip), msg, 8, 0))
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

#endif /* NL_BPF_ICMP_H */

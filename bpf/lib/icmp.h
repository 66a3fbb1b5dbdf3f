/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ICMPv4 errors from the virtual router back to the VM: time exceeded
 * (TTL 1 on a routed packet, the router of patent [0044]) and
 * fragmentation needed (packet too big for the fabric after the
 * encapsulation of [0046]).  The packet is rewritten in place into the
 * error and sent back out of the VIF.
 */
#ifndef NL_BPF_ICMP_H
#define NL_BPF_ICMP_H

#include "csum.h"
#include "stats.h"
#include "eth.h"

/* RFC 792: quote the original IP header and the first 8 bytes after it */
#define NL_ICMP_QUOTE_MAX (60 + 8)
#define NL_ICMP_QUOTE_BUF 84 /* 20 + 0x3f + 1: what the verifier can bound */
_Static_assert(NL_ICMP_QUOTE_BUF == sizeof(struct iphdr) + 0x3f + 1 &&
		       NL_ICMP_QUOTE_MAX <= NL_ICMP_QUOTE_BUF,
	       "the quote buffer covers the masked quote length");

/*
 * The VM's packet is counted once, under @reason, on entry: it is consumed
 * either way, answered with the error or, when the error cannot be built,
 * dropped without a second count.
 */
static __always_inline int nl_icmp_error(struct __sk_buff *skb, const struct nl_vif *vif,
					 __u32 reason, __u8 type, __u8 code, __u16 mtu)
{
	void *data_end = nl_skb_data_end(skb);
	void *data = nl_skb_data(skb);
	struct iphdr *oip = data + ETH_HLEN;
	__u8 msg[8 + NL_ICMP_QUOTE_BUF] = {};
	struct ethhdr eth;
	struct iphdr ip = {};
	__be32 osaddr, odaddr;
	__u32 quote, l3len;
	__s64 sum;

	nl_count(reason);
	if (!nl_fits(oip, data_end))
		return TC_ACT_SHOT;
	osaddr = oip->saddr;
	odaddr = oip->daddr;
	quote = oip->ihl * 4 + 8;
	l3len = skb->len - ETH_HLEN;
	if (quote > l3len)
		quote = l3len;
	if (quote < sizeof(struct iphdr) || quote > NL_ICMP_QUOTE_MAX)
		return TC_ACT_SHOT;
	/* make the bound visible to the verifier: quote stays in 20..83 */
	quote -= sizeof(struct iphdr);
	asm volatile("%0 &= 0x3f" : "+r"(quote));
	quote += sizeof(struct iphdr);
	if (bpf_skb_load_bytes(skb, ETH_HLEN, msg + 8, quote))
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

	if (bpf_skb_change_tail(skb, ETH_HLEN + sizeof(ip) + 8 + quote, 0))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, &ip, sizeof(ip), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN + sizeof(ip), msg, 8 + quote, 0))
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

#endif /* NL_BPF_ICMP_H */

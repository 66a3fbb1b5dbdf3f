/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Frames for the operator's tools: build a test frame from a description
 * (`na-loader trace`) and decode one, outer and NetLord-encapsulated inner
 * headers (patent Fig. 8 / docs/wire-format.md), into text or JSON
 * (`trace`, `monitor`).  Pure functions on byte buffers.
 */
#ifndef NL_FRAME_H
#define NL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

enum nl_frame_l3 { NL_L3_NONE = 0, NL_L3_IPV4, NL_L3_IPV6, NL_L3_ARP };

/* what `trace` builds: Ethernet (+802.1Q) + IPv4/IPv6 + TCP/UDP/ICMP, or an ARP request */
struct nl_frame_desc {
	__u8 src_mac[6], dst_mac[6];
	int vlan; /* -1: untagged */
	enum nl_frame_l3 l3;
	__u8 saddr[16], daddr[16]; /* IPv4 in the first 4 bytes, network order */
	__u8 proto;		   /* IPPROTO_TCP, _UDP, _ICMP (ICMPv6 for IPv6) */
	__u16 sport, dport;
	__u8 ttl;
	__u16 payload; /* bytes of zero payload after the L4 header */
};

/* one layer of headers: Ethernet, VLAN, L3, L4 */
struct nl_hdrs {
	bool eth;
	__u8 dst[6], src[6];
	int vlan; /* -1: none */
	__u16 ethertype;
	enum nl_frame_l3 l3;
	__u8 saddr[16], daddr[16];
	__u8 proto, ttl, tos;
	__u16 ip_id, ip_len;
	bool ports;
	__u16 sport, dport;
	bool icmp;
	__u8 icmp_type, icmp_code;
	__u16 arp_op;
	bool truncated; /* the buffer ended inside a header */
};

/* a frame: its outer headers and, when NetLord data, the inner frame */
struct nl_frame {
	__u32 len;
	struct nl_hdrs outer;
	const char *encap; /* NULL, "ip" (IP protocol 143) or "udp" (UDP 24143) */
	struct nl_hdrs inner;
};

/* the outer headers a remote NA puts around a tenant frame (docs/wire-format.md) */
struct nl_frame_outer {
	__u8 dst_mac[6], src_mac[6];
	int vlan;	     /* -1: untagged */
	__be32 saddr, daddr; /* tenant special addresses */
	bool udp;	     /* udp mode: UDP 49152 -> NL_UDP_PORT, else IP protocol 143 */
	__u16 ip_id;	     /* carries the path VLAN */
};

/* builds @d into @buf (at least 1514 bytes); the frame's length or -EINVAL */
int nl_frame_build(const struct nl_frame_desc *d, __u8 *buf, size_t size);
/* wraps the @inner_len bytes at @inner in @o's headers into @buf; the length or -EINVAL */
int nl_frame_wrap(const struct nl_frame_outer *o, const __u8 *inner, size_t inner_len, __u8 *buf,
		  size_t size);
/* decodes @len bytes (of a frame of @wire_len, for the record); never fails */
void nl_frame_decode(const __u8 *buf, size_t len, __u32 wire_len, struct nl_frame *f);
/* one line of text ("52:.. > 52:.., vlan 5, 10.1.0.1 > 10.2.0.1 proto 143 | inner ...") */
void nl_frame_print_text(FILE *out, const struct nl_frame *f);
/* a JSON object {"len":..,"eth":{..},"ipv4":{..},"udp":{..},"encap":"ip","inner":{..}} */
void nl_frame_print_json(FILE *out, const struct nl_frame *f);
/* an IPv4 or IPv6 address of the given family as text */
const char *nl_frame_addr(enum nl_frame_l3 l3, const __u8 *a, char *buf, size_t len);

#endif /* NL_FRAME_H */

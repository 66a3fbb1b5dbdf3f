/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The headers around the answers the agent writes into a VIF (DHCPv4,
 * DHCPv6, router advertisements; docs/dhcp.md): Ethernet + IPv4 + UDP or
 * Ethernet + IPv6 with the transport checksum.  The answer's payload is
 * already in place after the headers.  Plumbing of issue 11, no patent
 * paragraph of its own.
 */
#ifndef NL_CTL_FRAME_H
#define NL_CTL_FRAME_H

#include <stddef.h>
#include <linux/types.h>

#define NL_CTL_UDP4_HLEN (14 + 20 + 8)
#define NL_CTL_IP6_HLEN	 (14 + 40)

/*
 * Ethernet, IPv4 (TTL 64, ID 0, no options) and UDP headers in front of
 * the @plen payload bytes at @out + NL_CTL_UDP4_HLEN; the frame's length.
 */
size_t nl_ctl_udp4(__u8 *out, const __u8 dst_mac[6], const __u8 src_mac[6], __be32 saddr,
		   __be32 daddr, __u16 sport, __u16 dport, size_t plen);

/*
 * Ethernet and IPv6 headers (next header @nexthdr, hop limit @hlim) in
 * front of the @plen payload bytes at @out + NL_CTL_IP6_HLEN, whose
 * checksum field at payload offset @csum_off (UDP 6, ICMPv6 2) is filled;
 * the frame's length.
 */
size_t nl_ctl_ip6(__u8 *out, const __u8 dst_mac[6], const __u8 src_mac[6], const __u8 saddr[16],
		  const __u8 daddr[16], __u8 nexthdr, __u8 hlim, size_t plen, size_t csum_off);

/* the modified EUI-64 link-local address of @mac (RFC 4291 2.5.1): fe80::/64 */
void nl_ctl_link_local(const __u8 mac[6], __u8 out[16]);

#endif /* NL_CTL_FRAME_H */

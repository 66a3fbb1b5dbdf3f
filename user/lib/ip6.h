/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * IPv6 addresses of tenant VIFs (issue 11; the patent's [0026] VIF with
 * IPv6 addresses, [0035] proxy ARP extended to proxy NDP): parsing the
 * operator's "ADDR/PLEN", the rules a VIF address must follow, the check
 * of a whole struct nl_vif_ip6, and the virtual router's link-local
 * address derived from its MAC (docs/ipv6.md).
 */
#ifndef NL_IP6_H
#define NL_IP6_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "netlord.h"

#define NL_IP6_STRLEN 46 /* INET6_ADDRSTRLEN */

/* "X:X::X" into @a (16 bytes, network order); 0 or -EINVAL */
int nl_parse_ipv6(const char *s, __u8 a[16]);
/* "X:X::X/len", len 1..128; 0 or -EINVAL */
int nl_parse_prefix6(const char *s, __u8 a[16], __u8 *len);
/* text form of @a into @buf (>= NL_IP6_STRLEN) */
const char *nl_fmt_ipv6(const __u8 a[16], char *buf);

bool nl_ip6_is_zero(const __u8 a[16]);
/* fe80::/10 */
bool nl_ip6_is_link_local(const __u8 a[16]);
/*
 * An address a VIF may own and HERE may announce: not ::, not ::1, not
 * multicast (ff00::/8), not link-local (fe80::/10: the datapath's own
 * rule), not IPv4-mapped (::ffff:0:0/96).
 */
bool nl_ip6_vif_unicast(const __u8 a[16]);
/* @a and @b agree on their first @plen bits */
bool nl_ip6_same_prefix(const __u8 a[16], const __u8 b[16], unsigned int plen);
/* @a with every bit after the first @plen cleared into @out */
void nl_ip6_mask(const __u8 a[16], unsigned int plen, __u8 out[16]);

/*
 * The rules of a VIF's IPv6 side (na_request_check, the agent): count
 * 0..NL_VIF_MAX_IP6, each used address unicast (nl_ip6_vif_unicast) with
 * a prefix length 1..128, no duplicate, unused entries all zero, and the
 * router (optional, needs an address) unicast, not one of the VIF's own,
 * inside one of their prefixes.  0 or -EINVAL with the reason in @err.
 */
int nl_vif_ip6_check(const struct nl_vif_ip6 *v6, char *err, size_t errlen);

/*
 * The virtual router's link-local address: fe80::/64 with the modified
 * EUI-64 interface identifier of @mac (RFC 4291 appendix A), the source of
 * its neighbour advertisements, ICMPv6 errors and router advertisements.
 */
void nl_ip6_link_local_from_mac(const __u8 mac[6], __u8 out[16]);

/*
 * true when @a is the address SLAAC (modified EUI-64, RFC 4291 app. A) gives
 * the interface with @mac in a /64: only then may a router advertisement
 * invite the guest to autoconfigure it, since the datapath drops any other
 * source address the VIF was not given.
 */
bool nl_ip6_is_slaac_of(const __u8 a[16], unsigned int plen, const __u8 mac[6]);

#endif /* NL_IP6_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Strict parsers for the values operators type: MAC addresses, numbers,
 * IPv4 addresses and prefixes.  0, or -EINVAL with *out untouched or
 * partly written.
 */
#ifndef NL_PARSE_H
#define NL_PARSE_H

#include <linux/types.h>

/* exactly xx:xx:xx:xx:xx:xx (either case), any address */
int nl_parse_mac_text(const char *s, __u8 mac[6]);
/* the same, and unicast, non-zero (a VIF's or a switch's MAC) */
int nl_parse_mac(const char *s, __u8 mac[6]);
/* decimal only, no sign, within [min, max] */
int nl_parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);
/* dotted quad, network order */
int nl_parse_ipv4(const char *s, __be32 *ip);
/* "A.B.C.D/len", len 1..32 */
int nl_parse_prefix(const char *s, __be32 *ip, __u8 *len);

#endif /* NL_PARSE_H */

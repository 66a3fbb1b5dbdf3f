/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Big-endian (network order) fields read from and written into byte
 * buffers at any alignment: the frames the agent parses and builds itself
 * (LLDP [0033], NL-ARP control frames [0040], DHCP, router advertisements).
 * One copy for every codec instead of a get16/put32 in each file.
 */
#ifndef NL_WIRE_BYTES_H
#define NL_WIRE_BYTES_H

#include <linux/types.h>

static inline __u16 nl_get_be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static inline __u32 nl_get_be32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static inline void nl_put_be16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

static inline void nl_put_be32(__u8 *p, __u32 v)
{
	p[0] = (__u8)(v >> 24);
	p[1] = (__u8)(v >> 16);
	p[2] = (__u8)(v >> 8);
	p[3] = (__u8)v;
}

#endif /* NL_WIRE_BYTES_H */

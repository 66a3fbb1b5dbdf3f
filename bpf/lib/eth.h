/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Ethernet address helpers (a VIF is <tenant, MAC_AS_ID, MAC>, patent [0026]). */
#ifndef NL_BPF_ETH_H
#define NL_BPF_ETH_H

#include "common.h"

static __always_inline bool nl_mac_eq(const __u8 *a, const __u8 *b)
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4]) |
		(a[5] ^ b[5])) == 0;
}

static __always_inline void nl_mac_copy(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, ETH_ALEN);
}

/* Group bit: broadcast and every multicast address. */
static __always_inline bool nl_mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1;
}

static __always_inline bool nl_eth_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

#endif /* NL_BPF_ETH_H */

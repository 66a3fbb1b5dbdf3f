/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Tenant special addresses (patent [0020], [0047]; docs/wire-format.md,
 * "Outer IPv4 addresses").
 *
 *   16-bit scheme: destination 10.p.T    source 10.M.T
 *   24-bit scheme: destination p.T       source M.T
 *
 * p = egress edge switch port, T = tenant ID, M = MAC_AS_ID of the
 * destination VIF: the receiver needs (T, M, inner MAC) to find the VIF and
 * the edge switches only ever route on the destination.
 */
#ifndef NL_BPF_ADDR_H
#define NL_BPF_ADDR_H

#include "common.h"

static __always_inline bool nl_tenant24(const struct nl_config *cfg)
{
	return cfg->tenant_bits == NL_TENANT_BITS_24;
}

static __always_inline __u32 nl_tenant_mask(const struct nl_config *cfg)
{
	return nl_tenant24(cfg) ? 0xffffffU : 0xffffU;
}

static __always_inline bool nl_tenant_valid(const struct nl_config *cfg, __u32 tenant)
{
	__u32 max = nl_tenant24(cfg) ? NL_TENANT_MAX_24 : NL_TENANT_MAX_16;

	return tenant >= NL_TENANT_MIN && tenant <= max;
}

/* Address (host byte order) whose "port" octet is @octet, tenant @tenant. */
static __always_inline __u32 nl_special_addr(const struct nl_config *cfg, __u32 octet, __u32 tenant)
{
	if (nl_tenant24(cfg))
		return ((octet & 0xff) << 24) | (tenant & 0xffffff);
	return (10U << 24) | ((octet & 0xff) << 16) | (tenant & 0xffff);
}

/* The octet that holds the port (destination) or MAC_AS_ID (source). */
static __always_inline __u32 nl_addr_octet(const struct nl_config *cfg, __u32 addr)
{
	return nl_tenant24(cfg) ? addr >> 24 : (addr >> 16) & 0xff;
}

/* 16-bit scheme addresses all live in 10.0.0.0/8. */
static __always_inline bool nl_addr_in_scheme(const struct nl_config *cfg, __u32 addr)
{
	return nl_tenant24(cfg) || (addr >> 24) == 10;
}

#endif /* NL_BPF_ADDR_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Router solicitations in, router advertisements out (ra.h; RFC 4861,
 * RFC 8106; issue 11).  The input is a VM's frame: every length is
 * checked before it is read (fuzzed by tests/fuzz/fuzz_dhcp.c).
 */
#include <errno.h>
#include <string.h>

#include "ctl_frame.h"
#include "ra.h"
#include "util.h"
#include "wire_bytes.h"

#define ICMPV6_RS	133
#define ICMPV6_RA	134
#define OPT_SLLA	1
#define OPT_PREFIX	3
#define OPT_MTU		5
#define OPT_RDNSS	25
#define RA_FLAG_MANAGED 0x80
#define RA_FLAG_OTHER	0x40
#define PFX_FLAG_ONLINK 0x80
#define PFX_FLAG_AUTO	0x40

int nl_rs_parse(const __u8 *frame, size_t len, struct nl_rs *rs)
{
	static const __u8 any[16];
	const __u8 *ip = frame + 14, *icmp = ip + 40;
	__u8 pseudo[8] = {0};
	size_t plen, i;

	memset(rs, 0, sizeof(*rs));
	if (len < 14 + 40 + 8 || nl_get_be16(frame + 12) != 0x86dd || (ip[0] >> 4) != 6)
		return -EINVAL;
	plen = nl_get_be16(ip + 4);
	if (ip[6] != 58 || ip[7] != 255 || plen < 8 || plen > len - 14 - 40 ||
	    icmp[0] != ICMPV6_RS || icmp[1] != 0)
		return -EINVAL;
	pseudo[2] = (__u8)(plen >> 8);
	pseudo[3] = (__u8)plen;
	pseudo[7] = 58;
	if (nl_csum_fold(
		    nl_csum_add(nl_csum_add(nl_csum_add(0, ip + 8, 32), pseudo, 8), icmp, plen)))
		return -EINVAL;
	for (i = 8; i < plen;) {
		__u8 olen;

		if (i + 2 > plen)
			return -EINVAL;
		olen = icmp[i + 1];
		if (!olen || i + 8 * (size_t)olen > plen)
			return -EINVAL;
		if (icmp[i] == OPT_SLLA && !memcmp(ip + 8, any, 16))
			return -EINVAL;
		i += 8 * (size_t)olen;
	}
	memcpy(rs->src_mac, frame + 6, 6);
	memcpy(rs->src, ip + 8, 16);
	return 0;
}

int nl_ra_build(const struct nl_ra_cfg *c, __u8 *out, size_t cap)
{
	__u8 *ra = out + NL_CTL_IP6_HLEN, *p;
	__u8 np = c->nprefix < NL_RA_MAX_PREFIX ? c->nprefix : NL_RA_MAX_PREFIX;
	__u8 nd = c->ndns < NL_RA_MAX_DNS ? c->ndns : NL_RA_MAX_DNS;

	if (cap < NL_RA_FRAME_MAX)
		return -ENOSPC;
	memset(ra, 0, 16);
	ra[0] = ICMPV6_RA;
	ra[4] = 64; /* cur hop limit */
	/* managed: addresses and DNS by DHCPv6 (the O flag is implied) */
	ra[5] = c->managed ? RA_FLAG_MANAGED | RA_FLAG_OTHER : 0;
	nl_put_be16(ra + 6, c->lifetime_s);
	p = ra + 16;
	/* source link-layer address: no NS needed to reach the router */
	p[0] = OPT_SLLA;
	p[1] = 1;
	memcpy(p + 2, c->src_mac, 6);
	p += 8;
	if (c->mtu) {
		memset(p, 0, 8);
		p[0] = OPT_MTU;
		p[1] = 1;
		nl_put_be32(p + 4, c->mtu);
		p += 8;
	}
	for (int i = 0; i < np; i++) {
		memset(p, 0, 32);
		p[0] = OPT_PREFIX;
		p[1] = 4;
		p[2] = c->prefix[i].plen;
		p[3] = PFX_FLAG_ONLINK | (c->managed || c->prefix[i].no_auto ? 0 : PFX_FLAG_AUTO);
		nl_put_be32(p + 4, NL_RA_VALID_LIFETIME_S);
		nl_put_be32(p + 8, NL_RA_PREFERRED_S);
		memcpy(p + 16, c->prefix[i].addr, 16);
		p += 32;
	}
	if (nd) {
		memset(p, 0, 8);
		p[0] = OPT_RDNSS;
		p[1] = (__u8)(1 + 2 * nd);
		nl_put_be32(p + 4, NL_RA_DNS_LIFETIME_S);
		for (int i = 0; i < nd; i++)
			memcpy(p + 8 + 16 * i, c->dns[i], 16);
		p += 8 + 16 * nd;
	}
	return (int)nl_ctl_ip6(out, c->dst_mac, c->src_mac, c->src, c->dst, 58, 255,
			       (size_t)(p - ra), 2);
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Router advertisements of the virtual router (RFC 4861, RFC 8106; issue
 * 11, docs/dhcp.md): a pure codec, no I/O.  nl_rs_parse() checks a VM's
 * router solicitation (RFC 4861 6.1.1), nl_ra_build() writes the
 * advertisement for a VIF's IPv6 subnets: prefix information (autonomous
 * for SLAAC, the managed flag for DHCPv6), MTU, router lifetime, RDNSS.
 * The virtual router is the patent's per-tenant router ([0044]); the NA
 * answers for it locally, as proxy ARP does ([0035]).
 */
#ifndef NL_RA_H
#define NL_RA_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define NL_RA_MAX_PREFIX 4
#define NL_RA_MAX_DNS	 4
#define NL_RA_FRAME_MAX	 512

/* RFC 4861 10 defaults, which the agent uses */
#define NL_RA_MAX_INTERVAL_S	 600	 /* MaxRtrAdvInterval */
#define NL_RA_MIN_INTERVAL_S	 198	 /* MinRtrAdvInterval = 0.33 * Max */
#define NL_RA_INITIAL_INTERVAL_S 16	 /* MAX_INITIAL_RTR_ADVERT_INTERVAL */
#define NL_RA_INITIAL_COUNT	 3	 /* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define NL_RA_ROUTER_LIFETIME_S	 1800	 /* 3 * MaxRtrAdvInterval */
#define NL_RA_VALID_LIFETIME_S	 2592000 /* AdvValidLifetime: 30 days */
#define NL_RA_PREFERRED_S	 604800	 /* AdvPreferredLifetime: 7 days */
#define NL_RA_DNS_LIFETIME_S	 1800	 /* RFC 8106: at least 3 * MaxRtrAdvInterval */

struct nl_ra_prefix {
	__u8 addr[16]; /* host bits zero */
	__u8 plen;
	bool no_auto; /* on-link only: SLAAC would not give the VIF its address */
};

struct nl_ra_cfg {
	__u8 src_mac[6]; /* the virtual router's MAC */
	__u8 src[16];	 /* its link-local address */
	__u8 dst_mac[6];
	__u8 dst[16];	  /* ff02::1 or the soliciting VM */
	bool managed;	  /* M flag: addresses by DHCPv6; else the prefixes are autonomous */
	__u16 lifetime_s; /* router lifetime, 0 = not a default router */
	__u32 mtu;	  /* MTU option, 0 = none */
	__u8 nprefix;
	struct nl_ra_prefix prefix[NL_RA_MAX_PREFIX];
	__u8 ndns;
	__u8 dns[NL_RA_MAX_DNS][16]; /* RDNSS */
};

/* a router solicitation (RFC 4861 4.1) */
struct nl_rs {
	__u8 src_mac[6]; /* Ethernet source */
	__u8 src[16];	 /* IPv6 source, :: allowed */
};

/*
 * Parse @len bytes of Ethernet frame @frame as a valid router solicitation
 * (RFC 4861 6.1.1: hop limit 255, code 0, length, checksum, options of
 * nonzero length, no source link-layer option from ::).  0 or -EINVAL.
 */
int nl_rs_parse(const __u8 *frame, size_t len, struct nl_rs *rs);

/* The advertisement as an Ethernet frame into @out; its length or -ENOSPC */
int nl_ra_build(const struct nl_ra_cfg *c, __u8 *out, size_t cap);

#endif /* NL_RA_H */

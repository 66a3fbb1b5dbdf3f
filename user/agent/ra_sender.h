/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The virtual router's IPv6 router advertisements into each VIF that has
 * IPv6 addresses (issue 11, docs/dhcp.md): unsolicited ones at a random
 * interval within RFC 4861's limits (the first NL_RA_INITIAL_COUNT at most
 * NL_RA_INITIAL_INTERVAL_S apart), and an answer to each router
 * solicitation the datapath punts (responder.c), unicast to the VM.  The
 * prefixes are the VIF's subnets; SLAAC or managed, DNS servers from the
 * subnet's settings (subnets.h).  The router is the patent's virtual
 * router ([0044]), answered for locally as proxy ARP is ([0035]).
 */
#ifndef NA_RA_SENDER_H
#define NA_RA_SENDER_H

#include <linux/types.h>

#include "maps.h"
#include "stats.h"
#include "subnets.h"
#include "tenant_net.h"

struct na_vif_tx;

struct na_ra_vif {
	int ifindex; /* 0 = free */
	struct nl_vif vif;
	struct nl_vif_ip6 v6;
	__u64 next_ms;	  /* next unsolicited advertisement */
	__u64 last_mc_ms; /* last multicast one (RFC 4861 MIN_DELAY_BETWEEN_RAS) */
	int initial_left;
};

struct na_ra {
	const struct na_maps *maps;
	struct na_vif_tx *tx;
	struct na_stats *st;
	struct na_subnets *const *subnets; /* the responder's, replaced on reload */
	const struct na_tenant_net *tnet;  /* the tenants file's subnets (tenant_net.h) */
	__u32 seed;
	int n; /* used entries of vifs[] */
	struct na_ra_vif vifs[NL_MAX_VIFS];
};

/* the link-local address of the virtual router with MAC @mac (docs/dhcp.md) */
void na_ra_router_ll(const __u8 mac[6], __u8 out[16]);

/* VIF @ifindex has (or, count 0, no longer has) IPv6 addresses: advertise them */
void na_ra_vif_set(struct na_ra *ra, int ifindex, const struct nl_vif *vif,
		   const struct nl_vif_ip6 *v6, __u64 now_ms);
void na_ra_vif_del(struct na_ra *ra, int ifindex);
/* at start: every VIF with IPv6 in the pinned maps (vifs, vif_ip6s) */
void na_ra_load(struct na_ra *ra, __u64 now_ms);
/* the IPv6 side of VIF @ifindex, NULL if it has none */
const struct nl_vif_ip6 *na_ra_vif6(struct na_ra *ra, int ifindex);
/* the unsolicited advertisements that are due */
void na_ra_tick(struct na_ra *ra, __u64 now_ms);
/* a punted router solicitation from VIF @ifindex: answered to the VM */
void na_ra_solicited(struct na_ra *ra, int ifindex, const __u8 *frame, size_t len);

#endif /* NA_RA_SENDER_H */

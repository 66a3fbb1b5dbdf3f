/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * NL-ARP address resolution (patent Fig. 5, [0027]-[0035]): announcing
 * the VIFs hosted here (HERE, HERE+GONE), applying what other NAs announce
 * (through nart_apply(), the one application path), answering WHERE for
 * our VIFs, asking WHERE on a miss and telling a sender NOT-HERE.
 */
#ifndef NA_RESOLVER_H
#define NA_RESOLVER_H

#include <stdbool.h>

#include "location.h"
#include "maps.h"
#include "nart_store.h"
#include "nlarp_io.h"
#include "probe.h"
#include "stats.h"

struct nl_ratelimit;

struct na_resolver {
	struct na_nlarp_io *io;
	const struct na_location *loc;
	struct nart_store *tables;
	const struct na_maps *maps; /* the local VIFs */
	struct na_probe *probe;	    /* learns probe peers from HEREs */
	struct na_stats *st;
	struct nl_ratelimit *rl; /* WHERE / NOT-HERE per destination */
};

int na_resolver_init(struct na_resolver *r);
void na_resolver_free(struct na_resolver *r);

/*
 * Stamp a new loc_version on local VIF @v (newer than anything known for
 * it), record our own location in NART-2 and broadcast HERE, or HERE+GONE
 * with @gone.  Nothing is sent before LLDP gave a location.  0 or -errno.
 */
int na_announce_vif(struct na_resolver *r, const struct nl_vif *v, bool gone);
/* the same with the VIF's IPv6 side @v6 given (its map entry may be gone) */
int na_announce_vif6(struct na_resolver *r, const struct nl_vif *v, const struct nl_vif_ip6 *v6,
		     bool gone);
/*
 * Announce every local VIF.  Without @force (agent start) a VIF whose entry
 * names another place with a newer version is skipped: it is migrating
 * away.  @force: our own place changed (LLDP), every VIF moved with us.
 */
void na_announce_all(struct na_resolver *r, bool force);

/* an na_nlarp_rx_fn: a message from another NA (@ctx is the resolver) */
void na_resolver_rx(void *ctx, const struct nlarp_fields *m);

/* broadcast WHERE for (tenant, mac_as, mac), or by @ip if non-zero */
void na_where_send(struct na_resolver *r, __u32 tenant, __u16 mac_as, const __u8 *mac, __be32 ip);
/* broadcast WHERE by the IPv6 address @ip6 of @tenant (rate-limited per address) */
void na_where_send6(struct na_resolver *r, __u32 tenant, const __u8 ip6[16]);
/*
 * The datapath got a frame for VIF (tenant, mac_as, mac) that is not here:
 * tell the NA hosting the sender (@peer_mac, @peer_ip), else everybody.
 */
void na_not_here_send(struct na_resolver *r, __u32 tenant, __u16 mac_as, const __u8 *mac,
		      const __u8 *peer_mac, __be32 peer_ip);

#endif /* NA_RESOLVER_H */

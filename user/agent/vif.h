/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The VIFs hosted on this server ([0026]: a VIF is <tenant, MAC_AS, MAC>):
 * `vif add` fills nl_vifs/nl_local_vifs (+ NART-1 and the subnet table for
 * an IP VIF; nl_vif_ip6s, the IPv6 index and subnets for IPv6), sets the MTU, attaches the tc
 * program and broadcasts HERE; `vif del` undoes it and broadcasts HERE with the GONE flag.  The
 * pinned nl_vifs map is the source of truth: a restarted agent re-adopts every VIF from it
 * (na_vif_readopt).
 */
#ifndef NA_VIF_H
#define NA_VIF_H

#include <stddef.h>

#include "location.h"
#include "maps.h"
#include "nart_store.h"
#include "resolver.h"
#include "uplink.h"

struct na_incoming;
struct na_tenant_net;

/* the router MAC every virtual router answers with (locally administered) */
#define NA_ROUTER_MAC                              \
	{                                          \
		0x02, 0x4e, 0x4c, 0x52, 0x00, 0x01 \
	}

struct na_flood;

struct na_vifs {
	const struct na_maps *maps;
	struct nart_store *tables;
	struct na_resolver *res; /* announces */
	const struct na_uplink *up;
	const struct na_location *loc; /* the tenant scheme */
	int encap_mode;
	int prog_fd;		      /* nl_vif_ingress */
	struct na_flood *flood;	      /* broadcast members: told of each change (NULL: none) */
	struct na_incoming *incoming; /* announce on resume; NULL: the flag is ignored */
	/* the tenants file in force: its subnets and routes follow the VIFs (NULL: none) */
	const struct na_tenant_net *tnet;
};

/*
 * 0, or a -errno with a message for the operator in @err: -ENODEV (no such
 * interface), -EDOM (a value outside the tenant scheme), -EEXIST (conflicts
 * with a VIF here), -EBUSY (the uplink), -ENOSPC, -EIO.  Adding the same VIF
 * again with the same values is not an error.  NL_VIF_F_INCOMING in
 * @req->flags: the destination of a live migration, announced when the guest
 * first transmits (incoming.h); adding it again without the flag announces it.
 */
int na_vif_add(struct na_vifs *vs, const char *ifname, const struct nl_vif *req,
	       const struct nl_vif_ip6 *req6, char *err, size_t errlen);
/* 0, -ENODEV or -ENOENT (not a VIF of this agent) */
int na_vif_del(struct na_vifs *vs, const char *ifname, char *err, size_t errlen);
/* every VIF must still exist and carry our program; gone ones are withdrawn */
void na_vif_readopt(struct na_vifs *vs);
/* at start: the freshly loaded program on every pinned VIF */
void na_vif_reattach_all(struct na_vifs *vs);
/* bytes the encapsulation adds: the VIF MTU is the uplink's minus this */
int na_vif_overhead(int encap_mode);

#endif /* NA_VIF_H */

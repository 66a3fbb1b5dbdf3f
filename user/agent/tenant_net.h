/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tenant networks in force on this agent (docs/tenants.md, issue 16):
 * the tenants file the configuration repository publishes with the VLAN
 * table (patent [0013]: a tenant's subnets, each backed by one MAC address
 * space and with a virtual router address; [0053]: the public tenant's
 * routes to the gateways), parsed by user/lib/tenants.c.  The repository
 * side hands each new file here; the virtual router (subnets and routes in
 * the datapath's LPM maps), `vif add`'s address check and the DHCP/RA
 * settings read it from here.  One owner of the parsed file, so a reload
 * never leaves a reader with a freed table.
 */
#ifndef NA_TENANT_NET_H
#define NA_TENANT_NET_H

#include <stdbool.h>
#include <linux/types.h>

#include "tenants.h"

struct na_maps;

struct na_tenant_net {
	struct nl_tenants *file; /* in force (owned), NULL = none received yet */
	char etag[128];		 /* of the file in force, "" = unknown */
	__u64 loaded_ms;	 /* monotonic time it came into force, 0 = never */
	/*
	 * a file (or none) was put in force since the agent started: the
	 * entries a former run installed from a file may be replaced
	 */
	bool known;
	const struct na_maps *maps;
};

void na_tenant_net_init(struct na_tenant_net *tn, const struct na_maps *maps);
void na_tenant_net_free(struct na_tenant_net *tn);

/*
 * A new tenants file (ownership moves here; NULL withdraws the one in force)
 * with its @etag (may be NULL).  The subnets and routes of every tenant with
 * a VIF here go into the datapath's LPM maps, by difference with what is
 * there (vrouter.h).  The previous file is freed after the new one is in
 * force.  0 or -errno (of the maps: the file is in force all the same).
 */
int na_tenant_net_set(struct na_tenant_net *tn, struct nl_tenants *file, const char *etag);

/* tenant @id of the file in force, or NULL (no file, or not defined there) */
const struct nl_tenant *na_tenant_net_find(const struct na_tenant_net *tn, __u32 id);

#endif /* NA_TENANT_NET_H */

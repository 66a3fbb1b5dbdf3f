/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where this server sits in the fabric (patent Fig. 3, [0021]): the edge
 * switch MAC and port learned from the switch's LLDP frames, and the
 * server address 10.p.0.1 put on the uplink so the kernel answers the
 * switch's ARP for it.  Rules: docs/lldp.md.
 */
#ifndef NA_LOCATION_H
#define NA_LOCATION_H

#include <stdbool.h>
#include <linux/types.h>

#include "stats.h"
#include "uplink.h"

struct na_location {
	bool ready; /* an LLDP frame named switch and port */
	__u8 switch_mac[6];
	__u16 port;
	__be32 server_addr;
	int tenant_bits; /* the address scheme in force (enum nl_tenant_bits) */
};

/* an AF_PACKET socket on the uplink for LLDP; fd or -errno */
int na_lldp_open(const struct na_uplink *up);

/*
 * Read every queued LLDP frame.  When one names another switch or port
 * than @loc, the server address moves and @loc is updated: returns 1 (the
 * caller reconfigures what depends on the location), else 0.
 */
int na_lldp_read(int fd, const struct na_uplink *up, struct na_location *loc, struct na_stats *st);

/* add or remove the server address of @loc on the uplink; 0 or -errno */
int na_server_addr_apply(const struct na_uplink *up, const struct na_location *loc, bool add);

#endif /* NA_LOCATION_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The VLAN table in force (patent [0036]-[0038]): fetched from the
 * configuration repository (GET /v1/vlan-table) or read from a local file,
 * validated (vlan_table.c), and the rows whose source is our edge switch
 * loaded into the switch array the datapath reads.  Any error (unreachable,
 * malformed, our switch missing) is logged and the table in force stays.
 */
#ifndef NA_VLAN_CONFIG_H
#define NA_VLAN_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#include "location.h"
#include "maps.h"
#include "nart_store.h"
#include "probe.h"
#include "stats.h"

struct na_vlan_config {
	char repo[PATH_MAX]; /* http://host:port[/path], host:port or a file; "" = none */
	bool loaded;
	__u64 serial;
	unsigned int rows;
	char error[256]; /* the last error, "" after a success */
	/* what loading needs */
	const struct na_location *loc;
	struct nart_store *tables;
	const struct na_maps *maps; /* config map: the broadcast VLAN */
	struct na_probe *probe;	    /* rows go in through the failover state */
	__u16 *broadcast_vlan;	    /* NL-ARP broadcasts use it (nlarp_io) */
	struct na_stats *st;
};

/*
 * Fetch and load the table; @force reloads a table with the serial in
 * force.  0 (also with no repository given), or -errno with vc->error set.
 */
int na_vlan_config_refresh(struct na_vlan_config *vc, bool force);

#endif /* NA_VLAN_CONFIG_H */

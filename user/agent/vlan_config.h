/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The VLAN table in force (patent [0036]-[0038]): our edge switch's row
 * fetched from the configuration repository (GET /v1/row/<mac>, or the
 * whole table from an older repository; or from etcd, watched: repo_client.h)
 * or a table read from a local file,
 * validated (vlan_table.c), and the rows whose source is our edge switch
 * loaded into the switch array the datapath reads.  Any error (unreachable,
 * malformed, our switch missing) is logged and the table in force stays.
 * From a repository the fetch runs in the agent's event loop
 * (http_fetch.h): a refresh starts it and returns, the table is loaded
 * when it arrives, and a table whose ETag has not changed is not sent
 * again (If-None-Match, 304).
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

struct nl_repo;
struct na_tenants_src;

struct na_vlan_config {
	/* http[s]://host:port[/path], host:port, etcd://host:port[,...]/prefix or a file */
	char repo[PATH_MAX];
	char ca_file[PATH_MAX]; /* https, etcds: CA bundle, "" = the system's */
	/* https, etcds: our client certificate and its key ("" = none, in cert_file) */
	char cert_file[PATH_MAX], key_file[PATH_MAX];
	char url[1024];		/* the repository's URL ("" for a file) */
	struct nl_repo *repo_c; /* the repository client (repo_client.h), NULL for a file */
	char client_src[PATH_MAX], client_ca[PATH_MAX]; /* what repo_c was made for */
	char client_cert[PATH_MAX], client_key[PATH_MAX];
	int ep; /* the event loop watches it: repo_c's fd inside */
	bool ep_open;
	bool force_pending; /* the running fetch reloads even an unchanged serial */
	bool refetch;	    /* a forced refresh came during a fetch: another one after it */
	char etag[128];	    /* of the table in force */
	/* told the outcome of each repository fetch (0 or -errno, vc->error) */
	void (*fetched)(void *ctx, int rc);
	void *fetched_ctx;
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
	struct na_tenants_src *tsrc; /* the tenants file fetched with the row (may be NULL) */
};

/* the repository client (after repo and the TLS files are set); 0 or -errno */
int na_vlan_config_open(struct na_vlan_config *vc);
void na_vlan_config_close(struct na_vlan_config *vc);
/* what the event loop watches for the repository client */
int na_vlan_config_fd(const struct na_vlan_config *vc);
/* the client's ready work (never waits) */
void na_vlan_config_run(struct na_vlan_config *vc);
/* a repository fetch is running; its outcome goes to vc->fetched */
bool na_vlan_config_fetching(const struct na_vlan_config *vc);

/*
 * Fetch and load the table; @force reloads a table with the serial in
 * force (and sends no If-None-Match).  A file is read and loaded at once:
 * 0 or -errno with vc->error set.  From a repository: 0 once the fetch is
 * started (or one runs already); the outcome is logged and kept in
 * vc->error when it arrives.
 */
int na_vlan_config_refresh(struct na_vlan_config *vc, bool force);

#endif /* NA_VLAN_CONFIG_H */

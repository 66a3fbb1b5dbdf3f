/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `na-loader attach <iface>`: the Network Agent daemon (patent Fig. 3).  It
 * loads the datapath, learns its location, keeps the VLAN table and the
 * NARTs current and serves the control socket, in one epoll loop, until
 * SIGTERM/SIGINT or `detach`.  The datapath keeps forwarding after it exits.
 */
#ifndef NA_DAEMON_H
#define NA_DAEMON_H

#include <limits.h>
#include <stdbool.h>
#include <net/if.h>

#include "config.h"

/* na_daemon_run(): the event loop failed after a successful start */
#define NA_ERR_RUNTIME (-4096)

struct na_daemon_opts {
	char ifname[IF_NAMESIZE];
	char repo[PATH_MAX];	 /* VLAN table source, "" = none */
	char repo_ca[PATH_MAX];	 /* https repository: CA bundle, "" = the system's */
	int encap_mode;		 /* enum nl_encap_mode, -1: the pinned one, else ip */
	int tenant_bits;	 /* 16 or 24, 0: the pinned one, else 16 */
	char key_file[PATH_MAX]; /* NL-ARP keys, "" = NLARP_AUTH_DEFAULT_KEY_FILE */
	bool insecure_no_auth;	 /* NL-ARP without authentication (logged) */
	struct na_ops_opts ops;	 /* config file, metrics, log level, refresh (ops.h) */
	int rx_path;		 /* enum nl_rx_path (encap_mode.h), 0: auto */
	/* VIFs per NART (nart_size.h), 0: the pinned size or the default */
	unsigned int nart_entries;
	bool nart_hosted_only; /* --nart-tenants hosted (tenant_filter.h) */
};

/*
 * 0 after a clean stop; during start -EINVAL (bad interface name, or
 * options that contradict the pinned state) or another -errno (not root,
 * no BTF, no interface, load or attach failed, another agent running);
 * NA_ERR_RUNTIME if the loop failed later.
 */
int na_daemon_run(const struct na_daemon_opts *o);

#endif /* NA_DAEMON_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo serve: the configuration repository's HTTP server; the network
 * agents fetch the VLAN table from it at boot (patent [0012]: the repository
 * at a well-known address).  See serve.c.
 */
#ifndef NA_REPO_SERVE_H
#define NA_REPO_SERVE_H

struct serve_opts {
	const char *listen; /* "addr:port", port 0 = any (printed) */
	const char *dir;    /* compiled directory holding vlan-table.txt */
	int timeout_ms;	    /* per connection: whole request, then write progress */
	int max_conns;
	int metrics; /* also answer GET /metrics (repo_metrics.h) */
};

/*
 * Serve until SIGINT/SIGTERM: 0, or -errno when the table cannot be loaded,
 * the socket cannot listen, or the event loop fails (the reason is logged).
 */
int repo_serve(const struct serve_opts *o);

#endif

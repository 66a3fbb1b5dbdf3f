/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef NA_REPO_SERVE_H
#define NA_REPO_SERVE_H

struct serve_opts {
	const char *listen; /* "addr:port", port 0 = any (printed) */
	const char *dir;    /* compiled directory holding vlan-table.txt */
	int timeout_ms;	    /* per connection: whole request, then write progress */
	int max_conns;
};

int repo_serve(const struct serve_opts *o);

#endif

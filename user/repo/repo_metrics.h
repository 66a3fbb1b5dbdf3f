/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `na-repo serve --metrics`: what the configuration repository (patent
 * [0036]: the VLAN table the agents download) tells Prometheus at GET
 * /metrics: requests by URL and status code, body bytes sent, the table's
 * serial, size and load time, reloads.  Counted by the serve loop's one
 * thread; names in docs/operations.md.
 */
#ifndef NA_REPO_METRICS_H
#define NA_REPO_METRICS_H

#include <stddef.h>
#include <stdio.h>

/* one answer: @route is a path the server knows, or NULL (counted as "other") */
void repo_metrics_request(const char *route, unsigned int code, size_t body_bytes);

/* more body bytes for @route's last answer (sized after it was counted) */
void repo_metrics_request_bytes(const char *route, size_t body_bytes);

/* a table put in force (at start or on SIGHUP) */
void repo_metrics_table(unsigned long long serial, size_t bytes);
/* a SIGHUP whose table did not parse (the old one stays) */
void repo_metrics_reload_failed(void);

/* the exposition text (prom.h) */
void repo_metrics_render(FILE *f);

#endif /* NA_REPO_METRICS_H */

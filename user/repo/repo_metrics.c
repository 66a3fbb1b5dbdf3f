// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The configuration repository's metrics (repo_metrics.h): counters kept by
 * the serve loop, written in the Prometheus text format by user/lib/prom.c.
 * The operator's view of the VLAN table service of patent [0036].
 */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "prom.h"
#include "repo_metrics.h"
#include "util.h"

#ifndef NETLORD_VERSION
#define NETLORD_VERSION "unknown"
#endif

#define MAX_ROUTES 8  /* distinct known paths; the rest count as "other" */
#define MAX_CODES  16 /* distinct status codes per path */

struct route_stats {
	char path[64];
	unsigned int ncodes;
	unsigned int code[MAX_CODES];
	unsigned long long requests[MAX_CODES];
	unsigned long long bytes;
};

static struct route_stats routes[MAX_ROUTES + 1]; /* the last: "other" */
static unsigned int nroutes;
static unsigned long long serial, reloads_ok, reloads_failed;
static size_t table_bytes;
static double load_time;

static struct route_stats *route(const char *path)
{
	struct route_stats *other = &routes[MAX_ROUTES];

	if (!other->path[0])
		strcpy(other->path, "other");
	if (!path || strlen(path) >= sizeof(other->path))
		return other;
	for (unsigned int i = 0; i < nroutes; i++)
		if (!strcmp(routes[i].path, path))
			return &routes[i];
	if (nroutes == MAX_ROUTES)
		return other;
	strcpy(routes[nroutes].path, path);
	return &routes[nroutes++];
}

void repo_metrics_request(const char *path, unsigned int code, size_t body_bytes)
{
	struct route_stats *r = route(path);
	unsigned int i;

	for (i = 0; i < r->ncodes && r->code[i] != code; i++)
		;
	if (i == r->ncodes) {
		if (r->ncodes == MAX_CODES)
			i = MAX_CODES -
			    1; /* more distinct codes than expected: lumped in the last */
		else
			r->code[r->ncodes++] = code;
	}
	r->requests[i]++;
	r->bytes += body_bytes;
}

void repo_metrics_request_bytes(const char *path, size_t body_bytes)
{
	route(path)->bytes += body_bytes;
}

void repo_metrics_table(unsigned long long s, size_t bytes)
{
	if (load_time > 0)
		reloads_ok++;
	serial = s;
	table_bytes = bytes;
	load_time = (double)nl_now_ms() / 1000.0;
}

void repo_metrics_reload_failed(void)
{
	reloads_failed++;
}

static void render_route(FILE *f, const struct route_stats *r, bool bytes)
{
	char code[8];

	if (bytes) {
		prom_u64(f, "netlord_repo_http_response_bytes_total", r->bytes, "url", r->path,
			 NULL);
		return;
	}
	for (unsigned int i = 0; i < r->ncodes; i++) {
		snprintf(code, sizeof(code), "%u", r->code[i]);
		prom_u64(f, "netlord_repo_http_requests_total", r->requests[i], "url", r->path,
			 "code", code, NULL);
	}
}

void repo_metrics_render(FILE *f)
{
	prom_family(f, "netlord_repo_info", "gauge", "na-repo's version (value always 1).");
	prom_u64(f, "netlord_repo_info", 1, "version", NETLORD_VERSION, NULL);
	prom_family(f, "netlord_repo_http_requests_total", "counter",
		    "HTTP requests answered, by path (\"other\": unknown paths) and status code.");
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < nroutes; i++)
			render_route(f, &routes[i], pass);
		if (routes[MAX_ROUTES].path[0])
			render_route(f, &routes[MAX_ROUTES], pass);
		if (!pass)
			prom_family(f, "netlord_repo_http_response_bytes_total", "counter",
				    "Body bytes of the answers, by path.");
	}
	prom_family(f, "netlord_repo_vlan_table_serial", "gauge",
		    "Serial of the VLAN table served.");
	prom_u64(f, "netlord_repo_vlan_table_serial", serial, NULL);
	prom_family(f, "netlord_repo_vlan_table_bytes", "gauge",
		    "Size of the VLAN table document served.");
	prom_u64(f, "netlord_repo_vlan_table_bytes", table_bytes, NULL);
	prom_family(f, "netlord_repo_vlan_table_load_timestamp_seconds", "gauge",
		    "Unix time the table served was loaded.");
	prom_double(f, "netlord_repo_vlan_table_load_timestamp_seconds", load_time, NULL);
	prom_family(f, "netlord_repo_vlan_table_reloads_total", "counter",
		    "SIGHUP reloads, by result (failed: the old table stays).");
	prom_u64(f, "netlord_repo_vlan_table_reloads_total", reloads_ok, "result", "ok", NULL);
	prom_u64(f, "netlord_repo_vlan_table_reloads_total", reloads_failed, "result", "failed",
		 NULL);
}

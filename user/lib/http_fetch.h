/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fetching the VLAN table from the configuration repository (patent
 * [0012]: the repository at a well-known address; GET /v1/vlan-table)
 * without blocking the caller's event loop: libcurl's multi interface,
 * its sockets and its timer kept in an epoll descriptor of our own that
 * the caller watches with its other descriptors and hands back to
 * nl_fetch_run() when it is readable.  One transfer at a time, a
 * conditional GET (If-None-Match with the ETag of the table in force), a
 * size limit, an absolute timeout, http:// or https:// (with a CA file).
 */
#ifndef NL_HTTP_FETCH_H
#define NL_HTTP_FETCH_H

#include <stdbool.h>
#include <stddef.h>

struct nl_fetch;

struct nl_fetch_result {
	int rc;	     /* 0, or -errno with err set */
	long status; /* HTTP status: 200, 304 (body empty), ... */
	char *body;  /* 200: malloc'ed and NUL-terminated, the receiver's to free */
	size_t len;
	char etag[128]; /* the response's ETag, "" if none */
	char err[256];
};

/* called from nl_fetch_run() when a transfer ends */
typedef void (*nl_fetch_done)(void *ctx, struct nl_fetch_result *r);

struct nl_fetch_opts {
	const char *ca_file;   /* https: the CA bundle to trust; NULL = the system's */
	const char *cert_file; /* https: our client certificate; NULL = none */
	const char *key_file;  /* its key; NULL = in cert_file */
	int timeout_ms;	       /* whole transfer */
	size_t max_bytes;      /* larger bodies fail with -EFBIG */
};

/*
 * The URL fetched for @src: "host:port[/path]" or "http[s]://host[:port][/path]";
 * no path or "/" means /v1/vlan-table.  0, or -EINVAL with @err set.
 */
int nl_fetch_url(const char *src, char *url, size_t urllen, char *err, size_t errlen);

/* 0 or -errno */
int nl_fetch_new(struct nl_fetch **f, const struct nl_fetch_opts *o);
void nl_fetch_free(struct nl_fetch *f);
/* readable when nl_fetch_run() has work (sockets or the timer) */
int nl_fetch_fd(const struct nl_fetch *f);
/*
 * Start GET @url (from nl_fetch_url()), with If-None-Match: @etag unless
 * NULL or "": 0, -EBUSY while a transfer runs, or -errno with @err set.
 * @done is called later, from nl_fetch_run().
 */
int nl_fetch_start(struct nl_fetch *f, const char *url, const char *etag, nl_fetch_done done,
		   void *ctx, char *err, size_t errlen);
bool nl_fetch_busy(const struct nl_fetch *f);
/* the work that is ready, without waiting */
void nl_fetch_run(struct nl_fetch *f);

#endif /* NL_HTTP_FETCH_H */

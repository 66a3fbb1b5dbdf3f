/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small HTTP/1.1 GET client for the VLAN table (GET /v1/vlan-table from
 * the configuration repository).  Every function returns 0 or a -errno and
 * writes a message for the operator into @err.
 */
#ifndef NL_HTTP_H
#define NL_HTTP_H

#include <stddef.h>

/* parse a complete HTTP/1.x response: status and body */
int nl_http_parse(const char *buf, size_t len, int *status, const char **body, size_t *body_len,
		  char *err, size_t errlen);
/* split an http URL (or host:port) into host, port and path; -EINVAL if malformed */
int nl_http_split_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen,
		      char *path, size_t pathlen);
/* GET @url within @timeout_ms; a malloc'ed, NUL-terminated body */
int nl_http_get(const char *url, int timeout_ms, char **body, size_t *body_len, char *err,
		size_t errlen);

#endif /* NL_HTTP_H */

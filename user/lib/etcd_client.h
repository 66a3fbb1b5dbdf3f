/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A client of etcd's v3 JSON gateway (POST /v3/kv/range, /v3/kv/txn,
 * /v3/watch; keys and values base64), for the configuration repository
 * kept in etcd (patent [0012]: the repository at well-known addresses,
 * here a replicated store; docs/repository.md "The repository on etcd").
 *
 * Asynchronous side (the agent): libcurl's multi interface on an epoll
 * descriptor of our own, like http_fetch.h, so the caller's event loop
 * watches one descriptor and nothing here waits.  One unary read and one
 * watch stream at a time, on the current member; nl_etcd_failover() moves
 * to the next member of the list.
 *
 * Synchronous side (na-repo publish): one blocking request and its JSON
 * answer.
 *
 * Members are http://host:port or, over TLS (libcurl's; the member's
 * certificate and name verified, optionally our client certificate for
 * etcd's --client-cert-auth), https://host:port.  The URL's scheme is the
 * only protocol a request may use: no plain-http fallback.
 */
#ifndef NL_ETCD_CLIENT_H
#define NL_ETCD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <linux/types.h>

#include "tls_files.h"

#define NL_ETCD_MAX_ENDPOINTS 16

struct nl_etcd;

/* a key's value as read or watched (valid during the callback only) */
struct nl_etcd_kv {
	const char *value; /* decoded bytes, NUL-terminated */
	size_t len;
	__s64 mod_revision;
	__s64 revision; /* the store's revision when answered (header) */
	bool deleted;	/* a watch event that deleted the key */
	bool found;	/* a read: the key exists */
};

/*
 * A read's answer, or one watch event: rc 0 with kv, or -errno with err
 * (-ECONNREFUSED/-ETIMEDOUT/-EIO transport, -EBADMSG a malformed answer,
 * -ECONNRESET the stream ended, -ESTALE a watch cancelled by etcd).
 */
typedef void (*nl_etcd_cb)(void *ctx, int rc, const struct nl_etcd_kv *kv, const char *err);

struct nl_etcd_opts {
	int timeout_ms;		      /* a read, and connecting */
	size_t max_bytes;	      /* an answer or a watch message */
	int keepalive_s;	      /* TCP keepalive idle time on the watch (0: none) */
	bool tls;		      /* every member over https (nl_etcd_parse_endpoints_tls) */
	struct nl_tls_opts tls_files; /* CA bundle, client certificate and key */
};

/*
 * "host:port[,host:port...]" (or http://host:port, https://host:port
 * entries): 0, or -EINVAL with err set.  The endpoints are tried in order;
 * the first is current.  With @tls, or when any entry is https://, TLS is
 * asked for: every member is https (host:port means https://host:port)
 * and an http:// entry is refused.
 */
int nl_etcd_parse_endpoints_tls(const char *list, bool tls, char urls[][128], int *n, char *err,
				size_t errlen);
/* the same, TLS only where an entry says https:// */
int nl_etcd_parse_endpoints(const char *list, char urls[][128], int *n, char *err, size_t errlen);

int nl_etcd_new(struct nl_etcd **e, const char *endpoints, const struct nl_etcd_opts *o, char *err,
		size_t errlen);
void nl_etcd_free(struct nl_etcd *e);
int nl_etcd_fd(const struct nl_etcd *e);
/* the work that is ready, without waiting (callbacks run from here) */
void nl_etcd_run(struct nl_etcd *e);
/* the member in use ("http[s]://host:port") */
const char *nl_etcd_endpoint(const struct nl_etcd *e);
/* stop what runs on the current member and use the next one */
void nl_etcd_failover(struct nl_etcd *e);

/* start reading @key: 0 or -EBUSY/-ENOMEM; @cb is called once */
int nl_etcd_get(struct nl_etcd *e, const char *key, nl_etcd_cb cb, void *ctx);
bool nl_etcd_get_busy(const struct nl_etcd *e);
/*
 * Watch @key from @start_rev on: @cb for every change, and once with rc < 0
 * when the stream ends (then the watch is over).  Replaces a running watch.
 */
int nl_etcd_watch(struct nl_etcd *e, const char *key, __s64 start_rev, nl_etcd_cb cb, void *ctx);
bool nl_etcd_watching(const struct nl_etcd *e);
void nl_etcd_unwatch(struct nl_etcd *e);

/* ---- synchronous (na-repo publish) ---- */

/* base64 of @len bytes (malloc'ed), NULL when out of memory */
char *nl_etcd_b64(const void *p, size_t len);
/* base64 text into *out (malloc'ed, NUL-terminated, *len bytes): 0, -EBADMSG or -ENOMEM */
int nl_etcd_b64_decode(const char *s, char **out, size_t *len);
/*
 * POST @body (a JSON object; not consumed) to @url + @api ("/v3/kv/txn"...)
 * with @tls's files for an https @url (NULL: none), and parse the answer
 * into *resp (the caller's to json_decref): 0, or -errno with err set (an
 * HTTP status other than 200 is -EPROTO, a TLS failure -EACCES).
 */
int nl_etcd_call(const char *url, const char *api, json_t *body, int timeout_ms,
		 const struct nl_tls_opts *tls, json_t **resp, char *err, size_t errlen);

#endif /* NL_ETCD_CLIENT_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The curl plumbing the repository clients share (patent [0012]: agents
 * fetch from the configuration repository at well-known addresses, over
 * plain HTTP (http_fetch.h) or from etcd (etcd_client.h)):
 *   - a loop: libcurl's multi interface on an epoll descriptor of our own
 *     (CURLMOPT_SOCKETFUNCTION adds curl's sockets to it,
 *     CURLMOPT_TIMERFUNCTION arms a timerfd in it), so the caller's event
 *     loop watches one descriptor and nothing here ever waits;
 *   - a growing answer buffer with a size limit (CURLOPT_WRITEFUNCTION);
 *   - an easy handle with the options every request sets, and the TLS
 *     material (tls_files.h) on it.
 */
#ifndef NL_CURL_LOOP_H
#define NL_CURL_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>

#include "tls_files.h"

struct nl_curl_loop;

/* curl_global_init() once per process: 0 or -ENOMEM */
int nl_curl_global(void);

/* 0 or -ENOMEM (also initialises libcurl) */
int nl_curl_loop_new(struct nl_curl_loop **l);
void nl_curl_loop_free(struct nl_curl_loop *l);
/* readable when nl_curl_loop_poll() has work (sockets or the timer) */
int nl_curl_loop_fd(const struct nl_curl_loop *l);
/* run @easy in the loop: 0 or -ENOMEM (then @easy is still the caller's) */
int nl_curl_loop_add(struct nl_curl_loop *l, CURL *easy);
/* take @easy out of the loop and clean it up (NULL: nothing) */
void nl_curl_loop_remove(struct nl_curl_loop *l, CURL *easy);
/* curl's work that is ready, without waiting */
void nl_curl_loop_poll(struct nl_curl_loop *l);
/*
 * A transfer that has ended since (its outcome in *cc), or NULL.  The
 * handle stays in the loop until nl_curl_loop_remove().
 */
CURL *nl_curl_loop_next_done(struct nl_curl_loop *l, CURLcode *cc);

/* an answer as it arrives: NUL-terminated, at most @max bytes (0: no limit) */
struct nl_curl_buf {
	char *p;
	size_t len, cap, max;
	bool too_big; /* more than max arrived: the transfer was aborted */
};

/* CURLOPT_WRITEFUNCTION with a struct nl_curl_buf as CURLOPT_WRITEDATA */
size_t nl_curl_buf_write(char *p, size_t size, size_t n, void *userp);
/* free the bytes, keep max */
void nl_curl_buf_reset(struct nl_curl_buf *b);

/*
 * An easy handle for @url (the string must outlive the transfer) limited to
 * @protocols ("http", "http,https"), no signals, @agent as User-Agent,
 * curl's messages into @errbuf (CURL_ERROR_SIZE bytes).  NULL: no memory.
 */
CURL *nl_curl_easy(const char *url, const char *protocols, const char *agent, char *errbuf);

/*
 * @t's CA bundle, client certificate and key on @c (NULL or nothing set:
 * the system's CAs, no client certificate).  The server's certificate and
 * its name (host name or IP address SAN) are always verified.
 */
void nl_curl_tls(CURL *c, const struct nl_tls_opts *t);

#endif /* NL_CURL_LOOP_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's end of the control socket (ctl_proto.h): accepts root
 * clients only, reads one request, checks it and hands it to the handler
 * the daemon registered, then sends the answer.  Every socket is
 * non-blocking and every client has its own bounded buffers, so a client
 * that never sends its request or never reads its answer (a pager on
 * `na-loader nart`) holds only its own slot and never stalls the agent;
 * up to NA_CTL_MAX_CLIENTS are served at once (issue 10, item 3).
 */
#ifndef NA_CTL_SERVER_H
#define NA_CTL_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "ctl_proto.h"

#define NA_CTL_MAX_CLIENTS 16
/* an answer larger than this is refused with an error (memory per client) */
#define NA_CTL_OUT_MAX (64UL << 20)
/* the whole request within this time after connecting */
#define NA_CTL_REQUEST_MS 1000
/* a client that reads nothing of its answer for this long is dropped */
#define NA_CTL_STALL_MS 30000

/* a handler's answer will come later, through na_ctl_finish() */
#define NA_CTL_DEFERRED 1

/*
 * carry a checked request out, its output to @out; 0 or -errno with @err
 * set, or NA_CTL_DEFERRED after na_ctl_defer()
 */
typedef int (*na_ctl_handler)(void *ctx, const struct na_request *r, FILE *out, char *err,
			      size_t errlen);

struct na_ctl_client {
	int fd; /* -1: free slot */
	bool answering;
	bool deferred;	  /* waiting for na_ctl_finish() */
	unsigned int gen; /* tells a slot's successive clients apart */
	struct na_request req;
	size_t rlen;
	char head[320]; /* "ok\n" or "error <errno> <message>\n" */
	size_t hlen;
	char *body; /* the verb's output (malloc'ed) */
	size_t blen, sent;
	unsigned long long deadline_ms;
};

struct na_ctl_server {
	int fd; /* listening socket */
	int ep; /* epoll of the listening socket and the clients: what the daemon watches */
	char path[PATH_MAX];
	na_ctl_handler handle;
	void *ctx;
	struct na_ctl_client cl[NA_CTL_MAX_CLIENTS];
	unsigned long long refused; /* connections over NA_CTL_MAX_CLIENTS */
	bool listening;		    /* na_ctl_listen() got as far as the client slots */
	int current;		    /* the client whose request the handler runs */
	unsigned int gen;
};

/* listen on @path (mode 0600); 0 or -errno */
int na_ctl_listen(struct na_ctl_server *s, const char *path);
/* the descriptor the daemon's epoll watches (readable when there is work) */
int na_ctl_fd(const struct na_ctl_server *s);
/* bounded work: new connections, requests, answers (NA_DRAIN_BUDGET events) */
void na_ctl_serve(struct na_ctl_server *s);
/*
 * From a handler: its client's answer comes later.  A token for
 * na_ctl_finish(), or -1 (then answer now).
 */
long na_ctl_defer(struct na_ctl_server *s);
/* the deferred answer (ignored if that client has gone) */
void na_ctl_finish(struct na_ctl_server *s, long token, int rc, const char *err);
/* drops clients past their deadline; call about once a second */
void na_ctl_tick(struct na_ctl_server *s);
void na_ctl_close(struct na_ctl_server *s);

#endif /* NA_CTL_SERVER_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo serve: the configuration repository's HTTP/1.1 server.
 * GET /v1/vlan-table returns the VLAN table document (docs/vlan-table.md).
 * One thread, epoll, non-blocking sockets, one response per connection,
 * per-connection deadlines, SIGHUP reloads the table (the old one is kept
 * when the new one does not parse).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "serve.h"
#include "vlan_table.h"

#define REQ_MAX	  8192
#define HDR_MAX	  512
#define TABLE_MAX (1UL << 30)
#define LINGER_MS 1000

struct table {
	int refs;
	char *body;
	size_t len;
	unsigned long long serial;
};

enum conn_state { C_READ, C_WRITE, C_DRAIN };

struct conn {
	int fd;
	enum conn_state st;
	char req[REQ_MAX + 1];
	size_t rlen;
	char hdr[HDR_MAX];
	size_t hlen, hoff;
	struct table *tb; /* body to send, or NULL */
	const char *body;
	size_t blen, boff;
	uint64_t deadline;
	struct conn *prev, *next;
};

/* epoll data of the listening socket and of the signalfd (connections: their conn) */
static char tag_listen, tag_signal;

static struct table *cur;
static struct conn *conns;
static int nconns;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("na-repo: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void table_put(struct table *t)
{
	if (t && --t->refs == 0) {
		free(t->body);
		free(t);
	}
}

/* read and validate dir/vlan-table.txt into *out: 0, or -errno with a message */
static int table_load(const char *dir, struct table **out, char *err, size_t errlen)
{
	char path[4096], perr[256];
	struct nl_vlan_table vt;
	struct table *t = NULL;
	size_t cap = 1 << 16, len = 0;
	char *buf = NULL;
	int rc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/vlan-table.txt", dir);
	f = fopen(path, "rb");
	if (!f) {
		rc = -errno;
		return nl_errf(err, errlen, rc, "%s: %s", path, strerror(-rc));
	}
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (len < cap)
			break;
		if (cap >= TABLE_MAX) {
			rc = nl_errf(err, errlen, -EFBIG, "%s: larger than %lu bytes", path,
				     TABLE_MAX);
			goto fail;
		}
		cap *= 2;
		char *nb = realloc(buf, cap);

		if (!nb)
			free(buf);
		buf = nb;
	}
	if (!buf) {
		rc = nl_errf(err, errlen, -ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	if (ferror(f)) {
		rc = nl_errf(err, errlen, -EIO, "%s: read error", path);
		goto fail;
	}
	if (nl_vt_parse(buf, len, &vt, perr, sizeof(perr))) {
		rc = nl_errf(err, errlen, -EINVAL, "%s: %s", path, perr);
		goto fail;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		nl_vt_free(&vt);
		rc = nl_errf(err, errlen, -ENOMEM, "out of memory");
		goto fail;
	}
	t->refs = 1;
	t->body = buf;
	t->len = len;
	t->serial = vt.serial;
	nl_vt_free(&vt);
	fclose(f);
	*out = t;
	return 0;
fail:
	free(buf);
	fclose(f);
	return rc;
}

static void conn_close(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	table_put(c->tb);
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	nconns--;
	free(c);
}

static void respond(struct conn *c, int code, const char *reason, const char *extra,
		    const char *body, int head_only)
{
	size_t blen = body ? strlen(body) : 0;

	c->hlen = (size_t)snprintf(c->hdr, sizeof(c->hdr),
				   "HTTP/1.1 %d %s\r\nServer: na-repo\r\nConnection: close\r\n"
				   "Content-Type: text/plain; charset=utf-8\r\n"
				   "Content-Length: %zu\r\n%s\r\n",
				   code, reason, blen, extra ? extra : "");
	c->body = head_only ? NULL : body;
	c->blen = head_only ? 0 : blen;
}

/* parse the request in c->req and set up the response */
static void handle(struct conn *c)
{
	char *line = c->req, *eol, *method, *target, *version, *sp1, *sp2, *p;
	char etag[48], inm[128] = "";
	int head_only = 0, have_inm = 0;

	c->req[c->rlen] = 0;
	eol = strstr(line, "\n");
	if (!eol) {
		respond(c, 400, "Bad Request", NULL, "bad request line\n", 0);
		return;
	}
	*eol = 0;
	if (eol > line && eol[-1] == '\r')
		eol[-1] = 0;
	method = line;
	sp1 = strchr(method, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' ')) {
		respond(c, 400, "Bad Request", NULL, "bad request line\n", 0);
		return;
	}
	*sp1 = *sp2 = 0;
	target = sp1 + 1;
	version = sp2 + 1;
	if (strcmp(version, "HTTP/1.1") && strcmp(version, "HTTP/1.0")) {
		respond(c, 400, "Bad Request", NULL, "unsupported HTTP version\n", 0);
		return;
	}
	/* headers: "Name: value" lines; only If-None-Match matters */
	for (p = eol + 1; *p;) {
		char *e = strchr(p, '\n'), *colon;

		if (!e)
			break;
		*e = 0;
		if (e > p && e[-1] == '\r')
			e[-1] = 0;
		if (!*p)
			break;
		colon = strchr(p, ':');
		if (!colon || colon == p || memchr(p, ' ', (size_t)(colon - p))) {
			respond(c, 400, "Bad Request", NULL, "bad header line\n", 0);
			return;
		}
		*colon = 0;
		if (!strcasecmp(p, "If-None-Match")) {
			char *v = colon + 1;

			while (*v == ' ' || *v == '\t')
				v++;
			snprintf(inm, sizeof(inm), "%s", v);
			have_inm = 1;
		}
		p = e + 1;
	}
	if (!strcmp(method, "HEAD"))
		head_only = 1;
	else if (strcmp(method, "GET")) {
		respond(c, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n",
			"only GET and HEAD are allowed\n", 0);
		return;
	}
	if (strcmp(target, "/v1/vlan-table")) {
		respond(c, 404, "Not Found", NULL, "not found; try GET /v1/vlan-table\n",
			head_only);
		return;
	}
	snprintf(etag, sizeof(etag), "\"%llu\"", cur->serial);
	if (have_inm && (strstr(inm, etag) || !strcmp(inm, "*"))) {
		c->hlen = (size_t)snprintf(c->hdr, sizeof(c->hdr),
					   "HTTP/1.1 304 Not Modified\r\nServer: na-repo\r\n"
					   "Connection: close\r\nETag: %s\r\n\r\n",
					   etag);
		return;
	}
	c->hlen = (size_t)snprintf(c->hdr, sizeof(c->hdr),
				   "HTTP/1.1 200 OK\r\nServer: na-repo\r\nConnection: close\r\n"
				   "Content-Type: text/plain; charset=utf-8\r\n"
				   "Content-Length: %zu\r\nETag: %s\r\n"
				   "Cache-Control: no-cache\r\n\r\n",
				   cur->len, etag);
	if (!head_only) {
		c->tb = cur;
		cur->refs++;
		c->body = cur->body;
		c->blen = cur->len;
	}
}

static int request_complete(const struct conn *c)
{
	for (size_t i = 0; i + 1 < c->rlen; i++) {
		if (c->req[i] == '\n' && c->req[i + 1] == '\n')
			return 1;
		if (i + 3 < c->rlen && !memcmp(c->req + i, "\r\n\r\n", 4))
			return 1;
	}
	return 0;
}

static void set_write(int ep, struct conn *c, int timeout_ms)
{
	struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};

	c->st = C_WRITE;
	c->deadline = now_ms() + (uint64_t)timeout_ms;
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* returns -1 when the connection must be closed */
static int on_event(int ep, struct conn *c, uint32_t events, int timeout_ms)
{
	if (c->st == C_READ) {
		for (;;) {
			ssize_t n = read(c->fd, c->req + c->rlen, REQ_MAX - c->rlen);

			if (n < 0)
				return errno == EAGAIN || errno == EINTR ? 0 : -1;
			if (n == 0) {
				if (!c->rlen)
					return -1;
				respond(c, 400, "Bad Request", NULL, "incomplete request\n", 0);
				set_write(ep, c, timeout_ms);
				break;
			}
			c->rlen += (size_t)n;
			if (memchr(c->req, 0, c->rlen)) {
				respond(c, 400, "Bad Request", NULL, "NUL byte in request\n", 0);
				set_write(ep, c, timeout_ms);
				break;
			}
			if (request_complete(c)) {
				handle(c);
				set_write(ep, c, timeout_ms);
				break;
			}
			if (c->rlen == REQ_MAX) {
				respond(c, 431, "Request Header Fields Too Large", NULL,
					"request larger than 8192 bytes\n", 0);
				set_write(ep, c, timeout_ms);
				break;
			}
		}
	}
	if (c->st == C_WRITE) {
		while (c->hoff < c->hlen || c->boff < c->blen) {
			ssize_t n;

			if (c->hoff < c->hlen)
				n = send(c->fd, c->hdr + c->hoff, c->hlen - c->hoff, MSG_NOSIGNAL);
			else
				n = send(c->fd, c->body + c->boff, c->blen - c->boff, MSG_NOSIGNAL);
			if (n < 0)
				return errno == EAGAIN || errno == EINTR ? 0 : -1;
			if (c->hoff < c->hlen)
				c->hoff += (size_t)n;
			else
				c->boff += (size_t)n;
			c->deadline = now_ms() + (uint64_t)timeout_ms;
		}
		/* all sent: half-close, then drain what the client still sends */
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};

		shutdown(c->fd, SHUT_WR);
		table_put(c->tb);
		c->tb = NULL;
		c->st = C_DRAIN;
		c->deadline = now_ms() + LINGER_MS;
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		events |= EPOLLIN;
	}
	if (c->st == C_DRAIN) {
		char sink[4096];

		for (int i = 0; i < 64; i++) {
			ssize_t n = read(c->fd, sink, sizeof(sink));

			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				return -1;
			if (n < 0)
				return 0;
		}
	}
	(void)events;
	return 0;
}

/* a listening socket on "addr:port" (logs its address): the fd, or -errno */
static int listen_on(const char *spec)
{
	char host[256], *port;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai, *a;
	int fd = -1, one = 1, rc;

	snprintf(host, sizeof(host), "%s", spec);
	port = strrchr(host, ':');
	if (!port) {
		logmsg("--listen: expected <addr>:<port>, got '%s'", spec);
		return -EINVAL;
	}
	*port++ = 0;
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
	}
	rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (rc) {
		logmsg("--listen %s: %s", spec, gai_strerror(rc));
		return -EINVAL;
	}
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, a->ai_addr, a->ai_addrlen) && !listen(fd, 1024))
			break;
		close(fd);
		fd = -1;
	}
	rc = -errno;
	freeaddrinfo(ai);
	if (fd < 0) {
		logmsg("--listen %s: %s", spec, strerror(-rc));
		return rc;
	}
	{
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char h[128], p[16];

		if (!getsockname(fd, (struct sockaddr *)&ss, &sl) &&
		    !getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p, sizeof(p),
				 NI_NUMERICHOST | NI_NUMERICSERV))
			logmsg("serving serial %llu on %s:%s", cur->serial, h, p);
	}
	return fd;
}

/* drain the signalfd: SIGHUP reloads the table; returns 0 once told to stop */
static int on_signals(int sfd, const char *dir)
{
	struct signalfd_siginfo si;
	char err[512];
	int running = 1;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		struct table *t;

		if (si.ssi_signo != SIGHUP) {
			running = 0;
			continue;
		}
		if (table_load(dir, &t, err, sizeof(err))) {
			logmsg("reload failed, keeping serial %llu: %s", cur->serial, err);
			continue;
		}
		logmsg("reloaded: serial %llu -> %llu", cur->serial, t->serial);
		table_put(cur);
		cur = t;
	}
	return running;
}

/* accept what is pending (up to 256); above max_conns answer 503 and close */
static void accept_conns(int ep, int lfd, const struct serve_opts *o)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
				   "Connection: close\r\nContent-Length: 0\r\n\r\n";

	for (int k = 0; k < 256; k++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev;
		struct conn *c;

		if (fd < 0)
			break;
		if (nconns >= o->max_conns) {
			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL) < 0) {
				/* nothing to do: closing anyway */
			}
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->st = C_READ;
		c->deadline = now_ms() + (uint64_t)o->timeout_ms;
		c->next = conns;
		if (conns)
			conns->prev = c;
		conns = c;
		nconns++;
		ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
}

/* close the connections past their deadline */
static void close_expired(int ep, uint64_t now)
{
	struct conn *c = conns, *nx;

	for (; c; c = nx) {
		nx = c->next;
		if (now >= c->deadline)
			conn_close(ep, c);
	}
}

/*
 * The event loop, until SIGINT/SIGTERM.  An epoll_wait error is logged and
 * stops the server like a signal (exit status 0, as na-repo always did).
 */
static void serve_loop(int ep, int lfd, int sfd, const struct serve_opts *o)
{
	struct epoll_event evs[64];
	uint64_t next_sweep = 0;
	int running = 1;

	while (running) {
		int n = epoll_wait(ep, evs, 64, 100);
		uint64_t now;

		if (n < 0 && errno != EINTR) {
			logmsg("epoll_wait: %s", strerror(errno));
			return;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &tag_signal) {
				if (!on_signals(sfd, o->dir))
					running = 0;
			} else if (evs[i].data.ptr == &tag_listen) {
				accept_conns(ep, lfd, o);
			} else {
				struct conn *c = evs[i].data.ptr;

				if (on_event(ep, c, evs[i].events, o->timeout_ms) < 0)
					conn_close(ep, c);
			}
		}
		now = now_ms();
		if (now >= next_sweep) {
			close_expired(ep, now);
			next_sweep = now + 100;
		}
	}
}

int repo_serve(const struct serve_opts *o)
{
	struct epoll_event ev;
	char err[512];
	sigset_t mask;
	int ep = -1, lfd = -1, sfd = -1, rc;

	rc = table_load(o->dir, &cur, err, sizeof(err));
	if (rc) {
		logmsg("%s", err);
		return rc;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		rc = -errno;
	lfd = listen_on(o->listen);
	if (lfd < 0 && !rc)
		rc = lfd;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 && !rc)
		rc = -errno;
	if (!rc) {
		ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = &tag_listen};
		epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
		ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = &tag_signal};
		epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
		serve_loop(ep, lfd, sfd, o);
		while (conns)
			conn_close(ep, conns);
	}
	table_put(cur);
	if (ep >= 0)
		close(ep);
	if (lfd >= 0)
		close(lfd);
	if (sfd >= 0)
		close(sfd);
	if (!rc)
		logmsg("stopped");
	return rc;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo serve: the configuration repository's HTTP server (patent
 * [0012]: the agents fetch the VLAN table from the repository at a
 * well-known address), on libmicrohttpd.  GET/HEAD /v1/vlan-table returns
 * the VLAN table document (docs/vlan-table.md) with ETag "<serial>" and
 * answers 304 to an If-None-Match naming it; GET/HEAD /v1/row/<switch-mac>
 * returns that edge switch's row document, made from the same table by
 * nl_vt_write_row() at load time, with the same ETag; GET/HEAD /v1/tenants
 * returns the compiled tenants file (docs/tenants.md) if the directory has
 * one, validated at load time, with an ETag hashed from its bytes.  One thread: libmicrohttpd's
 * epoll descriptor, a signalfd and a 100 ms sweep share one epoll loop.
 * Every connection has an absolute deadline (its whole request within
 * --timeout-ms, the answer within --timeout-ms plus its size at
 * MIN_RATE), enforced by shutting its socket down, so trickling bytes
 * buys a slow client nothing; its send buffer is fixed (SNDBUF), so the
 * kernel does not keep megabytes for a reader that never reads either.  Connections are capped
 * below the process's file limit and libmicrohttpd stops accepting while at the cap, so EMFILE
 * never spins.  SIGHUP reloads the table; a download in progress finishes with the table it started
 * with (responses are reference counted); a table that does not parse leaves the old one in force.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include <systemd/sd-daemon.h>

#include "parse.h"
#include "prom.h"
#include "repo_metrics.h"
#include "serve.h"
#include "repo_client.h"
#include "tenants.h"
#include "util.h"
#include "vlan_table.h"

#define MIN_RATE   (256UL << 10) /* bytes/s an answer's deadline allows for */
#define FD_RESERVE 16		 /* descriptors kept for the table, logs, epoll */
#define REQ_MEMORY (16U << 10)	 /* per connection: request line and headers (431 beyond) */
#define SNDBUF	   (128 << 10)	 /* per connection (the kernel doubles it) */

/* one edge switch's row document */
struct row {
	__u8 mac[6];
	struct MHD_Response *resp;
	size_t len;
};

struct table {
	struct MHD_Response *resp; /* owns the document; MHD keeps it while sending */
	size_t len;
	struct row *rows; /* by MAC, one per edge switch */
	__u32 nrows;
	unsigned long long serial;
	char etag[32];
	struct MHD_Response *tenants; /* <dir>/tenants.txt, NULL if there is none */
	size_t tenants_len;
	char tenants_etag[32];
};

#define TENANTS_MAX_BYTES (64UL << 20)

/* one per connection (libmicrohttpd's socket context) */
struct conn {
	int fd;
	uint64_t deadline;
	struct conn *prev, *next;
};

static struct table *cur;
/* the request being answered (one thread): what the metrics count it under */
static const char *req_route; /* a path of routes[], or NULL */
static int req_head;
static struct conn *conns;
static const struct serve_opts *opts;

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

static void table_free(struct table *t)
{
	if (t) {
		MHD_destroy_response(t->resp); /* freed once the last download ends */
		for (__u32 i = 0; i < t->nrows; i++)
			MHD_destroy_response(t->rows[i].resp);
		free(t->rows);
		if (t->tenants)
			MHD_destroy_response(t->tenants);
		free(t);
	}
}

static void add_headers(struct MHD_Response *r, const char *etag)
{
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	MHD_add_response_header(r, "ETag", etag);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Connection", "close");
}

/* every edge switch's row document of vt into t->rows: 0 or -ENOMEM */
static int rows_make(struct table *t, const struct nl_vlan_table *vt)
{
	t->rows = calloc(vt->nswitches, sizeof(*t->rows));
	if (!t->rows)
		return -ENOMEM;
	for (__u32 i = 0; i < vt->nswitches; i++) {
		struct row *r = &t->rows[i];
		char *buf;

		memcpy(r->mac, vt->rows[(size_t)i * vt->nswitches].src, 6);
		if (nl_vt_write_row(vt, r->mac, &buf, &r->len))
			return -ENOMEM;
		r->resp = MHD_create_response_from_buffer(r->len, buf, MHD_RESPMEM_MUST_FREE);
		if (!r->resp) {
			free(buf);
			return -ENOMEM;
		}
		t->nrows++;
		add_headers(r->resp, t->etag);
	}
	return 0;
}

/* dir/tenants.txt, if there is one, validated, into t->tenants: 0 or -errno */
static int tenants_load(const char *dir, struct table *t, char *err, size_t errlen)
{
	char path[4096], perr[512];
	struct nl_tenants tn;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/tenants.txt", dir);
	rc = nl_read_file(path, TENANTS_MAX_BYTES, &buf, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return nl_errf(err, errlen, rc, "%s: %s", path, strerror(-rc));
	if (nl_tenants_parse(buf, len, path, &tn, perr, sizeof(perr))) {
		free(buf);
		return nl_errf(err, errlen, -EINVAL, "%s", perr);
	}
	nl_tenants_free(&tn);
	/* FNV-1a of the bytes (it has no serial of its own), as agents compute it from etcd */
	nl_repo_tenants_etag(buf, len, t->tenants_etag, sizeof(t->tenants_etag));
	t->tenants = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!t->tenants) {
		free(buf);
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	}
	t->tenants_len = len;
	add_headers(t->tenants, t->tenants_etag);
	return 0;
}

/* read and validate dir/vlan-table.txt into *out: 0, or -errno with a message */
static int table_load(const char *dir, struct table **out, char *err, size_t errlen)
{
	char path[4096], perr[256];
	struct nl_vlan_table vt;
	struct table *t;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/vlan-table.txt", dir);
	rc = nl_read_file(path, NL_VT_MAX_BYTES, &buf, &len);
	if (rc == -EFBIG)
		return nl_errf(err, errlen, rc, "%s: larger than %lu bytes", path, NL_VT_MAX_BYTES);
	if (rc)
		return nl_errf(err, errlen, rc, "%s: %s", path, strerror(-rc));
	if (nl_vt_parse(buf, len, &vt, perr, sizeof(perr))) {
		free(buf);
		return nl_errf(err, errlen, -EINVAL, "%s: %s", path, perr);
	}
	t = calloc(1, sizeof(*t));
	if (t)
		t->resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!t || !t->resp) {
		nl_vt_free(&vt);
		free(buf);
		free(t);
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	}
	t->len = len;
	t->serial = vt.serial;
	snprintf(t->etag, sizeof(t->etag), "\"%llu\"", t->serial);
	add_headers(t->resp, t->etag);
	rc = rows_make(t, &vt);
	nl_vt_free(&vt);
	if (rc) {
		table_free(t);
		return nl_errf(err, errlen, rc, "out of memory for the rows");
	}
	rc = tenants_load(dir, t, err, errlen);
	if (rc) {
		table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* a small text answer */
static enum MHD_Result reply(struct MHD_Connection *mc, unsigned int code, const char *text,
			     const char *hname, const char *hval)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Connection", "close");
	if (hname)
		MHD_add_response_header(r, hname, hval);
	repo_metrics_request(req_route, code, req_head ? 0 : strlen(text));
	ret = MHD_queue_response(mc, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* the answer's deadline: its size at MIN_RATE on top of the request's allowance */
static void answer_deadline(struct MHD_Connection *mc, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *c = ci ? ci->socket_context : NULL;

	if (c)
		c->deadline = now_ms() + (uint64_t)opts->timeout_ms + len * 1000 / MIN_RATE;
}

/* an answer that is one of the table's documents: 304 if the client has it */
static enum MHD_Result get_document_tagged(struct MHD_Connection *mc, struct MHD_Response *resp,
					   size_t len, const char *etag)
{
	const char *inm = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "If-None-Match");

	if (inm && (strstr(inm, etag) || !strcmp(inm, "*"))) {
		struct MHD_Response *r =
			MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		enum MHD_Result ret;

		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, "ETag", etag);
		MHD_add_response_header(r, "Connection", "close");
		repo_metrics_request(req_route, MHD_HTTP_NOT_MODIFIED, 0);
		ret = MHD_queue_response(mc, MHD_HTTP_NOT_MODIFIED, r);
		MHD_destroy_response(r);
		return ret;
	}
	answer_deadline(mc, len);
	repo_metrics_request(req_route, MHD_HTTP_OK, req_head ? 0 : len);
	return MHD_queue_response(mc, MHD_HTTP_OK, resp);
}

/* a document of the VLAN table: its serial is the ETag */
static enum MHD_Result get_document(struct MHD_Connection *mc, struct MHD_Response *resp,
				    size_t len)
{
	return get_document_tagged(mc, resp, len, cur->etag);
}

/* GET/HEAD /v1/tenants (docs/tenants.md) */
static enum MHD_Result get_tenants(struct MHD_Connection *mc, const char *rest)
{
	if (!cur->tenants)
		return reply(mc, MHD_HTTP_NOT_FOUND,
			     "no tenants file in this repository (na-repo compile --tenants)\n",
			     NULL, NULL);
	return get_document_tagged(mc, cur->tenants, cur->tenants_len, cur->tenants_etag);
}

/* GET/HEAD /v1/vlan-table */
static enum MHD_Result get_vlan_table(struct MHD_Connection *mc, const char *rest)
{
	return get_document(mc, cur->resp, cur->len);
}

static int cmp_row_mac(const void *key, const void *elem)
{
	return memcmp(key, ((const struct row *)elem)->mac, 6);
}

/* GET/HEAD /v1/row/<switch-mac>: lowercase xx:xx:xx:xx:xx:xx */
static enum MHD_Result get_row(struct MHD_Connection *mc, const char *rest)
{
	const struct row *r = NULL;
	__u8 mac[6];

	if (strlen(rest) == 17 && !nl_parse_mac(rest, mac))
		r = bsearch(mac, cur->rows, cur->nrows, sizeof(*r), cmp_row_mac);
	if (!r)
		return reply(mc, MHD_HTTP_NOT_FOUND,
			     "no such edge switch in the table (GET /v1/row/<switch-mac>)\n", NULL,
			     NULL);
	return get_document(mc, r->resp, r->len);
}

/* GET/HEAD /metrics (--metrics): Prometheus text exposition */
static enum MHD_Result get_metrics(struct MHD_Connection *mc, const char *rest)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!opts->metrics) {
		req_route = NULL;
		return reply(mc, MHD_HTTP_NOT_FOUND, "not found; try GET /v1/vlan-table\n", NULL,
			     NULL);
	}
	/* counted before rendering, so the scrape sees itself */
	repo_metrics_request(req_route, MHD_HTTP_OK, 0);
	f = open_memstream(&buf, &len);
	if (!f)
		return MHD_NO;
	repo_metrics_render(f);
	if (fclose(f)) {
		free(buf);
		return MHD_NO;
	}
	repo_metrics_request_bytes(req_route, req_head ? 0 : len);
	r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", PROM_CONTENT_TYPE);
	MHD_add_response_header(r, "Connection", "close");
	answer_deadline(mc, len);
	ret = MHD_queue_response(mc, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * The URLs served: one line each (GET and HEAD; no query string).  A path
 * ending in '/' is a prefix: get() receives the rest of the URL.
 */
static const struct route {
	const char *path;
	enum MHD_Result (*get)(struct MHD_Connection *mc, const char *rest);
} routes[] = {
	{"/v1/vlan-table", get_vlan_table},
	{"/v1/row/", get_row},
	{"/v1/tenants", get_tenants},
	{"/metrics", get_metrics},
};

/* the route serving url, NULL if none; *rest: what follows a prefix */
static const struct route *route_of(const char *url, const char **rest)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		size_t n = strlen(routes[i].path);

		if (routes[i].path[n - 1] == '/' ? !strncmp(url, routes[i].path, n)
						 : !strcmp(url, routes[i].path)) {
			*rest = url + n;
			return &routes[i];
		}
	}
	return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_len, void **req_ctx)
{
	static int first_call;
	const struct route *rt;
	const char *rest;

	/* called again for a body: this server takes none, so answer at once */
	if (!*req_ctx) {
		*req_ctx = &first_call;
		if (*upload_len == 0 && (!strcmp(method, "GET") || !strcmp(method, "HEAD")))
			return MHD_YES; /* headers only: answer on the next call */
	}
	*upload_len = 0;
	rt = route_of(url, &rest);
	req_route = rt ? rt->path : NULL;
	req_head = !strcmp(method, "HEAD");
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(mc, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD are allowed\n",
			     "Allow", "GET, HEAD");
	if (rt && !MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, NULL, NULL))
		return rt->get(mc, rest);
	return reply(mc, MHD_HTTP_NOT_FOUND, "not found; try GET /v1/vlan-table\n", NULL, NULL);
}

/* connection start and end: the deadline list */
static void on_conn(void *cls, struct MHD_Connection *mc, void **socket_ctx,
		    enum MHD_ConnectionNotificationCode code)
{
	struct conn *c = *socket_ctx;
	int sndbuf = SNDBUF;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);

		c = calloc(1, sizeof(*c));
		if (!c || !ci) {
			free(c);
			return; /* no deadline: libmicrohttpd's idle timeout still applies */
		}
		c->fd = ci->connect_fd;
		/* a fixed send buffer: the kernel must not hold a whole table for a slow reader */
		setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		c->deadline = now_ms() + (uint64_t)opts->timeout_ms;
		c->next = conns;
		if (conns)
			conns->prev = c;
		conns = c;
		*socket_ctx = c;
		return;
	}
	if (!c)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
	*socket_ctx = NULL;
}

/*
 * Connections past their deadline: shut down, libmicrohttpd then closes
 * them; with no linger, what is still queued for a slow reader is dropped
 * (a reset) instead of trickling out after the deadline.
 */
static void sweep(uint64_t now)
{
	struct linger reset = {.l_onoff = 1, .l_linger = 0};

	for (struct conn *c = conns; c; c = c->next)
		if (now >= c->deadline) {
			setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
			shutdown(c->fd, SHUT_RDWR);
			c->deadline = UINT64_MAX; /* once */
		}
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
	fputs("na-repo: ", stderr);
	vfprintf(stderr, fmt, ap);
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
	return fd;
}

static void log_address(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char h[128], p[16];

	if (!getsockname(fd, (struct sockaddr *)&ss, &sl) &&
	    !getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p, sizeof(p),
			 NI_NUMERICHOST | NI_NUMERICSERV))
		logmsg("serving serial %llu on %s:%s", cur->serial, h, p);
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
			repo_metrics_reload_failed();
			logmsg("reload failed, keeping serial %llu: %s", cur->serial, err);
			continue;
		}
		sd_notifyf(0, "RELOADING=1\nSTATUS=serving serial %llu", t->serial);
		logmsg("reloaded: serial %llu -> %llu", cur->serial, t->serial);
		table_free(cur);
		cur = t;
		repo_metrics_table(cur->serial, cur->len);
		sd_notify(0, "READY=1");
	}
	return running;
}

/* connections allowed: --max-conns, but below the descriptor limit */
static unsigned int conn_limit(int max_conns)
{
	struct rlimit rl;
	unsigned long lim = (unsigned long)max_conns;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY) {
		unsigned long fit = rl.rlim_cur > FD_RESERVE * 2 ? rl.rlim_cur - FD_RESERVE : 4;

		if (fit < lim) {
			logmsg("file limit %lu: at most %lu connections at once (--max-conns %d)",
			       (unsigned long)rl.rlim_cur, fit, max_conns);
			lim = fit;
		}
	}
	return (unsigned int)lim;
}

/*
 * The event loop, until SIGINT/SIGTERM.  An epoll_wait error is logged and
 * stops the server like a signal (exit status 0, as na-repo always did).
 */
static void serve_loop(struct MHD_Daemon *d, int ep, int sfd)
{
	struct epoll_event evs[8];
	int running = 1;

	while (running) {
		int n = epoll_wait(ep, evs, 8, 100);

		if (n < 0 && errno != EINTR) {
			logmsg("epoll_wait: %s", strerror(errno));
			return;
		}
		for (int i = 0; i < n; i++)
			if (evs[i].data.fd == sfd && !on_signals(sfd, opts->dir))
				running = 0;
		MHD_run(d);
		sweep(now_ms());
	}
}

int repo_serve(const struct serve_opts *o)
{
	const union MHD_DaemonInfo *di;
	struct MHD_Daemon *d = NULL;
	struct epoll_event ev;
	char err[512];
	sigset_t mask;
	int ep = -1, lfd = -1, sfd = -1, rc;

	opts = o;
	rc = table_load(o->dir, &cur, err, sizeof(err));
	if (rc) {
		logmsg("%s", err);
		return rc;
	}
	repo_metrics_table(cur->serial, cur->len);
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
	if (!rc) {
		log_address(lfd);
		d = MHD_start_daemon(
			MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
			MHD_OPTION_LISTEN_SOCKET, lfd, MHD_OPTION_CONNECTION_LIMIT,
			conn_limit(o->max_conns), MHD_OPTION_CONNECTION_TIMEOUT,
			(unsigned int)(o->timeout_ms + 999) / 1000, MHD_OPTION_NOTIFY_CONNECTION,
			on_conn, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_log, NULL,
			MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQ_MEMORY, MHD_OPTION_END);
		di = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (!di || ep < 0) {
			logmsg("cannot start the HTTP server");
			rc = -EIO;
		}
	}
	if (!rc) {
		ev = (struct epoll_event){.events = EPOLLIN, .data.fd = di->epoll_fd};
		epoll_ctl(ep, EPOLL_CTL_ADD, di->epoll_fd, &ev);
		ev = (struct epoll_event){.events = EPOLLIN, .data.fd = sfd};
		epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
		/* systemd (na-repo.service, Type=notify): listening, table loaded */
		sd_notifyf(0, "READY=1\nSTATUS=serving serial %llu", cur->serial);
		serve_loop(d, ep, sfd);
		sd_notify(0, "STOPPING=1");
	}
	if (d)
		MHD_stop_daemon(d);
	table_free(cur);
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

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's repository client (repo_client.h), patent [0012] and
 * [0036]-[0038]: its edge switch's row of the VLAN table, over HTTP
 * (http_fetch.c) or from etcd (etcd_client.c), validated by vlan_table.c.
 * One epoll descriptor of our own holds the transport's descriptor and a
 * timerfd (etcd: retries with backoff, and the periodic liveness read).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <jansson.h>

#include "etcd_client.h"
#include "http_fetch.h"
#include "repo_client.h"
#include "util.h"

#define ROW_SUFFIX	 "/v1/vlan-table"
#define RETRY_MAX_MS	 8000
#define CHECK_DEFAULT_MS 10000

#define TN_SUFFIX "/v1/tenants"

enum { E_IDLE, E_CURRENT, E_ROW, E_TENANTS };

struct nl_repo {
	bool is_etcd;
	nl_repo_done done;
	void *ctx;
	struct nl_repo_opts o;
	struct nl_repo_stats st;
	int ep, tfd;
	__u8 mac[6];
	bool have_mac;
	/* HTTP */
	struct nl_fetch *fetch;
	char url[1024];	    /* the document named by the source */
	char row_url[1100]; /* the row being fetched */
	bool rows_ok;	    /* url is .../v1/vlan-table: rows live beside it */
	bool no_rows;	    /* 404 on a row: this repository serves whole tables only */
	bool fetching_row;
	char etag[128]; /* of the fetch running */
	char tn_url[1100];
	/* the tenants file (both transports) */
	char tn_etag[128];	    /* of the file last delivered, "" = none */
	bool tn_force;		    /* deliver it even unchanged */
	struct nl_repo_result pend; /* the row, while its tenants file is read */
	/* etcd */
	struct nl_etcd *ec;
	int nmembers;
	char prefix[512], key_current[600];
	int step;      /* E_* */
	bool waited;   /* the caller waits for this read's outcome */
	bool force;    /* deliver even an unchanged serial */
	bool pending;  /* the watch saw a new serial during a read */
	bool by_watch; /* the row being read was announced by the watch */
	__u64 serial;  /* delivered last (0: none) */
	__u64 want;    /* being read */
	int fails;     /* transport failures in a row */
};

bool nl_repo_is_etcd_url(const char *src)
{
	return !strncmp(src, "etcd://", 7) || !strncmp(src, "etcds://", 8);
}

static bool is_etcds(const char *src)
{
	return !strncmp(src, "etcds://", 8);
}

void nl_repo_key_current(const char *prefix, char *key, size_t len)
{
	snprintf(key, len, "%s/current", prefix);
}

void nl_repo_key_serial(const char *prefix, __u64 serial, char *key, size_t len)
{
	snprintf(key, len, "%s/serials/%020llu", prefix, (unsigned long long)serial);
}

int nl_repo_parse_current(const char *s, size_t len, __u64 *serial)
{
	json_t *j = json_loadb(s, len, 0, NULL);
	const char *v = json_string_value(json_object_get(j, "serial"));
	char *end;
	int rc = -EBADMSG;

	if (v && *v >= '1' && *v <= '9') {
		errno = 0;
		*serial = strtoull(v, &end, 10);
		if (!*end && !errno)
			rc = 0;
	}
	json_decref(j);
	return rc;
}

void nl_repo_tenants_etag(const char *buf, size_t len, char *etag, size_t etaglen)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)buf[i]) * 0x100000001b3ULL;
	snprintf(etag, etaglen, "\"t-%016llx\"", h);
}

static void arm(struct nl_repo *r, long ms)
{
	struct itimerspec its = {.it_value = {.tv_sec = ms / 1000,
					      .tv_nsec = (ms % 1000) * 1000000L + (ms ? 0 : 1)}};

	timerfd_settime(r->tfd, 0, &its, NULL);
}

static void deliver(struct nl_repo *r, struct nl_repo_result *res)
{
	if (res->rc && res->corrupt)
		r->st.corrupt++;
	if (!res->rc && !res->not_modified)
		r->st.fetches++;
	if (res->tn == NL_REPO_TN_NEW)
		r->st.tn_fetches++;
	if (res->tn == NL_REPO_TN_ERR && res->tn_corrupt)
		r->st.tn_corrupt++;
	r->done(r->ctx, res);
	/* the receiver did not take the tenants file: not leaked */
	if (res->tenants) {
		nl_tenants_free(res->tenants);
		free(res->tenants);
		res->tenants = NULL;
	}
}

/*
 * A fetched tenants file (@buf, @len) into @res: NEW (validated), SAME
 * (the bytes last delivered, unless forced) or ERR (malformed: refused).
 * @where names the document in messages.
 */
static void tenants_take(struct nl_repo *r, const char *buf, size_t len, const char *etag,
			 const char *where, struct nl_repo_result *res)
{
	char perr[400];
	struct nl_tenants *t;

	snprintf(res->tn_etag, sizeof(res->tn_etag), "%s", etag);
	if (!etag[0])
		nl_repo_tenants_etag(buf, len, res->tn_etag, sizeof(res->tn_etag));
	if (!r->tn_force && r->tn_etag[0] && !strcmp(r->tn_etag, res->tn_etag)) {
		res->tn = NL_REPO_TN_SAME;
		return;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		res->tn = NL_REPO_TN_ERR;
		snprintf(res->tn_err, sizeof(res->tn_err), "tenants file: out of memory");
		return;
	}
	if (nl_tenants_parse(buf, len, where, t, perr, sizeof(perr))) {
		free(t);
		res->tn = NL_REPO_TN_ERR;
		res->tn_corrupt = true;
		snprintf(res->tn_err, sizeof(res->tn_err), "%s", perr);
		return;
	}
	res->tn = NL_REPO_TN_NEW;
	res->tenants = t;
	r->tn_force = false;
	snprintf(r->tn_etag, sizeof(r->tn_etag), "%s", res->tn_etag);
}

static void tenants_absent(struct nl_repo *r, struct nl_repo_result *res)
{
	res->tn = NL_REPO_TN_ABSENT;
	r->tn_etag[0] = 0;
}

static void deliver_err(struct nl_repo *r, int rc, bool corrupt, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void deliver_err(struct nl_repo *r, int rc, bool corrupt, const char *fmt, ...)
{
	struct nl_repo_result res = {.rc = rc, .corrupt = corrupt};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res.err, sizeof(res.err), fmt, ap);
	va_end(ap);
	deliver(r, &res);
}

/* validate a fetched document: a row of our switch, or a whole table */
static int validate(struct nl_repo *r, const char *buf, size_t len, struct nl_repo_result *res)
{
	char mac[NL_MAC_STRLEN];
	int rc = nl_vt_parse_any(buf, len, &res->t, res->err, sizeof(res->err));

	if (rc) {
		res->corrupt = true;
		return rc;
	}
	if (res->t.row_only && (!r->have_mac || !nl_vt_rows_from(&res->t, r->mac))) {
		nl_fmt_mac(r->mac, mac);
		nl_vt_free(&res->t);
		res->corrupt = true;
		return nl_errf(res->err, sizeof(res->err), -EINVAL,
			       "the row is not that of our switch %s", mac);
	}
	return 0;
}

/* ---- HTTP ----------------------------------------------------------------------------- */

static int http_start(struct nl_repo *r, char *err, size_t errlen);

/* GET /v1/tenants ended: the row fetched before it goes out with its outcome */
static void http_tn_done(void *ctx, struct nl_fetch_result *f)
{
	struct nl_repo *r = ctx;
	struct nl_repo_result res = r->pend;

	memset(&r->pend, 0, sizeof(r->pend));
	if (!f->rc && f->status == 304) {
		res.tn = NL_REPO_TN_SAME;
	} else if (!f->rc) {
		tenants_take(r, f->body, f->len, f->etag, r->tn_url, &res);
	} else if (f->status == 404) {
		tenants_absent(r, &res); /* none, or a repository older than tenants files */
	} else {
		res.tn = NL_REPO_TN_ERR;
		snprintf(res.tn_err, sizeof(res.tn_err), "GET %.200s: %.250s", r->tn_url, f->err);
	}
	free(f->body);
	deliver(r, &res);
}

static void http_done(void *ctx, struct nl_fetch_result *f)
{
	struct nl_repo *r = ctx;
	struct nl_repo_result res = {.rc = f->rc};
	char err[256];

	if (r->fetching_row && f->rc && f->status == 404) {
		/* an older repository: the whole table, until a forced fetch */
		r->no_rows = true;
		r->st.row_fallbacks++;
		if (!http_start(r, err, sizeof(err)))
			return;
		deliver_err(r, -EIO, false, "%s", err);
		return;
	}
	if (f->rc) {
		snprintf(res.err, sizeof(res.err), "%s", f->err);
	} else if (f->status == 304) {
		res.not_modified = true;
	} else {
		res.rc = validate(r, f->body, f->len, &res);
		snprintf(res.etag, sizeof(res.etag), "%s", f->etag);
	}
	free(f->body);
	/* the repository answered: its tenants file next, delivered with the row */
	if (!f->rc && r->rows_ok) {
		r->pend = res;
		if (!nl_fetch_start(r->fetch, r->tn_url, r->tn_force ? NULL : r->tn_etag,
				    http_tn_done, r, err, sizeof(err)))
			return;
		memset(&r->pend, 0, sizeof(r->pend));
		res.tn = NL_REPO_TN_ERR;
		snprintf(res.tn_err, sizeof(res.tn_err), "GET %.200s: %.250s", r->tn_url, err);
	}
	deliver(r, &res);
}

static int http_start(struct nl_repo *r, char *err, size_t errlen)
{
	const char *url = r->url;
	char mac[NL_MAC_STRLEN];

	r->fetching_row = r->have_mac && r->rows_ok && !r->no_rows;
	if (r->fetching_row) {
		nl_fmt_mac(r->mac, mac);
		snprintf(r->row_url, sizeof(r->row_url), "%.*s/v1/row/%s",
			 (int)(strlen(r->url) - strlen(ROW_SUFFIX)), r->url, mac);
		url = r->row_url;
	}
	return nl_fetch_start(r->fetch, url, r->etag[0] ? r->etag : NULL, http_done, r, err,
			      errlen);
}

/* ---- etcd ----------------------------------------------------------------------------- */

static void etcd_read_current(struct nl_repo *r);

/* the member failed: the next one, at once within a cycle of the members, then with backoff */
static void etcd_transport_failed(struct nl_repo *r, int rc, const char *err)
{
	int cycle;
	long ms;

	r->st.failovers++;
	nl_etcd_failover(r->ec);
	r->step = E_IDLE;
	r->fails++;
	/* every member of a cycle at once; between cycles 1, 2, 4, 8, 8... s */
	cycle = r->fails / r->nmembers;
	ms = r->fails % r->nmembers ? 0 : 1000L << (cycle > 4 ? 4 : cycle - 1);
	arm(r, ms > RETRY_MAX_MS ? RETRY_MAX_MS : ms);
	if (r->waited) {
		r->waited = false;
		deliver_err(r, rc, false, "%s; trying %s next", err, nl_etcd_endpoint(r->ec));
	}
}

/* a read ended without a new table (refused value, or none) */
static void etcd_read_over(struct nl_repo *r)
{
	r->step = E_IDLE;
	r->waited = false;
	r->by_watch = false;
	arm(r, r->o.check_ms);
	if (r->pending) {
		r->pending = false;
		etcd_read_current(r);
	}
}

/* <serial>/tenants read: the serial's row and tenants file are delivered */
static void on_tenants(void *ctx, int rc, const struct nl_etcd_kv *kv, const char *err)
{
	struct nl_repo *r = ctx;
	struct nl_repo_result res = r->pend;
	char where[700];

	if (rc && rc != -EBADMSG) {
		/* the member failed: the whole serial again, from the next one */
		nl_vt_free(&res.t);
		memset(&r->pend, 0, sizeof(r->pend));
		etcd_transport_failed(r, rc, err);
		return;
	}
	memset(&r->pend, 0, sizeof(r->pend));
	r->fails = 0;
	nl_repo_key_serial(r->prefix, r->want, where, sizeof(where) - 16);
	strcat(where, "/tenants");
	if (rc) {
		res.tn = NL_REPO_TN_ERR;
		res.tn_corrupt = true;
		snprintf(res.tn_err, sizeof(res.tn_err), "%s", err);
	} else if (!kv->found) {
		tenants_absent(r, &res);
	} else {
		tenants_take(r, kv->value, kv->len, "", where, &res);
	}
	r->serial = r->want;
	etcd_read_over(r);
	deliver(r, &res);
}

static void on_row(void *ctx, int rc, const struct nl_etcd_kv *kv, const char *err)
{
	struct nl_repo *r = ctx;
	struct nl_repo_result res = {.pushed = !r->waited, .by_watch = r->by_watch};
	char mac[NL_MAC_STRLEN];

	if (rc == -EBADMSG) {
		etcd_read_over(r);
		deliver_err(r, rc, true, "%s", err);
		return;
	}
	if (rc) {
		etcd_transport_failed(r, rc, err);
		return;
	}
	r->fails = 0;
	nl_fmt_mac(r->mac, mac);
	if (!kv->found) {
		etcd_read_over(r);
		deliver_err(r, -ENOENT, false,
			    "etcd: serial %llu has no row for our switch %s (not in the table, or "
			    "the serial was removed meanwhile)",
			    (unsigned long long)r->want, mac);
		return;
	}
	res.rc = validate(r, kv->value, kv->len, &res);
	if (!res.rc && (!res.t.row_only || res.t.serial != r->want)) {
		nl_vt_free(&res.t);
		res.corrupt = true;
		res.rc = nl_errf(res.err, sizeof(res.err), -EINVAL,
				 "etcd: the row of serial %llu is not a row of that serial",
				 (unsigned long long)r->want);
	}
	if (res.rc && !strstr(res.err, "etcd"))
		snprintf(res.err + strlen(res.err), sizeof(res.err) - strlen(res.err),
			 " (etcd row of serial %llu)", (unsigned long long)r->want);
	if (!res.rc) {
		char key[700];

		snprintf(res.etag, sizeof(res.etag), "\"%llu\"", (unsigned long long)r->want);
		/* the serial's tenants file, then both go out together */
		r->pend = res;
		r->step = E_TENANTS;
		nl_repo_key_serial(r->prefix, r->want, key, sizeof(key) - 16);
		strcat(key, "/tenants");
		rc = nl_etcd_get(r->ec, key, on_tenants, r);
		if (!rc)
			return;
		nl_vt_free(&r->pend.t);
		memset(&r->pend, 0, sizeof(r->pend));
		etcd_transport_failed(r, rc, "etcd: cannot start a read");
		return;
	}
	etcd_read_over(r);
	deliver(r, &res);
}

static void etcd_read_row(struct nl_repo *r, __u64 serial)
{
	char key[700], mac[NL_MAC_STRLEN];
	int rc;

	nl_fmt_mac(r->mac, mac);
	nl_repo_key_serial(r->prefix, serial, key, sizeof(key) - 32);
	snprintf(key + strlen(key), 32, "/rows/%s", mac);
	r->want = serial;
	r->step = E_ROW;
	rc = nl_etcd_get(r->ec, key, on_row, r);
	if (rc)
		etcd_transport_failed(r, rc, "etcd: cannot start a read");
}

static void on_watch(void *ctx, int rc, const struct nl_etcd_kv *kv, const char *err)
{
	struct nl_repo *r = ctx;
	__u64 s;

	if (rc) {
		/* the stream ended (member down, cancelled, garbage): start over elsewhere */
		if (r->step == E_IDLE) {
			etcd_transport_failed(r, rc, err);
			if (!r->waited)
				deliver_err(r, rc, rc == -EBADMSG, "%s; trying %s next", err,
					    nl_etcd_endpoint(r->ec));
		}
		return;
	}
	r->st.watch_events++;
	if (kv->deleted)
		return;
	if (nl_repo_parse_current(kv->value, kv->len, &s)) {
		deliver_err(
			r, -EBADMSG, true,
			"etcd: %s is not {\"serial\":\"<decimal>\"}: refused, the table in force "
			"stays",
			r->key_current);
		return;
	}
	if (s == r->serial)
		return;
	if (r->step != E_IDLE) {
		r->pending = true;
		return;
	}
	r->by_watch = true;
	etcd_read_row(r, s);
}

static void on_current(void *ctx, int rc, const struct nl_etcd_kv *kv, const char *err)
{
	struct nl_repo *r = ctx;
	struct nl_repo_result res = {.not_modified = true};
	__u64 s;

	if (rc && rc != -EBADMSG) {
		etcd_transport_failed(r, rc, err);
		return;
	}
	r->fails = 0;
	if (!rc && !nl_etcd_watching(r->ec) &&
	    nl_etcd_watch(r->ec, r->key_current, kv->revision + 1, on_watch, r)) {
		etcd_transport_failed(r, -ENOMEM, "etcd: cannot start the watch");
		return;
	}
	if (!rc && !kv->found) {
		bool w = r->waited;

		etcd_read_over(r);
		if (w || !r->serial)
			deliver_err(r, -ENOENT, false,
				    "etcd: no table published under %s (na-repo publish --etcd)",
				    r->prefix);
		return;
	}
	if (rc || nl_repo_parse_current(kv->value, kv->len, &s)) {
		etcd_read_over(r);
		deliver_err(
			r, -EBADMSG, true,
			"etcd: %s is not {\"serial\":\"<decimal>\"}: refused, the table in force "
			"stays",
			r->key_current);
		return;
	}
	if (s == r->serial && !r->force) {
		bool w = r->waited;

		etcd_read_over(r);
		if (w)
			deliver(r, &res);
		return;
	}
	r->tn_force |= r->force;
	r->force = false;
	etcd_read_row(r, s);
}

static void etcd_read_current(struct nl_repo *r)
{
	int rc;

	r->step = E_CURRENT;
	rc = nl_etcd_get(r->ec, r->key_current, on_current, r);
	if (rc)
		etcd_transport_failed(r, rc, "etcd: cannot start a read");
}

/* ---- common --------------------------------------------------------------------------- */

static int parse_etcd_src(struct nl_repo *r, const char *src, char *eps, size_t epslen, char *err,
			  size_t errlen)
{
	const char *hosts = src + (is_etcds(src) ? 8 : 7), *slash = strchr(hosts, '/');

	if (!slash || slash == hosts || !slash[1] || (size_t)(slash - hosts) >= epslen ||
	    strlen(slash) >= sizeof(r->prefix))
		return nl_errf(
			err, errlen, -EINVAL,
			"repository '%s': expected etcd[s]://host:port[,host:port...]/prefix", src);
	snprintf(eps, epslen, "%.*s", (int)(slash - hosts), hosts);
	snprintf(r->prefix, sizeof(r->prefix), "%s", slash);
	while (strlen(r->prefix) > 1 && r->prefix[strlen(r->prefix) - 1] == '/')
		r->prefix[strlen(r->prefix) - 1] = 0;
	nl_repo_key_current(r->prefix, r->key_current, sizeof(r->key_current));
	return 0;
}

/*
 * TLS files are for a TLS source only (asked for: never plain http), and
 * must be usable: 0 or -errno with err set
 */
static int check_tls(const char *src, const struct nl_tls_opts *t, char *err, size_t errlen)
{
	bool tls_src = is_etcds(src) || !strncmp(src, "https://", 8) ||
		       (!strncmp(src, "etcd://", 7) && strstr(src, "https://"));

	if (!nl_tls_any(t))
		return 0;
	if (!tls_src)
		return nl_errf(err, errlen, -EINVAL,
			       "repository '%s' is plain http, but a CA bundle or client "
			       "certificate was given (TLS asked for): use https:// or etcds://",
			       src);
	return nl_tls_check(t, err, errlen);
}

int nl_repo_new(struct nl_repo **out, const char *src, const struct nl_repo_opts *o,
		nl_repo_done done, void *ctx, char *err, size_t errlen)
{
	struct epoll_event ev = {.events = EPOLLIN};
	struct nl_tls_opts tls = {o->ca_file, o->cert_file, o->key_file};
	struct nl_repo *r = calloc(1, sizeof(*r));
	char eps[1024], urls[NL_ETCD_MAX_ENDPOINTS][128];
	int rc;

	if (!r)
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	r->o = *o;
	if (!r->o.check_ms)
		r->o.check_ms = CHECK_DEFAULT_MS;
	r->done = done;
	r->ctx = ctx;
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ev.data.fd = r->tfd;
	if (r->ep < 0 || r->tfd < 0 || epoll_ctl(r->ep, EPOLL_CTL_ADD, r->tfd, &ev)) {
		nl_repo_free(r);
		return nl_errf(err, errlen, -ENOMEM, "cannot set up the repository client");
	}
	r->is_etcd = nl_repo_is_etcd_url(src);
	rc = check_tls(src, &tls, err, errlen);
	if (rc) {
		nl_repo_free(r);
		return rc;
	}
	if (r->is_etcd) {
		struct nl_etcd_opts eo = {.timeout_ms = o->timeout_ms,
					  .max_bytes = o->max_bytes,
					  .keepalive_s = 5,
					  .tls = is_etcds(src),
					  .tls_files = tls};

		rc = parse_etcd_src(r, src, eps, sizeof(eps), err, errlen);
		if (!rc)
			rc = nl_etcd_parse_endpoints_tls(eps, eo.tls, urls, &r->nmembers, err,
							 errlen);
		if (!rc)
			rc = nl_etcd_new(&r->ec, eps, &eo, err, errlen);
		ev.data.fd = rc ? -1 : nl_etcd_fd(r->ec);
	} else {
		struct nl_fetch_opts fo = {.ca_file = o->ca_file,
					   .cert_file = o->cert_file,
					   .key_file = o->key_file,
					   .timeout_ms = o->timeout_ms,
					   .max_bytes = o->max_bytes};

		rc = nl_fetch_url(src, r->url, sizeof(r->url), err, errlen);
		if (!rc) {
			rc = nl_fetch_new(&r->fetch, &fo);
			if (rc)
				nl_errf(err, errlen, rc, "cannot set up the repository client");
		}
		ev.data.fd = rc ? -1 : nl_fetch_fd(r->fetch);
		r->rows_ok = !o->whole_table && strlen(r->url) > strlen(ROW_SUFFIX) &&
			     !strcmp(r->url + strlen(r->url) - strlen(ROW_SUFFIX), ROW_SUFFIX);
		/* the tenants file beside the table (no such URL for another document) */
		if (r->rows_ok)
			snprintf(r->tn_url, sizeof(r->tn_url), "%.*s%s",
				 (int)(strlen(r->url) - strlen(ROW_SUFFIX)), r->url, TN_SUFFIX);
	}
	if (!rc && epoll_ctl(r->ep, EPOLL_CTL_ADD, ev.data.fd, &ev))
		rc = nl_errf(err, errlen, -errno, "epoll: %s", strerror(errno));
	if (rc) {
		nl_repo_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void nl_repo_free(struct nl_repo *r)
{
	if (!r)
		return;
	nl_fetch_free(r->fetch);
	nl_etcd_free(r->ec);
	nl_vt_free(&r->pend.t);
	if (r->ep >= 0)
		close(r->ep);
	if (r->tfd >= 0)
		close(r->tfd);
	free(r);
}

int nl_repo_fd(const struct nl_repo *r)
{
	return r->ep;
}

bool nl_repo_busy(const struct nl_repo *r)
{
	return r->is_etcd ? r->step != E_IDLE : nl_fetch_busy(r->fetch);
}

const struct nl_repo_stats *nl_repo_stats(const struct nl_repo *r)
{
	return &r->st;
}

const char *nl_repo_where(const struct nl_repo *r)
{
	return r->is_etcd ? nl_etcd_endpoint(r->ec) : r->url;
}

void nl_repo_run(struct nl_repo *r)
{
	struct epoll_event evs[4];
	int n = epoll_wait(r->ep, evs, 4, 0);
	__u64 x;

	for (int i = 0; i < n; i++)
		if (evs[i].data.fd == r->tfd && read(r->tfd, &x, sizeof(x)) == sizeof(x) &&
		    r->is_etcd && r->have_mac && r->step == E_IDLE)
			etcd_read_current(r); /* a retry, or the liveness read */
	if (r->is_etcd)
		nl_etcd_run(r->ec);
	else
		nl_fetch_run(r->fetch);
}

int nl_repo_fetch(struct nl_repo *r, const __u8 *mac, const char *etag, char *err, size_t errlen)
{
	if (nl_repo_busy(r))
		return -EBUSY;
	if (mac) {
		memcpy(r->mac, mac, 6);
		r->have_mac = true;
	}
	if (!r->is_etcd) {
		if (!etag)
			r->no_rows = false; /* a forced fetch tries rows again */
		if (r->rows_ok && !r->have_mac)
			return -EAGAIN; /* our row, once LLDP names the switch */
		snprintf(r->etag, sizeof(r->etag), "%s", etag ? etag : "");
		r->tn_force = !etag;
		return http_start(r, err, errlen);
	}
	if (!r->have_mac)
		return -EAGAIN; /* etcd holds rows only: wait for LLDP */
	r->waited = true;
	r->force = !etag;
	etcd_read_current(r);
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The repository client (http_fetch.h), patent [0012]: libcurl's multi
 * interface on an epoll descriptor of our own (CURLMOPT_SOCKETFUNCTION
 * adds curl's sockets to it, CURLMOPT_TIMERFUNCTION arms a timerfd in it),
 * so the caller's event loop watches one descriptor and no call here ever
 * waits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <curl/curl.h>

#include "http_fetch.h"
#include "util.h"

struct nl_fetch {
	CURLM *multi;
	CURL *easy; /* the transfer running, or NULL */
	int ep, tfd;
	struct nl_fetch_opts o;
	struct curl_slist *hdrs;
	struct nl_fetch_result res;
	size_t cap;
	bool too_big;
	char curl_err[CURL_ERROR_SIZE];
	char url[1024];
	nl_fetch_done done;
	void *ctx;
};

int nl_fetch_url(const char *src, char *url, size_t urllen, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *path = NULL, *full = NULL, with[1100];
	CURLUcode uc;
	int rc = 0;

	if (!u)
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	/* "host:port" alone means http:// (libcurl would guess https) */
	snprintf(with, sizeof(with), "%s%s", strstr(src, "://") ? "" : "http://", src);
	uc = curl_url_set(u, CURLUPART_URL, with, CURLU_NON_SUPPORT_SCHEME);
	if (!uc)
		uc = curl_url_get(u, CURLUPART_PATH, &path, 0);
	if (!uc && (!path || !strcmp(path, "/")))
		uc = curl_url_set(u, CURLUPART_PATH, "/v1/vlan-table", 0);
	if (!uc)
		uc = curl_url_get(u, CURLUPART_URL, &full, 0);
	if (uc)
		rc = nl_errf(err, errlen, -EINVAL, "repository URL '%s': %s", src,
			     curl_url_strerror(uc));
	else if (strncmp(full, "http://", 7) && strncmp(full, "https://", 8))
		rc = nl_errf(err, errlen, -EINVAL, "repository URL '%s': only http and https", src);
	else if (strlen(full) >= urllen)
		rc = nl_errf(err, errlen, -EINVAL, "repository URL '%s' is too long", src);
	else
		snprintf(url, urllen, "%s", full);
	curl_free(path);
	curl_free(full);
	curl_url_cleanup(u);
	return rc;
}

/* curl's sockets in our epoll */
static int on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct nl_fetch *f = userp;
	struct epoll_event ev = {.data.fd = s};

	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(f->ep, EPOLL_CTL_DEL, s, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	if (epoll_ctl(f->ep, EPOLL_CTL_MOD, s, &ev) && errno == ENOENT)
		epoll_ctl(f->ep, EPOLL_CTL_ADD, s, &ev);
	return 0;
}

/* curl's timer as a timerfd in our epoll */
static int on_timer(CURLM *m, long timeout_ms, void *userp)
{
	struct nl_fetch *f = userp;
	struct itimerspec its = {};

	if (timeout_ms >= 0) {
		its.it_value.tv_sec = timeout_ms / 1000;
		its.it_value.tv_nsec = (timeout_ms % 1000) * 1000000L;
		if (!timeout_ms)
			its.it_value.tv_nsec = 1; /* at once: 0 would disarm */
	}
	return timerfd_settime(f->tfd, 0, &its, NULL) ? -1 : 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *userp)
{
	struct nl_fetch *f = userp;
	struct nl_fetch_result *r = &f->res;

	n *= size;
	if (r->len + n > f->o.max_bytes) {
		f->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (r->len + n + 1 > f->cap) {
		size_t cap = f->cap ? f->cap : 65536;
		char *nb;

		while (cap < r->len + n + 1)
			cap *= 2;
		nb = realloc(r->body, cap);
		if (!nb)
			return 0;
		r->body = nb;
		f->cap = cap;
	}
	memcpy(r->body + r->len, p, n);
	r->len += n;
	r->body[r->len] = 0;
	return n;
}

static size_t on_header(char *p, size_t size, size_t n, void *userp)
{
	struct nl_fetch *f = userp;
	size_t len = size * n, vlen;
	const char *v;

	if (len > 5 && !strncasecmp(p, "ETag:", 5)) {
		v = p + 5;
		vlen = len - 5;
		while (vlen && (*v == ' ' || *v == '\t'))
			v++, vlen--;
		while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
			vlen--;
		if (vlen < sizeof(f->res.etag)) {
			memcpy(f->res.etag, v, vlen);
			f->res.etag[vlen] = 0;
		}
	}
	return len;
}

int nl_fetch_new(struct nl_fetch **out, const struct nl_fetch_opts *o)
{
	static bool global;
	struct epoll_event ev = {.events = EPOLLIN};
	struct nl_fetch *f;

	if (!global) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return -ENOMEM;
		global = true;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->o = *o;
	f->ep = epoll_create1(EPOLL_CLOEXEC);
	f->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	f->multi = curl_multi_init();
	ev.data.fd = f->tfd;
	if (f->ep < 0 || f->tfd < 0 || !f->multi || epoll_ctl(f->ep, EPOLL_CTL_ADD, f->tfd, &ev)) {
		nl_fetch_free(f);
		return -ENOMEM;
	}
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	*out = f;
	return 0;
}

static void end_transfer(struct nl_fetch *f)
{
	if (f->easy) {
		curl_multi_remove_handle(f->multi, f->easy);
		curl_easy_cleanup(f->easy);
		f->easy = NULL;
	}
	curl_slist_free_all(f->hdrs);
	f->hdrs = NULL;
}

void nl_fetch_free(struct nl_fetch *f)
{
	if (!f)
		return;
	end_transfer(f);
	free(f->res.body);
	if (f->multi)
		curl_multi_cleanup(f->multi);
	if (f->ep >= 0)
		close(f->ep);
	if (f->tfd >= 0)
		close(f->tfd);
	free(f);
}

int nl_fetch_fd(const struct nl_fetch *f)
{
	return f->ep;
}

bool nl_fetch_busy(const struct nl_fetch *f)
{
	return f->easy != NULL;
}

int nl_fetch_start(struct nl_fetch *f, const char *url, const char *etag, nl_fetch_done done,
		   void *ctx, char *err, size_t errlen)
{
	char inm[160];
	CURL *e;

	if (f->easy)
		return -EBUSY;
	free(f->res.body);
	memset(&f->res, 0, sizeof(f->res));
	f->cap = 0;
	f->too_big = false;
	f->curl_err[0] = 0;
	f->done = done;
	f->ctx = ctx;
	snprintf(f->url, sizeof(f->url), "%s", url);
	e = curl_easy_init();
	if (!e)
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	if (etag && etag[0]) {
		snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
		f->hdrs = curl_slist_append(NULL, inm);
	}
	curl_easy_setopt(e, CURLOPT_URL, f->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "na-loader");
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)f->o.timeout_ms);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->o.max_bytes);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, f->curl_err);
	if (f->hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, f->hdrs);
	if (f->o.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, f->o.ca_file);
	if (curl_multi_add_handle(f->multi, e)) {
		curl_easy_cleanup(e);
		curl_slist_free_all(f->hdrs);
		f->hdrs = NULL;
		return nl_errf(err, errlen, -ENOMEM, "cannot start the transfer");
	}
	f->easy = e;
	return 0;
}

/* the outcome of a finished transfer as 0/-errno and a message */
static void result_of(struct nl_fetch *f, CURLcode cc)
{
	struct nl_fetch_result *r = &f->res;
	const char *why = f->curl_err[0] ? f->curl_err : curl_easy_strerror(cc);

	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &r->status);
	switch (cc) {
	case CURLE_OK:
		if (r->status == 200 || r->status == 304)
			return;
		r->rc = nl_errf(r->err, sizeof(r->err), -EPROTO, "%s answered HTTP %ld", f->url,
				r->status);
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		r->rc = nl_errf(r->err, sizeof(r->err), -ECONNREFUSED,
				"cannot connect to %s (is the repository running and reachable?): "
				"%s",
				f->url, why);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		r->rc = nl_errf(r->err, sizeof(r->err), -ETIMEDOUT,
				"timeout after %d ms waiting for %s", f->o.timeout_ms, f->url);
		return;
	case CURLE_FILESIZE_EXCEEDED:
		f->too_big = true;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
		r->rc = nl_errf(r->err, sizeof(r->err), -EACCES, "TLS to %s: %s", f->url, why);
		return;
	default:
		break;
	}
	if (f->too_big)
		r->rc = nl_errf(r->err, sizeof(r->err), -EFBIG,
				"%s: response larger than %zu bytes", f->url, f->o.max_bytes);
	else
		r->rc = nl_errf(r->err, sizeof(r->err), -EIO, "%s: %s", f->url, why);
}

static void check_done(struct nl_fetch *f)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(f->multi, &left))) {
		struct nl_fetch_result r;

		if (msg->msg != CURLMSG_DONE || msg->easy_handle != f->easy)
			continue;
		result_of(f, msg->data.result);
		end_transfer(f);
		r = f->res;
		if (r.rc || r.status != 200) {
			free(r.body);
			r.body = NULL;
			r.len = 0;
		} else if (!r.body) {
			r.body = calloc(1, 1); /* an empty document */
			if (!r.body)
				r.rc = nl_errf(r.err, sizeof(r.err), -ENOMEM, "out of memory");
		}
		memset(&f->res, 0, sizeof(f->res)); /* the body is the receiver's now */
		f->cap = 0;
		f->done(f->ctx, &r);
	}
}

void nl_fetch_run(struct nl_fetch *f)
{
	struct epoll_event evs[8];
	int n = epoll_wait(f->ep, evs, 8, 0), running;

	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd, flags = 0;

		if (fd == f->tfd) {
			__u64 x;

			if (read(f->tfd, &x, sizeof(x)) < 0) {
				/* not expired after all: curl still gets its look */
			}
			curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
			continue;
		}
		if (evs[i].events & EPOLLIN)
			flags |= CURL_CSELECT_IN;
		if (evs[i].events & EPOLLOUT)
			flags |= CURL_CSELECT_OUT;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			flags |= CURL_CSELECT_ERR;
		curl_multi_socket_action(f->multi, fd, flags, &running);
	}
	check_done(f);
}

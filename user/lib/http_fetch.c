// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The repository client (http_fetch.h), patent [0012]: one GET at a time
 * in the shared curl loop (curl_loop.h: libcurl's multi interface on an
 * epoll descriptor of our own), so the caller's event loop watches one
 * descriptor and no call here ever waits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "curl_loop.h"
#include "http_fetch.h"
#include "util.h"

struct nl_fetch {
	struct nl_curl_loop *loop;
	CURL *easy; /* the transfer running, or NULL */
	struct nl_fetch_opts o;
	struct curl_slist *hdrs;
	struct nl_fetch_result res; /* body and len: in buf until the end */
	struct nl_curl_buf buf;
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
	struct nl_fetch *f;
	int rc;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->o = *o;
	f->buf.max = o->max_bytes;
	rc = nl_curl_loop_new(&f->loop);
	if (rc) {
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

static void end_transfer(struct nl_fetch *f)
{
	nl_curl_loop_remove(f->loop, f->easy);
	f->easy = NULL;
	curl_slist_free_all(f->hdrs);
	f->hdrs = NULL;
}

void nl_fetch_free(struct nl_fetch *f)
{
	if (!f)
		return;
	end_transfer(f);
	nl_curl_buf_reset(&f->buf);
	nl_curl_loop_free(f->loop);
	free(f);
}

int nl_fetch_fd(const struct nl_fetch *f)
{
	return nl_curl_loop_fd(f->loop);
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
	nl_curl_buf_reset(&f->buf);
	memset(&f->res, 0, sizeof(f->res));
	f->too_big = false;
	f->done = done;
	f->ctx = ctx;
	snprintf(f->url, sizeof(f->url), "%s", url);
	e = nl_curl_easy(f->url, "http,https", "na-loader", f->curl_err);
	if (!e)
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	if (etag && etag[0]) {
		snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
		f->hdrs = curl_slist_append(NULL, inm);
	}
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)f->o.timeout_ms);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->o.max_bytes);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, nl_curl_buf_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &f->buf);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, f);
	if (f->hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, f->hdrs);
	nl_curl_tls(e, &(struct nl_tls_opts){.ca_file = f->o.ca_file,
					     .cert_file = f->o.cert_file,
					     .key_file = f->o.key_file});
	if (nl_curl_loop_add(f->loop, e)) {
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
	case CURLE_SSL_CERTPROBLEM:
		r->rc = nl_errf(r->err, sizeof(r->err), -EACCES, "TLS to %s: %s", f->url, why);
		return;
	default:
		break;
	}
	if (f->too_big || f->buf.too_big)
		r->rc = nl_errf(r->err, sizeof(r->err), -EFBIG,
				"%s: response larger than %zu bytes", f->url, f->o.max_bytes);
	else
		r->rc = nl_errf(r->err, sizeof(r->err), -EIO, "%s: %s", f->url, why);
}

static void check_done(struct nl_fetch *f)
{
	CURLcode cc;
	CURL *easy;

	while ((easy = nl_curl_loop_next_done(f->loop, &cc))) {
		struct nl_fetch_result r;

		if (easy != f->easy)
			continue;
		result_of(f, cc);
		end_transfer(f);
		r = f->res;
		r.body = f->buf.p;
		r.len = f->buf.len;
		if (r.rc || r.status != 200) {
			free(r.body);
			r.body = NULL;
			r.len = 0;
		} else if (!r.body) {
			r.body = calloc(1, 1); /* an empty document */
			if (!r.body)
				r.rc = nl_errf(r.err, sizeof(r.err), -ENOMEM, "out of memory");
		}
		/* the body is the receiver's now */
		memset(&f->res, 0, sizeof(f->res));
		f->buf.p = NULL;
		f->buf.len = f->buf.cap = 0;
		f->done(f->ctx, &r);
	}
}

void nl_fetch_run(struct nl_fetch *f)
{
	nl_curl_loop_poll(f->loop);
	check_done(f);
}

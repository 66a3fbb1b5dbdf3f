// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The etcd v3 JSON gateway client (etcd_client.h), patent [0012]: the
 * configuration repository at well-known addresses, replicated by etcd.
 * The shared curl loop (curl_loop.h: libcurl's multi interface on an epoll
 * descriptor of our own, as http_fetch.c uses it); JSON by jansson, base64
 * by OpenSSL's EVP_EncodeBlock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <openssl/evp.h>

#include "curl_loop.h"
#include "etcd_client.h"
#include "util.h"

/* one transfer: a unary read or the watch stream */
struct xfer {
	CURL *easy;
	struct curl_slist *hdrs;
	char *post;	       /* the request body */
	struct nl_curl_buf in; /* the answer so far (or the pending watch messages) */
	bool stream;	       /* the watch: newline-delimited messages */
	bool gone;	       /* the callback already told of an end */
	nl_etcd_cb cb;
	void *ctx;
	char curl_err[CURL_ERROR_SIZE];
};

struct nl_etcd {
	char urls[NL_ETCD_MAX_ENDPOINTS][128];
	int nurls, cur;
	struct nl_curl_loop *loop;
	struct nl_etcd_opts o;
	struct xfer get, watch;
};

int nl_etcd_parse_endpoints_tls(const char *list, bool tls, char urls[][128], int *n, char *err,
				size_t errlen)
{
	const char *p = list;

	tls = tls || strstr(list, "https://");
	*n = 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		const char *scheme = tls ? "https://" : "http://";

		if (!l || *n == NL_ETCD_MAX_ENDPOINTS)
			return nl_errf(err, errlen, -EINVAL,
				       "etcd endpoints '%s': empty entry or more than %d", list,
				       NL_ETCD_MAX_ENDPOINTS);
		if (l > 7 && !strncmp(p, "http://", 7)) {
			if (tls)
				return nl_errf(err, errlen, -EINVAL,
					       "etcd endpoint '%.*s': plain http refused, TLS was "
					       "asked for (https://, etcds:// or a CA/certificate)",
					       (int)l, p);
			scheme = "";
		} else if (l > 8 && !strncmp(p, "https://", 8)) {
			scheme = "";
		}
		if (*scheme && (memchr(p, '/', l) || !memchr(p, ':', l)))
			return nl_errf(err, errlen, -EINVAL,
				       "etcd endpoint '%.*s': expected host:port or "
				       "http[s]://host:port",
				       (int)l, p);
		if (l + strlen(scheme) >= 128)
			return nl_errf(err, errlen, -EINVAL, "etcd endpoint '%.*s' is too long",
				       (int)l, p);
		snprintf(urls[*n], 128, "%s%.*s", scheme, (int)l, p);
		(*n)++;
		p += l + (end ? 1 : 0);
		if (end && !*p)
			return nl_errf(err, errlen, -EINVAL, "etcd endpoints '%s': trailing comma",
				       list);
	}
	if (!*n)
		return nl_errf(err, errlen, -EINVAL, "no etcd endpoint given");
	return 0;
}

int nl_etcd_parse_endpoints(const char *list, char urls[][128], int *n, char *err, size_t errlen)
{
	return nl_etcd_parse_endpoints_tls(list, false, urls, n, err, errlen);
}

/* the one protocol a request to @url may use */
static const char *proto_of(const char *url)
{
	return strncmp(url, "https://", 8) ? "http" : "https";
}

/* curl's failure as -errno: TLS -EACCES, connecting -ECONNREFUSED, else -EIO */
static int curl_rc(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return -EACCES;
	default:
		return -EIO;
	}
}

/*
 * A transfer over TLS that failed: a TLS failure as such, and a member
 * that closes the connection on a client without a certificate (TLS 1.3
 * tells it after the handshake: an alert or just a reset) with the hint.
 */
static int tls_failed(const char *url, CURLcode cc, const char *why, const struct nl_tls_opts *t,
		      char *err, size_t errlen)
{
	bool tls = !strncmp(url, "https://", 8);
	bool io = cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING;

	if (curl_rc(cc) == -EACCES)
		return nl_errf(err, errlen, -EACCES, "TLS to etcd at %s: %s", url, why);
	if (tls && io && (!t || !t->cert_file))
		return nl_errf(err, errlen, -EACCES,
			       "TLS to etcd at %s: %s (we sent no client certificate: does the "
			       "member require one?)",
			       url, why);
	return 0;
}

char *nl_etcd_b64(const void *p, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	return out;
}

int nl_etcd_b64_decode(const char *s, char **out, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	int got;

	if (n % 4)
		return -EBADMSG;
	*out = malloc(n / 4 * 3 + 1);
	if (!*out)
		return -ENOMEM;
	got = n ? EVP_DecodeBlock((unsigned char *)*out, (const unsigned char *)s, (int)n) : 0;
	if (got < 0) {
		free(*out);
		*out = NULL;
		return -EBADMSG;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes */
	if (n && s[n - 1] == '=')
		pad++;
	if (n > 1 && s[n - 2] == '=')
		pad++;
	*len = (size_t)got - pad;
	(*out)[*len] = 0;
	return 0;
}

/* gRPC-gateway int64: a decimal string (or a number) */
static __s64 json_i64(json_t *v)
{
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	if (json_is_integer(v))
		return (__s64)json_integer_value(v);
	return 0;
}

/* ---- transfers ---------------------------------------------------------------------- */

static void xfer_end(struct nl_etcd *e, struct xfer *x)
{
	nl_curl_loop_remove(e->loop, x->easy);
	x->easy = NULL;
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	free(x->post);
	x->post = NULL;
	nl_curl_buf_reset(&x->in);
}

static void kv_from_json(json_t *kv, __s64 rev, struct nl_etcd_kv *out, char **val, int *rc)
{
	json_t *v = json_object_get(kv, "value");

	out->mod_revision = json_i64(json_object_get(kv, "mod_revision"));
	out->revision = rev;
	out->found = true;
	*val = NULL;
	out->len = 0;
	if (v && !json_is_string(v)) {
		*rc = -EBADMSG;
		return;
	}
	*rc = nl_etcd_b64_decode(v ? json_string_value(v) : "", val, &out->len);
	out->value = *val;
}

/* a unary read's answer */
static void get_answer(struct xfer *x, const char *url)
{
	struct nl_etcd_kv kv = {};
	json_error_t je;
	json_t *j = json_loadb(x->in.p ? x->in.p : "", x->in.len, 0, &je), *kvs;
	char err[256] = "", *val = NULL;
	int rc = 0;

	if (!json_is_object(j)) {
		rc = nl_errf(err, sizeof(err), -EBADMSG, "%s: the answer is not JSON: %s", url,
			     je.text);
		goto out;
	}
	kv.revision = json_i64(json_object_get(json_object_get(j, "header"), "revision"));
	kvs = json_object_get(j, "kvs");
	if (json_is_array(kvs) && json_array_size(kvs)) {
		kv_from_json(json_array_get(kvs, 0), kv.revision, &kv, &val, &rc);
		if (rc)
			nl_errf(err, sizeof(err), rc, "%s: a value that is not base64", url);
	}
out:
	json_decref(j);
	x->cb(x->ctx, rc, rc ? NULL : &kv, err);
	free(val);
}

/* one message of the watch stream */
static int watch_message(struct xfer *x, const char *msg, size_t len, const char *url)
{
	json_error_t je;
	json_t *j = json_loadb(msg, len, 0, &je), *res, *evs;
	char err[256] = "";
	int rc = 0;
	size_t i;
	json_t *ev;

	if (!json_is_object(j)) {
		rc = nl_errf(err, sizeof(err), -EBADMSG, "%s: watch message is not JSON: %s", url,
			     je.text);
		goto out;
	}
	res = json_object_get(j, "result");
	if (!json_is_object(res)) {
		rc = nl_errf(err, sizeof(err), -EPROTO, "%s: watch failed: %.120s", url, msg);
		goto out;
	}
	if (json_is_true(json_object_get(res, "canceled"))) {
		rc = nl_errf(err, sizeof(err), -ESTALE, "%s: watch cancelled by etcd (%s)", url,
			     json_string_value(json_object_get(res, "cancel_reason"))
				     ?: "compacted?");
		goto out;
	}
	evs = json_object_get(res, "events");
	json_array_foreach(evs, i, ev)
	{
		struct nl_etcd_kv kv = {};
		char *val = NULL;
		__s64 rev = json_i64(json_object_get(json_object_get(res, "header"), "revision"));

		kv_from_json(json_object_get(ev, "kv"), rev, &kv, &val, &rc);
		kv.deleted =
			!strcmp(json_string_value(json_object_get(ev, "type")) ?: "", "DELETE");
		if (rc) {
			nl_errf(err, sizeof(err), rc, "%s: watch event value is not base64", url);
			break;
		}
		x->cb(x->ctx, 0, &kv, "");
		free(val);
		if (!x->easy || x->gone)
			break; /* the callback ended the watch */
	}
out:
	json_decref(j);
	if (rc) {
		x->gone = true;
		x->cb(x->ctx, rc, NULL, err);
	}
	return rc;
}

/* the complete (newline-ended) messages of the watch stream, outside curl's callbacks */
static void drain_watch(struct nl_etcd *e)
{
	struct xfer *x = &e->watch;
	CURL *easy = x->easy;
	char *nl;

	while (x->easy == easy && x->in.p && !x->gone && (nl = memchr(x->in.p, '\n', x->in.len))) {
		size_t ml = (size_t)(nl - x->in.p) + 1;
		char *msg = strndup(x->in.p, ml - 1);

		memmove(x->in.p, x->in.p + ml, x->in.len - ml + 1);
		x->in.len -= ml;
		if (!msg)
			return;
		/* a bad message ends the watch (told to the callback) */
		if (watch_message(x, msg, ml - 1, e->urls[e->cur]) && x->easy == easy)
			xfer_end(e, x);
		free(msg);
	}
}

static int xfer_start(struct nl_etcd *e, struct xfer *x, const char *api, json_t *body)
{
	char url[200];
	CURL *c;

	x->post = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	snprintf(url, sizeof(url), "%s%s", e->urls[e->cur], api);
	c = nl_curl_easy(url, proto_of(url), "na-loader", x->curl_err);
	if (!x->post || !c) {
		curl_easy_cleanup(c);
		xfer_end(e, x);
		return -ENOMEM;
	}
	nl_curl_tls(c, &e->o.tls_files);
	x->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	x->gone = false;
	nl_curl_buf_reset(&x->in);
	x->in.max = e->o.max_bytes;
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->post);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)e->o.timeout_ms);
	if (x->stream) {
		if (e->o.keepalive_s > 0) {
			curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
			curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, (long)e->o.keepalive_s);
			curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, (long)e->o.keepalive_s);
		}
	} else {
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)e->o.timeout_ms);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, nl_curl_buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x->in);
	if (nl_curl_loop_add(e->loop, c)) {
		curl_easy_cleanup(c);
		xfer_end(e, x);
		return -ENOMEM;
	}
	x->easy = c;
	return 0;
}

/* a transfer ended by curl: its outcome to its callback */
static void xfer_done(struct nl_etcd *e, struct xfer *x, CURLcode cc)
{
	const char *url = e->urls[e->cur];
	nl_etcd_cb cb = x->cb;
	void *ctx = x->ctx;
	char err[300] = "";
	long status = 0;
	int rc = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (x->stream && !x->gone) {
		CURL *easy = x->easy;

		drain_watch(e); /* what came before the end */
		if (x->easy != easy)
			return; /* the callback ended or replaced the watch */
	}
	if (x->gone) {
		xfer_end(e, x);
		return; /* told already (a bad watch message) */
	}
	if (x->in.too_big)
		rc = nl_errf(err, sizeof(err), -EFBIG, "%s: answer larger than %zu bytes", url,
			     e->o.max_bytes);
	else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST)
		rc = nl_errf(err, sizeof(err), -ECONNREFUSED, "cannot connect to etcd at %s: %s",
			     url, x->curl_err[0] ? x->curl_err : curl_easy_strerror(cc));
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		rc = nl_errf(err, sizeof(err), -ETIMEDOUT, "etcd at %s: timeout after %d ms", url,
			     e->o.timeout_ms);
	else if (cc != CURLE_OK) {
		const char *why = x->curl_err[0] ? x->curl_err : curl_easy_strerror(cc);

		rc = tls_failed(url, cc, why, &e->o.tls_files, err, sizeof(err));
		if (!rc)
			rc = nl_errf(err, sizeof(err), -EIO, "etcd at %s: %s", url, why);
	} else if (status != 200)
		rc = nl_errf(err, sizeof(err), -EPROTO, "etcd at %s answered HTTP %ld", url,
			     status);
	else if (x->stream)
		rc = nl_errf(err, sizeof(err), -ECONNRESET, "etcd at %s ended the watch", url);
	if (!rc) {
		/* the transfer ends first: the callback may start the next read */
		struct xfer done = *x;

		x->in.p = NULL;
		xfer_end(e, x);
		get_answer(&done, url);
		free(done.in.p);
		return;
	}
	xfer_end(e, x);
	cb(ctx, rc, NULL, err);
}

static void check_done(struct nl_etcd *e)
{
	CURLcode cc;
	CURL *easy;

	while ((easy = nl_curl_loop_next_done(e->loop, &cc))) {
		if (easy == e->get.easy)
			xfer_done(e, &e->get, cc);
		else if (easy == e->watch.easy)
			xfer_done(e, &e->watch, cc);
	}
}

void nl_etcd_run(struct nl_etcd *e)
{
	nl_curl_loop_poll(e->loop);
	drain_watch(e);
	check_done(e);
}

int nl_etcd_new(struct nl_etcd **out, const char *endpoints, const struct nl_etcd_opts *o,
		char *err, size_t errlen)
{
	struct nl_etcd *e;
	int rc;

	e = calloc(1, sizeof(*e));
	if (!e)
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	rc = nl_etcd_parse_endpoints_tls(endpoints, o->tls, e->urls, &e->nurls, err, errlen);
	if (rc) {
		free(e);
		return rc;
	}
	e->o = *o;
	e->watch.stream = true;
	if (nl_curl_loop_new(&e->loop)) {
		free(e);
		return nl_errf(err, errlen, -ENOMEM, "cannot set up the etcd client");
	}
	*out = e;
	return 0;
}

void nl_etcd_free(struct nl_etcd *e)
{
	if (!e)
		return;
	xfer_end(e, &e->get);
	xfer_end(e, &e->watch);
	nl_curl_loop_free(e->loop);
	free(e);
}

int nl_etcd_fd(const struct nl_etcd *e)
{
	return nl_curl_loop_fd(e->loop);
}

const char *nl_etcd_endpoint(const struct nl_etcd *e)
{
	return e->urls[e->cur];
}

void nl_etcd_failover(struct nl_etcd *e)
{
	xfer_end(e, &e->get);
	xfer_end(e, &e->watch);
	e->cur = (e->cur + 1) % e->nurls;
}

static json_t *key_req(const char *key)
{
	char *k = nl_etcd_b64(key, strlen(key));
	json_t *j = k ? json_pack("{s:s}", "key", k) : NULL;

	free(k);
	return j;
}

int nl_etcd_get(struct nl_etcd *e, const char *key, nl_etcd_cb cb, void *ctx)
{
	json_t *j;

	if (e->get.easy)
		return -EBUSY;
	j = key_req(key);
	if (!j)
		return -ENOMEM;
	e->get.cb = cb;
	e->get.ctx = ctx;
	return xfer_start(e, &e->get, "/v3/kv/range", j);
}

bool nl_etcd_get_busy(const struct nl_etcd *e)
{
	return e->get.easy != NULL;
}

int nl_etcd_watch(struct nl_etcd *e, const char *key, __s64 start_rev, nl_etcd_cb cb, void *ctx)
{
	json_t *req = key_req(key), *j;
	char rev[24];

	xfer_end(e, &e->watch);
	if (!req)
		return -ENOMEM;
	snprintf(rev, sizeof(rev), "%lld", (long long)start_rev);
	json_object_set_new(req, "start_revision", json_string(rev));
	j = json_pack("{s:o}", "create_request", req);
	if (!j)
		return -ENOMEM;
	e->watch.cb = cb;
	e->watch.ctx = ctx;
	return xfer_start(e, &e->watch, "/v3/watch", j);
}

bool nl_etcd_watching(const struct nl_etcd *e)
{
	return e->watch.easy != NULL;
}

void nl_etcd_unwatch(struct nl_etcd *e)
{
	xfer_end(e, &e->watch);
}

/* ---- synchronous ---------------------------------------------------------------------- */

int nl_etcd_call(const char *url, const char *api, json_t *body, int timeout_ms,
		 const struct nl_tls_opts *tls, json_t **resp, char *err, size_t errlen)
{
	struct xfer x = {};
	char full[256];
	json_error_t je;
	long status = 0;
	CURLcode cc;
	CURL *c;
	int rc = 0;

	*resp = NULL;
	x.post = json_dumps(body, JSON_COMPACT);
	snprintf(full, sizeof(full), "%s%s", url, api);
	c = nl_curl_easy(full, proto_of(full), "na-repo", x.curl_err);
	if (!x.post || !c) {
		free(x.post);
		curl_easy_cleanup(c);
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	}
	nl_curl_tls(c, tls);
	x.hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, x.post);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x.hdrs);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, nl_curl_buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x.in);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK) {
		const char *why = x.curl_err[0] ? x.curl_err : curl_easy_strerror(cc);

		rc = tls_failed(url, cc, why, tls, err, errlen);
		if (!rc)
			rc = nl_errf(err, errlen, curl_rc(cc), "etcd at %s: %s", url, why);
	} else if (status != 200)
		rc = nl_errf(err, errlen, -EPROTO, "etcd at %s%s answered HTTP %ld: %.200s", url,
			     api, status, x.in.p ? x.in.p : "");
	else if (!(*resp = json_loadb(x.in.p ? x.in.p : "", x.in.len, 0, &je)))
		rc = nl_errf(err, errlen, -EBADMSG, "etcd at %s: the answer is not JSON: %s", url,
			     je.text);
	curl_easy_cleanup(c);
	curl_slist_free_all(x.hdrs);
	free(x.post);
	nl_curl_buf_reset(&x.in);
	return rc;
}

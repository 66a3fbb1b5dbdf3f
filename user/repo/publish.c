// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo publish --etcd (publish.h), patent [0012]: the compiled
 * repository's rows written into etcd through its v3 JSON gateway
 * (etcd_client.h), committed by one conditional transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "etcd_client.h"
#include "publish.h"
#include "repo_client.h"
#include "tenants.h"
#include "util.h"
#include "vlan_table.h"

/*
 * etcd's defaults: --max-txn-ops 128, --max-request-bytes 1.5 MiB: a batch
 * of rows stays below both (base64 makes a row 4/3 larger), also with the
 * commit's 3 operations added to the last batch.
 */
#define BATCH_OPS   100
#define BATCH_BYTES (1000UL << 10)
/* a tenants file is one value: one request, below etcd's 1.5 MiB once in base64 */
#define TENANTS_MAX_BYTES (1000UL << 10)

struct pub {
	const struct publish_opts *o;
	struct nl_tls_opts tls;
	char url[128]; /* the member that answered */
	char err[512];
};

static json_t *b64(const char *s, size_t len)
{
	char *e = nl_etcd_b64(s, len);
	json_t *j = e ? json_string(e) : NULL;

	free(e);
	return j;
}

static json_t *put_op(const char *key, const char *val, size_t len)
{
	return json_pack("{s:{s:o,s:o}}", "request_put", "key", b64(key, strlen(key)), "value",
			 b64(val, len));
}

/* one request to the member in use: 0, or -errno with p->err set */
static int call(struct pub *p, const char *api, json_t *body, json_t **resp)
{
	int rc = nl_etcd_call(p->url, api, body, p->o->timeout_ms, &p->tls, resp, p->err,
			      sizeof(p->err));

	json_decref(body);
	return rc;
}

/* the first member that answers a read of <prefix>/current */
static int connect_any(struct pub *p, const char *key, json_t **resp)
{
	const char *list = p->o->endpoints;
	bool tls = nl_tls_any(&p->tls) || !strncmp(list, "etcds://", 8);
	char urls[NL_ETCD_MAX_ENDPOINTS][128];
	int n, rc;

	if (!strncmp(list, "etcds://", 8) || !strncmp(list, "etcd://", 7))
		list = strstr(list, "://") + 3;
	rc = nl_etcd_parse_endpoints_tls(list, tls, urls, &n, p->err, sizeof(p->err));
	if (!rc && nl_tls_any(&p->tls))
		rc = nl_tls_check(&p->tls, p->err, sizeof(p->err));
	if (rc)
		return rc;

	for (int i = 0; !rc || (rc != -EINVAL && i < n); i++) {
		if (i == n)
			break;
		snprintf(p->url, sizeof(p->url), "%s", urls[i]);
		rc = call(p, "/v3/kv/range", json_pack("{s:o}", "key", b64(key, strlen(key))),
			  resp);
		if (!rc)
			return 0;
		fprintf(stderr, "na-repo: %s\n", p->err);
	}
	return rc ? rc : -EIO;
}

static __s64 i64(json_t *v)
{
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

/*
 * rows of vt under <serial key>/rows/, in batches; the last batch is not
 * sent but left in *rest for the commit (so a small repository is one
 * transaction): 0 or -errno
 */
static int put_rows(struct pub *p, const struct nl_vlan_table *vt, const char *skey,
		    unsigned int *ntxn, size_t *bytes, json_t **rest)
{
	json_t *ops = json_array(), *resp;
	size_t batch = 0;
	int rc = 0;

	for (__u32 i = 0; !rc && i < vt->nswitches; i++) {
		const __u8 *src = vt->rows[(size_t)i * vt->nswitches].src;
		char key[800], mac[NL_MAC_STRLEN], *buf = NULL;
		size_t len = 0, cost;

		if (nl_vt_write_row(vt, src, &buf, &len)) {
			rc = nl_errf(p->err, sizeof(p->err), -ENOMEM, "out of memory");
			break;
		}
		nl_fmt_mac(src, mac);
		snprintf(key, sizeof(key), "%s/rows/%s", skey, mac);
		cost = len * 4 / 3 + strlen(key) * 2 + 64;
		if (json_array_size(ops) &&
		    (json_array_size(ops) >= BATCH_OPS || batch + cost > BATCH_BYTES)) {
			rc = call(p, "/v3/kv/txn", json_pack("{s:o}", "success", ops), &resp);
			json_decref(resp);
			ops = json_array();
			batch = 0;
			(*ntxn)++;
		}
		json_array_append_new(ops, put_op(key, buf, len));
		*bytes += len;
		batch += cost;
		free(buf);
	}
	if (rc) {
		json_decref(ops);
		return rc;
	}
	*rest = ops;
	return 0;
}

/*
 * <dir>/tenants.txt, if there is one, validated (docs/tenants.md): *buf
 * (NULL when there is none) or -errno with a message on stderr
 */
static int read_tenants(const char *dir, char **buf, size_t *len)
{
	char path[4096], perr[512];
	struct nl_tenants t;
	int rc;

	*buf = NULL;
	snprintf(path, sizeof(path), "%s/tenants.txt", dir);
	rc = nl_read_file(path, TENANTS_MAX_BYTES, buf, len);
	if (rc == -ENOENT)
		return 0;
	if (rc) {
		fprintf(stderr, "na-repo: %s: %s\n", path,
			rc == -EFBIG ? "larger than etcd takes in one value (1000 KiB)"
				     : strerror(-rc));
		return rc;
	}
	rc = nl_tenants_parse(*buf, *len, path, &t, perr, sizeof(perr));
	if (rc) {
		fprintf(stderr, "na-repo: %s\n", perr);
		free(*buf);
		*buf = NULL;
		return rc;
	}
	nl_tenants_free(&t);
	return 0;
}

/* delete the serials superseded more than grace_s ago: the number deleted, or -errno */
static int collect(struct pub *p, __u64 keep)
{
	char base[600], end[600], key[800];
	json_t *resp = NULL, *kvs, *kv;
	__u64 seen = 0;
	size_t i;
	int rc, n = 0;

	snprintf(base, sizeof(base), "%s/serials/", p->o->prefix);
	snprintf(end, sizeof(end), "%s/serials0", p->o->prefix); /* '/' + 1 */
	rc = call(p, "/v3/kv/range",
		  json_pack("{s:o,s:o,s:b}", "key", b64(base, strlen(base)), "range_end",
			    b64(end, strlen(end)), "keys_only", 1),
		  &resp);
	if (rc)
		return rc;
	kvs = json_object_get(resp, "kvs");
	json_array_foreach(kvs, i, kv)
	{
		const char *k64 = json_string_value(json_object_get(kv, "key"));
		unsigned long long s;
		json_t *r2 = NULL, *v;
		char *k = NULL;
		size_t kl = 0;

		if (!k64 || nl_etcd_b64_decode(k64, &k, &kl))
			continue;
		if (kl <= strlen(base) || sscanf(k + strlen(base), "%20llu", &s) != 1 ||
		    s == keep || s == seen || !strstr(k, "/superseded")) {
			free(k);
			continue;
		}
		free(k);
		seen = s;
		nl_repo_key_serial(p->o->prefix, s, key, sizeof(key) - 16);
		strcat(key, "/superseded");
		rc = call(p, "/v3/kv/range", json_pack("{s:o}", "key", b64(key, strlen(key))), &r2);
		v = json_object_get(json_array_get(json_object_get(r2, "kvs"), 0), "value");
		if (!rc && json_is_string(v)) {
			char *t = NULL;
			size_t tl;
			long long when = 0;

			if (!nl_etcd_b64_decode(json_string_value(v), &t, &tl))
				when = atoll(t);
			free(t);
			if ((long long)time(NULL) - when >= p->o->grace_s) {
				json_t *r3 = NULL;

				nl_repo_key_serial(p->o->prefix, s, base, sizeof(base) - 2);
				snprintf(end, sizeof(end), "%s0", base);
				strcat(base, "/");
				rc = call(p, "/v3/kv/deleterange",
					  json_pack("{s:o,s:o}", "key", b64(base, strlen(base)),
						    "range_end", b64(end, strlen(end))),
					  &r3);
				json_decref(r3);
				if (!rc) {
					printf("removed serial %llu (superseded %lld s ago)\n", s,
					       (long long)time(NULL) - when);
					n++;
				}
			}
		}
		json_decref(r2);
		if (rc)
			break;
	}
	json_decref(resp);
	return rc ? rc : n;
}

int repo_publish(const struct publish_opts *o)
{
	struct pub p = {.o = o, .tls = {o->ca_file, o->cert_file, o->key_file}};
	char path[4096], perr[256], ckey[600], skey[700], key[800], cur[64], *buf = NULL, *meta;
	char *tbuf = NULL;
	size_t tlen = 0;
	struct nl_vlan_table vt;
	json_t *resp = NULL, *kv, *compare, *ops;
	__s64 cur_mod = 0;
	__u64 old = 0;
	unsigned int ntxn = 0;
	size_t len = 0, bytes = 0;
	long long now = (long long)time(NULL);
	int rc;

	snprintf(path, sizeof(path), "%s/vlan-table.txt", o->dir);
	rc = nl_read_file(path, NL_VT_MAX_BYTES, &buf, &len);
	if (rc) {
		fprintf(stderr, "na-repo: %s: %s\n", path, strerror(-rc));
		return rc;
	}
	rc = nl_vt_parse(buf, len, &vt, perr, sizeof(perr));
	free(buf);
	if (rc) {
		fprintf(stderr, "na-repo: %s: %s\n", path, perr);
		return rc;
	}
	/* the tenants file goes with the serial's rows (docs/tenants.md) */
	rc = read_tenants(o->dir, &tbuf, &tlen);
	if (rc) {
		nl_vt_free(&vt);
		return rc;
	}
	nl_repo_key_current(o->prefix, ckey, sizeof(ckey));
	nl_repo_key_serial(o->prefix, vt.serial, skey, sizeof(skey));
	rc = connect_any(&p, ckey, &resp);
	if (rc)
		goto out;
	kv = json_array_get(json_object_get(resp, "kvs"), 0);
	if (kv) {
		char *v = NULL;
		size_t vl;

		cur_mod = i64(json_object_get(kv, "mod_revision"));
		if (nl_etcd_b64_decode(json_string_value(json_object_get(kv, "value")) ?: "", &v,
				       &vl) ||
		    nl_repo_parse_current(v, vl, &old))
			old = 0; /* a bad value is replaced */
		free(v);
	}
	json_decref(resp);
	resp = NULL;
	if (old == vt.serial) {
		printf("serial %llu is already current under %s on %s\n", (unsigned long long)old,
		       o->prefix, p.url);
		goto out;
	}
	rc = put_rows(&p, &vt, skey, &ntxn, &bytes, &ops);
	if (rc)
		goto out;
	if (tbuf) {
		/* its own transaction when the commit's batch would grow too large */
		snprintf(key, sizeof(key), "%s/tenants", skey);
		if (json_array_size(ops) && tlen > (64UL << 10)) {
			rc = call(&p, "/v3/kv/txn",
				  json_pack("{s:[o]}", "success", put_op(key, tbuf, tlen)), &resp);
			json_decref(resp);
			resp = NULL;
			ntxn++;
			if (rc) {
				json_decref(ops);
				goto out;
			}
		} else {
			json_array_append_new(ops, put_op(key, tbuf, tlen));
		}
	}
	/* the commit: meta, the old serial's superseded time, current; only if current is unchanged
	 */
	snprintf(cur, sizeof(cur), "{\"serial\":\"%llu\"}", (unsigned long long)vt.serial);
	{
		json_t *m = json_pack("{s:i,s:o,s:i,s:i,s:I,s:I}", "format", NL_VT_FORMAT, "serial",
				      json_sprintf("%llu", (unsigned long long)vt.serial),
				      "broadcast", vt.broadcast_vlan, "switches", vt.nswitches,
				      "published", (json_int_t)now, "row_bytes", (json_int_t)bytes);

		if (tbuf) {
			char etag[64];

			nl_repo_tenants_etag(tbuf, tlen, etag, sizeof(etag));
			json_object_set_new(m, "tenants_bytes", json_integer((json_int_t)tlen));
			json_object_set_new(m, "tenants_etag", json_string(etag));
		}

		meta = json_dumps(m, JSON_COMPACT);
		json_decref(m);
	}
	if (!meta) {
		json_decref(ops);
		rc = -ENOMEM;
		goto out;
	}
	snprintf(key, sizeof(key), "%s/meta", skey);
	/* after the last batch of rows (at most BATCH_OPS + 3 operations) */
	json_array_append_new(ops, put_op(key, meta, strlen(meta)));
	json_array_append_new(ops, put_op(ckey, cur, strlen(cur)));
	free(meta);
	if (old) {
		char when[32];

		nl_repo_key_serial(o->prefix, old, key, sizeof(key) - 16);
		strcat(key, "/superseded");
		snprintf(when, sizeof(when), "%lld", now);
		json_array_append_new(ops, put_op(key, when, strlen(when)));
	}
	/* current unchanged since read (absent: mod_revision 0) */
	compare = json_pack("[{s:o,s:s,s:s,s:o}]", "key", b64(ckey, strlen(ckey)), "target", "MOD",
			    "result", "EQUAL", "mod_revision",
			    json_sprintf("%lld", (long long)cur_mod));
	rc = call(&p, "/v3/kv/txn", json_pack("{s:o,s:o}", "compare", compare, "success", ops),
		  &resp);
	ntxn++;
	if (!rc && !json_is_true(json_object_get(resp, "succeeded"))) {
		rc = nl_errf(p.err, sizeof(p.err), -EAGAIN,
			     "%s changed while publishing (another publisher?): serial %llu not "
			     "committed; run publish again",
			     ckey, (unsigned long long)vt.serial);
	}
	json_decref(resp);
	resp = NULL;
	if (rc)
		goto out;
	printf("published serial %llu under %s on %s: %u rows, %zu bytes, %s%u transaction(s), "
	       "the last one commits%s\n",
	       (unsigned long long)vt.serial, o->prefix, p.url, vt.nswitches, bytes,
	       tbuf ? "the tenants file, " : "", ntxn, old ? "" : "; first serial");
	if (old && o->grace_s)
		printf("serial %llu superseded: a publish %ld s from now or later removes it\n",
		       (unsigned long long)old, o->grace_s);
	rc = collect(&p, vt.serial);
	if (rc > 0)
		rc = 0;
out:
	if (rc)
		fprintf(stderr, "na-repo: publish: %s\n", p.err[0] ? p.err : strerror(-rc));
	json_decref(resp);
	nl_vt_free(&vt);
	free(tbuf);
	return rc;
}

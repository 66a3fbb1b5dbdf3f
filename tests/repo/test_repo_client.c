// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The pure parts of the repository client (user/lib/repo_client.c,
 * etcd_client.c; patent [0012]): etcd endpoint lists (plain and TLS), the
 * value of <prefix>/current, base64, the key layout, refused sources and TLS
 * files (tls_files.c).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "etcd_client.h"
#include "repo_client.h"

Test(etcd, endpoints)
{
	char urls[NL_ETCD_MAX_ENDPOINTS][128], err[256];
	int n;

	cr_assert_eq(nl_etcd_parse_endpoints("10.0.0.1:2379,h2:2379,http://h3:1", urls, &n, err,
					     sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(urls[0], "http://10.0.0.1:2379");
	cr_assert_str_eq(urls[1], "http://h2:2379");
	cr_assert_str_eq(urls[2], "http://h3:1");
}

Test(etcd, bad_endpoints)
{
	static const char *bad[] = {"", ",", "a:1,", "a:1,,b:2", "noport", "a:1/x"};
	char urls[NL_ETCD_MAX_ENDPOINTS][128], err[256];
	int n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(nl_etcd_parse_endpoints(bad[i], urls, &n, err, sizeof(err)), -EINVAL,
			     "'%s' accepted", bad[i]);
}

static void never(void *ctx, struct nl_repo_result *r)
{
	cr_assert_fail("no fetch ran");
}

/* TLS asked for (etcds://, a CA, or an https:// entry): every member https, http refused */
Test(etcd, tls_endpoints)
{
	char urls[NL_ETCD_MAX_ENDPOINTS][128], err[256];
	int n;

	cr_assert_eq(nl_etcd_parse_endpoints_tls("10.0.0.1:2379,https://h2:1", true, urls, &n, err,
						 sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(urls[0], "https://10.0.0.1:2379");
	cr_assert_str_eq(urls[1], "https://h2:1");
	/* an https:// entry asks for TLS for the whole list */
	cr_assert_eq(nl_etcd_parse_endpoints("https://h1:1,h2:2", urls, &n, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_str_eq(urls[1], "https://h2:2");
	cr_expect_eq(
		nl_etcd_parse_endpoints_tls("h1:1,http://h2:2", true, urls, &n, err, sizeof(err)),
		-EINVAL);
	cr_expect(strstr(err, "plain http refused"), "%s", err);
	cr_expect_eq(
		nl_etcd_parse_endpoints("https://h1:1,http://h2:2", urls, &n, err, sizeof(err)),
		-EINVAL, "a mix of http and https accepted");
}

/* TLS files with a plain source, or files that cannot be used: refused at once */
Test(repo, tls_refused)
{
	struct nl_repo_opts o = {.timeout_ms = 1000, .max_bytes = 1 << 20};
	struct nl_repo *r = NULL;
	char err[256];

	o.ca_file = "/nonexistent/ca.pem";
	cr_expect_eq(
		nl_repo_new(&r, "etcd://127.0.0.1:1/netlord", &o, never, NULL, err, sizeof(err)),
		-EINVAL);
	cr_expect(strstr(err, "plain http"), "%s", err);
	cr_expect_eq(nl_repo_new(&r, "http://127.0.0.1:1/", &o, never, NULL, err, sizeof(err)),
		     -EINVAL);
	cr_expect_eq(
		nl_repo_new(&r, "etcds://127.0.0.1:1/netlord", &o, never, NULL, err, sizeof(err)),
		-ENOENT);
	cr_expect(strstr(err, "CA bundle '/nonexistent/ca.pem'"), "%s", err);
	o.ca_file = NULL;
	o.key_file = "/etc/hostname";
	cr_expect_eq(
		nl_repo_new(&r, "etcds://127.0.0.1:1/netlord", &o, never, NULL, err, sizeof(err)),
		-EINVAL);
	cr_expect(strstr(err, "without a client certificate"), "%s", err);
	o.key_file = NULL;
	o.cert_file = "/etc/hostname";
	cr_expect_eq(
		nl_repo_new(&r, "etcds://127.0.0.1:1/netlord", &o, never, NULL, err, sizeof(err)),
		-EINVAL);
	cr_expect(strstr(err, "no PEM certificate"), "%s", err);
	/* without TLS files an etcds:// source is fine (the system's CAs) */
	o.cert_file = NULL;
	cr_assert_eq(
		nl_repo_new(&r, "etcds://127.0.0.1:1/netlord", &o, never, NULL, err, sizeof(err)),
		0, "%s", err);
	cr_expect_str_eq(nl_repo_where(r), "https://127.0.0.1:1");
	nl_repo_free(r);
}

Test(etcd, base64_round_trip)
{
	for (size_t len = 0; len < 40; len++) {
		char in[40], *e, *d = NULL;
		size_t dl = 99;

		for (size_t i = 0; i < len; i++)
			in[i] = (char)(i * 37 + len);
		e = nl_etcd_b64(in, len);
		cr_assert_not_null(e);
		cr_assert_eq(nl_etcd_b64_decode(e, &d, &dl), 0);
		cr_assert_eq(dl, len);
		cr_assert(!memcmp(d, in, len));
		cr_assert_eq(d[len], 0);
		free(e);
		free(d);
	}
	char *d = NULL;
	size_t dl;

	cr_assert_eq(nl_etcd_b64_decode("abc", &d, &dl), -EBADMSG);
	cr_assert_eq(nl_etcd_b64_decode("ab!=", &d, &dl), -EBADMSG);
}

Test(repo, current_value)
{
	static const struct {
		const char *v;
		int rc;
		unsigned long long s;
	} cases[] = {
		{"{\"serial\":\"42\"}", 0, 42},
		{"{\"serial\":\"18446744073709551615\"}", 0, 18446744073709551615ULL},
		{"{\"serial\":\"18446744073709551616\"}", -EBADMSG, 0},
		{"{\"serial\":42}", -EBADMSG, 0},
		{"{\"serial\":\"042\"}", -EBADMSG, 0},
		{"{\"serial\":\"0\"}", -EBADMSG, 0},
		{"{\"serial\":\"4x\"}", -EBADMSG, 0},
		{"{\"serial\":\"\"}", -EBADMSG, 0},
		{"{}", -EBADMSG, 0},
		{"not json", -EBADMSG, 0},
		{"", -EBADMSG, 0},
		{"[\"42\"]", -EBADMSG, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		__u64 s = 0;
		int rc = nl_repo_parse_current(cases[i].v, strlen(cases[i].v), &s);

		cr_expect_eq(rc, cases[i].rc, "'%s': %d", cases[i].v, rc);
		if (!rc)
			cr_expect_eq(s, cases[i].s, "'%s'", cases[i].v);
	}
}

Test(repo, keys)
{
	char k[256];

	nl_repo_key_current("/netlord", k, sizeof(k));
	cr_assert_str_eq(k, "/netlord/current");
	nl_repo_key_serial("/netlord", 7, k, sizeof(k));
	cr_assert_str_eq(k, "/netlord/serials/00000000000000000007");
	cr_assert(nl_repo_is_etcd_url("etcd://a:1/p"));
	cr_assert(!nl_repo_is_etcd_url("http://a:1"));
}

Test(repo, refused_sources)
{
	static const char *bad[] = {"etcd://a:1",      "etcd:///p",   "etcd://a:1,,b:2/p",
				    "etcd://nohost/p", "etcd://a:1/", "ftp://x/y"};
	struct nl_repo_opts o = {.timeout_ms = 1000, .max_bytes = 1 << 20};
	struct nl_repo *r;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		cr_expect_eq(nl_repo_new(&r, bad[i], &o, never, NULL, err, sizeof(err)), -EINVAL,
			     "'%s' accepted", bad[i]);
		cr_expect(err[0], "'%s': no message", bad[i]);
	}
	/* etcd holds rows only: nothing to fetch before LLDP names the switch */
	cr_assert_eq(
		nl_repo_new(&r, "etcd://127.0.0.1:1/netlord", &o, never, NULL, err, sizeof(err)), 0,
		"%s", err);
	cr_assert_eq(nl_repo_fetch(r, NULL, NULL, err, sizeof(err)), -EAGAIN);
	nl_repo_free(r);
	cr_assert_eq(nl_repo_new(&r, "127.0.0.1:1", &o, never, NULL, err, sizeof(err)), 0);
	cr_assert_eq(nl_repo_fetch(r, NULL, NULL, err, sizeof(err)), -EAGAIN);
	nl_repo_free(r);
}

/* the tenants file's ETag: FNV-1a 64 of the bytes, as na-repo serve gives it */
Test(repo, tenants_etag)
{
	char etag[64];

	nl_repo_tenants_etag("", 0, etag, sizeof(etag));
	cr_assert_str_eq(etag, "\"t-cbf29ce484222325\"");
	nl_repo_tenants_etag("a", 1, etag, sizeof(etag));
	cr_assert_str_eq(etag, "\"t-af63dc4c8601ec8c\"");
	nl_repo_tenants_etag("tenant 5\n", 9, etag, sizeof(etag));
	cr_assert_neq(strcmp(etag, "\"t-af63dc4c8601ec8c\""), 0);
}

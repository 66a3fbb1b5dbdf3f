// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Criterion tests of the persisted VIF definitions (issue 12, VIFs that
 * survive): the record codec (round trip, every refusal with its message)
 * and the store on a scratch directory (modes, atomic files, a corrupt
 * record refused while the others are restored, del, leftovers).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "util.h"
#include "vif_record.h"
#include "vif_store.h"

static void sample(struct na_vif_rec *r, const char *ifname, __u8 last)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->vif.tenant = 3097;
	r->vif.mac_as = 1;
	memcpy(r->vif.mac, (__u8[]){0x52, 0x54, 0, 0, 0, last}, 6);
	inet_pton(AF_INET, "192.168.1.1", &r->vif.ip);
	r->vif.prefix_len = 24;
	inet_pton(AF_INET, "192.168.1.254", &r->vif.router_ip);
	r->vif6.count = 2;
	inet_pton(AF_INET6, "fd00:1::1", r->vif6.addr[0]);
	r->vif6.prefix_len[0] = 64;
	inet_pton(AF_INET6, "2001:db8::1", r->vif6.addr[1]);
	r->vif6.prefix_len[1] = 48;
	inet_pton(AF_INET6, "fd00:1::fe", r->vif6.router);
	memcpy(r->host_mac, (__u8[]){0xfe, 0x54, 0, 0, 0, last}, 6);
}

Test(record, round_trip)
{
	struct na_vif_rec a, b;
	char text[NA_VIF_REC_MAX], err[200];
	int n;

	sample(&a, "vnet3", 1);
	n = na_vif_rec_format(&a, text, sizeof(text));
	cr_assert_gt(n, 0);
	cr_assert(strstr(text, "netlord-vif 1\n"));
	cr_assert(strstr(text, "\nip6=fd00:1::1/64\nip6=2001:db8::1/48\nrouter6=fd00:1::fe\n"));
	cr_assert_eq(na_vif_rec_parse(text, &b, err, sizeof(err)), 0, "%s", err);
	cr_assert(na_vif_rec_same(&a, &b));
	cr_assert_eq(memcmp(a.host_mac, b.host_mac, 6), 0);
	/* L2-only, no IPv6, no host MAC */
	memset(&a.vif.ip, 0, 4);
	a.vif.prefix_len = 0;
	a.vif.router_ip = 0;
	memset(&a.vif6, 0, sizeof(a.vif6));
	memset(a.host_mac, 0, 6);
	n = na_vif_rec_format(&a, text, sizeof(text));
	cr_assert_gt(n, 0);
	cr_assert_null(strstr(text, "ip="));
	cr_assert_null(strstr(text, "host_mac"));
	cr_assert_eq(na_vif_rec_parse(text, &b, err, sizeof(err)), 0, "%s", err);
	cr_assert(na_vif_rec_same(&a, &b));
	cr_assert_eq(na_vif_rec_format(&a, text, 20), -ENOSPC);
}

Test(record, request_round_trip)
{
	struct na_vif_rec a, b;
	struct na_request r;
	char err[200];

	sample(&a, "tap0", 2);
	memset(a.host_mac, 0, 6);
	na_vif_rec_to_request(&a, &r);
	cr_assert_eq(na_request_check(&r, err, sizeof(err)), 0, "%s", err);
	r.flags |= NA_REQ_F_JSON; /* an output flag, not part of the definition */
	na_vif_rec_from_request(&r, &b);
	cr_assert(na_vif_rec_same(&a, &b));
	b.vif6.prefix_len[1] = 64;
	cr_assert_not(na_vif_rec_same(&a, &b));
}

/* the text with line @key replaced by @line (NULL: removed) */
static void edited(const char *text, const char *key, const char *line, char *out)
{
	const char *p = strstr(text, key), *e;

	cr_assert(p, "%s not in the record", key);
	e = strchr(p, '\n') + 1;
	sprintf(out, "%.*s%s%s", (int)(p - text), text, line ? line : "", e);
}

static void refused(const char *text, int rc, const char *msg)
{
	struct na_vif_rec r;
	char err[200] = "";

	cr_assert_eq(na_vif_rec_parse(text, &r, err, sizeof(err)), rc, "accepted: %s", text);
	cr_assert(strstr(err, msg), "message '%s' lacks '%s'", err, msg);
}

Test(record, refusals)
{
	struct na_vif_rec a;
	char text[NA_VIF_REC_MAX], bad[NA_VIF_REC_MAX + 64];

	sample(&a, "vnet3", 1);
	na_vif_rec_format(&a, text, sizeof(text));
	refused("", -EINVAL, "empty");
	refused("hello\n", -EINVAL, "not a NetLord VIF record");
	edited(text, "netlord-vif 1\n", "netlord-vif 2\n", bad);
	refused(bad, -EPROTONOSUPPORT, "format version 2");
	edited(text, "end\n", NULL, bad);
	refused(bad, -EINVAL, "truncated");
	/* a file cut in the middle of a line */
	snprintf(bad, sizeof(bad), "%.*s", (int)(strstr(text, "mac=") - text + 6), text);
	refused(bad, -EINVAL, "");
	edited(text, "tenant=", "tenant=1\n", bad);
	refused(bad, -EINVAL, "tenant");
	edited(text, "tenant=", "tenant=3097\ntenant=3098\n", bad);
	refused(bad, -EINVAL, "given twice");
	edited(text, "mac=", "mac=01:00:5e:00:00:01\n", bad);
	refused(bad, -EINVAL, "mac");
	edited(text, "mac=", NULL, bad);
	refused(bad, -EINVAL, "mac missing");
	edited(text, "ip=", "ip=192.168.1.1\n", bad);
	refused(bad, -EINVAL, "ip: not A.B.C.D/len");
	edited(text, "ip=", NULL, bad);
	refused(bad, -EINVAL, "--router"); /* router without ip: na_request_check */
	edited(text, "ip6=fd00", "ip6=fd00::zz/64\n", bad);
	refused(bad, -EINVAL, "ip6");
	edited(text, "ip6=fd00", "ip6=fd00::1/129\n", bad);
	refused(bad, -EINVAL, "ip6");
	edited(text, "ip6=fd00", "ip6=a::1/64\nip6=b::1/64\nip6=c::1/64\nip6=d::1/64\n", bad);
	refused(bad, -EINVAL, "NL_VIF_MAX_IP6");
	edited(text, "flags=", "flags=lots\n", bad);
	refused(bad, -EINVAL, "flags");
	edited(text, "flags=", "flags=0x80\n", bad); /* a flag vif add does not know */
	refused(bad, -EINVAL, "not a valid VIF");
	edited(text, "flags=", "colour=blue\n", bad);
	refused(bad, -EINVAL, "unknown key");
	edited(text, "flags=", "flags 0\n", bad);
	refused(bad, -EINVAL, "key=value");
	snprintf(bad, sizeof(bad), "%sifname=x\n", text);
	refused(bad, -EINVAL, "after \"end\"");
	edited(text, "ifname=", "ifname=a/b\n", bad);
	refused(bad, -EINVAL, "ifname");
	memset(bad, 'x', 300);
	bad[300] = 0;
	refused(bad, -EINVAL, "too long");
}

/* ---- the store on a scratch directory ------------------------------------------------------ */

static char tmpdir[64];

static void mk_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nl-vifstore-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

static int mode_of(const char *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
	return st.st_mode & 07777;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

TestSuite(store, .init = mk_tmp, .fini = rm_tmp);

Test(store, put_reopen_del)
{
	struct na_vif_store s, s2;
	struct na_vif_rec a, b, c;
	char path[PATH_MAX], dir[PATH_MAX], *text;
	size_t len;

	cr_assert_eq(na_vif_store_open(&s, tmpdir, "eth9"), 0);
	snprintf(dir, sizeof(dir), "%s/eth9.vifs", tmpdir);
	cr_assert_eq(mode_of(dir), 0700);
	/* interfaces that do not exist here: host_mac stays unknown */
	sample(&a, "nlt-a", 1);
	sample(&b, "nlt-b", 2);
	sample(&c, "nlt-c", 3);
	cr_assert_eq(na_vif_store_put(&s, &a), 0);
	cr_assert_eq(na_vif_store_put(&s, &b), 0);
	cr_assert_eq(na_vif_store_put(&s, &c), 0);
	cr_assert_eq(na_vif_store_put(&s, &c), 0); /* unchanged: no duplicate */
	cr_assert_eq(s.n, 3);
	snprintf(path, sizeof(path), "%s/nlt-b.vif", dir);
	cr_assert_eq(mode_of(path), 0600);
	cr_assert_eq(nl_read_file(path, 4096, &text, &len), 0);
	cr_assert(strstr(text, "ifname=nlt-b\ntenant=3097\n"), "%s", text);
	free(text);
	cr_assert_eq(na_vif_store_del(&s, "nlt-a"), 0);
	cr_assert_eq(na_vif_store_del(&s, "nlt-a"), -ENOENT);
	snprintf(path, sizeof(path), "%s/nlt-a.vif", dir);
	cr_assert_neq(access(path, F_OK), 0, "record of a deleted VIF still there");
	na_vif_store_close(&s);

	/* c corrupted (truncated by hand), a leftover temporary file, a stray file */
	snprintf(path, sizeof(path), "%s/nlt-c.vif", dir);
	write_text(path, "netlord-vif 1\nifname=nlt-c\ntenant=3097\n");
	snprintf(path, sizeof(path), "%s/nlt-d.vif.tmp", dir);
	write_text(path, "netlord-vif 1\n");
	snprintf(path, sizeof(path), "%s/README", dir);
	write_text(path, "not a record\n");
	cr_assert_eq(na_vif_store_open(&s2, tmpdir, "eth9"), 0);
	cr_assert_eq(s2.n, 1, "only b is restored");
	cr_assert_not_null(na_vif_store_find(&s2, "nlt-b"));
	cr_assert(na_vif_rec_same(na_vif_store_find(&s2, "nlt-b"), &b));
	cr_assert_null(na_vif_store_find(&s2, "nlt-c"));
	cr_assert_eq(s2.st.corrupt, 1);
	snprintf(path, sizeof(path), "%s/nlt-d.vif.tmp", dir);
	cr_assert_neq(access(path, F_OK), 0, "leftover temporary file kept");
	/* a record whose ifname does not match its file name */
	snprintf(path, sizeof(path), "%s/nlt-e.vif", dir);
	{
		char t[NA_VIF_REC_MAX];

		na_vif_rec_format(&b, t, sizeof(t));
		write_text(path, t);
	}
	na_vif_store_close(&s2);
	cr_assert_eq(na_vif_store_open(&s2, tmpdir, "eth9"), 0);
	cr_assert_eq(s2.n, 1);
	cr_assert_eq(s2.st.corrupt, 2);
	na_vif_store_close(&s2);
}

Test(store, loose_directory_mode_tightened)
{
	struct na_vif_store s;
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/eth8.vifs", tmpdir);
	cr_assert_eq(mkdir(dir, 0777), 0);
	cr_assert_eq(chmod(dir, 0777), 0);
	cr_assert_eq(na_vif_store_open(&s, tmpdir, "eth8"), 0);
	cr_assert_eq(mode_of(dir), 0700);
	na_vif_store_close(&s);
}

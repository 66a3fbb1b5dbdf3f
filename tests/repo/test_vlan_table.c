// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The VLAN table parser (user/repo/vlan_table.c, docs/vlan-table.md). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vlan_table.h"

static const char good[] = "netlord-vlan-table 1\n"
			   "serial 42\n"
			   "broadcast 4094\n"
			   "switches 2\n"
			   "# a comment\n"
			   "pair 02:4e:4c:00:00:01 02:4e:4c:00:00:01 0\n"
			   "pair 02:4e:4c:00:00:01 02:4e:4c:00:00:02 10,11,12\n"
			   "pair 02:4e:4c:00:00:02 02:4e:4c:00:00:01 11,10,12\n"
			   "pair 02:4e:4c:00:00:02 02:4e:4c:00:00:02 0\n"
			   "end 4\n";

static int parse(const char *doc, char *err)
{
	struct nl_vlan_table t;
	int rc = nl_vt_parse(doc, strlen(doc), &t, err, 256);

	if (!rc)
		nl_vt_free(&t);
	else
		cr_assert_eq(t.rows, NULL);
	return rc;
}

/* replace the first occurrence of `from` in the good document */
static int parse_edit(const char *from, const char *to, char *err)
{
	char doc[2048];
	const char *p = strstr(good, from);

	cr_assert_not_null(p, "test bug: '%s' not in the document", from);
	snprintf(doc, sizeof(doc), "%.*s%s%s", (int)(p - good), good, to, p + strlen(from));
	return parse(doc, err);
}

Test(vlan_table, good_document)
{
	struct nl_vlan_table t;
	char err[256] = "";
	const __u8 a[6] = {2, 0x4e, 0x4c, 0, 0, 1}, b[6] = {2, 0x4e, 0x4c, 0, 0, 2};
	const __u8 c[6] = {2, 0x4e, 0x4c, 0, 0, 3};
	const struct nl_vlan_set *s;
	const struct nl_vt_row *r;

	cr_assert_eq(nl_vt_parse(good, strlen(good), &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t.format, 1);
	cr_assert_eq(t.serial, 42);
	cr_assert_eq(t.broadcast_vlan, 4094);
	cr_assert_eq(t.nswitches, 2);
	cr_assert_eq(t.nrows, 4);
	s = nl_vt_lookup(&t, a, b);
	cr_assert_not_null(s);
	cr_assert_eq(s->count, 3);
	cr_assert_eq(s->vlans[0], 10);
	cr_assert_eq(s->vlans[1], 11);
	cr_assert_eq(s->vlans[2], 12);
	s = nl_vt_lookup(&t, b, a);
	cr_assert_eq(s->vlans[0], 11);
	s = nl_vt_lookup(&t, b, b);
	cr_assert_eq(s->count, 1);
	cr_assert_eq(s->vlans[0], NL_VLAN_UNTAGGED);
	cr_assert_null(nl_vt_lookup(&t, a, c));
	cr_assert_null(nl_vt_lookup(&t, c, a));
	r = nl_vt_rows_from(&t, b);
	cr_assert_not_null(r);
	cr_assert_eq(memcmp(r[0].src, b, 6), 0);
	cr_assert_eq(memcmp(r[0].dst, a, 6), 0);
	cr_assert_eq(memcmp(r[1].dst, b, 6), 0);
	nl_vt_free(&t);
	cr_assert_null(t.rows);
}

Test(vlan_table, eight_vlans_max)
{
	char err[256];

	cr_assert_eq(parse_edit("10,11,12\n", "10,11,12,13,14,15,16,17\n", err), 0, "%s", err);
	cr_assert_eq(parse_edit("10,11,12\n", "10,11,12,13,14,15,16,17,18\n", err), -EINVAL);
	cr_assert(strstr(err, "line 7: more than 8 VLANs"), "%s", err);
}

struct bad {
	const char *from, *to, *msg;
};

static const struct bad bads[] = {
	{"netlord-vlan-table 1", "netlord-vlan-table 2", "line 1: unsupported format"},
	{"netlord-vlan-table 1", "netlord-vlan-table  1", "line 1: empty line or bad spacing"},
	{"netlord-vlan-table 1\n", "", "line 1: expected 'netlord-vlan-table 1'"},
	{"serial 42", "serial -1", "line 2: expected 'serial"},
	{"serial 42", "serial 99999999999999999999", "line 2: expected 'serial"},
	{"serial 42", "serial 042", "line 2: expected 'serial"},
	{"broadcast 4094", "broadcast 4095", "line 3: expected 'broadcast"},
	{"broadcast 4094", "broadcast 1", "line 3: expected 'broadcast"},
	{"switches 2", "switches 3", "line 10: 4 pair lines, want switches^2 = 9"},
	{"switches 2", "switches 1", "line 7: more than switches^2"},
	{"switches 2", "switches 0", "line 4: expected 'switches"},
	{"switches 2", "switches 5000", "line 4: expected 'switches"},
	{"10,11,12", "10,11,", "line 7: trailing comma"},
	{"10,11,12", "10,,12", "line 7: bad VLAN ''"},
	{"10,11,12", "10,1,12", "line 7: bad VLAN '1'"},
	{"10,11,12", "10,4095", "line 7: bad VLAN '4095'"},
	{"10,11,12", "10,x", "line 7: bad VLAN 'x'"},
	{"10,11,12", "10,10", "line 7: VLAN 10 listed twice"},
	{"10,11,12", "0,10", "line 7: 0 (untagged) must be the only entry"},
	{"10,11,12", "4094", "line 7: broadcast VLAN 4094 used as a path VLAN"},
	{"10,11,12", "10 11", "line 7: expected 'pair"},
	{"02:4e:4c:00:00:01 0\n", "02:4e:4c:00:00:01 10\n", "line 6: a switch reaches itself"},
	{"pair 02:4e:4c:00:00:01 02:4e:4c:00:00:02", "pair 02:4E:4C:00:00:01 02:4e:4c:00:00:02",
	 "line 7: bad MAC"},
	{"pair 02:4e:4c:00:00:01 02:4e:4c:00:00:02", "pair 02:4e:4c:00:00:01 03:4e:4c:00:00:02",
	 "line 7: switch MAC is zero or multicast"},
	{"pair 02:4e:4c:00:00:01 02:4e:4c:00:00:02", "pair 02:4e:4c:00:00:01 02:4e:4c:00:00:0",
	 "line 7: bad MAC"},
	{"pair 02:4e:4c:00:00:01 02:4e:4c:00:00:02", "pair 02:4e:4c:00:00:01 02:4e:4c:00:00:01",
	 "line 7: pairs not in strictly increasing"},
	{"pair 02:4e:4c:00:00:02 02:4e:4c:00:00:01 11,10,12\n", "",
	 "line 9: 'end' count '4' does not match 3"},
	{"pair 02:4e:4c:00:00:02 02:4e:4c:00:00:02 0\n",
	 "pair 02:4e:4c:00:00:02 02:4e:4c:00:00:03 11\n", "pairs are not every (src, dst)"},
	{"end 4\n", "end 4", "line 10: missing newline"},
	{"end 4\n", "end 4\npair\n", "line 11: data after the 'end' line"},
	{"end 4\n", "", "document ends before the 'end' line"},
	{"end 4\n", "end 4 \n", "line 10: empty line or bad spacing"},
	{"serial 42\n", "serial 42\r\n", "line 2: NUL, CR or TAB"},
	{"serial 42\n", "serial 42\n\n", "line 3: empty line"},
	{"# a comment\n", "bogus\n", "line 5: expected 'pair"},
};

Test(vlan_table, malformed_documents_name_the_line)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		char err[256] = "";

		cr_expect_eq(parse_edit(bads[i].from, bads[i].to, err), -EINVAL,
			     "case %zu accepted", i);
		cr_expect(strstr(err, bads[i].msg), "case %zu: '%s' lacks '%s'", i, err,
			  bads[i].msg);
	}
}

Test(vlan_table, empty_and_null)
{
	struct nl_vlan_table t;
	char err[256];

	cr_assert_eq(nl_vt_parse("", 0, &t, err, sizeof(err)), -EINVAL);
	cr_assert_eq(nl_vt_parse(NULL, 100, &t, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "ends before"), "%s", err);
}

Test(vlan_table, long_line)
{
	char doc[1024], err[256];

	snprintf(doc, sizeof(doc), "netlord-vlan-table 1\nserial %0300d\n", 1);
	cr_assert_eq(parse(doc, err), -EINVAL);
	cr_assert(strstr(err, "line 2: longer than 256 bytes"), "%s", err);
}

Test(vlan_table, not_nul_terminated)
{
	/* the buffer ends exactly at the document: nothing past len is read */
	size_t n = strlen(good);
	char *p = malloc(n);
	struct nl_vlan_table t;
	char err[256];

	memcpy(p, good, n);
	cr_assert_eq(nl_vt_parse(p, n, &t, err, sizeof(err)), 0, "%s", err);
	nl_vt_free(&t);
	cr_assert_eq(nl_vt_parse(p, n - 1, &t, err, sizeof(err)), -EINVAL);
	free(p);
}

/* random bytes, random truncations and random byte flips: never a crash */
Test(vlan_table, fuzz)
{
	unsigned long long x = 88172645463325252ULL;
	size_t n = strlen(good);
	int accepted = 0;

	for (int i = 0; i < 20000; i++) {
		char doc[sizeof(good)], err[64];
		struct nl_vlan_table t;
		size_t len = n;

		memcpy(doc, good, n);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (i % 3 == 0) {
			len = x % (n + 1);
		} else {
			for (int k = 0; k < 1 + (int)(x % 4); k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				doc[x % n] = (char)(x >> 32);
			}
		}
		if (!nl_vt_parse(doc, len, &t, err, sizeof(err))) {
			accepted++;
			cr_assert_eq(t.nrows, 4);
			nl_vt_free(&t);
		}
	}
	/* the untouched full-length copies parse, most others do not */
	cr_assert_gt(accepted, 0);
	cr_assert_lt(accepted, 10000);
}

/* ---- row documents (one edge switch's row, docs/vlan-table.md) ---------------------------- */

static const __u8 sw_a[6] = {2, 0x4e, 0x4c, 0, 0, 1}, sw_b[6] = {2, 0x4e, 0x4c, 0, 0, 2};

/* the row of b written from the good table */
static char *row_of_b(size_t *len)
{
	struct nl_vlan_table t;
	char err[256] = "", *buf = NULL;

	cr_assert_eq(nl_vt_parse(good, strlen(good), &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(nl_vt_write_row(&t, sw_b, &buf, len), 0);
	nl_vt_free(&t);
	return buf;
}

Test(vlan_row, write_then_parse_round_trip)
{
	static const char want[] = "netlord-vlan-row 1\n"
				   "serial 42\n"
				   "broadcast 4094\n"
				   "switch 02:4e:4c:00:00:02\n"
				   "switches 2\n"
				   "pair 02:4e:4c:00:00:02 02:4e:4c:00:00:01 11,10,12\n"
				   "pair 02:4e:4c:00:00:02 02:4e:4c:00:00:02 0\n"
				   "end 2\n"
				   "crc32 ";
	struct nl_vlan_table r;
	const struct nl_vlan_set *s;
	char err[256] = "";
	size_t len;
	char *buf = row_of_b(&len);

	cr_assert(len > sizeof(want) && !memcmp(buf, want, sizeof(want) - 1), "%.*s", (int)len,
		  buf);
	cr_assert_eq(nl_vt_parse_row(buf, len, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert(r.row_only);
	cr_assert_eq(r.serial, 42);
	cr_assert_eq(r.broadcast_vlan, 4094);
	cr_assert_eq(r.nswitches, 2);
	cr_assert_eq(r.nrows, 2);
	cr_assert_not_null(nl_vt_rows_from(&r, sw_b));
	cr_assert_null(nl_vt_rows_from(&r, sw_a)); /* only b's row is in it */
	s = nl_vt_lookup(&r, sw_b, sw_a);
	cr_assert_not_null(s);
	cr_assert_eq(s->count, 3);
	cr_assert_eq(s->vlans[0], 11);
	nl_vt_free(&r);
	/* parse_any tells a row from a table by its first line */
	cr_assert_eq(nl_vt_parse_any(buf, len, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert(r.row_only);
	nl_vt_free(&r);
	cr_assert_eq(nl_vt_parse_any(good, strlen(good), &r, err, sizeof(err)), 0, "%s", err);
	cr_assert(!r.row_only);
	nl_vt_free(&r);
	/* a table is not a row, a row is not a table */
	cr_assert_eq(nl_vt_parse_row(good, strlen(good), &r, err, sizeof(err)), -EINVAL);
	cr_assert_eq(nl_vt_parse(buf, len, &r, err, sizeof(err)), -EINVAL);
	free(buf);
}

Test(vlan_row, unknown_switch)
{
	struct nl_vlan_table t;
	const __u8 c[6] = {2, 0x4e, 0x4c, 0, 0, 3};
	char err[256], *buf = NULL;
	size_t len;

	cr_assert_eq(nl_vt_parse(good, strlen(good), &t, err, sizeof(err)), 0);
	cr_assert_eq(nl_vt_write_row(&t, c, &buf, &len), -ENOENT);
	nl_vt_free(&t);
}

/* every single byte flipped or truncation: refused (checksum, format), never accepted */
Test(vlan_row, every_corruption_refused)
{
	struct nl_vlan_table r;
	char err[256];
	size_t len;
	char *buf = row_of_b(&len), *c = malloc(len);
	int checksum = 0;

	for (size_t i = 0; i < len; i++) {
		memcpy(c, buf, len);
		c[i] ^= 0x01;
		int rc = nl_vt_parse_row(c, len, &r, err, sizeof(err));

		cr_assert_neq(rc, 0, "flip at %zu accepted", i);
		cr_assert_eq(r.rows, NULL);
		checksum += rc == -EBADMSG;
	}
	cr_assert(checksum > 0, "no flip caught by the checksum alone");
	for (size_t n = 0; n < len; n++)
		cr_assert_neq(nl_vt_parse_row(buf, n, &r, err, sizeof(err)), 0, "truncated at %zu",
			      n);
	/* a pair from another switch, with a right checksum: refused by the format */
	free(c);
	free(buf);
}

Test(vlan_row, checksum_line_required_and_last)
{
	static const char body[] = "netlord-vlan-row 1\n"
				   "serial 1\n"
				   "broadcast 4094\n"
				   "switch 02:4e:4c:00:00:01\n"
				   "switches 1\n"
				   "pair 02:4e:4c:00:00:01 02:4e:4c:00:00:01 0\n"
				   "end 1\n";
	struct nl_vlan_table r;
	char err[256], doc[512];

	cr_assert_eq(nl_vt_parse_row(body, strlen(body), &r, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "crc32"), "%s", err);
	snprintf(doc, sizeof(doc), "%scrc32 %08lx\n", body, 0x0UL);
	cr_assert_eq(nl_vt_parse_row(doc, strlen(doc), &r, err, sizeof(err)), -EBADMSG);
	cr_assert(strstr(err, "checksum mismatch"), "%s", err);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Strict parser of the VLAN table document (docs/vlan-table.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vlan_table.h"

/* the parser's state between lines */
struct vt_parser {
	struct nl_vlan_table *t;
	size_t cap; /* rows allocated */
	unsigned long lineno;
	int state; /* 0 format, 1 serial, 2 broadcast, 3 switches, 4 pairs, 5 done */
	char *err;
	size_t errlen;
};

/* decimal without sign or leading zeros; 0 or -1 on overflow/garbage */
static int parse_u64(const char *s, size_t n, __u64 *out)
{
	__u64 v = 0;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (~0ULL - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int lhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* exactly "xx:xx:xx:xx:xx:xx", lowercase hex */
static int parse_mac(const char *s, size_t n, __u8 mac[6])
{
	if (n != 17)
		return -1;
	for (int i = 0; i < 6; i++) {
		int h = lhex(s[3 * i]), l = lhex(s[3 * i + 1]);

		if (h < 0 || l < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -1;
		mac[i] = (__u8)(h << 4 | l);
	}
	return 0;
}

static int cmp_row(const struct nl_vt_row *a, const __u8 src[6], const __u8 dst[6])
{
	int c = memcmp(a->src, src, 6);

	return c ? c : memcmp(a->dst, dst, 6);
}

/* split line into at most 5 words separated by single spaces */
static int split(const char *l, size_t n, const char **w, size_t *wl)
{
	int nw = 0;
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && l[j] != ' ')
			j++;
		if (j == i || nw == 5)
			return -1; /* empty word: leading, trailing or double space */
		w[nw] = l + i;
		wl[nw++] = j - i;
		i = j + 1;
		if (j < n && i == n)
			return -1; /* trailing space */
	}
	return nw;
}

static int word_is(const char *w, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(w, lit, n);
}

/* the four header lines: format, serial, broadcast VLAN, switch count */
static int header_line(struct vt_parser *p, int nw, const char **w, const size_t *wl)
{
	struct nl_vlan_table *t = p->t;
	unsigned long lineno = p->lineno;
	__u64 v;

	switch (p->state) {
	case 0:
		if (nw != 2 || !word_is(w[0], wl[0], "netlord-vlan-table"))
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: expected 'netlord-vlan-table %d'", lineno,
				       NL_VT_FORMAT);
		if (parse_u64(w[1], wl[1], &v) || v != NL_VT_FORMAT)
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: unsupported format version '%.*s' (want %d)",
				       lineno, (int)wl[1], w[1], NL_VT_FORMAT);
		t->format = NL_VT_FORMAT;
		break;
	case 1:
		if (nw != 2 || !word_is(w[0], wl[0], "serial") ||
		    parse_u64(w[1], wl[1], &t->serial))
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: expected 'serial <decimal u64>'", lineno);
		break;
	case 2:
		if (nw != 2 || !word_is(w[0], wl[0], "broadcast") || parse_u64(w[1], wl[1], &v) ||
		    v < 2 || v > 4094)
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: expected 'broadcast <VLAN 2..4094>'", lineno);
		t->broadcast_vlan = (__u16)v;
		break;
	default:
		if (nw != 2 || !word_is(w[0], wl[0], "switches") || parse_u64(w[1], wl[1], &v) ||
		    v < 1 || v > NL_VT_MAX_SWITCHES)
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: expected 'switches <1..%d>'", lineno,
				       NL_VT_MAX_SWITCHES);
		t->nswitches = (__u32)v;
		break;
	}
	p->state++;
	return 0;
}

/* the VLAN list of a pair line: "v1,v2,..." into r->set */
static int vlan_list(struct vt_parser *p, struct nl_vt_row *r, const char *s, size_t sl)
{
	unsigned long lineno = p->lineno;
	__u64 v;

	while (sl) {
		size_t k = 0;

		while (k < sl && s[k] != ',')
			k++;
		if (r->set.count == NL_MAX_VLANS_PER_PAIR)
			return nl_errf(p->err, p->errlen, -EINVAL, "line %lu: more than %d VLANs",
				       lineno, NL_MAX_VLANS_PER_PAIR);
		if (parse_u64(s, k, &v) || v == 1 || v > 4094)
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: bad VLAN '%.*s' (0 = untagged, or 2..4094)",
				       lineno, (int)k, s);
		if (v == p->t->broadcast_vlan)
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: broadcast VLAN %llu used as a path VLAN", lineno,
				       (unsigned long long)v);
		for (int i = 0; i < r->set.count; i++)
			if (r->set.vlans[i] == v)
				return nl_errf(p->err, p->errlen, -EINVAL,
					       "line %lu: VLAN %llu listed twice", lineno,
					       (unsigned long long)v);
		r->set.vlans[r->set.count++] = (__u16)v;
		if (k == sl)
			break;
		if (k + 1 == sl)
			return nl_errf(p->err, p->errlen, -EINVAL, "line %lu: trailing comma",
				       lineno);
		s += k + 1;
		sl -= k + 1;
	}
	for (int i = 0; i < r->set.count; i++)
		if (r->set.vlans[i] == NL_VLAN_UNTAGGED && r->set.count > 1)
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: 0 (untagged) must be the only entry", lineno);
	if (!memcmp(r->src, r->dst, 6) &&
	    (r->set.count != 1 || r->set.vlans[0] != NL_VLAN_UNTAGGED))
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: a switch reaches itself untagged: the list must be '0'",
			       lineno);
	return 0;
}

/* room for one more row */
static struct nl_vt_row *new_row(struct vt_parser *p)
{
	struct nl_vlan_table *t = p->t;
	size_t max = (size_t)t->nswitches * t->nswitches;

	if (t->nrows == p->cap) {
		size_t c = p->cap ? p->cap * 2 : 64;
		void *a;

		if (c > max)
			c = max;
		a = realloc(t->rows, c * sizeof(*t->rows));
		if (!a)
			return NULL;
		t->rows = a;
		p->cap = c;
	}
	memset(&t->rows[t->nrows], 0, sizeof(t->rows[0]));
	return &t->rows[t->nrows];
}

/* "pair <src-mac> <dst-mac> <vlan,...>" or "end <count>" */
static int pair_line(struct vt_parser *p, int nw, const char **w, const size_t *wl)
{
	struct nl_vlan_table *t = p->t;
	unsigned long lineno = p->lineno;
	struct nl_vt_row *r;
	__u64 v;
	int err;

	if (nw == 2 && word_is(w[0], wl[0], "end")) {
		if (parse_u64(w[1], wl[1], &v) || v != t->nrows)
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: 'end' count '%.*s' does not match %zu pair lines",
				       lineno, (int)wl[1], w[1], t->nrows);
		p->state = 5;
		return 0;
	}
	if (nw != 4 || !word_is(w[0], wl[0], "pair"))
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: expected 'pair <src-mac> <dst-mac> <vlan,...>' or "
			       "'end <count>'",
			       lineno);
	if (t->nrows == (size_t)t->nswitches * t->nswitches)
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: more than switches^2 = %zu pair lines", lineno, t->nrows);
	r = new_row(p);
	if (!r)
		return nl_errf(p->err, p->errlen, -EINVAL, "line %lu: out of memory", lineno);
	if (parse_mac(w[1], wl[1], r->src) || parse_mac(w[2], wl[2], r->dst))
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: bad MAC address (want lowercase xx:xx:xx:xx:xx:xx)",
			       lineno);
	if ((r->src[0] & 1) || (r->dst[0] & 1) || !memcmp(r->src, "\0\0\0\0\0\0", 6) ||
	    !memcmp(r->dst, "\0\0\0\0\0\0", 6))
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: switch MAC is zero or multicast", lineno);
	if (t->nrows && cmp_row(r - 1, r->src, r->dst) >= 0)
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: pairs not in strictly increasing (src, dst) order",
			       lineno);
	err = vlan_list(p, r, w[3], wl[3]);
	if (err)
		return err;
	t->nrows++;
	return 0;
}

/* one line of the document: [l, l + n) without its newline */
static int parse_line(struct vt_parser *p, const char *l, size_t n)
{
	const char *w[5];
	size_t wl[5];
	int nw;

	if (n > NL_VT_MAX_LINE)
		return nl_errf(p->err, p->errlen, -EINVAL, "line %lu: longer than %d bytes",
			       p->lineno, NL_VT_MAX_LINE);
	if (memchr(l, 0, n) || memchr(l, '\r', n) || memchr(l, '\t', n))
		return nl_errf(p->err, p->errlen, -EINVAL, "line %lu: NUL, CR or TAB character",
			       p->lineno);
	if (n > 0 && l[0] == '#')
		return 0;
	if (p->state == 5)
		return nl_errf(p->err, p->errlen, -EINVAL, "line %lu: data after the 'end' line",
			       p->lineno);
	nw = split(l, n, w, wl);
	if (nw <= 0)
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: empty line or bad spacing (words are separated by one "
			       "space)",
			       p->lineno);
	return p->state < 4 ? header_line(p, nw, w, wl) : pair_line(p, nw, w, wl);
}

/* after the last line: complete, and every (src, dst) of the switches */
static int check_complete(struct vt_parser *p)
{
	struct nl_vlan_table *t = p->t;

	if (p->state != 5)
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: document ends before the 'end' line (truncated?)",
			       p->lineno);
	if (t->nrows != (size_t)t->nswitches * t->nswitches)
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: %zu pair lines, want switches^2 = %zu", p->lineno,
			       t->nrows, (size_t)t->nswitches * t->nswitches);
	/* full matrix: group g has source S_g and destinations S_0..S_{n-1} */
	for (size_t g = 0; g < t->nswitches; g++)
		for (size_t j = 0; j < t->nswitches; j++) {
			const struct nl_vt_row *r = &t->rows[g * t->nswitches + j];

			if (memcmp(r->src, t->rows[g * t->nswitches].src, 6) ||
			    memcmp(r->dst, t->rows[j * t->nswitches].src, 6))
				return nl_errf(
					p->err, p->errlen, -EINVAL,
					"pair %zu: the pairs are not every (src, dst) of the %u "
					"switches",
					g * t->nswitches + j + 1, t->nswitches);
		}
	return 0;
}

int nl_vt_parse(const char *buf, size_t len, struct nl_vlan_table *t, char *err, size_t errlen)
{
	struct vt_parser p = {.t = t, .err = err, .errlen = errlen};
	size_t off = 0;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (!buf)
		len = 0;
	while (!rc && off < len) {
		const char *l = buf + off, *nl = memchr(l, '\n', len - off);

		p.lineno++;
		if (!nl) {
			rc = nl_errf(p.err, p.errlen, -EINVAL,
				     "line %lu: missing newline at end of document (truncated?)",
				     p.lineno);
			break;
		}
		off += (size_t)(nl - l) + 1;
		rc = parse_line(&p, l, (size_t)(nl - l));
	}
	if (!rc)
		rc = check_complete(&p);
	if (rc)
		nl_vt_free(t);
	return rc;
}

void nl_vt_free(struct nl_vlan_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

const struct nl_vt_row *nl_vt_rows_from(const struct nl_vlan_table *t, const __u8 src[6])
{
	size_t lo = 0, hi = t->nswitches;

	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;
		int c = memcmp(t->rows[m * t->nswitches].src, src, 6);

		if (!c)
			return &t->rows[m * t->nswitches];
		if (c < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return NULL;
}

const struct nl_vlan_set *nl_vt_lookup(const struct nl_vlan_table *t, const __u8 src[6],
				       const __u8 dst[6])
{
	const struct nl_vt_row *r = nl_vt_rows_from(t, src);
	size_t lo = 0, hi = t->nswitches;

	if (!r)
		return NULL;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;
		int c = memcmp(r[m].dst, dst, 6);

		if (!c)
			return &r[m].set;
		if (c < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return NULL;
}

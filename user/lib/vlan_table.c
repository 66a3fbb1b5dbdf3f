// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Strict parser of the VLAN table document and of one switch's row of it
 * (docs/vlan-table.md), and the row writer (patent [0036]-[0038]: an agent
 * needs only the VLANs from its own edge switch).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util.h"
#include "vlan_table.h"

/* the parser's state between lines */
struct vt_parser {
	struct nl_vlan_table *t;
	size_t cap; /* rows allocated */
	unsigned long lineno;
	/*
	 * 0 format, 1 serial, 2 broadcast, 3 switch (rows only), 4 switches,
	 * 5 pairs, 6 crc32 (rows only), 7 done
	 */
	int state;
	bool row;	    /* a row document (netlord-vlan-row) */
	__u8 switch_mac[6]; /* row: its source switch */
	const char *buf;    /* the document (the row's CRC covers it up to its line) */
	size_t line_off;    /* offset of the current line */
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

/* the header lines: format, serial, broadcast VLAN, (row: switch), switch count */
static int header_line(struct vt_parser *p, int nw, const char **w, const size_t *wl)
{
	struct nl_vlan_table *t = p->t;
	unsigned long lineno = p->lineno;
	const char *magic = p->row ? "netlord-vlan-row" : "netlord-vlan-table";
	__u64 v;

	switch (p->state) {
	case 0:
		if (nw != 2 || !word_is(w[0], wl[0], magic))
			return nl_errf(p->err, p->errlen, -EINVAL, "line %lu: expected '%s %d'",
				       lineno, magic, NL_VT_FORMAT);
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
		if (!p->row)
			p->state++; /* no 'switch' line in a whole table */
		break;
	case 3:
		if (nw != 2 || !word_is(w[0], wl[0], "switch") ||
		    parse_mac(w[1], wl[1], p->switch_mac) || (p->switch_mac[0] & 1) ||
		    !memcmp(p->switch_mac, "\0\0\0\0\0\0", 6))
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "line %lu: expected 'switch <lowercase unicast MAC>'",
				       lineno);
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

/* the pair lines a document holds: N*N in a table, N in a row */
static size_t want_rows(const struct vt_parser *p)
{
	return p->row ? p->t->nswitches : (size_t)p->t->nswitches * p->t->nswitches;
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
	size_t max = want_rows(p);

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
		p->state = p->row ? 6 : 7;
		return 0;
	}
	if (nw != 4 || !word_is(w[0], wl[0], "pair"))
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: expected 'pair <src-mac> <dst-mac> <vlan,...>' or "
			       "'end <count>'",
			       lineno);
	if (t->nrows == want_rows(p))
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: more than %s = %zu pair lines", lineno,
			       p->row ? "switches" : "switches^2", t->nrows);
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
	if (p->row && memcmp(r->src, p->switch_mac, 6))
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: a row's pairs all start at its 'switch'", lineno);
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

/* a row's last line: "crc32 <8 lowercase hex>", zlib's CRC-32 of every byte before it */
static int crc_line(struct vt_parser *p, int nw, const char **w, const size_t *wl)
{
	unsigned long want = crc32(0L, (const Bytef *)p->buf, (uInt)p->line_off);
	char hex[9];

	snprintf(hex, sizeof(hex), "%08lx", want);
	if (nw != 2 || !word_is(w[0], wl[0], "crc32") || wl[1] != 8)
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: expected 'crc32 <8 hex digits>' after 'end'", p->lineno);
	if (memcmp(w[1], hex, 8))
		return nl_errf(p->err, p->errlen, -EBADMSG,
			       "line %lu: checksum mismatch: crc32 %.8s, the document's is %s",
			       p->lineno, w[1], hex);
	p->state = 7;
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
	if (p->state == 7)
		return nl_errf(p->err, p->errlen, -EINVAL, "line %lu: data after the %s line",
			       p->lineno, p->row ? "'crc32'" : "'end'");
	nw = split(l, n, w, wl);
	if (nw <= 0)
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: empty line or bad spacing (words are separated by one "
			       "space)",
			       p->lineno);
	if (p->state == 6)
		return crc_line(p, nw, w, wl);
	return p->state < 5 ? header_line(p, nw, w, wl) : pair_line(p, nw, w, wl);
}

/* after the last line: complete, and every (src, dst) of the switches */
static int check_complete(struct vt_parser *p)
{
	struct nl_vlan_table *t = p->t;

	if (p->state != 7)
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: document ends before the %s line (truncated?)", p->lineno,
			       p->row ? "'crc32'" : "'end'");
	if (t->nrows != want_rows(p))
		return nl_errf(p->err, p->errlen, -EINVAL,
			       "line %lu: %zu pair lines, want %s = %zu", p->lineno, t->nrows,
			       p->row ? "switches" : "switches^2", want_rows(p));
	if (p->row) {
		/* sorted by dst (checked per line); the switch reaches itself */
		t->row_only = true;
		if (!nl_vt_lookup(t, p->switch_mac, p->switch_mac))
			return nl_errf(p->err, p->errlen, -EINVAL,
				       "the row has no pair from its switch to itself");
		return 0;
	}
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

static int parse_doc(struct vt_parser *p, const char *buf, size_t len)
{
	size_t off = 0;
	int rc = 0;

	memset(p->t, 0, sizeof(*p->t));
	if (!buf)
		len = 0;
	p->buf = buf;
	while (!rc && off < len) {
		const char *l = buf + off, *nl = memchr(l, '\n', len - off);

		p->lineno++;
		if (!nl) {
			rc = nl_errf(p->err, p->errlen, -EINVAL,
				     "line %lu: missing newline at end of document (truncated?)",
				     p->lineno);
			break;
		}
		p->line_off = off;
		off += (size_t)(nl - l) + 1;
		rc = parse_line(p, l, (size_t)(nl - l));
	}
	if (!rc)
		rc = check_complete(p);
	if (rc)
		nl_vt_free(p->t);
	return rc;
}

int nl_vt_parse(const char *buf, size_t len, struct nl_vlan_table *t, char *err, size_t errlen)
{
	struct vt_parser p = {.t = t, .err = err, .errlen = errlen};

	return parse_doc(&p, buf, len);
}

int nl_vt_parse_row(const char *buf, size_t len, struct nl_vlan_table *t, char *err, size_t errlen)
{
	struct vt_parser p = {.t = t, .err = err, .errlen = errlen, .row = true};

	return parse_doc(&p, buf, len);
}

int nl_vt_parse_any(const char *buf, size_t len, struct nl_vlan_table *t, char *err, size_t errlen)
{
	static const char magic[] = "netlord-vlan-row ";

	if (buf && len >= sizeof(magic) - 1 && !memcmp(buf, magic, sizeof(magic) - 1))
		return nl_vt_parse_row(buf, len, t, err, errlen);
	return nl_vt_parse(buf, len, t, err, errlen);
}

static void write_set(FILE *f, const struct nl_vlan_set *s)
{
	for (int i = 0; i < s->count; i++)
		fprintf(f, "%s%u", i ? "," : "", s->vlans[i]);
}

int nl_vt_write_row(const struct nl_vlan_table *t, const __u8 src[6], char **out, size_t *outlen)
{
	const struct nl_vt_row *r = nl_vt_rows_from(t, src);
	char mac[18], dmac[18];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!r)
		return -ENOENT;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	nl_fmt_mac(src, mac);
	fprintf(f, "netlord-vlan-row %d\nserial %llu\nbroadcast %u\nswitch %s\nswitches %u\n",
		NL_VT_FORMAT, (unsigned long long)t->serial, t->broadcast_vlan, mac, t->nswitches);
	for (__u32 i = 0; i < t->nswitches; i++) {
		nl_fmt_mac(r[i].dst, dmac);
		fprintf(f, "pair %s %s ", mac, dmac);
		write_set(f, &r[i].set);
		fputc('\n', f);
	}
	fprintf(f, "end %u\n", t->nswitches);
	if (fflush(f)) {
		fclose(f);
		free(buf);
		return -ENOMEM;
	}
	fprintf(f, "crc32 %08lx\n", crc32(0L, (const Bytef *)buf, (uInt)len));
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

void nl_vt_free(struct nl_vlan_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

const struct nl_vt_row *nl_vt_rows_from(const struct nl_vlan_table *t, const __u8 src[6])
{
	size_t lo = 0, hi = t->nswitches;

	if (t->row_only)
		return t->nrows && !memcmp(t->rows[0].src, src, 6) ? t->rows : NULL;
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

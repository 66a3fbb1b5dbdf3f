// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Strict parser of the VLAN table document (docs/vlan-table.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vlan_table.h"

#define FAIL(...)                                   \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		goto fail;                          \
	} while (0)

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

int nl_vt_parse(const char *buf, size_t len, struct nl_vlan_table *t, char *err, size_t errlen)
{
	size_t off = 0, cap = 0;
	unsigned long lineno = 0;
	int state = 0; /* 0 format, 1 serial, 2 broadcast, 3 switches, 4 pairs, 5 done */
	__u64 v;

	memset(t, 0, sizeof(*t));
	if (!buf)
		len = 0;
	while (off < len) {
		const char *l = buf + off, *nl, *w[5];
		size_t n, wl[5];
		int nw;

		lineno++;
		nl = memchr(l, '\n', len - off);
		if (!nl)
			FAIL("line %lu: missing newline at end of document (truncated?)", lineno);
		n = (size_t)(nl - l);
		off += n + 1;
		if (n > NL_VT_MAX_LINE)
			FAIL("line %lu: longer than %d bytes", lineno, NL_VT_MAX_LINE);
		if (memchr(l, 0, n) || memchr(l, '\r', n) || memchr(l, '\t', n))
			FAIL("line %lu: NUL, CR or TAB character", lineno);
		if (n > 0 && l[0] == '#')
			continue;
		if (state == 5)
			FAIL("line %lu: data after the 'end' line", lineno);
		nw = split(l, n, w, wl);
		if (nw <= 0)
			FAIL("line %lu: empty line or bad spacing (words are separated by one "
			     "space)",
			     lineno);
		switch (state) {
		case 0:
			if (nw != 2 || !word_is(w[0], wl[0], "netlord-vlan-table"))
				FAIL("line %lu: expected 'netlord-vlan-table %d'", lineno,
				     NL_VT_FORMAT);
			if (parse_u64(w[1], wl[1], &v) || v != NL_VT_FORMAT)
				FAIL("line %lu: unsupported format version '%.*s' (want %d)",
				     lineno, (int)wl[1], w[1], NL_VT_FORMAT);
			t->format = NL_VT_FORMAT;
			state++;
			break;
		case 1:
			if (nw != 2 || !word_is(w[0], wl[0], "serial") ||
			    parse_u64(w[1], wl[1], &t->serial))
				FAIL("line %lu: expected 'serial <decimal u64>'", lineno);
			state++;
			break;
		case 2:
			if (nw != 2 || !word_is(w[0], wl[0], "broadcast") ||
			    parse_u64(w[1], wl[1], &v) || v < 2 || v > 4094)
				FAIL("line %lu: expected 'broadcast <VLAN 2..4094>'", lineno);
			t->broadcast_vlan = (__u16)v;
			state++;
			break;
		case 3:
			if (nw != 2 || !word_is(w[0], wl[0], "switches") ||
			    parse_u64(w[1], wl[1], &v) || v < 1 || v > NL_VT_MAX_SWITCHES)
				FAIL("line %lu: expected 'switches <1..%d>'", lineno,
				     NL_VT_MAX_SWITCHES);
			t->nswitches = (__u32)v;
			state++;
			break;
		case 4: {
			struct nl_vt_row *r;
			const char *s;
			size_t sl;

			if (nw == 2 && word_is(w[0], wl[0], "end")) {
				if (parse_u64(w[1], wl[1], &v) || v != t->nrows)
					FAIL("line %lu: 'end' count '%.*s' does not match %zu pair "
					     "lines",
					     lineno, (int)wl[1], w[1], t->nrows);
				state = 5;
				break;
			}
			if (nw != 4 || !word_is(w[0], wl[0], "pair"))
				FAIL("line %lu: expected 'pair <src-mac> <dst-mac> <vlan,...>' or "
				     "'end <count>'",
				     lineno);
			if (t->nrows == (size_t)t->nswitches * t->nswitches)
				FAIL("line %lu: more than switches^2 = %zu pair lines", lineno,
				     t->nrows);
			if (t->nrows == cap) {
				size_t c = cap ? cap * 2 : 64;
				void *a;

				if (c > (size_t)t->nswitches * t->nswitches)
					c = (size_t)t->nswitches * t->nswitches;
				a = realloc(t->rows, c * sizeof(*t->rows));
				if (!a)
					FAIL("line %lu: out of memory", lineno);
				t->rows = a;
				cap = c;
			}
			r = &t->rows[t->nrows];
			memset(r, 0, sizeof(*r));
			if (parse_mac(w[1], wl[1], r->src) || parse_mac(w[2], wl[2], r->dst))
				FAIL("line %lu: bad MAC address (want lowercase xx:xx:xx:xx:xx:xx)",
				     lineno);
			if ((r->src[0] & 1) || (r->dst[0] & 1) ||
			    !memcmp(r->src, "\0\0\0\0\0\0", 6) ||
			    !memcmp(r->dst, "\0\0\0\0\0\0", 6))
				FAIL("line %lu: switch MAC is zero or multicast", lineno);
			if (t->nrows && cmp_row(r - 1, r->src, r->dst) >= 0)
				FAIL("line %lu: pairs not in strictly increasing (src, dst) order",
				     lineno);
			s = w[3];
			sl = wl[3];
			while (sl) {
				size_t k = 0;

				while (k < sl && s[k] != ',')
					k++;
				if (r->set.count == NL_MAX_VLANS_PER_PAIR)
					FAIL("line %lu: more than %d VLANs", lineno,
					     NL_MAX_VLANS_PER_PAIR);
				if (parse_u64(s, k, &v) || v == 1 || v > 4094)
					FAIL("line %lu: bad VLAN '%.*s' (0 = untagged, or 2..4094)",
					     lineno, (int)k, s);
				if (v == t->broadcast_vlan)
					FAIL("line %lu: broadcast VLAN %llu used as a path VLAN",
					     lineno, (unsigned long long)v);
				for (int i = 0; i < r->set.count; i++)
					if (r->set.vlans[i] == v)
						FAIL("line %lu: VLAN %llu listed twice", lineno,
						     (unsigned long long)v);
				r->set.vlans[r->set.count++] = (__u16)v;
				if (k == sl)
					break;
				if (k + 1 == sl)
					FAIL("line %lu: trailing comma", lineno);
				s += k + 1;
				sl -= k + 1;
			}
			for (int i = 0; i < r->set.count; i++)
				if (r->set.vlans[i] == NL_VLAN_UNTAGGED && r->set.count > 1)
					FAIL("line %lu: 0 (untagged) must be the only entry",
					     lineno);
			if (!memcmp(r->src, r->dst, 6) &&
			    (r->set.count != 1 || r->set.vlans[0] != NL_VLAN_UNTAGGED))
				FAIL("line %lu: a switch reaches itself untagged: the list must be "
				     "'0'",
				     lineno);
			t->nrows++;
			break;
		}
		}
	}
	if (state != 5)
		FAIL("line %lu: document ends before the 'end' line (truncated?)", lineno);
	if (t->nrows != (size_t)t->nswitches * t->nswitches)
		FAIL("line %lu: %zu pair lines, want switches^2 = %zu", lineno, t->nrows,
		     (size_t)t->nswitches * t->nswitches);
	/* full matrix: group g has source S_g and destinations S_0..S_{n-1} */
	for (size_t g = 0; g < t->nswitches; g++)
		for (size_t j = 0; j < t->nswitches; j++) {
			const struct nl_vt_row *r = &t->rows[g * t->nswitches + j];

			if (memcmp(r->src, t->rows[g * t->nswitches].src, 6) ||
			    memcmp(r->dst, t->rows[j * t->nswitches].src, 6))
				FAIL("pair %zu: the pairs are not every (src, dst) of the %u "
				     "switches",
				     g * t->nswitches + j + 1, t->nswitches);
		}
	return 0;
fail:
	nl_vt_free(t);
	return -1;
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

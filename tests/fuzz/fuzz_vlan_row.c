// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for nl_vt_parse_row() (user/lib/vlan_table.c): the row
 * document an agent fetches from /v1/row/<mac> or from etcd (docs/
 * vlan-table.md "Row document"; patent [0036]-[0038]: an agent needs only
 * the VLANs from its own edge switch).  The input is a whole document,
 * parsed twice: as it is, and with its 'crc32' line made to match (so that
 * mutations get past the checksum to the structural checks).  Besides the
 * sanitizers' checks it aborts on a broken invariant: an accepted row that
 * is not nswitches pairs from one switch in strictly increasing destination
 * order, with the switch reaching itself untagged, with a VLAN list outside
 * the rules, or that does not survive nl_vt_write_row() and a second parse
 * unchanged; a refused one that is not -EINVAL/-EBADMSG, has no message or
 * leaves rows behind; -EBADMSG without a 'crc32' line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "vlan_table.h"

static void check_set(const struct nl_vt_row *r, __u16 bcast)
{
	const struct nl_vlan_set *s = &r->set;

	if (s->count < 1 || s->count > NL_MAX_VLANS_PER_PAIR)
		abort();
	for (int i = 0; i < s->count; i++) {
		if (s->vlans[i] == 1 || s->vlans[i] > 4094 || s->vlans[i] == bcast)
			abort();
		if (s->vlans[i] == NL_VLAN_UNTAGGED && s->count != 1)
			abort();
		for (int j = 0; j < i; j++)
			if (s->vlans[i] == s->vlans[j])
				abort();
	}
	if (!memcmp(r->src, r->dst, 6) && (s->count != 1 || s->vlans[0] != NL_VLAN_UNTAGGED))
		abort();
}

static void check_accepted(const struct nl_vlan_table *t)
{
	const struct nl_vt_row *r = t->rows;
	struct nl_vlan_table again;
	char err[256], *buf = NULL;
	size_t len = 0;

	if (!t->row_only || t->format != NL_VT_FORMAT || t->nswitches < 1 ||
	    t->nswitches > NL_VT_MAX_SWITCHES || t->nrows != t->nswitches || !r ||
	    t->broadcast_vlan < 2 || t->broadcast_vlan > 4094)
		abort();
	if ((r[0].src[0] & 1) || !memcmp(r[0].src, "\0\0\0\0\0\0", 6))
		abort();
	for (size_t i = 0; i < t->nrows; i++) {
		if (memcmp(r[i].src, r[0].src, 6))
			abort();
		if (i && memcmp(r[i - 1].dst, r[i].dst, 6) >= 0)
			abort();
		check_set(&r[i], t->broadcast_vlan);
		if (nl_vt_lookup(t, r[0].src, r[i].dst) != &r[i].set)
			abort();
	}
	if (nl_vt_rows_from(t, r[0].src) != r || !nl_vt_lookup(t, r[0].src, r[0].src))
		abort();
	/* what na-repo writes for this row parses to the same row */
	if (nl_vt_write_row(t, r[0].src, &buf, &len))
		abort();
	if (nl_vt_parse_row(buf, len, &again, err, sizeof(err)))
		abort();
	if (again.serial != t->serial || again.broadcast_vlan != t->broadcast_vlan ||
	    again.nswitches != t->nswitches || again.nrows != t->nrows ||
	    memcmp(again.rows, t->rows, t->nrows * sizeof(*t->rows)))
		abort();
	nl_vt_free(&again);
	free(buf);
}

static void parse_one(const char *doc, size_t len)
{
	struct nl_vlan_table t;
	char err[256] = "";
	int rc = nl_vt_parse_row(doc, len, &t, err, sizeof(err));

	if (rc) {
		if ((rc != -EINVAL && rc != -EBADMSG) || !err[0] || t.rows || t.nrows)
			abort();
		if (rc == -EBADMSG && !memmem(doc, len, "crc32 ", 6))
			abort();
		return;
	}
	check_accepted(&t);
	nl_vt_free(&t);
}

/* a copy whose last line starting with "crc32 " carries the CRC-32 of what precedes it */
static char *with_crc(const char *data, size_t size)
{
	char *doc, hex[9];
	size_t at = size;

	for (size_t i = 0; i + 15 <= size; i++)
		if ((i == 0 || data[i - 1] == '\n') && !memcmp(data + i, "crc32 ", 6))
			at = i;
	if (at == size)
		return NULL;
	doc = malloc(size);
	if (!doc)
		return NULL;
	memcpy(doc, data, size);
	snprintf(hex, sizeof(hex), "%08lx", crc32(0L, (const Bytef *)doc, (uInt)at));
	memcpy(doc + at + 6, hex, 8);
	return doc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *fixed;

	if (size > 1 << 20)
		return 0;
	parse_one((const char *)data, size);
	fixed = with_crc((const char *)data, size);
	if (fixed) {
		parse_one(fixed, size);
		free(fixed);
	}
	return 0;
}

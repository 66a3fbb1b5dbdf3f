/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Parser of the VLAN table document served by the configuration repository
 * and of one edge switch's row of it, and the row writer (format:
 * docs/vlan-table.md; patent [0036]-[0038]).  Links with any agent (zlib for
 * the row's CRC-32).
 */
#ifndef NL_VLAN_TABLE_H
#define NL_VLAN_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include "netlord.h"

#define NL_VT_FORMAT	   1
#define NL_VT_MAX_SWITCHES 4096 /* rows = switches^2 */
#define NL_VT_MAX_LINE	   256
/* the largest VLAN table document: na-repo serve refuses to load, and the agent to download, more
 */
#define NL_VT_MAX_BYTES (64UL << 20)

struct nl_vt_row {
	__u8 src[6];		/* ingress edge switch */
	__u8 dst[6];		/* egress edge switch */
	struct nl_vlan_set set; /* in preference order; {1, {0}} = untagged */
};

struct nl_vlan_table {
	unsigned int format; /* NL_VT_FORMAT */
	__u64 serial;	     /* table version: a different serial is a new table */
	__u16 broadcast_vlan;
	__u32 nswitches;
	size_t nrows;		/* nswitches * nswitches; a row: nswitches */
	bool row_only;		/* parsed from a row document: the rows of one source */
	struct nl_vt_row *rows; /* sorted by (src, dst) */
};

/*
 * Parse a whole document from buf[0..len).  Returns 0 and fills *t (free it
 * with nl_vt_free), or -EINVAL with a message naming the line in err; *t is then
 * empty.  Never reads outside buf; buf need not be NUL-terminated.
 */
int nl_vt_parse(const char *buf, size_t len, struct nl_vlan_table *t, char *err, size_t errlen);
/*
 * Parse one switch's row document ("netlord-vlan-row 1": its nswitches
 * pairs, an 'end' and a 'crc32' line).  *t then holds only that switch's
 * rows (t->row_only; nl_vt_rows_from/nl_vt_lookup work for that source).
 * -EINVAL (bad format) or -EBADMSG (checksum mismatch) with err set.
 */
int nl_vt_parse_row(const char *buf, size_t len, struct nl_vlan_table *t, char *err, size_t errlen);
/* a row document or a whole table, by its first line */
int nl_vt_parse_any(const char *buf, size_t len, struct nl_vlan_table *t, char *err, size_t errlen);
void nl_vt_free(struct nl_vlan_table *t);

/*
 * The row document of source switch src of table t (malloc'ed into *buf,
 * *len bytes, not NUL-terminated): 0, -ENOENT (src not in t) or -ENOMEM.
 */
int nl_vt_write_row(const struct nl_vlan_table *t, const __u8 src[6], char **buf, size_t *len);

/* The VLANs from edge switch src to edge switch dst, NULL if unknown. */
const struct nl_vlan_set *nl_vt_lookup(const struct nl_vlan_table *t, const __u8 src[6],
				       const __u8 dst[6]);

/* The nswitches rows whose source is src (what one agent needs), or NULL. */
const struct nl_vt_row *nl_vt_rows_from(const struct nl_vlan_table *t, const __u8 src[6]);

#endif

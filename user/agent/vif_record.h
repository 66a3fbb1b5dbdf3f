/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The persisted definition of one VIF (issue 12: VIFs that survive; the
 * VIF of patent [0026], <tenant, MAC_AS, MAC> with its addresses): what
 * `vif add` was given, as a versioned text record of key=value lines
 * (docs/operations.md "VIF persistence").  Pure codec: no files, no maps.
 */
#ifndef NA_VIF_RECORD_H
#define NA_VIF_RECORD_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctl_proto.h"

#define NA_VIF_REC_VERSION 1
#define NA_VIF_REC_MAX	   2048 /* bytes of one record file */

struct na_vif_rec {
	char ifname[IF_NAMESIZE];
	/* tenant, mac_as, mac, ip, prefix_len, router_ip (the rest unused) */
	struct nl_vif vif;
	struct nl_vif_ip6 vif6;
	__u32 req_flags;  /* the vif add request's flags, minus NA_REQ_F_JSON */
	__u8 host_mac[6]; /* the host-side interface's MAC when added; 0 = unknown */
};

/* the definition a vif add request carries (host_mac left zero) */
void na_vif_rec_from_request(const struct na_request *r, struct na_vif_rec *rec);
/* the vif add request that re-applies @rec */
void na_vif_rec_to_request(const struct na_vif_rec *rec, struct na_request *r);
/* same definition (everything vif add was given; host_mac not compared) */
bool na_vif_rec_same(const struct na_vif_rec *a, const struct na_vif_rec *b);

/* the record's text into @buf; its length, or -ENOSPC */
int na_vif_rec_format(const struct na_vif_rec *rec, char *buf, size_t len);
/*
 * @text (NUL-terminated) into @rec; 0, or -EINVAL with "line N: reason" in
 * @err (-EPROTONOSUPPORT: a newer format version).  Every record is checked
 * as a vif add request would be (na_request_check).
 */
int na_vif_rec_parse(const char *text, struct na_vif_rec *rec, char *err, size_t errlen);

#endif /* NA_VIF_RECORD_H */

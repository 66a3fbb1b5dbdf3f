/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `vif add` and `vif del` with their persisted records (issue 12: VIFs
 * that survive; patent [0026] VIFs): the glue between vif.c, which changes
 * the maps, and vif_store.c, which keeps the definitions on disk.
 */
#ifndef NA_VIF_PERSIST_H
#define NA_VIF_PERSIST_H

#include <stdio.h>

#include "ctl_proto.h"
#include "vif.h"
#include "vif_store.h"

/*
 * The store of @uplink in $NETLORD_STATE_DIR (default /var/lib/netlord)
 * opened and every record re-applied through @apply; a store that cannot
 * be opened is logged (the agent runs on without persistence).
 */
void na_vif_persist_start(struct na_vif_store *s, const struct na_maps *m, const char *uplink,
			  na_vif_apply_fn apply, void *ctx);
/*
 * After a successful vif add @r: its record written.  Always 0: a VIF that
 * works but could not be recorded is logged, counted and reported on @out
 * (may be NULL), not undone.
 */
int na_vif_persist_added(struct na_vif_store *s, const struct na_request *r, FILE *out);
/*
 * vif del: the VIF withdrawn (vif.c) and its record removed.  A record
 * whose interface is gone or not a VIF (pending) is only forgotten: 0.
 */
int na_vif_persist_del(struct na_vifs *vs, struct na_vif_store *s, const char *ifname, FILE *out,
		       char *err, size_t errlen);

#endif /* NA_VIF_PERSIST_H */

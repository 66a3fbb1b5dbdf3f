/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * VIFs that survive (issue 12; the VIFs of patent [0026] hosted by this
 * NA): every VIF definition `vif add` accepted is kept, root-only, as one
 * record file (vif_record.h) in $NETLORD_STATE_DIR/<uplink>.vifs/ (default
 * /var/lib/netlord), written atomically; `vif del` removes it.  At start
 * and every second the agent re-applies each record whose interface is
 * there but not a VIF (the same path as `vif add`); a record whose
 * interface is missing, or whose host-side MAC changed, is kept as
 * pending, reported (log, counter, status) and retried.  docs/operations.md.
 */
#ifndef NA_VIF_STORE_H
#define NA_VIF_STORE_H

#include <limits.h>
#include <stdio.h>

#include "maps.h"
#include "vif_record.h"

enum na_vif_rec_state {
	NA_VREC_NEW = 0,     /* not looked at yet */
	NA_VREC_APPLIED,     /* a VIF in the maps */
	NA_VREC_MISSING,     /* no interface of that name: pending */
	NA_VREC_MAC_CHANGED, /* the interface's MAC is not the recorded one: pending */
	NA_VREC_FAILED,	     /* vif add refused it (reason in err): pending */
};

struct na_vif_entry {
	struct na_vif_rec rec;
	enum na_vif_rec_state state;
	char err[160];
};

struct na_vif_store_stats {
	__u64 restored;	    /* records re-applied (start, reappearing interfaces) */
	__u64 missing;	    /* records found pending: interface missing or MAC changed */
	__u64 failed;	    /* re-applications vif add refused */
	__u64 corrupt;	    /* record files refused at start */
	__u64 write_errors; /* records that could not be written or removed */
};

struct na_vif_store {
	char dir[PATH_MAX];
	bool enabled; /* the directory is usable */
	struct na_vif_entry *e;
	unsigned int n, cap;
	struct na_vif_store_stats st;
};

/* re-apply one record as `vif add` would; 0 or -errno with the reason in @err */
typedef int (*na_vif_apply_fn)(void *ctx, const struct na_vif_rec *rec, char *err, size_t errlen);

/*
 * Create (0700) or open the record directory of @uplink under @state_dir
 * and read every record; refused files are logged and counted, the others
 * kept.  0, or -errno if the directory cannot be used (the agent then runs
 * without persistence, saying so).
 */
int na_vif_store_open(struct na_vif_store *s, const char *state_dir, const char *uplink);
void na_vif_store_close(struct na_vif_store *s);

/* the record of @ifname, or NULL */
const struct na_vif_rec *na_vif_store_find(const struct na_vif_store *s, const char *ifname);
/*
 * Record @rec (host_mac filled from the interface now) after a successful
 * vif add: file written to a temporary name, fsync'ed, renamed, directory
 * fsync'ed.  Unchanged records are not rewritten.  0 or -errno.
 */
int na_vif_store_put(struct na_vif_store *s, const struct na_vif_rec *rec);
/* forget @ifname's record (file removed); 0, -ENOENT (none) or -errno */
int na_vif_store_del(struct na_vif_store *s, const char *ifname);

/*
 * Every record whose interface exists, has the recorded MAC and is not a
 * VIF in @m goes through @apply; the others are marked pending.  State
 * changes are logged once each.
 */
void na_vif_store_reconcile(struct na_vif_store *s, const struct na_maps *m, na_vif_apply_fn apply,
			    void *ctx);

/* pending records in `status` (text lines, or a JSON member ",\"persisted_vifs\":{...}") */
void na_vif_store_show(FILE *f, const struct na_vif_store *s, bool json);

#endif /* NA_VIF_STORE_H */

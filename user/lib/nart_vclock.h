/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The loc_version clock of the VIFs an NA announces (patent [0031]: the
 * newer announcement wins, so an NA's versions must only grow): wall-clock
 * milliseconds, never below a high-water mark persisted root-only in
 * <dir>/<name>.version (default dir /var/lib/netlord), so versions keep
 * increasing across agent restarts, host reboots and a wall clock set
 * back.  The file holds a *reservation* (the last version + 10 s): it is
 * rewritten (write, fsync, rename) only when a version passes it, i.e. at
 * most once per 10 s of announcing, and a restarted agent continues above
 * it.  docs/nlarp-ordering.md says why.
 */
#ifndef NL_NART_VCLOCK_H
#define NL_NART_VCLOCK_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#define NART_VCLOCK_RESERVE_MS 10000
#define NART_VCLOCK_DIR	       "/var/lib/netlord"

struct nart_vclock {
	__u64 last;	/* the last version stamped */
	__u64 reserved; /* persisted: every version stamped is <= this */
	bool persist;	/* false: memory only (no directory given) */
	int err;	/* last persist error (-errno), 0 if fine */
	char path[PATH_MAX];
};

/*
 * @dir NULL: memory only.  Otherwise creates @dir (0700) if needed and
 * reads <dir>/<name>.version; a missing file starts at 0, an unreadable
 * one is an error.  0 or -errno.
 */
int nart_vclock_open(struct nart_vclock *c, const char *dir, const char *name);
/* the next version: max(known + 1, now_ms, last + 1), persisted as said above */
__u64 nart_vclock_next(struct nart_vclock *c, __u64 known, __u64 now_ms);
/*
 * Persist ahead: keep the high-water mark at least half a reservation above
 * @now_ms, so that the next stamps write nothing (an announcement expected
 * soon, e.g. a live migration arriving, does not wait for an fsync).  Only
 * raises the mark, which stays an upper bound of every version stamped.
 * 0 or -errno.
 */
int nart_vclock_reserve(struct nart_vclock *c, __u64 now_ms);

#endif /* NL_NART_VCLOCK_H */

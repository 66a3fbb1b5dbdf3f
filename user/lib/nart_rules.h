/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ordering rules of NL-ARP (patent [0027]-[0035]): what a HERE or
 * NOT-HERE does to the NART-2 entry of its VIF, decided from the entry and
 * the message alone, and the loc_version an NA stamps on its own
 * announcements.  Pure functions; nart_apply.c carries the decisions out.
 */
#ifndef NL_NART_RULES_H
#define NL_NART_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "netlord.h"
#include "nlarp_codec.h"

struct nart_loc {
	__u8 switch_mac[6];
	__u16 port;
};

/* the current state of one NART-2 key */
struct nart_entry {
	struct nart_loc loc;
	__u64 version;
};

/*
 * What a withdrawal (HERE+GONE, NOT-HERE) leaves behind for one NART-2 key
 * (docs/nlarp-ordering.md): a HERE for @loc with a version <= @gone, or a
 * HERE anywhere with a version <= @floor, is older than what we know.
 */
struct nart_tomb {
	struct nart_loc loc;
	__u64 gone;
	__u64 floor;
};

enum nart_action {
	NART_IGNORE = 0, /* leave the table as it is */
	NART_INSERT = 1, /* create the entry with the message's location */
	NART_UPDATE = 2, /* overwrite location and version of the entry */
	NART_DELETE = 3, /* remove the entry */
};

#define NART_REASONS(X)                                                                     \
	X(NEW, "new", "HERE for an unknown VIF")                                            \
	X(NEWER, "newer", "HERE with a newer loc_version")                                  \
	X(DUPLICATE, "duplicate", "HERE with the same version and location")                \
	X(STALE, "stale", "HERE with an older loc_version")                                 \
	X(TIE_WON, "tie_won", "same version, other location: the message's location wins")  \
	X(TIE_LOST, "tie_lost", "same version, other location: the entry's location wins")  \
	X(WITHDRAWN, "withdrawn", "HERE no newer than a withdrawal (tombstone)")            \
	X(GONE, "gone", "GONE from the entry's location, version >= the entry's")           \
	X(GONE_STALE, "gone_stale", "GONE from the entry's location, older than the entry") \
	X(GONE_OTHER, "gone_other", "GONE from a location the entry does not point to")     \
	X(GONE_ABSENT, "gone_absent", "GONE for an unknown VIF (tombstone kept)")           \
	X(NOT_HERE, "not_here", "NOT-HERE from the location the entry points to")           \
	X(NOT_HERE_OTHER, "not_here_other",                                                 \
	  "NOT-HERE from a location the entry does not point to")                           \
	X(NOT_HERE_STALE, "not_here_stale", "NOT-HERE older than the entry")                \
	X(NOT_HERE_ABSENT, "not_here_absent", "NOT-HERE for an unknown VIF")                \
	X(SELF, "self", "withdrawal of our own location from another NA")                   \
	X(NOT_APPLICABLE, "not_applicable", "WHERE: does not change NART-2")

#define NART_REASON_ENUM(name, str, help) NART_R_##name,
enum nart_reason { NART_REASONS(NART_REASON_ENUM) NART_R_MAX };
#undef NART_REASON_ENUM

struct nart_decision {
	enum nart_action action;
	enum nart_reason reason;
	bool contradictory; /* same version, two locations: worth a log line */
	bool tomb;	    /* record t as the key's tombstone */
	struct nart_tomb t;
};

const char *nart_action_name(enum nart_action a);
const char *nart_reason_name(enum nart_reason r);

/* (switch_mac, port) ordering used by the tie-break: <0, 0, >0 */
int nart_loc_cmp(const struct nart_loc *a, const struct nart_loc *b);

/*
 * Decide what a validated message m does to the NART-2 entry cur (NULL = no
 * entry) of its VIF, given the key's tombstone tomb (NULL = none).  The
 * rules and their cases are docs/nlarp-ordering.md; in short:
 *  HERE          entry: newer version UPDATE, older IGNORE, equal version:
 *                same location duplicate, other location the larger
 *                (switch_mac, port) wins (every NA chooses the same).
 *                No entry: INSERT unless the tombstone says it is no newer
 *                than a withdrawal (version <= floor, or same location and
 *                version <= gone).
 *  HERE + GONE   withdraws the message's location only: DELETE if the entry
 *                points there and is not newer; another location: IGNORE.
 *                A tombstone is recorded whenever the GONE is not stale.
 *  NOT-HERE      DELETE if the entry points to the message's location and
 *                the version is 0 (unknown) or >= the entry's; tombstone.
 *  WHERE         IGNORE.
 * A withdrawal of @self (our own location, NULL = unknown) coming from the
 * fabric is ignored: only this NA withdraws its VIFs (reason SELF).
 */
struct nart_decision nart_decide(const struct nart_entry *cur, const struct nart_tomb *tomb,
				 const struct nart_loc *self, const struct nlarp_fields *m);

/*
 * NART-1 ordering: may a HERE of version @v binding the IP to (@mac_as,
 * @mac) replace the current binding (@cur_mac_as, @cur_mac, version
 * @cur_v)?  The same VIF always; another VIF only with a newer version, or
 * the same version and the larger (mac_as, mac).
 */
bool nart1_may_rebind(__u16 cur_mac_as, const __u8 cur_mac[6], __u64 cur_v, __u16 mac_as,
		      const __u8 mac[6], __u64 v);

/* loc_version for a VIF announced here: max(known + 1, now_ms) */
__u64 nart_next_version(__u64 known, __u64 now_ms);
/*
 * The same, above @floor too: @known covers the key's entry and tombstone,
 * @floor every version this agent stamped before (nart_vclock.h).
 */
__u64 nart_next_version_floor(__u64 known, __u64 now_ms, __u64 floor);
#endif /* NL_NART_RULES_H */

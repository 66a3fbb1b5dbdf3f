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

enum nart_action {
	NART_IGNORE = 0, /* leave the table as it is */
	NART_INSERT = 1, /* create the entry with the message's location */
	NART_UPDATE = 2, /* overwrite location and version of the entry */
	NART_DELETE = 3, /* remove the entry */
};

#define NART_REASONS(X)                                                                    \
	X(NEW, "new", "HERE for an unknown VIF")                                           \
	X(NEWER, "newer", "HERE with a newer loc_version")                                 \
	X(DUPLICATE, "duplicate", "HERE with the same version and location")               \
	X(STALE, "stale", "HERE with an older loc_version")                                \
	X(TIE_WON, "tie_won", "same version, other location: the message's location wins") \
	X(TIE_LOST, "tie_lost", "same version, other location: the entry's location wins") \
	X(GONE, "gone", "GONE with a version >= the entry's")                              \
	X(GONE_STALE, "gone_stale", "GONE older than the entry")                           \
	X(GONE_ABSENT, "gone_absent", "GONE for an unknown VIF")                           \
	X(NOT_HERE, "not_here", "NOT-HERE from the location the entry points to")          \
	X(NOT_HERE_OTHER, "not_here_other",                                                \
	  "NOT-HERE from a location the entry does not point to")                          \
	X(NOT_HERE_STALE, "not_here_stale", "NOT-HERE older than the entry")               \
	X(NOT_HERE_ABSENT, "not_here_absent", "NOT-HERE for an unknown VIF")               \
	X(NOT_APPLICABLE, "not_applicable", "WHERE: does not change NART-2")

#define NART_REASON_ENUM(name, str, help) NART_R_##name,
enum nart_reason { NART_REASONS(NART_REASON_ENUM) NART_R_MAX };
#undef NART_REASON_ENUM

struct nart_decision {
	enum nart_action action;
	enum nart_reason reason;
	bool contradictory; /* same version, two locations: worth a log line */
};

const char *nart_action_name(enum nart_action a);
const char *nart_reason_name(enum nart_reason r);

/* (switch_mac, port) ordering used by the tie-break: <0, 0, >0 */
int nart_loc_cmp(const struct nart_loc *a, const struct nart_loc *b);

/*
 * Decide what a validated message m does to the entry cur (NULL = no entry):
 *  HERE          no entry: INSERT.  version > entry: UPDATE.  version <
 *                entry: IGNORE (stale).  Equal version, same location:
 *                IGNORE (duplicate).  Equal version, other location:
 *                contradictory; the larger (switch_mac, port) wins
 *                (memcmp order of the MAC, then the port), so every NA
 *                ends with the same choice whatever the arrival order.
 *  HERE + GONE   DELETE if version >= entry's, else IGNORE.
 *  NOT-HERE      DELETE only if the entry points to the message's location
 *                (= the sender's) and the message's version is 0 (unknown)
 *                or >= the entry's; a NOT-HERE from the same NA that is
 *                older than its own newer HERE is stale.
 *  WHERE         IGNORE.
 */
struct nart_decision nart_decide(const struct nart_entry *cur, const struct nlarp_fields *m);

/* loc_version for a VIF announced here: max(known + 1, now_ms) */
__u64 nart_next_version(__u64 known, __u64 now_ms);
#endif /* NL_NART_RULES_H */

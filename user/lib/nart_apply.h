/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Applying a received NL-ARP message to NART-1 and NART-2 (patent Fig. 5,
 * [0027]-[0035]).  This is the one path every HERE, GONE and NOT-HERE
 * takes: in the agent, in the unit tests, the fuzzer and the benchmark.
 * The tables sit behind struct nart_ops: the agent's compact NARTs
 * (nart_store.c) in production; a test may bring its own.
 */
#ifndef NL_NART_APPLY_H
#define NL_NART_APPLY_H

#include <stdbool.h>

#include "netlord.h"
#include "nart_rules.h"

struct nart_ops {
	bool (*nart2_get)(void *ctx, const struct nl_vif_key *k, struct nart_entry *e);
	/* 0 or -errno (-ENOSPC: table or switch array full) */
	int (*nart2_put)(void *ctx, const struct nl_vif_key *k, const struct nart_loc *loc,
			 __u64 version);
	bool (*nart2_del)(void *ctx, const struct nl_vif_key *k);
	/* NART-1 with the version of the HERE that made the binding */
	bool (*nart1_get)(void *ctx, const struct nl_nart1_key *k, struct nl_nart1_val *v,
			  __u64 *version);
	int (*nart1_put)(void *ctx, const struct nl_nart1_key *k, const struct nl_nart1_val *v,
			 __u64 version);
	bool (*nart1_del)(void *ctx, const struct nl_nart1_key *k);
	/* NART-1 for IPv6 keys, the same contract (NULL: no IPv6 table, skipped) */
	bool (*nart1v6_get)(void *ctx, const struct nl_ip6_key *k, struct nl_nart1_val *v,
			    __u64 *version);
	int (*nart1v6_put)(void *ctx, const struct nl_ip6_key *k, const struct nl_nart1_val *v,
			   __u64 version);
	bool (*nart1v6_del)(void *ctx, const struct nl_ip6_key *k);
	/* tombstones of NART-2 keys (bounded in number and time by the store) */
	bool (*tomb_get)(void *ctx, const struct nl_vif_key *k, struct nart_tomb *t);
	void (*tomb_put)(void *ctx, const struct nl_vif_key *k, const struct nart_tomb *t);
	void (*tomb_del)(void *ctx, const struct nl_vif_key *k);
};

struct nart_apply_result {
	struct nart_decision d; /* what the rules decided for NART-2 */
	int err;		/* 0, or the -errno of a table write that failed */
	bool nart1_put;		/* NART-1 (tenant, ip) -> (mac_as, mac) written */
	bool nart1_del;		/* NART-1 entry of the withdrawn binding removed */
	bool nart1_kept;	/* NART-1 binds the IP to another VIF with newer information */
	/* the same for the message's IPv6 addresses: how many of them */
	__u8 nart1v6_put, nart1v6_del, nart1v6_kept;
};

/*
 * Apply a validated message @m (nlarp_decode) to the tables, @self being
 * this NA's location (NULL before LLDP gave one); docs/nlarp-ordering.md:
 *  - HERE: NART-2 as nart_decide() says; with an IP (IPv4, and each IPv6
 *    address of a version 3 message alike), NART-1 is written
 *    when NART-2 takes the location (or already holds it: a duplicate
 *    repairs a lost NART-1 entry) and nart1_may_rebind() allows it;
 *  - HERE+GONE: NART-2 entry deleted only if it points to the withdrawn
 *    location, and then the NART-1 binding if it still names this VIF; a
 *    tombstone is kept;
 *  - NOT-HERE: NART-2 only (the IP binding is still true elsewhere);
 *  - WHERE and PROBE change nothing.
 */
struct nart_apply_result nart_apply(const struct nart_ops *ops, void *ctx,
				    const struct nart_loc *self, const struct nlarp_fields *m);

#endif /* NL_NART_APPLY_H */

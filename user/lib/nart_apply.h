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
	/* 0 or -errno (-ENOSPC: table full) */
	int (*nart2_put)(void *ctx, const struct nl_vif_key *k, const struct nart_loc *loc,
			 __u64 version);
	bool (*nart2_del)(void *ctx, const struct nl_vif_key *k);
	bool (*nart1_get)(void *ctx, const struct nl_nart1_key *k, struct nl_nart1_val *v);
	int (*nart1_put)(void *ctx, const struct nl_nart1_key *k, const struct nl_nart1_val *v);
	bool (*nart1_del)(void *ctx, const struct nl_nart1_key *k);
};

struct nart_apply_result {
	struct nart_decision d; /* what the rules decided for NART-2 */
	int err;		/* 0, or the -errno of a table write that failed */
	bool nart1_put;		/* NART-1 (tenant, ip) -> (mac_as, mac) written */
	bool nart1_del;		/* NART-1 entry of the withdrawn binding removed */
};

/*
 * Apply a validated message @m (nlarp_decode) to the tables:
 *  - HERE: NART-2 as nart_decide() says; with an IP, NART-1 is written
 *    when NART-2 takes the location (or already holds it: a duplicate
 *    repairs a lost NART-1 entry) and, for GONE, removed if it still binds
 *    the IP to this VIF;
 *  - NOT-HERE: NART-2 only (the IP binding is still true elsewhere);
 *  - WHERE and PROBE change nothing.
 */
struct nart_apply_result nart_apply(const struct nart_ops *ops, void *ctx,
				    const struct nlarp_fields *m);

#endif /* NL_NART_APPLY_H */

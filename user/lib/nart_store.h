/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The NARTs as the agent keeps them (docs/nart.md): NART-1, NART-2 and the
 * switch array, compact tables in mmapable BPF arrays that the datapath
 * reads and this process alone writes (cnart.h).  A NART-2 location is
 * (switch index, port); the index names an entry of the switch array
 * holding the switch MAC and the VLAN set towards it.
 */
#ifndef NL_NART_STORE_H
#define NL_NART_STORE_H

#include <stdbool.h>

#include "netlord.h"
#include "nart_table.h"
#include "nart_apply.h"

struct cnart;
struct cnart_switches;

struct nart_store {
	struct cnart *nart1, *nart2;
	struct cnart_switches *switches;
};

/*
 * Map the three arrays.  @g1/@g2 hold the pinned geometry (seed, buckets):
 * tables whose seed still fits are re-adopted, others start empty; on
 * return they hold the geometry in force.  0 or -errno.
 */
int nart_store_open(struct nart_store *s, int nart1_fd, int nart2_fd, int switches_fd,
		    struct nart_geom *g1, struct nart_geom *g2);
void nart_store_close(struct nart_store *s);

bool nart_store_nart1_get(const struct nart_store *s, const struct nl_nart1_key *k,
			  struct nl_nart1_val *v);
int nart_store_nart1_put(struct nart_store *s, const struct nl_nart1_key *k,
			 const struct nl_nart1_val *v);
bool nart_store_nart1_del(struct nart_store *s, const struct nl_nart1_key *k);
bool nart_store_nart2_get(const struct nart_store *s, const struct nl_vif_key *k,
			  struct nart_entry *e);
int nart_store_nart2_put(struct nart_store *s, const struct nl_vif_key *k,
			 const struct nart_loc *loc, __u64 version);
bool nart_store_nart2_del(struct nart_store *s, const struct nl_vif_key *k);

/* the VLAN set in force towards switch @mac; -ENOENT if none */
int nart_store_switch_vlans(const struct nart_store *s, const __u8 mac[6], struct nl_vlan_set *set);

/* nart_apply()'s table operations on a struct nart_store (the context) */
extern const struct nart_ops nart_store_ops;

#endif /* NL_NART_STORE_H */

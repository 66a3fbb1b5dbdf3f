/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The NARTs as the agent keeps them (docs/nart.md, patent [0036]-[0037]):
 * NART-1, NART-2 and the switch array, compact tables in mmapable BPF
 * arrays that the datapath reads and this process alone writes (cnart.h);
 * plus the agent-only state that orders NL-ARP (docs/nlarp-ordering.md):
 * the loc_version of every slot, the tombstones of withdrawn VIFs (both in
 * pinned arrays, so they survive an agent restart) and the version clock
 * of our own announcements.  A NART-2 location is (switch index, port);
 * the index names an entry of the switch array holding the switch MAC and
 * the VLAN set towards it, reference-counted by the NART-2 slots.
 */
#ifndef NL_NART_STORE_H
#define NL_NART_STORE_H

#include <stdbool.h>

#include "netlord.h"
#include "nart_table.h"
#include "nart_apply.h"
#include "nart_vclock.h"

struct cnart;
struct cnart_switches;
struct nart_tombs;

struct nart_store {
	struct cnart *nart1, *nart2;
	struct cnart_switches *switches;
	struct nart_tombs *tombs;
	struct nart_vclock vclock;
	__u64 (*now_ms)(void); /* CLOCK_REALTIME ms (tombstones, stamps); tests override */
	__u64 switch_full;     /* NART-2 writes refused: no switch index (counted drop) */
	int nart1v6;	       /* NART-1 for IPv6 (hash map nl_nart1v6), -1: none */
	/* writes refused: the table is full (-ENOSPC, counted drop) */
	__u64 nart1_full, nart2_full;
};

/* the arrays: the datapath's three, and the agent's state (-1: private memory) */
struct nart_store_fds {
	int nart1, nart2, switches;
	int ver1, ver2;	    /* u64 per slot of NART-1 / NART-2 */
	int tombs;	    /* struct nart_tomb_rec, NART_TOMBS + 1 */
	bool state_adopted; /* ver1/ver2 hold the versions of the pinned tables */
};

/*
 * The agent-state arrays pinned in @dir (nl_nart1_ver, nl_nart2_ver,
 * nl_nart_tombs), re-adopted when they fit the tables @fds->nart1/nart2,
 * else created and pinned; fills ver1, ver2, tombs, state_adopted.
 * 0 or -errno.
 */
int nart_store_state_open(const char *dir, struct nart_store_fds *fds);
/* closes the fds nart_store_state_open() filled */
void nart_store_state_close(struct nart_store_fds *fds);

/*
 * Map the arrays.  @g1/@g2 hold the pinned geometry (seed, buckets):
 * tables whose seed still fits are re-adopted (with their versions when
 * the state arrays were re-adopted too), others start empty; on return
 * they hold the geometry in force.  0 or -errno.
 */
int nart_store_open(struct nart_store *s, const struct nart_store_fds *fds, struct nart_geom *g1,
		    struct nart_geom *g2);
void nart_store_close(struct nart_store *s);
/* empties NART-1, NART-2 and the tombstones (switch references follow) */
void nart_store_clear(struct nart_store *s);

bool nart_store_nart1_get(const struct nart_store *s, const struct nl_nart1_key *k,
			  struct nl_nart1_val *v);
bool nart_store_nart1_get_ver(const struct nart_store *s, const struct nl_nart1_key *k,
			      struct nl_nart1_val *v, __u64 *version);
int nart_store_nart1_put(struct nart_store *s, const struct nl_nart1_key *k,
			 const struct nl_nart1_val *v, __u64 version);
bool nart_store_nart1_del(struct nart_store *s, const struct nl_nart1_key *k);
bool nart_store_nart2_get(const struct nart_store *s, const struct nl_vif_key *k,
			  struct nart_entry *e);
/* 0 or -errno: -ENOSPC when the table or the switch array is full */
int nart_store_nart2_put(struct nart_store *s, const struct nl_vif_key *k,
			 const struct nart_loc *loc, __u64 version);
bool nart_store_nart2_del(struct nart_store *s, const struct nl_vif_key *k);

bool nart_store_tomb_get(struct nart_store *s, const struct nl_vif_key *k, struct nart_tomb *t);
void nart_store_tomb_put(struct nart_store *s, const struct nl_vif_key *k,
			 const struct nart_tomb *t);

/*
 * The next loc_version for our own VIF @k: newer than its entry, its
 * tombstone and anything this agent stamped before (the version clock).
 */
__u64 nart_store_stamp(struct nart_store *s, const struct nl_vif_key *k);

/*
 * Our own VIF @k (IP @ip, 0 if none) announced at @self (NULL before LLDP
 * gave a location: the IP binding only): stamps a version
 * (nart_store_stamp), writes NART-2 and the NART-1 binding with it and
 * returns it.
 */
__u64 nart_store_local_here(struct nart_store *s, const struct nart_loc *self,
			    const struct nl_vif_key *k, __be32 ip);
/*
 * Our own VIF withdrawn at @self: its NART-2 entry and NART-1 binding go
 * (and a tombstone for @self stays) only if the entry still names @self or
 * is absent; if a newer HERE already moved it elsewhere (live migration:
 * `vif add` there came first) they stay and *moved is set.  Returns the
 * version stamped for the HERE+GONE.
 */
__u64 nart_store_local_gone(struct nart_store *s, const struct nart_loc *self,
			    const struct nl_vif_key *k, __be32 ip, bool *moved);

/*
 * NART-1 for IPv6 keys (docs/ipv6.md): a kernel hash map of struct
 * nl_ip6_key -> struct nl_nart1v6_val that the datapath reads; the value
 * holds the binding's version.  Until nart_store_set_nart1v6() names it
 * (nart_store_open leaves -1), gets miss and puts return -ENODEV.
 */
void nart_store_set_nart1v6(struct nart_store *s, int map_fd);
bool nart_store_nart1v6_get(const struct nart_store *s, const struct nl_ip6_key *k,
			    struct nl_nart1_val *v, __u64 *version);
int nart_store_nart1v6_put(struct nart_store *s, const struct nl_ip6_key *k,
			   const struct nl_nart1_val *v, __u64 version);
bool nart_store_nart1v6_del(struct nart_store *s, const struct nl_ip6_key *k);
/*
 * Our own VIF @k's IPv6 addresses: bound with version @ver (after
 * nart_store_local_here), or unbound where they still name @k (after
 * nart_store_local_gone, unless it said *moved).
 */
void nart_store_local_bind6(struct nart_store *s, const struct nl_vif_key *k, const __u8 (*ip6)[16],
			    unsigned int n, __u64 ver);
void nart_store_local_unbind6(struct nart_store *s, const struct nl_vif_key *k,
			      const __u8 (*ip6)[16], unsigned int n);

/* the VLAN set in force towards switch @mac; -ENOENT if none */
int nart_store_switch_vlans(const struct nart_store *s, const __u8 mac[6], struct nl_vlan_set *set);

/* nart_apply()'s table operations on a struct nart_store (the context) */
extern const struct nart_ops nart_store_ops;

#endif /* NL_NART_STORE_H */

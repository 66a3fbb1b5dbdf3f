/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * VLAN failover (docs/agent.md).  The repository gives several VLANs
 * (paths) between two edge switches ([0037]); the fabric has no routing
 * protocol to tell us one died.  So every second the agent sends an
 * NL-ARP PROBE on each VLAN towards each remote edge switch it knows an NA
 * behind, and drops the VLANs that stop answering from the set the
 * datapath hashes flows over.
 */
#ifndef NA_PROBE_H
#define NA_PROBE_H

#include <stdbool.h>

#include "location.h"
#include "nart_store.h"
#include "nlarp_io.h"
#include "stats.h"

#define NA_PROBE_MISSES	      3	 /* unanswered probes (1 per second) before a VLAN is dropped */
#define NA_PROBE_FORGET_TICKS 30 /* every VLAN silent this long: look for another peer */
struct na_probe_vlan {
	bool alive, outstanding;
	__u8 misses;
	__u64 nonce;
};
struct na_probe_row {
	__u8 sw[6];	 /* remote edge switch */
	__u16 peer_port; /* an NA behind it that answers probes, 0 = none known */
	unsigned int gen, silent_ticks;
	struct nl_vlan_set cfg; /* the repository's VLANs for the pair */
	struct na_probe_vlan v[NL_MAX_VLANS_PER_PAIR];
};
struct na_probe {
	struct na_probe_row *rows;
	unsigned int n, cap, gen;
	/* what the probes need from the rest of the agent */
	struct na_nlarp_io *io;
	const struct na_location *loc;
	struct nart_store *tables;
	struct na_stats *st;
};
/* the state machine of one row (probe_state.c): pure, unit-tested */
void na_probe_effective(const struct na_probe_row *r, struct nl_vlan_set *out);
bool na_probe_row_tick(struct na_probe_row *r);				   /* true if a VLAN died */
bool na_probe_row_answer(struct na_probe_row *r, __u16 vlan, __u64 nonce); /* true if revived */
/* a REPLY: 1 revived a VLAN, 0 matched an outstanding probe, -ENOENT matched none */
int na_probe_row_reply(struct na_probe_row *r, __u16 vlan, __u64 nonce);

/* the VLAN table's rows go in through the failover state (vlan_config.c) */
void na_probe_load_begin(struct na_probe *p);
int na_probe_row_loaded(struct na_probe *p, const __u8 sw[6], const struct nl_vlan_set *set);
void na_probe_load_end(struct na_probe *p);
/* an NA behind switch @sw that can answer probes (from its HERE) */
void na_probe_peer(struct na_probe *p, const __u8 sw[6], __u16 port);
/* once a second: count misses, fail over, send the next probes */
void na_probe_tick(struct na_probe *p);
/* a PROBE (answered) or its REPLY (a VLAN may come back) */
void na_probe_rx(struct na_probe *p, const struct nlarp_fields *m);
void na_probe_free(struct na_probe *p);

#endif /* NA_PROBE_H */

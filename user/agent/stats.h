/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's own counters (`na-loader stats`): one block, each module
 * counts its part through a pointer it was given at start.  The datapath's
 * counters are separate (NL_COUNTERS, per-CPU map).
 */
#ifndef NA_STATS_H
#define NA_STATS_H

#include <linux/types.h>

#include "lldp.h"
#include "nart_rules.h"
#include "nlarp_auth.h"
#include "nlarp_codec.h"

#define NA_NLARP_OPS   5 /* index: enum nlarp_op, 0 = other */
#define NA_EVENT_TYPES 5

struct na_stats {
	__u64 lldp_rx, lldp_changes; /* location.c */
	__u64 lldp_err[LLDP_E_MAX];
	__u64 nlarp_rx[NA_NLARP_OPS], nlarp_tx[NA_NLARP_OPS]; /* nlarp_io.c */
	__u64 nlarp_err[NLARP_E_MAX];
	__u64 nlarp_auth_err[NLARP_AUTH_E_MAX]; /* dropped before the body: auth, replay */
	__u64 probe_reply_unmatched;		/* REPLY without an outstanding probe */
	__u64 nlarp_own, nlarp_tx_fail, nlarp_not_ready, nlarp_no_vlan, nlarp_short;
	__u64 nlarp_udp_dup;	       /* unicasts the kernel also delivered (ignored) */
	__u64 nlarp_rx_v2;	       /* accepted version 2 messages (agents without IPv6) */
	__u64 nart_reason[NART_R_MAX]; /* resolver.c */
	__u64 where_ratelimited;
	__u64 where_scan_limited; /* events.c */
	__u64 events[NA_EVENT_TYPES];
	__u64 vlan_failovers, vlan_recoveries; /* probe.c */
	__u64 vt_loads, vt_errors;	       /* vlan_config.c */
	__u64 vt_not_modified; /* repository answered 304: the table in force is current */
};

#endif /* NA_STATS_H */

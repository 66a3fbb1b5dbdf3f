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

/* the hypervisor's DHCP and RA answers (responder.c, ra_sender.c; docs/dhcp.md) */
#define NA_CTL_STATS(X)                                                           \
	X(dhcp4_offer, "DHCPv4 OFFERs sent")                                      \
	X(dhcp4_ack, "DHCPv4 ACKs sent (REQUEST, INFORM)")                        \
	X(dhcp4_nak, "DHCPv4 NAKs sent (an address not the VIF's)")               \
	X(dhcp4_silent, "DHCPv4 messages not answered (RELEASE, DECLINE, other)") \
	X(dhcp4_bad, "DHCPv4 frames that did not parse")                          \
	X(dhcp_no_vif, "DHCP/RS from an interface that is no VIF")                \
	X(dhcp_ratelimited, "DHCP/RS answers over the VIF's rate limit")          \
	X(dhcp_tx_fail, "answers the VIF refused")                                \
	X(dhcp6_advertise, "DHCPv6 Advertise sent")                               \
	X(dhcp6_reply, "DHCPv6 Reply sent")                                       \
	X(dhcp6_silent, "DHCPv6 messages not answered")                           \
	X(dhcp6_bad, "DHCPv6 frames that did not parse")                          \
	X(ra_sent, "router advertisements sent")                                  \
	X(rs_answered, "router solicitations answered")                           \
	X(rs_bad, "router solicitations that did not parse (RFC 4861 6.1.1)")     \
	X(rs_no_ip6, "router solicitations from a VIF without IPv6")

struct na_stats {
#define NA_CTL_STAT_FIELD(name, help) __u64 name;
	NA_CTL_STATS(NA_CTL_STAT_FIELD)
#undef NA_CTL_STAT_FIELD
	__u64 lldp_rx, lldp_changes; /* location.c */
	__u64 lldp_err[LLDP_E_MAX];
	__u64 nlarp_rx[NA_NLARP_OPS], nlarp_tx[NA_NLARP_OPS]; /* nlarp_io.c */
	__u64 nlarp_err[NLARP_E_MAX];
	__u64 nlarp_auth_err[NLARP_AUTH_E_MAX]; /* dropped before the body: auth, replay */
	__u64 probe_reply_unmatched;		/* REPLY without an outstanding probe */
	__u64 nlarp_own, nlarp_tx_fail, nlarp_not_ready, nlarp_no_vlan, nlarp_short;
	__u64 nlarp_udp_dup; /* unicasts the kernel also delivered (ignored) */
	__u64 nlarp_rx_v2;   /* accepted version 2 messages (agents without IPv6) */
	/* the replay table (nlarp_replay.h): its size, senders in it, senders evicted */
	__u64 nlarp_replay_capacity, nlarp_replay_senders, nlarp_replay_evicted;
	__u64 nart_reason[NART_R_MAX]; /* resolver.c */
	__u64 where_ratelimited;
	__u64 where_scan_limited; /* events.c */
	__u64 events[NA_EVENT_TYPES];
	__u64 vlan_failovers, vlan_recoveries; /* probe.c */
	__u64 vt_loads, vt_errors;	       /* vlan_config.c */
	__u64 vt_corrupt;      /* the repository's row/table/etcd value was malformed: refused */
	__u64 vt_not_modified; /* repository answered 304: the table in force is current */
	/* the tenants file (tenants_src.c): put in force, refused as malformed, not fetched */
	__u64 tenants_loads, tenants_refused, tenants_errors, tenants_not_modified;
	/* other tenants' NL-ARP dropped before authentication (tenant_filter.h) */
	__u64 nlarp_tenant_filtered;
	/* --nart-tenants hosted: on, tenants hosted here, kernel socket filter in force */
	__u64 tenant_filter_on, hosted_tenants, tenant_filter_kernel;
};

#endif /* NA_STATS_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The datapath's IPv6 maps (issue 11; patent [0026] VIFs, [0035] proxy
 * address resolution, [0036] NART-1 for IPv6 keys): the VIFs' IPv6
 * addresses, the agent's index for WHERE by IPv6, NART-1 for IPv6 and the
 * tenants' IPv6 subnets.  Types in include/netlord.h.
 */
#ifndef NL_BPF_IPV6_MAPS_H
#define NL_BPF_IPV6_MAPS_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_MAX_VIFS);
	__type(key, __u32); /* ifindex */
	__type(value, struct nl_vif_ip6);
} nl_vif_ip6s SEC(".maps");

/* the agent's index of local VIFs by (tenant, IPv6): WHERE in O(1) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_MAX_VIFS *NL_VIF_MAX_IP6);
	__type(key, struct nl_ip6_key);
	__type(value, __u32); /* ifindex */
} nl_local_ip6s SEC(".maps");

/* NART-1 for IPv6 keys: (tenant, IPv6) -> (MAC, MAC_AS_ID) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_NART1V6_ENTRIES);
	__type(key, struct nl_ip6_key);
	__type(value, struct nl_nart1v6_val);
} nl_nart1v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, NL_MAX_SUBNETS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nl_subnet6_key);
	__type(value, struct nl_subnet6_val);
} nl_subnets6 SEC(".maps");

#endif /* NL_BPF_IPV6_MAPS_H */

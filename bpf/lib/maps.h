/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every map of the datapath.  Keys and values come from include/netlord.h;
 * the agent pins these maps so both it and bpftool see them by name.  They
 * hold the NA's state of patent Fig. 2: VIFs, NARTs ([0036]-[0037]),
 * VLAN table rows, counters and the event ring.
 */
#ifndef NL_BPF_MAPS_H
#define NL_BPF_MAPS_H

#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nl_config);
} nl_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_MAX_VIFS);
	__type(key, __u32); /* ifindex */
	__type(value, struct nl_vif);
} nl_vifs SEC(".maps");

/* the VIFs again, by ifindex & (NL_VIF_CACHE_SLOTS - 1) (include/netlord.h) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NL_VIF_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct nl_vif);
} nl_vif_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_MAX_VIFS);
	__type(key, struct nl_vif_key);
	__type(value, struct nl_local_vif);
} nl_local_vifs SEC(".maps");

/* the agent's index of local VIFs by (tenant, IP): WHERE in O(1) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_MAX_VIFS);
	__type(key, struct nl_local_ip_key);
	__type(value, __u32); /* ifindex */
} nl_local_ips SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, NL_MAX_SUBNETS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nl_subnet_key);
	__type(value, struct nl_subnet_val);
} nl_subnets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NL_MAX_VIFS);
	__type(key, __u32);
	__type(value, struct nl_vif_stats);
} nl_vif_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NL_C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} nl_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NL_EVENT_RING_BYTES);
} nl_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NL_EVENT_DEDUP_ENTRIES);
	__type(key, struct nl_event_key);
	__type(value, __u64); /* ktime of the last event sent for this key */
} nl_event_dedup SEC(".maps");

/* the dedup key of the event being sent (events.h): off the VIF program's full stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nl_event_key);
} nl_event_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NL_MAX_VIFS * 2);
	__type(key, __u32); /* sending VIF's ifindex, or 1 << 31 | tenant on receive */
	__type(value, struct nl_event_bucket);
} nl_event_budget SEC(".maps");

/* DHCP and router solicitations handed to the agent (punt.h, docs/dhcp.md) */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NL_PUNT_RING_BYTES);
} nl_punt_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NL_MAX_VIFS);
	__type(key, __u32); /* the VIF's ifindex */
	__type(value, struct nl_event_bucket);
} nl_punt_budget SEC(".maps");

/*
 * tenant broadcast/multicast: the members of each MAC space hosted here
 * (flood.h): one group per MAC space, plus its chunks of remote servers
 * past the first NL_FLOOD_CHUNK
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * NL_MAX_VIFS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nl_flood_key);
	__type(value, struct nl_flood_group);
} nl_flood_groups SEC(".maps");

/* the flood token bucket of each VIF, by stats slot */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NL_MAX_VIFS);
	__type(key, __u32);
	__type(value, struct nl_event_bucket); /* nl_bucket_take_n() */
} nl_flood_budget SEC(".maps");

/* NART-1, NART-2 and the switch array (VLAN table rows): compact tables */
#include "nart.h"
/* IPv6: the VIFs' addresses, NART-1 for IPv6, IPv6 subnets */
#include "ipv6_maps.h"

/* The VIF on @ifindex: the cache slot if it holds this VIF, else the hash map */
static __always_inline struct nl_vif *nl_vif_get(__u32 ifindex)
{
	__u32 idx = ifindex & (NL_VIF_CACHE_SLOTS - 1);
	struct nl_vif *v = bpf_map_lookup_elem(&nl_vif_cache, &idx);

	if (v && v->ifindex == ifindex)
		return v;
	return bpf_map_lookup_elem(&nl_vifs, &ifindex);
}

static __always_inline struct nl_config *nl_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&nl_config, &zero);
}

#endif /* NL_BPF_MAPS_H */

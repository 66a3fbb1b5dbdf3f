/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Events to the agent, through the ring buffer: a NART-1, NART-2 or VLAN
 * table miss asks it for a WHERE (patent [0031]), a frame for a VIF not
 * hosted here for a NOT-HERE to its sender ([0032]).  ARP, forwarding and
 * receive all report through nl_miss_event().  A VM scanning addresses
 * must not turn every packet into an event, so each distinct event is sent
 * at most once per config.event_interval_ms, and each VIF (each tenant for
 * received frames) has a token bucket of events, so one VM cannot fill the
 * ring that every other VM's WHEREs go through (issue 10).  An event counts
 * as sent, and is stamped in the dedup map, only once it is in the ring:
 * one refused for a spent budget or a full ring is counted and comes again
 * with the next packet that needs it.
 */
#ifndef NL_BPF_EVENTS_H
#define NL_BPF_EVENTS_H

#include "eth.h"
#include "stats.h"

/*
 * @n tokens from the bucket of @who in @budget (a map of struct
 * nl_event_bucket, refilled at @per_s, at most @burst; @n <= @burst): true
 * if there were.  Concurrent CPUs may race on the bucket; the error is a
 * few tokens, never a lasting block.  Shared by the miss events, the punt
 * path and the flood rate limit (flood.h, which charges a frame by its
 * copies).
 */
static __always_inline bool nl_bucket_take_n(void *budget, __u32 who, __u64 now, __u32 burst,
					     __u32 per_s, __u32 n)
{
	struct nl_event_bucket *b = bpf_map_lookup_elem(budget, &who);
	__u64 step = 1000000000ULL / per_s, add;

	if (!b) {
		struct nl_event_bucket nb = {.last_ns = now, .tokens = burst > n ? burst - n : 0};

		bpf_map_update_elem(budget, &who, &nb, BPF_ANY);
		return true;
	}
	add = now > b->last_ns ? (now - b->last_ns) / step : 0;
	if (add) {
		if (add >= burst || b->tokens + add >= burst) {
			b->tokens = burst;
			b->last_ns = now;
		} else {
			b->tokens += (__u32)add;
			b->last_ns += add * step;
		}
	}
	if (b->tokens < n)
		return false;
	b->tokens -= n;
	return true;
}

/* One token from the bucket of @who (nl_bucket_take_n()). */
static __always_inline bool nl_bucket_take(void *budget, __u32 who, __u64 now, __u32 burst,
					   __u32 per_s)
{
	return nl_bucket_take_n(budget, who, now, burst, per_s, 1);
}

/*
 * Sends @ev under dedup key @key, charged to @who's budget, unless the same
 * key went out within the interval.  @ev and @key may live in map memory
 * (the IPv6 subprogram keeps them off its stack).
 */
static __always_inline void nl_event_submit(const struct nl_config *cfg, const struct nl_event *ev,
					    const struct nl_event_key *key, __u32 who)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 burst = cfg->event_vif_burst ? cfg->event_vif_burst : NL_EVENT_VIF_BURST;
	__u32 per_s = cfg->event_vif_per_s ? cfg->event_vif_per_s : NL_EVENT_VIF_PER_S;
	struct nl_event *slot;
	__u64 *last;

	last = bpf_map_lookup_elem(&nl_event_dedup, key);
	if (last && now - *last < (__u64)cfg->event_interval_ms * 1000000ULL)
		return;
	if (!nl_bucket_take(&nl_event_budget, who, now, burst, per_s)) {
		nl_count(NL_C_EVENT_VIF_LIMITED);
		return;
	}
	slot = bpf_ringbuf_reserve(&nl_events, sizeof(*ev), 0);
	if (!slot) {
		nl_count(NL_C_EVENT_LOST); /* not stamped: the next packet tries again */
		return;
	}
	__builtin_memcpy(slot, ev, sizeof(*ev));
	bpf_ringbuf_submit(slot, 0);
	bpf_map_update_elem(&nl_event_dedup, key, &now, BPF_ANY);
}

/* the per-CPU dedup key scratch entry, zeroed; NULL never happens in practice */
static __always_inline struct nl_event_key *nl_event_key_get(void)
{
	__u32 zero = 0;
	struct nl_event_key *key = bpf_map_lookup_elem(&nl_event_scratch, &zero);

	if (key)
		__builtin_memset(key, 0, sizeof(*key));
	return key;
}

/*
 * Reports @ev about VIF @vif (tenant, MAC_AS_ID, MAC; the MAC is zero when
 * only an IP is known).  The caller sets the type and the fields of that
 * type (ip, ifindex, switch_mac, peer_mac, outer_saddr); this fills in the
 * VIF and sends, unless the same event went out within the interval.
 */
static __always_inline void nl_miss_event(const struct nl_config *cfg, struct nl_event *ev,
					  const struct nl_vif_key *vif)
{
	struct nl_event_key *key = nl_event_key_get();

	if (!key)
		return;
	key->type = ev->type;
	key->tenant = vif->tenant;
	key->mac_as = vif->mac_as;
	key->ip = ev->ip;
	ev->tenant = vif->tenant;
	ev->mac_as = vif->mac_as;
	nl_mac_copy(ev->mac, vif->mac);
	/* a VLAN miss is about the egress switch, whichever VIF sent */
	nl_mac_copy(key->mac, ev->type == NL_EV_VLAN_MISS ? ev->switch_mac : vif->mac);
	nl_event_submit(cfg, ev, key, ev->ifindex ? ev->ifindex : 1U << 31 | vif->tenant);
}

/*
 * Sends @ev, a NART1V6_MISS the IPv6 subprogram filled (type, tenant,
 * mac_as, ifindex, ip6) in its scratch entry: the agent asks a WHERE by
 * IPv6 (issue 11).  Deduplicated by (tenant, MAC_AS, address).
 */
static __always_inline void nl_miss_event6(const struct nl_config *cfg, const struct nl_event *ev)
{
	struct nl_event_key *key = nl_event_key_get();

	if (!key)
		return;
	key->type = NL_EV_NART1V6_MISS;
	key->tenant = ev->tenant;
	key->mac_as = ev->mac_as;
	__builtin_memcpy(key->ip6, ev->ip6, 16);
	nl_event_submit(cfg, ev, key, ev->ifindex);
}

#endif /* NL_BPF_EVENTS_H */

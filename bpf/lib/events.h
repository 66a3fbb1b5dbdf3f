/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Events to the agent (WHERE and NOT-HERE triggers).  A VM scanning
 * addresses must not turn every packet into an event, so each distinct
 * event is sent at most once per config.event_interval_ms.
 */
#ifndef NL_BPF_EVENTS_H
#define NL_BPF_EVENTS_H

#include "stats.h"

static __always_inline void nl_event_send(const struct nl_config *cfg, const struct nl_event *ev)
{
	struct nl_event_key key = {
		.type = ev->type,
		.tenant = ev->tenant,
		.mac_as = ev->mac_as,
		.ip = ev->ip,
	};
	__u64 now = bpf_ktime_get_ns();
	__u64 *last;

	__builtin_memcpy(key.mac, ev->mac, ETH_ALEN);
	if (ev->type == NL_EV_VLAN_MISS)
		__builtin_memcpy(key.mac, ev->switch_mac, ETH_ALEN);
	last = bpf_map_lookup_elem(&nl_event_dedup, &key);
	if (last && now - *last < (__u64)cfg->event_interval_ms * 1000000ULL)
		return;
	bpf_map_update_elem(&nl_event_dedup, &key, &now, BPF_ANY);
	if (bpf_ringbuf_output(&nl_events, (void *)ev, sizeof(*ev), 0))
		nl_count(NL_C_EVENT_LOST);
}

#endif /* NL_BPF_EVENTS_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Events to the agent, through the ring buffer: a NART-1, NART-2 or VLAN
 * table miss asks it for a WHERE (patent [0031]), a frame for a VIF not
 * hosted here for a NOT-HERE to its sender ([0032]).  ARP, forwarding and
 * receive all report through nl_miss_event().  A VM scanning addresses
 * must not turn every packet into an event, so each distinct event is sent
 * at most once per config.event_interval_ms.
 */
#ifndef NL_BPF_EVENTS_H
#define NL_BPF_EVENTS_H

#include "eth.h"
#include "stats.h"

/*
 * Reports @ev about VIF @vif (tenant, MAC_AS_ID, MAC; the MAC is zero when
 * only an IP is known).  The caller sets the type and the fields of that
 * type (ip, ifindex, switch_mac, peer_mac, outer_saddr); this fills in the
 * VIF and sends, unless the same event went out within the interval.
 */
static __always_inline void nl_miss_event(const struct nl_config *cfg, struct nl_event *ev,
					  const struct nl_vif_key *vif)
{
	struct nl_event_key key = {
		.type = ev->type,
		.tenant = vif->tenant,
		.mac_as = vif->mac_as,
		.ip = ev->ip,
	};
	__u64 now = bpf_ktime_get_ns();
	__u64 *last;

	ev->tenant = vif->tenant;
	ev->mac_as = vif->mac_as;
	nl_mac_copy(ev->mac, vif->mac);
	/* a VLAN miss is about the egress switch, whichever VIF sent */
	nl_mac_copy(key.mac, ev->type == NL_EV_VLAN_MISS ? ev->switch_mac : vif->mac);
	last = bpf_map_lookup_elem(&nl_event_dedup, &key);
	if (last && now - *last < (__u64)cfg->event_interval_ms * 1000000ULL)
		return;
	bpf_map_update_elem(&nl_event_dedup, &key, &now, BPF_ANY);
	if (bpf_ringbuf_output(&nl_events, ev, sizeof(*ev), 0))
		nl_count(NL_C_EVENT_LOST);
}

#endif /* NL_BPF_EVENTS_H */

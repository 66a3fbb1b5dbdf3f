// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The datapath's ring buffer: NART misses become WHERE broadcasts (at most
 * one per destination per second, and at most NA_SCAN_VIF_RATE per second
 * caused by one VIF, so a VM scanning addresses cannot storm the fabric),
 * reports of traffic for a VIF not hosted here become NOT-HERE
 * unicasts to the sender's NA.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent.h"

#define WHERE_RATE  1.0 /* per second per destination */
#define WHERE_BURST 2.0

struct rl_key {
	__u32 type;
	__u32 tenant;
	__u16 mac_as;
	__u8 mac[6];
	__be32 ip;
};

static bool allowed(struct na_agent *a, __u32 type, __u32 tenant, __u16 mac_as, const __u8 *mac,
		    __be32 ip)
{
	struct rl_key k = {.type = type, .tenant = tenant, .mac_as = mac_as, .ip = ip};

	if (mac)
		memcpy(k.mac, mac, 6);
	if (na_rl_allow(a->rl, &k, sizeof(k), nart_now_ms()))
		return true;
	a->st.where_ratelimited++;
	return false;
}

void na_where_send(struct na_agent *a, __u32 tenant, __u16 mac_as, const __u8 *mac, __be32 ip)
{
	struct nlarp_fields m = {
		.version = NLARP_VERSION,
		.op = NLARP_WHERE,
		.tenant = tenant,
		.mac_as = mac_as,
		.sender_port = a->port,
	};
	char what[40];

	if (!a->ready)
		return;
	if (!allowed(a, NLARP_WHERE, tenant, mac_as, ip ? NULL : mac, ip))
		return;
	memcpy(m.sender_switch_mac, a->switch_mac, 6);
	if (ip) {
		m.flags = NLARP_F_BY_IP | NLARP_F_HAS_IP;
		m.ip = ip;
		snprintf(what, sizeof(what), "%u.%u.%u.%u", ((__u8 *)&ip)[0], ((__u8 *)&ip)[1],
			 ((__u8 *)&ip)[2], ((__u8 *)&ip)[3]);
	} else {
		memcpy(m.mac, mac, 6);
		na_fmt_mac(mac, what);
	}
	log_info("WHERE tenant %u mac_as %u %s", tenant, mac_as, what);
	na_nlarp_broadcast(a, &m);
}

/* the NA hosting the sender of a frame we could not deliver */
static bool find_sender(struct na_agent *a, const struct nl_event *ev, struct nart_loc *loc)
{
	struct nl_vif_key k = {.tenant = ev->tenant, .mac_as = ev->mac_as};
	struct nart_entry e;

	if (ev->ip) {
		struct nl_nart1_key k1 = {.tenant = ev->tenant, .ip = ev->ip};
		struct nl_nart1_val v1;

		if (na_nart1_get(a, &k1, &v1) && !memcmp(v1.mac, ev->peer_mac, 6)) {
			struct nl_vif_key k2 = {.tenant = ev->tenant, .mac_as = v1.mac_as};

			memcpy(k2.mac, v1.mac, 6);
			if (na_nart2_get(a, &k2, &e)) {
				*loc = e.loc;
				return true;
			}
		}
	}
	memcpy(k.mac, ev->peer_mac, 6);
	if (!na_nart2_get(a, &k, &e))
		return false;
	*loc = e.loc;
	return true;
}

static void not_here(struct na_agent *a, const struct nl_event *ev)
{
	struct nlarp_fields m = {
		.version = NLARP_VERSION,
		.op = NLARP_NOT_HERE,
		.tenant = ev->tenant,
		.mac_as = ev->mac_as,
		.port = a->port,
		.sender_port = a->port,
	};
	struct nart_loc loc;
	char mac[18];

	if (!a->ready || !allowed(a, NLARP_NOT_HERE, ev->tenant, ev->mac_as, ev->mac, 0))
		return;
	memcpy(m.mac, ev->mac, 6);
	memcpy(m.switch_mac, a->switch_mac, 6);
	memcpy(m.sender_switch_mac, a->switch_mac, 6);
	na_fmt_mac(ev->mac, mac);
	if (find_sender(a, ev, &loc) &&
	    (memcmp(loc.switch_mac, a->switch_mac, 6) || loc.port != a->port)) {
		log_info("NOT-HERE tenant %u mac_as %u %s -> NA at port %u", ev->tenant, ev->mac_as,
			 mac, loc.port);
		na_nlarp_unicast(a, loc.switch_mac, loc.port, &m);
	} else {
		log_info("NOT-HERE tenant %u mac_as %u %s broadcast (sender unknown)", ev->tenant,
			 ev->mac_as, mac);
		na_nlarp_broadcast(a, &m);
	}
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct na_agent *a = ctx;
	const struct nl_event *ev = data;

	if (len < sizeof(*ev))
		return 0;
	if (ev->type < 5)
		a->st.events[ev->type]++;
	if ((ev->type == NL_EV_NART1_MISS || ev->type == NL_EV_NART2_MISS) &&
	    !na_scan_guard_allow(&a->scan, ev->ifindex, nart_now_ms())) {
		a->st.where_scan_limited++;
		return 0;
	}
	switch (ev->type) {
	case NL_EV_NART1_MISS:
		na_where_send(a, ev->tenant, ev->mac_as, NULL, ev->ip);
		break;
	case NL_EV_NART2_MISS:
		na_where_send(a, ev->tenant, ev->mac_as, ev->mac, 0);
		break;
	case NL_EV_VLAN_MISS: {
		char mac[18];

		if (!allowed(a, NL_EV_VLAN_MISS, 0, 0, ev->switch_mac, 0))
			break;
		na_fmt_mac(ev->switch_mac, mac);
		log_warn("no VLAN towards edge switch %s in the VLAN table: re-fetching it", mac);
		a->vt_loaded = false;
		na_vlan_table_refresh(a);
		break;
	}
	case NL_EV_NOT_HERE:
		not_here(a, ev);
		break;
	default:
		break;
	}
	return 0;
}

int na_events_open(struct na_agent *a)
{
	a->rl = na_rl_new(16384, WHERE_RATE, WHERE_BURST);
	a->rb = ring_buffer__new(a->maps.events, on_event, a, NULL);
	if (!a->rl || !a->rb || na_scan_guard_init(&a->scan)) {
		log_err("cannot open the event ring buffer: %s", strerror(errno));
		return -1;
	}
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The datapath's events (events.h). */
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "drain.h"
#include "events.h"
#include "log.h"
#include "ratelimit.h"
#include "util.h"

static bool vlan_miss_allowed(struct na_events *ev, const __u8 *sw)
{
	if (nl_rl_allow(ev->vlan_rl, sw, 6, nl_now_ms()))
		return true;
	ev->st->where_ratelimited++;
	return false;
}

static void handle_event(struct na_events *ev, const void *data, size_t len)
{
	const struct nl_event *e = data;
	char mac[NL_MAC_STRLEN];

	if (len < sizeof(*e))
		return;
	if (e->type < NA_EVENT_TYPES)
		ev->st->events[e->type]++;
	if ((e->type == NL_EV_NART1_MISS || e->type == NL_EV_NART2_MISS ||
	     e->type == NL_EV_NART1V6_MISS) &&
	    !na_scan_guard_allow(&ev->scan, e->ifindex, nl_now_ms())) {
		ev->st->where_scan_limited++;
		return;
	}
	switch (e->type) {
	case NL_EV_NART1_MISS:
		na_where_send(ev->res, e->tenant, e->mac_as, NULL, e->ip);
		break;
	case NL_EV_NART1V6_MISS:
		na_where_send6(ev->res, e->tenant, e->ip6);
		break;
	case NL_EV_NART2_MISS:
		na_where_send(ev->res, e->tenant, e->mac_as, e->mac, 0);
		break;
	case NL_EV_VLAN_MISS:
		if (!vlan_miss_allowed(ev, e->switch_mac))
			break;
		nl_fmt_mac(e->switch_mac, mac);
		log_warn("no VLAN towards edge switch %s in the VLAN table: re-fetching it", mac);
		na_vlan_config_refresh(ev->vc, true);
		break;
	case NL_EV_NOT_HERE:
		na_not_here_send(ev->res, e->tenant, e->mac_as, e->mac, e->peer_mac, e->ip);
		break;
	default:
		break;
	}
}

/*
 * libbpf has consumed the record before calling us; a negative return
 * stops the consumption there (consumer position stored), so the budget
 * bounds one wake-up's work and the rest stays in the ring.
 */
static int on_event(void *ctx, void *data, size_t len)
{
	struct na_events *ev = ctx;

	handle_event(ev, data, len);
	return --ev->budget > 0 ? 0 : -EAGAIN;
}

int na_events_open(struct na_events *ev, int events_map_fd)
{
	int err = na_scan_guard_init(&ev->scan);

	ev->vlan_rl = nl_rl_new(1024, 1.0, 2.0);
	ev->rb = ring_buffer__new(events_map_fd, on_event, ev, NULL);
	if (err || !ev->vlan_rl || !ev->rb) {
		err = !ev->rb ? -errno : -ENOMEM;
		log_err("cannot open the event ring buffer: %s", strerror(-err));
		na_events_close(ev);
		return err;
	}
	return 0;
}

int na_events_fd(const struct na_events *ev)
{
	return ring_buffer__epoll_fd(ev->rb);
}

void na_events_consume(struct na_events *ev)
{
	ev->budget = NA_DRAIN_BUDGET;
	ring_buffer__consume(ev->rb); /* -EAGAIN: budget spent, more next wake-up */
}

void na_events_close(struct na_events *ev)
{
	ring_buffer__free(ev->rb);
	ev->rb = NULL;
	nl_rl_free(ev->vlan_rl);
	ev->vlan_rl = NULL;
	na_scan_guard_free(&ev->scan);
}

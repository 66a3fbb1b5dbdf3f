/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Dropping a frame: every program drops through nl_drop(), which counts the
 * reason in the per-reason counters (include/netlord.h, NL_COUNTERS),
 * reports the drop to a watching monitor (monitor.h: one load when nobody
 * watches) and returns the drop verdict of the program's type.  So
 * everything the datapath does not forward is counted under exactly one
 * reason (project decision, spec section 4: "counters per drop reason"; no
 * patent paragraph).  The one exception is nl_icmp_error() (icmp.h), which
 * counts its reason on entry, as the packet is consumed whether the error
 * goes out or not (not reported to the monitor).
 */
#ifndef NL_BPF_DROP_H
#define NL_BPF_DROP_H

#include "monitor.h"
#include "stats.h"

/* Counts @reason, returns @verdict. */
static __always_inline int nl_count_verdict(__u32 reason, int verdict)
{
	nl_count(reason);
	return verdict;
}

static __always_inline int nl_drop_skb(struct __sk_buff *skb, __u32 reason)
{
	nl_count(reason);
	if (nl_mon_on())
		nl_mon_drop_skb(skb, reason);
	return TC_ACT_SHOT;
}

static __always_inline int nl_drop_xdp(struct xdp_md *ctx, __u32 reason)
{
	nl_count(reason);
	if (nl_mon_on())
		nl_mon_drop_xdp(ctx, reason);
	return XDP_DROP;
}

/* Counts @reason, tells a watching monitor, returns the drop verdict for @ctx (tc or XDP). */
#define nl_drop(ctx, reason) \
	_Generic((ctx), struct __sk_buff * : nl_drop_skb, struct xdp_md * : nl_drop_xdp)(ctx, reason)

#endif /* NL_BPF_DROP_H */

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

/*
 * The monitor first: the frame (@skb) is not needed after it, so the hook
 * does not keep the context alive across the counter's helper call (more
 * callee-saved registers in use would make clang spill packet offsets that
 * the 6.1 verifier cannot bound).
 */
static __always_inline int nl_drop_skb(struct __sk_buff *skb, __u32 reason)
{
	if (nl_mon_on())
		nl_mon_drop_skb(skb, reason);
	nl_count(reason);
	return TC_ACT_SHOT;
}

static __always_inline int nl_drop_xdp(struct xdp_md *ctx, __u32 reason)
{
	if (nl_mon_on())
		nl_mon_drop_xdp(ctx, reason);
	nl_count(reason);
	return XDP_DROP;
}

/* The drop helper of the program type @ctx belongs to. */
#define nl_drop_fn(ctx) \
	_Generic((ctx), struct __sk_buff * : nl_drop_skb, struct xdp_md * : nl_drop_xdp)

/* Counts @reason, tells a watching monitor, returns the drop verdict for @ctx (tc or XDP). */
#define nl_drop(ctx, reason) nl_drop_fn(ctx)(ctx, reason)

#endif /* NL_BPF_DROP_H */

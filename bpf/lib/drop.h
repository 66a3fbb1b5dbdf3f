/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Dropping a frame: every program drops through nl_drop(), which counts the
 * reason in the per-reason counters (include/netlord.h, NL_COUNTERS) and
 * returns the drop verdict of the program's type.  So everything the
 * datapath does not forward is counted under exactly one reason (project
 * decision, spec section 4: "counters per drop reason"; no patent paragraph).
 * The one exception is nl_icmp_error() (icmp.h), which counts its reason
 * on entry, as the packet is consumed whether the error goes out or not.
 */
#ifndef NL_BPF_DROP_H
#define NL_BPF_DROP_H

#include "stats.h"

/* Counts @reason, returns @verdict. */
static __always_inline int nl_count_verdict(__u32 reason, int verdict)
{
	nl_count(reason);
	return verdict;
}

/* Drop verdict of the program type @ctx belongs to. */
#define nl_drop_verdict(ctx) \
	_Generic((ctx), struct __sk_buff * : TC_ACT_SHOT, struct xdp_md * : XDP_DROP)

/* Counts @reason and returns the drop verdict for @ctx (tc or XDP). */
#define nl_drop(ctx, reason) nl_count_verdict(reason, nl_drop_verdict(ctx))

#endif /* NL_BPF_DROP_H */

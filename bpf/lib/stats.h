/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Per-reason and per-VIF counters (per-CPU, so no atomics on the fast
 * path).  A project decision (spec section 4), no patent paragraph.
 */
#ifndef NL_BPF_STATS_H
#define NL_BPF_STATS_H

#include "maps.h"

static __always_inline void nl_count(__u32 counter)
{
	__u64 *v = bpf_map_lookup_elem(&nl_counters, &counter);

	if (v)
		*v += 1;
}

static __always_inline void nl_vif_count_tx(__u32 slot, __u32 bytes)
{
	struct nl_vif_stats *s = bpf_map_lookup_elem(&nl_vif_stats, &slot);

	if (s) {
		s->tx_packets++;
		s->tx_bytes += bytes;
	}
}

static __always_inline void nl_vif_count_rx(__u32 slot, __u32 bytes)
{
	struct nl_vif_stats *s = bpf_map_lookup_elem(&nl_vif_stats, &slot);

	if (s) {
		s->rx_packets++;
		s->rx_bytes += bytes;
	}
}

#endif /* NL_BPF_STATS_H */

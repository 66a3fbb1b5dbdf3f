/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Drop events for `na-loader monitor` (docs/monitor.md): while a monitor is
 * connected to the agent, every frame nl_drop() drops is also reported on a
 * ring buffer of its own, with its reason, the interface, the VIF's tenant
 * and MAC space and the first NL_MON_CAP_BYTES of the frame (the agent and
 * the monitor decode the addresses).  Nobody watching costs one load of
 * nl_mon_watching per drop and nothing on the forwarding paths.  A per-CPU token
 * bucket bounds the event rate; what it sheds is counted (monitor_shed), as
 * is what a full ring refuses (monitor_lost).  An operations feature of
 * this project (issue 14), no patent paragraph; the reasons are those of
 * include/netlord.h, NL_COUNTERS.
 */
#ifndef NL_BPF_MONITOR_H
#define NL_BPF_MONITOR_H

#include "stats.h"

_Static_assert((NL_MON_CAP_BYTES & (NL_MON_CAP_BYTES - 1)) == 0, "nl_mon_cap() masks");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NL_MON_RING_BYTES);
} nl_mon_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nl_mon_bucket);
} nl_mon_bucket SEC(".maps");

/*
 * Written by the agent through the skeleton's mmap of .bss (user/agent/
 * monitor.c), plain scalars so the skeleton needs no type of ours:
 * nl_mon_watching is nonzero while a monitor is connected, nl_mon_cost_ns
 * the bucket's price of one event (1e9 / events per second per CPU) and
 * nl_mon_burst_ns its depth.
 */
__u32 nl_mon_watching = 0;
__u64 nl_mon_cost_ns = 0;
__u64 nl_mon_burst_ns = 0;

/* Someone watches: the one load every drop pays. */
static __always_inline bool nl_mon_on(void)
{
#ifdef NL_MONITOR_COMPILED_OUT /* tests/progs/netlord_nomon.bpf.c: the benchmark's "before" */
	return false;
#else
	return unlikely(*(volatile __u32 *)&nl_mon_watching);
#endif
}

/* One event's worth of this CPU's token bucket, or false (shed). */
static __always_inline bool nl_mon_take(void)
{
	struct nl_mon_bucket *b;
	__u32 zero = 0;
	__u64 now, credit;

	b = bpf_map_lookup_elem(&nl_mon_bucket, &zero);
	if (!b)
		return false;
	now = bpf_ktime_get_ns();
	credit = b->credit_ns + (now - b->last_ns);
	if (credit > nl_mon_burst_ns)
		credit = nl_mon_burst_ns;
	b->last_ns = now;
	if (credit < nl_mon_cost_ns) {
		b->credit_ns = credit;
		return false;
	}
	b->credit_ns = credit - nl_mon_cost_ns;
	return true;
}

/* A reserved record for a drop of @reason, or NULL (shed or ring full, counted). */
static __always_inline struct nl_mon_drop *nl_mon_reserve(__u32 reason, __u32 pkt_len)
{
	struct nl_mon_drop *ev;

	if (!nl_mon_take()) {
		nl_count(NL_C_MON_SHED);
		return NULL;
	}
	ev = bpf_ringbuf_reserve(&nl_mon_ring, sizeof(*ev), 0);
	if (!ev) {
		nl_count(NL_C_MON_LOST);
		return NULL;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->reason = (__u16)reason;
	ev->pkt_len = pkt_len;
	ev->ts_ns = bpf_ktime_get_ns();
	return ev;
}

/*
 * Bytes of a frame of @len (>= 1) to capture, 1..NL_MON_CAP_BYTES, in a form
 * whose lower bound older verifiers see (6.1 does not learn "!= 0" from a
 * branch, and the load helpers refuse a size that may be 0).
 */
static __always_inline __u32 nl_mon_cap(__u32 len)
{
	__u32 cap = len > NL_MON_CAP_BYTES ? NL_MON_CAP_BYTES : len;

	return ((cap - 1) & (NL_MON_CAP_BYTES - 1)) + 1;
}

/* A tc program dropped @skb (a VIF's frame, or the uplink's). */
static __noinline int nl_mon_drop_skb(struct __sk_buff *skb, __u32 reason)
{
	struct nl_config *cfg = nl_config_get();
	__u32 ifindex = skb->ifindex, cap;
	struct nl_mon_drop *ev;
	struct nl_vif *vif;

	ev = nl_mon_reserve(reason, skb->len);
	if (!ev)
		return 0;
	ev->ifindex = ifindex;
	ev->hook = cfg && cfg->uplink_ifindex == ifindex ? NL_MON_HOOK_UPLINK_TC : NL_MON_HOOK_VIF;
	vif = bpf_map_lookup_elem(&nl_vifs, &ifindex);
	if (vif) {
		ev->tenant = vif->tenant;
		ev->mac_as = vif->mac_as;
	}
	cap = nl_mon_cap(skb->len);
	if (skb->len && !bpf_skb_load_bytes(skb, 0, ev->data, cap))
		ev->cap_len = (__u16)cap;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

/* The uplink's XDP program dropped the frame of @ctx. */
static __noinline int nl_mon_drop_xdp(struct xdp_md *ctx, __u32 reason)
{
	__u32 len = ctx->data_end - ctx->data, cap;
	struct nl_mon_drop *ev;

	ev = nl_mon_reserve(reason, len);
	if (!ev)
		return 0;
	ev->ifindex = ctx->ingress_ifindex;
	ev->hook = NL_MON_HOOK_UPLINK_XDP;
	cap = nl_mon_cap(len);
	if (len && !bpf_xdp_load_bytes(ctx, 0, ev->data, cap))
		ev->cap_len = (__u16)cap;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

#endif /* NL_BPF_MONITOR_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Do-nothing programs: the per-packet cost baseline of `make bench-datapath`
 * (tests/bench/bench_datapath.c, docs/performance.md).  Test-only; no
 * patent paragraph, it only measures what the datapath programs add.
 */
#include "lib/common.h"

SEC("xdp")
int baseline_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int baseline_tc(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

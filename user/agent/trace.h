/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `na-loader trace`, the engine (docs/agent.md, "trace"): runs the REAL
 * pinned datapath program of an uplink on one frame with BPF_PROG_TEST_RUN
 * (nothing is sent) and reports the verdict, the output frame, the
 * redirect target and the counters that moved.  The program sees the
 * given VIF (tc, ctx ifindex) or the uplink (XDP, ingress ifindex), so the
 * interface must be in the caller's network namespace.  Patent Figs. 7, 8
 * and 10 are what runs; this file only observes them (issue 14).
 */
#ifndef NA_TRACE_H
#define NA_TRACE_H

#include <stdbool.h>
#include <linux/types.h>

#include "maps.h"
#include "netlord.h"

#define NA_TRACE_MAX_FRAME 2048

struct na_trace_in {
	bool uplink;	   /* nl_uplink_xdp on the uplink, else nl_vif_ingress on @vif_ifindex */
	__u32 vif_ifindex; /* a VIF of nl_vifs */
	__u8 frame[NA_TRACE_MAX_FRAME];
	__u32 len;
};

struct na_trace_out {
	__u32 retval;	     /* the program's verdict */
	const char *verdict; /* "pass", "drop", "redirect", "tx", "aborted" */
	bool dropped;
	__u8 frame[NA_TRACE_MAX_FRAME + 256];
	__u32 len;		  /* output frame */
	__u32 meta_ifindex;	  /* XDP_PASS with the hand-off metadata: the VIF (nl_uplink_tc) */
	__u32 redirect_ifindex;	  /* inferred (see na_trace_run), 0 = none */
	const char *redirect_how; /* how it was inferred */
	__u64 counters[NL_C_MAX]; /* deltas on the CPU that ran the program */
	struct nl_vif_stats vif_delta;
	__u32 vif_slot;
	bool has_vif;
	int cpu;
	__u32 duration_ns;
};

/*
 * Runs @in through the pinned programs of uplink @iface whose maps are @m,
 * with configuration @cfg.  The redirect target is not visible to
 * BPF_PROG_TEST_RUN: it is inferred from the output frame and the maps
 * (encapsulated: the uplink; decapsulated or delivered: the local VIF of
 * its destination; a reply: the VIF itself).  0, -ENOENT (no pinned
 * program), or -errno.
 */
int na_trace_run(const char *iface, const struct na_maps *m, const struct nl_config *cfg,
		 const struct na_trace_in *in, struct na_trace_out *out);

/* name and help of counter @i */
const char *na_trace_counter_name(unsigned int i);
const char *na_trace_counter_help(unsigned int i);
/* the one drop reason among the counters that moved, or -1 */
int na_trace_drop_reason(const struct na_trace_out *out);

#endif /* NA_TRACE_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The datapath as it was before the monitor's drop hook (bpf/lib/monitor.h):
 * the same programs with nl_mon_on() a constant false, so the compiler drops
 * the hook.  Only `make bench-datapath` uses it, to show what the hook costs
 * when nobody watches against "today" (issue 14); not a production object.
 */
#define NL_MONITOR_COMPILED_OUT 1
#include "../../bpf/netlord.bpf.c"

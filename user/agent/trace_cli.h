/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `na-loader trace`, the command line (docs/agent.md, "trace"): a frame from
 * its description or a pcap file, run through the real pinned programs
 * (trace.h), reported as text or JSON.  Observes patent Figs. 7, 8, 10.
 */
#ifndef NA_TRACE_CLI_H
#define NA_TRACE_CLI_H

/* argv[0] is the verb; 0, -EINVAL (usage), -ENOTCONN (no pins), -ENODEV, -errno */
int na_trace_cli(int argc, char **argv);

#endif /* NA_TRACE_CLI_H */

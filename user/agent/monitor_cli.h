/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `na-loader monitor`, the client (docs/monitor.md): connects to the
 * agent's monitor socket (monitor.h), subscribes and copies the event lines
 * to stdout until SIGINT/SIGTERM or the agent goes away.  An operations
 * feature (issue 14), no patent paragraph.
 */
#ifndef NA_MONITOR_CLI_H
#define NA_MONITOR_CLI_H

/* argv[0] is the verb; 0 on a clean stop, -EINVAL (usage), -ENOTCONN (no agent), -errno */
int na_monitor_cli(int argc, char **argv);

#endif /* NA_MONITOR_CLI_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `na-loader status --check`: a health check for monitoring and systemd
 * (docs/operations.md).  The Network Agent (patent Fig. 3) is healthy when
 * it runs, knows its location from LLDP and has its VLAN table ([0036]).
 */
#ifndef NA_HEALTH_H
#define NA_HEALTH_H

#include <stdio.h>

/* the agent answered but is not ready (exit code 6) */
#define NA_ERR_NOT_READY (-4097)

/*
 * Ask the agent of @iface for its status and print one line on @out:
 * 0 ready, NA_ERR_NOT_READY, -ENOTCONN (no agent) or another -errno.
 */
int na_health_check(const char *iface, FILE *out);

#endif /* NA_HEALTH_H */

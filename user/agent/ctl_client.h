/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The control socket, CLI side (ctl_proto.h). */
#ifndef NA_CTL_CLIENT_H
#define NA_CTL_CLIENT_H

#include <stdio.h>

#include "ctl_proto.h"

/*
 * Send @r to the agent of uplink @ifname and copy its output to @out.
 * 0; -ENOTCONN if no agent listens; -ECONNRESET if it closed without an
 * answer; else the agent's -errno, its message printed on stderr.
 */
int na_ctl_request(const char *ifname, const struct na_request *r, FILE *out);

#endif /* NA_CTL_CLIENT_H */

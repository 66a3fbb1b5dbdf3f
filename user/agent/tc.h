/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's tc ingress filter (clsact, handle "NL", priority 1) on an
 * interface: the VIF program on every VIF, the delivery program on the
 * uplink.  0 or -errno.
 */
#ifndef NA_TC_H
#define NA_TC_H

#include <stdbool.h>

/* attach @prog_fd; @replace swaps a program already there atomically */
int na_tc_attach(int ifindex, int prog_fd, bool replace);
int na_tc_detach(int ifindex);
bool na_tc_present(int ifindex);

#endif /* NA_TC_H */

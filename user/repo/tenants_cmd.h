/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo check-tenants: validate a tenants file (docs/tenants.md; issue 16,
 * patent [0013] tenant subnets and virtual routers, [0053] the public
 * tenant).  The handlers for main.c's verb table.
 */
#ifndef NA_REPO_TENANTS_CMD_H
#define NA_REPO_TENANTS_CMD_H

/* store the file's path: 0 */
int check_tenants_args(int argc, char **argv);
/* parse and validate it, print its size: 0, or -errno with "file:line: reason" printed */
int check_tenants_run(void);

#endif

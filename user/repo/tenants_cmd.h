/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo check-tenants and compile --tenants: validate a tenants file and
 * install it into a compiled repository (docs/tenants.md; issue 16, patent
 * [0013] tenant subnets and virtual routers, [0053] the public tenant).
 * The handlers for main.c's verb table.
 */
#ifndef NA_REPO_TENANTS_CMD_H
#define NA_REPO_TENANTS_CMD_H

/* store the file's path: 0 */
int check_tenants_args(int argc, char **argv);
/* parse and validate it, print its size: 0, or -errno with "file:line: reason" printed */
int check_tenants_run(void);

/* the file a compiled repository holds its tenants in (served as /v1/tenants) */
#define TENANTS_FILE "tenants.txt"

/* read and validate @path: 0, or -errno with "na-repo: file:line: reason" printed */
int tenants_file_check(const char *path);

/*
 * Read and validate @path and write its bytes to @dir/tenants.txt (through a
 * temporary file and rename); @path NULL: remove a stale @dir/tenants.txt.
 * 0, or -errno with a message printed.
 */
int tenants_install(const char *path, const char *dir);

#endif

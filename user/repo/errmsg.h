/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo: error messages for the caller.  Functions of na-repo report a
 * failure by returning -errno and, where the user needs to know what was
 * wrong, by writing one line into the caller's buffer (err, errlen).  Only
 * main() turns a failure into an exit code.
 */
#ifndef NA_REPO_ERRMSG_H
#define NA_REPO_ERRMSG_H

#include <stddef.h>

/* format the message into err and return rc (a negative errno) */
int repo_errf(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif

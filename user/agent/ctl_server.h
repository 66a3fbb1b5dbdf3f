/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's end of the control socket (ctl_proto.h): accepts root
 * clients only, reads one request, checks it and hands it to the handler
 * the daemon registered, then sends the answer.
 */
#ifndef NA_CTL_SERVER_H
#define NA_CTL_SERVER_H

#include <limits.h>
#include <stdio.h>

#include "ctl_proto.h"

/* carry a checked request out, its output to @out; 0 or -errno with @err set */
typedef int (*na_ctl_handler)(void *ctx, const struct na_request *r, FILE *out, char *err,
			      size_t errlen);

struct na_ctl_server {
	int fd;
	char path[PATH_MAX];
	na_ctl_handler handle;
	void *ctx;
};

/* listen on @path (mode 0600); 0 or -errno */
int na_ctl_listen(struct na_ctl_server *s, const char *path);
/* serve every pending connection */
void na_ctl_serve(struct na_ctl_server *s);
void na_ctl_close(struct na_ctl_server *s);

#endif /* NA_CTL_SERVER_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The control socket, agent side (ctl_server.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_server.h"
#include "log.h"
#include "paths.h"
#include "util.h"

int na_ctl_listen(struct na_ctl_server *s, const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	mode_t old;
	int err = nl_mkdir_p(NA_RUN_ROOT, 0700);

	if (err)
		return err;
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	old = umask(0077);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(s->fd, 16)) {
		err = -errno;
		umask(old);
		log_err("cannot listen on %s: %s", path, strerror(-err));
		return err;
	}
	umask(old);
	chmod(path, 0600);
	return 0;
}

/* the whole request within 1 s: a stuck client must not stall the agent */
static int read_request(int c, struct na_request *r)
{
	struct pollfd p = {.fd = c, .events = POLLIN};
	size_t len = 0;

	while (len < sizeof(*r) && poll(&p, 1, 1000) > 0) {
		ssize_t n = read(c, (char *)r + len, sizeof(*r) - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return len == sizeof(*r) ? 0 : -EBADMSG;
}

static void answer(struct na_ctl_server *s, int c)
{
	struct na_request r;
	char err[256] = "", *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen), *w;
	int rc = read_request(c, &r);

	if (!f)
		return;
	if (rc)
		snprintf(err, sizeof(err), "incomplete request");
	else
		rc = na_request_check(&r, err, sizeof(err));
	if (!rc)
		rc = s->handle(s->ctx, &r, f, err, sizeof(err));
	fclose(f);
	w = fdopen(dup(c), "w");
	if (w) {
		if (rc)
			fprintf(w, "error %d %s\n", -rc, err[0] ? err : strerror(-rc));
		else
			fprintf(w, "ok\n%.*s", (int)outlen, out ? out : "");
		fclose(w);
	}
	free(out);
}

void na_ctl_serve(struct na_ctl_server *s)
{
	for (;;) {
		int c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
		struct ucred cr;
		socklen_t cl = sizeof(cr);

		if (c < 0)
			return;
		if (!getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl) && cr.uid == 0)
			answer(s, c);
		close(c);
	}
}

void na_ctl_close(struct na_ctl_server *s)
{
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);
	}
	s->fd = -1;
}

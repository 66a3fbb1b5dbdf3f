// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The control socket, CLI side (ctl_client.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_client.h"
#include "paths.h"

static int connect_agent(const char *ifname)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s.sock", NA_RUN_ROOT, ifname);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		if (fd >= 0)
			close(fd);
		return -ENOTCONN;
	}
	return fd;
}

/* the first line of the answer: 0 for "ok", the agent's -errno for "error" */
static int status_line(char *line)
{
	char *msg = NULL;
	long e;

	if (!strcmp(line, "ok"))
		return 0;
	if (strncmp(line, "error ", 6))
		return -EPROTO;
	e = strtol(line + 6, &msg, 10);
	fprintf(stderr, "na-loader: %s\n", msg && *msg ? msg + 1 : line);
	return e > 0 && e < 4096 ? (int)-e : -EPROTO;
}

int na_ctl_request(const char *ifname, const struct na_request *r, FILE *out)
{
	char buf[4096], *nl;
	size_t have = 0;
	int fd = connect_agent(ifname), rc = -ECONNRESET;
	bool first = true;
	ssize_t n;

	if (fd < 0)
		return fd;
	if (write(fd, r, sizeof(*r)) != (ssize_t)sizeof(*r)) {
		close(fd);
		return -ENOTCONN;
	}
	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = 0;
		if (!first) {
			fputs(buf, out);
			have = 0;
			continue;
		}
		nl = strchr(buf, '\n');
		if (!nl && have < sizeof(buf) - 1)
			continue;
		if (nl)
			*nl = 0;
		rc = status_line(buf);
		first = false;
		if (nl)
			fputs(nl + 1, out);
		have = 0;
	}
	if (first)
		fprintf(stderr, "na-loader: the agent closed the connection without answering\n");
	close(fd);
	return rc;
}

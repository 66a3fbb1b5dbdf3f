// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Control socket /run/netlord/<iface>.sock (mode 0600, root only).  One
 * request line per connection; the answer starts with "ok" or
 * "error <exit code> <message>", followed by the verb's output.
 *
 *   vif add <ifname> <tenant> <mac_as> <mac> <ip/len|-> <router|->
 *   vif del <ifname>
 *   vif list [json]          status [json]        stats [json]
 *   nart [json]              refresh              quit
 *   nart set <tenant> <mac_as> <mac> <switch> <port> <version>     (debug)
 *   nart del <tenant> <mac_as> <mac>  |  nart del <tenant> ip <A>  (debug)
 *
 * The nart set/del verbs exist so the agent stays the only writer of the
 * NARTs (mmap writer, user/agent/tables.c).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"

int na_ctl_open(struct na_agent *a)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	mode_t old;

	if (na_mkdir_p(NA_RUN_ROOT, 0700))
		return -1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", a->sock_path);
	unlink(a->sock_path);
	a->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	old = umask(0077);
	if (a->ctl_fd < 0 || bind(a->ctl_fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(a->ctl_fd, 16)) {
		umask(old);
		log_err("cannot listen on %s: %s", a->sock_path, strerror(errno));
		return -1;
	}
	umask(old);
	chmod(a->sock_path, 0600);
	return 0;
}

static int split_words(char *line, char **w, int max)
{
	int n = 0;

	for (char *t = strtok(line, " \t\r\n"); t && n < max; t = strtok(NULL, " \t\r\n"))
		w[n++] = t;
	return n;
}

/* nart set / nart del: 0, or an exit code with @err set */
static int nart_edit(struct na_agent *a, char **w, int n, char *err, size_t errlen)
{
	struct nl_vif_key k = {};
	__u32 tenant, x;

	if (n < 4 || na_parse_u32(w[2], NL_TENANT_MIN, NL_TENANT_MAX_24, &tenant))
		goto usage;
	if (!strcmp(w[1], "del") && n == 5 && !strcmp(w[3], "ip")) {
		struct nl_nart1_key k1 = {.tenant = tenant};

		if (na_parse_ipv4(w[4], &k1.ip))
			goto usage;
		if (!na_nart1_del(a, &k1))
			goto missing;
		log_info("nart del: NART-1 tenant %u %s deleted by request", tenant, w[4]);
		return 0;
	}
	if (n < 5 || na_parse_u32(w[3], 0, 255, &x) || na_parse_mac(w[4], k.mac))
		goto usage;
	k.tenant = tenant;
	k.mac_as = (__u16)x;
	if (!strcmp(w[1], "del") && n == 5) {
		if (!na_nart2_del(a, &k))
			goto missing;
		log_info("nart del: NART-2 tenant %u mac_as %u %s deleted by request", tenant, x,
			 w[4]);
		return 0;
	}
	if (!strcmp(w[1], "set") && n == 8) {
		struct nart_loc loc;
		__u32 port;
		char *end;
		__u64 version = strtoull(w[7], &end, 10);

		if (na_parse_mac(w[5], loc.switch_mac) || na_parse_u32(w[6], 1, 255, &port) ||
		    *end || end == w[7])
			goto usage;
		loc.port = (__u16)port;
		if (na_nart2_put(a, &k, &loc, version)) {
			snprintf(err, errlen, "NART-2 insert failed (table full?)");
			return NA_EXIT_REFUSED;
		}
		log_info("nart set: NART-2 tenant %u mac_as %u %s -> %s port %u version %llu",
			 tenant, x, w[4], w[5], port, (unsigned long long)version);
		return 0;
	}
usage:
	snprintf(err, errlen, "malformed nart set/del request");
	return NA_EXIT_USAGE;
missing:
	snprintf(err, errlen, "no such entry");
	return NA_EXIT_REFUSED;
}

static void handle(struct na_agent *a, char *line, FILE *f)
{
	char *w[10], err[256] = "";
	int n = split_words(line, w, 10), rc;
	bool json = n > 1 && !strcmp(w[n - 1], "json");

	if (n >= 2 && !strcmp(w[0], "vif") && !strcmp(w[1], "add") && n == 8) {
		struct nl_vif v = {};
		__u32 x;

		if (na_parse_u32(w[3], 0, 0xffffffU, &v.tenant) || na_parse_u32(w[4], 0, 255, &x) ||
		    na_parse_mac(w[5], v.mac) ||
		    (strcmp(w[6], "-") && na_parse_prefix(w[6], &v.ip, &v.prefix_len)) ||
		    (strcmp(w[7], "-") && na_parse_ipv4(w[7], &v.router_ip))) {
			fprintf(f, "error %d malformed vif add request\n", NA_EXIT_USAGE);
			return;
		}
		v.mac_as = (__u16)x;
		rc = na_vif_add(a, w[2], &v, err, sizeof(err));
	} else if (n == 3 && !strcmp(w[0], "vif") && !strcmp(w[1], "del")) {
		rc = na_vif_del(a, w[2], err, sizeof(err));
	} else if (n >= 2 && !strcmp(w[0], "vif") && !strcmp(w[1], "list")) {
		fprintf(f, "ok\n");
		na_show_vifs(f, &a->maps, json);
		return;
	} else if (n >= 1 && !strcmp(w[0], "status")) {
		fprintf(f, "ok\n");
		na_show_status(f, &a->maps, a, json);
		return;
	} else if (n >= 1 && !strcmp(w[0], "stats")) {
		fprintf(f, "ok\n");
		na_show_stats(f, &a->maps, a, json);
		return;
	} else if (n >= 2 && !strcmp(w[0], "nart") &&
		   (!strcmp(w[1], "set") || !strcmp(w[1], "del"))) {
		rc = nart_edit(a, w, n, err, sizeof(err));
	} else if (n >= 1 && !strcmp(w[0], "nart")) {
		fprintf(f, "ok\n");
		na_show_nart(f, &a->maps, a, json);
		return;
	} else if (n == 1 && !strcmp(w[0], "refresh")) {
		a->vt_loaded = false;
		rc = na_vlan_table_refresh(a) ? NA_EXIT_REFUSED : 0;
		snprintf(err, sizeof(err), "%s", a->vt_error);
	} else if (n == 1 && !strcmp(w[0], "quit")) {
		log_info("quit requested over the control socket");
		a->stop = true;
		rc = 0;
	} else {
		fprintf(f, "error %d unknown request\n", NA_EXIT_USAGE);
		return;
	}
	if (rc)
		fprintf(f, "error %d %s\n", rc, err);
	else
		fprintf(f, "ok\n");
}

void na_ctl_readable(struct na_agent *a)
{
	for (;;) {
		int c = accept4(a->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
		struct pollfd p = {.fd = c, .events = POLLIN};
		struct ucred cr;
		socklen_t cl = sizeof(cr);
		char line[512];
		size_t len = 0;
		FILE *f;

		if (c < 0)
			return;
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl) || cr.uid != 0) {
			close(c);
			continue;
		}
		/* a stuck client must not stall the agent: 1 s for the request line */
		while (len < sizeof(line) - 1 && poll(&p, 1, 1000) > 0) {
			ssize_t n = read(c, line + len, sizeof(line) - 1 - len);

			if (n <= 0)
				break;
			len += (size_t)n;
			if (memchr(line, '\n', len))
				break;
		}
		line[len] = 0;
		f = fdopen(c, "w");
		if (!f) {
			close(c);
			continue;
		}
		handle(a, line, f);
		fclose(f);
	}
}

int na_ctl_request(const char *ifname, const char *line, FILE *out)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char buf[4096], *nl;
	size_t have = 0;
	bool first = true;
	int fd, rc = 0;
	ssize_t n;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s.sock", NA_RUN_ROOT, ifname);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		if (fd >= 0)
			close(fd);
		return -NA_EXIT_NO_AGENT;
	}
	if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0) {
		close(fd);
		return -NA_EXIT_NO_AGENT;
	}
	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = 0;
		if (first) {
			nl = strchr(buf, '\n');
			if (!nl && have < sizeof(buf) - 1)
				continue;
			if (nl)
				*nl = 0;
			if (!strncmp(buf, "error ", 6)) {
				char *msg = NULL;

				rc = (int)strtol(buf + 6, &msg, 10);
				fprintf(stderr, "na-loader: %s\n", msg && *msg ? msg + 1 : buf);
				if (rc <= 0)
					rc = NA_EXIT_REFUSED;
			}
			first = false;
			if (nl) {
				fputs(nl + 1, out);
			}
			have = 0;
			continue;
		}
		fputs(buf, out);
		have = 0;
	}
	if (first) {
		fprintf(stderr, "na-loader: the agent closed the connection without answering\n");
		rc = NA_EXIT_RUNTIME;
	}
	close(fd);
	return rc;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* `na-loader monitor`, the client (monitor_cli.h); the agent's side is monitor.c. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "maps.h"
#include "monitor.h"
#include "monitor_cli.h"
#include "parse.h"
#include "paths.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static const char help[] =
	"usage: na-loader monitor [-i uplink] [--json] [--type drop|nlarp|vif|path|all]...\n"
	"                         [--rate N]\n"
	"Stream the agent's events until Ctrl-C: every frame the datapath drops (reason,\n"
	"interface, tenant, MAC space, addresses, protocol, ports), NL-ARP messages sent,\n"
	"received and rejected, VIFs added and deleted, path VLAN failovers and recoveries.\n"
	"--type may be repeated or comma-separated (default: all).  --json: one JSON object\n"
	"per line.  Drops are rate-limited in the datapath, --rate N drop events per second\n"
	"per CPU (default %d, the lowest rate of the connected monitors wins; what the\n"
	"limit sheds is counted as monitor_shed in `stats`).  A monitor that reads too\n"
	"slowly is told how many events it lost.  Needs the running agent.\n";

static int parse_types(const char *arg, __u32 *kinds)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "drop"))
			*kinds |= NA_MON_DROP;
		else if (!strcmp(t, "nlarp"))
			*kinds |= NA_MON_NLARP;
		else if (!strcmp(t, "vif"))
			*kinds |= NA_MON_VIF;
		else if (!strcmp(t, "path"))
			*kinds |= NA_MON_PATH;
		else if (!strcmp(t, "all"))
			*kinds |= NA_MON_ALL;
		else
			return -EINVAL;
	}
	return 0;
}

static int connect_monitor(const char *iface)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s/%s", NA_RUN_ROOT, iface, NA_MON_SOCK);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return -ENOTCONN;
	}
	return fd;
}

static int stream(int fd)
{
	char line[NA_MON_LINE_MAX + 1];

	while (!stop) {
		ssize_t n = recv(fd, line, NA_MON_LINE_MAX, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			fprintf(stderr, "na-loader monitor: the agent closed the stream\n");
			return -ECONNRESET;
		}
		if (fwrite(line, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout))
			return 0; /* our reader went away (a closed pipe): stop quietly */
	}
	return 0;
}

int na_monitor_cli(int argc, char **argv)
{
	static const struct option opts[] = {
		{"iface", required_argument, NULL, 'i'}, {"json", no_argument, NULL, 'j'},
		{"type", required_argument, NULL, 't'},	 {"help", no_argument, NULL, 'h'},
		{"rate", required_argument, NULL, 'r'},	 {NULL, 0, NULL, 0},
	};
	struct na_mon_hello h = {.magic = NA_MON_HELLO_MAGIC};
	struct sigaction sa = {.sa_handler = on_stop}; /* no SA_RESTART: recv returns EINTR */
	char ifbuf[256];
	const char *iface = NULL;
	int o, fd, err;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
		switch (o) {
		case 'i':
			iface = optarg;
			break;
		case 'j':
			h.json = 1;
			break;
		case 't':
			if (parse_types(optarg, &h.kinds)) {
				fprintf(stderr, "na-loader monitor: --type takes drop, nlarp, vif, "
						"path or all (see `na-loader monitor --help`)\n");
				return -EINVAL;
			}
			break;
		case 'r':
			if (nl_parse_u32(optarg, 1, 1000000, &h.rate)) {
				fprintf(stderr, "na-loader monitor: --rate takes 1..1000000 (drop "
						"events per second per CPU)\n");
				return -EINVAL;
			}
			break;
		case 'h':
			printf(help, NL_MON_RATE_PER_CPU);
			return 0;
		default:
			fprintf(stderr,
				"na-loader monitor: bad option '%s' (see `na-loader "
				"monitor --help`)\n",
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "na-loader monitor: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!h.kinds)
		h.kinds = NA_MON_ALL;
	if (!iface) {
		if (na_pinned_only_iface(ifbuf, sizeof(ifbuf))) {
			fprintf(stderr, "na-loader monitor: cannot tell which uplink: use -i "
					"<uplink>\n");
			return -EINVAL;
		}
		iface = ifbuf;
	}
	fd = connect_monitor(iface);
	if (fd < 0) {
		fprintf(stderr,
			"na-loader monitor: no agent is running for %s (start it: na-loader "
			"attach %s)\n",
			iface, iface);
		return fd == -ENOTCONN ? fd : -ENOTCONN;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (send(fd, &h, sizeof(h), MSG_NOSIGNAL) != sizeof(h)) {
		close(fd);
		return -ECONNRESET;
	}
	if (!h.json)
		fprintf(stderr, "na-loader monitor: watching %s; Ctrl-C to stop\n", iface);
	err = stream(fd);
	close(fd);
	return err;
}

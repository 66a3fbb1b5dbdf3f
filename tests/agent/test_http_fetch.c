// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The repository client (user/lib/http_fetch.c; patent [0012], issue 10
 * item 3) against a real `na-repo serve` and, for TLS, `openssl s_server`
 * with a self-signed certificate made here: the URL rules, 200 with the
 * ETag, 304 for If-None-Match, the size limit, a refused connection, a
 * server that never answers (the caller's loop keeps running meanwhile),
 * https with and without the right CA.  Needs build/na-repo and openssl.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "http_fetch.h"
#include "util.h"

static char dir[64], table[256], url[128];
static pid_t server = -1;
static struct nl_fetch *f;
static struct nl_fetch_opts opts = {.timeout_ms = 5000, .max_bytes = 1 << 20};

static void sh(const char *cmd)
{
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* a port nobody listens on (bound then closed) */
static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	socklen_t l = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(!bind(s, (struct sockaddr *)&a, sizeof(a)) &&
		  !getsockname(s, (struct sockaddr *)&a, &l));
	close(s);
	return ntohs(a.sin_port);
}

static bool can_connect(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(0x7f000001)};
	int s = socket(AF_INET, SOCK_STREAM, 0);
	bool ok = !connect(s, (struct sockaddr *)&a, sizeof(a));

	close(s);
	return ok;
}

/* runs @argv (in @cwd) until teardown; waits until @port accepts */
static void start(const char *cwd, int port, char *const argv[])
{
	server = fork();
	cr_assert_geq(server, 0);
	if (!server) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (chdir(cwd))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < 200 && !can_connect(port); i++)
		usleep(25000);
	cr_assert(can_connect(port), "%s did not start", argv[0]);
}

static void setup(void)
{
	char cmd[512];

	snprintf(dir, sizeof(dir), "/tmp/nl-fetch.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "build/na-repo gen clique 3 > %s/topo && build/na-repo compile --serial 5 -o %s "
		 "%s/topo > /dev/null",
		 dir, dir, dir);
	sh(cmd);
	snprintf(table, sizeof(table), "%s/vlan-table.txt", dir);
	cr_assert_eq(nl_fetch_new(&f, &opts), 0);
}

static void teardown(void)
{
	char cmd[128];

	nl_fetch_free(f);
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd)) {
		/* best effort */
	}
}

static void repo_up(void)
{
	char listen[32], port_s[16];
	int port = free_port();
	char *argv[] = {"na-repo", "serve", "--listen", listen, dir, NULL};
	char exe[PATH_MAX];

	setup();
	cr_assert_not_null(realpath("build/na-repo", exe));
	argv[0] = exe;
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(port_s, sizeof(port_s), "%d", port);
	start(dir, port, argv);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/vlan-table", port);
}

struct done {
	bool done;
	struct nl_fetch_result r;
};

static void on_done(void *ctx, struct nl_fetch_result *r)
{
	struct done *d = ctx;

	d->done = true;
	d->r = *r;
}

/*
 * Fetch @u as the agent does: the client's descriptor in an epoll with a
 * 20 ms timerfd standing for the agent's other work; returns the ticks
 * that ran while the transfer was in flight.
 */
static int fetch(struct nl_fetch *c, const char *u, const char *etag, struct done *d)
{
	struct itimerspec its = {.it_interval = {0, 20000000}, .it_value = {0, 20000000}};
	int ep = epoll_create1(0), tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), ticks = 0;
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = nl_fetch_fd(c)};
	char err[256];

	memset(d, 0, sizeof(*d));
	epoll_ctl(ep, EPOLL_CTL_ADD, nl_fetch_fd(c), &ev);
	ev.data.fd = tfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	timerfd_settime(tfd, 0, &its, NULL);
	cr_assert_eq(nl_fetch_start(c, u, etag, on_done, d, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(nl_fetch_start(c, u, etag, on_done, d, err, sizeof(err)), -EBUSY);
	for (int i = 0; !d->done && i < 2000; i++) {
		struct epoll_event evs[4];
		int n = epoll_wait(ep, evs, 4, 1000);

		for (int k = 0; k < n; k++) {
			__u64 x;

			if (evs[k].data.fd == tfd) {
				if (read(tfd, &x, sizeof(x)) > 0)
					ticks++;
			} else {
				nl_fetch_run(c);
			}
		}
	}
	close(tfd);
	close(ep);
	cr_assert(d->done, "transfer never ended");
	cr_assert_not(nl_fetch_busy(c));
	return ticks;
}

Test(fetch_url, rules)
{
	char u[256], err[256];

	cr_assert_eq(nl_fetch_url("repo:81", u, sizeof(u), err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(u, "http://repo:81/v1/vlan-table");
	cr_assert_eq(
		nl_fetch_url("http://10.0.0.1:8080/v1/vlan-table", u, sizeof(u), err, sizeof(err)),
		0);
	cr_assert_str_eq(u, "http://10.0.0.1:8080/v1/vlan-table");
	cr_assert_eq(nl_fetch_url("http://repo/", u, sizeof(u), err, sizeof(err)), 0);
	cr_assert_str_eq(u, "http://repo/v1/vlan-table");
	cr_assert_eq(nl_fetch_url("https://repo:8443/t", u, sizeof(u), err, sizeof(err)), 0);
	cr_assert_str_eq(u, "https://repo:8443/t");
	cr_assert_neq(nl_fetch_url("repo:8x", u, sizeof(u), err, sizeof(err)), 0);
	cr_assert_neq(nl_fetch_url("http://:80/", u, sizeof(u), err, sizeof(err)), 0);
	cr_assert_neq(nl_fetch_url("ftp://repo/x", u, sizeof(u), err, sizeof(err)), 0);
	cr_assert_neq(nl_fetch_url("", u, sizeof(u), err, sizeof(err)), 0);
}

Test(fetch, table_then_not_modified, .init = repo_up, .fini = teardown)
{
	struct done d;
	char *want;
	size_t wlen;

	cr_assert_eq(nl_read_file(table, 1 << 20, &want, &wlen), 0);
	fetch(f, url, NULL, &d);
	cr_assert_eq(d.r.rc, 0, "%s", d.r.err);
	cr_assert_eq(d.r.status, 200);
	cr_assert_eq(d.r.len, wlen);
	cr_assert_arr_eq(d.r.body, want, wlen);
	cr_assert_str_eq(d.r.etag, "\"5\"");
	free(d.r.body);
	fetch(f, url, "\"5\"", &d);
	cr_assert_eq(d.r.rc, 0, "%s", d.r.err);
	cr_assert_eq(d.r.status, 304);
	cr_assert_null(d.r.body);
	fetch(f, url, "\"4\"", &d);
	cr_assert_eq(d.r.status, 200, "an old ETag gets the table");
	cr_assert_eq(d.r.len, wlen);
	free(d.r.body);
	free(want);
}

Test(fetch, size_limit_and_http_errors, .init = repo_up, .fini = teardown)
{
	struct nl_fetch_opts small = {.timeout_ms = 5000, .max_bytes = 100};
	struct nl_fetch *g;
	struct done d;
	char u[160];

	cr_assert_eq(nl_fetch_new(&g, &small), 0);
	fetch(g, url, NULL, &d);
	cr_assert_eq(d.r.rc, -EFBIG, "%d %s", d.r.rc, d.r.err);
	cr_assert_null(d.r.body);
	nl_fetch_free(g);
	snprintf(u, sizeof(u), "%s/other", url);
	fetch(f, u, NULL, &d);
	cr_assert_eq(d.r.rc, -EPROTO, "%s", d.r.err);
	cr_assert(strstr(d.r.err, "HTTP 404"), "%s", d.r.err);
}

Test(fetch, refused_connection)
{
	struct done d;
	char u[64];

	setup();
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/", free_port());
	fetch(f, u, NULL, &d);
	cr_assert_eq(d.r.rc, -ECONNREFUSED, "%d %s", d.r.rc, d.r.err);
	cr_assert(strstr(d.r.err, "is the repository running"), "%s", d.r.err);
	teardown();
}

/* accepted by the kernel (backlog), never answered: the loop runs on, then a timeout */
Test(fetch, silent_server_does_not_block_the_loop)
{
	struct nl_fetch_opts o = {.timeout_ms = 600, .max_bytes = 1 << 20};
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	socklen_t l = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), ticks;
	struct nl_fetch *g;
	struct done d;
	char u[64];

	cr_assert(!bind(s, (struct sockaddr *)&a, sizeof(a)) && !listen(s, 4) &&
		  !getsockname(s, (struct sockaddr *)&a, &l));
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/", ntohs(a.sin_port));
	cr_assert_eq(nl_fetch_new(&g, &o), 0);
	ticks = fetch(g, u, NULL, &d);
	cr_assert_eq(d.r.rc, -ETIMEDOUT, "%d %s", d.r.rc, d.r.err);
	cr_assert_geq(ticks, 2, "the caller's loop ran %d times during a 600 ms wait", ticks);
	nl_fetch_free(g);
	close(s);
}

Test(fetch, https_with_the_right_ca_only)
{
	char cmd[1024], cert[128], key[128], u[128];
	int port;
	char *argv[] = {"openssl", "s_server", "-quiet", "-accept", NULL, "-cert",
			cert,	   "-key",     key,	 "-WWW",    NULL};
	char acc[32];
	struct nl_fetch_opts o = opts;
	struct nl_fetch *g;
	struct done d;
	char *want;
	size_t wlen;

	setup();
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
		 "-addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s 2>/dev/null",
		 key, cert);
	sh(cmd);
	port = free_port();
	snprintf(acc, sizeof(acc), "127.0.0.1:%d", port);
	argv[4] = acc;
	start(dir, port, argv);
	snprintf(u, sizeof(u), "https://127.0.0.1:%d/vlan-table.txt", port);
	cr_assert_eq(nl_read_file(table, 1 << 20, &want, &wlen), 0);
	o.ca_file = cert;
	cr_assert_eq(nl_fetch_new(&g, &o), 0);
	fetch(g, u, NULL, &d);
	cr_assert_eq(d.r.rc, 0, "%s", d.r.err);
	cr_assert_eq(d.r.len, wlen);
	cr_assert_arr_eq(d.r.body, want, wlen);
	free(d.r.body);
	nl_fetch_free(g);
	/* the system's CAs do not know this certificate */
	fetch(f, u, NULL, &d);
	cr_assert_eq(d.r.rc, -EACCES, "%d %s", d.r.rc, d.r.err);
	free(want);
	teardown();
}

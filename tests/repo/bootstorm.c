// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Boot storm (issue 15, patent [0012]): N simulated agents start at once and
 * each fetches and validates its edge switch's row with the agent's own
 * repository client (nl_repo_fetch() of libnetlord.a, the code vlan_config.c
 * runs), from `na-repo serve` (http://...) or from etcd (etcd://...).
 * Prints the time to a table per agent: p50, p90, p99, max; and the
 * repository process's CPU per request when given its pid.
 *
 *   bootstorm --repo URL --macs <rows dir> [--clients N] [--table] [--pid P[,P...]]
 *             [--deadline-ms MS]
 *
 * From etcd an error is not the end (the client moves to the next member by
 * itself): the time is that to the first valid table, within the deadline
 * (default 120 s).
 *
 * --table fetches the whole table instead of rows (what older agents did).
 * With etcd://a,b,c/prefix agent i starts on member i mod 3 (the list rotated).
 * Exit 1 when any agent failed to get a valid table.
 */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "repo_client.h"

struct agent {
	struct nl_repo *r;
	__u8 mac[6];
	double t_ms; /* time to a table, < 0 while waiting */
	int rc;
	char err[256];
};

static struct timespec t0;
static int nrows, ntables; /* documents received */
static bool retries;	   /* etcd: an error is followed by another try */

/*
 * etcd://a,b,c/prefix for agent i: the members rotated by i, so the agents
 * start spread over the members as a fleet with shuffled lists would be
 */
static void rotate(const char *repo, int i, char *out, size_t len)
{
	const char *hosts = repo + 7, *slash = strchr(hosts, '/');
	char list[16][128];
	int n = 0;

	if (strncmp(repo, "etcd://", 7) || !slash) {
		snprintf(out, len, "%s", repo);
		return;
	}
	for (const char *p = hosts; p < slash && n < 16;) {
		const char *c = memchr(p, ',', (size_t)(slash - p));
		size_t l = c ? (size_t)(c - p) : (size_t)(slash - p);

		snprintf(list[n++], sizeof(list[0]), "%.*s", (int)l, p);
		p += l + 1;
	}
	snprintf(out, len, "etcd://");
	for (int j = 0; j < n; j++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", j ? "," : "",
			 list[(i + j) % n]);
	snprintf(out + strlen(out), len - strlen(out), "%s", slash);
}
static int left;

static double since_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) * 1e3 + (double)(t.tv_nsec - t0.tv_nsec) / 1e6;
}

static void done(void *ctx, struct nl_repo_result *r)
{
	struct agent *a = ctx;

	if (a->t_ms >= 0)
		return; /* a later push (etcd watch): not part of the boot */
	if (r->rc) {
		snprintf(a->err, sizeof(a->err), "%s", r->err);
		a->rc = r->rc;
		if (retries)
			return; /* etcd: the client tries the next member by itself */
	}
	a->t_ms = since_ms();
	if (!r->rc && !r->not_modified) {
		a->rc = 0;
		if (r->t.row_only)
			nrows++;
		else
			ntables++;
		nl_vt_free(&r->t);
	}
	left--;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double cpu_one(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* the CPU seconds of every process of "pid[,pid...]" */
static double cpu_s(const char *pids)
{
	double sum = 0;

	for (const char *p = pids; p && *p;) {
		sum += cpu_one(atoi(p));
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return sum;
}

int main(int argc, char **argv)
{
	const char *repo = NULL, *macdir = NULL;
	const char *pid = NULL;
	double deadline = 120000;
	int n = 1000, nmacs = 0, failed = 0, ep;
	bool table = false;
	static __u8 macs[4096][6];
	struct rlimit rl = {.rlim_cur = 65536, .rlim_max = 65536};
	struct agent *ag;
	struct dirent *de;
	double *ts, cpu0 = 0, wall;
	DIR *d;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--repo") && i + 1 < argc)
			repo = argv[++i];
		else if (!strcmp(argv[i], "--macs") && i + 1 < argc)
			macdir = argv[++i];
		else if (!strcmp(argv[i], "--clients") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pid") && i + 1 < argc)
			pid = argv[++i];
		else if (!strcmp(argv[i], "--deadline-ms") && i + 1 < argc)
			deadline = atof(argv[++i]);
		else if (!strcmp(argv[i], "--table"))
			table = true;
		else {
			fprintf(stderr,
				"usage: bootstorm --repo URL --macs <rows dir> [--clients N] "
				"[--table] [--pid P]\n");
			return 2;
		}
	}
	if (!repo || !macdir || n < 1 || n > 100000)
		return fprintf(stderr, "bootstorm: --repo and --macs are required\n"), 2;
	d = opendir(macdir);
	while (d && (de = readdir(d)) && nmacs < 4096)
		if (!nl_parse_mac(de->d_name, macs[nmacs]))
			nmacs++;
	if (d)
		closedir(d);
	if (!nmacs)
		return fprintf(stderr, "bootstorm: no <mac> files in %s\n", macdir), 2;
	setrlimit(RLIMIT_NOFILE, &rl);
	retries = nl_repo_is_etcd_url(repo);
	ag = calloc((size_t)n, sizeof(*ag));
	ts = calloc((size_t)n, sizeof(*ts));
	ep = epoll_create1(0);
	if (!ag || !ts || ep < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		struct nl_repo_opts o = {
			.timeout_ms = 30000, .max_bytes = NL_VT_MAX_BYTES, .whole_table = table};
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
		char err[256], url[2048];

		ag[i].t_ms = -1;
		memcpy(ag[i].mac, macs[i % nmacs], 6);
		rotate(repo, i, url, sizeof(url));
		if (nl_repo_new(&ag[i].r, url, &o, done, &ag[i], err, sizeof(err)) ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, nl_repo_fd(ag[i].r), &ev)) {
			fprintf(stderr, "bootstorm: agent %d: %s\n", i, err);
			return 1;
		}
	}
	if (pid)
		cpu0 = cpu_s(pid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	left = n;
	for (int i = 0; i < n; i++) {
		char err[256];
		int rc = nl_repo_fetch(ag[i].r, ag[i].mac, NULL, err, sizeof(err));

		if (rc) {
			ag[i].t_ms = since_ms();
			ag[i].rc = rc;
			snprintf(ag[i].err, sizeof(ag[i].err), "%s", err);
			left--;
		}
	}
	while (left > 0 && since_ms() < deadline) {
		struct epoll_event evs[64];
		int k = epoll_wait(ep, evs, 64, 100);

		for (int j = 0; j < k; j++)
			nl_repo_run(ag[evs[j].data.u32].r);
	}
	wall = since_ms();
	for (int i = 0; i < n; i++) {
		if (ag[i].t_ms < 0 || ag[i].rc) {
			if (ag[i].t_ms < 0 && !ag[i].err[0])
				snprintf(ag[i].err, sizeof(ag[i].err), "no table after %.0f ms",
					 deadline);
			if (failed++ < 3)
				fprintf(stderr, "bootstorm: agent %d: %s\n", i, ag[i].err);
		}
		ts[i] = ag[i].t_ms < 0 ? deadline : ag[i].t_ms;
	}
	qsort(ts, (size_t)n, sizeof(*ts), cmp_d);
	printf("bootstorm %s %s: %d agents (%d switches), %d failed: time to a table p50 %.1f ms, "
	       "p90 %.1f ms, p99 %.1f ms, max %.1f ms (all in %.0f ms)",
	       repo, table ? "whole table" : "rows", n, nmacs, failed, ts[n / 2],
	       ts[(size_t)(n * 0.9)], ts[(size_t)(n * 0.99)], ts[n - 1], wall);
	if (pid) {
		double cpu = cpu_s(pid) - cpu0;

		printf(", repository CPU %.2f s = %.0f us per agent", cpu, cpu * 1e6 / n);
	}
	printf("\ndocuments: %d rows, %d whole tables\n", nrows, ntables);
	for (int i = 0; i < n; i++)
		nl_repo_free(ag[i].r);
	free(ag);
	free(ts);
	return failed ? 1 : 0;
}

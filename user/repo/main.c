// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo: NetLord's configuration repository (docs/repository.md).
 *   na-repo gen fattree <k> [servers] | clique <n> [servers] | hyperx <a> <b> [servers]
 *   na-repo check-topo <topology>
 *   na-repo compile [options] -o <dir> <topology|->
 *   na-repo serve --listen <addr:port> <dir>
 *   na-repo check-table <vlan-table.txt>
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compile.h"
#include "serve.h"
#include "topo.h"
#include "vlan_table.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: na-repo <command> ...\n"
		   "  gen fattree <k> [servers-per-edge]   print a fat tree topology\n"
		   "  gen clique <n> [servers]             print a clique of n edge switches\n"
		   "  gen hyperx <a> <b> [servers]         print a 2-D HyperX a x b\n"
		   "  check-topo <topology|->              validate a topology\n"
		   "  compile [-k N] [--stretch N] [--random [--seed S] [--tries T]] [--serial N]\n"
		   "          [--first-vlan V] [--broadcast-vlan V] -o <dir> <topology|->\n"
		   "  serve --listen <addr:port> [--timeout-ms MS] [--max-conns N] <dir>\n"
		   "  check-table <vlan-table.txt|->       validate a VLAN table document\n");
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (!f) {
		fprintf(stderr, "na-repo: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *nb = realloc(buf, cap * 2);

		if (!nb)
			free(buf);
		buf = nb;
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		fprintf(stderr, "na-repo: %s: out of memory\n", path);
	*len = n;
	return buf;
}

static int load_topo(const char *path, struct topo *t)
{
	char err[512];
	size_t len;
	char *buf = read_all(path, &len);
	int rc;

	if (!buf)
		return -1;
	rc = topo_parse(buf, len, strcmp(path, "-") ? path : "<stdin>", t, err, sizeof(err));
	free(buf);
	if (rc)
		fprintf(stderr, "na-repo: %s\n", err);
	return rc;
}

static long num_arg(const char *s, const char *opt, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "na-repo: %s must be %ld..%ld, got '%s'\n", opt, lo, hi, s);
		exit(2);
	}
	return v;
}

static int cmd_compile(int argc, char **argv)
{
	static const struct option lo[] = {
		{"random", no_argument, 0, 'r'},
		{"seed", required_argument, 0, 's'},
		{"tries", required_argument, 0, 't'},
		{"serial", required_argument, 0, 'S'},
		{"first-vlan", required_argument, 0, 'f'},
		{"broadcast-vlan", required_argument, 0, 'b'},
		{"out", required_argument, 0, 'o'},
		{"stretch", required_argument, 0, 'x'},
		{0, 0, 0, 0},
	};
	struct compile_opts o = {
		.k = 4,
		.stretch = 1,
		.tries = 8,
		.first_vlan = 10,
		.bcast_vlan = 4094,
		.serial = 0,
	};
	struct compile_result r;
	struct topo t;
	char err[512];
	int c, have_serial = 0;

	while ((c = getopt_long(argc, argv, "k:o:", lo, NULL)) != -1) {
		switch (c) {
		case 'k':
			o.k = (int)num_arg(optarg, "-k", 1, NL_MAX_VLANS_PER_PAIR);
			break;
		case 'r':
			o.randomized = 1;
			break;
		case 's':
			o.seed = (unsigned)num_arg(optarg, "--seed", 0, 0x7fffffff);
			break;
		case 't':
			o.tries = (int)num_arg(optarg, "--tries", 1, 10000);
			break;
		case 'S': {
			char *end;

			errno = 0;
			o.serial = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-') {
				fprintf(stderr, "na-repo: --serial must be a decimal u64\n");
				return 2;
			}
			have_serial = 1;
			break;
		}
		case 'f':
			o.first_vlan = (int)num_arg(optarg, "--first-vlan", 2, 4094);
			break;
		case 'b':
			o.bcast_vlan = (int)num_arg(optarg, "--broadcast-vlan", 2, 4094);
			break;
		case 'x':
			o.stretch = (int)num_arg(optarg, "--stretch", 0, 16);
			break;
		case 'o':
			o.outdir = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || !o.outdir) {
		usage(stderr);
		return 2;
	}
	if (!have_serial)
		o.serial = (uint64_t)time(NULL);
	if (load_topo(argv[optind], &t))
		return 1;
	if (repo_compile(&t, &o, &r, err, sizeof(err))) {
		fprintf(stderr, "na-repo: compile: %s\n", err);
		topo_free(&t);
		return 1;
	}
	printf("switches %u edge %u links %u pairs %u paths %llu max-path-links %u\n", t.nsw,
	       t.nedge, t.nlink, r.npairs, (unsigned long long)r.npaths, r.max_path_len);
	printf("vlans %u lower-bound %u (pairs %u, forest %u) broadcast %d serial %llu\n", r.nvlans,
	       r.lower_bound, r.lb_pairs, r.lb_forest, o.bcast_vlan, (unsigned long long)o.serial);
	printf("time %.0f ms (paths and packing %.0f ms) -> %s\n", r.ms_total, r.ms_paths,
	       o.outdir);
	topo_free(&t);
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	static const struct option lo[] = {
		{"listen", required_argument, 0, 'l'},
		{"timeout-ms", required_argument, 0, 't'},
		{"max-conns", required_argument, 0, 'm'},
		{0, 0, 0, 0},
	};
	struct serve_opts o = {.timeout_ms = 5000, .max_conns = 1024};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'l':
			o.listen = optarg;
			break;
		case 't':
			o.timeout_ms = (int)num_arg(optarg, "--timeout-ms", 10, 3600000);
			break;
		case 'm':
			o.max_conns = (int)num_arg(optarg, "--max-conns", 1, 1000000);
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || !o.listen) {
		usage(stderr);
		return 2;
	}
	o.dir = argv[optind];
	return repo_serve(&o) < 0 ? 1 : 0;
}

static int cmd_check_table(const char *path)
{
	struct nl_vlan_table vt;
	char err[256];
	size_t len;
	char *buf = read_all(path, &len);

	if (!buf)
		return 1;
	if (nl_vt_parse(buf, len, &vt, err, sizeof(err))) {
		fprintf(stderr, "na-repo: %s: %s\n", path, err);
		free(buf);
		return 1;
	}
	printf("%s: format %u serial %llu broadcast %u switches %u rows %zu\n", path, vt.format,
	       (unsigned long long)vt.serial, vt.broadcast_vlan, vt.nswitches, vt.nrows);
	nl_vt_free(&vt);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "gen")) {
		char err[256];

		if (topo_gen(argc - 2, argv + 2, stdout, err, sizeof(err))) {
			fprintf(stderr, "na-repo: %s\n", err);
			return 2;
		}
		return fflush(stdout) ? 1 : 0;
	}
	if (!strcmp(argv[1], "check-topo") && argc == 3) {
		struct topo t;

		if (load_topo(argv[2], &t))
			return 1;
		printf("%s: %u switches (%u edge), %u links\n", argv[2], t.nsw, t.nedge, t.nlink);
		topo_free(&t);
		return 0;
	}
	if (!strcmp(argv[1], "compile"))
		return cmd_compile(argc - 1, argv + 1);
	if (!strcmp(argv[1], "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check-table") && argc == 3)
		return cmd_check_table(argv[2]);
	usage(stderr);
	return 2;
}

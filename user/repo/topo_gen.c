// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo gen: topology generators for the fabrics the patent names (fat
 * tree, clique, HyperX: [0008]), in the topology format of topo.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "topo_gen.h"

static long gen_arg(int argc, char **argv, int i, long def, long lo, long hi, const char *what,
		    char *err, size_t errlen)
{
	long v;

	if (i >= argc)
		return def < 0 ? (snprintf(err, errlen, "missing %s", what), -1) : def;
	v = topo_parse_num(argv[i], lo, hi);
	if (v < 0)
		snprintf(err, errlen, "%s must be a number %ld..%ld, got '%s'", what, lo, hi,
			 argv[i]);
	return v;
}

static void gen_servers(FILE *out, const char *name, long s)
{
	for (long p = 1; p <= s; p++)
		fprintf(out, "server %s:%ld\n", name, p);
}

/* fat tree k: k must be even */
static int parse_fattree(int argc, char **argv, struct topo_gen_spec *g, char *err, size_t errlen)
{
	g->a = gen_arg(argc, argv, 0, -1, 2, 254, "k", err, errlen);
	if (g->a < 0)
		return -EINVAL;
	if (g->a % 2)
		return nl_errf(err, errlen, -EINVAL, "fat tree k must be even, got %ld", g->a);
	g->servers =
		gen_arg(argc, argv, 1, g->a / 2, 1, 255, "servers per edge switch", err, errlen);
	return g->servers < 0 ? -EINVAL : 0;
}

static int parse_clique(int argc, char **argv, struct topo_gen_spec *g, char *err, size_t errlen)
{
	g->a = gen_arg(argc, argv, 0, -1, 1, 4096, "n", err, errlen);
	g->servers = g->a < 0
			     ? -1
			     : gen_arg(argc, argv, 1, 2, 1, 255, "servers per switch", err, errlen);
	return g->a < 0 || g->servers < 0 ? -EINVAL : 0;
}

static int parse_hyperx(int argc, char **argv, struct topo_gen_spec *g, char *err, size_t errlen)
{
	g->a = gen_arg(argc, argv, 0, -1, 1, 256, "a", err, errlen);
	g->b = g->a < 0 ? -1 : gen_arg(argc, argv, 1, -1, 1, 256, "b", err, errlen);
	g->servers = g->b < 0
			     ? -1
			     : gen_arg(argc, argv, 2, 2, 1, 255, "servers per switch", err, errlen);
	return g->a < 0 || g->b < 0 || g->servers < 0 ? -EINVAL : 0;
}

/* fat tree (Al-Fares): k pods of k/2 edge + k/2 aggregation, (k/2)^2 cores */
static void write_fattree(long k, long s, FILE *out)
{
	long h = k / 2;

	fprintf(out, "# fat tree k=%ld: %ld pods, %ld core switches, %ld servers per edge switch\n",
		k, k, h * h, s);
	for (long p = 0; p < k; p++)
		for (long i = 0; i < h; i++)
			fprintf(out, "switch e%ld_%ld edge\n", p, i);
	for (long p = 0; p < k; p++)
		for (long i = 0; i < h; i++)
			fprintf(out, "switch a%ld_%ld\n", p, i);
	for (long c = 0; c < h * h; c++)
		fprintf(out, "switch c%ld\n", c);
	/* edge: downlinks 1..s, uplinks s+1..s+h; agg: 1..h down, h+1..k up */
	for (long p = 0; p < k; p++)
		for (long i = 0; i < h; i++)
			for (long j = 0; j < h; j++)
				fprintf(out, "link e%ld_%ld:%ld a%ld_%ld:%ld\n", p, i, s + 1 + j, p,
					j, i + 1);
	for (long p = 0; p < k; p++)
		for (long j = 0; j < h; j++)
			for (long c = 0; c < h; c++)
				fprintf(out, "link a%ld_%ld:%ld c%ld:%ld\n", p, j, h + 1 + c,
					j * h + c, p + 1);
	for (long p = 0; p < k; p++)
		for (long i = 0; i < h; i++) {
			char nm[32];

			snprintf(nm, sizeof(nm), "e%ld_%ld", p, i);
			gen_servers(out, nm, s);
		}
}

static void write_clique(long n, long s, FILE *out)
{
	fprintf(out, "# clique of %ld edge switches, %ld servers each\n", n, s);
	for (long i = 0; i < n; i++)
		fprintf(out, "switch s%ld edge\n", i);
	/* switch i reaches switch j on port s + 1 + j' (j' = j, minus one if j > i) */
	for (long i = 0; i < n; i++)
		for (long j = i + 1; j < n; j++)
			fprintf(out, "link s%ld:%ld s%ld:%ld\n", i, s + j, j, s + 1 + i);
	for (long i = 0; i < n; i++) {
		char nm[32];

		snprintf(nm, sizeof(nm), "s%ld", i);
		gen_servers(out, nm, s);
	}
}

/* 2-D HyperX a x b: every switch linked to all others of its row and column */
static void write_hyperx(long a, long b, long s, FILE *out)
{
	fprintf(out, "# 2-D HyperX %ldx%ld, %ld servers per switch\n", a, b, s);
	for (long x = 0; x < a; x++)
		for (long y = 0; y < b; y++)
			fprintf(out, "switch h%ld_%ld edge\n", x, y);
	/* ports: s+1+y' along the row (dimension y), s+b+x' along the column */
	for (long x = 0; x < a; x++)
		for (long y = 0; y < b; y++) {
			for (long y2 = y + 1; y2 < b; y2++)
				fprintf(out, "link h%ld_%ld:%ld h%ld_%ld:%ld\n", x, y, s + y2, x,
					y2, s + 1 + y);
			for (long x2 = x + 1; x2 < a; x2++)
				fprintf(out, "link h%ld_%ld:%ld h%ld_%ld:%ld\n", x, y,
					s + b + x2 - 1, x2, y, s + b + x);
		}
	for (long x = 0; x < a; x++)
		for (long y = 0; y < b; y++) {
			char nm[32];

			snprintf(nm, sizeof(nm), "h%ld_%ld", x, y);
			gen_servers(out, nm, s);
		}
}

int topo_gen_parse(int argc, char **argv, struct topo_gen_spec *g, char *err, size_t errlen)
{
	memset(g, 0, sizeof(*g));
	if (argc < 1)
		return nl_errf(err, errlen, -EINVAL, "gen: expected fattree|clique|hyperx");
	if (!strcmp(argv[0], "fattree")) {
		g->kind = TOPO_GEN_FATTREE;
		return parse_fattree(argc - 1, argv + 1, g, err, errlen);
	}
	if (!strcmp(argv[0], "clique")) {
		g->kind = TOPO_GEN_CLIQUE;
		return parse_clique(argc - 1, argv + 1, g, err, errlen);
	}
	if (!strcmp(argv[0], "hyperx")) {
		g->kind = TOPO_GEN_HYPERX;
		return parse_hyperx(argc - 1, argv + 1, g, err, errlen);
	}
	return nl_errf(err, errlen, -EINVAL, "gen: unknown topology '%s' (fattree, clique, hyperx)",
		       argv[0]);
}

void topo_gen_write(const struct topo_gen_spec *g, FILE *out)
{
	switch (g->kind) {
	case TOPO_GEN_FATTREE:
		write_fattree(g->a, g->servers, out);
		break;
	case TOPO_GEN_CLIQUE:
		write_clique(g->a, g->servers, out);
		break;
	case TOPO_GEN_HYPERX:
		write_hyperx(g->a, g->b, g->servers, out);
		break;
	}
}

int topo_gen(int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	struct topo_gen_spec g;
	int rc = topo_gen_parse(argc, argv, &g, err, errlen);

	if (!rc)
		topo_gen_write(&g, out);
	return rc;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* na-repo topology parser, generators and compiler (user/repo/). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "topo.h"
#include "topo_gen.h"

static int gen_parse(const char *spec, struct topo *t)
{
	char *argv[8], buf[64], err[256], *save, *p;
	int argc = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	snprintf(buf, sizeof(buf), "%s", spec);
	for (p = strtok_r(buf, " ", &save); p && argc < 8; p = strtok_r(NULL, " ", &save))
		argv[argc++] = p;
	cr_assert_eq(topo_gen(argc, argv, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	cr_assert_eq(topo_parse(text, len, spec, t, err, sizeof(err)), 0, "%s", err);
	free(text);
	return 0;
}

Test(topo, fattree_sizes)
{
	struct topo t;

	gen_parse("fattree 8", &t);
	cr_assert_eq(t.nsw, 80);
	cr_assert_eq(t.nedge, 32);
	cr_assert_eq(t.nlink, 256);
	cr_assert_eq(t.nroutes, 4);
	for (uint32_t i = 0; i < t.nsw; i++)
		cr_assert_eq(t.sw[i].nadj, t.sw[i].edge ? 4u : 8u, "%s", t.sw[i].name);
	topo_free(&t);
}

Test(topo, hyperx_and_clique_sizes)
{
	struct topo t;

	gen_parse("hyperx 4 4", &t);
	cr_assert_eq(t.nsw, 16);
	cr_assert_eq(t.nedge, 16);
	cr_assert_eq(t.nlink, 16 * 6 / 2);
	for (uint32_t i = 0; i < t.nsw; i++)
		cr_assert_eq(t.sw[i].nadj, 6);
	topo_free(&t);
	gen_parse("clique 8 3", &t);
	cr_assert_eq(t.nlink, 28);
	cr_assert_eq(t.nroutes, 3);
	topo_free(&t);
}

Test(topo, macs_derived_or_given_and_edges_sorted)
{
	static const char text[] = "switch z edge mac 0a:00:00:00:00:09\n"
				   "switch y edge\n"
				   "link z:9 y:9\n"
				   "server z:1\n"
				   "server y:2\n";
	struct topo t;
	char err[256];

	cr_assert_eq(topo_parse(text, strlen(text), "t", &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(memcmp(t.sw[0].mac, "\x0a\0\0\0\0\x09", 6), 0);
	cr_assert_eq(memcmp(t.sw[1].mac, "\x02\x4e\x4c\0\0\x02", 6), 0);
	/* edge switches in MAC order: y (02:..) before z (0a:..) */
	cr_assert_eq(t.edge[0], 1);
	cr_assert_eq(t.edge[1], 0);
	cr_assert_eq(t.nroutes, 2);
	cr_assert_eq(t.routes[0], 1);
	cr_assert_eq(t.routes[1], 2);
	topo_free(&t);
}

Test(topo, error_names_line_and_element)
{
	static const char text[] = "switch a edge\nserver a:1\nlink a:2 b:1\n";
	struct topo t;
	char err[256];

	cr_assert_eq(topo_parse(text, strlen(text), "f.topo", &t, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "f.topo:3: link: unknown switch 'b'"), "%s", err);
	cr_assert_null(t.sw);
}

/* compile a fat tree k=4 into a temporary directory: 4 VLANs, each pair 4 */
Test(compile, fattree4_reaches_lower_bound)
{
	struct compile_opts o = {.k = 4, .stretch = 1, .first_vlan = 10, .bcast_vlan = 4094};
	struct compile_result r;
	char dir[] = "/tmp/na-repo-test-XXXXXX", cmd[128], err[256], line[128];
	struct topo t;
	FILE *f;
	int found = 0;

	cr_assert_not_null(mkdtemp(dir));
	gen_parse("fattree 4", &t);
	o.outdir = dir;
	cr_assert_eq(repo_compile(&t, &o, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(r.npairs, 28);
	/* pod-local pairs have only 2 distinct paths (one per aggregation switch) */
	cr_assert_eq(r.npaths, 4 * 2 + 24 * 4);
	cr_assert_eq(r.nvlans, 4);
	cr_assert_eq(r.lower_bound, 4);
	snprintf(cmd, sizeof(cmd), "%s/vlan-table.txt", dir);
	f = fopen(cmd, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		found += !strcmp(line, "pair 02:4e:4c:00:00:01 02:4e:4c:00:00:08 10,11,12,13\n");
	fclose(f);
	cr_assert_eq(found, 1);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	topo_free(&t);
}

Test(compile, refuses_bad_k)
{
	struct compile_opts o = {.k = 9, .first_vlan = 10, .bcast_vlan = 4094, .outdir = "/x"};
	struct compile_result r;
	struct topo t;
	char err[256];

	gen_parse("clique 3", &t);
	cr_assert_eq(repo_compile(&t, &o, &r, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "k must be 1..8"), "%s", err);
	topo_free(&t);
}

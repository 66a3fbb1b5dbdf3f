/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo gen: topology generators (fat tree, clique, 2-D HyperX; patent
 * [0008]) writing the topology format (docs/repository.md).
 */
#ifndef NA_REPO_TOPO_GEN_H
#define NA_REPO_TOPO_GEN_H

#include <stddef.h>
#include <stdio.h>

#include "topo.h"

/* generators: `fattree <k> [servers]`, `clique <n> [servers]`, `hyperx <a> <b> [servers]` */
enum topo_gen_kind { TOPO_GEN_FATTREE, TOPO_GEN_CLIQUE, TOPO_GEN_HYPERX };

struct topo_gen_spec {
	enum topo_gen_kind kind;
	long a, b;    /* fattree: k; clique: n; hyperx: a x b */
	long servers; /* per edge switch */
};

/* the generator's arguments: 0, or -EINVAL with a message in err */
int topo_gen_parse(int argc, char **argv, struct topo_gen_spec *g, char *err, size_t errlen);
void topo_gen_write(const struct topo_gen_spec *g, FILE *out);
/* both: 0, or -EINVAL with a message in err */
int topo_gen(int argc, char **argv, FILE *out, char *err, size_t errlen);

#endif

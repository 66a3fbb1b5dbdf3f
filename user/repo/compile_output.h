/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo compile, output: the files the repository serves and the switches
 * are configured from (docs/repository.md, docs/vlan-table.md) -- the VLAN
 * table listing every pair's VLANs and the broadcast VLAN (patent [0012],
 * [0029]); one configuration per switch: port VLANs and, on edge switches,
 * the fixed route per downlink port (patent [0020]); the canonical topology;
 * a list of the VLANs; and a summary.
 */
#ifndef NA_REPO_COMPILE_OUTPUT_H
#define NA_REPO_COMPILE_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "bcast_tree.h"
#include "compile.h"
#include "packing.h"

/* everything the writers read */
struct repo_output {
	const struct topo *t;
	const struct compile_opts *o;
	const struct compile_result *r;
	const struct packing *pk;
	const uint32_t *vid; /* VLAN ID of every VLAN of pk */
	const struct bcast_tree *bt;
};

/*
 * Write every file under o->outdir (each to a .tmp file, then renamed).
 * Returns 0, or -errno with a message naming the file in err.
 */
int write_outputs(const struct repo_output *out, char *err, size_t errlen);

#endif

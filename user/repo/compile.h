/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo compile: SPAIN-style paths and VLAN packing (docs/repository.md).
 * The options and the result of repo_compile(); the stages are described in
 * compile.c.
 */
#ifndef NA_REPO_COMPILE_H
#define NA_REPO_COMPILE_H

#include <stdint.h>
#include "topo.h"

#define REPO_VLAN_DEFAULT 1 /* PVID of downlinks: same-switch traffic */
#define REPO_VLAN_MIN	  2
#define REPO_VLAN_MAX	  4094

struct compile_opts {
	int k;		/* paths per edge-switch pair, 1..NL_MAX_VLANS_PER_PAIR */
	int stretch;	/* reuse a VLAN's tree path up to this many extra links */
	int randomized; /* 0 = greedy first-fit, 1 = randomized orders */
	unsigned seed;
	int tries;	 /* randomized: keep the best of this many orders */
	uint64_t serial; /* table version */
	int first_vlan;	 /* path VLAN IDs are allocated upwards from here */
	int bcast_vlan;	 /* broadcast VLAN ID */
	const char *outdir;
};

struct compile_result {
	uint32_t npairs; /* unordered pairs of distinct edge switches */
	uint64_t npaths;
	uint32_t nvlans; /* path VLANs (broadcast VLAN not counted) */
	uint32_t lower_bound;
	uint32_t lb_pairs;  /* max paths of one pair */
	uint32_t lb_forest; /* ceil(links used / (switches used - 1)) */
	uint32_t max_path_len;
	double ms_paths; /* paths and packing */
	double ms_total;
};

/*
 * Compile the topology into o->outdir.  Returns 0, or -errno (-EINVAL for a
 * bad option, -ENOSPC for too few VLAN IDs, -ENOMEM, or the error of a file
 * operation) with a message in err.
 */
int repo_compile(const struct topo *t, const struct compile_opts *o, struct compile_result *r,
		 char *err, size_t errlen);

#endif

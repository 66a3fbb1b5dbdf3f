/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The tenants file from the configuration repository (docs/tenants.md,
 * issue 16; patent [0012]: the NA takes its configuration from the
 * repository, [0013]: a tenant's subnets, MAC spaces and virtual routers):
 * what the repository client (repo_client.h) fetched with our edge switch's
 * row -- over HTTP GET /v1/tenants, from etcd the serial's tenants key --
 * is put in force through tenant_net.h when valid.  A malformed file is
 * refused, counted and logged, and the file in force stays; a repository
 * without one (404, no key) withdraws it.  Also the status and counters.
 */
#ifndef NA_TENANTS_SRC_H
#define NA_TENANTS_SRC_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "repo_client.h"
#include "stats.h"
#include "tenant_net.h"

struct na_tenants_src {
	struct na_tenant_net *tn; /* the one owner of the file in force */
	struct na_stats *st;
	bool absent;	 /* the repository said it has no tenants file */
	__u64 serial;	 /* the VLAN table serial the file in force came with */
	char error[512]; /* the last refusal or failure, "" after a success */
};

/*
 * The tenants part of a repository result @r (a row of serial @serial, or 0
 * when unknown); @force: re-apply a file with the ETag in force (a forced
 * refresh).  r->tenants is taken when put in force.
 */
void na_tenants_src_result(struct na_tenants_src *ts, struct nl_repo_result *r, __u64 serial,
			   bool force, const char *where);

/* "tenants file: ..." for `status` (text, or a JSON member ,"tenants_file":{...}) */
void na_tenants_src_show(FILE *f, const struct na_tenants_src *ts, bool json);

/* subnets and routes of the file in force (0 without one) */
void na_tenants_src_size(const struct na_tenants_src *ts, size_t *tenants, size_t *subnets,
			 size_t *routes);

#endif /* NA_TENANTS_SRC_H */

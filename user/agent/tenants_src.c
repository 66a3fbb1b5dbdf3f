// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tenants file from the repository (tenants_src.h, docs/tenants.md;
 * patent [0012], [0013]): results of the repository client put in force,
 * refused or withdrawn, and shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tenants_src.h"
#include "util.h"

void na_tenants_src_size(const struct na_tenants_src *ts, size_t *tenants, size_t *subnets,
			 size_t *routes)
{
	const struct nl_tenants *f = ts && ts->tn ? ts->tn->file : NULL;

	*tenants = *subnets = *routes = 0;
	for (size_t i = 0; f && i < f->n; i++) {
		*subnets += f->t[i].nsub;
		*routes += f->t[i].nroute;
	}
	if (f)
		*tenants = f->n;
}

static void refused(struct na_tenants_src *ts, const struct nl_repo_result *r, const char *where)
{
	if (r->tn_corrupt)
		ts->st->tenants_refused++;
	else
		ts->st->tenants_errors++;
	if (strcmp(ts->error, r->tn_err))
		log_err("tenants file from %s %s: %s; %s", where,
			r->tn_corrupt ? "refused" : "not fetched", r->tn_err,
			ts->tn->file ? "the file in force stays" : "no tenants file in force");
	snprintf(ts->error, sizeof(ts->error), "%s", r->tn_err);
}

void na_tenants_src_result(struct na_tenants_src *ts, struct nl_repo_result *r, __u64 serial,
			   bool force, const char *where)
{
	size_t nt, ns, nr;
	int rc;

	switch (r->tn) {
	case NL_REPO_TN_SAME:
		ts->st->tenants_not_modified++;
		ts->error[0] = 0;
		return;
	case NL_REPO_TN_ABSENT:
		ts->error[0] = 0;
		if (!ts->absent || ts->tn->file)
			log_info("the repository %s has no tenants file%s", where,
				 ts->tn->file ? ": the one in force is withdrawn" : "");
		ts->absent = true;
		if (ts->tn->file) {
			na_tenant_net_set(ts->tn, NULL, NULL);
			ts->serial = 0;
		}
		return;
	case NL_REPO_TN_ERR:
		refused(ts, r, where);
		return;
	case NL_REPO_TN_NEW:
		break;
	default:
		return;
	}
	ts->absent = false;
	ts->error[0] = 0;
	if (!force && ts->tn->file && !strcmp(ts->tn->etag, r->tn_etag)) {
		ts->st->tenants_not_modified++; /* the same bytes again (a new client) */
		return;
	}
	rc = na_tenant_net_set(ts->tn, r->tenants, r->tn_etag);
	if (ts->tn->file == r->tenants)
		r->tenants = NULL; /* tenant_net owns it now; otherwise the client frees it */
	if (rc) {
		ts->st->tenants_errors++;
		snprintf(ts->error, sizeof(ts->error), "the tenants file could not be applied");
		log_err("tenants file %s from %s could not be applied; %s", r->tn_etag, where,
			ts->tn->file ? "the file in force stays" : "none in force");
		return;
	}
	ts->serial = serial;
	ts->st->tenants_loads++;
	na_tenants_src_size(ts, &nt, &ns, &nr);
	log_info("tenants file %s in force from %s: %zu tenants, %zu subnets, %zu routes",
		 r->tn_etag, where, nt, ns, nr);
}

/* @s as a JSON string's contents: quotes and backslashes escaped, controls as spaces */
static void json_chars(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
	}
}

void na_tenants_src_show(FILE *f, const struct na_tenants_src *ts, bool json)
{
	const struct na_tenant_net *tn = ts->tn;
	double age = tn->file ? (double)(nl_mono_ms() - tn->loaded_ms) / 1000.0 : 0;
	size_t nt, ns, nr;

	na_tenants_src_size(ts, &nt, &ns, &nr);
	if (json) {
		fprintf(f,
			",\"tenants_file\":{\"in_force\":%s,\"tenants\":%zu,\"subnets\":%zu,"
			"\"routes\":%zu,\"serial\":%llu,\"age_s\":%.0f,\"absent\":%s,\"etag\":\"",
			tn->file ? "true" : "false", nt, ns, nr, (unsigned long long)ts->serial,
			age, ts->absent ? "true" : "false");
		json_chars(f, tn->etag);
		fprintf(f, "\",\"error\":\"");
		json_chars(f, ts->error);
		fprintf(f, "\"}");
		return;
	}
	if (tn->file)
		fprintf(f,
			"tenants file:    %zu tenants, %zu subnets, %zu routes, ETag %s, with "
			"serial "
			"%llu, %.0f s old%s%s\n",
			nt, ns, nr, tn->etag, (unsigned long long)ts->serial, age,
			ts->error[0] ? ", last error: " : "", ts->error);
	else
		fprintf(f, "tenants file:    none%s%s%s\n",
			ts->absent ? " (the repository has none)" : "",
			ts->error[0] ? ", last error: " : "", ts->error);
}

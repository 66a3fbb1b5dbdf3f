// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The VLAN table in force (vlan_config.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "cnart.h"
#include "http_fetch.h"
#include "log.h"
#include "util.h"
#include "vlan_config.h"
#include "vlan_table.h"

#define VT_HTTP_TIMEOUT_MS 10000 /* the whole transfer; the loop runs meanwhile */

static bool is_file_source(const char *src)
{
	return src[0] == '/' || src[0] == '.' || !strncmp(src, "file:", 5);
}

static int read_file(const char *src, char **buf, size_t *len, char *err, size_t errlen)
{
	const char *path = src + (strncmp(src, "file:", 5) ? 0 : 5);
	int rc = nl_read_file(path, NL_VT_MAX_BYTES, buf, len);

	if (rc == -EFBIG)
		snprintf(err, errlen, "%s: larger than %lu bytes", path, NL_VT_MAX_BYTES);
	else if (rc)
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
	return rc;
}

static int load_rows(struct na_vlan_config *vc, const struct nl_vlan_table *t, char *err,
		     size_t errlen)
{
	const struct nl_vt_row *rows = nl_vt_rows_from(t, vc->loc->switch_mac);
	struct nl_config cfg;
	struct nart_switch sw;
	char mac[NL_MAC_STRLEN];

	if (!rows) {
		nl_fmt_mac(vc->loc->switch_mac, mac);
		snprintf(err, errlen,
			 "our edge switch %s is not in the VLAN table (serial %llu): fix the "
			 "repository's topology",
			 mac, (unsigned long long)t->serial);
		return -ENOENT;
	}
	/* rows go in through the failover state, which keeps dead paths out */
	na_probe_load_begin(vc->probe);
	for (__u32 i = 0; i < t->nswitches; i++) {
		int e = na_probe_row_loaded(vc->probe, rows[i].dst, &rows[i].set);

		if (e) {
			snprintf(err, errlen, "cannot update the switch array: %s", strerror(-e));
			return e;
		}
	}
	na_probe_load_end(vc->probe);
	/*
	 * Switches that left the table keep their index (NART-2 entries may
	 * name it) but lose their VLANs: the datapath then counts tx_vlan_miss.
	 */
	for (int idx = 1; !cnart_switch_read(vc->tables->switches, idx, &sw); idx++)
		if (sw.count && !nl_vt_lookup(t, vc->loc->switch_mac, sw.mac))
			cnart_switch_set_vlans(vc->tables->switches, idx, 0, NULL);
	if (!na_config_get(vc->maps, &cfg)) {
		cfg.broadcast_vlan = t->broadcast_vlan;
		na_config_put(vc->maps, &cfg);
	}
	*vc->broadcast_vlan = t->broadcast_vlan;
	vc->rows = t->nswitches;
	return 0;
}

static int fail(struct na_vlan_config *vc, int rc, const char *err)
{
	vc->st->vt_errors++;
	if (strcmp(vc->error, err))
		log_err("VLAN table from %s rejected: %s; %s", vc->repo, err,
			vc->loaded ? "the previous table stays in force"
				   : "no table loaded yet (traffic to other switches waits)");
	snprintf(vc->error, sizeof(vc->error), "%s", err);
	return rc < 0 ? rc : -EINVAL;
}

/* a whole document (freed here): validated, and loaded once LLDP named our switch */
static int apply(struct na_vlan_config *vc, char *buf, size_t len, bool force, const char *etag)
{
	struct nl_vlan_table t;
	char err[256] = "";
	int rc;

	if (force)
		vc->loaded = false;
	rc = nl_vt_parse(buf, len, &t, err, sizeof(err));
	free(buf);
	if (rc)
		return fail(vc, rc, err);
	if (!vc->loc->ready || (vc->loaded && t.serial == vc->serial)) {
		/* validated; the rows for our switch are loaded once LLDP names it */
		nl_vt_free(&t);
		vc->error[0] = 0;
		return 0;
	}
	rc = load_rows(vc, &t, err, sizeof(err));
	if (!rc) {
		log_info("VLAN table serial %llu loaded from %s: %u egress switches, broadcast "
			 "VLAN %u",
			 (unsigned long long)t.serial, vc->repo, t.nswitches, t.broadcast_vlan);
		vc->serial = t.serial;
		vc->loaded = true;
		vc->error[0] = 0;
		vc->st->vt_loads++;
		snprintf(vc->etag, sizeof(vc->etag), "%s", etag ? etag : "");
	}
	nl_vt_free(&t);
	return rc ? fail(vc, rc, err) : 0;
}

static void fetched(void *ctx, struct nl_fetch_result *r)
{
	struct na_vlan_config *vc = ctx;
	bool force = vc->force_pending;
	int rc = 0;

	vc->force_pending = false;
	if (r->rc) {
		rc = fail(vc, r->rc, r->err);
	} else if (r->status == 304) {
		vc->st->vt_not_modified++; /* the table in force is current */
		vc->error[0] = 0;
	} else {
		rc = apply(vc, r->body, r->len, force, r->etag);
	}
	if (vc->refetch) {
		/* a forced refresh came meanwhile: its fetch tells the outcome */
		vc->refetch = false;
		if (!na_vlan_config_refresh(vc, true) && nl_fetch_busy(vc->fetch))
			return;
	}
	if (vc->fetched)
		vc->fetched(vc->fetched_ctx, rc);
}

bool na_vlan_config_fetching(const struct na_vlan_config *vc)
{
	return vc->fetch && nl_fetch_busy(vc->fetch);
}

int na_vlan_config_open(struct na_vlan_config *vc)
{
	struct nl_fetch_opts o = {.ca_file = vc->ca_file[0] ? vc->ca_file : NULL,
				  .timeout_ms = VT_HTTP_TIMEOUT_MS,
				  .max_bytes = NL_VT_MAX_BYTES};
	char err[256];
	int rc = nl_fetch_new(&vc->fetch, &o);

	if (rc) {
		log_err("cannot set up the repository client: %s", strerror(-rc));
		return rc;
	}
	if (vc->repo[0] && !is_file_source(vc->repo)) {
		rc = nl_fetch_url(vc->repo, vc->url, sizeof(vc->url), err, sizeof(err));
		if (rc)
			log_err("%s", err);
	}
	return rc;
}

void na_vlan_config_close(struct na_vlan_config *vc)
{
	nl_fetch_free(vc->fetch);
	vc->fetch = NULL;
}

int na_vlan_config_fd(const struct na_vlan_config *vc)
{
	return nl_fetch_fd(vc->fetch);
}

void na_vlan_config_run(struct na_vlan_config *vc)
{
	nl_fetch_run(vc->fetch);
}

int na_vlan_config_refresh(struct na_vlan_config *vc, bool force)
{
	char err[256] = "", *buf = NULL;
	size_t len = 0;
	int rc;

	if (!vc->repo[0])
		return 0;
	if (is_file_source(vc->repo)) {
		rc = read_file(vc->repo, &buf, &len, err, sizeof(err));
		if (force)
			vc->loaded = false;
		return rc ? fail(vc, rc, err) : apply(vc, buf, len, force, NULL);
	}
	if (!vc->fetch)
		return 0; /* not open yet: the daemon refreshes once it is */
	if (nl_fetch_busy(vc->fetch)) {
		vc->refetch |= force;
		return 0;
	}
	vc->force_pending = force;
	/* an unchanged table is not sent again, unless asked to reload it */
	rc = nl_fetch_start(vc->fetch, vc->url, vc->loaded && !force ? vc->etag : NULL, fetched, vc,
			    err, sizeof(err));
	return rc ? fail(vc, rc, err) : 0;
}

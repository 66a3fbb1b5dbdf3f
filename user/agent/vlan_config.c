// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The VLAN table in force (vlan_config.h; patent [0036]-[0038]). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cnart.h"
#include "log.h"
#include "monitor.h"
#include "repo_client.h"
#include "tenants_src.h"
#include "util.h"
#include "vlan_config.h"
#include "vlan_table.h"

#define VT_HTTP_TIMEOUT_MS 10000 /* the whole transfer; the loop runs meanwhile */
#define VT_ETCD_TIMEOUT_MS 3000	 /* an etcd read or connect: then the next member */

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
	na_mon_vlan_table(vc->repo, 0, 0, 0, err);
	if (strcmp(vc->error, err))
		log_err("VLAN table from %s rejected: %s; %s", vc->repo, err,
			vc->loaded ? "the previous table stays in force"
				   : "no table loaded yet (traffic to other switches waits)");
	snprintf(vc->error, sizeof(vc->error), "%s", err);
	return rc < 0 ? rc : -EINVAL;
}

/* a validated table or row (freed here): loaded once LLDP named our switch */
static int apply(struct na_vlan_config *vc, struct nl_vlan_table *t, bool force, const char *etag)
{
	char err[256] = "";
	int rc;

	if (force)
		vc->loaded = false;
	if (!vc->loc->ready || (vc->loaded && t->serial == vc->serial)) {
		/* validated; the rows for our switch are loaded once LLDP names it */
		nl_vt_free(t);
		vc->error[0] = 0;
		return 0;
	}
	rc = load_rows(vc, t, err, sizeof(err));
	if (!rc) {
		log_info("VLAN %s serial %llu loaded from %s: %u egress switches, broadcast "
			 "VLAN %u",
			 t->row_only ? "row" : "table", (unsigned long long)t->serial,
			 vc->repo_c ? nl_repo_where(vc->repo_c) : vc->repo, t->nswitches,
			 t->broadcast_vlan);
		na_mon_vlan_table(vc->repo, t->serial, t->nswitches, t->broadcast_vlan, NULL);
		vc->serial = t->serial;
		vc->loaded = true;
		vc->error[0] = 0;
		vc->st->vt_loads++;
		snprintf(vc->etag, sizeof(vc->etag), "%s", etag ? etag : "");
	}
	nl_vt_free(t);
	return rc ? fail(vc, rc, err) : 0;
}

/* a document from a file (freed here) */
static int apply_buf(struct na_vlan_config *vc, char *buf, size_t len, bool force)
{
	struct nl_vlan_table t;
	char err[256] = "";
	int rc = nl_vt_parse_any(buf, len, &t, err, sizeof(err));

	free(buf);
	if (!rc && t.row_only && (!vc->loc->ready || !nl_vt_rows_from(&t, vc->loc->switch_mac))) {
		nl_vt_free(&t);
		rc = nl_errf(
			err, sizeof(err), -EINVAL,
			"a row document, not that of our edge switch (or LLDP has not named it)");
	}
	return rc ? fail(vc, rc, err) : apply(vc, &t, force, NULL);
}

/* a fetch's outcome, or a new serial the repository pushed (etcd) */
static void fetched(void *ctx, struct nl_repo_result *r)
{
	struct na_vlan_config *vc = ctx;
	bool force = vc->force_pending && !r->pushed;
	__u64 serial = r->rc || r->not_modified ? vc->serial : r->t.serial;
	int rc = 0;

	if (!r->pushed)
		vc->force_pending = false;
	if (r->rc) {
		if (r->corrupt)
			vc->st->vt_corrupt++;
		rc = fail(vc, r->rc, r->err);
	} else if (r->not_modified) {
		vc->st->vt_not_modified++; /* the table in force is current */
		vc->error[0] = 0;
	} else {
		if (r->by_watch)
			log_info("the repository's watch announced serial %llu",
				 (unsigned long long)r->t.serial);
		rc = apply(vc, &r->t, force, r->etag);
	}
	/* the tenants file fetched with the row (tenants_src.h) */
	if (vc->tsrc)
		na_tenants_src_result(vc->tsrc, r, serial, force, nl_repo_where(vc->repo_c));
	if (vc->refetch && !nl_repo_busy(vc->repo_c)) {
		/* a forced refresh came meanwhile: its fetch tells the outcome */
		vc->refetch = false;
		if (!na_vlan_config_refresh(vc, true) && nl_repo_busy(vc->repo_c))
			return;
	}
	if (vc->fetched)
		vc->fetched(vc->fetched_ctx, rc);
}

bool na_vlan_config_fetching(const struct na_vlan_config *vc)
{
	return vc->repo_c && nl_repo_busy(vc->repo_c);
}

/*
 * The client for vc->repo, made anew when the source changed (SIGHUP with
 * another `repo`): its descriptor sits in vc->ep, which the event loop
 * watches whatever the source.  The table in force stays meanwhile.
 */
static int client_for_source(struct na_vlan_config *vc)
{
	struct nl_repo_opts o = {.ca_file = vc->ca_file[0] ? vc->ca_file : NULL,
				 .cert_file = vc->cert_file[0] ? vc->cert_file : NULL,
				 .key_file = vc->key_file[0] ? vc->key_file : NULL,
				 .timeout_ms = VT_HTTP_TIMEOUT_MS,
				 .max_bytes = NL_VT_MAX_BYTES};
	struct epoll_event ev = {.events = EPOLLIN};
	char err[256];
	int rc;

	if (!strcmp(vc->client_src, vc->repo) && !strcmp(vc->client_ca, vc->ca_file) &&
	    !strcmp(vc->client_cert, vc->cert_file) && !strcmp(vc->client_key, vc->key_file))
		return 0;
	if (vc->repo_c) {
		epoll_ctl(vc->ep, EPOLL_CTL_DEL, nl_repo_fd(vc->repo_c), NULL);
		nl_repo_free(vc->repo_c);
		vc->repo_c = NULL;
	}
	vc->url[0] = vc->etag[0] = 0;
	snprintf(vc->client_src, sizeof(vc->client_src), "%s", vc->repo);
	snprintf(vc->client_ca, sizeof(vc->client_ca), "%s", vc->ca_file);
	snprintf(vc->client_cert, sizeof(vc->client_cert), "%s", vc->cert_file);
	snprintf(vc->client_key, sizeof(vc->client_key), "%s", vc->key_file);
	if (!vc->repo[0] || is_file_source(vc->repo))
		return 0;
	if (nl_repo_is_etcd_url(vc->repo))
		o.timeout_ms = VT_ETCD_TIMEOUT_MS;
	rc = nl_repo_new(&vc->repo_c, vc->repo, &o, fetched, vc, err, sizeof(err));
	if (!rc) {
		ev.data.fd = nl_repo_fd(vc->repo_c);
		if (epoll_ctl(vc->ep, EPOLL_CTL_ADD, ev.data.fd, &ev)) {
			rc = -errno;
			snprintf(err, sizeof(err), "epoll: %s", strerror(errno));
			nl_repo_free(vc->repo_c);
			vc->repo_c = NULL;
		}
	}
	if (rc) {
		fail(vc, rc, err);
		return rc;
	}
	snprintf(vc->url, sizeof(vc->url), "%s", nl_repo_where(vc->repo_c));
	return 0;
}

int na_vlan_config_open(struct na_vlan_config *vc)
{
	vc->ep = epoll_create1(EPOLL_CLOEXEC);
	if (vc->ep < 0)
		return -errno;
	vc->ep_open = true;
	vc->client_src[0] = vc->client_ca[0] = vc->client_cert[0] = vc->client_key[0] = 0;
	return client_for_source(vc);
}

void na_vlan_config_close(struct na_vlan_config *vc)
{
	nl_repo_free(vc->repo_c);
	vc->repo_c = NULL;
	if (vc->ep_open)
		close(vc->ep);
	vc->ep_open = false;
}

int na_vlan_config_fd(const struct na_vlan_config *vc)
{
	return vc->ep;
}

void na_vlan_config_run(struct na_vlan_config *vc)
{
	/* what is left stays readable: the loop comes back (level-triggered) */
	if (vc->repo_c)
		nl_repo_run(vc->repo_c);
}

int na_vlan_config_refresh(struct na_vlan_config *vc, bool force)
{
	char err[256] = "", *buf = NULL;
	size_t len = 0;
	int rc;

	/* the source may have changed (SIGHUP): its client, or none for a file */
	rc = vc->ep_open ? client_for_source(vc) : 0;
	if (rc || !vc->repo[0])
		return rc;
	if (is_file_source(vc->repo)) {
		rc = read_file(vc->repo, &buf, &len, err, sizeof(err));
		if (force)
			vc->loaded = false;
		return rc ? fail(vc, rc, err) : apply_buf(vc, buf, len, force);
	}
	if (!vc->repo_c)
		return 0; /* not open yet: the daemon refreshes once it is */
	if (nl_repo_busy(vc->repo_c)) {
		vc->refetch |= force;
		return 0;
	}
	vc->force_pending = force;
	/* an unchanged table is not sent again, unless asked to reload it */
	rc = nl_repo_fetch(vc->repo_c, vc->loc->ready ? vc->loc->switch_mac : NULL,
			   vc->loaded && !force ? vc->etag : NULL, err, sizeof(err));
	if (rc == -EAGAIN)
		return 0; /* our switch's row, once LLDP names the switch */
	return rc ? fail(vc, rc, err) : 0;
}

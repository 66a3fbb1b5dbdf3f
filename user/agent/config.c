// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The VLAN table: fetched from the configuration repository
 * (GET /v1/vlan-table) or read from a local file, validated with
 * user/repo/vlan_table.c, and the rows whose source is our edge switch
 * loaded into the VLAN sets of the datapath's switch array nl_switches.
 * Any error (unreachable, malformed, our switch missing) is logged and the
 * table in force stays.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "agent.h"
#include "vlan_table.h"

#define VT_FILE_MAX	   (64L << 20)
#define VT_HTTP_TIMEOUT_MS 3000

static bool is_file_source(const char *src)
{
	return src[0] == '/' || src[0] == '.' || !strncmp(src, "file:", 5);
}

static int read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	long n;

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n < 0 || n > VT_FILE_MAX) {
		fclose(f);
		snprintf(err, errlen, "%s: unreadable or larger than %ld bytes", path, VT_FILE_MAX);
		return -1;
	}
	*buf = malloc((size_t)n + 1);
	if (!*buf || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
		free(*buf);
		fclose(f);
		snprintf(err, errlen, "cannot read %s", path);
		return -1;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

static int load_rows(struct na_agent *a, const struct nl_vlan_table *t, char *err, size_t errlen)
{
	const struct nl_vt_row *rows = nl_vt_rows_from(t, a->switch_mac);
	struct nl_config cfg;
	struct nart_switch sw;
	char mac[18];

	if (!rows) {
		na_fmt_mac(a->switch_mac, mac);
		snprintf(err, errlen,
			 "our edge switch %s is not in the VLAN table (serial %llu): fix the "
			 "repository's topology",
			 mac, (unsigned long long)t->serial);
		return -1;
	}
	/* rows go in through the failover state, which keeps dead paths out */
	na_probe_load_begin(a);
	for (__u32 i = 0; i < t->nswitches; i++) {
		int e = na_probe_row_loaded(a, rows[i].dst, &rows[i].set);

		if (e) {
			snprintf(err, errlen, "cannot update the switch array: %s", strerror(-e));
			return -1;
		}
	}
	na_probe_load_end(a);
	/*
	 * Switches that left the table keep their index (NART-2 entries may
	 * name it) but lose their VLANs: the datapath then counts tx_vlan_miss.
	 */
	for (int idx = 1; !cnart_switch_read(a->switches, idx, &sw); idx++)
		if (sw.count && !nl_vt_lookup(t, a->switch_mac, sw.mac))
			cnart_switch_set_vlans(a->switches, idx, 0, NULL);
	if (!na_config_get(&a->maps, &cfg)) {
		cfg.broadcast_vlan = t->broadcast_vlan;
		na_config_put(&a->maps, &cfg);
	}
	a->broadcast_vlan = t->broadcast_vlan;
	a->vt_rows = t->nswitches;
	return 0;
}

int na_vlan_table_refresh(struct na_agent *a)
{
	struct nl_vlan_table t;
	char err[256] = "", *buf = NULL;
	size_t len = 0;
	int rc;

	if (!a->repo[0])
		return 0;
	if (is_file_source(a->repo))
		rc = read_file(a->repo + (strncmp(a->repo, "file:", 5) ? 0 : 5), &buf, &len, err,
			       sizeof(err));
	else
		rc = na_http_get(a->repo, VT_HTTP_TIMEOUT_MS, &buf, &len, err, sizeof(err));
	if (rc)
		goto fail;
	rc = nl_vt_parse(buf, len, &t, err, sizeof(err));
	free(buf);
	if (rc)
		goto fail;
	if (!a->ready) {
		/* validated; the rows for our switch are loaded once LLDP names it */
		nl_vt_free(&t);
		a->vt_error[0] = 0;
		return 0;
	}
	if (a->vt_loaded && t.serial == a->vt_serial) {
		nl_vt_free(&t);
		return 0;
	}
	rc = load_rows(a, &t, err, sizeof(err));
	if (!rc) {
		log_info("VLAN table serial %llu loaded from %s: %u egress switches, broadcast "
			 "VLAN %u",
			 (unsigned long long)t.serial, a->repo, t.nswitches, t.broadcast_vlan);
		a->vt_serial = t.serial;
		a->vt_loaded = true;
		a->vt_error[0] = 0;
		a->st.vt_loads++;
	}
	nl_vt_free(&t);
	if (!rc)
		return 0;
fail:
	a->st.vt_errors++;
	if (strcmp(a->vt_error, err))
		log_err("VLAN table from %s rejected: %s; %s", a->repo, err,
			a->vt_loaded ? "the previous table stays in force"
				     : "no table loaded yet (traffic to other switches waits)");
	snprintf(a->vt_error, sizeof(a->vt_error), "%s", err);
	return -1;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Detaching the datapath from an uplink (detach.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "detach.h"
#include "location.h"
#include "log.h"
#include "maps.h"
#include "paths.h"
#include "tc.h"

static void detach_vif(__u32 ifindex)
{
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name) && na_tc_detach((int)ifindex) == 0)
		log_info("tc program removed from VIF %s", name);
}

/*
 * Entries before programs, so no VM is ever left unfiltered while the
 * datapath still serves it: the configuration loses NL_CFG_F_READY (every
 * VIF program drops from then on, tx_not_ready, and the uplink drops
 * NetLord data, rx_not_ready), the VIF tables are emptied (a VIF program
 * that finds no entry drops too, tx_unknown_vif; nothing is delivered to a
 * VIF any more), and only then are the VIF programs removed.
 */
static void stop_datapath(const struct na_maps *m, const struct nl_config *cfg)
{
	struct nl_config stop = *cfg;
	struct nl_vif_key vk;
	__u32 key, *vifs = NULL;
	size_t n = 0, cap = 0;

	stop.flags &= ~NL_CFG_F_READY;
	if (na_config_put(m, &stop))
		log_err("cannot mark the datapath not ready; removing its entries anyway");
	while (!bpf_map_get_next_key(m->vifs, NULL, &key)) {
		if (bpf_map_delete_elem(m->vifs, &key))
			break;
		if (n == cap) {
			__u32 *p = realloc(vifs, (cap ? cap * 2 : 64) * sizeof(*vifs));

			if (!p) { /* no list: this one's program goes now, after its entry */
				detach_vif(key);
				continue;
			}
			vifs = p;
			cap = cap ? cap * 2 : 64;
		}
		vifs[n++] = key;
	}
	while (!bpf_map_get_next_key(m->local_vifs, NULL, &vk))
		if (bpf_map_delete_elem(m->local_vifs, &vk))
			break;
	for (size_t i = 0; i < n; i++)
		detach_vif(vifs[i]);
	free(vifs);
}

int na_detach(const char *ifname)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct na_maps m;
	struct nl_config cfg = {};
	DIR *d;
	struct dirent *de;
	int ifindex = (int)if_nametoindex(ifname), rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s", NA_PIN_ROOT, ifname);
	if (access(dir, F_OK)) {
		log_err("nothing to detach: %s does not exist", dir);
		return -ENOENT;
	}
	if (!na_maps_open_pinned(ifname, &m)) {
		na_config_get(&m, &cfg);
		stop_datapath(&m, &cfg);
		na_maps_close(&m);
	}
	if (ifindex > 0) {
		na_tc_detach(ifindex);
		if (cfg.flags & NL_CFG_F_READY) {
			struct na_uplink up = {.ifindex = ifindex};
			struct na_location loc = {
				.ready = true, .port = cfg.port, .tenant_bits = cfg.tenant_bits};

			snprintf(up.ifname, sizeof(up.ifname), "%s", ifname);
			loc.server_addr = nl_server_addr(cfg.tenant_bits, cfg.port);
			na_server_addr_apply(&up, &loc, false);
		}
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path)) {
			rc = -errno;
			log_err("cannot remove %s: %s", path, strerror(-rc));
		}
	}
	if (d)
		closedir(d);
	if (rmdir(dir) && errno != ENOENT) {
		rc = -errno;
		log_err("cannot remove %s: %s", dir, strerror(-rc));
	}
	snprintf(path, sizeof(path), "%s/%s/lock", NA_RUN_ROOT, ifname);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", NA_RUN_ROOT, ifname);
	rmdir(path);
	if (!rc)
		log_info("detached from %s: programs, links, pins and server address removed",
			 ifname);
	return rc;
}

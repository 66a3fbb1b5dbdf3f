// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Detaching the datapath from an uplink (detach.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "detach.h"
#include "location.h"
#include "log.h"
#include "maps.h"
#include "monitor.h"
#include "paths.h"
#include "tc.h"

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
		__u32 key, *prev = NULL;

		na_config_get(&m, &cfg);
		while (!bpf_map_get_next_key(m.vifs, prev, &key)) {
			char name[IF_NAMESIZE];

			if (if_indextoname(key, name) && na_tc_detach((int)key) == 0)
				log_info("tc program removed from VIF %s", name);
			prev = &key;
		}
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
	/* left behind by an agent that was killed (monitor.c) */
	snprintf(path, sizeof(path), "%s/%s/%s", NA_RUN_ROOT, ifname, NA_MON_SOCK);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", NA_RUN_ROOT, ifname);
	rmdir(path);
	if (!rc)
		log_info("detached from %s: programs, links, pins and server address removed",
			 ifname);
	return rc;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The datapath object on an uplink: load the skeleton (bpf/netlord.bpf.c),
 * pin every map, program and the XDP link under
 * /sys/fs/bpf/netlord/<iface>/, attach XDP and tc on the uplink.  A
 * restarted agent finds the pins and reuses them: the maps keep their
 * contents, the programs are replaced atomically (XDP link update, tc
 * filter replace), so forwarding never stops.
 */
#ifndef NA_DATAPATH_H
#define NA_DATAPATH_H

#include <limits.h>
#include <stdbool.h>

#include "maps.h"
#include "uplink.h"

struct netlord_bpf;

struct na_datapath {
	char pin_dir[PATH_MAX];
	struct netlord_bpf *skel;
	struct na_maps maps;
	int vif_prog_fd; /* nl_vif_ingress, for tc on every VIF */
	bool generic_xdp;
	int rx_path; /* enum nl_rx_path in force after na_datapath_attach() */
	/* VIFs per NART asked for (nart_size.h, 0: the pinned size or the default), */
	/* and the bucket count in force after na_datapath_load() */
	__u32 nart_entries, nart_buckets;
};

/* root, BTF, a valid and existing interface; 0, -EINVAL (bad name) or -errno */
int na_datapath_check_env(const char *ifname, int *ifindex);

/*
 * Load and pin the datapath of @up.  *encap_mode (-1: not given) and
 * *tenant_bits (0: not given) come back as the values in force: the pinned
 * state's unless given, else ip and 16.  0, -EINVAL if the given values
 * contradict the pinned state, or -errno.
 */
int na_datapath_load(struct na_datapath *dp, const struct na_uplink *up, int *encap_mode,
		     int *tenant_bits);
/*
 * The receive path @rx_path (enum nl_rx_path, encap_mode.h) on the uplink:
 * xdp (native, else generic with a warning) + the tc hand-off, tc alone
 * (nl_uplink_rx_tc, a pinned XDP link removed), or auto (nl_rx_resolve(),
 * tc when native XDP is missing).  0 or -errno.
 */
int na_datapath_attach(struct na_datapath *dp, const struct na_uplink *up, int rx_path,
		       int encap_mode);
/* the agent's handles only: the pinned datapath keeps forwarding */
void na_datapath_close(struct na_datapath *dp);

#endif /* NA_DATAPATH_H */

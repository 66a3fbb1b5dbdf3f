/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * File descriptors of the datapath's maps, from the loaded skeleton (the
 * agent) or from the pins (the CLI), and the one-entry configuration map
 * (struct nl_config, include/netlord.h) that both sides share.
 */
#ifndef NA_MAPS_H
#define NA_MAPS_H

#include <stddef.h>

#include "netlord.h"

#define NA_MAPS(X)                                                                        \
	X(config)                                                                         \
	X(vifs)                                                                           \
	X(vif_cache)                                                                      \
	X(local_vifs)                                                                     \
	X(local_ips)                                                                      \
	X(nart1)                                                                          \
	X(nart2) X(subnets) X(switches) X(vif_stats) X(counters) X(events) X(event_dedup) \
		X(vif_ip6s) X(local_ip6s) X(nart1v6) X(subnets6) X(flood_groups)

struct na_maps {
#define NA_MAP_FD(n) int n;
	NA_MAPS(NA_MAP_FD)
#undef NA_MAP_FD
};

/* the only uplink with pins (the default of -i) into @out; 0 or -ENOENT */
int na_pinned_only_iface(char *out, size_t len);
/* open every pinned map of uplink @ifname; 0 or -errno */
int na_maps_open_pinned(const char *ifname, struct na_maps *m);
void na_maps_close(struct na_maps *m);
int na_config_get(const struct na_maps *m, struct nl_config *cfg);
int na_config_put(const struct na_maps *m, const struct nl_config *cfg);

#endif /* NA_MAPS_H */

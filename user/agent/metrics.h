/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `na-loader attach --metrics <addr:port>`: a Prometheus /metrics endpoint
 * for the Network Agent (patent Fig. 3): datapath drops by reason, per-VIF
 * traffic by tenant, NL-ARP messages, NART occupancy, path health per
 * remote edge switch and VLAN ([0037] failover), the VLAN table ([0036]).
 * Names and units: docs/operations.md.
 *
 * libmicrohttpd serves it from its own thread, so a slow or hostile client
 * never stalls the agent's epoll loop.  That thread never touches the
 * loop's structures: once a second the loop copies what only it knows into
 * a snapshot (na_metrics_publish, with a trylock: the loop never waits),
 * and a scrape renders that snapshot plus the datapath's BPF maps, which
 * the kernel lets any thread read.
 */
#ifndef NA_METRICS_H
#define NA_METRICS_H

#include <pthread.h>
#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

#include "location.h"
#include "maps.h"
#include "nart_store.h"
#include "probe.h"
#include "stats.h"
#include "vif_store.h"
#include "vlan_config.h"

/* one VLAN towards one remote edge switch, as the probes see it */
struct na_metrics_path {
	__u8 sw[6];
	__u16 vlan;
	bool alive, peer_known;
};

/* what the loop knows, copied for the HTTP thread */
struct na_metrics_snap {
	struct na_stats st;
	bool located, vt_loaded, ready;
	__u8 switch_mac[6];
	__u16 port;
	__u64 vt_serial, vt_loads_seen;
	unsigned int vt_rows;
	double vt_load_time; /* unix seconds of the last successful load, 0: none */
	/* the tenants file in force (tenants_src.h): loaded_ms monotonic, 0 = none */
	size_t tn_tenants, tn_subnets, tn_routes;
	__u64 tn_loaded_ms;
	__u64 nart_entries[2], nart_slots[2];
	__u64 nart_refused[2]; /* inserts refused: table full */
	unsigned int npaths;
	struct na_metrics_path *paths; /* malloc'ed */
	/* persisted VIF records (vif_store.h): pending by state, and the store's counters */
	unsigned int vrec_pending[NA_VREC_FAILED + 1];
	struct na_vif_store_stats vstore;
};

/* what the loop gives the snapshot from (read in the loop thread only) */
struct na_metrics_src {
	const struct na_stats *st;
	const struct na_location *loc;
	const struct na_vlan_config *vc;
	const struct na_probe *probe;
	const struct nart_store *tables;
	const struct na_maps *maps; /* fds: read by the HTTP thread too */
	const struct na_vif_store *store; /* NULL: no persisted VIFs to report */
	char ifname[IF_NAMESIZE];
	int encap_mode, tenant_bits;
};

struct na_metrics {
	struct na_metrics_src src;
	struct MHD_Daemon *mhd;
	char addr[128];
	pthread_mutex_t lock; /* guards snap and scrapes */
	struct na_metrics_snap snap;
	__u64 vt_loads_seen; /* the loop's own view of vt_loads */
	double vt_load_time;
	__u64 scrapes;
};

void na_metrics_init(struct na_metrics *m);

/*
 * Serve /metrics on @addr ("host:port", "[v6]:port"; "" = off).  A running
 * endpoint on another address is stopped first.  0 or -errno (bad
 * address, cannot bind).
 */
int na_metrics_start(struct na_metrics *m, const char *addr);
void na_metrics_stop(struct na_metrics *m);

/* from the loop, once a second: refresh the snapshot (never blocks) */
void na_metrics_publish(struct na_metrics *m, bool ready);

/* the exposition of @s and the maps into @f (the HTTP thread; tests) */
void na_metrics_render(FILE *f, const struct na_metrics_src *src, const struct na_metrics_snap *s,
		       __u64 scrapes);

#endif /* NA_METRICS_H */

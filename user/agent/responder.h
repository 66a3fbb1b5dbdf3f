/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The hypervisor's answers to its VMs' DHCP and router solicitations
 * (issue 11, docs/dhcp.md): the datapath hands them over in the punt ring
 * (bpf/lib/punt.h), this answers from the VIF's definition (map "vifs")
 * and its subnet's settings (subnets.h), rate-limited per VIF, and writes
 * the answer into the VIF (vif_tx.h), so it reaches only
 * that VM and never the fabric (the NA keeps its VMs' configuration local
 * as proxy ARP does, patent [0035]).
 */
#ifndef NA_RESPONDER_H
#define NA_RESPONDER_H

#include <limits.h>

#include "maps.h"
#include "stats.h"
#include "subnets.h"
#include "tenant_net.h"

struct ring_buffer;
struct nl_ratelimit;
struct na_vif_tx;
struct na_ra;

/* answers per VIF: NA_RESP_PER_S a second, NA_RESP_BURST at once */
#define NA_RESP_PER_S 10
#define NA_RESP_BURST 20

struct na_responder {
	struct ring_buffer *rb;
	struct na_vif_tx *tx; /* answers out of the VIF, i.e. to its VM */
	const struct na_maps *maps;
	struct na_stats *st;
	struct na_ra *ra; /* router solicitations go there */
	struct nl_ratelimit *rl;
	struct na_subnets *subnets;
	const struct na_tenant_net *tnet; /* the tenants file's subnets (tenant_net.h) */
	char config[PATH_MAX]; /* where the [subnet ...] sections come from, "" = none */
	int budget;	       /* punted frames left in this wake-up */
};

/* 0 or -errno; @config: the agent's configuration file ("" or missing: defaults) */
int na_responder_open(struct na_responder *r, int punt_ring_fd, const char *config);
int na_responder_fd(const struct na_responder *r);
/* answer the queued frames, at most NA_DRAIN_BUDGET (drain.h) */
void na_responder_consume(struct na_responder *r);
/* SIGHUP: the [subnet ...] sections again (kept as they were if the file is bad) */
void na_responder_reload(struct na_responder *r);
void na_responder_close(struct na_responder *r);

/* one punted frame (struct nl_punt) handled as if read from the ring (tests) */
void na_responder_handle(struct na_responder *r, const void *data, size_t len);

#endif /* NA_RESPONDER_H */

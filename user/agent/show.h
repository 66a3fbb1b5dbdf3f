/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * status / nart / stats / vif list reports, as text or JSON.  They read the
 * pinned maps, so they work with the agent stopped too; the agent adds what
 * only it knows (VLAN table source, its counters, NART-2 versions) when
 * asked over the control socket.
 */
#ifndef NA_SHOW_H
#define NA_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include "maps.h"
#include "nlarp_keys.h"
#include "nart_store.h"
#include "stats.h"
#include "vlan_config.h"

struct na_vif_store;
struct na_tenants_src;

/* what only the running agent knows; NULL when the CLI reads the pins */
struct na_agent_view {
	const struct nart_store *tables;
	bool generic_xdp;
	const struct na_vlan_config *vc;
	const struct na_stats *st;
	const struct nlarp_keyring *keys; /* NULL: --insecure-no-auth */
	const struct na_vif_store *store; /* persisted VIFs (vif_store.h), may be NULL */
	const struct na_tenants_src *tsrc; /* the tenants file (tenants_src.h), may be NULL */
};

void na_show_status(FILE *f, const struct na_maps *m, const struct na_agent_view *a, bool json);
void na_show_nart(FILE *f, const struct na_maps *m, const struct na_agent_view *a, bool json);
void na_show_stats(FILE *f, const struct na_maps *m, const struct na_agent_view *a, bool json);
void na_show_vifs(FILE *f, const struct na_maps *m, bool json);

#endif /* NA_SHOW_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the daemon offers an operator of a fleet (docs/operations.md): the
 * Prometheus endpoint (metrics.h), systemd readiness and watchdog
 * (sdnotify.h) and the configuration file reloaded on SIGHUP (config.h).
 * The daemon calls these hooks; they see the Network Agent's state (patent
 * Fig. 3) only through the pointers given at init.
 */
#ifndef NA_OPS_H
#define NA_OPS_H

#include "config.h"
#include "metrics.h"
#include "sdnotify.h"

struct na_ops {
	struct na_ops_opts opts;
	struct na_settings eff; /* in force now */
	struct na_metrics metrics;
	struct na_sd sd;
	struct na_vlan_config *vc; /* SIGHUP may change its repository */
};

/* @src: the agent's state (metrics.h); @vc: the VLAN table configuration */
void na_ops_init(struct na_ops *o, const struct na_ops_opts *opts, const struct na_metrics_src *src,
		 struct na_vlan_config *vc);
/* once the loop is set up (signals blocked: the HTTP thread inherits that); 0 or -errno */
int na_ops_start(struct na_ops *o);
/* after the loop handled events: readiness and STATUS= */
void na_ops_update(struct na_ops *o);
/* from the 1 s timer: metrics snapshot, watchdog */
void na_ops_tick(struct na_ops *o);
/* seconds between VLAN table fetches */
unsigned int na_ops_refresh_interval(const struct na_ops *o);
/* SIGHUP: read the configuration file again and apply what can change live */
void na_ops_reload(struct na_ops *o);
void na_ops_stop(struct na_ops *o);

#endif /* NA_OPS_H */

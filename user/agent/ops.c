// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The daemon's operations hooks (ops.h): readiness and status for systemd,
 * the metrics snapshot, the configuration reload on SIGHUP.  The Network
 * Agent of patent Fig. 3 as a managed service of a hypervisor fleet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encap_mode.h"
#include "log.h"
#include "ops.h"
#include "util.h"

void na_ops_init(struct na_ops *o, const struct na_ops_opts *opts, const struct na_metrics_src *src,
		 struct na_vlan_config *vc)
{
	memset(o, 0, sizeof(*o));
	na_metrics_init(&o->metrics);
	o->metrics.src = *src;
	o->opts = *opts;
	o->eff = opts->eff;
	if (!o->eff.refresh)
		o->eff.refresh = NA_REFRESH_DEFAULT;
	o->vc = vc;
}

int na_ops_start(struct na_ops *o)
{
	na_sd_init(&o->sd);
	na_metrics_publish(&o->metrics, false);
	return na_metrics_start(&o->metrics, o->eff.metrics);
}

/* ready: datapath attached (we are in the loop), location known, a table in force */
static bool agent_ready(const struct na_ops *o, char *status, size_t len)
{
	const struct na_metrics_src *s = &o->metrics.src;
	char mac[NL_MAC_STRLEN];

	if (!s->loc->ready) {
		snprintf(status, len, "waiting for LLDP on %s", s->ifname);
		return false;
	}
	nl_fmt_mac(s->loc->switch_mac, mac);
	if (!s->vc->repo[0]) {
		snprintf(status, len, "forwarding: switch %s port %u, no VLAN table source", mac,
			 s->loc->port);
		return true;
	}
	if (!s->vc->loaded) {
		snprintf(status, len, "switch %s port %u, waiting for the VLAN table from %s%s%s",
			 mac, s->loc->port, s->vc->repo, s->vc->error[0] ? ": " : "", s->vc->error);
		return false;
	}
	snprintf(status, len, "forwarding: switch %s port %u, VLAN table serial %llu", mac,
		 s->loc->port, (unsigned long long)s->vc->serial);
	return true;
}

void na_ops_update(struct na_ops *o)
{
	char status[240];
	bool ready = agent_ready(o, status, sizeof(status));

	na_sd_update(&o->sd, ready, status);
}

void na_ops_tick(struct na_ops *o)
{
	char status[240];

	na_metrics_publish(&o->metrics, agent_ready(o, status, sizeof(status)));
	na_sd_watchdog(&o->sd);
}

unsigned int na_ops_refresh_interval(const struct na_ops *o)
{
	return o->eff.refresh;
}

/* what cannot change without a detach: said, not applied */
static void refuse(const char *key, int now, int want, const char *const names[])
{
	if (now != want)
		log_warn("reload: %s = %s needs a detach and a new attach; %s stays", key,
			 names[want], names[now]);
}

void na_ops_reload(struct na_ops *o)
{
	static const char *const encaps[] = {
		[NL_ENCAP_IP] = "ip", [NL_ENCAP_UDP] = "udp", [NL_ENCAP_GRE] = "gre"};
	static const char *const levels[] = {"err", "warn", "info", "debug"};
	struct na_settings file, eff;
	char err[512];
	int rc = 0;

	na_sd_reloading(&o->sd, true);
	if (o->opts.config[0])
		rc = na_config_parse(o->opts.config, o->metrics.src.ifname, &file, err,
				     sizeof(err));
	else
		memset(&file, 0, sizeof(file));
	if (rc == -ENOENT) {
		log_warn("reload: %s is gone: back to the defaults and the flags", o->opts.config);
		memset(&file, 0, sizeof(file));
		rc = 0;
	}
	if (rc) {
		log_err("reload: %s; nothing changed", err);
		na_sd_reloading(&o->sd, false);
		return;
	}
	na_settings_defaults(&eff);
	na_settings_merge(&eff, &file);
	na_settings_merge(&eff, &o->opts.flags);
	if (eff.log_level != o->eff.log_level) {
		log_info("reload: log_level %s -> %s", levels[o->eff.log_level],
			 levels[eff.log_level]);
		nl_log_init("na-loader", eff.log_level);
	}
	if (strcmp(eff.repo, o->vc->repo)) {
		log_info("reload: repo '%s' -> '%s'", o->vc->repo, eff.repo);
		snprintf(o->vc->repo, sizeof(o->vc->repo), "%s", eff.repo);
	}
	if (strcmp(eff.repo_ca, o->vc->ca_file)) {
		log_info("reload: repo_ca '%s' -> '%s'", o->vc->ca_file, eff.repo_ca);
		snprintf(o->vc->ca_file, sizeof(o->vc->ca_file), "%s", eff.repo_ca);
	}
	if (strcmp(eff.repo_cert, o->vc->cert_file) || strcmp(eff.repo_key, o->vc->key_file)) {
		log_info("reload: repo_cert '%s' repo_key '%s'", eff.repo_cert, eff.repo_key);
		snprintf(o->vc->cert_file, sizeof(o->vc->cert_file), "%s", eff.repo_cert);
		snprintf(o->vc->key_file, sizeof(o->vc->key_file), "%s", eff.repo_key);
	}
	if (strcmp(eff.key_file, o->eff.key_file))
		log_warn("reload: key_file = %s needs a new attach; the keys of %s are re-read",
			 eff.key_file[0] ? eff.key_file : "(default)",
			 o->eff.key_file[0] ? o->eff.key_file : "(default)");
	if (eff.refresh != o->eff.refresh)
		log_info("reload: refresh_interval %u -> %u s", o->eff.refresh, eff.refresh);
	if (strcmp(eff.metrics, o->metrics.addr)) {
		log_info("reload: metrics '%s' -> '%s'", o->metrics.addr, eff.metrics);
		if (na_metrics_start(&o->metrics, eff.metrics))
			log_err("reload: metrics endpoint is off");
	}
	if (eff.set & NA_SET_ENCAP)
		refuse("encap", o->metrics.src.encap_mode, eff.encap_mode, encaps);
	if ((eff.set & NA_SET_BITS) && eff.tenant_bits != o->metrics.src.tenant_bits)
		log_warn("reload: tenant_bits = %d needs a detach and a new attach; %d stays",
			 eff.tenant_bits, o->metrics.src.tenant_bits);
	if (eff.nart_entries != o->eff.nart_entries)
		log_warn("reload: nart_entries = %u needs a detach and a new attach; the tables "
			 "keep their size",
			 eff.nart_entries);
	if (eff.nlarp_senders != o->eff.nlarp_senders)
		log_warn("reload: nlarp_senders = %u needs a new attach; the replay table keeps "
			 "its size",
			 eff.nlarp_senders);
	if (eff.nart_hosted_only != o->eff.nart_hosted_only)
		log_warn("reload: nart_tenants = %s needs a new attach; %s stays",
			 eff.nart_hosted_only ? "hosted" : "all",
			 o->eff.nart_hosted_only ? "hosted" : "all");
	o->eff = eff;
	log_info("reload: %s applied", o->opts.config[0] ? o->opts.config : "(no file)");
	na_sd_reloading(&o->sd, false);
}

void na_ops_stop(struct na_ops *o)
{
	na_sd_stopping(&o->sd);
	na_metrics_stop(&o->metrics);
	free(o->metrics.snap.paths);
	o->metrics.snap.paths = NULL;
}

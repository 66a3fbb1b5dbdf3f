// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's Prometheus endpoint (metrics.h, docs/operations.md): a
 * libmicrohttpd thread renders the loop's snapshot and the datapath's maps
 * in the text exposition format (user/lib/prom.c).  The Network Agent's
 * state of patent Fig. 3, the VLAN table of [0036] and the path health of
 * the [0037] failover, for an operator's monitoring.
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <microhttpd.h>

#include "cnart.h"
#include "encap_mode.h"
#include "log.h"
#include "metrics.h"
#include "tenants_src.h"
#include "prom.h"
#include "util.h"

#ifndef NETLORD_VERSION
#define NETLORD_VERSION "unknown"
#endif

void na_metrics_init(struct na_metrics *m)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
}

/* ---- the snapshot (loop thread) ------------------------------------------------------------ */

static double now_s(void)
{
	return (double)nl_now_ms() / 1000.0;
}

void na_metrics_publish(struct na_metrics *m, bool ready)
{
	const struct na_metrics_src *src = &m->src;
	struct na_metrics_snap *s = &m->snap;
	unsigned int n = 0;

	if (!src->st)
		return;
	/* a load since the last tick: its time (to the second) */
	if (src->st->vt_loads != m->vt_loads_seen) {
		m->vt_loads_seen = src->st->vt_loads;
		m->vt_load_time = now_s();
	}
	if (pthread_mutex_trylock(&m->lock))
		return; /* a scrape is copying: the next tick publishes */
	s->st = *src->st;
	s->located = src->loc->ready;
	memcpy(s->switch_mac, src->loc->switch_mac, 6);
	s->port = src->loc->port;
	s->vt_loaded = src->vc->loaded;
	s->vt_serial = src->vc->serial;
	s->vt_rows = src->vc->rows;
	s->vt_load_time = m->vt_load_time;
	na_tenants_src_size(src->vc->tsrc, &s->tn_tenants, &s->tn_subnets, &s->tn_routes);
	s->tn_loaded_ms =
		src->vc->tsrc && src->vc->tsrc->tn->file ? src->vc->tsrc->tn->loaded_ms : 0;
	s->ready = ready;
	memset(s->vrec_pending, 0, sizeof(s->vrec_pending));
	if (src->store) {
		s->vstore = src->store->st;
		for (unsigned int i = 0; i < src->store->n; i++)
			if (src->store->e[i].state >= NA_VREC_MISSING &&
			    src->store->e[i].state <= NA_VREC_FAILED)
				s->vrec_pending[src->store->e[i].state]++;
	}
	if (src->tables->nart1 && src->tables->nart2) {
		s->nart_entries[0] = cnart_count(src->tables->nart1);
		s->nart_entries[1] = cnart_count(src->tables->nart2);
		s->nart_slots[0] = cnart_capacity(src->tables->nart1);
		s->nart_slots[1] = cnart_capacity(src->tables->nart2);
		s->nart_refused[0] = src->tables->nart1_full;
		s->nart_refused[1] = src->tables->nart2_full;
	}
	for (unsigned int i = 0; i < src->probe->n; i++)
		n += src->probe->rows[i].cfg.count;
	if (n > s->npaths || !s->paths) {
		struct na_metrics_path *p = realloc(s->paths, (n ? n : 1) * sizeof(*p));

		if (!p) {
			pthread_mutex_unlock(&m->lock);
			return;
		}
		s->paths = p;
	}
	n = 0;
	for (unsigned int i = 0; i < src->probe->n; i++) {
		const struct na_probe_row *r = &src->probe->rows[i];

		for (unsigned int v = 0; v < r->cfg.count && v < NL_MAX_VLANS_PER_PAIR; v++) {
			struct na_metrics_path *p = &s->paths[n++];

			memcpy(p->sw, r->sw, 6);
			p->vlan = r->cfg.vlans[v];
			p->alive = r->v[v].alive;
			p->peer_known = r->peer_port != 0;
		}
	}
	s->npaths = n;
	pthread_mutex_unlock(&m->lock);
}

/* ---- rendering (HTTP thread, tests) --------------------------------------------------------- */

/* NL_COUNTERS that are not drops: an outcome of the datapath's forwarding */
static const char *forward_outcome(enum nl_counter c)
{
	switch (c) {
	case NL_C_TX_ARP_REPLIED:
		return "arp_replied";
	case NL_C_TX_LOCAL_DELIVERED:
		return "local";
	case NL_C_TX_ENCAPSULATED:
		return "encapsulated";
	case NL_C_RX_PASS:
		return "passed_to_stack";
	case NL_C_RX_DELIVERED:
		return "decapsulated";
	default:
		return NULL;
	}
}

static const char *const counter_names[] = {
#define NAME(name, str, help) str,
	NL_COUNTERS(NAME)
#undef NAME
};

static void render_datapath(FILE *f, const struct na_maps *maps)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals, sums[NL_C_MAX] = {0};

	if (ncpu < 1)
		return;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return;
	for (__u32 c = 0; c < NL_C_MAX; c++) {
		if (bpf_map_lookup_elem(maps->counters, &c, vals))
			continue;
		for (int i = 0; i < ncpu; i++)
			sums[c] += vals[i];
	}
	free(vals);
	prom_family(f, "netlord_datapath_drops_total", "counter",
		    "Frames the datapath did not forward, by reason (NL_COUNTERS, "
		    "include/netlord.h), summed over CPUs.");
	for (__u32 c = 0; c < NL_C_MAX; c++)
		if (!forward_outcome(c) && c != NL_C_EVENT_LOST)
			prom_u64(f, "netlord_datapath_drops_total", sums[c], "reason",
				 counter_names[c], NULL);
	prom_family(f, "netlord_datapath_packets_total", "counter",
		    "Frames the datapath forwarded or answered, by outcome, summed over CPUs.");
	for (__u32 c = 0; c < NL_C_MAX; c++)
		if (forward_outcome(c))
			prom_u64(f, "netlord_datapath_packets_total", sums[c], "outcome",
				 forward_outcome(c), NULL);
	prom_family(f, "netlord_datapath_events_lost_total", "counter",
		    "Miss events lost because the ring buffer to the agent was full.");
	prom_u64(f, "netlord_datapath_events_lost_total", sums[NL_C_EVENT_LOST], NULL);
}

static void render_vifs(FILE *f, const struct na_maps *maps)
{
	int ncpu = libbpf_num_possible_cpus();
	struct nl_vif_stats *vs;
	__u32 key, *prev = NULL;
	__u64 nvifs = 0;
	FILE *bytes;
	char *bbuf = NULL;
	size_t blen = 0;

	if (ncpu < 1 || !(vs = calloc((size_t)ncpu, sizeof(*vs))))
		return;
	bytes = open_memstream(&bbuf, &blen);
	if (!bytes) {
		free(vs);
		return;
	}
	prom_family(f, "netlord_vif_packets_total", "counter",
		    "Packets of each VIF, direction as the VM sees it (tx: sent by the VM).");
	prom_family(bytes, "netlord_vif_bytes_total", "counter",
		    "Bytes of each VIF, direction as the VM sees it (tx: sent by the VM).");
	while (!bpf_map_get_next_key(maps->vifs, prev, &key)) {
		struct nl_vif_stats s = {0};
		struct nl_vif v;
		char name[IF_NAMESIZE] = "", tenant[16], *ifn = name;

		prev = &key;
		if (bpf_map_lookup_elem(maps->vifs, &key, &v))
			continue;
		nvifs++;
		if (bpf_map_lookup_elem(maps->vif_stats, &v.slot, vs))
			continue;
		for (int i = 0; i < ncpu; i++) {
			s.rx_packets += vs[i].rx_packets;
			s.rx_bytes += vs[i].rx_bytes;
			s.tx_packets += vs[i].tx_packets;
			s.tx_bytes += vs[i].tx_bytes;
		}
		if (!if_indextoname(key, name))
			snprintf(name, sizeof(name), "ifindex%u", key);
		snprintf(tenant, sizeof(tenant), "%u", v.tenant);
		prom_u64(f, "netlord_vif_packets_total", s.rx_packets, "tenant", tenant, "vif", ifn,
			 "direction", "rx", NULL);
		prom_u64(f, "netlord_vif_packets_total", s.tx_packets, "tenant", tenant, "vif", ifn,
			 "direction", "tx", NULL);
		prom_u64(bytes, "netlord_vif_bytes_total", s.rx_bytes, "tenant", tenant, "vif", ifn,
			 "direction", "rx", NULL);
		prom_u64(bytes, "netlord_vif_bytes_total", s.tx_bytes, "tenant", tenant, "vif", ifn,
			 "direction", "tx", NULL);
	}
	free(vs);
	fclose(bytes);
	if (bbuf)
		fwrite(bbuf, 1, blen, f);
	free(bbuf);
	prom_family(f, "netlord_vifs", "gauge", "VIFs attached on this server.");
	prom_u64(f, "netlord_vifs", nvifs, NULL);
}

static void render_nlarp(FILE *f, const struct na_stats *st)
{
	static const char *const ops[] = {"other", "here", "where", "not_here", "probe"};
	static const char *const dirs[] = {"rx", "tx"};

	prom_family(f, "netlord_nlarp_messages_total", "counter",
		    "NL-ARP messages accepted (rx) and sent (tx), by type.");
	for (int d = 0; d < 2; d++)
		for (int i = 0; i < NA_NLARP_OPS; i++)
			prom_u64(f, "netlord_nlarp_messages_total",
				 d ? st->nlarp_tx[i] : st->nlarp_rx[i], "direction", dirs[d],
				 "type", ops[i], NULL);
	prom_family(f, "netlord_nlarp_v2_messages_total", "counter",
		    "NL-ARP version 2 messages accepted (agents without IPv6 support).");
	prom_u64(f, "netlord_nlarp_v2_messages_total", st->nlarp_rx_v2, NULL);
	prom_family(f, "netlord_nlarp_rejected_total", "counter",
		    "NL-ARP messages received and rejected by the decoder, by reason.");
	for (int e = 1; e < NLARP_E_MAX; e++)
		prom_u64(f, "netlord_nlarp_rejected_total", st->nlarp_err[e], "reason",
			 nlarp_errname(e), NULL);
	prom_family(f, "netlord_nlarp_dropped_total", "counter",
		    "NL-ARP messages not sent or ignored on receipt, by reason.");
#define DROPPED(val, why) prom_u64(f, "netlord_nlarp_dropped_total", val, "reason", why, NULL)
	DROPPED(st->nlarp_tx_fail, "send_failed");
	DROPPED(st->nlarp_not_ready, "not_ready");
	DROPPED(st->nlarp_no_vlan, "no_vlan");
	DROPPED(st->nlarp_own, "own_message");
	DROPPED(st->nlarp_udp_dup, "udp_duplicate");
	DROPPED(st->nlarp_short, "bad_frame");
	DROPPED(st->nlarp_tenant_filtered, "tenant_not_hosted");
#undef DROPPED
	prom_family(f, "netlord_nart_updates_total", "counter",
		    "Decisions on NART updates carried by NL-ARP messages, by outcome.");
	for (int r = 0; r < NART_R_MAX; r++)
		prom_u64(f, "netlord_nart_updates_total", st->nart_reason[r], "outcome",
			 nart_reason_name(r), NULL);
	prom_family(f, "netlord_where_suppressed_total", "counter",
		    "WHERE requests not sent, by reason.");
	prom_u64(f, "netlord_where_suppressed_total", st->where_ratelimited, "reason", "rate_limit",
		 NULL);
	prom_u64(f, "netlord_where_suppressed_total", st->where_scan_limited, "reason",
		 "scan_guard", NULL);
	prom_family(f, "netlord_datapath_events_total", "counter",
		    "Miss events the agent received from the datapath, by type.");
	{
		static const char *const ev[] = {"", "nart1_miss", "nart2_miss", "vlan_miss",
						 "not_here"};

		for (int i = 1; i < NA_EVENT_TYPES; i++)
			prom_u64(f, "netlord_datapath_events_total", st->events[i], "type", ev[i],
				 NULL);
	}
}

/* the hypervisor's DHCP/DHCPv6/RA service (responder.c, ra_sender.c; docs/dhcp.md) */
static void render_vif_services(FILE *f, const struct na_stats *st)
{
	prom_family(f, "netlord_vif_service_messages_total", "counter",
		    "DHCPv4, DHCPv6 and router solicitation/advertisement messages the agent "
		    "answered, sent, refused or dropped for its VIFs, by event (the names of "
		    "`na-loader stats`).");
#define NA_CTL_STAT_PROM(name, help) \
	prom_u64(f, "netlord_vif_service_messages_total", st->name, "event", #name, NULL);
	NA_CTL_STATS(NA_CTL_STAT_PROM)
#undef NA_CTL_STAT_PROM
}

/* persisted VIF definitions (vif_store.h, docs/operations.md) */
static void render_vif_store(FILE *f, const struct na_metrics_snap *s)
{
	static const char *const why[] = {
		[NA_VREC_MISSING] = "interface_missing",
		[NA_VREC_MAC_CHANGED] = "mac_changed",
		[NA_VREC_FAILED] = "refused",
	};

	prom_family(f, "netlord_vifs_pending", "gauge",
		    "Persisted VIF definitions not in the datapath, by reason (applied when "
		    "their interface appears; `na-loader status` says why).");
	for (int r = NA_VREC_MISSING; r <= NA_VREC_FAILED; r++)
		prom_u64(f, "netlord_vifs_pending", s->vrec_pending[r], "reason", why[r], NULL);
	prom_family(f, "netlord_vif_records_total", "counter",
		    "Persisted VIF records by outcome: re-applied, found pending, refused by vif "
		    "add, refused as corrupt at start, not written.");
	prom_u64(f, "netlord_vif_records_total", s->vstore.restored, "outcome", "restored", NULL);
	prom_u64(f, "netlord_vif_records_total", s->vstore.missing, "outcome", "pending", NULL);
	prom_u64(f, "netlord_vif_records_total", s->vstore.failed, "outcome", "refused", NULL);
	prom_u64(f, "netlord_vif_records_total", s->vstore.corrupt, "outcome", "corrupt", NULL);
	prom_u64(f, "netlord_vif_records_total", s->vstore.write_errors, "outcome", "write_error",
		 NULL);
}

static void render_location(FILE *f, const struct na_metrics_snap *s)
{
	char mac[NL_MAC_STRLEN], port[8];

	prom_family(f, "netlord_agent_ready", "gauge",
		    "1 once the datapath is attached, the location known and the VLAN table "
		    "loaded (systemd READY=1).");
	prom_u64(f, "netlord_agent_ready", s->ready, NULL);
	prom_family(f, "netlord_location_known", "gauge",
		    "1 once LLDP named the edge switch and port.");
	prom_u64(f, "netlord_location_known", s->located, NULL);
	if (s->located) {
		nl_fmt_mac(s->switch_mac, mac);
		snprintf(port, sizeof(port), "%u", s->port);
		prom_family(f, "netlord_location_info", "gauge",
			    "The edge switch and port LLDP named (value always 1).");
		prom_u64(f, "netlord_location_info", 1, "switch_mac", mac, "port", port, NULL);
	}
	prom_family(f, "netlord_lldp_frames_total", "counter", "LLDP frames received.");
	prom_u64(f, "netlord_lldp_frames_total", s->st.lldp_rx, NULL);
	prom_family(f, "netlord_lldp_rejected_total", "counter",
		    "LLDP frames rejected, by reason.");
	for (int e = 1; e < LLDP_E_MAX; e++)
		prom_u64(f, "netlord_lldp_rejected_total", s->st.lldp_err[e], "reason",
			 lldp_errname(e), NULL);
	prom_family(f, "netlord_location_changes_total", "counter",
		    "Times LLDP named another switch or port.");
	prom_u64(f, "netlord_location_changes_total", s->st.lldp_changes, NULL);
}

/* the tenants file from the repository (tenants_src.h, docs/tenants.md) */
static void render_tenants_file(FILE *f, const struct na_metrics_snap *s)
{
	prom_family(f, "netlord_tenants_file_loaded", "gauge",
		    "1 while a tenants file from the repository is in force.");
	prom_u64(f, "netlord_tenants_file_loaded", s->tn_loaded_ms != 0, NULL);
	prom_family(f, "netlord_tenants_file_tenants", "gauge",
		    "Tenants defined by the tenants file in force.");
	prom_u64(f, "netlord_tenants_file_tenants", s->tn_tenants, NULL);
	prom_family(f, "netlord_tenants_file_subnets", "gauge",
		    "Subnets defined by the tenants file in force.");
	prom_u64(f, "netlord_tenants_file_subnets", s->tn_subnets, NULL);
	prom_family(f, "netlord_tenants_file_routes", "gauge",
		    "Static routes defined by the tenants file in force.");
	prom_u64(f, "netlord_tenants_file_routes", s->tn_routes, NULL);
	if (s->tn_loaded_ms) {
		prom_family(f, "netlord_tenants_file_age_seconds", "gauge",
			    "Seconds since the tenants file in force came into force.");
		prom_double(f, "netlord_tenants_file_age_seconds",
			    (double)(nl_mono_ms() - s->tn_loaded_ms) / 1000.0, NULL);
	}
	prom_family(f, "netlord_tenants_file_loads_total", "counter",
		    "Tenants files put in force.");
	prom_u64(f, "netlord_tenants_file_loads_total", s->st.tenants_loads, NULL);
	prom_family(f, "netlord_tenants_file_refused_total", "counter",
		    "Tenants files refused as malformed (the file in force stayed).");
	prom_u64(f, "netlord_tenants_file_refused_total", s->st.tenants_refused, NULL);
	prom_family(f, "netlord_tenants_file_errors_total", "counter",
		    "Tenants file fetches that failed (the file in force stayed).");
	prom_u64(f, "netlord_tenants_file_errors_total", s->st.tenants_errors, NULL);
}

static void render_tables(FILE *f, const struct na_metrics_snap *s)
{
	static const char *const names[] = {"nart1", "nart2"};

	prom_family(f, "netlord_nart_entries", "gauge", "Entries in each NART.");
	for (int t = 0; t < 2; t++)
		prom_u64(f, "netlord_nart_entries", s->nart_entries[t], "table", names[t], NULL);
	prom_family(f, "netlord_nart_capacity_entries", "gauge",
		    "Slots of each NART (its capacity in entries).");
	for (int t = 0; t < 2; t++)
		prom_u64(f, "netlord_nart_capacity_entries", s->nart_slots[t], "table", names[t],
			 NULL);
	prom_family(f, "netlord_nart_refused_total", "counter",
		    "Inserts refused because the NART was full (attach --nart-entries).");
	for (int t = 0; t < 2; t++)
		prom_u64(f, "netlord_nart_refused_total", s->nart_refused[t], "table", names[t],
			 NULL);
	prom_family(f, "netlord_nlarp_replay_senders", "gauge",
		    "Senders the NL-ARP replay table remembers.");
	prom_u64(f, "netlord_nlarp_replay_senders", s->st.nlarp_replay_senders, NULL);
	prom_family(f, "netlord_nlarp_replay_capacity_senders", "gauge",
		    "Senders the NL-ARP replay table holds (attach --nlarp-senders).");
	prom_u64(f, "netlord_nlarp_replay_capacity_senders", s->st.nlarp_replay_capacity, NULL);
	prom_family(f, "netlord_nlarp_replay_evictions_total", "counter",
		    "Senders forgotten because the replay table was full (then protected by "
		    "the clock window alone).");
	prom_u64(f, "netlord_nlarp_replay_evictions_total", s->st.nlarp_replay_evicted, NULL);
	prom_family(f, "netlord_vlan_table_loaded", "gauge", "1 while a VLAN table is in force.");
	prom_u64(f, "netlord_vlan_table_loaded", s->vt_loaded, NULL);
	prom_family(f, "netlord_vlan_table_serial", "gauge", "Serial of the VLAN table in force.");
	prom_u64(f, "netlord_vlan_table_serial", s->vt_serial, NULL);
	prom_family(f, "netlord_vlan_table_egress_switches", "gauge",
		    "Remote edge switches the VLAN table in force has rows for.");
	prom_u64(f, "netlord_vlan_table_egress_switches", s->vt_rows, NULL);
	if (s->vt_load_time > 0) {
		prom_family(f, "netlord_vlan_table_last_load_timestamp_seconds", "gauge",
			    "Unix time of the last successful VLAN table load (1 s resolution).");
		prom_double(f, "netlord_vlan_table_last_load_timestamp_seconds", s->vt_load_time,
			    NULL);
		prom_family(f, "netlord_vlan_table_age_seconds", "gauge",
			    "Seconds since the last successful VLAN table load.");
		prom_double(f, "netlord_vlan_table_age_seconds", now_s() - s->vt_load_time, NULL);
	}
	prom_family(f, "netlord_vlan_table_loads_total", "counter", "Successful VLAN table loads.");
	prom_u64(f, "netlord_vlan_table_loads_total", s->st.vt_loads, NULL);
	prom_family(f, "netlord_vlan_table_errors_total", "counter",
		    "VLAN table fetches or loads that failed (the table in force stays).");
	prom_u64(f, "netlord_vlan_table_errors_total", s->st.vt_errors, NULL);
	prom_family(f, "netlord_vlan_table_corrupt_total", "counter",
		    "Repository documents refused as malformed (format, JSON, checksum); the "
		    "table in force stayed.");
	prom_u64(f, "netlord_vlan_table_corrupt_total", s->st.vt_corrupt, NULL);
	render_tenants_file(f, s);
}

static void render_paths(FILE *f, const struct na_metrics_snap *s)
{
	char mac[NL_MAC_STRLEN], vlan[8];

	prom_family(f, "netlord_path_up", "gauge",
		    "1 while the VLAN towards the remote edge switch is in use (its probes are "
		    "answered, or none was sent yet), 0 after it failed over.");
	for (unsigned int i = 0; i < s->npaths; i++) {
		nl_fmt_mac(s->paths[i].sw, mac);
		snprintf(vlan, sizeof(vlan), "%u", s->paths[i].vlan);
		prom_u64(f, "netlord_path_up", s->paths[i].alive, "switch_mac", mac, "vlan", vlan,
			 NULL);
	}
	prom_family(f, "netlord_path_probed", "gauge",
		    "1 if an agent behind the remote edge switch is known to answer probes "
		    "(its VLANs are being probed), 0 if not yet.");
	/* the snapshot lists a switch's VLANs together */
	for (unsigned int i = 0; i < s->npaths; i++) {
		if (i && !memcmp(s->paths[i].sw, s->paths[i - 1].sw, 6))
			continue;
		nl_fmt_mac(s->paths[i].sw, mac);
		prom_u64(f, "netlord_path_probed", s->paths[i].peer_known, "switch_mac", mac, NULL);
	}
	prom_family(f, "netlord_path_failovers_total", "counter",
		    "VLANs taken out of use because their probes went unanswered.");
	prom_u64(f, "netlord_path_failovers_total", s->st.vlan_failovers, NULL);
	prom_family(f, "netlord_path_recoveries_total", "counter",
		    "VLANs put back in use after their probes were answered again.");
	prom_u64(f, "netlord_path_recoveries_total", s->st.vlan_recoveries, NULL);
}

void na_metrics_render(FILE *f, const struct na_metrics_src *src, const struct na_metrics_snap *s,
		       __u64 scrapes)
{
	char bits[8];

	snprintf(bits, sizeof(bits), "%d", src->tenant_bits);
	prom_family(f, "netlord_agent_info", "gauge",
		    "The agent's version, uplink and address scheme (value always 1).");
	prom_u64(f, "netlord_agent_info", 1, "version", NETLORD_VERSION, "uplink", src->ifname,
		 "encap", nl_encap_name(src->encap_mode), "tenant_bits", bits, NULL);
	render_location(f, s);
	render_datapath(f, src->maps);
	render_vifs(f, src->maps);
	render_nlarp(f, &s->st);
	render_vif_services(f, &s->st);
	render_vif_store(f, s);
	render_tables(f, s);
	render_paths(f, s);
	prom_family(f, "netlord_metrics_scrapes_total", "counter",
		    "Requests for /metrics served, this one included.");
	prom_u64(f, "netlord_metrics_scrapes_total", scrapes, NULL);
}

/* ---- the HTTP side -----------------------------------------------------------------------------
 */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int code, const char *type,
			     char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int code, const char *msg)
{
	char *body = strdup(msg);

	return body ? reply(c, code, "text/plain", body, strlen(body)) : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct na_metrics *m = cls;
	struct na_metrics_snap s;
	char *buf = NULL;
	size_t len = 0;
	__u64 scrapes;
	FILE *f;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (!strcmp(url, "/"))
		return reply_text(c, MHD_HTTP_OK, "na-loader: metrics at /metrics\n");
	if (strcmp(url, "/metrics"))
		return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	/* copy the snapshot, render outside the lock */
	pthread_mutex_lock(&m->lock);
	s = m->snap;
	s.paths = malloc((s.npaths ? s.npaths : 1) * sizeof(*s.paths));
	if (s.paths && s.npaths)
		memcpy(s.paths, m->snap.paths, s.npaths * sizeof(*s.paths));
	scrapes = ++m->scrapes;
	pthread_mutex_unlock(&m->lock);
	if (!s.paths)
		return MHD_NO;
	f = open_memstream(&buf, &len);
	if (!f) {
		free(s.paths);
		return MHD_NO;
	}
	na_metrics_render(f, &m->src, &s, scrapes);
	free(s.paths);
	if (fclose(f)) {
		free(buf);
		return MHD_NO;
	}
	return reply(c, MHD_HTTP_OK, PROM_CONTENT_TYPE, buf, len);
}

/* "host:port" or "[v6]:port" (host "" or "*": every address) */
static int parse_addr(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai;
	char host[128];
	const char *colon = strrchr(text, ':'), *h = host;
	size_t hl;

	if (!colon || !colon[1] || (size_t)(colon - text) >= sizeof(host))
		return -EINVAL;
	hl = (size_t)(colon - text);
	memcpy(host, text, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		h = host + 1;
	}
	if (!*h || !strcmp(h, "*")) {
		h = NULL;
		hints.ai_family = AF_INET;
	}
	if (strspn(colon + 1, "0123456789") != strlen(colon + 1) || strlen(colon + 1) > 5 ||
	    atoi(colon + 1) > 65535)
		return -EINVAL;
	if (getaddrinfo(h, colon + 1, &hints, &ai))
		return -EINVAL;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

int na_metrics_start(struct na_metrics *m, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;

	if (m->mhd && !strcmp(m->addr, addr))
		return 0;
	na_metrics_stop(m);
	if (!*addr)
		return 0;
	if (parse_addr(addr, &ss, &sl)) {
		log_err("metrics: '%s' is not addr:port or [v6addr]:port", addr);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR,
				  (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16U,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, 8U,
				  MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
	if (!m->mhd) {
		log_err("metrics: cannot serve on %s (address in use or not local?)", addr);
		return -EADDRNOTAVAIL;
	}
	snprintf(m->addr, sizeof(m->addr), "%s", addr);
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_BIND_PORT);
	log_info("metrics: http://%s/metrics (port %u)", addr, info ? info->port : 0);
	return 0;
}

void na_metrics_stop(struct na_metrics *m)
{
	if (!m->mhd)
		return;
	MHD_stop_daemon(m->mhd);
	m->mhd = NULL;
	log_info("metrics: stopped serving on %s", m->addr);
	m->addr[0] = '\0';
}

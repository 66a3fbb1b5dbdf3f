// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * status / nart / stats / vif list reports, as text or JSON.  They read the
 * pinned maps, so they work with the agent stopped too; the agent adds what
 * only it knows (VLAN table source, NL-ARP counters, NART-2 versions) when
 * asked over ctl.  The NARTs and the switch array are read through a
 * read-only mapping with the readers' sequence protocol (cnart_view_read).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cnart.h"
#include "addr.h"
#include "encap_mode.h"
#include "nart_tomb.h"
#include "ip6.h"
#include "local_vifs.h"
#include "show.h"
#include "tenants_src.h"
#include "vif.h"
#include "vif_store.h"
#include "util.h"

static const char *ip_str(__be32 ip, char *buf)
{
	return inet_ntop(AF_INET, &ip, buf, INET_ADDRSTRLEN);
}

/* the compact tables, mapped read-only */
struct nart_views {
	struct cnart_view t1, t2, sw;
};

static int views_open(const struct na_maps *m, struct nart_views *v)
{
	memset(v, 0, sizeof(*v));
	if (cnart_view_open(m->nart1, &v->t1) || cnart_view_open(m->nart2, &v->t2) ||
	    cnart_view_open(m->switches, &v->sw)) {
		cnart_view_close(&v->t1);
		cnart_view_close(&v->t2);
		return -1;
	}
	return 0;
}

static void views_close(struct nart_views *v)
{
	cnart_view_close(&v->t1);
	cnart_view_close(&v->t2);
	cnart_view_close(&v->sw);
}

static __u64 view_entries(const struct cnart_view *t)
{
	struct nart_bucket b;
	__u64 n = 0;

	for (__u32 i = 0; i < t->n; i++)
		if (cnart_view_read(t, i, &b))
			for (int s = 0; s < NART_SLOTS; s++)
				n += b.slot[s].w[0] != 0;
	return n;
}

/* switches with a VLAN table row (count > 0), and switches with an index */
static __u64 view_switches(const struct cnart_view *sw, __u64 *indexed)
{
	struct nart_switch e;
	__u64 n = 0;

	*indexed = 0;
	for (__u32 i = 1; i < sw->n && cnart_view_read(sw, i, &e); i++) {
		if (!(e.mac[0] | e.mac[1] | e.mac[2] | e.mac[3] | e.mac[4] | e.mac[5]))
			break; /* indexes are assigned in order */
		++*indexed;
		n += e.count != 0;
	}
	return n;
}

static __u64 map_count(int fd, size_t keysz)
{
	__u8 key[64], *prev = NULL;
	__u64 n = 0;

	if (keysz > sizeof(key))
		return 0;
	while (!bpf_map_get_next_key(fd, prev, key)) {
		n++;
		prev = key;
	}
	return n;
}

void na_show_status(FILE *f, const struct na_maps *m, const struct na_agent_view *a, bool json)
{
	struct nl_config c = {};
	char sw[18], srv[18], addr[INET_ADDRSTRLEN] = "-", ifn[IF_NAMESIZE] = "?";
	bool ready;
	const char *state;
	__u64 nvifs = map_count(m->vifs, 4), n1 = 0, n2 = 0, nvt = 0, nsw = 0, cap1 = 0, cap2 = 0;
	double mib = 0;
	struct nart_views v;

	if (!views_open(m, &v)) {
		if (a) { /* the writer knows its counts */
			n1 = cnart_count(a->tables->nart1);
			n2 = cnart_count(a->tables->nart2);
		} else {
			n1 = view_entries(&v.t1);
			n2 = view_entries(&v.t2);
		}
		nvt = view_switches(&v.sw, &nsw);
		cap1 = (__u64)v.t1.n * NART_SLOTS;
		cap2 = (__u64)v.t2.n * NART_SLOTS;
		mib = (double)(v.t1.map_bytes + v.t2.map_bytes + v.sw.map_bytes) / (1 << 20);
		views_close(&v);
	}
	na_config_get(m, &c);
	ready = c.flags & NL_CFG_F_READY;
	state = ready ? "ready" : "waiting for LLDP";
	nl_fmt_mac(c.switch_mac, sw);
	nl_fmt_mac(c.server_mac, srv);
	if (ready)
		ip_str(nl_server_addr(c.tenant_bits, c.port), addr);
	if_indextoname(c.uplink_ifindex, ifn);
	if (json) {
		fprintf(f,
			"{\"uplink\":\"%s\",\"agent\":%s,\"state\":\"%s\",\"switch_mac\":\"%s\","
			"\"port\":%u,\"server_address\":\"%s\",\"server_mac\":\"%s\","
			"\"encap\":\"%s\",\"tenant_bits\":%u,\"fabric_mtu\":%u,"
			"\"vif_mtu\":%d,\"broadcast_vlan\":%u,\"vlan_table_rows\":%llu,"
			"\"vifs\":%llu,\"nart1_entries\":%llu,\"nart2_entries\":%llu,"
			"\"nart1_slots\":%llu,\"nart2_slots\":%llu,\"switch_indexes\":%llu,"
			"\"nart_kernel_mib\":%.1f,\"nart_sized_vifs\":%llu",
			ifn, a ? "true" : "false", state, sw, c.port, addr, srv,
			nl_encap_name(c.encap_mode), c.tenant_bits, c.fabric_mtu,
			c.fabric_mtu - na_vif_overhead(c.encap_mode), c.broadcast_vlan,
			(unsigned long long)nvt, (unsigned long long)nvifs, (unsigned long long)n1,
			(unsigned long long)n2, (unsigned long long)cap1, (unsigned long long)cap2,
			(unsigned long long)nsw, mib, (unsigned long long)cap2 * 9 / 10);
		if (a && a->st)
			fprintf(f, ",\"nart_tenants\":\"%s\",\"hosted_tenants\":%llu",
				a->st->tenant_filter_on ? "hosted" : "all",
				(unsigned long long)a->st->hosted_tenants);
		if (a && a->tables)
			fprintf(f, ",\"nart1_refused\":%llu,\"nart2_refused\":%llu",
				(unsigned long long)a->tables->nart1_full,
				(unsigned long long)a->tables->nart2_full);
		if (a)
			fprintf(f,
				",\"xdp_mode\":\"%s\",\"vlan_table\":{\"source\":\"%s\","
				"\"loaded\":%s,\"serial\":%llu,\"error\":\"%s\"}",
				a->generic_xdp ? "generic" : "native", a->vc->repo,
				a->vc->loaded ? "true" : "false", (unsigned long long)a->vc->serial,
				a->vc->error);
		if (a && a->tsrc)
			na_tenants_src_show(f, a->tsrc, true);
		if (a)
			fprintf(f,
				",\"nlarp_auth\":{\"enabled\":%s,\"signing_key\":%u,"
				"\"accepted_key\":%u}",
				a->keys ? "true" : "false", a->keys ? a->keys->keys[0].id : 0,
				a->keys && a->keys->n > 1 ? a->keys->keys[1].id : 0);
		if (a && a->store)
			na_vif_store_show(f, a->store, true);
		fprintf(f, "}\n");
		return;
	}
	fprintf(f, "uplink:          %s\n", ifn);
	fprintf(f, "agent:           %s\n", a ? "running" : "not running (pinned maps only)");
	fprintf(f, "state:           %s\n", state);
	fprintf(f, "switch MAC:      %s\n", ready ? sw : "-");
	fprintf(f, "port:            %u\n", c.port);
	fprintf(f, "server address:  %s\n", addr);
	fprintf(f, "server MAC:      %s\n", srv);
	fprintf(f, "encap:           %s (tenant bits %u)\n", nl_encap_name(c.encap_mode),
		c.tenant_bits);
	fprintf(f, "fabric MTU:      %u (VIF MTU %d)\n", c.fabric_mtu,
		c.fabric_mtu - na_vif_overhead(c.encap_mode));
	fprintf(f, "broadcast VLAN:  %u\n", c.broadcast_vlan);
	if (a) {
		fprintf(f, "XDP mode:        %s\n", a->generic_xdp ? "generic (slow)" : "native");
		fprintf(f,
			"VLAN table:      %s, serial %llu, %llu egress switches, source %s%s%s\n",
			a->vc->loaded ? "loaded" : "not loaded", (unsigned long long)a->vc->serial,
			(unsigned long long)nvt, a->vc->repo[0] ? a->vc->repo : "(none)",
			a->vc->error[0] ? ", last error: " : "", a->vc->error);
		if (a->tsrc)
			na_tenants_src_show(f, a->tsrc, false);
		if (!a->keys)
			fprintf(f, "NL-ARP auth:     OFF (--insecure-no-auth)\n");
		else if (a->keys->n > 1)
			fprintf(f, "NL-ARP auth:     HMAC-SHA-256, signing key %u, accepting %u\n",
				a->keys->keys[0].id, a->keys->keys[1].id);
		else
			fprintf(f, "NL-ARP auth:     HMAC-SHA-256, key %u\n", a->keys->keys[0].id);
	} else {
		fprintf(f, "VLAN table:      %llu egress switches in the map\n",
			(unsigned long long)nvt);
	}
	fprintf(f, "VIFs:            %llu\n", (unsigned long long)nvifs);
	if (a && a->store)
		na_vif_store_show(f, a->store, false);
	fprintf(f, "NART-1 entries:  %llu of %llu slots (load %.2f)\n", (unsigned long long)n1,
		(unsigned long long)cap1, cap1 ? (double)n1 / cap1 : 0.0);
	fprintf(f, "NART-2 entries:  %llu of %llu slots (load %.2f)\n", (unsigned long long)n2,
		(unsigned long long)cap2, cap2 ? (double)n2 / cap2 : 0.0);
	fprintf(f, "NART memory:     %.1f MiB kernel (NART-1, NART-2, %llu switch indexes)\n", mib,
		(unsigned long long)nsw);
	fprintf(f, "NART size:       %llu VIFs per table at load 0.9 (attach --nart-entries)\n",
		(unsigned long long)cap2 * 9 / 10);
	if (a && a->st && a->st->tenant_filter_on)
		fprintf(f, "NART tenants:    hosted only (%llu tenants; filter in the %s)\n",
			(unsigned long long)a->st->hosted_tenants,
			a->st->tenant_filter_kernel ? "kernel" : "agent");
	else if (a && a->st)
		fprintf(f, "NART tenants:    all\n");
	if (a && a->tables)
		fprintf(f, "NART refused:    NART-1 %llu, NART-2 %llu inserts (table full)\n",
			(unsigned long long)a->tables->nart1_full,
			(unsigned long long)a->tables->nart2_full);
}

/* "a/64,b/64" (text, "-" if none) or "\"a/64\",\"b/64\"" (JSON) */
static void fmt_ip6_list(const struct nl_vif_ip6 *v6, bool json, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < v6->count && n < len; i++) {
		char a[NL_IP6_STRLEN];

		n += (size_t)snprintf(out + n, len - n, json ? "%s\"%s/%u\"" : "%s%s/%u",
				      i ? "," : "", nl_fmt_ipv6(v6->addr[i], a), v6->prefix_len[i]);
	}
	if (!v6->count && !json)
		snprintf(out, len, "-");
}

void na_show_vifs(FILE *f, const struct na_maps *m, bool json)
{
	__u32 key, *prev = NULL;
	struct nl_vif_ip6 v6;
	char ip6[NL_VIF_MAX_IP6 * (NL_IP6_STRLEN + 8)], r6[NL_IP6_STRLEN];
	struct nl_vif v;
	bool first = true;

	if (json)
		fprintf(f, "[");
	else
		fprintf(f, "%-16s %8s %6s %-17s %-18s %-15s %4s %-12s %s %s\n", "ifname", "tenant",
			"mac_as", "mac", "ip", "router", "slot", "flags", "ip6", "router6");
	while (!bpf_map_get_next_key(m->vifs, prev, &key)) {
		char name[IF_NAMESIZE] = "(gone)", mac[18], ip[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN],
		     pfx[24];

		prev = &key;
		if (bpf_map_lookup_elem(m->vifs, &key, &v))
			continue;
		if_indextoname(key, name);
		nl_fmt_mac(v.mac, mac);
		na_vif_ip6_get(m, key, &v6);
		fmt_ip6_list(&v6, json, ip6, sizeof(ip6));
		if (!nl_ip6_is_zero(v6.router))
			nl_fmt_ipv6(v6.router, r6);
		else
			snprintf(r6, sizeof(r6), "%s", json ? "" : "-");
		ip_str(v.ip, ip);
		ip_str(v.router_ip, r);
		snprintf(pfx, sizeof(pfx), "%s/%u", ip, v.prefix_len);
		if (json)
			fprintf(f,
				"%s{\"ifname\":\"%s\",\"ifindex\":%u,\"tenant\":%u,\"mac_as\":%u,"
				"\"mac\":\"%s\",\"ip\":\"%s\",\"router\":\"%s\",\"slot\":%u,"
				"\"xdp_redirect\":%s,\"ip6\":[%s],\"router6\":\"%s\"}",
				first ? "" : ",", name, key, v.tenant, v.mac_as, mac,
				v.ip ? pfx : "", v.router_ip ? r : "", v.slot,
				v.flags & NL_VIF_F_XDP_REDIRECT ? "true" : "false", ip6, r6);
		else
			fprintf(f, "%-16s %8u %6u %-17s %-18s %-15s %4u %-12s %s %s\n", name,
				v.tenant, v.mac_as, mac, v.ip ? pfx : "-", v.router_ip ? r : "-",
				v.slot, v.flags & NL_VIF_F_XDP_REDIRECT ? "xdp-redirect" : "tc",
				ip6, r6);
		first = false;
	}
	if (json)
		fprintf(f, "]\n");
}

void na_show_nart(FILE *f, const struct na_maps *m, const struct na_agent_view *a, bool json)
{
	struct nart_views v;
	struct nart_bucket b;
	__u64 n1 = 0, n2 = 0;
	bool first = true;

	if (views_open(m, &v)) {
		fprintf(f, json ? "{\"error\":\"cannot map the NART arrays\"}\n"
				: "cannot map the NART arrays\n");
		return;
	}
	fprintf(f, json ? "{\"nart1\":[" : "NART-1 (tenant, ip) -> (mac, mac_as)\n");
	for (__u32 i = 0; i < v.t1.n; i++) {
		if (!cnart_view_read(&v.t1, i, &b))
			continue;
		for (int s = 0; s < NART_SLOTS; s++) {
			const struct nart1_slot *e = (const void *)&b.slot[s];
			char ip[INET_ADDRSTRLEN], mac[18];

			if (!e->tenant)
				continue;
			n1++;
			ip_str(e->ip, ip);
			nl_fmt_mac(e->mac, mac);
			if (json)
				fprintf(f,
					"%s{\"tenant\":%u,\"ip\":\"%s\",\"mac\":\"%s\",\"mac_as\":%"
					"u}",
					first ? "" : ",", e->tenant, ip, mac, e->mac_as);
			else
				fprintf(f, "  %8u %-15s -> %s %u\n", e->tenant, ip, mac, e->mac_as);
			first = false;
		}
	}
	first = true;
	fprintf(f, json ? "],\"nart2\":["
			: "NART-2 (tenant, mac_as, mac) -> (switch, port, version)\n");
	for (__u32 i = 0; i < v.t2.n; i++) {
		if (!cnart_view_read(&v.t2, i, &b))
			continue;
		for (int s = 0; s < NART_SLOTS; s++) {
			const struct nart2_slot *e = (const void *)&b.slot[s];
			struct nart_switch sw = {};
			char swm[18], mac[18], ver[24] = "-", jver[24] = "null";
			__u64 version;

			if (!e->tenant)
				continue;
			n2++;
			cnart_view_read(&v.sw, e->switch_idx, &sw);
			nl_fmt_mac(e->mac, mac);
			nl_fmt_mac(sw.mac, swm);
			/* versions are in the agent's memory only */
			if (a && cnart_get(a->tables->nart2, (const __u32 *)e, NULL, &version))
				snprintf(jver, sizeof(jver), "%llu", (unsigned long long)version),
					snprintf(ver, sizeof(ver), "%s", jver);
			if (json)
				fprintf(f,
					"%s{\"tenant\":%u,\"mac_as\":%u,\"mac\":\"%s\","
					"\"switch\":\"%s\",\"switch_idx\":%u,\"port\":%u,"
					"\"version\":%s}",
					first ? "" : ",", e->tenant, e->mac_as, mac, swm,
					e->switch_idx, e->port, jver);
			else
				fprintf(f, "  %8u %3u %s -> %s port %u version %s\n", e->tenant,
					e->mac_as, mac, swm, e->port, ver);
			first = false;
		}
	}
	views_close(&v);
	if (json)
		fprintf(f, "],\"nart1_entries\":%llu,\"nart2_entries\":%llu}\n",
			(unsigned long long)n1, (unsigned long long)n2);
	else
		fprintf(f, "NART-1: %llu entries, NART-2: %llu entries\n", (unsigned long long)n1,
			(unsigned long long)n2);
}

static const char *const counter_names[] = {
#define NAME(name, str, help) str,
	NL_COUNTERS(NAME)
#undef NAME
};

void na_show_stats(FILE *f, const struct na_maps *m, const struct na_agent_view *a, bool json)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 vals[ncpu > 0 ? ncpu : 1];
	struct nl_vif_stats vs[ncpu > 0 ? ncpu : 1];
	__u32 key, *prev = NULL;
	struct nl_vif v;
	bool first = true;

	fprintf(f, json ? "{\"counters\":{" : "datapath counters (non-zero):\n");
	for (__u32 c = 0; c < NL_C_MAX; c++) {
		__u64 sum = 0;

		if (bpf_map_lookup_elem(m->counters, &c, vals))
			continue;
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
		if (json)
			fprintf(f, "%s\"%s\":%llu", c ? "," : "", counter_names[c],
				(unsigned long long)sum);
		else if (sum)
			fprintf(f, "  %-20s %llu\n", counter_names[c], (unsigned long long)sum);
	}
	fprintf(f, json ? "},\"vifs\":[" : "per-VIF (VM's view):\n");
	while (!bpf_map_get_next_key(m->vifs, prev, &key)) {
		struct nl_vif_stats s = {};
		char name[IF_NAMESIZE] = "(gone)";

		prev = &key;
		if (bpf_map_lookup_elem(m->vifs, &key, &v) ||
		    bpf_map_lookup_elem(m->vif_stats, &v.slot, vs))
			continue;
		for (int i = 0; i < ncpu; i++) {
			s.rx_packets += vs[i].rx_packets;
			s.rx_bytes += vs[i].rx_bytes;
			s.tx_packets += vs[i].tx_packets;
			s.tx_bytes += vs[i].tx_bytes;
		}
		if_indextoname(key, name);
		if (json)
			fprintf(f,
				"%s{\"ifname\":\"%s\",\"rx_packets\":%llu,\"rx_bytes\":%llu,"
				"\"tx_packets\":%llu,\"tx_bytes\":%llu}",
				first ? "" : ",", name, (unsigned long long)s.rx_packets,
				(unsigned long long)s.rx_bytes, (unsigned long long)s.tx_packets,
				(unsigned long long)s.tx_bytes);
		else
			fprintf(f, "  %-16s rx %llu pkts %llu bytes, tx %llu pkts %llu bytes\n",
				name, (unsigned long long)s.rx_packets,
				(unsigned long long)s.rx_bytes, (unsigned long long)s.tx_packets,
				(unsigned long long)s.tx_bytes);
		first = false;
	}
	if (json)
		fprintf(f, "]");
	if (a) {
		static const char *ops[] = {"other", "here", "where", "not_here", "probe"};

		fprintf(f, json ? ",\"agent\":{" : "agent:\n");
		for (int i = 1; i < 5; i++)
			fprintf(f,
				json ? "\"nlarp_rx_%s\":%llu,\"nlarp_tx_%s\":%llu,"
				     : "  nlarp_rx_%-10s %llu\n  nlarp_tx_%-10s %llu\n",
				ops[i], (unsigned long long)a->st->nlarp_rx[i], ops[i],
				(unsigned long long)a->st->nlarp_tx[i]);
#define ST(name, val) \
	fprintf(f, json ? "\"%s\":%llu," : "  %-19s %llu\n", name, (unsigned long long)(val))
		ST("nlarp_own", a->st->nlarp_own);
		ST("nlarp_udp_dup", a->st->nlarp_udp_dup);
		ST("nlarp_rx_v2", a->st->nlarp_rx_v2);
		ST("nlarp_replay_senders", a->st->nlarp_replay_senders);
		ST("nlarp_replay_capacity", a->st->nlarp_replay_capacity);
		ST("nlarp_replay_evicted", a->st->nlarp_replay_evicted);
		ST("nlarp_tx_fail", a->st->nlarp_tx_fail);
		ST("nlarp_not_ready", a->st->nlarp_not_ready);
		ST("nlarp_no_vlan", a->st->nlarp_no_vlan);
		ST("nlarp_bad_frame", a->st->nlarp_short);
		ST("where_ratelimited", a->st->where_ratelimited);
		ST("where_scan_limited", a->st->where_scan_limited);
		ST("vlan_failovers", a->st->vlan_failovers);
		ST("vlan_recoveries", a->st->vlan_recoveries);
		ST("ev_nart1_miss", a->st->events[NL_EV_NART1_MISS]);
		ST("ev_nart2_miss", a->st->events[NL_EV_NART2_MISS]);
		ST("ev_vlan_miss", a->st->events[NL_EV_VLAN_MISS]);
		ST("ev_not_here", a->st->events[NL_EV_NOT_HERE]);
		ST("lldp_rx", a->st->lldp_rx);
		ST("lldp_changes", a->st->lldp_changes);
		ST("vlan_table_loads", a->st->vt_loads);
		ST("vlan_table_errors", a->st->vt_errors);
		ST("vlan_table_corrupt", a->st->vt_corrupt);
		ST("vlan_table_not_modified", a->st->vt_not_modified);
		ST("tenants_file_loads", a->st->tenants_loads);
		ST("tenants_file_refused", a->st->tenants_refused);
		ST("tenants_file_errors", a->st->tenants_errors);
		ST("tenants_file_not_modified", a->st->tenants_not_modified);
		if (a->store) {
			ST("vif_restored", a->store->st.restored);
			ST("vif_restore_pending", a->store->st.missing);
			ST("vif_restore_failed", a->store->st.failed);
			ST("vif_records_refused", a->store->st.corrupt);
			ST("vif_record_write_errors", a->store->st.write_errors);
		}
		for (int e = 1; e < NLARP_E_MAX; e++) {
			char n[64];

			snprintf(n, sizeof(n), "nlarp_rejected_%s", nlarp_errname(e));
			if (json || a->st->nlarp_err[e])
				ST(n, a->st->nlarp_err[e]);
		}
		ST("nlarp_probe_reply_unmatched", a->st->probe_reply_unmatched);
#define NA_CTL_STAT_SHOW(name, help) ST(#name, a->st->name);
		NA_CTL_STATS(NA_CTL_STAT_SHOW)
#undef NA_CTL_STAT_SHOW
		for (int e = 1; e < NLARP_AUTH_E_MAX; e++) {
			char n[64];

			if (e == NLARP_AUTH_E_BODY) /* counted as nlarp_rejected_* */
				continue;
			snprintf(n, sizeof(n), "nlarp_auth_%s", nlarp_auth_errname(e));
			if (json || a->st->nlarp_auth_err[e])
				ST(n, a->st->nlarp_auth_err[e]);
		}
		for (int e = 1; e < LLDP_E_MAX; e++) {
			char n[64];

			snprintf(n, sizeof(n), "lldp_rejected_%s", lldp_errname(e));
			if (json || a->st->lldp_err[e])
				ST(n, a->st->lldp_err[e]);
		}
		if (a->tables && a->tables->tombs) {
			struct nart_tombs_stats ts = nart_tombs_get_stats(a->tables->tombs);
			struct cnart_switch_stats ss = cnart_switch_get_stats(a->tables->switches);

			ST("nart_tombstones", ts.live);
			ST("nart_tombstones_evicted", ts.evicted);
			ST("switch_index_in_use", ss.in_use);
			ST("switch_index_reclaimed", ss.reclaimed);
			ST("switch_index_full", a->tables->switch_full);
			ST("nart1_full", a->tables->nart1_full);
			ST("nlarp_tenant_filtered", a->st->nlarp_tenant_filtered);
			ST("hosted_tenants", a->st->hosted_tenants);
			ST("tenant_filter_kernel", a->st->tenant_filter_kernel);
			ST("nart2_full", a->tables->nart2_full);
		}
		for (int r = 0; r < NART_R_MAX; r++) {
			char n[64];

			snprintf(n, sizeof(n), "nart_%s", nart_reason_name(r));
			if (json || a->st->nart_reason[r])
				ST(n, a->st->nart_reason[r]);
		}
#undef ST
		if (json)
			fprintf(f, "\"end\":0}");
	}
	if (json)
		fprintf(f, "}\n");
}

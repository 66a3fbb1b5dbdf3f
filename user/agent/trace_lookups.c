// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `na-loader trace`'s lookups (trace_lookups.h), replayed on the pinned maps
 * in the order of bpf/lib/forward.h, route.h, arp.h and receive.h (patent
 * Figs. 7 and 10); the compact NARTs are read through a read-only mapping
 * with the readers' sequence protocol (user/lib/cnart.c, docs/nart.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cnart.h"
#include "frame.h"
#include "trace_lookups.h"
#include "util.h"

static const __u8 router_mac[6] = {0x02, 0x4e, 0x4c, 0x52, 0x00, 0x01}; /* vif.h NA_ROUTER_MAC */

/* the slot of @key (@kw words) in the compact table behind @fd, as nart.h finds it */
static bool nart_find(int fd, const struct nart_geom *g, const __u32 *key, int kw,
		      struct nart_slot *out)
{
	struct cnart_view v;
	struct nart_bucket b;
	__u32 ib[2];
	bool found = false;

	if (!g->nbuckets || cnart_view_open(fd, &v))
		return false;
	nart_buckets(nart_hash_words(key, kw, g->seed), g->nbuckets, &ib[0], &ib[1]);
	for (int i = 0; i < 2 && !found; i++) {
		if (ib[i] >= v.n || !cnart_view_read(&v, ib[i], &b))
			continue;
		for (int s = 0; s < NART_SLOTS && !found; s++)
			if (b.slot[s].w[0] && !memcmp(b.slot[s].w, key, (size_t)kw * 4)) {
				*out = b.slot[s];
				found = true;
			}
	}
	cnart_view_close(&v);
	return found;
}

static bool switch_get(int fd, __u16 idx, struct nart_switch *sw)
{
	struct cnart_view v;
	bool ok;

	if (cnart_view_open(fd, &v))
		return false;
	ok = idx < v.n && cnart_view_read(&v, idx, sw);
	cnart_view_close(&v);
	return ok;
}

static struct na_trace_lookup *add(struct na_trace_lookup *l, int *n, const char *table)
{
	struct na_trace_lookup *e = &l[*n < NA_TRACE_MAX_LOOKUPS ? *n : NA_TRACE_MAX_LOOKUPS - 1];

	if (*n < NA_TRACE_MAX_LOOKUPS)
		(*n)++;
	memset(e, 0, sizeof(*e));
	e->table = table;
	return e;
}

static const char *ip4(__be32 a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, 16) ? buf : "?";
}

static void vif_key_text(const struct nl_vif_key *k, char *buf, size_t len)
{
	char mac[NL_MAC_STRLEN];

	nl_fmt_mac(k->mac, mac);
	snprintf(buf, len, "tenant %u mac_as %u %s", k->tenant, k->mac_as, mac);
}

static void local_vif(const struct na_maps *m, const struct nl_vif_key *k,
		      struct na_trace_lookup *l, int *n)
{
	struct na_trace_lookup *e = add(l, n, "local_vifs");
	struct nl_local_vif lv;

	vif_key_text(k, e->key, sizeof(e->key));
	e->hit = !bpf_map_lookup_elem(m->local_vifs, k, &lv);
	if (e->hit)
		snprintf(e->result, sizeof(e->result), "ifindex %u slot %u", lv.ifindex, lv.slot);
}

/* NART-2, then the switch array or the local VIFs, as nl_tx_locate() */
static void locate(const struct na_maps *m, const struct nl_config *cfg,
		   const struct nl_vif_key *dst, struct na_trace_lookup *l, int *n)
{
	struct na_trace_lookup *e = add(l, n, "nart2");
	struct nart_slot s;
	struct nart2_slot loc;
	struct nart_switch sw;
	char mac[NL_MAC_STRLEN];

	vif_key_text(dst, e->key, sizeof(e->key));
	e->hit = nart_find(m->nart2, &cfg->nart2, (const __u32 *)dst, NART2_KEY_WORDS, &s);
	if (!e->hit) {
		local_vif(m, dst, l, n);
		return;
	}
	memcpy(&loc, &s, sizeof(loc));
	snprintf(e->result, sizeof(e->result), "switch index %u port %u", loc.switch_idx, loc.port);
	e = add(l, n, "switches");
	snprintf(e->key, sizeof(e->key), "index %u", loc.switch_idx);
	e->hit = switch_get(m->switches, loc.switch_idx, &sw);
	if (!e->hit)
		return;
	nl_fmt_mac(sw.mac, mac);
	{
		size_t o = (size_t)snprintf(e->result, sizeof(e->result), "switch %s VLANs", mac);

		for (unsigned int i = 0; i < sw.count && i < NART_SWITCH_VLANS && o < 140; i++)
			o += (size_t)snprintf(e->result + o, sizeof(e->result) - o, "%s%u",
					      i ? "," : " ", sw.vlans[i]);
		if (!sw.count)
			snprintf(e->result + o, sizeof(e->result) - o, " none (VLAN miss)");
	}
	if (loc.port == cfg->port && !memcmp(sw.mac, cfg->switch_mac, 6))
		local_vif(m, dst, l, n); /* our own location: a VIF on this server */
}

static int vif_lookups(const struct na_maps *m, const struct nl_config *cfg,
		       const struct na_trace_in *in, struct na_trace_lookup *l)
{
	struct na_trace_lookup *e;
	struct nl_frame f;
	struct nl_vif vif;
	struct nl_vif_key dst = {0};
	char a[16], mac[NL_MAC_STRLEN];
	int n = 0;
	__be32 dip;

	e = add(l, &n, "vifs");
	snprintf(e->key, sizeof(e->key), "ifindex %u", in->vif_ifindex);
	e->hit = !bpf_map_lookup_elem(m->vifs, &in->vif_ifindex, &vif);
	if (!e->hit)
		return n;
	nl_fmt_mac(vif.mac, mac);
	snprintf(e->result, sizeof(e->result), "tenant %u mac_as %u %s ip %s", vif.tenant,
		 vif.mac_as, mac, ip4(vif.ip, a));
	nl_frame_decode(in->frame, in->len, in->len, &f);
	if (!f.outer.eth || f.outer.vlan >= 0)
		return n;
	if (f.outer.l3 == NL_L3_ARP) {
		struct nl_nart1_key k1 = {.tenant = vif.tenant};
		struct nart_slot s;

		memcpy(&k1.ip, f.outer.daddr, 4);
		e = add(l, &n, "nart1");
		snprintf(e->key, sizeof(e->key), "tenant %u ip %s (proxy ARP)", k1.tenant,
			 ip4(k1.ip, a));
		e->hit = nart_find(m->nart1, &cfg->nart1, (const __u32 *)&k1, NART1_KEY_WORDS, &s);
		if (e->hit) {
			struct nart1_slot s1;

			memcpy(&s1, &s, sizeof(s1));
			nl_fmt_mac(s1.mac, mac);
			snprintf(e->result, sizeof(e->result), "%s mac_as %u", mac, s1.mac_as);
		}
		return n;
	}
	if (f.outer.dst[0] & 1)
		return n; /* broadcast/multicast: dropped before any lookup */
	dst.tenant = vif.tenant;
	if (vif.router_ip && !memcmp(f.outer.dst, router_mac, 6) && f.outer.l3 == NL_L3_IPV4) {
		struct nl_subnet_key sk = {.prefixlen = 64, .tenant = vif.tenant};
		struct nl_subnet_val sv;
		struct nl_nart1_key k1 = {.tenant = vif.tenant};
		struct nart_slot s;
		bool route, found = false;

		memcpy(&dip, f.outer.daddr, 4);
		sk.ip = dip;
		k1.ip = dip;
		/* the longest prefix among the tenant's subnets and routes (bpf/lib/route.h) */
		e = add(l, &n, "subnets");
		snprintf(e->key, sizeof(e->key), "tenant %u ip %s (routed)", vif.tenant,
			 ip4(dip, a));
		e->hit = !bpf_map_lookup_elem(m->subnets, &sk, &sv);
		route = e->hit && sv.kind == NL_SUBNET_ROUTE;
		if (route) {
			int len = snprintf(e->result, sizeof(e->result), "route via");

			for (unsigned int i = 0; i < sv.n_nh && i < NL_ROUTE_MAX_NH; i++)
				len += snprintf(e->result + len, sizeof(e->result) - (size_t)len,
						" %s", ip4(sv.nh[i], a));
			snprintf(e->result + len, sizeof(e->result) - (size_t)len,
				 " (a known one by flow hash)");
		} else if (e->hit) {
			snprintf(e->result, sizeof(e->result), "subnet mac_as %u router %s",
				 sv.mac_as, ip4(sv.router_ip, a));
		}
		/* a route: NART-1 on each next hop; otherwise on the destination */
		for (unsigned int i = 0; i < (route ? sv.n_nh : 1) && i < NL_ROUTE_MAX_NH; i++) {
			if (route)
				k1.ip = sv.nh[i];
			e = add(l, &n, "nart1");
			snprintf(e->key, sizeof(e->key), "tenant %u ip %s%s", vif.tenant,
				 ip4(k1.ip, a), route ? " (next hop)" : "");
			e->hit = nart_find(m->nart1, &cfg->nart1, (const __u32 *)&k1,
					   NART1_KEY_WORDS, &s);
			if (e->hit) {
				struct nart1_slot s1;

				memcpy(&s1, &s, sizeof(s1));
				nl_fmt_mac(s1.mac, mac);
				snprintf(e->result, sizeof(e->result), "%s mac_as %u", mac,
					 s1.mac_as);
				if (!found) {
					dst.mac_as = s1.mac_as;
					memcpy(dst.mac, s1.mac, 6);
				}
				found = true;
			}
		}
		if (!found)
			return n;
	} else {
		dst.mac_as = vif.mac_as;
		memcpy(dst.mac, f.outer.dst, 6);
	}
	locate(m, cfg, &dst, l, &n);
	return n;
}

static int uplink_lookups(const struct na_maps *m, const struct nl_config *cfg,
			  const struct na_trace_in *in, struct na_trace_lookup *l)
{
	struct nl_frame f;
	struct nl_vif_key k = {0};
	__u32 d, s;
	int n = 0;

	nl_frame_decode(in->frame, in->len, in->len, &f);
	if (!f.encap || f.outer.l3 != NL_L3_IPV4 || !f.inner.eth)
		return 0;
	memcpy(&d, f.outer.daddr, 4);
	memcpy(&s, f.outer.saddr, 4);
	d = ntohl(d);
	s = ntohl(s);
	k.tenant = cfg->tenant_bits == NL_TENANT_BITS_24 ? d & 0xffffff : d & 0xffff;
	k.mac_as = (__u16)(cfg->tenant_bits == NL_TENANT_BITS_24 ? s >> 24 : (s >> 16) & 0xff);
	memcpy(k.mac, f.inner.dst, 6);
	local_vif(m, &k, l, &n);
	return n;
}

int na_trace_lookups(const struct na_maps *m, const struct nl_config *cfg,
		     const struct na_trace_in *in, struct na_trace_lookup *l)
{
	return in->uplink ? uplink_lookups(m, cfg, in, l) : vif_lookups(m, cfg, in, l);
}

void na_trace_lookups_text(FILE *o, const struct na_trace_lookup *l, int n)
{
	if (n)
		fprintf(o, "lookups (replayed on the same maps):\n");
	for (int i = 0; i < n; i++)
		fprintf(o, "  %-10s %-44s %s%s\n", l[i].table, l[i].key, l[i].hit ? "-> " : "miss",
			l[i].hit ? l[i].result : "");
}

void na_trace_lookups_json(FILE *o, const struct na_trace_lookup *l, int n)
{
	fprintf(o, "[");
	for (int i = 0; i < n; i++)
		fprintf(o, "%s{\"table\":\"%s\",\"key\":\"%s\",\"hit\":%s,\"result\":\"%s\"}",
			i ? "," : "", l[i].table, l[i].key, l[i].hit ? "true" : "false",
			l[i].result);
	fprintf(o, "]");
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Router advertisements into the VIFs (ra_sender.h; RFC 4861, RFC 8106). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include "ctl_frame.h"
#include "log.h"
#include "ra.h"
#include "ip6.h"
#include "ra_sender.h"
#include "vif.h"
#include "vif_tx.h"

void na_ra_router_ll(const __u8 mac[6], __u8 out[16])
{
	nl_ctl_link_local(mac, out);
}

static struct na_ra_vif *find(struct na_ra *ra, int ifindex)
{
	for (int i = 0; i < ra->n; i++)
		if (ra->vifs[i].ifindex == ifindex)
			return &ra->vifs[i];
	return NULL;
}

/* xorshift: the intervals only need to be spread, not secret */
static __u32 rnd(struct na_ra *ra)
{
	__u32 x = ra->seed ? ra->seed : 0x9e3779b9U;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	ra->seed = x;
	return x;
}

/* RFC 4861 6.2.4: uniform in [Min, Max], at most 16 s for the first three */
static void schedule(struct na_ra *ra, struct na_ra_vif *v, __u64 now_ms)
{
	__u64 lo = NL_RA_MIN_INTERVAL_S * 1000ULL, hi = NL_RA_MAX_INTERVAL_S * 1000ULL;
	__u64 d = lo + rnd(ra) % (hi - lo + 1);

	if (v->initial_left > 0) {
		v->initial_left--;
		if (d > NL_RA_INITIAL_INTERVAL_S * 1000ULL)
			d = NL_RA_INITIAL_INTERVAL_S * 1000ULL;
	}
	v->next_ms = now_ms + d;
}

void na_ra_vif_set(struct na_ra *ra, int ifindex, const struct nl_vif *vif,
		   const struct nl_vif_ip6 *v6, __u64 now_ms)
{
	struct na_ra_vif *v = find(ra, ifindex);

	if (!v6->count) {
		na_ra_vif_del(ra, ifindex);
		return;
	}
	if (!v) {
		if (ra->n == NL_MAX_VIFS)
			return;
		v = &ra->vifs[ra->n++];
	}
	memset(v, 0, sizeof(*v));
	v->ifindex = ifindex;
	v->vif = *vif;
	v->v6 = *v6;
	v->initial_left = NL_RA_INITIAL_COUNT;
	v->next_ms = now_ms; /* the first one at once: the VM may be up already */
}

const struct nl_vif_ip6 *na_ra_vif6(struct na_ra *ra, int ifindex)
{
	struct na_ra_vif *v = find(ra, ifindex);

	return v ? &v->v6 : NULL;
}

void na_ra_vif_del(struct na_ra *ra, int ifindex)
{
	struct na_ra_vif *v = find(ra, ifindex);

	if (v)
		*v = ra->vifs[--ra->n];
}

static __u32 vif_mtu(const struct na_ra *ra)
{
	struct nl_config cfg;

	if (na_config_get(ra->maps, &cfg) || cfg.fabric_mtu <= NL_ENCAP_OVERHEAD_UDP)
		return 0;
	return (__u32)(cfg.fabric_mtu - na_vif_overhead(cfg.encap_mode));
}

/* the advertisement for @v to @dst_mac/@dst */
static void advertise(struct na_ra *ra, const struct na_ra_vif *v, const __u8 dst_mac[6],
		      const __u8 dst[16])
{
	static const __u8 router_mac[6] = NA_ROUTER_MAC, zero[16];
	struct nl_ra_cfg c = {0};
	__u8 out[NL_RA_FRAME_MAX];
	int len;

	memcpy(c.src_mac, memcmp(v->vif.router_mac, zero, 6) ? v->vif.router_mac : router_mac, 6);
	na_ra_router_ll(c.src_mac, c.src);
	memcpy(c.dst_mac, dst_mac, 6);
	memcpy(c.dst, dst, 16);
	/* a default router only where the VIF has a virtual router for IPv6 */
	c.lifetime_s = memcmp(v->v6.router, zero, 16) ? NL_RA_ROUTER_LIFETIME_S : 0;
	c.mtu = vif_mtu(ra);
	for (int i = 0; i < v->v6.count && i < NL_VIF_MAX_IP6; i++) {
		struct nl_ra_prefix pf = {.plen = v->v6.prefix_len[i]};
		struct na_subnet_cfg sc;
		bool dup = false;

		for (int b = 0; b < 16; b++) {
			int keep = pf.plen - 8 * b;

			pf.addr[b] = keep >= 8	? v->v6.addr[i][b]
				     : keep > 0 ? v->v6.addr[i][b] & (__u8)(0xff << (8 - keep))
						: 0;
		}
		for (int j = 0; j < c.nprefix; j++)
			dup |= c.prefix[j].plen == pf.plen &&
			       !memcmp(c.prefix[j].addr, pf.addr, 16);
		if (dup || c.nprefix == NL_RA_MAX_PREFIX)
			continue;
		/*
		 * SLAAC only where it yields the VIF's own address; else the guest
		 * gets it by DHCPv6 (M flag), never one the datapath would drop
		 */
		pf.no_auto = !nl_ip6_is_slaac_of(v->v6.addr[i], pf.plen, v->vif.mac);
		c.managed |= pf.no_auto;
		c.prefix[c.nprefix++] = pf;
		/* the first address's subnet decides the mode and the DNS servers */
		if (c.nprefix == 1) {
			na_subnet_lookup(*ra->subnets,
					 ra->tnet ? na_tenant_net_find(ra->tnet, v->vif.tenant)
						  : NULL,
					 v->vif.tenant, AF_INET6, v->v6.addr[i], &sc);
			c.managed |= sc.mode == NA_RA_MANAGED;
			c.ndns = sc.ndns;
			memcpy(c.dns, sc.dns, sizeof(c.dns));
		}
	}
	len = nl_ra_build(&c, out, sizeof(out));
	if (len > 0 && !na_vif_tx_send(ra->tx, v->ifindex, out, (size_t)len))
		ra->st->ra_sent++;
}

void na_ra_load(struct na_ra *ra, __u64 now_ms)
{
	__u32 key, next, *prev = NULL;
	struct nl_vif_ip6 v6;
	struct nl_vif vif;

	while (!bpf_map_get_next_key(ra->maps->vif_ip6s, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(ra->maps->vif_ip6s, &key, &v6) &&
		    !bpf_map_lookup_elem(ra->maps->vifs, &key, &vif))
			na_ra_vif_set(ra, (int)key, &vif, &v6, now_ms);
	}
	if (ra->n)
		log_info("router advertisements for %d VIF(s) with IPv6", ra->n);
}

void na_ra_tick(struct na_ra *ra, __u64 now_ms)
{
	static const __u8 all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	static const __u8 all_nodes[16] = {0xff, 0x02, [15] = 1};

	for (int i = 0; i < ra->n; i++) {
		struct na_ra_vif *v = &ra->vifs[i];
		struct nl_vif cur;

		if (now_ms < v->next_ms)
			continue;
		/* a VIF withdrawn since (vif del, interface gone): no more adverts */
		if (bpf_map_lookup_elem(ra->maps->vifs, &v->ifindex, &cur)) {
			na_ra_vif_del(ra, v->ifindex);
			i--;
			continue;
		}
		v->vif = cur;
		advertise(ra, v, all_nodes_mac, all_nodes);
		v->last_mc_ms = now_ms;
		schedule(ra, v, now_ms);
	}
}

void na_ra_solicited(struct na_ra *ra, int ifindex, const __u8 *frame, size_t len)
{
	static const __u8 all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	static const __u8 all_nodes[16] = {0xff, 0x02, [15] = 1}, any[16];
	struct na_ra_vif *v = find(ra, ifindex);
	struct nl_rs rs;

	if (nl_rs_parse(frame, len, &rs)) {
		ra->st->rs_bad++;
		return;
	}
	if (!v) {
		ra->st->rs_no_ip6++; /* a VIF without IPv6: no router for it */
		return;
	}
	ra->st->rs_answered++;
	/* from :: (no address yet): to all nodes, which on a VIF is that VM */
	if (!memcmp(rs.src, any, 16))
		advertise(ra, v, all_nodes_mac, all_nodes);
	else
		advertise(ra, v, v->vif.mac, rs.src);
}

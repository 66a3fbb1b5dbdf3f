// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* NL-ARP address resolution (resolver.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ip6.h"
#include "local_vifs.h"
#include "log.h"
#include "nart_apply.h"
#include "ratelimit.h"
#include "resolver.h"
#include "util.h"

#define WHERE_RATE  1.0 /* per second per destination */
#define WHERE_BURST 2.0

int na_resolver_init(struct na_resolver *r)
{
	r->rl = nl_rl_new(16384, WHERE_RATE, WHERE_BURST);
	return r->rl ? 0 : -ENOMEM;
}

void na_resolver_free(struct na_resolver *r)
{
	nl_rl_free(r->rl);
	r->rl = NULL;
}

/* ---- announcing our VIFs ------------------------------------------------------------------ */

/* the version of our own announcement of @k, 0 if none is in force */
static __u64 local_version(const struct na_resolver *r, const struct nl_vif_key *k)
{
	struct nart_entry e;

	if (nart_store_nart2_get(r->tables, k, &e) &&
	    !memcmp(e.loc.switch_mac, r->loc->switch_mac, 6) && e.loc.port == r->loc->port)
		return e.version;
	return 0;
}

static void here_fields(const struct na_resolver *r, const struct nl_vif *v,
			const struct nl_vif_ip6 *v6, __u64 version, struct nlarp_fields *m)
{
	memset(m, 0, sizeof(*m));
	m->version = NLARP_VERSION;
	m->op = NLARP_HERE;
	m->tenant = v->tenant;
	m->mac_as = v->mac_as;
	memcpy(m->mac, v->mac, 6);
	if (v->ip) {
		m->flags |= NLARP_F_HAS_IP;
		m->ip = v->ip;
	}
	memcpy(m->switch_mac, r->loc->switch_mac, 6);
	m->port = r->loc->port;
	m->loc_version = version;
	memcpy(m->sender_switch_mac, r->loc->switch_mac, 6);
	m->sender_port = r->loc->port;
	m->ip6_count = v6->count <= NLARP_MAX_IP6 ? v6->count : 0;
	memcpy(m->ip6, v6->addr, (size_t)m->ip6_count * 16);
}

int na_announce_vif(struct na_resolver *r, const struct nl_vif *v, bool gone)
{
	struct nl_vif_ip6 v6;

	na_vif_ip6_get(r->maps, v->ifindex, &v6);
	return na_announce_vif6(r, v, &v6, gone);
}

int na_announce_vif6(struct na_resolver *r, const struct nl_vif *v, const struct nl_vif_ip6 *v6,
		     bool gone)
{

	struct nl_vif_key k = {.tenant = v->tenant, .mac_as = v->mac_as};
	struct nart_loc here = {.port = r->loc->port};
	const struct nart_loc *self;
	struct nlarp_fields m;
	bool moved;
	__u64 ver;
	char mac[NL_MAC_STRLEN];

	memcpy(k.mac, v->mac, 6);
	memcpy(here.switch_mac, r->loc->switch_mac, 6);
	/* no location before LLDP: the IP binding only; announced later */
	self = r->loc->ready ? &here : NULL;
	if (gone) {
		ver = nart_store_local_gone(r->tables, self, &k, v->ip, &moved);
		if (!moved)
			nart_store_local_unbind6(r->tables, &k, v6->addr, v6->count);
		if (moved) {
			nl_fmt_mac(v->mac, mac);
			log_info("tenant %u %s withdrawn here is already announced at another "
				 "place: its entries stay",
				 v->tenant, mac);
		}
	} else {
		ver = nart_store_local_here(r->tables, self, &k, v->ip);
		nart_store_local_bind6(r->tables, &k, v6->addr, v6->count, ver);
	}
	if (!self)
		return 0;
	here_fields(r, v, v6, ver, &m);
	if (gone)
		m.flags |= NLARP_F_GONE;
	nl_fmt_mac(v->mac, mac);
	log_info("%s tenant %u mac_as %u %s version %llu (%u IPv6)", gone ? "HERE+GONE" : "HERE",
		 v->tenant, v->mac_as, mac, (unsigned long long)ver, m.ip6_count);
	return na_nlarp_broadcast(r->io, &m);
}

/*
 * Our VIF @k is announced elsewhere with a newer version than ours: it is
 * migrating away (the destination's `vif add` came before our `vif del`).
 * We neither re-announce it nor answer WHERE for it: that would pull the
 * fabric back to the old place.
 */
static bool moved_away(const struct na_resolver *r, const struct nl_vif_key *k)
{
	struct nart_entry e;

	return r->loc->ready && nart_store_nart2_get(r->tables, k, &e) &&
	       (memcmp(e.loc.switch_mac, r->loc->switch_mac, 6) || e.loc.port != r->loc->port);
}

struct announce_ctx {
	struct na_resolver *r;
	bool force;
};

static int announce_one(const struct nl_vif *v, void *ctx)
{
	struct announce_ctx *a = ctx;
	struct nl_vif_key k = {.tenant = v->tenant, .mac_as = v->mac_as};
	char mac[NL_MAC_STRLEN];

	memcpy(k.mac, v->mac, 6);
	if (v->flags & NL_VIF_F_INCOMING)
		return 0; /* announced when its guest resumes here (incoming.h) */
	if (!a->force && moved_away(a->r, &k)) {
		nl_fmt_mac(v->mac, mac);
		log_info("tenant %u %s is announced at another place with a newer version: not "
			 "re-announced (migrating away)",
			 v->tenant, mac);
		return 0;
	}
	na_announce_vif(a->r, v, false);
	return 0;
}

void na_announce_all(struct na_resolver *r, bool force)
{
	struct announce_ctx a = {.r = r, .force = force};

	na_local_vif_foreach(r->maps, announce_one, &a);
}

/* ---- what other NAs say ---------------------------------------------------------------------- */

/* our location, NULL before LLDP gave one */
static const struct nart_loc *self_loc(const struct na_resolver *r, struct nart_loc *buf)
{
	if (!r->loc->ready)
		return NULL;
	memcpy(buf->switch_mac, r->loc->switch_mac, 6);
	buf->port = r->loc->port;
	return buf;
}

static void handle_here(struct na_resolver *r, const struct nlarp_fields *m)
{
	struct nart_loc self;
	struct nl_vif_key k = {.tenant = m->tenant, .mac_as = m->mac_as};
	struct nart_apply_result res;
	char mac[NL_MAC_STRLEN];

	/* any NA that announces a VIF can answer VLAN probes towards its switch */
	if (!(m->flags & NLARP_F_GONE))
		na_probe_peer(r->probe, m->sender_switch_mac, m->sender_port);
	res = nart_apply(&nart_store_ops, r->tables, self_loc(r, &self), m);
	r->st->nart_reason[res.d.reason]++;
	nl_fmt_mac(m->mac, mac);
	if (res.d.contradictory)
		log_warn("contradictory HERE for tenant %u %s: same version %llu, two locations "
			 "(%s)",
			 m->tenant, mac, (unsigned long long)m->loc_version,
			 nart_reason_name(res.d.reason));
	memcpy(k.mac, m->mac, 6);
	if ((res.d.action == NART_INSERT || res.d.action == NART_UPDATE) &&
	    na_local_vif_find(r->maps, &k, &(struct nl_vif){}))
		log_info("tenant %u %s hosted here is announced at port %u with a newer "
			 "version: migrating away (`vif del` here should follow; if it was "
			 "started elsewhere without it, run it)",
			 m->tenant, mac, m->port);
	log_debug("HERE tenant %u mac_as %u %s at port %u v%llu: %s %s", m->tenant, m->mac_as, mac,
		  m->port, (unsigned long long)m->loc_version, nart_action_name(res.d.action),
		  nart_reason_name(res.d.reason));
}

static void handle_where(struct na_resolver *r, const struct nlarp_fields *m)
{
	struct nl_vif_key k = {.tenant = m->tenant, .mac_as = m->mac_as};
	struct nlarp_fields reply;
	struct nl_vif_ip6 v6;
	struct nl_vif v;
	bool found;

	memcpy(k.mac, m->mac, 6);
	if ((m->flags & NLARP_F_BY_IP) && m->ip6_count)
		found = na_local_vif_by_ip6(r->maps, m->tenant, m->ip6[0], &v);
	else if (m->flags & NLARP_F_BY_IP)
		found = na_local_vif_by_ip(r->maps, m->tenant, m->ip, &v);
	else
		found = na_local_vif_find(r->maps, &k, &v);
	if (!found)
		return;
	k.mac_as = v.mac_as;
	memcpy(k.mac, v.mac, 6);
	if (moved_away(r, &k))
		return; /* the NA it moved to answers */
	na_vif_ip6_get(r->maps, v.ifindex, &v6);
	here_fields(r, &v, &v6, local_version(r, &k), &reply);
	if (!reply.loc_version) {
		/* not announced yet (e.g. before LLDP): stamp it now */
		na_announce_vif(r, &v, false);
		reply.loc_version = local_version(r, &k);
	}
	reply.flags |= NLARP_F_REPLY;
	log_debug("WHERE from port %u answered for tenant %u", m->sender_port, m->tenant);
	na_nlarp_unicast(r->io, m->sender_switch_mac, m->sender_port, &reply);
}

static void handle_not_here(struct na_resolver *r, const struct nlarp_fields *m)
{
	struct nart_loc self;
	struct nart_apply_result res =
		nart_apply(&nart_store_ops, r->tables, self_loc(r, &self), m);
	char mac[NL_MAC_STRLEN];

	r->st->nart_reason[res.d.reason]++;
	nl_fmt_mac(m->mac, mac);
	if (res.d.action != NART_DELETE) {
		log_debug("NOT-HERE for tenant %u %s from port %u ignored: %s", m->tenant, mac,
			  m->port, nart_reason_name(res.d.reason));
		return;
	}
	log_info("NOT-HERE: tenant %u mac_as %u %s is not at port %u: entry deleted, asking "
		 "WHERE",
		 m->tenant, m->mac_as, mac, m->port);
	na_where_send(r, m->tenant, m->mac_as, m->mac, 0);
}

void na_resolver_rx(void *ctx, const struct nlarp_fields *m)
{
	struct na_resolver *r = ctx;

	switch (m->op) {
	case NLARP_HERE:
		handle_here(r, m);
		break;
	case NLARP_WHERE:
		handle_where(r, m);
		break;
	case NLARP_NOT_HERE:
		handle_not_here(r, m);
		break;
	case NLARP_PROBE:
		na_probe_rx(r->probe, m);
		break;
	}
}

/* ---- asking --------------------------------------------------------------------------------- */

struct rl_key {
	__u32 type;
	__u32 tenant;
	__u16 mac_as;
	__u8 mac[6];
	__be32 ip;
};

static bool allowed(struct na_resolver *r, __u32 type, __u32 tenant, __u16 mac_as, const __u8 *mac,
		    __be32 ip)
{
	struct rl_key k = {.type = type, .tenant = tenant, .mac_as = mac_as, .ip = ip};

	if (mac)
		memcpy(k.mac, mac, 6);
	if (nl_rl_allow(r->rl, &k, sizeof(k), nl_now_ms()))
		return true;
	r->st->where_ratelimited++;
	return false;
}

void na_where_send(struct na_resolver *r, __u32 tenant, __u16 mac_as, const __u8 *mac, __be32 ip)
{
	struct nlarp_fields m = {
		.version = NLARP_VERSION,
		.op = NLARP_WHERE,
		.tenant = tenant,
		.mac_as = mac_as,
		.sender_port = r->loc->port,
	};
	char what[40];

	if (!r->loc->ready)
		return;
	if (!allowed(r, NLARP_WHERE, tenant, mac_as, ip ? NULL : mac, ip))
		return;
	memcpy(m.sender_switch_mac, r->loc->switch_mac, 6);
	if (ip) {
		m.flags = NLARP_F_BY_IP | NLARP_F_HAS_IP;
		m.ip = ip;
		snprintf(what, sizeof(what), "%u.%u.%u.%u", ((__u8 *)&ip)[0], ((__u8 *)&ip)[1],
			 ((__u8 *)&ip)[2], ((__u8 *)&ip)[3]);
	} else {
		memcpy(m.mac, mac, 6);
		nl_fmt_mac(mac, what);
	}
	log_info("WHERE tenant %u mac_as %u %s", tenant, mac_as, what);
	na_nlarp_broadcast(r->io, &m);
}

void na_where_send6(struct na_resolver *r, __u32 tenant, const __u8 ip6[16])
{
	struct nlarp_fields m = {
		.version = NLARP_VERSION,
		.op = NLARP_WHERE,
		.flags = NLARP_F_BY_IP,
		.tenant = tenant,
		.sender_port = r->loc->port,
		.ip6_count = 1,
	};
	struct {
		__u32 tenant;
		__u8 ip6[16];
	} rk = {.tenant = tenant};
	char what[NL_IP6_STRLEN];

	if (!r->loc->ready)
		return;
	memcpy(rk.ip6, ip6, 16);
	/* 20-byte keys; struct rl_key is 24 bytes: the two never match each other */
	if (!nl_rl_allow(r->rl, &rk, sizeof(rk), nl_now_ms())) {
		r->st->where_ratelimited++;
		return;
	}
	memcpy(m.sender_switch_mac, r->loc->switch_mac, 6);
	memcpy(m.ip6[0], ip6, 16);
	log_info("WHERE tenant %u %s", tenant, nl_fmt_ipv6(ip6, what));
	na_nlarp_broadcast(r->io, &m);
}

/* the location of the NA hosting the sender of a frame we could not deliver */
static bool find_sender(const struct na_resolver *r, __u32 tenant, __u16 mac_as,
			const __u8 *peer_mac, __be32 peer_ip, struct nart_loc *loc)
{
	struct nl_vif_key k = {.tenant = tenant, .mac_as = mac_as};
	struct nart_entry e;

	if (peer_ip) {
		struct nl_nart1_key k1 = {.tenant = tenant, .ip = peer_ip};
		struct nl_nart1_val v1;

		if (nart_store_nart1_get(r->tables, &k1, &v1) && !memcmp(v1.mac, peer_mac, 6)) {
			struct nl_vif_key k2 = {.tenant = tenant, .mac_as = v1.mac_as};

			memcpy(k2.mac, v1.mac, 6);
			if (nart_store_nart2_get(r->tables, &k2, &e)) {
				*loc = e.loc;
				return true;
			}
		}
	}
	memcpy(k.mac, peer_mac, 6);
	if (!nart_store_nart2_get(r->tables, &k, &e))
		return false;
	*loc = e.loc;
	return true;
}

void na_not_here_send(struct na_resolver *r, __u32 tenant, __u16 mac_as, const __u8 *mac,
		      const __u8 *peer_mac, __be32 peer_ip)
{
	const struct na_location *here = r->loc;
	struct nlarp_fields m = {
		.version = NLARP_VERSION,
		.op = NLARP_NOT_HERE,
		.tenant = tenant,
		.mac_as = mac_as,
		.port = here->port,
		.sender_port = here->port,
	};
	struct nart_loc loc;
	char smac[NL_MAC_STRLEN];

	if (!here->ready || !allowed(r, NLARP_NOT_HERE, tenant, mac_as, mac, 0))
		return;
	memcpy(m.mac, mac, 6);
	memcpy(m.switch_mac, here->switch_mac, 6);
	memcpy(m.sender_switch_mac, here->switch_mac, 6);
	nl_fmt_mac(mac, smac);
	if (find_sender(r, tenant, mac_as, peer_mac, peer_ip, &loc) &&
	    (memcmp(loc.switch_mac, here->switch_mac, 6) || loc.port != here->port)) {
		log_info("NOT-HERE tenant %u mac_as %u %s -> NA at port %u", tenant, mac_as, smac,
			 loc.port);
		na_nlarp_unicast(r->io, loc.switch_mac, loc.port, &m);
	} else {
		log_info("NOT-HERE tenant %u mac_as %u %s broadcast (sender unknown)", tenant,
			 mac_as, smac);
		na_nlarp_broadcast(r->io, &m);
	}
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * DHCP and router solicitations of the VMs, answered on the hypervisor
 * (responder.h; issue 11, docs/dhcp.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "config.h"
#include "ctl_frame.h"
#include "dhcp4.h"
#include "dhcp6.h"
#include "drain.h"
#include "log.h"
#include "ra_sender.h"
#include "ratelimit.h"
#include "ip6.h"
#include "responder.h"
#include "util.h"
#include "vif.h"
#include "vif_tx.h"

/* the usable MTU of a VIF: the fabric's minus the encapsulation (as nl_tx_check_mtu) */
static __u16 vif_mtu(const struct na_responder *r)
{
	struct nl_config cfg;

	if (na_config_get(r->maps, &cfg) || cfg.fabric_mtu <= NL_ENCAP_OVERHEAD_UDP)
		return 0;
	return (__u16)(cfg.fabric_mtu - na_vif_overhead(cfg.encap_mode));
}

/* the tenant's definition in the tenants file in force (subnets.h's precedence) */
static const struct nl_tenant *tenant_def(const struct na_tenant_net *tn, __u32 tenant)
{
	return tn ? na_tenant_net_find(tn, tenant) : NULL;
}

static void dhcp4(struct na_responder *r, const struct nl_punt *p, const struct nl_vif *vif)
{
	static const __u8 router_mac[6] = NA_ROUTER_MAC;
	struct nl_dhcp4_cfg c = {0};
	struct na_subnet_cfg sc;
	struct nl_dhcp4_msg m;
	__u8 out[NL_DHCP4_FRAME_MAX];
	int type, len;

	if (nl_dhcp4_parse(p->data, p->cap_len, &m)) {
		r->st->dhcp4_bad++;
		return;
	}
	na_subnet_lookup(r->subnets, tenant_def(r->tnet, vif->tenant), vif->tenant, AF_INET,
			 &vif->ip, &sc);
	memcpy(c.client_mac, vif->mac, 6);
	memcpy(c.server_mac, vif->router_ip ? vif->router_mac : router_mac, 6);
	c.ip = vif->ip;
	c.prefix_len = vif->prefix_len;
	c.router = vif->router_ip;
	c.server_id = vif->router_ip;
	c.lease_s = sc.lease_s;
	c.mtu = vif_mtu(r);
	c.ndns = sc.ndns;
	for (int i = 0; i < sc.ndns && i < NL_DHCP4_MAX_DNS; i++)
		memcpy(&c.dns[i], sc.dns[i], 4);
	snprintf(c.domain, sizeof(c.domain), "%s", sc.domain);
	type = nl_dhcp4_answer(&m, &c);
	if (!type) {
		r->st->dhcp4_silent++;
		return;
	}
	if (!nl_rl_allow(r->rl, &p->ifindex, sizeof(p->ifindex), nl_mono_ms())) {
		r->st->dhcp_ratelimited++;
		return;
	}
	len = nl_dhcp4_build(&m, &c, type, out, sizeof(out));
	if (len < 0 || na_vif_tx_send(r->tx, (int)p->ifindex, out, (size_t)len))
		return;
	if (type == NL_DHCP4_OFFER)
		r->st->dhcp4_offer++;
	else if (type == NL_DHCP4_ACK)
		r->st->dhcp4_ack++;
	else
		r->st->dhcp4_nak++;
}

/* the DHCPv6 server's view of a VIF: its address in a managed subnet, DNS, lifetime */
static void dhcp6_cfg(struct na_responder *r, const struct nl_vif *vif, const struct nl_vif_ip6 *v6,
		      struct nl_dhcp6_cfg *c)
{
	static const __u8 router_mac[6] = NA_ROUTER_MAC, zero[6];
	struct na_subnet_cfg sc;
	struct nl_config cfg;

	memcpy(c->client_mac, vif->mac, 6);
	memcpy(c->server_mac, memcmp(vif->router_mac, zero, 6) ? vif->router_mac : router_mac, 6);
	nl_ctl_link_local(c->server_mac, c->server_ll);
	/* stable per agent: the DUID-LL of the uplink's MAC */
	if (!na_config_get(r->maps, &cfg))
		c->duid_len = nl_dhcp6_duid_ll(cfg.server_mac, c->duid);
	for (int i = v6->count - 1; i >= 0; i--) {
		na_subnet_lookup(r->subnets, tenant_def(r->tnet, vif->tenant), vif->tenant,
				 AF_INET6, v6->addr[i], &sc);
		/* the first address of a managed subnet, else the first address's DNS */
		/* managed, or an address SLAAC cannot give (the RA set M for it) */
		bool by_dhcp = sc.mode == NA_RA_MANAGED ||
			       !nl_ip6_is_slaac_of(v6->addr[i], v6->prefix_len[i], vif->mac);

		if (by_dhcp || (!c->has_addr && i == 0)) {
			if (by_dhcp) {
				c->has_addr = true;
				memcpy(c->addr, v6->addr[i], 16);
			}
			c->lifetime_s = sc.lease_s;
			c->ndns = sc.ndns;
			memcpy(c->dns, sc.dns, sizeof(c->dns));
		}
	}
}

static void dhcp6(struct na_responder *r, const struct nl_punt *p, const struct nl_vif *vif)
{
	const struct nl_vif_ip6 *v6 = r->ra ? na_ra_vif6(r->ra, (int)p->ifindex) : NULL;
	struct nl_dhcp6_cfg c = {0};
	struct nl_dhcp6_msg m;
	__u8 out[NL_DHCP6_FRAME_MAX];
	int type, len;

	if (nl_dhcp6_parse(p->data, p->cap_len, &m)) {
		r->st->dhcp6_bad++;
		return;
	}
	if (!v6) { /* a VIF without IPv6 gets no answer */
		r->st->dhcp6_silent++;
		return;
	}
	dhcp6_cfg(r, vif, v6, &c);
	type = c.duid_len ? nl_dhcp6_answer(&m, &c) : 0;
	if (!type) {
		r->st->dhcp6_silent++;
		return;
	}
	if (!nl_rl_allow(r->rl, &p->ifindex, sizeof(p->ifindex), nl_mono_ms())) {
		r->st->dhcp_ratelimited++;
		return;
	}
	len = nl_dhcp6_build(&m, &c, type, out, sizeof(out));
	if (len < 0 || na_vif_tx_send(r->tx, (int)p->ifindex, out, (size_t)len))
		return;
	if (type == NL_DHCP6_ADVERTISE)
		r->st->dhcp6_advertise++;
	else
		r->st->dhcp6_reply++;
}

void na_responder_handle(struct na_responder *r, const void *data, size_t len)
{
	const struct nl_punt *p = data;
	struct nl_vif vif;

	if (len < sizeof(*p) || p->cap_len > NL_PUNT_CAP)
		return;
	/* the VIF as it is now: one deleted since has no answer */
	if (bpf_map_lookup_elem(r->maps->vifs, &p->ifindex, &vif)) {
		r->st->dhcp_no_vif++;
		return;
	}
	switch (p->kind) {
	case NL_PUNT_DHCP4:
		dhcp4(r, p, &vif);
		break;
	case NL_PUNT_DHCP6:
		dhcp6(r, p, &vif);
		break;
	case NL_PUNT_RS:
		if (!r->ra)
			break;
		if (!nl_rl_allow(r->rl, &p->ifindex, sizeof(p->ifindex), nl_mono_ms()))
			r->st->dhcp_ratelimited++;
		else
			na_ra_solicited(r->ra, (int)p->ifindex, p->data, p->cap_len);
		break;
	default:
		break;
	}
}

static int on_punt(void *ctx, void *data, size_t len)
{
	struct na_responder *r = ctx;

	na_responder_handle(r, data, len);
	return --r->budget > 0 ? 0 : -EAGAIN;
}

void na_responder_reload(struct na_responder *r)
{
	struct na_subnets *t;
	char err[512];
	int rc;

	if (!r->config[0])
		return;
	t = calloc(1, sizeof(*t));
	if (!t)
		return;
	rc = na_config_subnets(r->config, t, err, sizeof(err));
	if (rc && rc != -ENOENT) {
		log_warn("subnet settings not changed: %s", err);
		free(t);
		return;
	}
	free(r->subnets);
	r->subnets = t; /* -ENOENT: no file, every subnet has the defaults */
	if (!rc && t->n)
		log_info("DHCP/RA settings of %d subnet(s) from %s", t->n, r->config);
}

int na_responder_open(struct na_responder *r, int punt_ring_fd, const char *config)
{
	int err;

	snprintf(r->config, sizeof(r->config), "%s", config ? config : "");
	r->subnets = calloc(1, sizeof(*r->subnets));
	r->rl = nl_rl_new(NL_MAX_VIFS, NA_RESP_PER_S, NA_RESP_BURST);
	if (!r->subnets || !r->rl) {
		err = -ENOMEM;
		log_err("cannot open the DHCP responder: %s", strerror(-err));
		na_responder_close(r);
		return err;
	}
	na_responder_reload(r);
	r->rb = ring_buffer__new(punt_ring_fd, on_punt, r, NULL);
	if (!r->rb) {
		err = -errno;
		log_err("cannot open the punt ring buffer: %s", strerror(-err));
		na_responder_close(r);
		return err;
	}
	return 0;
}

int na_responder_fd(const struct na_responder *r)
{
	return ring_buffer__epoll_fd(r->rb);
}

void na_responder_consume(struct na_responder *r)
{
	r->budget = NA_DRAIN_BUDGET;
	ring_buffer__consume(r->rb);
}

void na_responder_close(struct na_responder *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
	nl_rl_free(r->rl);
	r->rl = NULL;
	free(r->subnets);
	r->subnets = NULL;
}

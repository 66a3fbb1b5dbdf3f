// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * VLAN failover.  The repository gives several VLANs (paths) between two
 * edge switches; the fabric has no routing protocol to tell us one died.
 * So every second the agent sends a PROBE on each VLAN towards each remote
 * edge switch it knows an NA behind, and the NA there answers on the same
 * VLAN.  A VLAN that misses NA_PROBE_MISSES answers in a row leaves the set
 * the datapath hashes flows over; its first answer brings it back.  If every
 * VLAN of a pair is silent the whole configured set stays in force: that
 * looks like a dead peer, not a dead fabric, and the peer is forgotten until
 * a HERE names another NA behind that switch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cnart.h"
#include "log.h"
#include "probe.h"
#include "util.h"

static struct na_probe_row *find_row(struct na_probe *p, const __u8 sw[6])
{
	for (unsigned int i = 0; i < p->n; i++)
		if (!memcmp(p->rows[i].sw, sw, 6))
			return &p->rows[i];
	return NULL;
}

static int apply(struct na_probe *p, const struct na_probe_row *r)
{
	struct nl_vlan_set eff;
	int idx = cnart_switch_index(p->tables->switches, r->sw);

	if (idx < 0)
		return idx;
	na_probe_effective(r, &eff);
	return cnart_switch_set_vlans(p->tables->switches, idx, eff.count, eff.vlans) ? -EINVAL : 0;
}

static void log_row(const struct na_probe_row *r, const char *what)
{
	struct nl_vlan_set eff;
	char mac[NL_MAC_STRLEN], list[64] = "";
	size_t o = 0;

	na_probe_effective(r, &eff);
	for (unsigned int i = 0; i < eff.count && o < sizeof(list) - 8; i++)
		o += snprintf(list + o, sizeof(list) - o, "%s%u", i ? "," : "", eff.vlans[i]);
	nl_fmt_mac(r->sw, mac);
	log_warn("VLANs towards edge switch %s: %s, now using %s", mac, what, list);
}

void na_probe_load_begin(struct na_probe *p)
{
	p->gen++;
}

int na_probe_row_loaded(struct na_probe *p, const __u8 sw[6], const struct nl_vlan_set *set)
{
	struct na_probe_row *r = find_row(p, sw);

	if (!r) {
		if (p->n == p->cap) {
			unsigned int cap = p->cap ? p->cap * 2 : 64;
			struct na_probe_row *rows = realloc(p->rows, cap * sizeof(*rows));

			if (!rows)
				return -ENOMEM;
			p->rows = rows;
			p->cap = cap;
		}
		r = &p->rows[p->n++];
		memset(r, 0, sizeof(*r));
		memcpy(r->sw, sw, 6);
	}
	if (memcmp(&r->cfg, set, sizeof(*set))) {
		/* new paths: every VLAN starts alive, nothing outstanding */
		r->cfg = *set;
		memset(r->v, 0, sizeof(r->v));
		for (unsigned int i = 0; i < NL_MAX_VLANS_PER_PAIR; i++)
			r->v[i].alive = true;
	}
	r->gen = p->gen;
	return apply(p, r);
}

void na_probe_load_end(struct na_probe *p)
{
	for (unsigned int i = 0; i < p->n;)
		if (p->rows[i].gen != p->gen)
			p->rows[i] = p->rows[--p->n];
		else
			i++;
}

void na_probe_peer(struct na_probe *p, const __u8 sw[6], __u16 port)
{
	struct na_probe_row *r;

	if (!memcmp(sw, p->loc->switch_mac, 6))
		return;
	r = find_row(p, sw);
	if (r && !r->peer_port)
		r->peer_port = port;
}

void na_probe_tick(struct na_probe *p)
{
	if (!p->loc->ready)
		return;
	for (unsigned int i = 0; i < p->n; i++) {
		struct na_probe_row *r = &p->rows[i];

		/* one path, or nobody to ask: nothing to fail over to or from */
		if (r->cfg.count < 2 || !r->peer_port)
			continue;
		if (na_probe_row_tick(r)) {
			p->st->vlan_failovers++;
			log_row(r, "a path stopped answering");
			apply(p, r);
		}
		if (!r->peer_port)
			continue;
		for (unsigned int j = 0; j < r->cfg.count && j < NL_MAX_VLANS_PER_PAIR; j++) {
			struct nlarp_fields m = {
				.version = NLARP_VERSION,
				.op = NLARP_PROBE,
				.mac_as = r->cfg.vlans[j],
				.port = r->peer_port,
				.sender_port = p->loc->port,
			};

			/* random: a REPLY cannot be made up without seeing its PROBE */
			if (getrandom(&m.loc_version, sizeof(m.loc_version), 0) !=
			    sizeof(m.loc_version)) {
				log_warn("getrandom failed: %s; probe not sent", strerror(errno));
				continue;
			}

			memcpy(m.switch_mac, r->sw, 6);
			memcpy(m.sender_switch_mac, p->loc->switch_mac, 6);
			if (!na_nlarp_unicast_vlan(p->io, r->sw, r->peer_port, r->cfg.vlans[j],
						   &m)) {
				r->v[j].outstanding = true;
				r->v[j].nonce = m.loc_version;
			}
		}
	}
}

void na_probe_rx(struct na_probe *p, const struct nlarp_fields *m)
{
	struct na_probe_row *r;
	int rc;

	if (!(m->flags & NLARP_F_REPLY)) {
		struct nlarp_fields reply = *m;

		/* answer on the VLAN that was tested, to the NA that asked */
		reply.flags = NLARP_F_REPLY;
		memcpy(reply.switch_mac, m->sender_switch_mac, 6);
		reply.port = m->sender_port;
		memcpy(reply.sender_switch_mac, p->loc->switch_mac, 6);
		reply.sender_port = p->loc->port;
		na_nlarp_unicast_vlan(p->io, m->sender_switch_mac, m->sender_port, m->mac_as,
				      &reply);
		return;
	}
	r = find_row(p, m->sender_switch_mac);
	rc = r ? na_probe_row_reply(r, m->mac_as, m->loc_version) : -ENOENT;
	if (rc < 0) {
		p->st->probe_reply_unmatched++;
	} else if (rc > 0) {
		p->st->vlan_recoveries++;
		log_row(r, "a path answers again");
		apply(p, r);
	}
}

void na_probe_free(struct na_probe *p)
{
	free(p->rows);
	p->rows = NULL;
	p->n = p->cap = 0;
}

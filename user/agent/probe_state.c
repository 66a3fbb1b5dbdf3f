// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The VLAN failover state machine of one remote edge switch (probe.c sends
 * and receives the probes): pure functions, unit-tested.
 */
#include <errno.h>
#include <string.h>

#include "probe.h"

void na_probe_effective(const struct na_probe_row *r, struct nl_vlan_set *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < r->cfg.count && i < NL_MAX_VLANS_PER_PAIR; i++)
		if (r->v[i].alive)
			out->vlans[out->count++] = r->cfg.vlans[i];
	if (!out->count)
		*out = r->cfg;
}

bool na_probe_row_tick(struct na_probe_row *r)
{
	bool changed = false, any_alive = false;

	for (unsigned int i = 0; i < r->cfg.count && i < NL_MAX_VLANS_PER_PAIR; i++) {
		struct na_probe_vlan *v = &r->v[i];

		if (v->outstanding && v->misses < 255)
			v->misses++;
		if (v->alive && v->misses >= NA_PROBE_MISSES) {
			v->alive = false;
			changed = true;
		}
		any_alive |= v->alive;
	}
	if (!any_alive && ++r->silent_ticks >= NA_PROBE_FORGET_TICKS) {
		/* every path silent for long: more likely the peer than the fabric */
		r->peer_port = 0;
		r->silent_ticks = 0;
	} else if (any_alive) {
		r->silent_ticks = 0;
	}
	return changed;
}

int na_probe_row_reply(struct na_probe_row *r, __u16 vlan, __u64 nonce)
{
	for (unsigned int i = 0; i < r->cfg.count && i < NL_MAX_VLANS_PER_PAIR; i++) {
		struct na_probe_vlan *v = &r->v[i];

		if (r->cfg.vlans[i] != vlan || !v->outstanding || v->nonce != nonce)
			continue;
		v->outstanding = false;
		v->misses = 0;
		if (!v->alive) {
			v->alive = true;
			return 1;
		}
		return 0;
	}
	return -ENOENT;
}

bool na_probe_row_answer(struct na_probe_row *r, __u16 vlan, __u64 nonce)
{
	return na_probe_row_reply(r, vlan, nonce) > 0;
}

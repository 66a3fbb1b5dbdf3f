// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's NARTs and switch array (docs/nart.md): the agent is their only
 * writer, through mmap (user/agent/nart_table.c); the datapath reads them
 * with the sequence protocol.  Geometry (bucket count, seed) in nl_config.
 *
 * A NART-2 location is (switch index, port); the index names an entry of
 * the switch array holding the switch MAC and the VLAN table row towards
 * it.  Indexes are assigned on first sight of a MAC and never reused while
 * the pinned array lives, so a NART-2 slot can never come to name another
 * switch.  loc_versions live in the writer's side array: they start at 0
 * ("unknown") when a restarted agent re-adopts the pinned tables.
 */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "agent.h"

static const char *const geom_name[] = {"", "NART-1", "NART-2"};

/* re-adopt with the pinned seed when it fits, else start the table empty */
static struct cnart *open_table(int fd, enum cnart_kind kind, struct nart_geom *g)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	bool adopt;
	struct cnart *t;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return NULL;
	adopt = g->seed && g->nbuckets == info.max_entries;
	t = cnart_open(fd, kind, adopt ? g->seed : cnart_random_seed());
	if (!t)
		return NULL;
	if (adopt) {
		log_info("%s re-adopted: %zu entries in %u buckets (versions unknown until the "
			 "next HERE)",
			 geom_name[kind], cnart_count(t), g->nbuckets);
	} else if (cnart_count(t)) {
		/* entries hashed with a seed we do not know: unreachable, drop them */
		log_warn("%s: %zu entries without a usable seed: table emptied", geom_name[kind],
			 cnart_count(t));
		cnart_clear(t);
	}
	*g = cnart_geom(t);
	return t;
}

int na_tables_open(struct na_agent *a, struct nl_config *cfg)
{
	a->nart1 = open_table(a->maps.nart1, CNART_1, &cfg->nart1);
	a->nart2 = open_table(a->maps.nart2, CNART_2, &cfg->nart2);
	a->switches = cnart_switches_open(a->maps.switches);
	if (!a->nart1 || !a->nart2 || !a->switches) {
		log_err("cannot map the NART arrays: %s", strerror(errno));
		return -1;
	}
	if (cnart_switch_count(a->switches))
		log_info("switch array re-adopted: %zu switches", cnart_switch_count(a->switches));
	return 0;
}

void na_tables_close(struct na_agent *a)
{
	cnart_close(a->nart1);
	cnart_close(a->nart2);
	cnart_switches_close(a->switches);
	a->nart1 = a->nart2 = NULL;
	a->switches = NULL;
}

bool na_nart1_get(const struct na_agent *a, const struct nl_nart1_key *k, struct nl_nart1_val *v)
{
	struct nart1_slot s;

	if (!cnart1_get(a->nart1, k, &s))
		return false;
	memcpy(v->mac, s.mac, 6);
	v->mac_as = s.mac_as;
	return true;
}

int na_nart1_put(struct na_agent *a, const struct nl_nart1_key *k, const struct nl_nart1_val *v)
{
	struct nart1_slot s = {.tenant = k->tenant, .ip = k->ip, .mac_as = v->mac_as};
	int rc;

	memcpy(s.mac, v->mac, 6);
	rc = cnart1_put(a->nart1, &s, 0);
	if (rc < 0)
		log_warn("NART-1 insert failed: %s (table full?)", strerror(-rc));
	return rc < 0 ? rc : 0;
}

bool na_nart1_del(struct na_agent *a, const struct nl_nart1_key *k)
{
	return cnart1_del(a->nart1, k);
}

bool na_nart2_get(const struct na_agent *a, const struct nl_vif_key *k, struct nart_entry *e)
{
	struct nart2_slot s;
	struct nart_switch sw;

	if (!cnart2_get(a->nart2, k, &s, &e->version))
		return false;
	if (cnart_switch_read(a->switches, s.switch_idx, &sw))
		memset(sw.mac, 0, 6); /* cannot happen: the writer assigned the index */
	memcpy(e->loc.switch_mac, sw.mac, 6);
	e->loc.port = s.port;
	return true;
}

int na_nart2_put(struct na_agent *a, const struct nl_vif_key *k, const struct nart_loc *loc,
		 __u64 version)
{
	struct nart2_slot s = {.tenant = k->tenant, .mac_as = k->mac_as, .port = loc->port};
	int idx = cnart_switch_index(a->switches, loc->switch_mac), rc;

	if (idx < 0) {
		log_warn("NART-2: no switch index for the location: %s", strerror(-idx));
		return idx;
	}
	memcpy(s.mac, k->mac, 6);
	s.switch_idx = (__u16)idx;
	rc = cnart2_put(a->nart2, &s, version);
	if (rc < 0)
		log_warn("NART-2 insert failed: %s (table full?)", strerror(-rc));
	return rc < 0 ? rc : 0;
}

bool na_nart2_del(struct na_agent *a, const struct nl_vif_key *k)
{
	return cnart2_del(a->nart2, k);
}

int na_switch_vlans(const struct na_agent *a, const __u8 mac[6], struct nl_vlan_set *set)
{
	struct nart_switch sw;
	int idx = cnart_switch_find(a->switches, mac);

	if (idx <= 0 || cnart_switch_read(a->switches, idx, &sw) || !sw.count ||
	    sw.count > NL_MAX_VLANS_PER_PAIR)
		return -ENOENT;
	set->count = sw.count;
	memcpy(set->vlans, sw.vlans, sizeof(set->vlans));
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's NARTs and switch array (nart_store.h, docs/nart.md): the agent
 * is their only writer, through mmap (cnart.c); the datapath reads them
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

#include "cnart.h"
#include "log.h"
#include "nart_store.h"

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

int nart_store_open(struct nart_store *s, int nart1_fd, int nart2_fd, int switches_fd,
		    struct nart_geom *g1, struct nart_geom *g2)
{
	s->nart1 = open_table(nart1_fd, CNART_1, g1);
	s->nart2 = open_table(nart2_fd, CNART_2, g2);
	s->switches = cnart_switches_open(switches_fd);
	if (!s->nart1 || !s->nart2 || !s->switches) {
		int err = errno ? -errno : -EINVAL;

		log_err("cannot map the NART arrays: %s", strerror(-err));
		nart_store_close(s);
		return err;
	}
	if (cnart_switch_count(s->switches))
		log_info("switch array re-adopted: %zu switches", cnart_switch_count(s->switches));
	return 0;
}

void nart_store_close(struct nart_store *s)
{
	cnart_close(s->nart1);
	cnart_close(s->nart2);
	cnart_switches_close(s->switches);
	s->nart1 = s->nart2 = NULL;
	s->switches = NULL;
}

bool nart_store_nart1_get(const struct nart_store *a, const struct nl_nart1_key *k,
			  struct nl_nart1_val *v)
{
	struct nart1_slot s;

	if (!cnart1_get(a->nart1, k, &s))
		return false;
	memcpy(v->mac, s.mac, 6);
	v->mac_as = s.mac_as;
	return true;
}

int nart_store_nart1_put(struct nart_store *a, const struct nl_nart1_key *k,
			 const struct nl_nart1_val *v)
{
	struct nart1_slot s = {.tenant = k->tenant, .ip = k->ip, .mac_as = v->mac_as};
	int rc;

	memcpy(s.mac, v->mac, 6);
	rc = cnart1_put(a->nart1, &s, 0);
	if (rc < 0)
		log_warn("NART-1 insert failed: %s (table full?)", strerror(-rc));
	return rc < 0 ? rc : 0;
}

bool nart_store_nart1_del(struct nart_store *a, const struct nl_nart1_key *k)
{
	return cnart1_del(a->nart1, k);
}

bool nart_store_nart2_get(const struct nart_store *a, const struct nl_vif_key *k,
			  struct nart_entry *e)
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

int nart_store_nart2_put(struct nart_store *a, const struct nl_vif_key *k,
			 const struct nart_loc *loc, __u64 version)
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

bool nart_store_nart2_del(struct nart_store *a, const struct nl_vif_key *k)
{
	return cnart2_del(a->nart2, k);
}

int nart_store_switch_vlans(const struct nart_store *a, const __u8 mac[6], struct nl_vlan_set *set)
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

/* ---- nart_apply()'s view ------------------------------------------------------------------ */

static bool ops_nart2_get(void *ctx, const struct nl_vif_key *k, struct nart_entry *e)
{
	return nart_store_nart2_get(ctx, k, e);
}

static int ops_nart2_put(void *ctx, const struct nl_vif_key *k, const struct nart_loc *loc,
			 __u64 version)
{
	return nart_store_nart2_put(ctx, k, loc, version);
}

static bool ops_nart2_del(void *ctx, const struct nl_vif_key *k)
{
	return nart_store_nart2_del(ctx, k);
}

static bool ops_nart1_get(void *ctx, const struct nl_nart1_key *k, struct nl_nart1_val *v)
{
	return nart_store_nart1_get(ctx, k, v);
}

static int ops_nart1_put(void *ctx, const struct nl_nart1_key *k, const struct nl_nart1_val *v)
{
	return nart_store_nart1_put(ctx, k, v);
}

static bool ops_nart1_del(void *ctx, const struct nl_nart1_key *k)
{
	return nart_store_nart1_del(ctx, k);
}

const struct nart_ops nart_store_ops = {
	.nart2_get = ops_nart2_get,
	.nart2_put = ops_nart2_put,
	.nart2_del = ops_nart2_del,
	.nart1_get = ops_nart1_get,
	.nart1_put = ops_nart1_put,
	.nart1_del = ops_nart1_del,
};

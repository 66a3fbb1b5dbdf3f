// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's NARTs, switch array and NL-ARP ordering state (nart_store.h,
 * docs/nart.md, docs/nlarp-ordering.md): the agent is the tables' only
 * writer, through mmap (cnart.c); the datapath reads them with the
 * sequence protocol.  Geometry (bucket count, seed) in nl_config.
 *
 * A NART-2 location is (switch index, port); every NART-2 slot holds one
 * reference on its switch index, so an index nobody names is reclaimed
 * (cnart.c, after a grace period).  loc_versions and tombstones live in
 * pinned arrays of their own, so a restarted agent keeps ordering
 * messages as before.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cnart.h"
#include "log.h"
#include "nart_store.h"
#include "nart_tomb.h"
#include "util.h"

static const char *const geom_name[] = {"", "NART-1", "NART-2"};

static __u32 map_entries(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

/* the pinned array @dir/@name of @value_size x @entries, else a new one pinned there */
static int state_array(const char *dir, const char *name, __u32 value_size, __u32 entries,
		       bool *adopted)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_MAP_TYPE_ARRAY &&
		    info.value_size == value_size && info.max_entries == entries &&
		    (info.map_flags & BPF_F_MMAPABLE)) {
			*adopted = true;
			return fd;
		}
		close(fd);
		log_warn("%s does not fit the tables: replaced", path);
		unlink(path);
	}
	*adopted = false;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, value_size, entries, &o);
	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int nart_store_state_open(const char *dir, struct nart_store_fds *fds)
{
	__u32 n1 = map_entries(fds->nart1), n2 = map_entries(fds->nart2);
	bool a1 = false, a2 = false, at = false;

	fds->ver1 = fds->ver2 = fds->tombs = -1;
	fds->state_adopted = false;
	if (!n1 || !n2)
		return -EINVAL;
	fds->ver1 = state_array(dir, "nl_nart1_ver", 8, n1 * NART_SLOTS, &a1);
	fds->ver2 = state_array(dir, "nl_nart2_ver", 8, n2 * NART_SLOTS, &a2);
	fds->tombs = state_array(dir, "nl_nart_tombs", sizeof(struct nart_tomb_rec), NART_TOMBS + 1,
				 &at);
	if (fds->ver1 < 0 || fds->ver2 < 0 || fds->tombs < 0) {
		int err = fds->ver1 < 0 ? fds->ver1 : fds->ver2 < 0 ? fds->ver2 : fds->tombs;

		nart_store_state_close(fds);
		return err;
	}
	fds->state_adopted = a1 && a2;
	return 0;
}

void nart_store_state_close(struct nart_store_fds *fds)
{
	int *f[] = {&fds->ver1, &fds->ver2, &fds->tombs};

	for (unsigned int i = 0; i < 3; i++) {
		if (*f[i] >= 0)
			close(*f[i]);
		*f[i] = -1;
	}
}

/* re-adopt with the pinned seed when it fits, else start the table empty */
static struct cnart *open_table(int fd, int ver_fd, bool ver_adopted, enum cnart_kind kind,
				struct nart_geom *g)
{
	__u32 n = map_entries(fd);
	bool adopt;
	struct cnart *t;

	if (!n)
		return NULL;
	adopt = g->seed && g->nbuckets == n;
	t = cnart_open_ver(fd, kind, adopt ? g->seed : cnart_random_seed(), ver_fd,
			   adopt && ver_adopted);
	if (!t)
		return NULL;
	if (adopt) {
		log_info("%s re-adopted: %zu entries in %u buckets (%s)", geom_name[kind],
			 cnart_count(t), g->nbuckets,
			 ver_adopted ? "with their versions"
				     : "versions unknown until the next HERE");
	} else if (cnart_count(t)) {
		/* entries hashed with a seed we do not know: unreachable, drop them */
		log_warn("%s: %zu entries without a usable seed: table emptied", geom_name[kind],
			 cnart_count(t));
		cnart_clear(t);
	}
	*g = cnart_geom(t);
	return t;
}

static int hold_switch(const struct nart_slot *s, __u64 version, void *ctx)
{
	const struct nart2_slot *s2 = (const struct nart2_slot *)s;

	(void)version;
	cnart_switch_hold(ctx, s2->switch_idx);
	return 0;
}

int nart_store_open(struct nart_store *s, const struct nart_store_fds *fds, struct nart_geom *g1,
		    struct nart_geom *g2)
{
	memset(s, 0, sizeof(*s));
	s->now_ms = nl_now_ms;
	s->nart1v6 = -1;
	s->nart1 = open_table(fds->nart1, fds->ver1, fds->state_adopted, CNART_1, g1);
	s->nart2 = open_table(fds->nart2, fds->ver2, fds->state_adopted, CNART_2, g2);
	s->switches = cnart_switches_open(fds->switches);
	s->tombs = nart_tombs_open(fds->tombs, NART_TOMBS);
	if (!s->nart1 || !s->nart2 || !s->switches || !s->tombs) {
		int err = errno ? -errno : -EINVAL;

		log_err("cannot map the NART arrays: %s", strerror(-err));
		nart_store_close(s);
		return err;
	}
	/* every NART-2 slot holds its switch index; the others are reclaimable */
	cnart_iterate(s->nart2, hold_switch, s->switches);
	cnart_switch_sweep(s->switches);
	if (cnart_switch_count(s->switches))
		log_info("switch array re-adopted: %zu switches", cnart_switch_count(s->switches));
	return 0;
}

void nart_store_close(struct nart_store *s)
{
	cnart_close(s->nart1);
	cnart_close(s->nart2);
	cnart_switches_close(s->switches);
	nart_tombs_close(s->tombs);
	s->nart1 = s->nart2 = NULL;
	s->switches = NULL;
	s->tombs = NULL;
}

void nart_store_clear(struct nart_store *s)
{
	cnart_clear(s->nart1);
	cnart_clear(s->nart2);
	cnart_switch_drop_refs(s->switches);
	nart_tombs_clear(s->tombs);
	if (s->nart1v6 >= 0) {
		struct nl_ip6_key k;

		while (!bpf_map_get_next_key(s->nart1v6, NULL, &k))
			if (bpf_map_delete_elem(s->nart1v6, &k))
				break;
	}
}

/* a refused insert: counted; logged the first times and then at powers of two */
static void refused(int rc, const char *name, __u64 *full)
{
	__u64 n = rc == -ENOSPC ? ++*full : 0;

	if (n && n > 10 && (n & (n - 1)))
		return;
	log_warn("%s insert failed: %s%s (%llu refused so far; size the tables with "
		 "`attach --nart-entries`)",
		 name, strerror(-rc), rc == -ENOSPC ? ", table full" : "", (unsigned long long)n);
}

bool nart_store_nart1_get_ver(const struct nart_store *a, const struct nl_nart1_key *k,
			      struct nl_nart1_val *v, __u64 *version)
{
	struct nart1_slot s;

	if (!cnart_get(a->nart1, (const __u32 *)k, (struct nart_slot *)&s, version))
		return false;
	memcpy(v->mac, s.mac, 6);
	v->mac_as = s.mac_as;
	return true;
}

bool nart_store_nart1_get(const struct nart_store *a, const struct nl_nart1_key *k,
			  struct nl_nart1_val *v)
{
	return nart_store_nart1_get_ver(a, k, v, NULL);
}

int nart_store_nart1_put(struct nart_store *a, const struct nl_nart1_key *k,
			 const struct nl_nart1_val *v, __u64 version)
{
	struct nart1_slot s = {.tenant = k->tenant, .ip = k->ip, .mac_as = v->mac_as};
	int rc;

	memcpy(s.mac, v->mac, 6);
	rc = cnart1_put(a->nart1, &s, version);
	if (rc < 0)
		refused(rc, "NART-1", &a->nart1_full);
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
		memset(sw.mac, 0, 6); /* cannot happen: the slot holds a reference */
	memcpy(e->loc.switch_mac, sw.mac, 6);
	e->loc.port = s.port;
	return true;
}

int nart_store_nart2_put(struct nart_store *a, const struct nl_vif_key *k,
			 const struct nart_loc *loc, __u64 version)
{
	struct nart2_slot s = {.tenant = k->tenant, .mac_as = k->mac_as, .port = loc->port}, old;
	bool had = cnart2_get(a->nart2, k, &old, NULL);
	int idx, rc;

	idx = cnart_switch_ref(a->switches, loc->switch_mac);
	if (idx < 0) {
		if (idx == -ENOSPC)
			a->switch_full++;
		log_debug("NART-2: no switch index for the location: %s", strerror(-idx));
		return idx;
	}
	memcpy(s.mac, k->mac, 6);
	s.switch_idx = (__u16)idx;
	rc = cnart2_put(a->nart2, &s, version);
	if (rc < 0) {
		cnart_switch_unref(a->switches, idx);
		refused(rc, "NART-2", &a->nart2_full);
		return rc;
	}
	if (had)
		cnart_switch_unref(a->switches, old.switch_idx); /* the slot's former switch */
	return 0;
}

bool nart_store_nart2_del(struct nart_store *a, const struct nl_vif_key *k)
{
	struct nart2_slot old;

	if (!cnart2_get(a->nart2, k, &old, NULL) || !cnart2_del(a->nart2, k))
		return false;
	cnart_switch_unref(a->switches, old.switch_idx);
	return true;
}

bool nart_store_tomb_get(struct nart_store *a, const struct nl_vif_key *k, struct nart_tomb *t)
{
	return nart_tombs_get(a->tombs, (const __u32 *)k, a->now_ms(), t);
}

void nart_store_tomb_put(struct nart_store *a, const struct nl_vif_key *k,
			 const struct nart_tomb *t)
{
	nart_tombs_put(a->tombs, (const __u32 *)k, t, a->now_ms());
}

__u64 nart_store_stamp(struct nart_store *a, const struct nl_vif_key *k)
{
	struct nart_entry e;
	struct nart_tomb t;
	__u64 known = 0;

	if (nart_store_nart2_get(a, k, &e))
		known = e.version;
	if (nart_store_tomb_get(a, k, &t)) {
		known = t.gone > known ? t.gone : known;
		known = t.floor > known ? t.floor : known;
	}
	return nart_vclock_next(&a->vclock, known, a->now_ms());
}

/* our VIF's IP binding: authoritative here, stamped with its announcement's version */
static void bind_ip(struct nart_store *a, const struct nl_vif_key *k, __be32 ip, __u64 ver)
{
	struct nl_nart1_key k1 = {.tenant = k->tenant, .ip = ip};
	struct nl_nart1_val v1 = {.mac_as = k->mac_as};

	if (!ip)
		return;
	memcpy(v1.mac, k->mac, 6);
	nart_store_nart1_put(a, &k1, &v1, ver);
}

/* the IP binding of a withdrawn VIF, only if it still names that VIF */
static void unbind_ip(struct nart_store *a, const struct nl_vif_key *k, __be32 ip)
{
	struct nl_nart1_key k1 = {.tenant = k->tenant, .ip = ip};
	struct nl_nart1_val c1;

	if (ip && nart_store_nart1_get(a, &k1, &c1) && !memcmp(c1.mac, k->mac, 6) &&
	    c1.mac_as == k->mac_as)
		nart_store_nart1_del(a, &k1);
}

void nart_store_set_nart1v6(struct nart_store *a, int map_fd)
{
	a->nart1v6 = map_fd;
}

bool nart_store_nart1v6_get(const struct nart_store *a, const struct nl_ip6_key *k,
			    struct nl_nart1_val *v, __u64 *version)
{
	struct nl_nart1v6_val x;

	if (a->nart1v6 < 0 || bpf_map_lookup_elem(a->nart1v6, k, &x))
		return false;
	if (v) {
		memcpy(v->mac, x.mac, 6);
		v->mac_as = x.mac_as;
	}
	if (version)
		*version = x.version;
	return true;
}

int nart_store_nart1v6_put(struct nart_store *a, const struct nl_ip6_key *k,
			   const struct nl_nart1_val *v, __u64 version)
{
	struct nl_nart1v6_val x = {.mac_as = v->mac_as, .version = version};

	if (a->nart1v6 < 0)
		return -ENODEV;
	if (!k->tenant)
		return -EINVAL;
	memcpy(x.mac, v->mac, 6);
	/* one syscall: the kernel swaps the element whole for lock-free readers */
	return bpf_map_update_elem(a->nart1v6, k, &x, BPF_ANY) ? -errno : 0;
}

bool nart_store_nart1v6_del(struct nart_store *a, const struct nl_ip6_key *k)
{
	return a->nart1v6 >= 0 && !bpf_map_delete_elem(a->nart1v6, k);
}

void nart_store_local_bind6(struct nart_store *a, const struct nl_vif_key *k, const __u8 (*ip6)[16],
			    unsigned int n, __u64 ver)
{
	struct nl_ip6_key k6 = {.tenant = k->tenant};
	struct nl_nart1_val v1 = {.mac_as = k->mac_as};

	memcpy(v1.mac, k->mac, 6);
	for (unsigned int i = 0; i < n; i++) {
		memcpy(k6.ip6, ip6[i], 16);
		nart_store_nart1v6_put(a, &k6, &v1, ver);
	}
}

void nart_store_local_unbind6(struct nart_store *a, const struct nl_vif_key *k,
			      const __u8 (*ip6)[16], unsigned int n)
{
	struct nl_ip6_key k6 = {.tenant = k->tenant};
	struct nl_nart1_val c1;

	for (unsigned int i = 0; i < n; i++) {
		memcpy(k6.ip6, ip6[i], 16);
		if (nart_store_nart1v6_get(a, &k6, &c1, NULL) && !memcmp(c1.mac, k->mac, 6) &&
		    c1.mac_as == k->mac_as)
			nart_store_nart1v6_del(a, &k6);
	}
}

__u64 nart_store_local_here(struct nart_store *a, const struct nart_loc *self,
			    const struct nl_vif_key *k, __be32 ip)
{
	__u64 ver = nart_store_stamp(a, k);

	if (self)
		nart_store_nart2_put(a, k, self, ver);
	bind_ip(a, k, ip, ver);
	return ver;
}

__u64 nart_store_local_gone(struct nart_store *a, const struct nart_loc *self,
			    const struct nl_vif_key *k, __be32 ip, bool *moved)
{
	__u64 ver = nart_store_stamp(a, k);
	struct nart_entry cur;
	bool have = nart_store_nart2_get(a, k, &cur);
	struct nart_tomb t = {.gone = ver};

	*moved = false;
	if (have && (!self || nart_loc_cmp(&cur.loc, self))) {
		*moved = true;
		return ver;
	}
	if (self) {
		t.loc = *self;
		if (have) {
			t.floor = cur.version;
			nart_store_nart2_del(a, k);
		}
		nart_store_tomb_put(a, k, &t);
	}
	unbind_ip(a, k, ip);
	return ver;
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

static bool ops_nart1_get(void *ctx, const struct nl_nart1_key *k, struct nl_nart1_val *v,
			  __u64 *version)
{
	return nart_store_nart1_get_ver(ctx, k, v, version);
}

static int ops_nart1_put(void *ctx, const struct nl_nart1_key *k, const struct nl_nart1_val *v,
			 __u64 version)
{
	return nart_store_nart1_put(ctx, k, v, version);
}

static bool ops_nart1_del(void *ctx, const struct nl_nart1_key *k)
{
	return nart_store_nart1_del(ctx, k);
}

static bool ops_nart1v6_get(void *ctx, const struct nl_ip6_key *k, struct nl_nart1_val *v,
			    __u64 *version)
{
	return nart_store_nart1v6_get(ctx, k, v, version);
}

static int ops_nart1v6_put(void *ctx, const struct nl_ip6_key *k, const struct nl_nart1_val *v,
			   __u64 version)
{
	return nart_store_nart1v6_put(ctx, k, v, version);
}

static bool ops_nart1v6_del(void *ctx, const struct nl_ip6_key *k)
{
	return nart_store_nart1v6_del(ctx, k);
}

static bool ops_tomb_get(void *ctx, const struct nl_vif_key *k, struct nart_tomb *t)
{
	return nart_store_tomb_get(ctx, k, t);
}

static void ops_tomb_put(void *ctx, const struct nl_vif_key *k, const struct nart_tomb *t)
{
	nart_store_tomb_put(ctx, k, t);
}

static void ops_tomb_del(void *ctx, const struct nl_vif_key *k)
{
	struct nart_store *a = ctx;

	nart_tombs_del(a->tombs, (const __u32 *)k);
}

const struct nart_ops nart_store_ops = {
	.nart2_get = ops_nart2_get,
	.nart2_put = ops_nart2_put,
	.nart2_del = ops_nart2_del,
	.nart1_get = ops_nart1_get,
	.nart1_put = ops_nart1_put,
	.nart1_del = ops_nart1_del,
	.nart1v6_get = ops_nart1v6_get,
	.nart1v6_put = ops_nart1v6_put,
	.nart1v6_del = ops_nart1v6_del,
	.tomb_get = ops_tomb_get,
	.tomb_put = ops_tomb_put,
	.tomb_del = ops_tomb_del,
};

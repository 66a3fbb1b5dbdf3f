/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's side of the compact NART tables (include/nart_table.h,
 * docs/nart.md): the single writer of a bucketized cuckoo table living in an
 * mmapable BPF array, plus a user-space side array of loc_versions indexed
 * like the slots, and the switch array (switch MAC -> index, VLAN set).
 *
 * Every write goes through the mmap'ed memory under the bucket's sequence
 * counter: no system call per update.  One writer per table (the caller
 * serializes); any number of BPF readers at the same time.
 */
#ifndef NL_CNART_H
#define NL_CNART_H

#include <stdbool.h>
#include <stddef.h>

#include "netlord.h"
#include "nart_table.h" /* include/: the layout shared with bpf/lib/nart.h */

enum cnart_kind {
	CNART_1 = 1, /* NART-1: 2 key words */
	CNART_2 = 2, /* NART-2: 3 key words */
};

struct cnart;

struct cnart_stats {
	__u64 inserts, updates, deletes;
	__u64 moves;	 /* cuckoo displacements carried out */
	__u64 bfs_nodes; /* buckets examined by path searches */
	__u64 full;	 /* inserts refused: no cuckoo path (-ENOSPC) */
	__u32 max_path;	 /* longest displacement path used */
	__u32 reserved;
};

/*
 * Maps the table array @map_fd (BPF_MAP_TYPE_ARRAY, BPF_F_MMAPABLE, value
 * struct nart_bucket, >= 2 entries) as table @kind with hash @seed.  The
 * array may already hold entries (agent restart): they are counted and get
 * version 0 ("unknown": the next HERE for them wins).  NULL with errno set
 * on failure.
 */
struct cnart *cnart_open(int map_fd, enum cnart_kind kind, __u64 seed);
/*
 * The same with the versions in the mmapable array @ver_fd (value u64, one
 * per slot: bucket * NART_SLOTS + slot; -1 = private memory), so they
 * survive an agent restart with the table.  @keep_versions: the table is
 * re-adopted and @ver_fd holds its versions (else they are zeroed).
 */
struct cnart *cnart_open_ver(int map_fd, enum cnart_kind kind, __u64 seed, int ver_fd,
			     bool keep_versions);
/* true if the versions live in a pinned array (cnart_open_ver) */
bool cnart_versions_persistent(const struct cnart *t);
void cnart_close(struct cnart *t);

/* A random seed for a new table (getrandom) */
__u64 cnart_random_seed(void);

/*
 * Inserts the slot (key words + value words; tenant != 0) or overwrites the
 * value of the same key.  0 = inserted, 1 = updated, -ENOSPC = no room
 * (nothing changed), -EINVAL = tenant 0.
 */
int cnart_put(struct cnart *t, const struct nart_slot *s, __u64 version);
/* true and *out / *version filled (either may be NULL) if the key is present */
bool cnart_get(const struct cnart *t, const __u32 *key, struct nart_slot *out, __u64 *version);
/* true if the key was present */
bool cnart_del(struct cnart *t, const __u32 *key);

/* Calls fn for every entry until it returns non-zero (returned). */
int cnart_iterate(const struct cnart *t,
		  int (*fn)(const struct nart_slot *s, __u64 version, void *ctx), void *ctx);

size_t cnart_count(const struct cnart *t);
size_t cnart_capacity(const struct cnart *t); /* slots */
double cnart_load(const struct cnart *t);
struct nart_geom cnart_geom(const struct cnart *t);
struct cnart_stats cnart_get_stats(const struct cnart *t);
size_t cnart_user_bytes(const struct cnart *t); /* side array + path queue */

/* Empties the table (writer protocol, bucket by bucket); versions back to 0. */
void cnart_clear(struct cnart *t);
/* Kernel memory of the array (bytes mapped) */
size_t cnart_map_bytes(const struct cnart *t);

/* Writes both geometries into the one-entry meta array (map "nart_meta"). */
int cnart_meta_write(int meta_fd, const struct cnart *t1, const struct cnart *t2);

/* ---- typed wrappers ------------------------------------------------------------- */

static inline int cnart1_put(struct cnart *t, const struct nart1_slot *s, __u64 version)
{
	return cnart_put(t, (const struct nart_slot *)s, version);
}

static inline bool cnart1_get(const struct cnart *t, const struct nl_nart1_key *k,
			      struct nart1_slot *out)
{
	return cnart_get(t, (const __u32 *)k, (struct nart_slot *)out, NULL);
}

static inline bool cnart1_del(struct cnart *t, const struct nl_nart1_key *k)
{
	return cnart_del(t, (const __u32 *)k);
}

static inline int cnart2_put(struct cnart *t, const struct nart2_slot *s, __u64 version)
{
	return cnart_put(t, (const struct nart_slot *)s, version);
}

static inline bool cnart2_get(const struct cnart *t, const struct nl_vif_key *k,
			      struct nart2_slot *out, __u64 *version)
{
	return cnart_get(t, (const __u32 *)k, (struct nart_slot *)out, version);
}

static inline bool cnart2_del(struct cnart *t, const struct nl_vif_key *k)
{
	return cnart_del(t, (const __u32 *)k);
}

/* ---- switch array ---------------------------------------------------------------- */

struct cnart_switches;

/* Maps the switch array (value struct nart_switch); existing entries are kept. */
struct cnart_switches *cnart_switches_open(int map_fd);
void cnart_switches_close(struct cnart_switches *s);

/*
 * Indexes are reference-counted: cnart_switch_ref() for every NART-2 slot
 * naming the index, cnart_switch_unref() when the slot goes or names
 * another; a VLAN table row (count > 0) also keeps it.  An index with
 * neither is reused for another MAC only after CNART_SWITCH_GRACE_MS, far
 * longer than any datapath lookup that may still hold it.  HERE-learned
 * switches (cnart_switch_ref) may not take the last CNART_SWITCH_RESERVE
 * indexes: those are kept for the switches the VLAN table names
 * (cnart_switch_index), so a flood of forged switch MACs cannot stop the
 * VLAN table from loading; it gets -ENOSPC, counted in stats.full.
 */
#define CNART_SWITCH_GRACE_MS 1000
#define CNART_SWITCH_RESERVE  4096 /* NL_VT_MAX_SWITCHES: VLAN table rows per switch */

struct cnart_switch_stats {
	__u64 assigned;	 /* indexes given to a MAC */
	__u64 reclaimed; /* of them, reused after the last reference went */
	__u64 full;	 /* refused: no index left (-ENOSPC) */
	__u32 in_use, free_pending, reserve, capacity;
};

/* The index of switch @mac for the VLAN table (may use the reserve): > 0, -ENOSPC, -EINVAL */
int cnart_switch_index(struct cnart_switches *s, const __u8 mac[6]);
/* The index of @mac for a NART-2 slot, one more reference; > 0, -ENOSPC, -EINVAL */
int cnart_switch_ref(struct cnart_switches *s, const __u8 mac[6]);
/* A NART-2 slot no longer names @idx */
void cnart_switch_unref(struct cnart_switches *s, int idx);
/* one more reference on index @idx (re-counting the slots of re-adopted tables) */
void cnart_switch_hold(struct cnart_switches *s, int idx);
/* NART-2 was emptied: no slot names any index (then swept) */
void cnart_switch_drop_refs(struct cnart_switches *s);
/* after re-counting the references of re-adopted slots: free the unused indexes */
void cnart_switch_sweep(struct cnart_switches *s);
/* the index of @mac, 0 if it has none */
int cnart_switch_find(const struct cnart_switches *s, const __u8 mac[6]);
/* Sets the VLAN set of switch @idx (count 0 = no VLAN table row). */
int cnart_switch_set_vlans(struct cnart_switches *s, int idx, __u16 count, const __u16 *vlans);
/* A copy of entry @idx; -ENOENT if never assigned */
int cnart_switch_read(const struct cnart_switches *s, int idx, struct nart_switch *out);
size_t cnart_switch_count(const struct cnart_switches *s);
__u32 cnart_switch_refs(const struct cnart_switches *s, int idx);
struct cnart_switch_stats cnart_switch_get_stats(const struct cnart_switches *s);
/* monotonic milliseconds for the grace period (NULL: nl_mono_ms); tests */
void cnart_switches_set_clock(struct cnart_switches *s, __u64 (*now_ms)(void));

/* ---- read-only view (another process than the writer, e.g. the CLI) ---------------- */

/*
 * A PROT_READ mapping of a table or switch array; entries are read with the
 * readers' sequence protocol, so a copy is never torn.  No versions: those
 * live in the writer's memory.
 */
struct cnart_view {
	const void *mem;
	size_t map_bytes;
	__u32 n;	  /* entries (buckets or switches) */
	__u32 value_size; /* sizeof(struct nart_bucket) or sizeof(struct nart_switch) */
};

int cnart_view_open(int map_fd, struct cnart_view *v); /* 0 or -errno */
void cnart_view_close(struct cnart_view *v);
/* consistent copy of entry @i into @out (value_size bytes); false if never stable */
bool cnart_view_read(const struct cnart_view *v, __u32 i, void *out);

#endif /* NL_CNART_H */

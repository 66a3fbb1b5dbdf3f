/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Compact NART lookups (patent [0036]-[0037]; docs/nart.md): bucketized
 * cuckoo tables in mmapable BPF arrays, written by the agent through mmap
 * under per-bucket sequence counters, read here without locks.
 *
 * A lookup reads the first candidate bucket between two reads of its
 * sequence counter; on a hit with an unchanged, even counter the slot is a
 * consistent copy.  Otherwise it reads the second bucket the same way and,
 * for a miss, checks that neither counter moved: a cuckoo move writes the
 * key into its other bucket before clearing the old slot, so a key present
 * the whole time is seen in one of the two.  After NART_READ_TRIES unstable
 * attempts the lookup gives up (NART_UNSTABLE), which callers treat as a
 * miss: the datapath then asks WHERE, never uses a torn location.
 *
 * Ordering (the writer's half is in user/lib/cnart.c, the whole protocol in
 * include/nart_table.h): every load of a sequence counter is followed, and
 * every re-read preceded, by nart_rmb(), which orders all earlier loads
 * before all later ones.  On x86-64 loads are not reordered with loads
 * (TSO): a compiler barrier.  Elsewhere (arm64) a full barrier: a BPF
 * atomic fetch operation on a stack slot, which the JITs emit fully ordered
 * (arm64: LSE ldsetal, or LL/SC + dmb ish) and which exists from kernel 5.12
 * and clang -mcpu=v3 (the Makefile adds it off x86; below v3 clang refuses
 * the fetch form, so an unordered build cannot happen silently).  BPF
 * load-acquire (kernel >= 6.15, clang >= 20) would be cheaper but is not on
 * Debian's 6.1.
 *
 * The maps below are the datapath's NART-1, NART-2 and switch array
 * (included by bpf/lib/maps.h, pinned as nl_nart1, nl_nart2, nl_switches);
 * the geometry (bucket count, seed) of each table is in struct nl_config.
 * The test object tests/progs/nart_test.bpf.c uses the same maps and lookups.
 */
#ifndef NL_BPF_NART_H
#define NL_BPF_NART_H

#include "common.h"
#include "nart_table.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, NART_BUCKETS_1M); /* the agent may resize before load */
	__type(key, __u32);
	__type(value, struct nart1_bucket);
} nl_nart1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, NART_BUCKETS_1M);
	__type(key, __u32);
	__type(value, struct nart2_bucket);
} nl_nart2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, NART_MAX_SWITCHES);
	__type(key, __u32);
	__type(value, struct nart_switch);
} nl_switches SEC(".maps");

enum {
	NART_ABSENT = 0,
	NART_FOUND = 1,
	NART_UNSTABLE = -1, /* writer busy on every try: treat as a miss */
};

#define nart_read_once(x) (*(volatile typeof(x) *)&(x))

#if defined(__TARGET_ARCH_x86) && !defined(NART_FULL_BARRIER)
#define nart_rmb() asm volatile("" ::: "memory")
#else
/*
 * The fetch result must be used: with it unused clang emits the plain
 * atomic (BPF_ATOMIC without BPF_FETCH), which orders nothing on arm64.
 * tests/nart/test_nart_fence.c checks the instruction is there.
 */
#define nart_rmb()                                                   \
	({                                                           \
		volatile __u64 __nart_v = 0;                         \
		__u64 __nart_r = __sync_fetch_and_add(&__nart_v, 0); \
		asm volatile("" : : "r"(__nart_r) : "memory");       \
	})
#endif

/* Scans one bucket for a key of @kw words; copies the value words on a hit. */
static __always_inline int nart_scan(struct nart_bucket *b, const __u32 *key, const int kw,
				     __u32 *val)
{
#pragma unroll
	for (int s = 0; s < NART_SLOTS; s++) {
		volatile __u32 *w = b->slot[s].w;

		if (w[0] != key[0] || w[1] != key[1])
			continue;
		if (kw > 2 && w[2] != key[2])
			continue;
		if (kw == 2)
			val[0] = w[2];
		val[1] = w[3];
		return 1;
	}
	return 0;
}

/*
 * Generic lookup: @key holds @kw words (key[0] = tenant, never 0), @val gets
 * the value words (kw == 2: val[0..1] = slot words 2..3; kw == 3: val[1] =
 * slot word 3).  Returns NART_FOUND, NART_ABSENT or NART_UNSTABLE.
 */
static __always_inline int nart_find(void *map, const struct nart_geom *g, const __u32 *key,
				     const int kw, __u32 *val)
{
	struct nart_bucket *a, *b;
	__u32 ia, ib, sa, sb;

	if (!key[0] || g->nbuckets < 2)
		return NART_ABSENT;
	nart_buckets(nart_hash_words(key, kw, g->seed), g->nbuckets, &ia, &ib);
	a = bpf_map_lookup_elem(map, &ia);
	b = bpf_map_lookup_elem(map, &ib);
	if (!a || !b)
		return NART_ABSENT;

	for (int t = 0; t < NART_READ_TRIES; t++) {
		sa = nart_read_once(a->seq);
		nart_rmb();
		if (sa & 1)
			continue;
		if (nart_scan(a, key, kw, val)) {
			nart_rmb();
			if (nart_read_once(a->seq) == sa)
				return NART_FOUND;
			continue;
		}
		sb = nart_read_once(b->seq);
		nart_rmb();
		if (sb & 1)
			continue;
		if (nart_scan(b, key, kw, val)) {
			nart_rmb();
			if (nart_read_once(b->seq) == sb)
				return NART_FOUND;
			continue;
		}
		nart_rmb();
		if (nart_read_once(a->seq) == sa && nart_read_once(b->seq) == sb)
			return NART_ABSENT;
	}
	return NART_UNSTABLE;
}

/* NART-1: (tenant, ip) -> (mac, mac_as).  @out gets the whole slot. */
static __always_inline int nl_nart1_find(const struct nart_geom *g, const struct nl_nart1_key *key,
					 struct nart1_slot *out)
{
	__u32 k[2], v[2];
	int rc;

	k[0] = key->tenant;
	k[1] = key->ip;
	rc = nart_find(&nl_nart1, g, k, NART1_KEY_WORDS, v);
	if (rc == NART_FOUND) {
		out->tenant = k[0];
		out->ip = k[1];
		__builtin_memcpy(out->mac, v, 8); /* mac[6] + mac_as */
	}
	return rc;
}

/* NART-2: (tenant, mac_as, mac) -> (switch_idx, port).  @out gets the whole slot. */
static __always_inline int nl_nart2_find(const struct nart_geom *g, const struct nl_vif_key *key,
					 struct nart2_slot *out)
{
	__u32 k[3], v[2];
	int rc;

	__builtin_memcpy(k, key, sizeof(k));
	rc = nart_find(&nl_nart2, g, k, NART2_KEY_WORDS, v);
	if (rc == NART_FOUND) {
		__builtin_memcpy(out, k, sizeof(k));
		__builtin_memcpy(&out->switch_idx, &v[1], 4);
	}
	return rc;
}

/*
 * Switch @idx: MAC and VLAN set, a consistent copy (same sequence protocol).
 * NART_ABSENT for an unassigned index.
 */
static __always_inline int nl_switch_get(__u32 idx, struct nart_switch *out)
{
	struct nart_switch *sw;
	__u32 s;

	if (idx == NART_SWITCH_NONE)
		return NART_ABSENT;
	sw = bpf_map_lookup_elem(&nl_switches, &idx);
	if (!sw)
		return NART_ABSENT;
	for (int t = 0; t < NART_READ_TRIES; t++) {
		s = nart_read_once(sw->seq);
		nart_rmb();
		if (s & 1)
			continue;
		__builtin_memcpy(out, (void *)sw, sizeof(*out));
		nart_rmb();
		if (nart_read_once(sw->seq) != s)
			continue;
		/* an assigned index always has a MAC (the agent never writes 0) */
		if (!(out->mac[0] | out->mac[1] | out->mac[2] | out->mac[3] | out->mac[4] |
		      out->mac[5]))
			return NART_ABSENT;
		return NART_FOUND;
	}
	return NART_UNSTABLE;
}

#endif /* NL_BPF_NART_H */

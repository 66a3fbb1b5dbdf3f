/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Compact NART tables (docs/nart.md): layouts and the hash shared by the
 * BPF readers (bpf/lib/nart.h) and the agent's writer (user/lib/cnart.c).
 *
 * Each table is one BPF_MAP_TYPE_ARRAY (BPF_F_MMAPABLE) of 64-byte buckets:
 * a sequence counter and three 16-byte slots.  A key lives in one of its two
 * candidate buckets (bucketized cuckoo hashing).  Tenant 0 is reserved and
 * marks an empty slot.  Plain C: compiles for BPF (-D__BPF__) and user space.
 *
 * Memory ordering (a sequence lock per bucket and per switch entry; one
 * writer, the agent, any number of lock-free readers, the BPF programs):
 *   writer (user/lib/cnart.c)    seq = odd (relaxed) ; release fence ;
 *                                slot stores (relaxed) ;
 *                                seq = even (release store)
 *   reader (bpf/lib/nart.h)      s = seq ; rmb ; slot loads ; rmb ;
 *                                retry unless s is even and seq == s
 * rmb orders every earlier load before every later one: a compiler barrier
 * on x86-64 (TSO), a full barrier (BPF atomic fetch op) on other
 * architectures such as arm64.  The writer's fences are C11 atomics,
 * portable as they are.  A cuckoo move writes the key into its other
 * bucket (complete, counter even again) before clearing the old slot, so a
 * reader that checks both counters unchanged around its two scans cannot
 * miss a key present throughout.
 */
#ifndef NART_TABLE_H
#define NART_TABLE_H

#ifdef __BPF__
/* vmlinux.h provides the __u8..__u64 types */
#else
#include <linux/types.h>
#endif

#define NART_SLOTS	    3  /* slots per bucket */
#define NART_BUCKET_BYTES   64 /* one cache line */
#define NART_SLOT_WORDS	    4  /* 16-byte slot = 4 x u32 */
#define NART1_KEY_WORDS	    2  /* (tenant, ip) */
#define NART2_KEY_WORDS	    3  /* (tenant, mac_as, mac) */
#define NART_READ_TRIES	    8  /* reader retries before reporting "unstable" */
#define NART_MAX_SWITCHES   65536
#define NART_SWITCH_NONE    0 /* switch index 0 is never assigned */
#define NART_SWITCH_VLANS   8
#define NART_TARGET_ENTRIES 1000000U
/* design load 0.9 at NART_TARGET_ENTRIES: ceil(1e6 / (3 * 0.9)) buckets */
#define NART_BUCKETS_1M 370371U

/* NART-1 slot: the key (tenant, ip) then the value (mac, mac_as) */
struct nart1_slot {
	__u32 tenant; /* 0 = empty */
	__be32 ip;
	__u8 mac[6];
	__u16 mac_as;
};

/* NART-2 slot: the key (tenant, mac_as, mac) then the location */
struct nart2_slot {
	__u32 tenant; /* 0 = empty */
	__u16 mac_as;
	__u8 mac[6];
	__u16 switch_idx; /* index into the switch array, never NART_SWITCH_NONE */
	__u16 port;	  /* edge switch port */
};

struct nart_slot {
	__u32 w[NART_SLOT_WORDS];
};

/* The value of the bucket arrays.  seq is odd while the writer changes it. */
struct nart_bucket {
	__u32 seq;
	__u32 pad[3];
	struct nart_slot slot[NART_SLOTS];
} __attribute__((aligned(64)));

/*
 * The same bucket with typed slots: the value types the maps declare, so
 * BTF (bpftool map dump) shows named fields.  The code works on struct
 * nart_bucket; all three have the same layout.
 */
struct nart1_bucket {
	__u32 seq;
	__u32 pad[3];
	struct nart1_slot slot[NART_SLOTS];
} __attribute__((aligned(64)));

struct nart2_bucket {
	__u32 seq;
	__u32 pad[3];
	struct nart2_slot slot[NART_SLOTS];
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct nart_bucket) == NART_BUCKET_BYTES, "bucket = one cache line");
_Static_assert(sizeof(struct nart1_bucket) == NART_BUCKET_BYTES, "bucket = one cache line");
_Static_assert(sizeof(struct nart2_bucket) == NART_BUCKET_BYTES, "bucket = one cache line");

/*
 * Switch array (value of map "switches", indexed by switch_idx): the egress
 * edge switch's MAC and the VLANs usable towards it, i.e. a NART-2 location
 * and the VLAN table row in one place.  count 0 = no VLAN table row.
 */
struct nart_switch {
	__u32 seq;
	__u8 mac[6];
	__u16 count;
	__u16 vlans[NART_SWITCH_VLANS];
	__u32 pad;
};

/*
 * Geometry of a table: in the datapath, fields nart1 and nart2 of struct
 * nl_config; in the test object, map "nart_meta".  The seeds are random per
 * table creation so tenants cannot aim their addresses at one bucket pair.
 */
struct nart_geom {
	__u32 nbuckets;
	__u32 pad;
	__u64 seed;
};

struct nart_meta {
	struct nart_geom t1;
	struct nart_geom t2;
};

/* ---- the hash (identical on both sides) ------------------------------------ */

static inline __u64 nart_fmix64(__u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* key words are read in host order from the key's memory, as stored in slots */
static inline __u64 nart_hash_words(const __u32 *w, int nwords, __u64 seed)
{
	__u64 h = nart_fmix64(seed ^ ((__u64)w[1] << 32 | w[0]));

	if (nwords > 2)
		h = nart_fmix64(h ^ w[2] ^ 0x9e3779b97f4a7c15ULL);
	return h;
}

/* the two candidate buckets of a hash; always distinct when nbuckets > 1 */
static inline void nart_buckets(__u64 h, __u32 nbuckets, __u32 *b1, __u32 *b2)
{
	__u32 i1 = (__u32)(((h & 0xffffffffULL) * nbuckets) >> 32);
	__u32 i2 = (__u32)(((h >> 32) * nbuckets) >> 32);

	if (i2 == i1)
		i2 = i1 + 1 == nbuckets ? 0 : i1 + 1;
	*b1 = i1;
	*b2 = i2;
}

/* ---- bench key generator ------------------------------------------------- */

/*
 * Key i of NART-1 / NART-2, the same in every NART benchmark and test:
 * tests/progs/nart_test.bpf.c, tests/nart/ and tests/agent/bench_nart_mem.c.
 */
static inline void nart_bench_key1(__u32 i, __u32 *w)
{
	w[0] = 2 + i % 50000;
	w[1] = __builtin_bswap32(0x0a000000 | i); /* ip in network order */
}

static inline void nart_bench_key2(__u32 i, __u32 *w)
{
	/* tenant | mac_as=1 | mac 52:00:i(4 bytes, little endian) */
	w[0] = 2 + i % 50000;
	w[1] = 1 | 0x52 << 16;
	w[2] = i;
}

#endif /* NART_TABLE_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Compact NART writer: bucketized cuckoo hashing over an mmap'ed BPF array
 * (docs/nart.md).  Readers are BPF programs using bpf/lib/nart.h; they take
 * no lock, so every change follows the sequence protocol:
 *
 *   seq = odd (relaxed store) ; release fence ; slot stores ;
 *   seq = even (release store)
 *
 * and a cuckoo move copies the key into its other bucket before clearing
 * the old slot, so a key present throughout is always in one of its two
 * buckets.  The reader checks the counters of both buckets before it
 * declares a miss.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <bpf/bpf.h>

#include "cnart.h"
#include "util.h"

#define BFS_MAX_NODES 2048
#define BFS_MAX_DEPTH 8

struct bfs_node {
	__u32 bucket;
	__s16 parent; /* index in the queue, -1 for a candidate bucket of the new key */
	__u8 slot;    /* slot of the parent's bucket whose key moves to this bucket */
	__u8 depth;
};

struct cnart {
	struct nart_bucket *b;
	size_t map_bytes;
	__u32 nbuckets;
	int kw; /* key words: 2 or 3 */
	__u64 seed;
	size_t count;
	__u64 *version;	  /* side array, index = bucket * NART_SLOTS + slot */
	size_t ver_bytes; /* > 0: version is an mmap of a pinned array, else calloc */
	struct bfs_node *q;
	struct cnart_stats st;
};

/* ---- sequence protocol -------------------------------------------------------------- */

static inline void seq_begin(struct nart_bucket *b)
{
	__atomic_store_n(&b->seq, b->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* smp_wmb: odd seq before the data */
}

static inline void seq_end(struct nart_bucket *b)
{
	__atomic_store_n(&b->seq, b->seq + 1, __ATOMIC_RELEASE); /* data before even seq */
}

static inline void slot_store(struct nart_slot *dst, const struct nart_slot *src)
{
	for (int i = 0; i < NART_SLOT_WORDS; i++)
		__atomic_store_n(&dst->w[i], src->w[i], __ATOMIC_RELAXED);
}

static void slot_write(struct nart_bucket *b, int s, const struct nart_slot *src)
{
	seq_begin(b);
	slot_store(&b->slot[s], src);
	seq_end(b);
}

static void slot_clear(struct nart_bucket *b, int s)
{
	static const struct nart_slot zero;

	slot_write(b, s, &zero);
}

/* ---- helpers ------------------------------------------------------------------------- */

static inline bool key_eq(const struct nart_slot *s, const __u32 *key, int kw)
{
	return s->w[0] == key[0] && s->w[1] == key[1] && (kw < 3 || s->w[2] == key[2]);
}

static inline void key_buckets(const struct cnart *t, const __u32 *key, __u32 *b1, __u32 *b2)
{
	nart_buckets(nart_hash_words(key, t->kw, t->seed), t->nbuckets, b1, b2);
}

static inline __u32 alt_bucket(const struct cnart *t, __u32 bucket, const struct nart_slot *s)
{
	__u32 b1, b2;

	key_buckets(t, s->w, &b1, &b2);
	return bucket == b1 ? b2 : b1;
}

static int find_in(const struct cnart *t, __u32 bucket, const __u32 *key)
{
	const struct nart_bucket *b = &t->b[bucket];

	for (int s = 0; s < NART_SLOTS; s++)
		if (b->slot[s].w[0] && key_eq(&b->slot[s], key, t->kw))
			return s;
	return -1;
}

static int free_slot(const struct cnart *t, __u32 bucket)
{
	for (int s = 0; s < NART_SLOTS; s++)
		if (!t->b[bucket].slot[s].w[0])
			return s;
	return -1;
}

static int free_slots(const struct cnart *t, __u32 bucket)
{
	int n = 0;

	for (int s = 0; s < NART_SLOTS; s++)
		n += !t->b[bucket].slot[s].w[0];
	return n;
}

static inline __u64 *ver(const struct cnart *t, __u32 bucket, int s)
{
	return &t->version[(size_t)bucket * NART_SLOTS + s];
}

/* ---- open / close ---------------------------------------------------------------------- */

__u64 cnart_random_seed(void)
{
	__u64 seed = 0;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (__u64)getpid() * 0x9e3779b97f4a7c15ULL ^ (__u64)(uintptr_t)&seed;
	return seed;
}

/* maps the u64-per-slot version array @fd (value 8 bytes, >= @slots entries) */
static __u64 *map_versions(int fd, size_t slots, size_t *bytes)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	void *mem;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return NULL;
	if (info.type != BPF_MAP_TYPE_ARRAY || info.value_size != sizeof(__u64) ||
	    !(info.map_flags & BPF_F_MMAPABLE) || info.max_entries < slots) {
		errno = EINVAL;
		return NULL;
	}
	*bytes = ((size_t)info.max_entries * sizeof(__u64) + page - 1) & ~(page - 1);
	mem = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return mem == MAP_FAILED ? NULL : mem;
}

struct cnart *cnart_open(int map_fd, enum cnart_kind kind, __u64 seed)
{
	return cnart_open_ver(map_fd, kind, seed, -1, false);
}

struct cnart *cnart_open_ver(int map_fd, enum cnart_kind kind, __u64 seed, int ver_fd,
			     bool keep_versions)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	struct cnart *t;
	void *mem;

	if (kind != CNART_1 && kind != CNART_2) {
		errno = EINVAL;
		return NULL;
	}
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return NULL;
	if (info.type != BPF_MAP_TYPE_ARRAY || info.value_size != sizeof(struct nart_bucket) ||
	    !(info.map_flags & BPF_F_MMAPABLE) || info.max_entries < 2) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->nbuckets = info.max_entries;
	t->kw = kind == CNART_1 ? NART1_KEY_WORDS : NART2_KEY_WORDS;
	t->seed = seed;
	t->map_bytes = ((size_t)t->nbuckets * sizeof(struct nart_bucket) + page - 1) & ~(page - 1);
	mem = mmap(NULL, t->map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (ver_fd >= 0)
		t->version = map_versions(ver_fd, (size_t)t->nbuckets * NART_SLOTS, &t->ver_bytes);
	else
		t->version = calloc((size_t)t->nbuckets * NART_SLOTS, sizeof(__u64));
	t->q = calloc(BFS_MAX_NODES, sizeof(*t->q));
	if (mem == MAP_FAILED || !t->version || !t->q) {
		int e = mem == MAP_FAILED ? errno : ver_fd >= 0 && !t->version ? errno : ENOMEM;

		if (mem != MAP_FAILED)
			munmap(mem, t->map_bytes);
		if (t->ver_bytes && t->version)
			munmap(t->version, t->ver_bytes);
		else
			free(t->version);
		free(t->q);
		free(t);
		errno = e ? e : ENOMEM;
		return NULL;
	}
	t->b = mem;
	for (__u32 i = 0; i < t->nbuckets; i++) {
		/* a writer that died mid-update leaves an odd counter: make it even */
		if (t->b[i].seq & 1)
			seq_end(&t->b[i]);
		t->count += NART_SLOTS - free_slots(t, i);
		/* a version belongs to its slot's key: none for an empty slot */
		for (int s = 0; s < NART_SLOTS; s++)
			if (!keep_versions || !t->b[i].slot[s].w[0])
				*ver(t, i, s) = 0;
	}
	return t;
}

void cnart_close(struct cnart *t)
{
	if (!t)
		return;
	munmap(t->b, t->map_bytes);
	if (t->ver_bytes)
		munmap(t->version, t->ver_bytes);
	else
		free(t->version);
	free(t->q);
	free(t);
}

bool cnart_versions_persistent(const struct cnart *t)
{
	return t->ver_bytes != 0;
}

/* ---- lookups ------------------------------------------------------------------------------ */

/* the slot holding key in one of its two candidate buckets b1, b2: -1 if absent */
static int locate(const struct cnart *t, const __u32 *key, __u32 b1, __u32 b2, __u32 *b)
{
	int s = find_in(t, b1, key);

	*b = b1;
	if (s < 0) {
		s = find_in(t, b2, key);
		*b = b2;
	}
	return s;
}

bool cnart_get(const struct cnart *t, const __u32 *key, struct nart_slot *out, __u64 *version)
{
	__u32 b1, b2, b;
	int s;

	if (!key[0])
		return false;
	key_buckets(t, key, &b1, &b2);
	s = locate(t, key, b1, b2, &b);
	if (s < 0)
		return false;
	if (out)
		*out = t->b[b].slot[s];
	if (version)
		*version = *ver(t, b, s);
	return true;
}

/* ---- insertion --------------------------------------------------------------------------------
 */

static bool on_path(const struct cnart *t, int node, __u32 bucket)
{
	for (; node >= 0; node = t->q[node].parent)
		if (t->q[node].bucket == bucket)
			return true;
	return false;
}

/*
 * Breadth-first search for a bucket with a free slot, reachable from the new
 * key's buckets by displacing keys to their other bucket; the buckets of one
 * path are all distinct.  Returns the queue index of the end node and its
 * free slot, or -1.
 */
static int bfs(struct cnart *t, __u32 b1, __u32 b2, int *free_s)
{
	int head = 0, tail = 0;

	t->q[tail++] = (struct bfs_node){.bucket = b1, .parent = -1};
	t->q[tail++] = (struct bfs_node){.bucket = b2, .parent = -1};
	while (head < tail) {
		int n = head++;
		struct bfs_node cur = t->q[n];
		int f;

		t->st.bfs_nodes++;
		f = free_slot(t, cur.bucket);
		if (f >= 0) {
			*free_s = f;
			return n;
		}
		if (cur.depth >= BFS_MAX_DEPTH)
			continue;
		for (int s = 0; s < NART_SLOTS && tail < BFS_MAX_NODES; s++) {
			__u32 alt = alt_bucket(t, cur.bucket, &t->b[cur.bucket].slot[s]);

			if (on_path(t, n, alt))
				continue;
			t->q[tail++] = (struct bfs_node){
				.bucket = alt, .parent = n, .slot = s, .depth = cur.depth + 1};
		}
	}
	return -1;
}

/*
 * Carries the path out from its free end: each key is first written into
 * the free slot of its other bucket, then its old slot is cleared and
 * becomes the free slot of the previous step.  Returns the root's bucket;
 * *free_s becomes the free slot there.
 */
static __u32 displace(struct cnart *t, int n, int *free_s)
{
	__u32 len = 0;

	while (t->q[n].parent >= 0) {
		const struct bfs_node *cur = &t->q[n], *par = &t->q[cur->parent];
		struct nart_bucket *from = &t->b[par->bucket], *to = &t->b[cur->bucket];

		slot_write(to, *free_s, &from->slot[cur->slot]);
		*ver(t, cur->bucket, *free_s) = *ver(t, par->bucket, cur->slot);
		slot_clear(from, cur->slot);
		*ver(t, par->bucket, cur->slot) = 0;
		*free_s = cur->slot;
		n = cur->parent;
		t->st.moves++;
		len++;
	}
	if (len > t->st.max_path)
		t->st.max_path = len;
	return t->q[n].bucket;
}

int cnart_put(struct cnart *t, const struct nart_slot *s, __u64 version)
{
	__u32 b1, b2, b;
	int f, n, f1, f2;

	if (!s->w[0])
		return -EINVAL;
	key_buckets(t, s->w, &b1, &b2);
	f = locate(t, s->w, b1, b2, &b);
	if (f >= 0) {
		/* same key: the value changes in place, the key words stay */
		slot_write(&t->b[b], f, s);
		*ver(t, b, f) = version;
		t->st.updates++;
		return 1;
	}

	/* the emptier candidate bucket first keeps the load even */
	f1 = free_slots(t, b1);
	f2 = free_slots(t, b2);
	if (f1 || f2) {
		b = f1 >= f2 ? b1 : b2;
		f = free_slot(t, b);
	} else {
		n = bfs(t, b1, b2, &f);
		if (n < 0) {
			t->st.full++;
			return -ENOSPC;
		}
		b = displace(t, n, &f);
	}
	slot_write(&t->b[b], f, s);
	*ver(t, b, f) = version;
	t->count++;
	t->st.inserts++;
	return 0;
}

bool cnart_del(struct cnart *t, const __u32 *key)
{
	__u32 b1, b2, b;
	int s;

	if (!key[0])
		return false;
	key_buckets(t, key, &b1, &b2);
	s = locate(t, key, b1, b2, &b);
	if (s < 0)
		return false;
	slot_clear(&t->b[b], s);
	*ver(t, b, s) = 0;
	t->count--;
	t->st.deletes++;
	return true;
}

int cnart_iterate(const struct cnart *t,
		  int (*fn)(const struct nart_slot *s, __u64 version, void *ctx), void *ctx)
{
	for (__u32 i = 0; i < t->nbuckets; i++)
		for (int s = 0; s < NART_SLOTS; s++) {
			int rc;

			if (!t->b[i].slot[s].w[0])
				continue;
			rc = fn(&t->b[i].slot[s], *ver(t, i, s), ctx);
			if (rc)
				return rc;
		}
	return 0;
}

size_t cnart_count(const struct cnart *t)
{
	return t->count;
}

size_t cnart_capacity(const struct cnart *t)
{
	return (size_t)t->nbuckets * NART_SLOTS;
}

double cnart_load(const struct cnart *t)
{
	return (double)t->count / cnart_capacity(t);
}

struct nart_geom cnart_geom(const struct cnart *t)
{
	return (struct nart_geom){.nbuckets = t->nbuckets, .seed = t->seed};
}

struct cnart_stats cnart_get_stats(const struct cnart *t)
{
	return t->st;
}

size_t cnart_user_bytes(const struct cnart *t)
{
	return cnart_capacity(t) * sizeof(__u64) + BFS_MAX_NODES * sizeof(struct bfs_node) +
	       sizeof(*t);
}

void cnart_clear(struct cnart *t)
{
	for (__u32 i = 0; i < t->nbuckets; i++)
		for (int s = 0; s < NART_SLOTS; s++)
			if (t->b[i].slot[s].w[0])
				slot_clear(&t->b[i], s);
	memset(t->version, 0, (size_t)t->nbuckets * NART_SLOTS * sizeof(__u64));
	t->count = 0;
}

size_t cnart_map_bytes(const struct cnart *t)
{
	return t->map_bytes;
}

int cnart_meta_write(int meta_fd, const struct cnart *t1, const struct cnart *t2)
{
	struct nart_meta m = {};
	__u32 zero = 0;

	if (t1)
		m.t1 = cnart_geom(t1);
	if (t2)
		m.t2 = cnart_geom(t2);
	return bpf_map_update_elem(meta_fd, &zero, &m, BPF_ANY) ? -errno : 0;
}

/* ---- switch array --------------------------------------------------------------------------- */

#define SW_DICT_SIZE (2 * NART_MAX_SWITCHES) /* power of two, load <= 0.5 */

struct sw_free {
	__u32 idx;
	__u64 since_ms; /* monotonic time the last reference went */
};

struct cnart_switches {
	struct nart_switch *a;
	size_t map_bytes;
	__u32 n;		  /* array entries */
	__u32 next;		  /* next never-assigned index */
	__u32 count;		  /* indexes holding a switch (referenced, named or quarantined) */
	__u32 reserve;		  /* indexes only the VLAN table may take */
	__u32 dict[SW_DICT_SIZE]; /* MAC hash -> index, 0 = empty */
	__u32 refs[NART_MAX_SWITCHES];		/* NART-2 slots naming each index */
	__u8 queued[NART_MAX_SWITCHES];		/* in the free FIFO */
	struct sw_free fifo[NART_MAX_SWITCHES]; /* unreferenced indexes, oldest first */
	__u32 fhead, flen;
	struct cnart_switch_stats st;
	__u64 (*now_ms)(void); /* monotonic ms: the grace period */
};

static bool mac_zero(const __u8 *m)
{
	return !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

static __u32 mac_hash(const __u8 mac[6])
{
	__u32 w[2] = {0, 0};

	memcpy(w, mac, 6);
	return (__u32)nart_hash_words(w, 2, 0x5357) & (SW_DICT_SIZE - 1);
}

static void sw_write(struct nart_switch *e, const struct nart_switch *v)
{
	const __u32 *src = (const __u32 *)v;
	__u32 *dst = (__u32 *)e;

	__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (size_t i = 1; i < sizeof(*e) / 4; i++)
		__atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELEASE);
}

static int dict_find(const struct cnart_switches *s, const __u8 mac[6], __u32 *pos)
{
	__u32 h = mac_hash(mac);

	for (;; h = (h + 1) & (SW_DICT_SIZE - 1)) {
		__u32 idx = s->dict[h];

		if (!idx) {
			*pos = h;
			return 0;
		}
		if (!memcmp(s->a[idx].mac, mac, 6)) {
			*pos = h;
			return idx;
		}
	}
}

/* linear probing deletion by backward shift (no tombstones in the dictionary) */
static void dict_remove(struct cnart_switches *s, __u32 pos)
{
	__u32 i = pos, j = pos;

	for (;;) {
		__u32 k;

		j = (j + 1) & (SW_DICT_SIZE - 1);
		if (!s->dict[j])
			break;
		k = mac_hash(s->a[s->dict[j]].mac);
		/* move j to i if its home k is not cyclically in (i, j] */
		if ((i <= j) ? (k <= i || k > j) : (k <= i && k > j)) {
			s->dict[i] = s->dict[j];
			i = j;
		}
	}
	s->dict[i] = 0;
}

/* an index nobody names any more: reusable after the grace period */
static void sw_maybe_free(struct cnart_switches *s, __u32 idx, __u64 now_ms)
{
	if (s->refs[idx] || s->a[idx].count || s->queued[idx])
		return;
	s->fifo[(s->fhead + s->flen) % NART_MAX_SWITCHES] =
		(struct sw_free){.idx = idx, .since_ms = now_ms};
	s->flen++;
	s->queued[idx] = 1;
}

/*
 * The oldest freed index whose grace period is over and that is still
 * unused, its MAC removed from the dictionary; 0 if none.
 */
static __u32 sw_reuse(struct cnart_switches *s, __u64 now_ms, bool take)
{
	while (s->flen) {
		struct sw_free f = s->fifo[s->fhead];
		__u32 pos;

		if (s->refs[f.idx] || s->a[f.idx].count) {
			/* named again while queued: keep it */
			s->queued[f.idx] = 0;
			s->fhead = (s->fhead + 1) % NART_MAX_SWITCHES;
			s->flen--;
			continue;
		}
		if (now_ms - f.since_ms < CNART_SWITCH_GRACE_MS)
			return 0;
		if (!take)
			return f.idx;
		s->queued[f.idx] = 0;
		s->fhead = (s->fhead + 1) % NART_MAX_SWITCHES;
		s->flen--;
		if (dict_find(s, s->a[f.idx].mac, &pos) == (int)f.idx)
			dict_remove(s, pos);
		s->count--;
		s->st.reclaimed++;
		return f.idx;
	}
	return 0;
}

struct cnart_switches *cnart_switches_open(int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	struct cnart_switches *s;
	void *mem;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return NULL;
	if (info.type != BPF_MAP_TYPE_ARRAY || info.value_size != sizeof(struct nart_switch) ||
	    !(info.map_flags & BPF_F_MMAPABLE) || info.max_entries < 2 ||
	    info.max_entries > NART_MAX_SWITCHES) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->n = info.max_entries;
	/* the VLAN table's switches always find room (NL_VT_MAX_SWITCHES rows at most) */
	s->reserve = CNART_SWITCH_RESERVE < s->n / 2 ? CNART_SWITCH_RESERVE : s->n / 2;
	s->map_bytes = ((size_t)s->n * sizeof(struct nart_switch) + page - 1) & ~(page - 1);
	mem = mmap(NULL, s->map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (mem == MAP_FAILED) {
		int e = errno;

		free(s);
		errno = e;
		return NULL;
	}
	s->a = mem;
	s->next = 1;
	s->now_ms = nl_mono_ms;
	/*
	 * An existing array (agent restart): indexes stay what they were.  The
	 * references are counted again by the caller (cnart_switch_ref for
	 * every NART-2 slot), then cnart_switch_sweep() frees the unused ones.
	 */
	for (__u32 i = 1; i < s->n; i++) {
		__u32 pos;

		if (mac_zero(s->a[i].mac))
			continue;
		if (s->a[i].seq & 1)
			__atomic_store_n(&s->a[i].seq, s->a[i].seq + 1, __ATOMIC_RELEASE);
		if (!dict_find(s, s->a[i].mac, &pos))
			s->dict[pos] = i;
		s->count++;
		s->next = i + 1;
	}
	return s;
}

void cnart_switches_close(struct cnart_switches *s)
{
	if (!s)
		return;
	munmap(s->a, s->map_bytes);
	free(s);
}

int cnart_switch_find(const struct cnart_switches *s, const __u8 mac[6])
{
	__u32 pos;

	return mac_zero(mac) ? 0 : dict_find(s, mac, &pos);
}

/* index of @mac, assigning one if needed; @limit: highest count allowed for a new one */
static int sw_index(struct cnart_switches *s, const __u8 mac[6], __u32 limit, __u64 now_ms)
{
	struct nart_switch v = {};
	__u32 pos;
	int idx;

	if (mac_zero(mac))
		return -EINVAL;
	idx = dict_find(s, mac, &pos);
	if (idx)
		return idx;
	if (s->count >= limit && !sw_reuse(s, now_ms, false)) {
		s->st.full++;
		return -ENOSPC;
	}
	idx = (int)sw_reuse(s, now_ms, true);
	if (!idx) {
		if (s->next >= s->n) {
			s->st.full++;
			return -ENOSPC;
		}
		idx = (int)s->next++;
	}
	/* the dictionary may have shifted: look the free position up again */
	dict_find(s, mac, &pos);
	memcpy(v.mac, mac, 6);
	sw_write(&s->a[idx], &v);
	s->dict[pos] = (__u32)idx;
	s->refs[idx] = 0;
	s->count++;
	s->st.assigned++;
	return idx;
}

int cnart_switch_index(struct cnart_switches *s, const __u8 mac[6])
{
	return sw_index(s, mac, s->n - 1, s->now_ms());
}

int cnart_switch_ref(struct cnart_switches *s, const __u8 mac[6])
{
	int idx = sw_index(s, mac, s->n - 1 - s->reserve, s->now_ms());

	if (idx > 0)
		s->refs[idx]++;
	return idx;
}

void cnart_switch_unref(struct cnart_switches *s, int idx)
{
	if (idx <= 0 || (__u32)idx >= s->next || !s->refs[idx])
		return;
	if (!--s->refs[idx])
		sw_maybe_free(s, (__u32)idx, s->now_ms());
}

void cnart_switch_hold(struct cnart_switches *s, int idx)
{
	if (idx > 0 && (__u32)idx < s->next)
		s->refs[idx]++;
}

void cnart_switch_drop_refs(struct cnart_switches *s)
{
	memset(s->refs, 0, sizeof(s->refs));
	cnart_switch_sweep(s);
}

void cnart_switch_sweep(struct cnart_switches *s)
{
	__u64 now = s->now_ms();

	for (__u32 i = 1; i < s->next; i++)
		if (!mac_zero(s->a[i].mac))
			sw_maybe_free(s, i, now);
}

int cnart_switch_set_vlans(struct cnart_switches *s, int idx, __u16 count, const __u16 *vlans)
{
	struct nart_switch v;

	if (idx <= 0 || (__u32)idx >= s->next || count > NART_SWITCH_VLANS)
		return -EINVAL;
	v = s->a[idx];
	v.count = count;
	memset(v.vlans, 0, sizeof(v.vlans));
	if (count)
		memcpy(v.vlans, vlans, count * sizeof(*vlans));
	sw_write(&s->a[idx], &v);
	if (!count)
		sw_maybe_free(s, (__u32)idx, s->now_ms());
	return 0;
}

int cnart_switch_read(const struct cnart_switches *s, int idx, struct nart_switch *out)
{
	if (idx <= 0 || (__u32)idx >= s->next)
		return -ENOENT;
	*out = s->a[idx];
	return 0;
}

void cnart_switches_set_clock(struct cnart_switches *s, __u64 (*now_ms)(void))
{
	s->now_ms = now_ms ? now_ms : nl_mono_ms;
}

size_t cnart_switch_count(const struct cnart_switches *s)
{
	return s->count;
}

__u32 cnart_switch_refs(const struct cnart_switches *s, int idx)
{
	return idx > 0 && (__u32)idx < s->n ? s->refs[idx] : 0;
}

struct cnart_switch_stats cnart_switch_get_stats(const struct cnart_switches *s)
{
	struct cnart_switch_stats st = s->st;

	st.in_use = s->count;
	st.free_pending = s->flen;
	st.reserve = s->reserve;
	st.capacity = s->n - 1;
	return st;
}

/* ---- read-only view -------------------------------------------------------------------------- */

int cnart_view_open(int map_fd, struct cnart_view *v)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	void *mem;

	memset(v, 0, sizeof(*v));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_ARRAY || !(info.map_flags & BPF_F_MMAPABLE) ||
	    (info.value_size != sizeof(struct nart_bucket) &&
	     info.value_size != sizeof(struct nart_switch)))
		return -EINVAL;
	v->n = info.max_entries;
	v->value_size = info.value_size;
	v->map_bytes = ((size_t)v->n * v->value_size + page - 1) & ~(page - 1);
	mem = mmap(NULL, v->map_bytes, PROT_READ, MAP_SHARED, map_fd, 0);
	if (mem == MAP_FAILED)
		return -errno;
	v->mem = mem;
	return 0;
}

void cnart_view_close(struct cnart_view *v)
{
	if (v->mem)
		munmap((void *)v->mem, v->map_bytes);
	memset(v, 0, sizeof(*v));
}

bool cnart_view_read(const struct cnart_view *v, __u32 i, void *out)
{
	const __u32 *e = (const __u32 *)((const char *)v->mem + (size_t)i * v->value_size);
	__u32 *o = out;

	if (i >= v->n)
		return false;
	for (int t = 0; t < 1000; t++) {
		__u32 s = __atomic_load_n(&e[0], __ATOMIC_ACQUIRE);

		if (s & 1)
			continue;
		for (__u32 w = 0; w < v->value_size / 4; w++)
			o[w] = __atomic_load_n(&e[w], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE); /* smp_rmb: data before the re-read */
		if (__atomic_load_n(&e[0], __ATOMIC_RELAXED) == s) {
			o[0] = s;
			return true;
		}
	}
	return false;
}

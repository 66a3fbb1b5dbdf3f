// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * NART-2 tombstones (nart_tomb.h): a FIFO ring of records in creation
 * order, so the oldest expires or is evicted first in O(1), and an
 * open-addressing index (key -> ring slot) rebuilt from the records when
 * a restarted agent re-adopts the pinned array.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "nart_table.h"
#include "nart_tomb.h"

#define TOMB_MAGIC 0x4e4c5442u /* "NLTB" */

struct tomb_hdr {
	__u32 magic, cap;
	__u64 head, tail; /* ring counters: records [head, tail) */
};

_Static_assert(sizeof(struct nart_tomb_rec) == 48, "tombstone record layout");
_Static_assert(sizeof(struct tomb_hdr) <= sizeof(struct nart_tomb_rec), "header fits index 0");

struct nart_tombs {
	struct nart_tomb_rec *mem; /* [0] header, [1..cap] ring */
	size_t bytes;
	bool mapped;
	__u32 cap, isize; /* isize: index slots, power of two >= 2 cap */
	__u32 *index;	  /* ring slot + 1, 0 = empty */
	struct nart_tombs_stats st;
};

static struct tomb_hdr *hdr(const struct nart_tombs *t)
{
	return (struct tomb_hdr *)&t->mem[0];
}

static struct nart_tomb_rec *rec(const struct nart_tombs *t, __u64 n)
{
	return &t->mem[1 + n % t->cap];
}

static __u32 key_hash(const struct nart_tombs *t, const __u32 key[3])
{
	return (__u32)nart_hash_words(key, 3, 0x746f6d62ULL) & (t->isize - 1);
}

static bool key_eq(const __u32 *a, const __u32 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

/* index position of @key (its slot, or the empty one ending its probe) */
static __u32 ifind(const struct nart_tombs *t, const __u32 key[3], bool *found)
{
	__u32 h = key_hash(t, key);

	for (;; h = (h + 1) & (t->isize - 1)) {
		__u32 v = t->index[h];

		if (!v || key_eq(t->mem[v].key, key)) {
			*found = v != 0;
			return h;
		}
	}
}

static void iremove(struct nart_tombs *t, __u32 pos)
{
	__u32 i = pos, j = pos;

	for (;;) {
		__u32 k;

		j = (j + 1) & (t->isize - 1);
		if (!t->index[j])
			break;
		k = key_hash(t, t->mem[t->index[j]].key);
		if ((i <= j) ? (k <= i || k > j) : (k <= i && k > j)) {
			t->index[i] = t->index[j];
			i = j;
		}
	}
	t->index[i] = 0;
}

/* kill record @r (in the ring) and its index entry */
static void kill(struct nart_tombs *t, struct nart_tomb_rec *r)
{
	bool found;
	__u32 pos;

	if (!r->key[0])
		return;
	pos = ifind(t, r->key, &found);
	if (found && &t->mem[t->index[pos]] == r)
		iremove(t, pos);
	r->key[0] = 0;
	t->st.live--;
}

/* drop expired (and dead) records from the old end of the ring */
static void expire(struct nart_tombs *t, __u64 now_ms)
{
	struct tomb_hdr *h = hdr(t);

	while (h->head < h->tail) {
		struct nart_tomb_rec *r = rec(t, h->head);

		if (r->key[0] && r->expires_ms > now_ms)
			break;
		if (r->key[0]) {
			kill(t, r);
			t->st.expired++;
		}
		h->head++;
	}
}

struct nart_tombs *nart_tombs_open(int fd, __u32 cap)
{
	struct nart_tombs *t;
	struct tomb_hdr *h;

	if (cap < 2) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (fd >= 0) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		long page = sysconf(_SC_PAGESIZE);
		void *m;

		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			goto fail;
		if (info.type != BPF_MAP_TYPE_ARRAY ||
		    info.value_size != sizeof(struct nart_tomb_rec) ||
		    !(info.map_flags & BPF_F_MMAPABLE) || info.max_entries < 3) {
			errno = EINVAL;
			goto fail;
		}
		cap = info.max_entries - 1;
		t->bytes = ((size_t)info.max_entries * sizeof(struct nart_tomb_rec) + page - 1) &
			   ~(page - 1);
		m = mmap(NULL, t->bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			goto fail;
		t->mem = m;
		t->mapped = true;
	} else {
		t->bytes = ((size_t)cap + 1) * sizeof(struct nart_tomb_rec);
		t->mem = calloc((size_t)cap + 1, sizeof(struct nart_tomb_rec));
		if (!t->mem)
			goto fail;
	}
	t->cap = cap;
	for (t->isize = 2; t->isize < 2 * cap; t->isize <<= 1)
		;
	t->index = calloc(t->isize, sizeof(*t->index));
	if (!t->index)
		goto fail;
	t->st.cap = cap;
	h = hdr(t);
	if (h->magic != TOMB_MAGIC || h->cap != cap || h->tail - h->head > cap) {
		/* new or unusable: start empty */
		memset(t->mem, 0, ((size_t)cap + 1) * sizeof(struct nart_tomb_rec));
		h->magic = TOMB_MAGIC;
		h->cap = cap;
		return t;
	}
	/* re-adopt: index every live record, newest last (a key's newest wins) */
	for (__u64 n = h->head; n < h->tail; n++) {
		struct nart_tomb_rec *r = rec(t, n);
		bool found;
		__u32 pos;

		if (!r->key[0])
			continue;
		pos = ifind(t, r->key, &found);
		if (found) {
			struct nart_tomb_rec *old = &t->mem[t->index[pos]];

			old->key[0] = 0; /* an older record of the same key */
			t->st.live--;
		}
		t->index[pos] = (__u32)(r - t->mem);
		t->st.live++;
	}
	return t;
fail:
	if (t->mapped)
		munmap(t->mem, t->bytes);
	else
		free(t->mem);
	free(t->index);
	free(t);
	return NULL;
}

void nart_tombs_close(struct nart_tombs *t)
{
	if (!t)
		return;
	if (t->mapped)
		munmap(t->mem, t->bytes);
	else
		free(t->mem);
	free(t->index);
	free(t);
}

bool nart_tombs_get(struct nart_tombs *t, const __u32 key[3], __u64 now_ms, struct nart_tomb *out)
{
	struct nart_tomb_rec *r;
	bool found;
	__u32 pos;

	expire(t, now_ms);
	pos = ifind(t, key, &found);
	if (!found)
		return false;
	r = &t->mem[t->index[pos]];
	if (r->expires_ms <= now_ms)
		return false;
	memcpy(out->loc.switch_mac, r->switch_mac, 6);
	out->loc.port = r->port;
	out->gone = r->gone;
	out->floor = r->floor;
	return true;
}

void nart_tombs_put(struct nart_tombs *t, const __u32 key[3], const struct nart_tomb *tb,
		    __u64 now_ms)
{
	struct tomb_hdr *h = hdr(t);
	struct nart_tomb_rec *r;
	bool found;
	__u32 pos;

	if (!key[0])
		return;
	expire(t, now_ms);
	pos = ifind(t, key, &found);
	if (found)
		kill(t, &t->mem[t->index[pos]]);
	if (h->tail - h->head == t->cap) {
		/* full: the oldest goes before its time */
		r = rec(t, h->head);
		if (r->key[0]) {
			kill(t, r);
			t->st.evicted++;
		}
		h->head++;
	}
	r = rec(t, h->tail);
	r->key[1] = key[1];
	r->key[2] = key[2];
	memcpy(r->switch_mac, tb->loc.switch_mac, 6);
	r->port = tb->loc.port;
	r->gone = tb->gone;
	r->floor = tb->floor;
	r->expires_ms = now_ms + NART_TOMB_TTL_MS;
	r->key[0] = key[0]; /* last: a record is live once complete */
	h->tail++;
	pos = ifind(t, key, &found); /* kill() may have shifted the index */
	t->index[pos] = (__u32)(r - t->mem);
	t->st.live++;
	t->st.added++;
}

void nart_tombs_del(struct nart_tombs *t, const __u32 key[3])
{
	bool found;
	__u32 pos = ifind(t, key, &found);

	if (found)
		kill(t, &t->mem[t->index[pos]]);
}

struct nart_tombs_stats nart_tombs_get_stats(const struct nart_tombs *t)
{
	return t->st;
}

size_t nart_tombs_bytes(const struct nart_tombs *t)
{
	return t->bytes + (size_t)t->isize * sizeof(*t->index) + sizeof(*t);
}

void nart_tombs_clear(struct nart_tombs *t)
{
	memset(t->mem, 0, ((size_t)t->cap + 1) * sizeof(struct nart_tomb_rec));
	memset(t->index, 0, (size_t)t->isize * sizeof(*t->index));
	hdr(t)->magic = TOMB_MAGIC;
	hdr(t)->cap = t->cap;
	t->st.live = 0;
}

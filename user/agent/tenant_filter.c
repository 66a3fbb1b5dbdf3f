// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The per-tenant NL-ARP filter (tenant_filter.h, docs/scale.md): the set of
 * tenants with a local VIF, and the drop before authentication.
 */
#include <errno.h>
#include <bpf/bpf.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "local_vifs.h"
#include "cnart.h"
#include "log.h"
#include "nart_store.h"
#include "nlarp_codec.h"
#include "tenant_filter.h"

void na_tenant_filter_init(struct na_tenant_filter *f, const struct na_maps *maps)
{
	memset(f, 0, sizeof(*f));
	f->maps = maps;
	f->sock_fd = -1;
}

void na_tenant_filter_free(struct na_tenant_filter *f)
{
	free(f->tenants);
	f->tenants = NULL;
	f->n = f->cap = 0;
}

struct collect {
	__u32 *t;
	size_t n, cap;
	int err;
};

static int collect_one(const struct nl_vif *v, void *ctx)
{
	struct collect *c = ctx;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		__u32 *t = realloc(c->t, cap * sizeof(*t));

		if (!t) {
			c->err = -ENOMEM;
			return 1;
		}
		c->t = t;
		c->cap = cap;
	}
	c->t[c->n++] = v->tenant;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return (x > y) - (x < y);
}

int na_tenant_filter_refresh(struct na_tenant_filter *f)
{
	struct collect c = {};
	size_t i, n = 0;

	na_local_vif_foreach(f->maps, collect_one, &c);
	if (c.err) {
		free(c.t);
		return c.err;
	}
	if (c.n)
		qsort(c.t, c.n, sizeof(*c.t), cmp_u32);
	for (i = 0; i < c.n; i++)
		if (!n || c.t[n - 1] != c.t[i])
			c.t[n++] = c.t[i];
	f->lost = false;
	for (i = 0; i < f->n && !f->lost; i++)
		f->lost = !bsearch(&f->tenants[i], c.t, n, sizeof(__u32), cmp_u32);
	free(f->tenants);
	f->tenants = c.t;
	f->n = n;
	f->cap = c.cap;
	if (f->sock_fd >= 0)
		na_tenant_filter_socket(f, f->sock_fd);
	return 0;
}

/*
 * The classic BPF program: frames too short to hold op and tenant pass
 * (the agent counts them); the body starts at 14, or 18 behind a tag the
 * kernel did not strip; op (byte 1) other than HERE, WHERE, NOT-HERE
 * passes; the tenant (bytes 4-7, network order as BPF loads it) passes if
 * it is one of the hosted ones, each tested by `jeq #t, 0, 1; ret pass`
 * (short jumps only, so any number up to the program limit); else drop.
 */
#define PASS_ALL 0xffffffffU
int na_tenant_filter_socket(struct na_tenant_filter *f, int fd)
{
	size_t n = 0, cap = 16 + 2 * f->n;
	struct sock_filter *c;
	struct sock_fprog prog;
	int err = 0;

	f->sock_fd = fd;
	if (f->n > NA_TF_KERNEL_MAX) {
		if (f->in_kernel)
			setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0);
		f->in_kernel = false;
		return 0;
	}
	c = calloc(cap, sizeof(*c));
	if (!c)
		return -ENOMEM;
#define I(code, k, jt, jf) (c[n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf))
	I(BPF_LD | BPF_W | BPF_LEN, 0, 0, 0);
	I(BPF_JMP | BPF_JGE | BPF_K, 18 + 8, 1, 0); /* room for op and tenant */
	I(BPF_RET | BPF_K, PASS_ALL, 0, 0);
	I(BPF_LD | BPF_H | BPF_ABS, 12, 0, 0); /* ethertype */
	I(BPF_JMP | BPF_JEQ | BPF_K, 0x8100, 0, 2);
	I(BPF_LDX | BPF_W | BPF_IMM, 18, 0, 0);
	I(BPF_JMP | BPF_JA, 1, 0, 0);
	I(BPF_LDX | BPF_W | BPF_IMM, 14, 0, 0);
	I(BPF_LD | BPF_B | BPF_IND, 1, 0, 0);		    /* op */
	I(BPF_JMP | BPF_JGE | BPF_K, NLARP_HERE, 0, 2);	    /* op < HERE: pass */
	I(BPF_JMP | BPF_JGT | BPF_K, NLARP_NOT_HERE, 1, 0); /* op > NOT-HERE: pass */
	I(BPF_JMP | BPF_JA, 1, 0, 0);
	I(BPF_RET | BPF_K, PASS_ALL, 0, 0);
	I(BPF_LD | BPF_W | BPF_IND, 4, 0, 0); /* tenant */
	for (size_t i = 0; i < f->n; i++) {
		I(BPF_JMP | BPF_JEQ | BPF_K, f->tenants[i], 0, 1);
		I(BPF_RET | BPF_K, PASS_ALL, 0, 0);
	}
	I(BPF_RET | BPF_K, 0, 0, 0);
#undef I
	prog = (struct sock_fprog){.len = (unsigned short)n, .filter = c};
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog))) {
		err = -errno;
		log_warn("cannot install the tenant filter in the kernel: %s (checked in the "
			 "agent only)",
			 strerror(-err));
		f->in_kernel = false;
	} else {
		f->in_kernel = true;
	}
	free(c);
	return err;
}

bool na_tenant_filter_hosts(const struct na_tenant_filter *f, __u32 tenant)
{
	return f->n && bsearch(&tenant, f->tenants, f->n, sizeof(__u32), cmp_u32);
}

bool na_tenant_filter_pass(struct na_tenant_filter *f, const void *msg, size_t len, int tenant_bits)
{
	struct nlarp_fields m;

	/* the body's own parser (fuzzed); the MAC after it is checked later */
	if (nlarp_decode(msg, len, tenant_bits, &m) != NLARP_E_OK)
		return true;
	if (m.op != NLARP_HERE && m.op != NLARP_WHERE && m.op != NLARP_NOT_HERE)
		return true;
	if (na_tenant_filter_hosts(f, m.tenant))
		return true;
	f->dropped++;
	return false;
}

/* the keys (first words of a slot) of entries whose tenant is not hosted */
struct stale {
	const struct na_tenant_filter *f;
	__u32 (*keys)[NART_SLOT_WORDS];
	size_t n, cap;
	int err;
};

static int stale_one(const struct nart_slot *sl, __u64 version, void *ctx)
{
	struct stale *st = ctx;
	const __u32 *w = (const __u32 *)sl;

	(void)version;
	if (na_tenant_filter_hosts(st->f, w[0]))
		return 0;
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		void *k = realloc(st->keys, cap * sizeof(*st->keys));

		if (!k) {
			st->err = -ENOMEM;
			return 1;
		}
		st->keys = k;
		st->cap = cap;
	}
	memcpy(st->keys[st->n++], w, sizeof(st->keys[0]));
	return 0;
}

/* the IPv6 NART-1 (a hash map): its keys of tenants not hosted, deleted */
static long purge_v6(const struct na_tenant_filter *f, struct nart_store *s)
{
	struct nl_ip6_key k, next, *prev = NULL, *del = NULL;
	size_t n = 0, cap = 0;
	long gone = 0;

	if (s->nart1v6 < 0)
		return 0;
	while (!bpf_map_get_next_key(s->nart1v6, prev, &next)) {
		k = next;
		prev = &k;
		if (na_tenant_filter_hosts(f, k.tenant))
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct nl_ip6_key *d = realloc(del, c * sizeof(*d));

			if (!d) {
				free(del);
				return -ENOMEM;
			}
			del = d;
			cap = c;
		}
		del[n++] = k;
	}
	for (size_t i = 0; i < n; i++)
		gone += nart_store_nart1v6_del(s, &del[i]);
	free(del);
	return gone;
}

long na_tenant_filter_purge(struct na_tenant_filter *f, struct nart_store *s)
{
	struct stale st1 = {.f = f}, st2 = {.f = f};
	long n = 0, v6 = purge_v6(f, s);

	/* collected first: deleting moves nothing, but the walk stays simple */
	cnart_iterate(s->nart1, stale_one, &st1);
	cnart_iterate(s->nart2, stale_one, &st2);
	if (st1.err || st2.err) {
		free(st1.keys);
		free(st2.keys);
		return -ENOMEM;
	}
	for (size_t i = 0; i < st1.n; i++)
		n += nart_store_nart1_del(s, (const struct nl_nart1_key *)st1.keys[i]);
	for (size_t i = 0; i < st2.n; i++)
		n += nart_store_nart2_del(s, (const struct nl_vif_key *)st2.keys[i]);
	free(st1.keys);
	free(st2.keys);
	f->lost = false;
	return n + (v6 > 0 ? v6 : 0);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's index of local VIFs (user/agent/local_vifs.c, issue 10 item
 * 3): what a WHERE asks about (patent [0031]) is answered from the index,
 * on fresh BPF maps shaped as the agent's (10,000 VIFs, more than a server
 * hosts: NL_MAX_VIFS is 4096).  Checks the answers against the VIF map and
 * prints the cost of a lookup by IP against the former walk of every VIF
 * (printed, not asserted: timings on a shared machine).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>

#include "local_vifs.h"

#define NVIFS 10000
#define T_A   7
#define T_B   8

static struct na_maps m;

static int hash_map(const char *name, __u32 ksz, __u32 vsz)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, name, ksz, vsz, NVIFS + 16, NULL);

	cr_assert_geq(fd, 0, "bpf_map_create %s: %s (root?)", name, strerror(errno));
	return fd;
}

static void vif_of(int i, struct nl_vif *v)
{
	memset(v, 0, sizeof(*v));
	/* two tenants with the same addresses: the index must keep them apart */
	v->tenant = i % 2 ? T_B : T_A;
	v->mac_as = 1;
	v->mac[0] = 0x52;
	v->mac[4] = (__u8)(i >> 8);
	v->mac[5] = (__u8)i;
	v->ip = htonl(0x0a000000u | (__u32)(i / 2 + 1));
	v->ifindex = (__u32)(1000 + i);
	v->slot = (__u32)i;
}

/* what `vif add` writes (vif.c): nl_vifs, nl_local_vifs, then the index */
static void add_vif(const struct nl_vif *v)
{
	struct nl_vif_key k = {.tenant = v->tenant, .mac_as = v->mac_as};
	struct nl_local_vif lv = {.ifindex = v->ifindex, .slot = v->slot};
	__u32 idx = v->ifindex;

	memcpy(k.mac, v->mac, 6);
	cr_assert_eq(bpf_map_update_elem(m.vifs, &idx, v, BPF_NOEXIST), 0);
	cr_assert_eq(bpf_map_update_elem(m.local_vifs, &k, &lv, BPF_NOEXIST), 0);
	cr_assert_eq(na_local_vif_index_add(&m, v), 0);
}

static void setup(void)
{
	struct nl_vif v;

	m.vifs = hash_map("t_vifs", 4, sizeof(struct nl_vif));
	m.local_vifs =
		hash_map("t_local_vifs", sizeof(struct nl_vif_key), sizeof(struct nl_local_vif));
	m.local_ips = hash_map("t_local_ips", sizeof(struct nl_local_ip_key), 4);
	for (int i = 0; i < NVIFS; i++) {
		vif_of(i, &v);
		add_vif(&v);
	}
}

static void teardown(void)
{
	close(m.vifs);
	close(m.local_vifs);
	close(m.local_ips);
}

TestSuite(local_vifs, .init = setup, .fini = teardown);

Test(local_vifs, every_vif_by_ip_and_by_key)
{
	struct nl_vif v, got;

	for (int i = 0; i < NVIFS; i++) {
		struct nl_vif_key k;

		vif_of(i, &v);
		k = (struct nl_vif_key){.tenant = v.tenant, .mac_as = v.mac_as};
		memcpy(k.mac, v.mac, 6);
		cr_assert(na_local_vif_by_ip(&m, v.tenant, v.ip, &got), "VIF %d by IP", i);
		cr_assert_eq(got.ifindex, v.ifindex, "VIF %d: the other tenant's VIF", i);
		cr_assert(na_local_vif_find(&m, &k, &got) && got.ifindex == v.ifindex);
	}
	/* an address no VIF has, a tenant with none, IP 0 (L2-only VIFs) */
	cr_assert_not(na_local_vif_by_ip(&m, T_A, htonl(0x0b000001), &got));
	cr_assert_not(na_local_vif_by_ip(&m, 99, htonl(0x0a000001), &got));
	cr_assert_not(na_local_vif_by_ip(&m, T_A, 0, &got));
}

Test(local_vifs, withdrawn_vif_is_not_found_and_others_stay)
{
	struct nl_vif v, w, got;
	__u32 idx;

	vif_of(10, &v);
	vif_of(11, &w); /* same IP, other tenant */
	na_local_vif_index_del(&m, &v);
	idx = v.ifindex;
	bpf_map_delete_elem(m.vifs, &idx);
	cr_assert_not(na_local_vif_by_ip(&m, v.tenant, v.ip, &got));
	cr_assert(na_local_vif_by_ip(&m, w.tenant, w.ip, &got) && got.ifindex == w.ifindex);
}

Test(local_vifs, index_that_disagrees_with_the_vif_map_answers_nothing)
{
	struct nl_vif v, got;
	struct nl_local_ip_key k;
	__u32 idx, other;

	vif_of(20, &v);
	/* index deleted for another VIF's ifindex: not ours to delete */
	vif_of(22, &got);
	k = (struct nl_local_ip_key){.tenant = v.tenant, .ip = v.ip};
	other = got.ifindex;
	cr_assert_eq(bpf_map_update_elem(m.local_ips, &k, &other, BPF_ANY), 0);
	cr_assert_not(na_local_vif_by_ip(&m, v.tenant, v.ip, &got), "stale index trusted");
	na_local_vif_index_del(&m, &v); /* names another ifindex: kept */
	cr_assert_eq(bpf_map_lookup_elem(m.local_ips, &k, &idx), 0);
	/* rebuilt from nl_vifs, as at agent start */
	cr_assert_eq(na_local_vif_index_rebuild(&m), 0);
	cr_assert(na_local_vif_by_ip(&m, v.tenant, v.ip, &got) && got.ifindex == v.ifindex);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct by_ip {
	__u32 tenant;
	__be32 ip;
	struct nl_vif *out;
};

/* the former na_local_vif_by_ip: a walk of nl_vifs (2 syscalls per VIF) */
static int match_ip(const struct nl_vif *v, void *ctx)
{
	struct by_ip *q = ctx;

	if (v->tenant != q->tenant || v->ip != q->ip)
		return 0;
	*q->out = *v;
	return 1;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

Test(local_vifs, cost_of_a_where_by_ip)
{
	enum { RUNS = 5, SCAN = 20, INDEX = 20000 };
	double scan[RUNS], idx[RUNS];
	struct nl_vif v, got;
	volatile int found = 0;

	for (int r = 0; r < RUNS; r++) {
		double t0 = now_ns();

		/* a WHERE for an address no VIF here has: the walk's worst (and common) case */
		for (int i = 0; i < SCAN; i++) {
			struct by_ip q = {
				.tenant = T_A, .ip = htonl(0x0b000000u | (__u32)i), .out = &got};

			found += na_local_vif_foreach(&m, match_ip, &q) == 1;
		}
		scan[r] = (now_ns() - t0) / SCAN;
		t0 = now_ns();
		for (int i = 0; i < INDEX; i++) {
			vif_of(i % NVIFS, &v);
			found += na_local_vif_by_ip(&m, v.tenant, i & 1 ? htonl(0x0b000000u) : v.ip,
						    &got);
		}
		idx[r] = (now_ns() - t0) / INDEX;
	}
	qsort(scan, RUNS, sizeof(double), cmp_d);
	qsort(idx, RUNS, sizeof(double), cmp_d);
	printf("local VIFs: %d; WHERE by IP, median of %d runs: walk of every VIF %.0f ns, "
	       "index %.0f ns (%.0fx)\n",
	       NVIFS, RUNS, scan[RUNS / 2], idx[RUNS / 2], scan[RUNS / 2] / idx[RUNS / 2]);
	cr_assert_eq(found, RUNS * INDEX / 2);
}

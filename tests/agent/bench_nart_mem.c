// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel memory of NART-1 + NART-2 holding 1,000,000 VIFs: the production
 * compact tables (mmapable bucket arrays + switch array, docs/nart.md),
 * filled through the agent's writer, against the target of 64 MiB
 * for both tables; then the former kernel hash maps (BPF_F_NO_PREALLOC,
 * same key/value types) filled with the same VIFs, for comparison.
 *
 * Figures: the kernel's own accounting (fdinfo "memlock", map_mem_usage)
 * and the growth of Slab + Percpu in /proc/meminfo while filling
 * (system-wide, so noisy, but it is what the machine pays).  The arrays are
 * vmalloc'ed whole when created: their memlock is what they cost, empty or
 * full.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "netlord.h"
#include "netlord.skel.h"
#include "../lib/meminfo.h"
/* the agent's writer (same file name as include/nart_table.h) */
#include "cnart.h"

#define N     1000000U
#define BATCH 10000U

static long long kernel_kb(void)
{
	return meminfo_kb("Slab") + meminfo_kb("Percpu");
}

static long long memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "memlock:", 8))
			v = atoll(line + 8);
	if (f)
		fclose(f);
	return v;
}

static int fill(int fd, size_t ksz, size_t vsz, void (*mk)(__u32 i, void *k, void *v))
{
	char *keys = calloc(BATCH, ksz), *vals = calloc(BATCH, vsz);
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);

	for (__u32 base = 0; base < N; base += BATCH) {
		__u32 n = BATCH;

		for (__u32 j = 0; j < BATCH; j++)
			mk(base + j, keys + j * ksz, vals + j * vsz);
		if (bpf_map_update_batch(fd, keys, vals, &n, &o)) {
			fprintf(stderr, "update_batch at %u: %s\n", base, strerror(errno));
			free(keys);
			free(vals);
			return -1;
		}
	}
	free(keys);
	free(vals);
	return 0;
}

static void mk1(__u32 i, void *k, void *v)
{
	struct nl_nart1_key *key = k;
	struct nl_nart1_val *val = v;

	key->tenant = 2 + i % 50000;
	key->ip = htobe32(0x0a000000 | i);
	memset(val, 0, sizeof(*val));
	memcpy(val->mac, &i, 4);
	val->mac_as = 1;
}

static void mk2(__u32 i, void *k, void *v)
{
	struct nl_vif_key *key = k;
	struct nl_nart2_val *val = v;

	memset(key, 0, sizeof(*key));
	key->tenant = 2 + i % 50000;
	key->mac_as = 1;
	key->mac[0] = 0x52;
	memcpy(key->mac + 2, &i, 4);
	memset(val, 0, sizeof(*val));
	val->switch_mac[0] = 0x02;
	val->switch_mac[5] = (__u8)(i % 200);
	val->port = (__u16)(1 + i % 48);
	val->version = i + 1;
}

/* the production tables: 1M + 1M entries through the agent's writer */
static int compact(struct netlord_bpf *skel, long long *mem, long long *grow)
{
	struct cnart *t1, *t2;
	struct cnart_switches *sw;
	long long k0;
	int idx[200];

	t1 = cnart_open(bpf_map__fd(skel->maps.nl_nart1), CNART_1, cnart_random_seed());
	t2 = cnart_open(bpf_map__fd(skel->maps.nl_nart2), CNART_2, cnart_random_seed());
	sw = cnart_switches_open(bpf_map__fd(skel->maps.nl_switches));
	if (!t1 || !t2 || !sw) {
		fprintf(stderr, "bench-nart-mem: cannot map the NART arrays: %s\n",
			strerror(errno));
		return -1;
	}
	k0 = kernel_kb();
	for (int i = 0; i < 200; i++) {
		__u8 mac[6] = {0x02, 0, 0, 0, 0, (__u8)i};
		__u16 vlans[2] = {(__u16)(10 + i % 4), (__u16)(20 + i % 4)};

		idx[i] = cnart_switch_index(sw, mac);
		cnart_switch_set_vlans(sw, idx[i], 2, vlans);
	}
	for (__u32 i = 0; i < N; i++) {
		struct nart_slot s1 = {}, s2 = {};

		nart_bench_key1(i, s1.w);
		s1.w[2] = i;
		s1.w[3] = 1 << 16; /* mac_as 1 */
		nart_bench_key2(i, s2.w);
		s2.w[3] = (__u32)idx[i % 200] | (1 + i % 48) << 16;
		if (cnart_put(t1, &s1, 0) < 0 || cnart_put(t2, &s2, i + 1) < 0) {
			fprintf(stderr, "bench-nart-mem: compact table full at %u\n", i);
			return -1;
		}
	}
	grow[0] = kernel_kb() - k0;
	mem[0] = memlock(bpf_map__fd(skel->maps.nl_nart1));
	mem[1] = memlock(bpf_map__fd(skel->maps.nl_nart2));
	mem[2] = memlock(bpf_map__fd(skel->maps.nl_switches));
	printf("  compact NART-1: %zu entries in %zu slots (load %.2f), memlock %.1f MiB\n",
	       cnart_count(t1), cnart_capacity(t1), cnart_load(t1), mem[0] / 1048576.0);
	printf("  compact NART-2: %zu entries in %zu slots (load %.2f), memlock %.1f MiB\n",
	       cnart_count(t2), cnart_capacity(t2), cnart_load(t2), mem[1] / 1048576.0);
	printf("  switch array (replaces nl_vlan_table): memlock %.1f MiB\n", mem[2] / 1048576.0);
	printf("  agent memory (loc_version side arrays): %.1f MiB\n",
	       (cnart_user_bytes(t1) + cnart_user_bytes(t2)) / 1048576.0);
	cnart_close(t1);
	cnart_close(t2);
	cnart_switches_close(sw);
	return 0;
}

int main(void)
{
	struct netlord_bpf *skel;
	long long k0, k1, k2, m1, m2, cm[3], cg;
	int fd1, fd2;
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);

	libbpf_set_print(NULL);
	skel = netlord_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "bench-nart-mem: cannot load the datapath (root? BTF?)\n");
		return 1;
	}
	printf("bench-nart-mem: %u VIFs in NART-1 and NART-2\n", N);
	printf(" production (compact tables, %u buckets each):\n", NART_BUCKETS_1M);
	if (compact(skel, cm, &cg))
		return 1;
	printf("  both tables + switch array: memlock %.1f MiB (target <= 64 MiB: %s), "
	       "slab+percpu growth while filling %.1f MiB\n",
	       (cm[0] + cm[1] + cm[2]) / 1048576.0,
	       (cm[0] + cm[1] + cm[2]) / 1048576.0 <= 64.0 ? "met" : "NOT met", cg / 1024.0);
	netlord_bpf__destroy(skel);

	/* the former NARTs: kernel hash maps with the same types and flags */
	fd1 = bpf_map_create(BPF_MAP_TYPE_HASH, "old_nart1", sizeof(struct nl_nart1_key),
			     sizeof(struct nl_nart1_val), NL_NART1_ENTRIES, &o);
	fd2 = bpf_map_create(BPF_MAP_TYPE_HASH, "old_nart2", sizeof(struct nl_vif_key),
			     sizeof(struct nl_nart2_val), NL_NART2_ENTRIES, &o);
	if (fd1 < 0 || fd2 < 0) {
		fprintf(stderr, "bench-nart-mem: cannot create the hash maps: %s\n",
			strerror(errno));
		return 1;
	}
	k0 = kernel_kb();
	if (fill(fd1, sizeof(struct nl_nart1_key), sizeof(struct nl_nart1_val), mk1))
		return 1;
	k1 = kernel_kb();
	if (fill(fd2, sizeof(struct nl_vif_key), sizeof(struct nl_nart2_val), mk2))
		return 1;
	k2 = kernel_kb();
	m1 = memlock(fd1);
	m2 = memlock(fd2);
	printf(" for comparison, the former kernel hash maps (no prealloc):\n");
	printf("  NART-1 (hash): memlock %.1f MiB, slab+percpu growth %.1f MiB\n", m1 / 1048576.0,
	       (k1 - k0) / 1024.0);
	printf("  NART-2 (hash): memlock %.1f MiB, slab+percpu growth %.1f MiB\n", m2 / 1048576.0,
	       (k2 - k1) / 1024.0);
	printf("  both hash tables: memlock %.1f MiB, slab+percpu growth %.1f MiB\n",
	       (m1 + m2) / 1048576.0, (k2 - k0) / 1024.0);
	printf("SUMMARY: 1M VIFs, both NARTs: compact %.1f MiB (with switch array) vs hash "
	       "%.1f MiB memlock\n",
	       (cm[0] + cm[1] + cm[2]) / 1048576.0, (m1 + m2) / 1048576.0);
	close(fd1);
	close(fd2);
	return 0;
}

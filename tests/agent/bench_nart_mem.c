// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel memory of NART-1 + NART-2 holding 1,000,000 VIFs, as the datapath
 * defines them today (BPF_F_NO_PREALLOC hashes), against the target
 * of 64 MiB for both tables and a preallocated hash for comparison.
 *
 * Two figures per table: the kernel's own accounting (fdinfo "memlock",
 * map_mem_usage) and the growth of Slab + Percpu in /proc/meminfo while
 * filling (system-wide, so noisy, but it is what the machine pays).
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

#define N     1000000U
#define BATCH 10000U

static long long meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)) && line[strlen(field)] == ':')
			v = atoll(line + strlen(field) + 1);
	if (f)
		fclose(f);
	return v;
}

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

int main(void)
{
	struct netlord_bpf *skel;
	long long k0, k1, k2, m1, m2, mp;
	int fd1, fd2, fdp;

	libbpf_set_print(NULL);
	skel = netlord_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "bench-nart-mem: cannot load the datapath (root? BTF?)\n");
		return 1;
	}
	fd1 = bpf_map__fd(skel->maps.nl_nart1);
	fd2 = bpf_map__fd(skel->maps.nl_nart2);
	k0 = kernel_kb();
	if (fill(fd1, sizeof(struct nl_nart1_key), sizeof(struct nl_nart1_val), mk1))
		return 1;
	k1 = kernel_kb();
	if (fill(fd2, sizeof(struct nl_vif_key), sizeof(struct nl_nart2_val), mk2))
		return 1;
	k2 = kernel_kb();
	m1 = memlock(fd1);
	m2 = memlock(fd2);

	/* the same NART-2 as a plain preallocated hash, for comparison */
	fdp = bpf_map_create(BPF_MAP_TYPE_HASH, "nart2_prealloc", sizeof(struct nl_vif_key),
			     sizeof(struct nl_nart2_val), N, NULL);
	mp = fdp >= 0 ? memlock(fdp) : -1;

	printf("bench-nart-mem: %u VIFs in NART-1 (key %zu B, value %zu B) and NART-2 "
	       "(key %zu B, value %zu B)\n",
	       N, sizeof(struct nl_nart1_key), sizeof(struct nl_nart1_val),
	       sizeof(struct nl_vif_key), sizeof(struct nl_nart2_val));
	printf("  NART-1 (hash, no prealloc): memlock %.1f MiB, slab+percpu growth %.1f MiB\n",
	       m1 / 1048576.0, (k1 - k0) / 1024.0);
	printf("  NART-2 (hash, no prealloc): memlock %.1f MiB, slab+percpu growth %.1f MiB\n",
	       m2 / 1048576.0, (k2 - k1) / 1024.0);
	printf("  both tables: memlock %.1f MiB, slab+percpu growth %.1f MiB (target <= 64 MiB: "
	       "%s)\n",
	       (m1 + m2) / 1048576.0, (k2 - k0) / 1024.0,
	       (k2 - k0) / 1024.0 <= 64.0 ? "met" : "NOT met");
	printf("  for comparison, NART-2 as a preallocated hash of %u: memlock %.1f MiB\n", N,
	       mp / 1048576.0);
	printf("  per entry (both tables, slab growth): %.1f bytes per VIF\n",
	       (k2 - k0) * 1024.0 / N);
	if (fdp >= 0)
		close(fdp);
	netlord_bpf__destroy(skel);
	return 0;
}

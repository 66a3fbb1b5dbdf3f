// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench-nart-compact: the compact NART (docs/nart.md) against today's kernel
 * hash maps, in one run, 1,000,000 VIFs in each table:
 *  1. kernel memory of NART-1 + NART-2 (+ the switch array): fdinfo memlock
 *     and the growth of Slab + VmallocUsed + Percpu (system-wide, noisy);
 *  2. inserts and updates per second through the mmap writer, one core,
 *     median of 5 (and, once, bpf_map_update_elem on the hash for scale);
 *  3. ns per BPF lookup with BPF_PROG_TEST_RUN (tc program, repeat): every
 *     run takes the next of the 1M keys, so lookups hit cold cache lines as
 *     real traffic to many VIFs does; minus a baseline run that builds the
 *     key and looks nothing up.  Median of 5.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cnart.h" /* user/lib: the writer; also include/nart_table.h */
#include "nart_test.h"
#include "progs/nart_test.skel.h"
#include "../lib/meminfo.h"

#define N	  NART_TARGET_ENTRIES
#define REPS	  5
#define NSWITCH	  200
#define HASHBATCH 10000U

static long long kernel_kb(void)
{
	return meminfo_kb("Slab") + meminfo_kb("VmallocUsed") + meminfo_kb("Percpu");
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return v[n / 2];
}

static void switch_mac(__u32 i, __u8 mac[6])
{
	memset(mac, 0, 6);
	mac[0] = 0x02;
	mac[1] = 0x53;
	mac[5] = (__u8)i;
	mac[4] = (__u8)(i >> 8);
}

static struct nart_slot slot1(__u32 i)
{
	struct nart_slot s = {};

	nart_bench_key1(i, s.w);
	s.w[2] = 0x00000252 | i << 16; /* mac 52:02:.. */
	s.w[3] = (i & 0xffff) | 1U << 16;
	return s;
}

static struct nart_slot slot2(__u32 i, __u32 port_xor)
{
	struct nart_slot s = {};

	nart_bench_key2(i, s.w);
	s.w[3] = (1 + i % NSWITCH) | ((1 + i % 48) ^ port_xor) << 16;
	return s;
}

/* a fresh, empty table array of the production size */
static int new_array(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);

	return bpf_map_create(BPF_MAP_TYPE_ARRAY, "nart_bench", 4, sizeof(struct nart_bucket),
			      NART_BUCKETS_1M, &o);
}

static int fill_cnart(struct cnart *t, int kind, __u32 port_xor)
{
	for (__u32 i = 0; i < N; i++) {
		struct nart_slot s = kind == CNART_1 ? slot1(i) : slot2(i, port_xor);
		int rc = cnart_put(t, &s, i + 1);

		if (rc < 0) {
			fprintf(stderr, "insert %u refused (%d) at load %.3f\n", i, rc,
				cnart_load(t));
			return -1;
		}
	}
	return 0;
}

/* inserts/s and updates/s of the mmap writer, median of REPS fresh tables */
static void bench_writer(int kind, double *ins, double *upd, struct cnart_stats *st)
{
	double vi[REPS], vu[REPS];

	for (int r = 0; r < REPS; r++) {
		int fd = new_array();
		struct cnart *t = fd >= 0 ? cnart_open(fd, kind, cnart_random_seed()) : NULL;
		double t0, t1, t2;

		if (!t) {
			fprintf(stderr, "bench: table: %s\n", strerror(errno));
			exit(1);
		}
		t0 = now_s();
		if (fill_cnart(t, kind, 0))
			exit(1);
		t1 = now_s();
		/* HERE with a newer version for a known VIF: the value changes in place */
		for (__u32 i = 0; i < N; i++) {
			struct nart_slot s = kind == CNART_1 ? slot1(i) : slot2(i, 0x40);

			if (kind == CNART_1)
				s.w[3] ^= 0x00400000;
			cnart_put(t, &s, N + i);
		}
		t2 = now_s();
		vi[r] = N / (t1 - t0);
		vu[r] = N / (t2 - t1);
		if (r == REPS - 1)
			*st = cnart_get_stats(t);
		cnart_close(t);
		close(fd);
	}
	*ins = median(vi, REPS);
	*upd = median(vu, REPS);
}

static int fill_hash1(int fd, __u32 n)
{
	struct nl_nart1_key *k = calloc(HASHBATCH, sizeof(*k));
	struct nl_nart1_val *v = calloc(HASHBATCH, sizeof(*v));
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);
	int rc = 0;

	for (__u32 base = 0; base < n && !rc; base += HASHBATCH) {
		__u32 cnt = HASHBATCH;

		for (__u32 j = 0; j < HASHBATCH; j++) {
			struct nart_slot s = slot1(base + j);

			memcpy(&k[j], s.w, 8);
			memcpy(&v[j], &s.w[2], 8);
		}
		rc = bpf_map_update_batch(fd, k, v, &cnt, &o);
	}
	free(k);
	free(v);
	return rc;
}

static int fill_hash2(int fd, __u32 n)
{
	struct nl_vif_key *k = calloc(HASHBATCH, sizeof(*k));
	struct nl_nart2_val *v = calloc(HASHBATCH, sizeof(*v));
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);
	int rc = 0;

	for (__u32 base = 0; base < n && !rc; base += HASHBATCH) {
		__u32 cnt = HASHBATCH;

		for (__u32 j = 0; j < HASHBATCH; j++) {
			__u32 i = base + j;
			struct nart_slot s = slot2(i, 0);

			memcpy(&k[j], s.w, 12);
			switch_mac(1 + i % NSWITCH, v[j].switch_mac);
			v[j].port = s.w[3] >> 16;
			v[j].version = i + 1;
		}
		rc = bpf_map_update_batch(fd, k, v, &cnt, &o);
	}
	free(k);
	free(v);
	return rc;
}

/* ns per run of op over keys [first, first + N), median of REPS */
static double run_ns(struct nart_test_bpf *skel, __u32 op, __u32 first, __u32 modulo,
		     __u32 want_hits)
{
	int prog = bpf_program__fd(skel->progs.nart_test_tc);
	double v[REPS];

	for (int r = 0; r < REPS; r++) {
		struct nart_test_msg in = {.op = op}, out;
		struct __sk_buff skb = {};
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = &in, .data_size_in = sizeof(in),
			    .data_out = &out, .data_size_out = sizeof(out), .ctx_in = &skb,
			    .ctx_size_in = sizeof(skb), .repeat = N);

		skel->bss->bench_next = first;
		skel->data->bench_n = modulo;
		skel->bss->bench_hits = 0;
		if (bpf_prog_test_run_opts(prog, &o)) {
			fprintf(stderr, "test_run: %s\n", strerror(errno));
			exit(1);
		}
		if (skel->bss->bench_hits != want_hits) {
			fprintf(stderr, "op %#x: %u hits, want %u\n", op, skel->bss->bench_hits,
				want_hits);
			exit(1);
		}
		v[r] = o.duration;
	}
	return median(v, REPS);
}

int main(void)
{
	struct nart_test_bpf *skel;
	struct cnart *t1, *t2;
	struct cnart_switches *sw;
	struct cnart_stats st1, st2;
	long long k0, k1, k2, k3, a0, a1, m1, m2, ms, h1, h2;
	double ins1, upd1, ins2, upd2, hash_ups, t0;
	double base, f1, f2, hh1, hh2, miss1, miss2, hmiss1, hmiss2;

	libbpf_set_print(NULL);

	/* ---- 1. memory ---------------------------------------------------------- */
	/* the compact arrays alone: created (that is when their memory is taken), closed */
	{
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
		long long c0 = kernel_kb(), c1;
		int f1 = new_array(), f2 = new_array();
		int fs = bpf_map_create(BPF_MAP_TYPE_ARRAY, "nart_sw", 4,
					sizeof(struct nart_switch), NART_MAX_SWITCHES, &o);

		c1 = kernel_kb();
		printf("bench-nart-compact: creating NART-1 + NART-2 arrays + switch array: "
		       "kernel growth (Slab+VmallocUsed+Percpu) %.1f MiB\n",
		       (c1 - c0) / 1024.0);
		close(f1);
		close(f2);
		close(fs);
	}
	k0 = kernel_kb();
	a0 = meminfo_kb("MemAvailable");
	skel = nart_test_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "bench-nart-compact: cannot load the test object (root? BTF?)\n");
		return 1;
	}
	k1 = kernel_kb();
	a1 = meminfo_kb("MemAvailable");
	t1 = cnart_open(bpf_map__fd(skel->maps.nl_nart1), CNART_1, cnart_random_seed());
	t2 = cnart_open(bpf_map__fd(skel->maps.nl_nart2), CNART_2, cnart_random_seed());
	sw = cnart_switches_open(bpf_map__fd(skel->maps.nl_switches));
	if (!t1 || !t2 || !sw || cnart_meta_write(bpf_map__fd(skel->maps.nl_nart_meta), t1, t2)) {
		fprintf(stderr, "bench-nart-compact: mmap: %s\n", strerror(errno));
		return 1;
	}
	for (__u32 i = 1; i <= NSWITCH; i++) {
		__u8 mac[6];
		__u16 vl[2] = {100 + i % 7, 200 + i % 5};

		switch_mac(i, mac);
		if (cnart_switch_index(sw, mac) != (int)i || cnart_switch_set_vlans(sw, i, 2, vl))
			return 1;
	}
	if (fill_cnart(t1, CNART_1, 0) || fill_cnart(t2, CNART_2, 0))
		return 1;
	k2 = kernel_kb();
	m1 = memlock(bpf_map__fd(skel->maps.nl_nart1));
	m2 = memlock(bpf_map__fd(skel->maps.nl_nart2));
	ms = memlock(bpf_map__fd(skel->maps.nl_switches));

	/* today's hash maps, same keys, for the lookup comparison */
	{
		struct nl_switch_key swk = {};
		struct nl_vlan_set vs = {.count = 2};

		for (__u32 i = 1; i <= NSWITCH; i++) {
			switch_mac(i, swk.mac);
			vs.vlans[0] = 100 + i % 7;
			vs.vlans[1] = 200 + i % 5;
			bpf_map_update_elem(bpf_map__fd(skel->maps.ref_vlan), &swk, &vs, BPF_ANY);
		}
	}
	if (fill_hash1(bpf_map__fd(skel->maps.ref_nart1), N) ||
	    fill_hash2(bpf_map__fd(skel->maps.ref_nart2), N)) {
		fprintf(stderr, "hash fill: %s\n", strerror(errno));
		return 1;
	}
	k3 = kernel_kb();
	h1 = memlock(bpf_map__fd(skel->maps.ref_nart1));
	h2 = memlock(bpf_map__fd(skel->maps.ref_nart2));

	printf("bench-nart-compact: %u VIFs in NART-1 and in NART-2\n", N);
	printf("  compact (cuckoo, %u buckets x 64 B = %u slots each, load %.3f / %.3f):\n",
	       NART_BUCKETS_1M, NART_BUCKETS_1M * NART_SLOTS, cnart_load(t1), cnart_load(t2));
	printf("    memlock NART-1 %.1f MiB + NART-2 %.1f MiB + switch array %.1f MiB = %.1f MiB "
	       "(target <= 64 MiB: %s)\n",
	       m1 / 1048576.0, m2 / 1048576.0, ms / 1048576.0, (m1 + m2 + ms) / 1048576.0,
	       (m1 + m2 + ms) <= 64LL << 20 ? "met" : "NOT met");
	printf("    kernel growth (Slab+VmallocUsed+Percpu) at load %.1f MiB (whole test object, "
	       "with the empty reference hashes' bucket arrays), while filling %.1f MiB; "
	       "MemAvailable drop at load %.1f MiB\n",
	       (k1 - k0) / 1024.0, (k2 - k1) / 1024.0, (a0 - a1) / 1024.0);
	printf("    agent memory (version side arrays): %.1f MiB + %.1f MiB (user space)\n",
	       cnart_user_bytes(t1) / 1048576.0, cnart_user_bytes(t2) / 1048576.0);
	printf("  kernel hash (no prealloc): memlock NART-1 %.1f MiB + NART-2 %.1f MiB = %.1f MiB; "
	       "kernel growth while filling %.1f MiB\n",
	       h1 / 1048576.0, h2 / 1048576.0, (h1 + h2) / 1048576.0, (k3 - k2) / 1024.0);
	fflush(stdout);

	/* ---- 3. lookups (the tables are full now) ------------------------------------ */
	base = run_ns(skel, NART_OP_NONE | NART_OP_BENCH_KEYS, 0, N, 0);
	f1 = run_ns(skel, NART_OP_FIND1 | NART_OP_BENCH_KEYS, 0, N, N);
	hh1 = run_ns(skel, NART_OP_HASH1 | NART_OP_BENCH_KEYS, 0, N, N);
	f2 = run_ns(skel, NART_OP_FIND2 | NART_OP_BENCH_KEYS, 0, N, N);
	hh2 = run_ns(skel, NART_OP_HASH2 | NART_OP_BENCH_KEYS, 0, N, N);
	miss1 = run_ns(skel, NART_OP_FIND1 | NART_OP_BENCH_KEYS, N, 2 * N, 0);
	hmiss1 = run_ns(skel, NART_OP_HASH1 | NART_OP_BENCH_KEYS, N, 2 * N, 0);
	miss2 = run_ns(skel, NART_OP_FIND2 | NART_OP_BENCH_KEYS, N, 2 * N, 0);
	hmiss2 = run_ns(skel, NART_OP_HASH2 | NART_OP_BENCH_KEYS, N, 2 * N, 0);
	{
		/* key 0 again and again (index modulo 1): everything in cache */
		double hb = run_ns(skel, NART_OP_NONE | NART_OP_BENCH_KEYS, 0, 1, 0);
		double c1 = run_ns(skel, NART_OP_FIND1 | NART_OP_BENCH_KEYS, 0, 1, N);
		double r1 = run_ns(skel, NART_OP_HASH1 | NART_OP_BENCH_KEYS, 0, 1, N);
		double c2 = run_ns(skel, NART_OP_FIND2 | NART_OP_BENCH_KEYS, 0, 1, N);
		double r2 = run_ns(skel, NART_OP_HASH2 | NART_OP_BENCH_KEYS, 0, 1, N);

		printf("  BPF lookup, one key repeated (cache hot), ns above the %.1f ns "
		       "baseline:\n"
		       "    NART-1: compact %.1f ns, kernel hash %.1f ns; NART-2 (+ switch/VLAN): "
		       "compact %.1f ns, kernel hash + vlan_table hash %.1f ns\n",
		       hb, c1 - hb, r1 - hb, c2 - hb, r2 - hb);
	}
	printf("  BPF lookup, ns per packet above the %.1f ns baseline (tc test_run, 1M distinct "
	       "keys, median of %d):\n",
	       base, REPS);
	printf("    NART-1 hit:  compact %5.1f ns   kernel hash %5.1f ns\n", f1 - base, hh1 - base);
	printf("    NART-2 hit (+ switch MAC and VLAN set): compact %5.1f ns   kernel hash + "
	       "vlan_table hash %5.1f ns\n",
	       f2 - base, hh2 - base);
	printf("    NART-1 miss: compact %5.1f ns   kernel hash %5.1f ns\n", miss1 - base,
	       hmiss1 - base);
	printf("    NART-2 miss: compact %5.1f ns   kernel hash %5.1f ns\n", miss2 - base,
	       hmiss2 - base);
	fflush(stdout);

	/* ---- 2. writer throughput ------------------------------------------------------ */
	bench_writer(CNART_1, &ins1, &upd1, &st1);
	bench_writer(CNART_2, &ins2, &upd2, &st2);
	printf("  mmap writer, one core, %u distinct keys into an empty table (median of %d):\n", N,
	       REPS);
	printf("    NART-1: %.2f M inserts/s, %.2f M updates/s (%llu cuckoo moves, longest "
	       "path %u)\n",
	       ins1 / 1e6, upd1 / 1e6, (unsigned long long)st1.moves, st1.max_path);
	printf("    NART-2: %.2f M inserts/s, %.2f M updates/s (%llu cuckoo moves, longest "
	       "path %u)\n",
	       ins2 / 1e6, upd2 / 1e6, (unsigned long long)st2.moves, st2.max_path);
	/* for scale: one syscall per update on the kernel hash */
	t0 = now_s();
	for (__u32 i = 0; i < N; i++) {
		struct nart_slot s = slot2(i, 0x40);
		struct nl_nart2_val v = {.port = s.w[3] >> 16, .version = N + i};

		switch_mac(1 + i % NSWITCH, v.switch_mac);
		bpf_map_update_elem(bpf_map__fd(skel->maps.ref_nart2), s.w, &v, BPF_ANY);
	}
	hash_ups = N / (now_s() - t0);
	printf("    for scale, bpf_map_update_elem on the NART-2 hash: %.2f M updates/s\n",
	       hash_ups / 1e6);

	cnart_close(t1);
	cnart_close(t2);
	cnart_switches_close(sw);
	nart_test_bpf__destroy(skel);
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench-nlarp: HERE messages opened (HMAC-SHA-256 verified, clock window,
 * replay table, nlarp_auth.c), decoded + validated and applied per second
 * on one core through the agent's own path -- nlarp_open() then
 * nart_apply() on the production store (compact NART-1 and NART-2 in mmapable BPF arrays of
 * the datapath's geometry, written by cnart.c) -- holding N distinct VIFs
 * (default 1,000,000; argv[1] overrides), median of 5 runs, plus the
 * tables' memory per entry.  Exits 1 if a message is rejected or a decision
 * is not the expected one, so a broken path cannot report a good figure.
 * Needs root (BPF arrays).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cnart.h"
#include "nart_apply.h"
#include "nart_maps.h"
#include "nlarp_auth.h"

#define RUNS	    5
#define PAPER_RATE  175000.0 /* HERE/s in 1% of a 10 Gb/s NIC (patent) */
#define TARGET_RATE 1000000.0
#define NOW_MS	    1790000000000ULL
#define MSG	    NLARP_AUTH_MSG_LEN

static struct nlarp_keyring kr;
static struct nlarp_sealer sealer;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static __u64 mix(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* HERE number i: distinct VIF per i, spread over tenants, subnets and 255 locations */
static void make_here(size_t i, __u64 version, struct nlarp_fields *m)
{
	__u64 r = mix(i);

	memset(m, 0, sizeof(*m));
	m->version = NLARP_VERSION;
	m->op = NLARP_HERE;
	m->flags = NLARP_F_HAS_IP;
	m->tenant = NL_TENANT_MIN + (__u32)(r % 5000);
	m->mac_as = (__u16)(r >> 20) % 16;
	m->mac[0] = 0x02; /* locally administered unicast */
	m->mac[1] = 0x00;
	m->mac[2] = (__u8)(i >> 24);
	m->mac[3] = (__u8)(i >> 16);
	m->mac[4] = (__u8)(i >> 8);
	m->mac[5] = (__u8)i;
	m->ip = htonl(0x0a000000 | (__u32)(i & 0xffffff) | 1);
	m->switch_mac[0] = 0x0c;
	m->switch_mac[5] = (__u8)(r >> 40);
	m->port = 1 + (__u16)((r >> 48) % 255);
	memcpy(m->sender_switch_mac, m->switch_mac, 6);
	m->sender_port = m->port;
	m->loc_version = version;
}

/* decode + validate + apply every message; returns msgs/s or -1 on a wrong outcome */
/* @rp NULL: the body only (nlarp_decode), as before authentication, for comparison */
static double pass(struct nart_store *t, struct nlarp_replay *rp, const __u8 *buf, size_t n,
		   enum nart_action want)
{
	size_t i, bad = 0;
	double t0, t1;

	t0 = now_s();
	for (i = 0; i < n; i++) {
		struct nlarp_fields m;
		struct nart_apply_result r;
		enum nlarp_err be;

		if (rp ? nlarp_open(&kr, rp, false, NOW_MS, buf + i * MSG, MSG, NL_TENANT_BITS_16,
				    &m, &be) != NLARP_AUTH_E_OK
		       : nlarp_decode(buf + i * MSG, NLARP_MSG_LEN, NL_TENANT_BITS_16, &m) !=
				 NLARP_E_OK) {
			bad++;
			continue;
		}
		r = nart_apply(&nart_store_ops, t, NULL, &m);
		bad += r.d.action != want || r.err || !r.nart1_put;
	}
	t1 = now_s();
	if (bad) {
		fprintf(stderr, "bench-nlarp: %zu of %zu messages had an unexpected outcome\n", bad,
			n);
		return -1;
	}
	return n / (t1 - t0);
}

static double decode_only(const __u8 *buf, size_t n)
{
	size_t i, bad = 0;
	double t0 = now_s();

	for (i = 0; i < n; i++) {
		struct nlarp_fields m;

		bad += nlarp_decode(buf + i * MSG, NLARP_MSG_LEN, NL_TENANT_BITS_16, &m) !=
		       NLARP_E_OK;
	}
	if (bad)
		return -1;
	return n / (now_s() - t0);
}

/* the authentication alone: MAC, clock window, replay table, body */
static double open_only(const __u8 *buf, size_t n)
{
	struct nlarp_replay rp;
	size_t i, bad = 0;
	double t0, rate;

	if (nlarp_replay_init(&rp, NLARP_AUTH_DEFAULT_PEERS))
		return -1;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		struct nlarp_fields m;
		enum nlarp_err be;

		bad += nlarp_open(&kr, &rp, false, NOW_MS, buf + i * MSG, MSG, NL_TENANT_BITS_16,
				  &m, &be) != NLARP_AUTH_E_OK;
	}
	rate = n / (now_s() - t0);
	nlarp_replay_free(&rp);
	return bad ? -1 : rate;
}

static void encode_all(__u8 *buf, size_t n, __u64 version)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct nlarp_fields m;

		make_here(i, version, &m);
		if (nlarp_seal(&kr, &sealer, false, NOW_MS, &m, NL_TENANT_BITS_16, buf + i * MSG,
			       MSG) != NLARP_E_OK) {
			fprintf(stderr, "bench-nlarp: cannot encode message %zu\n", i);
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	double ins[RUNS], upd[RUNS], dec[RUNS], opn[RUNS], plain[RUNS];
	char kerr[128];
	size_t mem = 0, cap = 0;
	__u32 buckets;
	__u8 *buf;
	int r;

	if (n == 0)
		return 1;
	/* the datapath's geometry for 1M entries, larger for larger N */
	buckets = n <= 1000000 ? NART_BUCKETS_1M : (__u32)(n * 37 / 100 + 1);
	buf = malloc(n * MSG);
	if (!buf)
		return 1;
	/* a 32-byte fleet key, as the key file of docs/agent.md */
	if (nlarp_keyring_parse(&kr,
				"1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
				kerr, sizeof(kerr))) {
		fprintf(stderr, "bench-nlarp: %s\n", kerr);
		return 1;
	}
	nlarp_sealer_init(&sealer, NOW_MS * 1000);
	for (r = 0; r < RUNS; r++) {
		struct test_nart t;
		int err = test_nart_open(&t, buckets, NART_MAX_SWITCHES);
		struct nlarp_replay rp;

		if (err) {
			fprintf(stderr, "bench-nlarp: cannot create the NART arrays: %s (root?)\n",
				strerror(-err));
			return 1;
		}
		if (nlarp_replay_init(&rp, NLARP_AUTH_DEFAULT_PEERS))
			return 1;
		encode_all(buf, n, 1000 + 3 * r);
		dec[r] = decode_only(buf, n);
		opn[r] = open_only(buf, n);
		ins[r] = pass(&t.store, &rp, buf, n, NART_INSERT);
		if (ins[r] < 0 || dec[r] < 0 || opn[r] < 0 || cnart_count(t.store.nart2) != n)
			return 1;
		encode_all(buf, n, 1001 + 3 * r); /* same VIFs, newer version */
		upd[r] = pass(&t.store, &rp, buf, n, NART_UPDATE);
		nlarp_replay_free(&rp);
		encode_all(buf, n, 1002 + 3 * r); /* again, without authentication */
		plain[r] = pass(&t.store, NULL, buf, n, NART_UPDATE);
		if (upd[r] < 0 || plain[r] < 0)
			return 1;
		mem = cnart_map_bytes(t.store.nart1) + cnart_map_bytes(t.store.nart2);
		cap = cnart_capacity(t.store.nart2);
		test_nart_close(&t);
	}
	free(buf);
	qsort(ins, RUNS, sizeof(double), cmp_double);
	qsort(upd, RUNS, sizeof(double), cmp_double);
	qsort(dec, RUNS, sizeof(double), cmp_double);
	qsort(opn, RUNS, sizeof(double), cmp_double);
	qsort(plain, RUNS, sizeof(double), cmp_double);
	nlarp_keyring_free(&kr);

	printf("bench-nlarp: %zu distinct VIFs with an IP, one core, production path "
	       "(nlarp_open: HMAC-SHA-256 + clock + replay + decode, then nart_apply on the "
	       "compact NARTs), median of %d runs (min..max)\n",
	       n, RUNS);
	printf("  %-40s %12s %24s\n", "what", "msgs/s", "range");
	printf("  %-40s %12.0f %11.0f..%-11.0f\n", "decode+validate only", dec[RUNS / 2], dec[0],
	       dec[RUNS - 1]);
	printf("  %-40s %12.0f %11.0f..%-11.0f\n", "open (MAC+clock+replay+decode) only",
	       opn[RUNS / 2], opn[0], opn[RUNS - 1]);
	printf("  %-40s %12.0f %11.0f..%-11.0f\n", "HERE open+apply, new VIF", ins[RUNS / 2],
	       ins[0], ins[RUNS - 1]);
	printf("  %-40s %12.0f %11.0f..%-11.0f\n", "HERE open+apply, newer version",
	       upd[RUNS / 2], upd[0], upd[RUNS - 1]);
	printf("  %-40s %12.0f %11.0f..%-11.0f\n", "HERE decode+apply, newer, no auth",
	       plain[RUNS / 2], plain[0], plain[RUNS - 1]);
	printf("  authentication per message: %.0f ns (open %.0f ns - decode %.0f ns, medians)\n",
	       1e9 / opn[RUNS / 2] - 1e9 / dec[RUNS / 2], 1e9 / opn[RUNS / 2],
	       1e9 / dec[RUNS / 2]);
	printf("  NART-1 + NART-2: %.1f MiB kernel memory, NART-2 load %.2f, %.1f B per VIF in "
	       "both tables (patent: 32 B entry, 64 MB for 1M at load 0.5)\n",
	       mem / 1048576.0, (double)n / cap, (double)mem / n);
	printf("  target %.0f msgs/s: %s; paper needs %.0f msgs/s: %s\n", TARGET_RATE,
	       ins[RUNS / 2] >= TARGET_RATE ? "met" : "NOT met", PAPER_RATE,
	       ins[RUNS / 2] >= PAPER_RATE ? "met" : "NOT met");
	printf("bench-nlarp: %.0f msgs/s\n", ins[RUNS / 2]);
	return 0;
}

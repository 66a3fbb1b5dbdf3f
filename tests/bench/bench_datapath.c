// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Per-packet cost of the datapath programs, from BPF_PROG_TEST_RUN.
 *
 * BPF_PROG_TEST_RUN's "repeat" runs a program again on the same buffer, so
 * an encapsulation would grow the packet every round and a decapsulation
 * would see its own output.  Each sample is therefore one run on a fresh
 * packet (repeat = 1) and the kernel's own timing of that run; the trivial
 * XDP_PASS / TC_ACT_OK programs are measured the same way in the same run
 * and are the baselines of the ratios.  Medians of several runs.
 *
 * `bench_datapath --compare OLD.bpf.o NEW.bpf.o [ROUNDS]` measures the
 * encapsulations of two builds of bpf/netlord.bpf.c alternately in one
 * invocation (old, new, new, old, ...), so a change is judged against its
 * predecessor under the same background load.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "progs/baseline.skel.h"
#include "progs/netlord_nomon.skel.h"
#include "netlord.skel.h"
#include "world.h"

#define RUNS	5
#define SAMPLES 20000

struct frame {
	uint8_t b[256];
	uint32_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t csum(const uint8_t *b, int len)
{
	uint32_t s = 0;

	for (int i = 0; i < len; i += 2)
		s += b[i] << 8 | b[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/* a VM's UDP packet with 64 bytes of payload */
static void vm_udp(struct frame *f, const uint8_t dst[6], const uint8_t src[6], uint32_t sip,
		   uint32_t dip)
{
	uint8_t *p = f->b;

	memset(f, 0, sizeof(*f));
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put16(p + 12, 0x0800);
	p[14] = 0x45;
	put16(p + 16, 20 + 8 + 64);
	put16(p + 20, 0x4000);
	p[22] = 64;
	p[23] = 17;
	put32(p + 26, sip);
	put32(p + 30, dip);
	put16(p + 24, csum(p + 14, 20));
	put16(p + 34, 40000);
	put16(p + 36, 5001);
	put16(p + 38, 8 + 64);
	f->len = 14 + 20 + 8 + 64;
}

static void arp_request(struct frame *f)
{
	uint8_t *p = f->b;

	memset(f, 0, sizeof(*f));
	memset(p, 0xff, 6);
	memcpy(p + 6, W_MAC_1, 6);
	put16(p + 12, 0x0806);
	put16(p + 14, 1);
	put16(p + 16, 0x0800);
	p[18] = 6;
	p[19] = 4;
	put16(p + 20, 1);
	memcpy(p + 22, W_MAC_1, 6);
	put32(p + 28, W_IP_1);
	put32(p + 38, W_IP_2);
	f->len = 60;
}

/* what the egress switch delivers to us: NetLord frame for a1 */
static void netlord(struct frame *f, int mode)
{
	struct frame inner;
	uint8_t *p = f->b;
	int l4 = mode == NL_ENCAP_IP ? 0 : 8;

	vm_udp(&inner, W_MAC_1, W_MAC_2, W_IP_2, W_IP_1);
	memset(f, 0, sizeof(*f));
	memcpy(p, W_SERVER_MAC, 6);
	memcpy(p + 6, W_S1, 6);
	put16(p + 12, 0x0800);
	p[14] = 0x45;
	put16(p + 16, 20 + l4 + inner.len);
	put16(p + 18, 10);
	put16(p + 20, 0x4000);
	p[22] = 63;
	p[23] = mode == NL_ENCAP_UDP ? 17 : mode == NL_ENCAP_GRE ? 47 : NL_IPPROTO_ETHERNET;
	put32(p + 26, W_IP(10, 1, W_TENANT_A >> 8, W_TENANT_A & 0xff));
	put32(p + 30, W_IP(10, W_PORT, W_TENANT_A >> 8, W_TENANT_A & 0xff));
	put16(p + 24, csum(p + 14, 20));
	if (mode == NL_ENCAP_UDP) {
		put16(p + 34, 51000);
		put16(p + 36, NL_UDP_PORT);
		put16(p + 38, 8 + inner.len);
	} else if (mode == NL_ENCAP_GRE) {
		put16(p + 34, NL_GRE_FLAGS_KEY);
		put16(p + 36, NL_GRE_PROTO_TEB);
		put32(p + 38, W_TENANT_A);
	}
	memcpy(p + 34 + l4, inner.b, inner.len);
	f->len = 34 + l4 + inner.len;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct result {
	const char *name;
	uint32_t median, lo, hi;
	double mean; /* median of the runs' means: finer than the kernel's ~10 ns ticks */
};

/* while a monitor is "attached": the ring is read as the agent would, every 256 runs */
static struct ring_buffer *drain_rb;

static int drain_event(void *ctx, void *data, size_t size)
{
	return 0;
}

/* median over RUNS of the median of SAMPLES single runs on a fresh packet */
static int measure(struct result *res, const char *name, int prog_fd, const struct frame *f,
		   int ifindex, uint32_t want_retval)
{
	static uint32_t samples[SAMPLES];
	uint32_t medians[RUNS];
	double means[RUNS];
	uint8_t out[512];

	for (int r = 0; r < RUNS; r++) {
		for (int i = 0; i < SAMPLES; i++) {
			struct __sk_buff skb = {.ifindex = ifindex};
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len,
				    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

			if (ifindex) {
				o.ctx_in = &skb;
				o.ctx_size_in = sizeof(skb);
			}
			if (drain_rb && !(i & 255))
				ring_buffer__consume(drain_rb);
			if (bpf_prog_test_run_opts(prog_fd, &o)) {
				fprintf(stderr, "%s: test_run: %s\n", name, strerror(errno));
				return -1;
			}
			if (o.retval != want_retval) {
				fprintf(stderr,
					"%s: returned %u, expected %u: not the path to measure\n",
					name, o.retval, want_retval);
				return -1;
			}
			samples[i] = o.duration;
		}
		qsort(samples, SAMPLES, sizeof(samples[0]), cmp_u32);
		medians[r] = samples[SAMPLES / 2];
		means[r] = 0;
		/* the mean of the middle 90%: the kernel's rare long runs left out */
		for (int i = SAMPLES / 20; i < SAMPLES - SAMPLES / 20; i++)
			means[r] += samples[i];
		means[r] /= SAMPLES - 2 * (SAMPLES / 20);
	}
	for (int a = 0; a < RUNS; a++) /* sort the means (insertion) */
		for (int b = a; b > 0 && means[b] < means[b - 1]; b--) {
			double t = means[b];

			means[b] = means[b - 1];
			means[b - 1] = t;
		}
	res->mean = means[RUNS / 2];
	qsort(medians, RUNS, sizeof(medians[0]), cmp_u32);
	res->name = name;
	res->median = medians[RUNS / 2];
	res->lo = medians[0];
	res->hi = medians[RUNS - 1];
	return 0;
}

/* the classic figure: one packet reused `repeat` times (baselines only) */
static uint32_t repeated(int prog_fd, const struct frame *f, int ifindex)
{
	struct __sk_buff skb = {.ifindex = ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len,
		    .repeat = 1000000);

	if (ifindex) {
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
	}
	return bpf_prog_test_run_opts(prog_fd, &o) ? 0 : o.duration;
}

static void set_mode(struct netlord_bpf *skel, int mode)
{
	struct nl_config cfg;
	__u32 zero = 0;
	int fd = bpf_map__fd(skel->maps.nl_config);

	bpf_map_lookup_elem(fd, &zero, &cfg);
	cfg.encap_mode = mode;
	bpf_map_update_elem(fd, &zero, &cfg, 0);
}

static void set_mode_obj(struct bpf_map *config, int mode)
{
	struct nl_config cfg;
	__u32 zero = 0;
	int fd = bpf_map__fd(config);

	bpf_map_lookup_elem(fd, &zero, &cfg);
	cfg.encap_mode = mode;
	bpf_map_update_elem(fd, &zero, &cfg, 0);
}

static void print_row(const struct result *r, const struct result *before, const struct result *b)
{
	printf("%-36s %8u %8.1f %6u-%-5u %9.2fx %9.3fx\n", r->name, r->median, r->mean, r->lo,
	       r->hi, r->mean / b->mean, r->mean / before->mean);
}

/*
 * The drop hook of `na-loader monitor` (bpf/lib/monitor.h): a drop and an
 * encapsulation with the hook compiled out ("before", tests/progs/
 * netlord_nomon.bpf.c), with it and nobody watching, and with a monitor
 * attached (every drop reported, the ring read as the agent does).
 */
static int monitor_cost(struct world *w, struct netlord_bpf *skel, const struct result *tc_base)
{
	struct netlord_nomon_bpf *old = netlord_nomon_bpf__open_and_load();
	struct result r[6];
	struct frame spoof, l2;
	char err[256];
	int fail = 0, vif, vif_old;

	if (!old || world_fill(old->obj, w, NL_ENCAP_IP, 16, err, sizeof(err))) {
		fprintf(stderr, "bench_datapath: loading the object without the hook failed %s\n",
			err);
		return -1;
	}
	vif = bpf_program__fd(skel->progs.nl_vif_ingress);
	vif_old = bpf_program__fd(old->progs.nl_vif_ingress);
	set_mode(skel, NL_ENCAP_IP);
	set_mode_obj(old->maps.nl_config, NL_ENCAP_IP);
	/* a VM sending from an address that is not its own: tx_spoof_ip */
	vm_udp(&spoof, W_MAC_2, W_MAC_1, W_IP_3, W_IP_2);
	vm_udp(&l2, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2);
	skel->bss->nl_mon_watching = 0;
	fail |= measure(&r[0], "drop (spoof), before the hook", vif_old, &spoof, w->ifindex_a1, 2);
	fail |= measure(&r[1], "drop (spoof), nobody watching", vif, &spoof, w->ifindex_a1, 2);
	fail |= measure(&r[2], "encap ip, before the hook", vif_old, &l2, w->ifindex_a1, 7);
	fail |= measure(&r[3], "encap ip, nobody watching", vif, &l2, w->ifindex_a1, 7);
	/* a monitor attached: no rate limit in the way, the ring drained as the agent does */
	skel->bss->nl_mon_cost_ns = 1;
	skel->bss->nl_mon_burst_ns = 1000000000ULL;
	skel->bss->nl_mon_watching = 1;
	drain_rb = ring_buffer__new(bpf_map__fd(skel->maps.nl_mon_ring), drain_event, NULL, NULL);
	if (!drain_rb)
		fail = 1;
	else
		fail |= measure(&r[4], "drop (spoof), monitor attached", vif, &spoof, w->ifindex_a1,
				2);
	/* and shedding: a bucket that refuses every event */
	skel->bss->nl_mon_cost_ns = ~0ULL >> 1;
	skel->bss->nl_mon_burst_ns = 0;
	fail |= measure(&r[5], "drop (spoof), monitor, rate-limited", vif, &spoof, w->ifindex_a1,
			2);
	skel->bss->nl_mon_watching = 0;
	ring_buffer__free(drain_rb);
	drain_rb = NULL;
	netlord_nomon_bpf__destroy(old);
	if (fail)
		return -1;
	printf("\nThe monitor's drop hook (na-loader monitor, docs/monitor.md): \"before\" is the\n"
	       "same datapath with the hook compiled out; ratios of the means (middle 90%% of\n"
	       "the samples), finer than the kernel's ~10 ns timing ticks\n\n");
	printf("%-36s %8s %8s %12s %10s %10s\n", "program", "median", "mean", "runs min-max",
	       "vs tc base", "vs before");
	print_row(&r[0], &r[0], tc_base);
	print_row(&r[1], &r[0], tc_base);
	print_row(&r[4], &r[0], tc_base);
	print_row(&r[5], &r[0], tc_base);
	print_row(&r[2], &r[2], tc_base);
	print_row(&r[3], &r[2], tc_base);
	return 0;
}

static struct bpf_object *load_obj(const char *path, const struct world *w)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	char err[256];

	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "bench_datapath: cannot load %s\n", path);
		return NULL;
	}
	if (world_fill(obj, w, NL_ENCAP_IP, 16, err, sizeof(err))) {
		fprintf(stderr, "bench_datapath: %s: %s\n", path, err);
		return NULL;
	}
	return obj;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define CMP_ROWS      6
#define CMP_MAX_ROUND 32

/* --compare: the encap rows of two objects, alternating, medians of the rounds' means */
static int compare(const char *old_path, const char *new_path, int rounds, struct world *w)
{
	static const char *const rows[CMP_ROWS] = {"encap ip (L2)",  "routed encap ip",
						   "encap udp (L2)", "routed encap udp",
						   "encap gre (L2)", "routed encap gre"};
	static double mean[2][CMP_ROWS][CMP_MAX_ROUND], base[2][CMP_MAX_ROUND];
	struct bpf_object *obj[2];
	struct baseline_bpf *bl = baseline_bpf__open_and_load();
	struct frame l2, routed;
	struct result r;

	if (rounds < 1 || rounds > CMP_MAX_ROUND)
		rounds = 5;
	obj[0] = load_obj(old_path, w);
	obj[1] = load_obj(new_path, w);
	if (!obj[0] || !obj[1] || !bl)
		return 2;
	vm_udp(&l2, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2);
	vm_udp(&routed, W_ROUTER_MAC, W_MAC_1, W_IP_1, W_IP_3);
	for (int k = 0; k < rounds; k++) {
		for (int j = 0; j < 2; j++) {
			int o = (k & 1) ? 1 - j : j; /* old, new, new, old, ... */
			int fd = bpf_program__fd(
				bpf_object__find_program_by_name(obj[o], "nl_vif_ingress"));
			struct bpf_map *cfg = bpf_object__find_map_by_name(obj[o], "nl_config");

			if (measure(&r, "tc baseline", bpf_program__fd(bl->progs.baseline_tc), &l2,
				    w->ifindex_a1, 0))
				return 1;
			base[o][k] = r.mean;
			for (int m = 0; m < 3; m++) {
				set_mode_obj(cfg, m == 0   ? NL_ENCAP_IP
						  : m == 1 ? NL_ENCAP_UDP
							   : NL_ENCAP_GRE);
				if (measure(&r, rows[2 * m], fd, &l2, w->ifindex_a1, 7))
					return 1;
				mean[o][2 * m][k] = r.mean;
				if (measure(&r, rows[2 * m + 1], fd, &routed, w->ifindex_a1, 7))
					return 1;
				mean[o][2 * m + 1][k] = r.mean;
			}
		}
	}
	printf("\n%s (old) against %s (new), %d alternating rounds, medians of the\n"
	       "rounds' means (middle 90%% of %d x %d single runs each)\n\n",
	       old_path, new_path, rounds, RUNS, SAMPLES);
	printf("%-20s %9s %9s %9s %9s %9s\n", "program", "old ns", "new ns", "new/old", "old/base",
	       "new/base");
	for (int o = 0; o < 2; o++)
		qsort(base[o], rounds, sizeof(double), cmp_double);
	printf("%-20s %9.1f %9.1f %9.3f\n", "tc baseline", base[0][rounds / 2], base[1][rounds / 2],
	       base[1][rounds / 2] / base[0][rounds / 2]);
	for (int i = 0; i < CMP_ROWS; i++) {
		double a, b;

		qsort(mean[0][i], rounds, sizeof(double), cmp_double);
		qsort(mean[1][i], rounds, sizeof(double), cmp_double);
		a = mean[0][i][rounds / 2];
		b = mean[1][i][rounds / 2];
		printf("%-20s %9.1f %9.1f %9.3f %8.2fx %8.2fx\n", rows[i], a, b, b / a,
		       a / base[0][rounds / 2], b / base[1][rounds / 2]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct result tc_base, xdp_base, r[16];
	struct netlord_bpf *skel;
	struct baseline_bpf *base;
	struct frame l2, routed, arp, dec_ip, dec_udp, dec_gre;
	struct world w;
	char err[256];
	int n = 0, vif, xdp, rxtc, fail = 0;

	if (geteuid()) {
		fprintf(stderr, "bench_datapath: needs root (BPF_PROG_TEST_RUN)\n");
		return 2;
	}
	if (world_netns(&w, err, sizeof(err))) {
		fprintf(stderr, "bench_datapath: %s\n", err);
		return 2;
	}
	if (argc >= 4 && !strcmp(argv[1], "--compare"))
		return compare(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 5, &w);
	if (argc > 1) {
		fprintf(stderr, "usage: bench_datapath [--compare OLD.bpf.o NEW.bpf.o [ROUNDS]]\n");
		return 2;
	}
	skel = netlord_bpf__open_and_load();
	base = baseline_bpf__open_and_load();
	if (!skel || !base || world_fill(skel->obj, &w, NL_ENCAP_IP, 16, err, sizeof(err))) {
		fprintf(stderr, "bench_datapath: loading failed %s\n", err);
		return 2;
	}
	vif = bpf_program__fd(skel->progs.nl_vif_ingress);
	xdp = bpf_program__fd(skel->progs.nl_uplink_xdp);
	rxtc = bpf_program__fd(skel->progs.nl_uplink_rx_tc);
	vm_udp(&l2, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2);
	vm_udp(&routed, W_ROUTER_MAC, W_MAC_1, W_IP_1, W_IP_3);
	arp_request(&arp);
	netlord(&dec_ip, NL_ENCAP_IP);
	netlord(&dec_udp, NL_ENCAP_UDP);
	netlord(&dec_gre, NL_ENCAP_GRE);

	fail |= measure(&tc_base, "tc baseline (TC_ACT_OK)",
			bpf_program__fd(base->progs.baseline_tc), &l2, w.ifindex_a1, 0);
	fail |= measure(&xdp_base, "xdp baseline (XDP_PASS)",
			bpf_program__fd(base->progs.baseline_xdp), &dec_ip, 0, 2);
	set_mode(skel, NL_ENCAP_IP);
	fail |= measure(&r[n++], "encap ip (L2, VLAN)", vif, &l2, w.ifindex_a1, 7);
	fail |= measure(&r[n++], "routed encap ip", vif, &routed, w.ifindex_a1, 7);
	fail |= measure(&r[n++], "ARP reply", vif, &arp, w.ifindex_a1, 7);
	fail |= measure(&r[n++], "decap ip (XDP_REDIRECT)", xdp, &dec_ip, 0, 4);
	set_mode(skel, NL_ENCAP_UDP);
	fail |= measure(&r[n++], "encap udp (L2, VLAN)", vif, &l2, w.ifindex_a1, 7);
	fail |= measure(&r[n++], "routed encap udp", vif, &routed, w.ifindex_a1, 7);
	fail |= measure(&r[n++], "decap udp (XDP_REDIRECT)", xdp, &dec_udp, 0, 4);
	set_mode(skel, NL_ENCAP_GRE);
	fail |= measure(&r[n++], "encap gre (L2, VLAN)", vif, &l2, w.ifindex_a1, 7);
	fail |= measure(&r[n++], "routed encap gre", vif, &routed, w.ifindex_a1, 7);
	fail |= measure(&r[n++], "decap gre (XDP_REDIRECT)", xdp, &dec_gre, 0, 4);
	fail |= measure(&r[n++], "tc decap gre (redirect)", rxtc, &dec_gre, w.ifindex_uplink, 7);
	if (fail)
		return 1;

	printf("\nDatapath cost per packet (BPF_PROG_TEST_RUN, one fresh packet per run,\n"
	       "median of %d runs x %d packets; ns include the kernel's timing overhead,\n"
	       "which the baselines carry too)\n\n",
	       RUNS, SAMPLES);
	printf("%-28s %8s %12s %10s %10s\n", "program", "ns/pkt", "runs min-max", "ratio",
	       "target");
	printf("%-28s %8u %6u-%-5u %10s\n", tc_base.name, tc_base.median, tc_base.lo, tc_base.hi,
	       "1.00");
	printf("%-28s %8u %6u-%-5u %10s\n", xdp_base.name, xdp_base.median, xdp_base.lo,
	       xdp_base.hi, "1.00");
	for (int i = 0; i < n; i++) {
		int is_xdp = strstr(r[i].name, "decap") != NULL && strncmp(r[i].name, "tc ", 3);
		int routed = !strncmp(r[i].name, "routed", 6);
		const struct result *b = is_xdp ? &xdp_base : &tc_base;
		double ratio = (double)r[i].median / b->median;
		const char *target = is_xdp			  ? "<= 2.5"
				     : routed			  ? "<= 3.5"
				     : strstr(r[i].name, "encap") ? "<= 3.0"
								  : "";
		double limit = is_xdp ? 2.5 : routed ? 3.5 : 3.0;

		printf("%-28s %8u %6u-%-5u %9.2fx %10s%s\n", r[i].name, r[i].median, r[i].lo,
		       r[i].hi, ratio, target,
		       *target ? (ratio <= limit ? "  met" : "  MISSED") : "");
	}
	if (monitor_cost(&w, skel, &tc_base))
		return 1;
	printf("\nFor reference, the same baselines with repeat=1000000 on one buffer:\n"
	       "  tc %u ns, xdp %u ns per run\n",
	       repeated(bpf_program__fd(base->progs.baseline_tc), &l2, w.ifindex_a1),
	       repeated(bpf_program__fd(base->progs.baseline_xdp), &dec_ip, 0));
	netlord_bpf__destroy(skel);
	baseline_bpf__destroy(base);
	return 0;
}

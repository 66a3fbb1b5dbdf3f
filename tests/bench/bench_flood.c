// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Tenant broadcast: the patent's broadcast VLAN ([0029]: one copy on a
 * VLAN spanning every server downlink, every server filtering on the
 * tenant and MAC space in the outer header) against head-end replication
 * (one unicast copy per server hosting the MAC space, what NART-2 names),
 * in bytes on the fabric and CPU per tenant broadcast at 10, 100 and
 * 1,000 servers (issue 11, docs/wire-format.md section 3).
 *
 * CPU is calibrated on the production object (BPF_PROG_TEST_RUN, as
 * bench_datapath.c): nl_vif_ingress (+ its tail call nl_vif_flood) with a
 * group of R remote servers, R = 1..512 (the slope is the cost of one
 * remote copy, R = 1 is also what the broadcast VLAN's single copy costs;
 * past NL_FLOOD_CHUNK = 256 the servers come from a chunk entry, whose
 * per-copy cost is printed on its own);
 * nl_uplink_rx_tc delivering an inner broadcast to 1 and 2 local members;
 * nl_uplink_rx_tc filtering an inner broadcast of a MAC space it does not
 * host (what every non-member server pays under the broadcast VLAN).  The
 * clones really leave through veths whose links are up.  Bytes and copies
 * for the server counts are then computed from a documented model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "netlord.skel.h"
#include "world.h"

#define RUNS	5
#define SAMPLES 4000
#define NR	6 /* group sizes measured */

struct frame {
	uint8_t b[512];
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

/* a VM's IPv4/UDP broadcast (a DHCP-sized 300-byte payload) from @src/@sip */
static void vm_bcast(struct frame *f, const uint8_t src[6], uint32_t sip)
{
	uint8_t *p = f->b;
	int payload = 300;

	memset(f, 0, sizeof(*f));
	memset(p, 0xff, 6);
	memcpy(p + 6, src, 6);
	put16(p + 12, 0x0800);
	p[14] = 0x45;
	put16(p + 16, 20 + 8 + payload);
	put16(p + 20, 0x4000);
	p[22] = 64;
	p[23] = 17;
	put32(p + 26, sip);
	put32(p + 30, W_IP(192, 168, 1, 255));
	put16(p + 24, csum(p + 14, 20));
	/* not DHCP (68 -> 67): that is handed to the agent (punt.h), never flooded */
	put16(p + 34, 5353);
	put16(p + 36, 5353);
	put16(p + 38, 8 + payload);
	f->len = 14 + 20 + 8 + payload;
}

/* the same broadcast from a remote VIF of (tenant A, @mac_as), ip mode, as received */
static void rx_bcast(struct frame *f, uint16_t mac_as)
{
	struct frame inner;
	uint8_t *p = f->b;

	vm_bcast(&inner, W_MAC_2, W_IP_2);
	memset(f, 0, sizeof(*f));
	memcpy(p, W_SERVER_MAC, 6);
	memcpy(p + 6, W_S1, 6);
	put16(p + 12, 0x0800);
	p[14] = 0x45;
	put16(p + 16, 20 + inner.len);
	put16(p + 18, 10);
	put16(p + 20, 0x4000);
	p[22] = 63;
	p[23] = NL_IPPROTO_ETHERNET;
	put32(p + 26, W_IP(10, mac_as, W_TENANT_A >> 8, W_TENANT_A & 0xff));
	put32(p + 30, W_IP(10, W_PORT, W_TENANT_A >> 8, W_TENANT_A & 0xff));
	put16(p + 24, csum(p + 14, 20));
	memcpy(p + 34, inner.b, inner.len);
	f->len = 34 + inner.len;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* ns of one run: median over RUNS of the median of SAMPLES fresh single runs */
static double measure(const char *name, int prog_fd, const struct frame *f, int ifindex,
		      uint32_t want)
{
	static uint32_t samples[SAMPLES];
	uint32_t medians[RUNS];
	uint8_t out[1024];

	for (int r = 0; r < RUNS; r++) {
		for (int i = 0; i < SAMPLES; i++) {
			struct __sk_buff skb = {.ifindex = ifindex};
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len,
				    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &skb,
				    .ctx_size_in = sizeof(skb), .repeat = 1);

			if (bpf_prog_test_run_opts(prog_fd, &o)) {
				fprintf(stderr, "%s: test_run: %s\n", name, strerror(errno));
				exit(1);
			}
			if (o.retval != want) {
				fprintf(stderr, "%s: returned %u, expected %u\n", name, o.retval,
					want);
				exit(1);
			}
			samples[i] = o.duration;
		}
		qsort(samples, SAMPLES, sizeof(samples[0]), cmp_u32);
		medians[r] = samples[SAMPLES / 2];
	}
	qsort(medians, RUNS, sizeof(medians[0]), cmp_u32);
	printf("  %-52s %7u ns  (runs %u-%u)\n", name, medians[RUNS / 2], medians[0],
	       medians[RUNS - 1]);
	return medians[RUNS / 2];
}

static int groups_fd, counters_fd;

/* a datapath counter, summed over the CPUs */
static uint64_t counter_of(enum nl_counter c)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu], sum = 0;
	__u32 key = c;

	if (ncpu <= 0 || bpf_map_lookup_elem(counters_fd, &key, vals))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

/* the group and its chunk entries, as user/agent/flood.c writes them */
static void group_set(uint16_t mac_as, int n_local, const struct nl_flood_member *local,
		      int n_remote, int s2)
{
	static struct nl_flood_group g;
	struct nl_flood_key k = {.tenant = W_TENANT_A, .mac_as = mac_as};

	for (int c = (n_remote + NL_FLOOD_CHUNK - 1) / NL_FLOOD_CHUNK - 1; c >= 0; c--) {
		int first = c * NL_FLOOD_CHUNK;

		memset(&g, 0, sizeof(g));
		k.chunk = c;
		if (!c) {
			g.n_local = n_local;
			memcpy(g.local, local, n_local * sizeof(*local));
		}
		g.n_remote = !c					 ? n_remote
			     : n_remote - first < NL_FLOOD_CHUNK ? n_remote - first
								 : NL_FLOOD_CHUNK;
		for (int i = first; i < n_remote && i < first + NL_FLOOD_CHUNK; i++) {
			g.remote[i - first].switch_idx = s2;
			g.remote[i - first].port = 1 + i % 250;
		}
		if (bpf_map_update_elem(groups_fd, &k, &g, BPF_ANY)) {
			perror("nl_flood_groups");
			exit(1);
		}
	}
	if (!n_remote) {
		memset(&g, 0, sizeof(g));
		k.chunk = 0;
		g.n_local = n_local;
		memcpy(g.local, local, n_local * sizeof(*local));
		if (bpf_map_update_elem(groups_fd, &k, &g, BPF_ANY)) {
			perror("nl_flood_groups");
			exit(1);
		}
	}
}

static struct nl_flood_member member(int ifindex, int slot, const uint8_t mac[6])
{
	struct nl_flood_member m = {.ifindex = ifindex, .slot = slot};

	memcpy(m.mac, mac, 6);
	return m;
}

/*
 * The fabric model: N servers, SERVERS_PER_EDGE under each edge switch,
 * the edge switches under one core layer (two links between two edge
 * switches).  A copy between two servers crosses 2 links (same edge
 * switch) or 4; the broadcast VLAN's one frame crosses the sender's
 * uplink, every other server's downlink and, with more than one edge
 * switch, one link up to the core and one down to each edge switch.
 * The k servers hosting the MAC space are spread uniformly.
 */
#define SERVERS_PER_EDGE 40

static double links_vlan(int n)
{
	int edges = (n + SERVERS_PER_EDGE - 1) / SERVERS_PER_EDGE;

	return 1 + (n - 1) + (edges > 1 ? edges : 0);
}

static double links_headend(int n, int k)
{
	double same = n > 1 ? (double)(SERVERS_PER_EDGE - 1) / (n - 1) : 1;

	if (same > 1)
		same = 1;
	return k * (2 * same + 4 * (1 - same));
}

int main(void)
{
	struct netlord_bpf *skel;
	struct world w;
	struct frame tx, rx_member, rx_other;
	char err[256];
	int vif, rxtc, s2;
	double t_r[NR], r_of[NR] = {1, 16, 64, 128, 256, 512}, t_rx1, t_rx2, t_filter;
	/* ip mode: outer Ethernet 14 + 802.1Q 4 + IPv4 20, inner frame, FCS 4 */
	double wire;

	if (geteuid()) {
		fprintf(stderr, "bench_flood: needs root (BPF_PROG_TEST_RUN)\n");
		return 2;
	}
	if (world_netns(&w, err, sizeof(err))) {
		fprintf(stderr, "bench_flood: %s\n", err);
		return 2;
	}
	skel = netlord_bpf__open_and_load();
	if (!skel || world_fill(skel->obj, &w, NL_ENCAP_IP, 16, err, sizeof(err))) {
		fprintf(stderr, "bench_flood: loading failed %s\n", err);
		return 2;
	}
	if (system("sysctl -qw net.ipv6.conf.all.disable_ipv6=1; for i in a1 a1p b1 b1p a5 a5p "
		   "l2 l2p uplink fabric; do ip link set $i up || exit 1; done")) {
		fprintf(stderr, "bench_flood: cannot set the links up\n");
		return 2;
	}
	{
		/* no rate limit while measuring */
		int cfd = bpf_map__fd(skel->maps.nl_config);
		struct nl_config cfg;
		__u32 zero = 0;

		bpf_map_lookup_elem(cfd, &zero, &cfg);
		cfg.flood_per_s = 1000000000;
		cfg.flood_burst = 1000000000;
		bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY);
	}
	groups_fd = bpf_map__fd(skel->maps.nl_flood_groups);
	counters_fd = bpf_map__fd(skel->maps.nl_counters);
	vif = bpf_program__fd(skel->progs.nl_vif_ingress);
	rxtc = bpf_program__fd(skel->progs.nl_uplink_rx_tc);
	s2 = world_switch_idx(W_S2);
	vm_bcast(&tx, W_MAC_1, W_IP_1);
	rx_bcast(&rx_member, 1);
	rx_bcast(&rx_other, 2);
	wire = 14 + 4 + 20 + tx.len + 4;

	printf("Tenant broadcast, production programs under BPF_PROG_TEST_RUN (ip mode,\n"
	       "a %u-byte broadcast frame; median of %d runs x %d fresh packets):\n",
	       tx.len, RUNS, SAMPLES);
	{
		struct nl_flood_member a1 = member(w.ifindex_a1, w.slot_a1, W_MAC_1);

		for (int i = 0; i < NR; i++) {
			uint64_t c0 = counter_of(NL_C_TX_FLOOD_REMOTE), sent;
			uint64_t f0 = counter_of(NL_C_TX_FLOOD_FAILED), failed;
			char name[80];

			group_set(1, 1, &a1, (int)r_of[i], s2);
			snprintf(name, sizeof(name),
				 "send: %3d remote copies (nl_vif_ingress+flood)", (int)r_of[i]);
			t_r[i] = measure(name, vif, &tx, w.ifindex_a1, 2);
			/*
			 * every run really made its copies (a drop also returns
			 * TC_ACT_SHOT); a few may find the veth's backlog full
			 * (tx_flood_failed, printed)
			 */
			sent = counter_of(NL_C_TX_FLOOD_REMOTE) - c0;
			failed = counter_of(NL_C_TX_FLOOD_FAILED) - f0;
			if (failed)
				printf("  (%llu of those copies found the fabric veth's backlog "
				       "full)\n",
				       (unsigned long long)failed);
			if (sent + failed != (uint64_t)RUNS * SAMPLES * (uint64_t)r_of[i]) {
				fprintf(stderr,
					"bench_flood: %llu remote copies counted, %llu expected "
					"(tx_flood_limited %llu, tx_flood_failed %llu)\n",
					(unsigned long long)sent,
					(unsigned long long)RUNS * SAMPLES * (uint64_t)r_of[i],
					(unsigned long long)counter_of(NL_C_TX_FLOOD_LIMITED),
					(unsigned long long)counter_of(NL_C_TX_FLOOD_FAILED));
				for (int c = 0; c < NL_C_MAX; c++)
					if (counter_of(c))
						fprintf(stderr, "  counter %d: %llu\n", c,
							(unsigned long long)counter_of(c));
				return 1;
			}
		}
	}
	{
		struct nl_flood_member m[2] = {member(w.ifindex_a1, w.slot_a1, W_MAC_1),
					       member(w.ifindex_a5, w.slot_a5, W_MAC_5)};

		group_set(1, 1, m, 0, s2);
		t_rx1 = measure("receive: decap + 1 local copy (nl_uplink_rx_tc)", rxtc, &rx_member,
				w.ifindex_uplink, 2);
		group_set(1, 2, m, 0, s2);
		t_rx2 = measure("receive: decap + 2 local copies", rxtc, &rx_member,
				w.ifindex_uplink, 2);
		t_filter = measure("receive: not a member here, filtered (rx_inner_bcast)", rxtc,
				   &rx_other, w.ifindex_uplink, 2);
	}

	/* least squares over R: the cost of one more remote copy */
	double sx = 0, sy = 0, sxx = 0, sxy = 0, slope, fixed, t_rxc;

	for (int i = 0; i < NR; i++) {
		sx += r_of[i];
		sy += t_r[i];
		sxx += r_of[i] * r_of[i];
		sxy += r_of[i] * t_r[i];
	}
	slope = (NR * sxy - sx * sy) / (NR * sxx - sx * sx);
	fixed = (sy - slope * sx) / NR;
	t_rxc = t_rx2 - t_rx1;
	printf("\nCalibration: sender %.0f ns + %.0f ns per remote copy (least squares over R);\n"
	       "  one broadcast-VLAN copy = the R=1 send, %.0f ns; receiving member %.0f ns\n"
	       "  (+%.0f ns per further local copy); non-member filter %.0f ns.\n",
	       fixed, slope, t_r[0], t_rx1, t_rxc, t_filter);
	printf("  Per copy within the group's first %d servers %.0f ns (R 1 -> 256), from its\n"
	       "  chunk entries %.0f ns (R 256 -> 512).\n",
	       NL_FLOOD_CHUNK, (t_r[4] - t_r[0]) / 255, (t_r[5] - t_r[4]) / 256);

	printf("\nPer tenant broadcast (%.0f bytes per copy on a link; %d servers per edge "
	       "switch;\n"
	       "k = other servers hosting the MAC space; CPU summed over every server):\n",
	       wire, SERVERS_PER_EDGE);
	printf("%7s %6s | %12s %12s %7s | %10s %10s %7s | %13s\n", "servers", "k", "VLAN bytes",
	       "head-end B", "ratio", "VLAN us", "head-end us", "ratio", "head-end send");
	{
		static const int ns[] = {10, 100, 1000};

		for (int i = 0; i < 3; i++) {
			int n = ns[i];
			int ks[3] = {4, 32, n - 1};

			for (int j = 0; j < 3; j++) {
				int k = ks[j];
				double bv, bh, cv, ch;

				if (k > n - 1 || (j > 0 && k == ks[j - 1]))
					continue;
				bv = links_vlan(n) * wire;
				bh = links_headend(n, k) * wire;
				/* VLAN: one send, k members deliver, n-1-k servers filter */
				cv = t_r[0] + k * t_rx1 + (n - 1 - k) * t_filter;
				/* head-end: k copies sent (bounded by NL_FLOOD_MAX_SERVERS), k
				 * deliver */
				ch = fixed + slope * k + k * t_rx1;
				printf("%7d %6d | %12.0f %12.0f %6.2fx | %10.1f %10.1f %6.2fx | "
				       "%10.1f us%s\n",
				       n, k, bv, bh, bv / bh, cv / 1000, ch / 1000, cv / ch,
				       (fixed + slope * k) / 1000,
				       k > NL_FLOOD_MAX_SERVERS ? " (>bound)" : "");
			}
		}
	}
	printf("\nratio > 1: head-end replication costs less than the broadcast VLAN.\n");
	netlord_bpf__destroy(skel);
	return 0;
}

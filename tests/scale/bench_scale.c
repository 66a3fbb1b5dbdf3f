// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench-scale, the calibration half (docs/scale.md; patent [0033]-[0035]:
 * HERE overhead and NART memory): what one NL-ARP message costs an NA, on
 * the agent's own code, no copies:
 *
 *   - a HERE applied: nart_apply() on the production store (nart_store.c,
 *     compact NART-1/NART-2 in mmapable BPF arrays, cnart.c);
 *   - a broadcast HERE received: a frame read from a packet socket by
 *     na_nlarp_read_bcast() (nlarp_io.c: HMAC-SHA-256 verify, clock window,
 *     replay table, decode) and handed to na_resolver_rx() (resolver.c:
 *     nart_apply, probe peers, local VIF check), new VIFs and updates;
 *   - a WHERE for a VIF hosted elsewhere (every NA receives every WHERE)
 *     and a WHERE answered (local VIF lookups in BPF hash maps, unicast
 *     HERE sealed and sent: the resolver's real path);
 *   - a HERE for a tenant this NA hosts no VIF of, dropped by the tenant
 *     filter (tenant_filter.c) before authentication;
 *   - NART memory per VIF.
 *
 * The frames go over a veth pair in a private network namespace
 * (unshare), so the receive side is exactly the agent's socket path.  CPU
 * time of the receiving thread only (the machine is shared), median of
 * RUNS runs.  Prints a table and `scale.<name>=<value>` lines that
 * scripts/scale/model.py reads.  Exits 1 if any message had an unexpected
 * outcome (so a broken path cannot report a good figure).  Needs root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "cnart.h"
#include "local_vifs.h"
#include "log.h"
#include "nart_apply.h"
#include "nart_maps.h"
#include "nart_size.h"
#include "nlarp_auth.h"
#include "nlarp_io.h"
#include "probe.h"
#include "resolver.h"
#include "stats.h"
#include "tenant_filter.h"
#include "util.h"

#define RUNS  5
#define BATCH 128 /* frames in flight: below the socket's receive buffer */
#define MSG   NLARP_AUTH_MSG_LEN
#define FRAME (14 + MSG)

static struct nlarp_keyring kr;
static struct nlarp_sealer sealer;
static const __u8 self_sw[6] = {0x0c, 0, 0, 0, 0, 0x01};
#define SELF_PORT     7
#define LOCAL_TENANT  4242
#define LOCAL_IFINDEX 1000
static const __u8 local_mac[6] = {0x02, 0xaa, 0, 0, 0, 0x01};

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(double), cmp_double);
	return v[RUNS / 2];
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

/* VIF i: its tenant (never the local one), MAC, IP; at one of 10,000 servers */
static void make_msg(size_t i, int op, __u64 version, struct nlarp_fields *m)
{
	__u64 r = mix(i);
	__u32 server = (__u32)(r >> 32) % 10000;

	memset(m, 0, sizeof(*m));
	m->version = NLARP_VERSION;
	m->op = (__u8)op;
	m->tenant = NL_TENANT_MIN + 10000 + (__u32)(r % 50000);
	m->mac_as = 1;
	m->mac[0] = 0x02;
	m->mac[2] = (__u8)(i >> 24);
	m->mac[3] = (__u8)(i >> 16);
	m->mac[4] = (__u8)(i >> 8);
	m->mac[5] = (__u8)i;
	m->sender_switch_mac[0] = 0x0e;
	m->sender_switch_mac[4] = (__u8)(server / 40 >> 8);
	m->sender_switch_mac[5] = (__u8)(server / 40);
	m->sender_port = (__u16)(1 + server % 40);
	if (op == NLARP_HERE) {
		m->flags = NLARP_F_HAS_IP;
		m->ip = htonl(0x0a000000 | (__u32)((i + 1) & 0xffffff));
		memcpy(m->switch_mac, m->sender_switch_mac, 6);
		m->port = m->sender_port;
		m->loc_version = version;
	}
}

/* a sealed broadcast frame from the sender's switch */
static void seal_frame(const struct nlarp_fields *m, __u8 *f)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, m->sender_switch_mac, 6);
	f[12] = NL_ARP_ETHERTYPE >> 8;
	f[13] = NL_ARP_ETHERTYPE & 0xff;
	if (nlarp_seal(&kr, &sealer, false, nl_now_ms(), m, NL_TENANT_BITS_16, f + 14, MSG) !=
	    NLARP_E_OK) {
		fprintf(stderr, "bench-scale: cannot seal a message\n");
		exit(1);
	}
}

struct world {
	struct na_uplink up;
	struct na_location loc;
	struct na_stats st;
	struct na_nlarp_io io;
	struct na_probe probe;
	struct na_resolver res;
	struct na_maps maps;
	struct na_tenant_filter filter;
	struct test_nart t;
	int tx_fd, tx_ifindex;
};

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "bench-scale: `%s` failed\n", cmd);
	return rc;
}

/* a private network namespace with the veth pair nlbs0 (senders) - nlbs1 (the NA) */
static int netns_setup(struct world *w)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET};

	if (unshare(CLONE_NEWNET)) {
		perror("bench-scale: unshare(CLONE_NEWNET) (root?)");
		return -1;
	}
	if (sh("ip link set lo up") || sh("ip link add nlbs0 type veth peer name nlbs1") ||
	    sh("ip link set nlbs0 up") || sh("ip link set nlbs1 up"))
		return -1;
	snprintf(w->up.ifname, sizeof(w->up.ifname), "nlbs1");
	w->up.ifindex = (int)if_nametoindex("nlbs1");
	w->tx_ifindex = (int)if_nametoindex("nlbs0");
	w->tx_fd = socket(AF_PACKET, SOCK_RAW, 0);
	sll.sll_ifindex = w->tx_ifindex;
	if (w->tx_fd < 0 || bind(w->tx_fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -1;
	return 0;
}

static int hash_map(const char *name, __u32 ks, __u32 vs)
{
	return bpf_map_create(BPF_MAP_TYPE_HASH, name, ks, vs, NL_MAX_VIFS, NULL);
}

static int world_open(struct world *w, __u32 buckets)
{
	struct nl_vif v = {.tenant = LOCAL_TENANT, .mac_as = 1, .ifindex = LOCAL_IFINDEX};
	struct nl_vif_key k = {.tenant = LOCAL_TENANT, .mac_as = 1};
	struct nl_local_vif lv = {.ifindex = LOCAL_IFINDEX};
	__u32 idx = LOCAL_IFINDEX;
	int err;

	w->maps.vifs = hash_map("b_vifs", 4, sizeof(struct nl_vif));
	w->maps.local_vifs = hash_map("b_local_vifs", sizeof(k), sizeof(lv));
	w->maps.local_ips = hash_map("b_local_ips", sizeof(struct nl_local_ip_key), 4);
	if (w->maps.vifs < 0 || w->maps.local_vifs < 0 || w->maps.local_ips < 0)
		return -1;
	memcpy(v.mac, local_mac, 6);
	memcpy(k.mac, local_mac, 6);
	v.ip = htonl(0xc0a80001);
	if (bpf_map_update_elem(w->maps.vifs, &idx, &v, BPF_ANY) ||
	    bpf_map_update_elem(w->maps.local_vifs, &k, &lv, BPF_ANY) ||
	    na_local_vif_index_add(&w->maps, &v))
		return -1;
	err = test_nart_open(&w->t, buckets, NART_MAX_SWITCHES);
	if (err) {
		fprintf(stderr, "bench-scale: NART arrays: %s\n", strerror(-err));
		return -1;
	}
	w->loc = (struct na_location){
		.ready = true, .port = SELF_PORT, .tenant_bits = NL_TENANT_BITS_16};
	memcpy(w->loc.switch_mac, self_sw, 6);
	w->loc.server_addr = nl_server_addr(NL_TENANT_BITS_16, SELF_PORT);
	w->io = (struct na_nlarp_io){
		.up = &w->up, .loc = &w->loc, .tables = &w->t.store, .st = &w->st, .keys = &kr};
	if (na_nlarp_open(&w->io))
		return -1;
	w->probe = (struct na_probe){
		.io = &w->io, .loc = &w->loc, .tables = &w->t.store, .st = &w->st};
	w->res = (struct na_resolver){.io = &w->io,
				      .loc = &w->loc,
				      .tables = &w->t.store,
				      .maps = &w->maps,
				      .probe = &w->probe,
				      .st = &w->st};
	if (na_resolver_init(&w->res))
		return -1;
	return 0;
}

static void world_close(struct world *w)
{
	na_resolver_free(&w->res);
	na_nlarp_close(&w->io);
	test_nart_close(&w->t);
}

/* messages the resolver saw plus those dropped before it */
static __u64 handled(const struct world *w)
{
	__u64 n = w->st.nlarp_own + w->st.nlarp_short + w->filter.dropped;

	for (int i = 0; i < NA_NLARP_OPS; i++)
		n += w->st.nlarp_rx[i];
	for (int i = 0; i < NLARP_E_MAX; i++)
		n += w->st.nlarp_err[i];
	for (int i = 0; i < NLARP_AUTH_E_MAX; i++)
		n += w->st.nlarp_auth_err[i];
	return n;
}

/*
 * Send the @n frames of @frames in batches and time (thread CPU) only the
 * agent's reading of them; ns per message, -1 if a frame got lost.
 */
static double rx_pass(struct world *w, const __u8 *frames, size_t n)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_ifindex = w->tx_ifindex, .sll_halen = 6};
	double busy = 0;
	size_t i = 0;

	memset(to.sll_addr, 0xff, 6);
	while (i < n) {
		size_t b = n - i < BATCH ? n - i : BATCH, j;
		__u64 want = handled(w) + b;
		double t0;
		int spins = 0;

		for (j = 0; j < b; j++)
			if (sendto(w->tx_fd, frames + (i + j) * FRAME, FRAME, 0,
				   (struct sockaddr *)&to, sizeof(to)) != FRAME)
				return -1;
		t0 = cpu_s();
		while (handled(w) < want && spins++ < 100000)
			na_nlarp_read_bcast(&w->io, na_resolver_rx, &w->res);
		busy += cpu_s() - t0;
		if (handled(w) < want) {
			fprintf(stderr, "bench-scale: %llu of %zu frames did not arrive\n",
				(unsigned long long)(want - handled(w)), b);
			return -1;
		}
		i += b;
	}
	return busy * 1e9 / n;
}

/*
 * The whole cost of @n frames to this thread: sending them (the veth pair
 * delivers to the packet socket, its kernel filter runs, inside sendto)
 * and the agent's reads; ns per frame.  @arrive: every frame reaches the
 * agent (else they are all dropped in the kernel and one read per batch
 * finds nothing).  -1 if that is not what happened.
 */
static double send_pass(struct world *w, const __u8 *frames, size_t n, bool arrive)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_ifindex = w->tx_ifindex, .sll_halen = 6};
	double t0 = cpu_s();
	size_t i = 0;

	memset(to.sll_addr, 0xff, 6);
	while (i < n) {
		size_t b = n - i < BATCH ? n - i : BATCH, j;
		__u64 want = handled(w) + (arrive ? b : 0);
		int spins = 0;

		for (j = 0; j < b; j++)
			if (sendto(w->tx_fd, frames + (i + j) * FRAME, FRAME, 0,
				   (struct sockaddr *)&to, sizeof(to)) != FRAME)
				return -1;
		do
			na_nlarp_read_bcast(&w->io, na_resolver_rx, &w->res);
		while (handled(w) < want && spins++ < 100000);
		if (handled(w) != want)
			return -1;
		i += b;
	}
	return (cpu_s() - t0) * 1e9 / n;
}

/* nart_apply() alone on decoded HEREs: ns per message */
static double apply_pass(struct world *w, size_t n, __u64 version, enum nart_action want)
{
	double t0, t;
	size_t bad = 0;

	t0 = cpu_s();
	for (size_t i = 0; i < n; i++) {
		struct nlarp_fields m;
		struct nart_apply_result r;

		make_msg(i, NLARP_HERE, version, &m);
		r = nart_apply(&nart_store_ops, &w->t.store, NULL, &m);
		bad += r.d.action != want || r.err;
	}
	t = cpu_s() - t0;
	return bad ? -1 : t * 1e9 / n;
}

/* make_msg() alone, to subtract from apply_pass() */
static double make_pass(size_t n)
{
	volatile __u8 sink = 0;
	double t0 = cpu_s();

	for (size_t i = 0; i < n; i++) {
		struct nlarp_fields m;

		make_msg(i, NLARP_HERE, 1, &m);
		sink ^= m.mac[5];
	}
	(void)sink;
	return (cpu_s() - t0) * 1e9 / n;
}

static void seal_all(__u8 *frames, size_t n, int op, __u64 version)
{
	for (size_t i = 0; i < n; i++) {
		struct nlarp_fields m;

		make_msg(i, op, version, &m);
		seal_frame(&m, frames + i * FRAME);
	}
}

static int check(bool ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "bench-scale: unexpected outcome: %s\n", what);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000, nw;
	double apply_ins[RUNS], apply_upd[RUNS], rx_ins[RUNS], rx_upd[RUNS], rx_dup[RUNS],
		where_miss[RUNS], where_ans[RUNS], rx_filt[RUNS], rx_kept[RUNS], mk, tot_user[RUNS],
		tot_kern[RUNS], tot_base[RUNS];
	__u32 buckets = na_nart_buckets(1000000);
	struct world w;
	char kerr[128];
	__u8 *frames;
	double kbytes = 0, ubytes = 0, slots = 0;

	if (n < 1000 || n > 4000000) {
		fprintf(stderr, "usage: bench_scale [VIFS 1000..4000000]\n");
		return 1;
	}
	nw = n / 10;
	memset(&w, 0, sizeof(w));
	nl_log_init("bench-scale", NL_LOG_WARN);
	if (nlarp_keyring_parse(
		    &kr, "1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
		    kerr, sizeof(kerr)))
		return 1;
	nlarp_sealer_init(&sealer, nl_now_ms() * 1000);
	frames = malloc(n * FRAME);
	if (!frames || netns_setup(&w))
		return 1;
	mk = make_pass(n);
	for (int r = 0; r < RUNS; r++) {
		__u64 before;

		memset(&w.st, 0, sizeof(w.st));
		if (world_open(&w, buckets))
			return 1;
		/* nart_apply alone: a fresh table filled, then every VIF updated */
		apply_ins[r] = apply_pass(&w, n, 10, NART_INSERT) - mk;
		apply_upd[r] = apply_pass(&w, n, 11, NART_UPDATE) - mk;
		if (apply_ins[r] < 0 || apply_upd[r] < 0 ||
		    check(cnart_count(w.t.store.nart2) == n, "apply: every VIF in NART-2"))
			return 1;
		nart_store_clear(&w.t.store);
		/* the real receive path: new VIFs, updates, duplicates */
		seal_all(frames, n, NLARP_HERE, 20);
		rx_ins[r] = rx_pass(&w, frames, n);
		if (rx_ins[r] < 0 ||
		    check(cnart_count(w.t.store.nart2) == n && w.st.nlarp_rx[NLARP_HERE] == n,
			  "rx: every HERE applied"))
			return 1;
		seal_all(frames, n, NLARP_HERE, 21);
		rx_upd[r] = rx_pass(&w, frames, n);
		seal_all(frames, n, NLARP_HERE, 21); /* same version again: a duplicate */
		rx_dup[r] = rx_pass(&w, frames, n);
		if (rx_upd[r] < 0 || rx_dup[r] < 0 ||
		    check(w.st.nart_reason[NART_R_DUPLICATE] >= n, "rx: duplicates ignored"))
			return 1;
		/* WHERE for VIFs hosted elsewhere (no answer), then for ours (answered) */
		seal_all(frames, nw, NLARP_WHERE, 0);
		before = w.st.nlarp_tx[NLARP_HERE];
		where_miss[r] = rx_pass(&w, frames, nw);
		if (where_miss[r] < 0 || check(w.st.nlarp_tx[NLARP_HERE] == before,
					       "WHERE for other NAs' VIFs: no answer"))
			return 1;
		{
			const __u16 vlans[1] = {10};
			struct nl_vif v;

			/* a VLAN towards every asking switch (the VLAN table's rows) */
			for (int sw = 0; sw < 250; sw++) {
				__u8 mac[6] = {0x0e, 0, 0, 0, (__u8)(sw >> 8), (__u8)sw};
				int idx = cnart_switch_index(w.t.store.switches, mac);

				if (idx < 0 ||
				    cnart_switch_set_vlans(w.t.store.switches, idx, 1, vlans))
					return 1;
			}
			/* our VIF announced once, as at `vif add` */
			if (!na_local_vif_find(
				    &w.maps,
				    &(struct nl_vif_key){.tenant = LOCAL_TENANT,
							 .mac_as = 1,
							 .mac = {0x02, 0xaa, 0, 0, 0, 0x01}},
				    &v) ||
			    na_announce_vif(&w.res, &v, false))
				return 1;
			for (size_t i = 0; i < nw; i++) {
				struct nlarp_fields m;

				make_msg(i, NLARP_WHERE, 0, &m);
				m.tenant = LOCAL_TENANT;
				memcpy(m.mac, local_mac, 6);
				seal_frame(&m, frames + i * FRAME);
			}
		}
		before = w.st.nlarp_tx[NLARP_HERE];
		where_ans[r] = rx_pass(&w, frames, nw);
		if (where_ans[r] < 0 || check(w.st.nlarp_tx[NLARP_HERE] - before == nw,
					      "WHERE for our VIF: every one answered"))
			return 1;
		/* the tenant filter: HEREs of tenants we host no VIF of, dropped before MAC */
		na_tenant_filter_init(&w.filter, &w.maps);
		na_tenant_filter_refresh(&w.filter);
		w.io.filter = &w.filter;
		seal_all(frames, nw, NLARP_HERE, 30);
		before = w.st.nlarp_rx[NLARP_HERE];
		rx_filt[r] = rx_pass(&w, frames, nw);
		if (rx_filt[r] < 0 ||
		    check(w.st.nlarp_rx[NLARP_HERE] == before && w.filter.dropped >= nw,
			  "filtered HEREs: none reached the resolver"))
			return 1;
		/* ... and HEREs of the hosted tenant, which pass the filter */
		for (size_t i = 0; i < nw; i++) {
			struct nlarp_fields m;

			make_msg(i, NLARP_HERE, 40, &m);
			m.tenant = LOCAL_TENANT;
			seal_frame(&m, frames + i * FRAME);
		}
		rx_kept[r] = rx_pass(&w, frames, nw);
		if (rx_kept[r] < 0 || check(w.st.nlarp_rx[NLARP_HERE] == before + nw,
					    "hosted tenant's HEREs: all applied"))
			return 1;
		/*
		 * The filter in the kernel: 100 hosted tenants, foreign HEREs,
		 * whole cost per frame (send + kernel + agent) against a socket
		 * filter that drops every frame (the base: what a broadcast
		 * costs on its way in whatever the agent does with it).
		 */
		for (__u32 t = 1; t < 100; t++) {
			struct nl_vif v = {
				.tenant = 5000 + t, .mac_as = 1, .ifindex = LOCAL_IFINDEX + t};
			__u32 idx = v.ifindex;

			v.mac[0] = 0x02;
			v.mac[4] = (__u8)(t >> 8);
			v.mac[5] = (__u8)t;
			if (bpf_map_update_elem(w.maps.vifs, &idx, &v, BPF_ANY))
				return 1;
		}
		if (na_tenant_filter_refresh(&w.filter) ||
		    check(w.filter.n == 100, "100 hosted tenants"))
			return 1;
		seal_all(frames, nw, NLARP_HERE, 50);
		before = w.filter.dropped;
		tot_user[r] = send_pass(&w, frames, nw, true);
		if (tot_user[r] < 0 ||
		    check(w.filter.dropped - before == nw, "user-space filter: all dropped"))
			return 1;
		{
			struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
			struct sock_fprog all = {.len = 1, .filter = &drop};

			if (setsockopt(w.io.bcast_fd, SOL_SOCKET, SO_ATTACH_FILTER, &all,
				       sizeof(all)))
				return 1;
		}
		tot_base[r] = send_pass(&w, frames, nw, false);
		if (na_tenant_filter_socket(&w.filter, w.io.bcast_fd) ||
		    check(w.filter.in_kernel, "kernel filter installed"))
			return 1;
		before = w.filter.dropped;
		tot_kern[r] = send_pass(&w, frames, nw, false);
		if (tot_base[r] < 0 || tot_kern[r] < 0 ||
		    check(w.filter.dropped == before, "kernel filter: nothing reached the agent"))
			return 1;
		w.io.filter = NULL;
		kbytes =
			(double)cnart_map_bytes(w.t.store.nart1) + cnart_map_bytes(w.t.store.nart2);
		slots = (double)cnart_capacity(w.t.store.nart2);
		ubytes = 2.0 * slots * 8; /* the version side arrays (8 B per slot) */
		world_close(&w);
	}
	free(frames);
	nlarp_keyring_free(&kr);

	printf("bench-scale: NL-ARP costs on the production path, %zu VIFs (WHERE: %zu), "
	       "tables of the 1M-VIF geometry, thread CPU, median of %d runs\n",
	       n, nw, RUNS);
	printf("  %-62s %8s\n", "what (per message)", "ns");
	printf("  %-62s %8.0f\n", "nart_apply, HERE of a new VIF (NART-2 + NART-1 insert)",
	       median(apply_ins));
	printf("  %-62s %8.0f\n", "nart_apply, HERE with a newer version", median(apply_upd));
	printf("  %-62s %8.0f\n", "broadcast HERE received, new VIF (socket+HMAC+replay+apply)",
	       median(rx_ins));
	printf("  %-62s %8.0f\n", "broadcast HERE received, newer version", median(rx_upd));
	printf("  %-62s %8.0f\n", "broadcast HERE received, duplicate (ignored)", median(rx_dup));
	printf("  %-62s %8.0f\n", "WHERE for a VIF hosted elsewhere (no answer)",
	       median(where_miss));
	printf("  %-62s %8.0f\n", "WHERE answered (local lookup, unicast HERE sealed + sent)",
	       median(where_ans));
	printf("  %-62s %8.0f\n", "HERE of a tenant not hosted here, dropped by the filter",
	       median(rx_filt));
	printf("  %-62s %8.0f\n", "HERE of a hosted tenant, through the filter", median(rx_kept));
	printf("  whole cost per frame to the thread (send + kernel + agent), 100 hosted "
	       "tenants:\n");
	printf("  %-62s %8.0f\n", "  foreign HERE, socket filter dropping everything (base)",
	       median(tot_base));
	printf("  %-62s %8.0f\n", "  foreign HERE, tenant filter in the kernel", median(tot_kern));
	printf("  %-62s %8.0f\n", "  foreign HERE, tenant filter in the agent only",
	       median(tot_user));
	printf("  NART-1 + NART-2 kernel memory %.1f MiB, versions %.1f MiB, %.1f B per VIF "
	       "slot (both tables, versions included), %.1f B per VIF at load 0.9\n",
	       kbytes / 1048576, ubytes / 1048576, (kbytes + ubytes) / slots,
	       (kbytes + ubytes) / (slots * 0.9));
	printf("scale.apply_insert_ns=%.0f\n", apply_ins[RUNS / 2]);
	printf("scale.apply_update_ns=%.0f\n", apply_upd[RUNS / 2]);
	printf("scale.here_rx_insert_ns=%.0f\n", rx_ins[RUNS / 2]);
	printf("scale.here_rx_update_ns=%.0f\n", rx_upd[RUNS / 2]);
	printf("scale.here_rx_duplicate_ns=%.0f\n", rx_dup[RUNS / 2]);
	printf("scale.where_rx_other_ns=%.0f\n", where_miss[RUNS / 2]);
	printf("scale.where_answered_ns=%.0f\n", where_ans[RUNS / 2]);
	printf("scale.here_filtered_ns=%.0f\n", rx_filt[RUNS / 2]);
	printf("scale.here_rx_hosted_ns=%.0f\n", rx_kept[RUNS / 2]);
	printf("scale.here_filtered_kernel_ns=%.0f\n", tot_kern[RUNS / 2] - tot_base[RUNS / 2]);
	printf("scale.here_filtered_agent_ns=%.0f\n", tot_user[RUNS / 2] - tot_base[RUNS / 2]);
	printf("scale.nart_bytes_per_vif=%.1f\n", (kbytes + ubytes) / (slots * 0.9));
	printf("scale.nlarp_msg_bytes=%d\n", MSG);
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include "netlord.skel.h"
#include "harness.h"

struct world W;
static struct netlord_bpf *skel;

struct netlord_bpf *harness_skel(void)
{
	return skel;
}

int fd_map(const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, name);

	cr_assert_not_null(m, "no map %s", name);
	return bpf_map__fd(m);
}

int fd_vif_prog(void)
{
	return bpf_program__fd(skel->progs.nl_vif_ingress);
}

int fd_xdp_prog(void)
{
	return bpf_program__fd(skel->progs.nl_uplink_xdp);
}

int fd_rx_tc_prog(void)
{
	return bpf_program__fd(skel->progs.nl_uplink_rx_tc);
}

static void update(const char *map, const void *key, const void *val)
{
	int err = bpf_map_update_elem(fd_map(map), key, val, BPF_ANY);

	cr_assert_eq(err, 0, "update %s: %s", map, strerror(errno));
}

void cfg_update(void (*edit)(struct nl_config *cfg))
{
	struct nl_config cfg;
	__u32 zero = 0;

	cr_assert_eq(bpf_map_lookup_elem(fd_map("nl_config"), &zero, &cfg), 0);
	edit(&cfg);
	update("nl_config", &zero, &cfg);
}

void world_setup(int encap_mode, int tenant_bits)
{
	char err[256];

	cr_assert_eq(world_netns(&W, err, sizeof(err)), 0, "%s", err);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	skel = netlord_bpf__open_and_load();
	cr_assert_not_null(skel, "loading the datapath failed");
	cr_assert_eq(world_fill(skel->obj, &W, encap_mode, tenant_bits, err, sizeof(err)), 0, "%s",
		     err);
}

void world_setup_ip(void)
{
	world_setup(NL_ENCAP_IP, NL_TENANT_BITS_16);
}

void world_setup_udp(void)
{
	world_setup(NL_ENCAP_UDP, NL_TENANT_BITS_16);
}

void world_setup_gre(void)
{
	world_setup(NL_ENCAP_GRE, NL_TENANT_BITS_16);
}

void world_teardown(void)
{
	netlord_bpf__destroy(skel);
	skel = NULL;
}

static void run_tc_ctx(struct run *r, int prog_fd, int ifindex, const void *pkt, uint32_t len,
		       uint32_t gso)
{
	struct __sk_buff skb = {.ifindex = ifindex, .gso_size = gso, .gso_segs = gso ? 2 : 0};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .data_out = r->out,
		    .data_size_out = sizeof(r->out), .ctx_in = &skb, .ctx_size_in = sizeof(skb),
		    .repeat = 1);

	memset(r->out, 0, sizeof(r->out));
	r->ret = bpf_prog_test_run_opts(prog_fd, &o);
	cr_assert_eq(r->ret, 0, "test_run: %s", strerror(errno));
	r->retval = o.retval;
	r->out_len = o.data_size_out;
}

void run_rx_tc(struct run *r, const void *pkt, uint32_t len, uint32_t gso_size)
{
	run_tc_ctx(r, fd_rx_tc_prog(), W.ifindex_uplink, pkt, len, gso_size);
}

void run_tc(struct run *r, int ifindex, const void *pkt, uint32_t len)
{
	run_tc_ctx(r, fd_vif_prog(), ifindex, pkt, len, 0);
}

void run_tc_gso(struct run *r, int ifindex, const void *pkt, uint32_t len, uint32_t gso_size)
{
	run_tc_ctx(r, fd_vif_prog(), ifindex, pkt, len, gso_size);
}

void run_xdp(struct run *r, const void *pkt, uint32_t len)
{
	static uint8_t raw[sizeof(r->out) + sizeof(r->meta)];
	struct xdp_md ctx_in = {.data_end = len}, ctx_out = {};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .data_out = raw,
		    .data_size_out = sizeof(raw), .ctx_in = &ctx_in, .ctx_size_in = sizeof(ctx_in),
		    .ctx_out = &ctx_out, .ctx_size_out = sizeof(ctx_out), .repeat = 1);

	memset(r->out, 0, sizeof(r->out));
	memset(raw, 0, sizeof(raw));
	r->ret = bpf_prog_test_run_opts(fd_xdp_prog(), &o);
	cr_assert_eq(r->ret, 0, "test_run: %s", strerror(errno));
	r->retval = o.retval;
	/* with a context, the output starts with the metadata */
	r->meta_len = ctx_out.data - ctx_out.data_meta;
	cr_assert_leq(r->meta_len, sizeof(r->meta));
	cr_assert_geq(o.data_size_out, r->meta_len);
	memcpy(r->meta, raw, r->meta_len);
	r->out_len = o.data_size_out - r->meta_len;
	memcpy(r->out, raw + r->meta_len, r->out_len);
}

uint64_t counter(enum nl_counter c)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu], sum = 0;
	__u32 key = c;

	cr_assert_eq(bpf_map_lookup_elem(fd_map("nl_counters"), &key, vals), 0);
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

bool counters_all_zero_except(enum nl_counter except, enum nl_counter except2)
{
	for (int c = 0; c < NL_C_MAX; c++)
		if (c != (int)except && c != (int)except2 && counter(c))
			return false;
	return true;
}

struct nl_vif_stats vif_stats(int slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct nl_vif_stats vals[ncpu], sum = {};
	__u32 key = slot;

	cr_assert_eq(bpf_map_lookup_elem(fd_map("nl_vif_stats"), &key, vals), 0);
	for (int i = 0; i < ncpu; i++) {
		sum.rx_packets += vals[i].rx_packets;
		sum.rx_bytes += vals[i].rx_bytes;
		sum.tx_packets += vals[i].tx_packets;
		sum.tx_bytes += vals[i].tx_bytes;
	}
	return sum;
}

struct ev_sink {
	struct nl_event *evs;
	int max, n;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct ev_sink *s = ctx;

	cr_assert_eq(len, sizeof(struct nl_event));
	if (s->n < s->max)
		memcpy(&s->evs[s->n], data, sizeof(struct nl_event));
	s->n++;
	return 0;
}

int events_drain(struct nl_event *evs, int max)
{
	struct ev_sink sink = {.evs = evs, .max = max};
	struct ring_buffer *rb = ring_buffer__new(fd_map("nl_events"), on_event, &sink, NULL);

	cr_assert_not_null(rb);
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return sink.n;
}

/* ---- packets -------------------------------------------------------------------- */

uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

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

/* RFC 1071, the straightforward way */
uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += rd16(b + i);
	if (len & 1)
		sum += b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void pkt_bytes(struct pkt *p, const void *b, uint32_t len)
{
	cr_assert_leq(p->len + len, sizeof(p->b));
	memcpy(p->b + p->len, b, len);
	p->len += len;
}

void pkt_fill(struct pkt *p, uint8_t v, uint32_t len)
{
	cr_assert_leq(p->len + len, sizeof(p->b));
	memset(p->b + p->len, v, len);
	p->len += len;
}

void pkt_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint16_t proto)
{
	uint8_t h[14];

	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	put16(h + 12, proto);
	pkt_bytes(p, h, sizeof(h));
}

void pkt_vlan(struct pkt *p, uint16_t vid, uint16_t proto)
{
	uint8_t h[4];

	put16(h, vid);
	put16(h + 2, proto);
	pkt_bytes(p, h, sizeof(h));
}

void pkt_ipv4(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl,
	      uint16_t payload)
{
	uint8_t h[20] = {0x45, 0};

	put16(h + 2, 20 + payload);
	put16(h + 4, 0x1234);
	put16(h + 6, 0x4000);
	h[8] = ttl;
	h[9] = proto;
	put32(h + 12, src);
	put32(h + 16, dst);
	put16(h + 10, inet_csum(h, 20));
	pkt_bytes(p, h, sizeof(h));
}

void pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport, uint16_t payload)
{
	uint8_t h[8] = {0};

	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, 8 + payload);
	pkt_bytes(p, h, sizeof(h));
}

void pkt_arp_request(struct pkt *p, const uint8_t mac[6], uint32_t ip, uint32_t target)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t a[28] = {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01};

	memcpy(a + 8, mac, 6);
	put32(a + 14, ip);
	put32(a + 24, target);
	pkt_eth(p, bcast, mac, 0x0806);
	pkt_bytes(p, a, sizeof(a));
	pkt_fill(p, 0, 18); /* Ethernet minimum frame padding */
}

void pkt_vm_udp(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint32_t sip,
		uint32_t dip, uint16_t payload)
{
	pkt_eth(p, dst, src, 0x0800);
	pkt_ipv4(p, sip, dip, 17, 64, 8 + payload);
	pkt_udp(p, 40000, 5001, payload);
	for (uint16_t i = 0; i < payload; i++) {
		uint8_t b = (uint8_t)i;

		pkt_bytes(p, &b, 1);
	}
}

int pcap_write(const char *path, const struct run *frames, int n)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t zone;
		uint32_t sigfigs, snaplen, linktype;
	} gh = {0xa1b2c3d4, 2, 4, 0, 0, 65535, 1};
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fwrite(&gh, sizeof(gh), 1, f);
	for (int i = 0; i < n; i++) {
		uint32_t rh[4] = {1700000000 + i, 0, frames[i].out_len, frames[i].out_len};

		fwrite(rh, sizeof(rh), 1, f);
		fwrite(frames[i].out, frames[i].out_len, 1, f);
	}
	return fclose(f);
}

const char *hex(const void *p, size_t len)
{
	static char buf[4096];
	const uint8_t *b = p;
	size_t o = 0;

	for (size_t i = 0; i < len && o + 4 < sizeof(buf); i++)
		o += snprintf(buf + o, sizeof(buf) - o, "%02x%s", b[i],
			      (i % 16 == 15) ? "\n" : " ");
	return buf;
}

void pkt_netlord(struct pkt *p, int mode, uint32_t tenant, uint16_t mac_as, uint8_t port,
		 const struct pkt *inner)
{
	uint16_t l4 = mode == NL_ENCAP_IP ? 0 : 8;
	uint8_t ip[20] = {0x45, 0};
	uint8_t gre[8] = {0x20, 0x00, 0x65, 0x58, 0, 0, tenant >> 8, tenant & 0xff};

	pkt_eth(p, W_SERVER_MAC, W_S1, 0x0800);
	put16(ip + 2, 20 + l4 + inner->len);
	put16(ip + 4, 10); /* VLAN 10 */
	put16(ip + 6, 0x4000);
	ip[8] = 62;
	ip[9] = mode == NL_ENCAP_UDP ? 17 : mode == NL_ENCAP_GRE ? 47 : NL_IPPROTO_ETHERNET;
	put32(ip + 12, W_IP(10, mac_as, tenant >> 8, tenant & 0xff));
	put32(ip + 16, W_IP(10, port, tenant >> 8, tenant & 0xff));
	put16(ip + 10, inet_csum(ip, 20));
	pkt_bytes(p, ip, 20);
	if (mode == NL_ENCAP_UDP)
		pkt_udp(p, 51000, NL_UDP_PORT, inner->len);
	else if (mode == NL_ENCAP_GRE)
		pkt_bytes(p, gre, sizeof(gre));
	pkt_bytes(p, inner->b, inner->len);
}

void cfg_poison_on(struct nl_config *cfg)
{
	cfg->flags |= NL_CFG_F_TEST_POISON;
}

void check_a1_to_a2_outer(const uint8_t *outer, uint32_t outer_len)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 4);
	cr_assert_eq(in.len, 46);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(r.out_len, outer_len + 46, "len %u", r.out_len);
	cr_assert_arr_eq(r.out, outer, outer_len, "outer:\n%s", hex(r.out, outer_len));
	cr_assert_arr_eq(r.out + outer_len, in.b, in.len, "inner frame changed");
}

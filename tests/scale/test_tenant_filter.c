// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The per-tenant NL-ARP filter (user/agent/tenant_filter.c, docs/scale.md)
 * on real BPF maps of the local VIFs: the hosted set follows the VIFs, a
 * HERE / WHERE / NOT-HERE of another tenant is dropped and counted, the
 * hosted tenant's messages, PROBEs and malformed messages pass on to the
 * full check.  Needs root (BPF maps).
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>

#include "cnart.h"
#include "nart_maps.h"
#include "nart_store.h"
#include "nlarp_codec.h"
#include "tenant_filter.h"

static struct na_maps maps;

static void setup(void)
{
	maps.vifs = bpf_map_create(BPF_MAP_TYPE_HASH, "t_vifs", 4, sizeof(struct nl_vif),
				   NL_MAX_VIFS, NULL);
	cr_assert(maps.vifs >= 0, "BPF map (root?)");
}

static void teardown(void)
{
	close(maps.vifs);
}

static void add_vif(__u32 ifindex, __u32 tenant)
{
	struct nl_vif v = {.tenant = tenant, .mac_as = 1, .ifindex = ifindex};

	v.mac[0] = 0x02;
	v.mac[5] = (__u8)ifindex;
	cr_assert_eq(bpf_map_update_elem(maps.vifs, &ifindex, &v, BPF_ANY), 0);
}

static size_t msg(int op, __u32 tenant, __u8 *buf)
{
	struct nlarp_fields m = {.version = NLARP_VERSION,
				 .op = (__u8)op,
				 .tenant = tenant,
				 .mac_as = 1,
				 .port = 3,
				 .sender_port = 3,
				 .loc_version = 1};

	m.mac[0] = 0x02;
	m.mac[5] = 9;
	m.switch_mac[0] = m.sender_switch_mac[0] = 0x0e;
	if (op == NLARP_WHERE || op == NLARP_PROBE) {
		m.port = 0;
		memset(m.switch_mac, 0, 6);
		m.loc_version = 0;
	}
	if (op == NLARP_PROBE) {
		m.tenant = 0;
		m.mac_as = 10;
		memset(m.mac, 0, 6);
		m.port = 3;
		memcpy(m.switch_mac, m.sender_switch_mac, 6);
		m.loc_version = 77;
	}
	cr_assert_eq(nlarp_encode(&m, NL_TENANT_BITS_16, buf, NLARP_MSG_LEN), NLARP_E_OK,
		     "op %d encodes", op);
	return NLARP_AUTH_MSG_LEN; /* the trailer is not looked at */
}

TestSuite(tenant_filter, .init = setup, .fini = teardown);

Test(tenant_filter, hosted_set_follows_the_vifs)
{
	struct na_tenant_filter f;

	na_tenant_filter_init(&f, &maps);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	cr_assert_eq(f.n, 0);
	add_vif(10, 300);
	add_vif(11, 100);
	add_vif(12, 300);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	cr_assert_eq(f.n, 2, "two distinct tenants, got %zu", f.n);
	cr_assert(na_tenant_filter_hosts(&f, 100));
	cr_assert(na_tenant_filter_hosts(&f, 300));
	cr_assert_not(na_tenant_filter_hosts(&f, 200));
	cr_assert_eq(bpf_map_delete_elem(maps.vifs, &(__u32){11}), 0);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	cr_assert_not(na_tenant_filter_hosts(&f, 100), "tenant 100 left with its last VIF");
	cr_assert(na_tenant_filter_hosts(&f, 300));
	na_tenant_filter_free(&f);
}

Test(tenant_filter, drops_only_other_tenants_messages)
{
	struct na_tenant_filter f;
	__u8 buf[NLARP_AUTH_MSG_LEN] = {};
	size_t len;

	add_vif(10, 100);
	na_tenant_filter_init(&f, &maps);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	for (int op = NLARP_HERE; op <= NLARP_NOT_HERE; op++) {
		len = msg(op, 100, buf);
		cr_assert(na_tenant_filter_pass(&f, buf, len, NL_TENANT_BITS_16),
			  "op %d of the hosted tenant passes", op);
		len = msg(op, 200, buf);
		cr_assert_not(na_tenant_filter_pass(&f, buf, len, NL_TENANT_BITS_16),
			      "op %d of another tenant is dropped", op);
	}
	cr_assert_eq(f.dropped, 3);
	len = msg(NLARP_PROBE, 0, buf);
	cr_assert(na_tenant_filter_pass(&f, buf, len, NL_TENANT_BITS_16), "PROBE passes");
	/* malformed: the full check counts it, the filter does not hide it */
	len = msg(NLARP_HERE, 200, buf);
	buf[0] = 99; /* unknown version */
	cr_assert(na_tenant_filter_pass(&f, buf, len, NL_TENANT_BITS_16));
	cr_assert(na_tenant_filter_pass(&f, buf, 10, NL_TENANT_BITS_16), "short passes");
	cr_assert_eq(f.dropped, 3);
	na_tenant_filter_free(&f);
}

Test(tenant_filter, nothing_hosted_drops_every_tenant)
{
	struct na_tenant_filter f;
	__u8 buf[NLARP_AUTH_MSG_LEN] = {};
	size_t len = msg(NLARP_HERE, 100, buf);

	na_tenant_filter_init(&f, &maps);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	cr_assert_not(na_tenant_filter_pass(&f, buf, len, NL_TENANT_BITS_16));
	na_tenant_filter_free(&f);
}

/* a frame: Ethernet (optionally 802.1Q tagged) + message; its length */
static size_t frame(int op, __u32 tenant, bool tagged, __u8 *f)
{
	size_t off = tagged ? 18 : 14;

	memset(f, 0xff, 12);
	if (tagged) {
		f[12] = 0x81;
		f[13] = 0x00;
		f[14] = 0x0f;
		f[15] = 0xfe;
	}
	f[off - 2] = NL_ARP_ETHERTYPE >> 8;
	f[off - 1] = NL_ARP_ETHERTYPE & 0xff;
	return off + msg(op, tenant, f + off);
}

/* the classic BPF filter in the kernel: on a datagram socket pair, same program */
Test(tenant_filter, kernel_socket_filter_drops_only_other_tenants)
{
	struct na_tenant_filter f;
	__u8 buf[256], got[256];
	int sv[2];
	struct {
		int op;
		__u32 tenant;
		bool tagged;
		bool pass;
	} cases[] = {
		{NLARP_HERE, 100, false, true},	  {NLARP_HERE, 200, false, false},
		{NLARP_WHERE, 200, false, false}, {NLARP_NOT_HERE, 200, false, false},
		{NLARP_WHERE, 100, false, true},  {NLARP_PROBE, 0, false, true},
		{NLARP_HERE, 200, true, false},	  {NLARP_HERE, 100, true, true},
	};

	add_vif(10, 100);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv), 0);
	na_tenant_filter_init(&f, &maps);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	cr_assert_eq(na_tenant_filter_socket(&f, sv[1]), 0);
	cr_assert(f.in_kernel);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = frame(cases[i].op, cases[i].tenant, cases[i].tagged, buf);
		ssize_t n;

		cr_assert_eq(send(sv[0], buf, len, 0), (ssize_t)len);
		n = recv(sv[1], got, sizeof(got), 0);
		cr_assert_eq(n >= 0, cases[i].pass, "case %zu (op %d tenant %u%s): %s", i,
			     cases[i].op, cases[i].tenant, cases[i].tagged ? ", tagged" : "",
			     n >= 0 ? "passed" : "dropped");
	}
	/* too short to hold op and tenant: passes (the agent counts it) */
	cr_assert_eq(send(sv[0], buf, 20, 0), 20);
	cr_assert_eq(recv(sv[1], got, sizeof(got), 0), 20);
	/* tenant 200 arrives here: the refresh rebuilds the kernel filter */
	add_vif(11, 200);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	{
		size_t len = frame(NLARP_HERE, 200, false, buf);

		cr_assert_eq(send(sv[0], buf, len, 0), (ssize_t)len);
		cr_assert_eq(recv(sv[1], got, sizeof(got), 0), (ssize_t)len,
			     "tenant 200 passes once hosted");
	}
	na_tenant_filter_free(&f);
	close(sv[0]);
	close(sv[1]);
}

/* the tables keep only the hosted tenants' entries */
Test(tenant_filter, purge_deletes_only_other_tenants_entries)
{
	struct na_tenant_filter f;
	struct test_nart t;
	struct nart_loc loc = {.port = 4, .switch_mac = {0x0e, 0, 0, 0, 0, 1}};

	cr_assert_eq(test_nart_open(&t, 64, 16), 0, "NART arrays (root?)");
	for (__u32 tenant = 100; tenant <= 300; tenant += 100)
		for (__u8 i = 1; i <= 5; i++) {
			struct nl_vif_key k = {.tenant = tenant,
					       .mac_as = 1,
					       .mac = {0x02, 0, 0, 0, (__u8)tenant, i}};
			struct nl_nart1_key k1 = {.tenant = tenant, .ip = htonl(0x0a000000 | i)};
			struct nl_nart1_val v1 = {.mac_as = 1};

			memcpy(v1.mac, k.mac, 6);
			struct nl_ip6_key k6 = {.tenant = tenant,
						.ip6 = {0xfd, [14] = (__u8)tenant, [15] = i}};

			cr_assert_eq(nart_store_nart2_put(&t.store, &k, &loc, 1), 0);
			cr_assert_eq(nart_store_nart1_put(&t.store, &k1, &v1, 1), 0);
			cr_assert_eq(nart_store_nart1v6_put(&t.store, &k6, &v1, 1), 0);
		}
	add_vif(10, 100);
	add_vif(11, 300);
	na_tenant_filter_init(&f, &maps);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	cr_assert_eq(na_tenant_filter_purge(&f, &t.store), 15, "tenant 200's 5 + 5 + 5 entries");
	cr_assert_eq(cnart_count(t.store.nart1), 10);
	cr_assert_eq(cnart_count(t.store.nart2), 10);
	for (__u32 tenant = 100; tenant <= 300; tenant += 100)
		for (__u8 i = 1; i <= 5; i++) {
			struct nl_vif_key k = {.tenant = tenant,
					       .mac_as = 1,
					       .mac = {0x02, 0, 0, 0, (__u8)tenant, i}};
			struct nart_entry e;

			cr_assert_eq(nart_store_nart2_get(&t.store, &k, &e), tenant != 200,
				     "tenant %u entry %u", tenant, i);
		}
	/* tenant 300's last VIF leaves: the refresh says so, the purge follows */
	cr_assert_eq(bpf_map_delete_elem(maps.vifs, &(__u32){11}), 0);
	cr_assert_eq(na_tenant_filter_refresh(&f), 0);
	cr_assert(f.lost);
	cr_assert_eq(na_tenant_filter_purge(&f, &t.store), 15);
	cr_assert_eq(cnart_count(t.store.nart2), 5);
	{
		struct nl_ip6_key k6 = {.tenant = 100, .ip6 = {0xfd, [14] = 100, [15] = 1}}, n6;
		struct nl_nart1v6_val v6;
		int left = 0;

		cr_assert_eq(bpf_map_lookup_elem(t.nart1v6, &k6, &v6), 0, "tenant 100 kept (v6)");
		for (void *p = NULL; !bpf_map_get_next_key(t.nart1v6, p, &n6); p = &k6, k6 = n6)
			left++;
		cr_assert_eq(left, 5, "only tenant 100's IPv6 bindings left (%d)", left);
	}
	cr_assert_not(f.lost);
	na_tenant_filter_free(&f);
	test_nart_close(&t);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's flood groups (user/agent/flood.c; issue 11, tenant broadcast
 * within (tenant, MAC_AS), docs/wire-format.md section 3) on fresh BPF maps
 * and a production NART store (tests/lib/nart_maps.c): the members of a
 * MAC space on thousands of servers, as NART-2 places its VIFs, split into
 * the group entry and its chunk entries (include/netlord.h), each other
 * server exactly once, never this server, never another tenant's; the
 * bound NL_FLOOD_MAX_SERVERS marked as truncated; a shrinking MAC space
 * leaves no stale chunk behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>

#include "cnart.h"
#include "flood.h"
#include "local_vifs.h"
#include "nart_maps.h"

#define T_A 7
#define T_B 8

static struct test_nart t;
static struct na_maps m;
static struct na_location loc;
static struct na_flood f;
static const __u8 SELF_SW[6] = {0x02, 0x4e, 0x4c, 0x00, 0x00, 0xee};

static int hash_map(const char *name, __u32 ksz, __u32 vsz, __u32 n)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, name, ksz, vsz, n, NULL);

	cr_assert_geq(fd, 0, "bpf_map_create %s: %s (root?)", name, strerror(errno));
	return fd;
}

/* one local VIF of (T_A, MAC space 1), as vif add writes it */
static void setup(void)
{
	struct nl_vif v = {.tenant = T_A, .mac_as = 1, .ifindex = 1000, .slot = 3};
	struct nl_vif_key k = {.tenant = T_A, .mac_as = 1};
	struct nl_local_vif lv = {.ifindex = 1000, .slot = 3};
	__u32 idx = 1000;

	cr_assert_eq(test_nart_open(&t, 8192, 64), 0, "NART store");
	m.vifs = hash_map("t_vifs", 4, sizeof(struct nl_vif), 16);
	m.local_vifs = hash_map("t_local_vifs", sizeof(struct nl_vif_key),
				sizeof(struct nl_local_vif), 16);
	m.local_ips = hash_map("t_local_ips", sizeof(struct nl_local_ip_key), 4, 16);
	m.vif_ip6s = -1;
	m.local_ip6s = -1;
	m.flood_groups = hash_map("t_flood", sizeof(struct nl_flood_key),
				  sizeof(struct nl_flood_group), 2 * NL_MAX_VIFS);
	v.mac[0] = k.mac[0] = 0x52;
	v.mac[5] = k.mac[5] = 0x01;
	cr_assert_eq(bpf_map_update_elem(m.vifs, &idx, &v, BPF_NOEXIST), 0);
	cr_assert_eq(bpf_map_update_elem(m.local_vifs, &k, &lv, BPF_NOEXIST), 0);
	loc.ready = true;
	memcpy(loc.switch_mac, SELF_SW, 6);
	loc.port = 1;
	cr_assert_gt(cnart_switch_index(t.store.switches, SELF_SW), 0);
	f.maps = &m;
	f.tables = &t.store;
	f.loc = &loc;
}

static void teardown(void)
{
	close(m.vifs);
	close(m.local_vifs);
	close(m.local_ips);
	close(m.flood_groups);
	test_nart_close(&t);
}

/* server @i: switch 02:4e:4c:00:01:<i / 200>, port 1 + i % 200 */
static void server_of(int i, __u8 sw[6], __u16 *port)
{
	const __u8 base[6] = {0x02, 0x4e, 0x4c, 0x00, 0x01, 0x00};

	memcpy(sw, base, 6);
	sw[5] = (__u8)(i / 200);
	*port = (__u16)(1 + i % 200);
}

/* a VIF (number @n) of (@tenant, MAC space 1) on server @i, in NART-2 */
static void nart2_vif(__u32 tenant, int i, int n)
{
	struct nart2_slot s = {.tenant = tenant, .mac_as = 1};
	__u8 sw[6];
	int idx;

	server_of(i, sw, &s.port);
	idx = cnart_switch_index(t.store.switches, sw);
	cr_assert_gt(idx, 0, "switch index for server %d", i);
	s.switch_idx = (__u16)idx;
	s.mac[0] = 0x52;
	s.mac[2] = (__u8)(n >> 16);
	s.mac[3] = (__u8)(n >> 8);
	s.mac[4] = (__u8)n;
	s.mac[5] = (__u8)(tenant == T_A ? 0x0a : 0x0b);
	cr_assert_geq(cnart2_put(t.store.nart2, &s, 1), 0, "NART-2 put %d", n);
}

static void nart2_del(__u32 tenant, int n)
{
	struct nl_vif_key k = {.tenant = tenant, .mac_as = 1};

	k.mac[0] = 0x52;
	k.mac[2] = (__u8)(n >> 16);
	k.mac[3] = (__u8)(n >> 8);
	k.mac[4] = (__u8)n;
	k.mac[5] = (__u8)(tenant == T_A ? 0x0a : 0x0b);
	cr_assert(cnart2_del(t.store.nart2, &k), "NART-2 del %d", n);
}

static bool entry(__u16 chunk, struct nl_flood_group *g)
{
	struct nl_flood_key k = {.tenant = T_A, .mac_as = 1, .chunk = chunk};

	return !bpf_map_lookup_elem(m.flood_groups, &k, g);
}

/*
 * The remote servers the group and its chunk entries list: @n in all,
 * each of servers 0..@n-1 once (bitmap @seen), none other.
 */
static void expect_servers(int n, bool truncated)
{
	static struct nl_flood_group g, c;
	static bool seen[6000];
	int chunks = (n + NL_FLOOD_CHUNK - 1) / NL_FLOOD_CHUNK, got = 0;

	memset(seen, 0, sizeof(seen));
	cr_assert(entry(0, &g), "the group");
	cr_assert_eq(g.n_local, 1);
	cr_assert_eq(g.local[0].ifindex, 1000);
	cr_assert_eq(g.n_remote, (__u32)n, "remote servers %u, want %d", g.n_remote, n);
	cr_assert_eq(!!(g.flags & NL_FLOOD_F_TRUNCATED), truncated, "flags %#x", g.flags);
	for (int k = 0; k < chunks; k++) {
		const struct nl_flood_group *e = &g;
		int in = n - k * NL_FLOOD_CHUNK < NL_FLOOD_CHUNK ? n - k * NL_FLOOD_CHUNK
								 : NL_FLOOD_CHUNK;

		if (k) {
			cr_assert(entry((__u16)k, &c), "chunk %d missing", k);
			cr_assert_eq(c.n_local, 0);
			cr_assert_eq(c.n_remote, (__u32)in, "chunk %d holds %u", k, c.n_remote);
			e = &c;
		}
		for (int j = 0; j < in; j++) {
			const struct nl_flood_remote *r = &e->remote[j];
			struct nart_switch sw;
			__u32 idx = r->switch_idx;
			int i;

			cr_assert_eq(bpf_map_lookup_elem(t.fds.switches, &idx, &sw), 0);
			cr_assert_eq(memcmp(sw.mac, SELF_SW, 6) == 0, false, "this server listed");
			i = sw.mac[5] * 200 + r->port - 1;
			cr_assert(i >= 0 && i < 6000 && !seen[i], "server %d twice or bogus", i);
			seen[i] = true;
			got++;
		}
	}
	cr_assert_eq(got, n);
	cr_assert(!entry((__u16)(chunks ? chunks : 1), &c), "a stale chunk %d", chunks);
}

/* 600 servers (two VIFs on some, this server and another tenant too): 3 entries */
Test(flood_groups, chunks_each_server_once, .init = setup, .fini = teardown)
{
	struct nart2_slot self = {.tenant = T_A, .mac_as = 1, .port = 1};

	for (int i = 0; i < 600; i++)
		nart2_vif(T_A, i, i);
	for (int i = 0; i < 100; i++)
		nart2_vif(T_A, i * 3, 10000 + i); /* a second VIF there */
	for (int i = 0; i < 700; i++)
		nart2_vif(T_B, i, 20000 + i); /* tenant B on more servers: not ours */
	self.switch_idx = (__u16)cnart_switch_index(t.store.switches, SELF_SW);
	self.mac[0] = 0x52;
	self.mac[5] = 0x01;
	cr_assert_geq(cnart2_put(t.store.nart2, &self, 1), 0);
	cr_assert_eq(na_flood_build(&f), 0);
	expect_servers(600, false);
	cr_assert_eq(f.groups, 1);
	cr_assert_eq(f.remotes, 600);
	cr_assert_eq(f.truncated, 0);
}

/* more than NL_FLOOD_MAX_SERVERS: the first 4,096, truncated; shrinking removes chunks */
Test(flood_groups, bound_then_shrink, .init = setup, .fini = teardown)
{
	for (int i = 0; i < NL_FLOOD_MAX_SERVERS + 200; i++)
		nart2_vif(T_A, i, i);
	cr_assert_eq(na_flood_build(&f), 0);
	expect_servers(NL_FLOOD_MAX_SERVERS, true);
	cr_assert_eq(f.truncated, 1);
	for (int i = 300; i < NL_FLOOD_MAX_SERVERS + 200; i++)
		nart2_del(T_A, i);
	cr_assert_eq(na_flood_build(&f), 0);
	expect_servers(300, false);
	/* alone again: no remote server, no chunk */
	for (int i = 0; i < 300; i++)
		nart2_del(T_A, i);
	cr_assert_eq(na_flood_build(&f), 0);
	expect_servers(0, false);
}

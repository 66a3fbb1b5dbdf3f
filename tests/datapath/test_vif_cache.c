// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The VIF cache (map nl_vif_cache beside nl_vifs, include/netlord.h): the VIF
 * program takes a cache slot only when it holds the sending ifindex, and
 * falls back to the hash map otherwise (patent Fig. 7: the sending VIF and
 * its tenant).
 */
#include <arpa/inet.h>
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

static void setup(void)
{
	static const __u16 vlans[] = {10};

	world_setup_ip();
	cr_assert_eq(world_vlans_set(W_S2, 1, vlans), 0);
}

static void slot_set(int ifindex, const struct nl_vif *v)
{
	__u32 slot = ifindex & (NL_VIF_CACHE_SLOTS - 1);

	cr_assert_eq(bpf_map_update_elem(fd_map("nl_vif_cache"), &slot, v, BPF_ANY), 0);
}

static void send_a1(struct run *r)
{
	struct pkt in = {};

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 8);
	run_tc(r, W.ifindex_a1, in.b, in.len);
}

/* the world fills a1's slot: it is what the program uses */
Test(vif_cache, slot_holds_the_vif, .init = setup, .fini = world_teardown)
{
	__u32 slot = W.ifindex_a1 & (NL_VIF_CACHE_SLOTS - 1);
	struct nl_vif v;
	struct run r;

	cr_assert_eq(bpf_map_lookup_elem(fd_map("nl_vif_cache"), &slot, &v), 0);
	cr_assert_eq(v.ifindex, (__u32)W.ifindex_a1);
	send_a1(&r);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(rd32(r.out + 14 + 16), W_IP(10, 7, 0x0c, 0x19), "tenant A -> a2 at port 7");
}

/* a slot that holds another VIF (same low bits) is not taken: a1 by hash, tenant A */
Test(vif_cache, other_vif_in_slot_falls_back_to_hash, .init = setup, .fini = world_teardown)
{
	struct nl_vif other = {
		.tenant = W_TENANT_B, .mac_as = 1, .ifindex = W.ifindex_a1 + NL_VIF_CACHE_SLOTS};
	struct run r;

	memcpy(other.mac, W_MAC_1, 6);
	other.ip = htonl(W_IP_1);
	slot_set(W.ifindex_a1, &other);
	send_a1(&r);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT);
	cr_assert_eq(rd32(r.out + 14 + 16), W_IP(10, 7, 0x0c, 0x19),
		     "the other VIF's tenant B was used: %08x", rd32(r.out + 30));
}

/* an empty slot and no hash entry: an interface that is not a VIF */
Test(vif_cache, empty_slot_and_no_vif_is_unknown, .init = setup, .fini = world_teardown)
{
	struct nl_vif empty = {};
	__u32 idx = W.ifindex_a1;
	struct run r;

	slot_set(W.ifindex_a1, &empty);
	cr_assert_eq(bpf_map_delete_elem(fd_map("nl_vifs"), &idx), 0);
	send_a1(&r);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_UNKNOWN_VIF), 1);
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * "The world": a small data center the datapath tests and benchmarks load
 * into the maps.  No test framework here, so tests and benches share it.
 */
#ifndef NL_TEST_WORLD_H
#define NL_TEST_WORLD_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "netlord.h"

struct bpf_object;

/* ---- the world ------------------------------------------------------------
 * This server sits on port 3 of edge switch S1.  S2 is another edge switch.
 * Tenants A and B reuse each other's MAC and IP addresses on purpose.
 */
#define W_PORT 3
extern const uint8_t W_S1[6], W_S2[6], W_SERVER_MAC[6], W_ROUTER_MAC[6];
extern const uint8_t W_MAC_1[6], W_MAC_2[6], W_MAC_3[6], W_MAC_4[6], W_MAC_5[6];
#define W_TENANT_A	 0x0c19 /* 12.25 */
#define W_TENANT_B	 0x0d07 /* 13.7 */
#define W_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
/* subnet 1: 192.168.1.0/24 (MAC_AS 1), subnet 2: 192.168.2.0/24 (MAC_AS 2) */
#define W_IP_1	     W_IP(192, 168, 1, 10) /* local VIF a1 (tenant A) and b1 (tenant B) */
#define W_IP_2	     W_IP(192, 168, 1, 20) /* remote a2 at S2 port 7, b2 at S2 port 8 */
#define W_IP_3	     W_IP(192, 168, 2, 30) /* remote a3 at S2 port 9 (other subnet) */
#define W_IP_4	     W_IP(192, 168, 1, 40) /* remote a4 at S1 port 5 (same switch) */
#define W_IP_5	     W_IP(192, 168, 1, 50) /* local a5, same server as a1 */
#define W_ROUTER_1   W_IP(192, 168, 1, 1)
#define W_ROUTER_2   W_IP(192, 168, 2, 1)
#define W_VLANS_S2_0 10
#define W_VLANS_S2_1 11

/* a1 takes XDP_REDIRECT frames; b1, a5 and l2 are reached through XDP_PASS + tc */
struct world {
	int ifindex_a1, ifindex_b1, ifindex_a5, ifindex_l2, ifindex_uplink;
	int slot_a1, slot_b1, slot_a5, slot_l2;
};
extern struct world W;

/*
 * Enters a new network namespace and creates the world's interfaces:
 * veths a1, b1, a5, l2 (VIFs) and uplink.  Returns 0 or -1 with @err set.
 */
int world_netns(struct world *w, char *err, size_t errlen);
/*
 * Fills the maps of a loaded datapath object; 0 or -1 with @err set.  The
 * NARTs and the switch array are written through the agent's writer
 * (user/lib/cnart.c), mapped until the next world_fill().
 */
int world_fill(struct bpf_object *obj, const struct world *w, int encap_mode, int tenant_bits,
	       char *err, size_t errlen);
/* Entries of the last filled object's NART-1 / NART-2 (ip in host order); 0 or < 0 */
int world_nart1_set(__u32 tenant, uint32_t ip, const uint8_t mac[6], __u16 mac_as);
int world_nart2_set(__u32 tenant, __u16 mac_as, const uint8_t mac[6], const uint8_t sw[6],
		    __u16 port);
/* NART-1's entry for (@tenant, @ip) removed, as a withdrawn VIF's is; 0 or -ENOENT */
int world_nart1_del(__u32 tenant, uint32_t ip);
/* The switch array index of switch @sw (assigned on first use); > 0 or < 0 */
int world_switch_idx(const uint8_t sw[6]);
/* The VLAN table row towards switch @sw (n = 0: no row) */
int world_vlans_set(const uint8_t sw[6], int n, const __u16 *vlans);

#endif

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A gateway or appliance VIF (`vif add --no-source-check`,
 * NL_VIF_F_NO_SRC_CHECK): a VM that forwards for other addresses, e.g. a
 * gateway of the public tenant (patent [0053]) relaying the outside world's
 * packets into the data center.  Its IPv4 and IPv6 sources are not checked;
 * its source MAC is, an L2-only VIF still sends no IPv4, and :: still only
 * asks (DAD).  Without the flag the same frames are dropped as spoofed.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

#define OUTSIDE_IP  W_IP(198, 51, 100, 10)
#define A1_IP6	    "2001:db8:1::10"
#define A2_IP6	    "2001:db8:1::20"
#define OUTSIDE_IP6 "2001:db8:100::10"
#define MAC1	    "52:54:00:aa:00:01"
#define MAC2	    "52:54:00:aa:00:02"

/* sets or clears the flag on VIF @ifindex, in the hash map and its cache slot */
static void vif_flag(int ifindex, bool on)
{
	uint32_t idx = (uint32_t)ifindex, slot = idx & (NL_VIF_CACHE_SLOTS - 1);
	struct nl_vif v;

	cr_assert_eq(bpf_map_lookup_elem(fd_map("nl_vifs"), &idx, &v), 0);
	v.flags = on ? v.flags | NL_VIF_F_NO_SRC_CHECK : v.flags & ~NL_VIF_F_NO_SRC_CHECK;
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_vifs"), &idx, &v, BPF_ANY), 0);
	struct nl_vif c;

	if (!bpf_map_lookup_elem(fd_map("nl_vif_cache"), &slot, &c) && c.ifindex == idx)
		cr_assert_eq(bpf_map_update_elem(fd_map("nl_vif_cache"), &slot, &v, BPF_ANY), 0);
}

static void setup(void)
{
	static const __u16 vlans[] = {W_VLANS_S2_0};

	world_setup_ip();
	cr_assert_eq(world_vlans_set(W_S2, 1, vlans), 0);
}

Test(no_src_check, foreign_ipv4_source_dropped_without_the_flag, .init = setup,
     .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_MAC_5, W_MAC_1, OUTSIDE_IP, W_IP_5, 16);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 1);
}

/* the gateway relays the outside host's packet to a public VM on this server */
Test(no_src_check, foreign_ipv4_source_forwarded_with_the_flag, .init = setup,
     .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	vif_flag(W.ifindex_a1, true);
	pkt_vm_udp(&in, W_MAC_5, W_MAC_1, OUTSIDE_IP, W_IP_5, 16);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "retval %u", r.retval);
	cr_assert_arr_eq(r.out, in.b, in.len, "delivered unchanged");
	cr_assert_eq(counter(NL_C_TX_LOCAL_DELIVERED), 1);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 0);
	/* and across the fabric */
	in.len = 0;
	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, OUTSIDE_IP, W_IP_2, 16);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "remote: retval %u", r.retval);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 1);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 0);
}

Test(no_src_check, source_mac_still_checked, .init = setup, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	vif_flag(W.ifindex_a1, true);
	pkt_vm_udp(&in, W_MAC_5, W_MAC_2, OUTSIDE_IP, W_IP_5, 16);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_MAC), 1);
}

Test(no_src_check, l2_only_vif_still_sends_no_ipv4, .init = setup, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	vif_flag(W.ifindex_l2, true);
	pkt_vm_udp(&in, W_MAC_2, W_MAC_4, OUTSIDE_IP, W_IP_2, 16);
	run_tc(&r, W.ifindex_l2, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 1);
}

/* ---- IPv6: frames built by scapy (tests/datapath/ndp_expected.py) ----------------------- */

static void ip6(const char *s, uint8_t *out)
{
	cr_assert_eq(inet_pton(AF_INET6, s, out), 1, "%s", s);
}

static void scapy(struct pkt *p, const char *args)
{
	static char cmd[512], line[2 * sizeof(p->b) + 16];
	char *c;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/datapath/ndp_expected.py %s", args);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f), "ndp_expected.py printed nothing");
	cr_assert_eq(pclose(f), 0, "ndp_expected.py failed (python3-scapy installed?)");
	p->len = 0;
	for (c = line; c[0] && c[1] && c[0] != '\n'; c += 2)
		sscanf(c, "%2hhx", &p->b[p->len++]);
}

/* a1 owns A1_IP6; A2_IP6 is a2 (remote) in NART-1 for IPv6 */
static void setup6(void)
{
	struct nl_vif_ip6 v6 = {.count = 1, .prefix_len = {64}};
	struct nl_ip6_key k = {.tenant = W_TENANT_A};
	struct nl_nart1v6_val n = {.mac_as = 1, .version = 1};
	uint32_t idx;

	setup();
	idx = (uint32_t)W.ifindex_a1;
	ip6(A1_IP6, v6.addr[0]);
	memcpy(k.ip6, v6.addr[0], 16);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_vif_ip6s"), &idx, &v6, BPF_ANY), 0);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_local_ip6s"), &k, &idx, BPF_ANY), 0);
	ip6(A2_IP6, k.ip6);
	memcpy(n.mac, W_MAC_2, 6);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_nart1v6"), &k, &n, BPF_ANY), 0);
}

Test(no_src_check, ipv6_foreign_source_needs_the_flag, .init = setup6, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	scapy(&in, "udp " MAC1 " " MAC2 " " OUTSIDE_IP6 " " A2_IP6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT, "without the flag");
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP6), 1);
	vif_flag(W.ifindex_a1, true);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_REDIRECT, "with the flag: retval %u", r.retval);
	cr_assert_eq(counter(NL_C_TX_ENCAPSULATED), 1);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP6), 1, "no new spoof drop");
}

/* :: may only ask (DAD), with the flag too */
Test(no_src_check, ipv6_unspecified_source_still_dropped, .init = setup6, .fini = world_teardown)
{
	struct pkt in;
	struct run r;

	vif_flag(W.ifindex_a1, true);
	scapy(&in, "udp " MAC1 " " MAC2 " :: " A2_IP6);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP6), 1);
}

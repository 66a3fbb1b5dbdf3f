// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Network -> VM: validation, decapsulation and delivery on the uplink. */
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

static void inner_a2_to_a1(struct pkt *inner)
{
	pkt_vm_udp(inner, W_MAC_1, W_MAC_2, W_IP_2, W_IP_1, 32);
}

Test(receive, ip_mode_xdp_redirect_to_vif, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct nl_vif_stats s;
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_REDIRECT);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	s = vif_stats(W.slot_a1);
	cr_assert_eq(s.rx_packets, 1);
	cr_assert_eq(s.rx_bytes, inner.len);
	cr_assert_eq(vif_stats(W.slot_b1).rx_packets, 0);
	cr_assert_eq(counter(NL_C_RX_DELIVERED), 1);
	cr_assert(counters_all_zero_except(NL_C_RX_DELIVERED, NL_C_MAX));
}

/* b1 cannot take XDP frames: pass with the target VIF in the metadata */
Test(receive, udp_mode_pass_with_metadata, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt inner = {}, in = {};
	struct nl_xdp_meta meta;
	struct run r;

	inner_a2_to_a1(&inner);
	pkt_netlord(&in, NL_ENCAP_UDP, W_TENANT_B, 1, W_PORT, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_PASS);
	cr_assert_eq(r.out_len, inner.len);
	cr_assert_arr_eq(r.out, inner.b, inner.len);
	cr_assert_eq(r.meta_len, sizeof(meta));
	memcpy(&meta, r.meta, sizeof(meta));
	cr_assert_eq(meta.magic, NL_XDP_META_MAGIC);
	cr_assert_eq(meta.ifindex, (uint32_t)W.ifindex_b1, "delivered to the wrong VIF");
	cr_assert_eq(vif_stats(W.slot_b1).rx_packets, 1);
	cr_assert_eq(vif_stats(W.slot_a1).rx_packets, 0);
}

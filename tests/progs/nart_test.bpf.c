// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Test object for the compact NART (bpf/lib/nart.h, docs/nart.md; the NARTs
 * of patent [0029]-[0031]), not part of the datapath: the packet
 * is a struct nart_test_msg naming a table and a key; the program looks the
 * key up and writes the result back into the packet.  The same request can
 * go to kernel hash maps with the datapath's types (the NARTs of today), so
 * the benchmark compares both in one run.  A tc and an XDP program, to prove
 * the helpers pass the verifier in both.
 */
#include "lib/common.h"
#include "lib/nart.h"
#include "nart_test.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* today's NARTs and VLAN table, same types and flags as bpf/lib/maps.h */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_NART1_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nl_nart1_key);
	__type(value, struct nl_nart1_val);
} ref_nart1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_NART2_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nl_vif_key);
	__type(value, struct nl_nart2_val);
} ref_nart2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NL_MAX_SWITCHES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nl_switch_key);
	__type(value, struct nl_vlan_set);
} ref_vlan SEC(".maps");

/* geometry of both tables (the datapath has it in struct nl_config) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nart_meta);
} nl_nart_meta SEC(".maps");

static __always_inline struct nart_meta *nart_meta_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&nl_nart_meta, &zero);
}

/* NART_OP_BENCH_KEYS: every run takes the next key index modulo bench_n */
__u32 bench_next = 0;
__u32 bench_n = 1;
__u32 bench_hits = 0;

/* NART_OP_CHECK counters (the concurrency test) */
__u64 chk_found = 0;
__u64 chk_absent = 0;
__u64 chk_unstable = 0;
__u64 chk_wrong = 0;

static __always_inline void count_check(int rc, int ok)
{
	if (rc == NART_FOUND && ok)
		chk_found++;
	else if (rc == NART_FOUND)
		chk_wrong++;
	else if (rc == NART_ABSENT)
		chk_absent++;
	else
		chk_unstable++;
}

/* Looks the key up and checks the value is one the test writer wrote. */
static __always_inline int do_check(__u32 op, __u32 *k)
{
	struct nart_meta *m = nart_meta_get();
	__u32 v[2] = {};
	int rc;

	if (!m)
		return NART_ABSENT;
	if (op == NART_OP_FIND1) {
		k[2] = 0;
		rc = nart_find(&nl_nart1, &m->t1, k, NART1_KEY_WORDS, v);
		count_check(rc, nart_test_value_ok(k, NART1_KEY_WORDS, v));
	} else {
		rc = nart_find(&nl_nart2, &m->t2, k, NART2_KEY_WORDS, v);
		count_check(rc, nart_test_value_ok(k, NART2_KEY_WORDS, v));
	}
	return rc;
}

static __always_inline int do_find2(struct nart_test_msg *msg, const __u32 *k)
{
	struct nl_vif_key key;
	struct nart2_slot s;
	struct nart_meta *m = nart_meta_get();
	struct nart_switch sw;
	int rc;

	if (!m)
		return NART_ABSENT;
	__builtin_memcpy(&key, k, sizeof(key));
	rc = nl_nart2_find(&m->t2, &key, &s);
	if (rc != NART_FOUND)
		return rc;
	msg->val[1] = (__u32)s.switch_idx | (__u32)s.port << 16;
	rc = nl_switch_get(s.switch_idx, &sw);
	if (rc == NART_FOUND) {
		__builtin_memcpy(msg->switch_mac, sw.mac, 6);
		msg->vlan_count = sw.count;
		__builtin_memcpy(msg->vlans, sw.vlans, sizeof(msg->vlans));
	}
	/* a location whose switch cannot be read is no location */
	return rc;
}

static __always_inline int do_hash2(struct nart_test_msg *msg, const __u32 *k)
{
	struct nl_switch_key swk = {};
	struct nl_nart2_val *loc;
	struct nl_vlan_set *vs;
	struct nl_vif_key key;

	__builtin_memcpy(&key, k, sizeof(key));
	loc = bpf_map_lookup_elem(&ref_nart2, &key);
	if (!loc)
		return NART_ABSENT;
	msg->val[1] = loc->port << 16;
	__builtin_memcpy(swk.mac, loc->switch_mac, 6);
	vs = bpf_map_lookup_elem(&ref_vlan, &swk);
	if (!vs)
		return NART_ABSENT;
	__builtin_memcpy(msg->switch_mac, loc->switch_mac, 6);
	msg->vlan_count = vs->count;
	__builtin_memcpy(msg->vlans, vs->vlans, sizeof(msg->vlans));
	return NART_FOUND;
}

static __always_inline void nart_test(struct nart_test_msg *msg)
{
	__u32 op = msg->op, k[3];
	int rc = NART_ABSENT;

	k[0] = msg->key[0];
	k[1] = msg->key[1];
	k[2] = msg->key[2];
	if (op & NART_OP_BENCH_KEYS) {
		__u32 i = bench_next++;

		if (bench_n)
			i %= bench_n;
		op &= ~NART_OP_BENCH_KEYS;
		if ((op & ~NART_OP_CHECK) == NART_OP_FIND1 || op == NART_OP_HASH1)
			nart_bench_key1(i, k);
		else
			nart_bench_key2(i, k);
	}

	if (op & NART_OP_CHECK) {
		msg->rc = do_check(op & ~NART_OP_CHECK, k);
		return;
	}
	switch (op) {
	case NART_OP_FIND1: {
		struct nl_nart1_key key = {.tenant = k[0], .ip = k[1]};
		struct nart_meta *m = nart_meta_get();
		struct nart1_slot s;

		if (!m)
			break;
		rc = nl_nart1_find(&m->t1, &key, &s);
		if (rc == NART_FOUND)
			__builtin_memcpy(msg->val, s.mac, 8);
		break;
	}
	case NART_OP_FIND2:
		rc = do_find2(msg, k);
		break;
	case NART_OP_HASH1: {
		struct nl_nart1_key key = {.tenant = k[0], .ip = k[1]};
		struct nl_nart1_val *v = bpf_map_lookup_elem(&ref_nart1, &key);

		if (v) {
			__builtin_memcpy(msg->val, v, 8);
			rc = NART_FOUND;
		}
		break;
	}
	case NART_OP_HASH2:
		rc = do_hash2(msg, k);
		break;
	default:
		/* baseline: the key is built, nothing is looked up */
		rc = k[0] == 0xffffffff;
		break;
	}
	if (rc == NART_FOUND)
		bench_hits++;
	msg->rc = rc;
	msg->bench_hits = bench_hits;
}

SEC("tc")
int nart_test_tc(struct __sk_buff *skb)
{
	void *data_end = nl_skb_data_end(skb);
	struct nart_test_msg *msg = nl_skb_data(skb);

	if (!nl_fits(msg, data_end))
		return TC_ACT_SHOT;
	nart_test(msg);
	return TC_ACT_OK;
}

SEC("xdp")
int nart_test_xdp(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct nart_test_msg *msg = (void *)(long)ctx->data;

	if (!nl_fits(msg, data_end))
		return XDP_DROP;
	nart_test(msg);
	return XDP_PASS;
}

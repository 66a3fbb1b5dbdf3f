// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The compact NART readers with full barriers (the arm64 build of
 * bpf/lib/nart.h, include/nart_table.h "Memory ordering"), on this
 * machine: every test of test_nart_table.c, concurrency included, runs
 * against tests/progs/nart_test_fence.bpf.c, and the barriers are checked
 * to be BPF atomic fetch instructions (a plain atomic would order nothing
 * on arm64) while the x86-64 build has none.  NARTs: patent [0029]-[0031].
 */
#include <linux/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>

#include "progs/nart_test.skel.h"
#include "progs/nart_test_fence.skel.h"

/* BPF_STX | BPF_ATOMIC | BPF_DW with BPF_FETCH in imm: a fully ordered atomic */
static int fetch_atomics(const struct bpf_program *p)
{
	const struct bpf_insn *in = bpf_program__insns(p);
	size_t n = bpf_program__insn_cnt(p);
	int count = 0;

	for (size_t i = 0; i < n; i++)
		if (in[i].code == (BPF_STX | BPF_ATOMIC | BPF_DW) && (in[i].imm & BPF_FETCH))
			count++;
	return count;
}

Test(nart_fence, readers_use_fetch_atomics)
{
	struct nart_test_fence_bpf *f = nart_test_fence_bpf__open();
	struct nart_test_bpf *d = nart_test_bpf__open();

	cr_assert_not_null(f);
	cr_assert_not_null(d);
	/* nart_find: 2 per bucket pair scan + 1 before the re-reads, at least */
	cr_assert_geq(fetch_atomics(f->progs.nart_test_tc), 3, "fence build has %d fetch atomics",
		      fetch_atomics(f->progs.nart_test_tc));
	cr_assert_geq(fetch_atomics(f->progs.nart_test_xdp), 3);
#ifdef __x86_64__
	/* on x86-64 (TSO) the default build keeps compiler barriers: no cost */
	cr_assert_eq(fetch_atomics(d->progs.nart_test_tc), 0);
#else
	cr_assert_geq(fetch_atomics(d->progs.nart_test_tc), 3, "non-x86 build without barriers");
#endif
	nart_test_bpf__destroy(d);
	nart_test_fence_bpf__destroy(f);
}

/* the whole NART suite again, on the fence build */
#define nart_test_bpf	       nart_test_fence_bpf
#define nart_test_bpf__open    nart_test_fence_bpf__open
#define nart_test_bpf__load    nart_test_fence_bpf__load
#define nart_test_bpf__destroy nart_test_fence_bpf__destroy
#include "test_nart_table.c"

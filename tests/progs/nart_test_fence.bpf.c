// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The NART test object (nart_test.bpf.c) built with the readers' full
 * barriers (bpf/lib/nart.h, NART_FULL_BARRIER; -mcpu=v3 in mk/nart.mk):
 * the code arm64 and every non-x86 build runs, loaded and exercised on
 * this machine by tests/nart/test_nart_fence.c.  The compact NARTs of
 * patent [0029]-[0031]; plumbing otherwise.
 */
#define NART_FULL_BARRIER 1
#include "nart_test.bpf.c"

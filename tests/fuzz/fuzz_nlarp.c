// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for nlarp_decode() and the production NL-ARP
 * application path, nart_apply() on the agent's compact NARTs (small BPF
 * arrays, emptied before every input so each crash reproduces from its
 * input).  The first input byte selects the tenant scheme; the rest is the
 * message (and, after its version's body, 112 or 44 bytes, more messages
 * applied to the same tables).
 * Checks: an accepted message re-encodes to the same bytes, and NART-2
 * changes exactly as the decision says.  Needs root (BPF arrays).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cnart.h"
#include "nart_apply.h"
#include "nart_maps.h"

#define BUCKETS 32

static struct test_nart tn;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (test_nart_open(&tn, BUCKETS, 16)) {
		fprintf(stderr, "fuzz_nlarp: cannot create the NART arrays (root?)\n");
		abort();
	}
	return 0;
}

static void check_nart2(const struct nlarp_fields *m)
{
	struct nl_vif_key k = {.tenant = m->tenant, .mac_as = m->mac_as};
	struct nart_entry before, after;
	struct nart_apply_result r;
	bool had, has;

	memcpy(k.mac, m->mac, 6);
	had = nart_store_nart2_get(&tn.store, &k, &before);
	r = nart_apply(&nart_store_ops, &tn.store, NULL, m);
	has = nart_store_nart2_get(&tn.store, &k, &after);
	if (r.err && r.err != -28 /* ENOSPC */)
		abort();
	switch (r.d.action) {
	case NART_INSERT:
		if (had || (!r.err && (!has || after.version != m->loc_version)))
			abort();
		break;
	case NART_UPDATE:
		if (!had || !has || after.version != m->loc_version ||
		    after.version < before.version)
			abort();
		break;
	case NART_DELETE:
		if (!had || has)
			abort();
		break;
	case NART_IGNORE:
		if (had != has || (had && memcmp(&before, &after, sizeof(before)) != 0))
			abort();
		break;
	default:
		abort();
	}
	if (cnart_count(tn.store.nart2) > BUCKETS * NART_SLOTS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int bits;

	if (size < 1)
		return 0;
	bits = (data[0] & 1) ? NL_TENANT_BITS_24 : NL_TENANT_BITS_16;
	data++;
	size--;
	nart_store_clear(&tn.store);

	/* the whole input as one message (trailing bytes = padding), version 3 or 2 */
	do {
		struct nlarp_fields m, again;
		uint8_t out[NLARP_MSG_LEN];
		size_t blen = size ? nlarp_body_len(data[0]) : 0;
		enum nlarp_err err = nlarp_decode(data, size, bits, &m);

		if ((unsigned int)err >= NLARP_E_MAX || !nlarp_errname(err))
			abort();
		if (err != NLARP_E_OK) {
			if (blen && size >= blen && err == NLARP_E_SHORT)
				abort();
			break;
		}
		if (!blen || nlarp_encode(&m, bits, out, sizeof(out)) != NLARP_E_OK)
			abort();
		if (memcmp(out, data, blen) != 0)
			abort();
		if (nlarp_decode(out, blen, bits, &again) != NLARP_E_OK)
			abort();
		check_nart2(&m);
		data += blen;
		size -= blen;
	} while (size >= NLARP_MSG_LEN_V2);
	return 0;
}

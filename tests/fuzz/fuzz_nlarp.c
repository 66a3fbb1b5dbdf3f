// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for nlarp_decode() and the NART-2 logic.  The first
 * input byte selects the tenant scheme; the rest is the message (and,
 * after 44 bytes, more messages applied to the same small table).  Checks:
 * an accepted message re-encodes to the same 44 bytes, and the table
 * changes exactly as the decision says.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nart_logic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nart_table *table;
	int bits;

	if (size < 1)
		return 0;
	bits = (data[0] & 1) ? NL_TENANT_BITS_24 : NL_TENANT_BITS_16;
	data++;
	size--;
	/* a fresh table per input, so every crash reproduces from its input */
	table = nart_table_new(64);
	if (!table)
		abort();

	/* the whole input as one message (trailing bytes = padding) */
	do {
		struct nlarp_fields m, again;
		uint8_t out[NLARP_MSG_LEN];
		enum nlarp_err err = nlarp_decode(data, size, bits, &m);
		struct nl_vif_key k;
		struct nart_entry before, after;
		bool had, has;
		struct nart_decision d;
		int terr = 0;

		if ((unsigned int)err >= NLARP_E_MAX || !nlarp_errname(err))
			abort();
		if (err != NLARP_E_OK) {
			if (size >= NLARP_MSG_LEN && err == NLARP_E_SHORT)
				abort();
			break;
		}
		if (nlarp_encode(&m, bits, out, sizeof(out)) != NLARP_E_OK)
			abort();
		if (memcmp(out, data, NLARP_MSG_LEN) != 0)
			abort();
		if (nlarp_decode(out, sizeof(out), bits, &again) != NLARP_E_OK)
			abort();

		k.tenant = m.tenant;
		k.mac_as = m.mac_as;
		memcpy(k.mac, m.mac, 6);
		had = nart_table_lookup(table, &k, &before);
		d = nart_table_apply(table, &m, &terr);
		has = nart_table_lookup(table, &k, &after);
		switch (d.action) {
		case NART_INSERT:
			if (had || !has || after.version != m.loc_version)
				abort();
			break;
		case NART_UPDATE:
			if (!had || !has || after.version != m.loc_version ||
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
		if (terr && terr != -28 /* ENOSPC */)
			abort();
		if (nart_table_count(table) > 64)
			abort();
		data += NLARP_MSG_LEN;
		size -= NLARP_MSG_LEN;
	} while (size >= NLARP_MSG_LEN);
	nart_table_free(table);
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for authenticated NL-ARP (issue 10 item 2; the messages
 * of patent Fig. 5): nlarp_open() on arbitrary input with the production
 * key ring and replay table, plus a mode that gives each message a valid
 * MAC and a timestamp near the clock so the fuzzer reaches the body rules
 * and the replay table behind the MAC check.
 *
 * Input: byte 0 = mode bits (0x01 24-bit tenant scheme, 0x02 unicast
 * channel, 0x04 re-MAC each message, 0x08 no keys: --insecure-no-auth);
 * then 92-byte messages, the last one possibly shorter or longer.
 * Checks: every result is a known reason; an accepted message re-encodes
 * to the same 44-byte body, is refused as a replay when opened again, and
 * seals and opens again to the same fields; a message accepted under a key
 * carries that key's MAC; the replay table stays within its bound.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <endian.h>

#include "nlarp_auth.h"

#define NOW   1790000000000ULL
#define PEERS 16

/* key 1 (32 bytes 00..1f) signs, key 2 (16 bytes 0xab) is accepted */
static const char keys_text[] =
	"1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	"2 abababababababababababababababab\n";
static struct nlarp_keyring kr;
static struct nlarp_replay rp;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	if (nlarp_keyring_parse(&kr, keys_text, err, sizeof(err)) ||
	    nlarp_replay_init(&rp, PEERS)) {
		fprintf(stderr, "fuzz_nlarp_auth: setup failed: %s\n", err);
		abort();
	}
	return 0;
}

/* a valid MAC under key (key_id & 1 ? 2 : 1) and a timestamp within ±40 s */
static void remac(uint8_t *m, size_t body)
{
	struct nlarp_auth_trailer t;
	const struct nlarp_key *k;
	__u64 ts;

	memcpy(&t, m + body, sizeof(t));
	k = &kr.keys[ntohl(t.key_id) & 1];
	t.key_id = htonl(k->id);
	ts = NOW - 40000 + be64toh(t.timestamp_ms) % 80001;
	t.timestamp_ms = htobe64(ts);
	memcpy(m + body, &t, sizeof(t));
	if (nlarp_auth_mac(k, m, body + NLARP_AUTH_LEN - NLARP_AUTH_MAC_LEN,
			   m + body + NLARP_AUTH_LEN - NLARP_AUTH_MAC_LEN))
		abort();
}

static void accepted(const uint8_t *m, bool ucast, int bits, const struct nlarp_fields *f,
		     const struct nlarp_keyring *keys)
{
	struct nlarp_fields again;
	struct nlarp_sealer s;
	struct nlarp_replay fresh;
	uint8_t out[NLARP_AUTH_MSG_LEN];
	enum nlarp_err be;
	size_t body = nlarp_body_len(f->version), alen = body + NLARP_AUTH_LEN;

	if (!body || nlarp_encode(f, bits, out, sizeof(out)) != NLARP_E_OK || memcmp(out, m, body))
		abort();
	/* accepted under a key: the MAC is that key's over the first 76 bytes */
	if (keys) {
		struct nlarp_auth_trailer t;
		const struct nlarp_key *k;
		__u8 mac[NLARP_AUTH_MAC_LEN];

		memcpy(&t, m + body, sizeof(t));
		k = nlarp_keyring_find(keys, ntohl(t.key_id));
		if (!k || nlarp_auth_mac(k, m, alen - NLARP_AUTH_MAC_LEN, mac) ||
		    memcmp(mac, t.mac, sizeof(mac)))
			abort();
	}
	/* the replay state was committed: the same bytes again are a replay */
	if (keys &&
	    nlarp_open(keys, &rp, ucast, NOW, m, alen, bits, &again, &be) != NLARP_AUTH_E_REPLAY)
		abort();
	/* sealed again by us, it opens to the same fields */
	nlarp_sealer_init(&s, 1);
	if (nlarp_seal(keys, &s, ucast, NOW, f, bits, out, alen) != NLARP_E_OK)
		abort();
	if (nlarp_replay_init(&fresh, 4))
		abort();
	if (nlarp_open(keys, &fresh, ucast, NOW, out, alen, bits, &again, &be) != NLARP_AUTH_E_OK ||
	    memcmp(out, m, body))
		abort();
	nlarp_replay_free(&fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlarp_keyring *keys;
	bool ucast, fix;
	int bits;

	if (size < 1)
		return 0;
	bits = (data[0] & 1) ? NL_TENANT_BITS_24 : NL_TENANT_BITS_16;
	ucast = data[0] & 2;
	fix = data[0] & 4;
	keys = (data[0] & 8) ? NULL : &kr;
	data++;
	size--;
	memset(rp.peers, 0, (size_t)rp.sets * NLARP_REPLAY_WAYS * sizeof(*rp.peers));
	do {
		/* each message as long as its version says (160 for 3, 92 for 2) */
		size_t alen = size ? nlarp_auth_msg_len(data[0]) : 0;
		size_t len = alen && size >= 2 * alen ? alen : size;
		uint8_t m[2 * NLARP_AUTH_MSG_LEN];
		struct nlarp_fields f;
		enum nlarp_err be;
		enum nlarp_auth_err e;

		if (len > sizeof(m))
			len = sizeof(m);
		memcpy(m, data, len);
		if (fix && keys && alen && len == alen)
			remac(m, alen - NLARP_AUTH_LEN);
		e = nlarp_open(keys, &rp, ucast, NOW, m, len, bits, &f, &be);
		if ((unsigned int)e >= NLARP_AUTH_E_MAX || !nlarp_auth_errname(e))
			abort();
		if (!alen && e != NLARP_AUTH_E_VERSION && e != NLARP_AUTH_E_LENGTH)
			abort();
		if (alen && len != alen && e != NLARP_AUTH_E_LENGTH)
			abort();
		if (e == NLARP_AUTH_E_BODY && (be == NLARP_E_OK || (unsigned int)be >= NLARP_E_MAX))
			abort();
		if (e == NLARP_AUTH_E_OK)
			accepted(m, ucast, bits, &f, keys);
		if (nlarp_replay_count(&rp) > rp.sets * NLARP_REPLAY_WAYS)
			abort();
		data += len;
		size -= len;
	} while (size > 0);
	return 0;
}

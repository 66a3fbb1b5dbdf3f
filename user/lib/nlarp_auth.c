// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Sealing and opening authenticated NL-ARP messages (nlarp_auth.h): the
 * 44-byte body from nlarp_codec.c, then the trailer of include/nlarp.h.
 * Opening checks the cheap and keyless things first, then the MAC, and
 * only an authentic message reaches the body's rules and the replay table.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "nlarp_auth.h"

_Static_assert(sizeof(struct nlarp_auth_trailer) == NLARP_AUTH_LEN, "trailer layout");

struct nlarp_auth_err_desc {
	const char *name;
	const char *help;
};

#define NLARP_AUTH_ERR_DESC(n, str, h) [NLARP_AUTH_E_##n] = {str, h},
static const struct nlarp_auth_err_desc auth_err_desc[NLARP_AUTH_E_MAX] = {
	NLARP_AUTH_ERRORS(NLARP_AUTH_ERR_DESC)};
#undef NLARP_AUTH_ERR_DESC

const char *nlarp_auth_errname(enum nlarp_auth_err err)
{
	return (unsigned int)err < NLARP_AUTH_E_MAX ? auth_err_desc[err].name : "unknown";
}

const char *nlarp_auth_strerror(enum nlarp_auth_err err)
{
	return (unsigned int)err < NLARP_AUTH_E_MAX ? auth_err_desc[err].help
						    : "unknown NL-ARP authentication error";
}

void nlarp_sealer_init(struct nlarp_sealer *s, __u64 now_us)
{
	s->seq[0] = s->seq[1] = now_us;
}

/* the bytes the MAC covers: body and trailer up to the MAC */
static size_t mac_covered(size_t body)
{
	return body + NLARP_AUTH_LEN - NLARP_AUTH_MAC_LEN;
}

size_t nlarp_auth_msg_len(__u8 version)
{
	size_t body = nlarp_body_len(version);

	return body ? body + NLARP_AUTH_LEN : 0;
}

enum nlarp_err nlarp_seal(const struct nlarp_keyring *kr, struct nlarp_sealer *s, bool unicast,
			  __u64 now_ms, const struct nlarp_fields *m, int tenant_bits, void *buf,
			  size_t buflen)
{
	struct nlarp_auth_trailer t = {};
	__u8 *b = buf;
	enum nlarp_err e;
	size_t body = m ? nlarp_body_len(m->version) : 0;

	if (!s || !buf || !body || buflen < body + NLARP_AUTH_LEN)
		return NLARP_E_BAD_ARG;
	e = nlarp_encode(m, tenant_bits, buf, buflen);
	if (e != NLARP_E_OK)
		return e;
	t.key_id = htonl(kr && kr->n ? kr->keys[0].id : 0);
	t.flags = unicast ? NLARP_AUTH_F_UNICAST : 0;
	t.timestamp_ms = htobe64(now_ms);
	t.seq = htobe64(++s->seq[unicast ? 1 : 0]);
	if (RAND_bytes(t.nonce, sizeof(t.nonce)) != 1)
		return NLARP_E_BAD_ARG;
	memcpy(b + body, &t, sizeof(t));
	if (kr && kr->n &&
	    nlarp_auth_mac(&kr->keys[0], b, mac_covered(body), b + mac_covered(body)))
		return NLARP_E_BAD_ARG;
	return NLARP_E_OK;
}

enum nlarp_auth_err nlarp_open(const struct nlarp_keyring *kr, struct nlarp_replay *replay,
			       bool unicast, __u64 now_ms, const void *buf, size_t len,
			       int tenant_bits, struct nlarp_fields *out, enum nlarp_err *body_err)
{
	const __u8 *b = buf;
	struct nlarp_auth_trailer t;
	const struct nlarp_key *key;
	__u8 mac[NLARP_AUTH_MAC_LEN];
	__u64 ts, seq;
	enum nlarp_err e;
	size_t body;

	*body_err = NLARP_E_OK;
	if (!buf || len < 1)
		return NLARP_AUTH_E_LENGTH;
	body = nlarp_body_len(b[0]);
	if (!body)
		return NLARP_AUTH_E_VERSION;
	if (len != body + NLARP_AUTH_LEN)
		return NLARP_AUTH_E_LENGTH;
	memcpy(&t, b + body, sizeof(t));
	if (kr) {
		key = nlarp_keyring_find(kr, ntohl(t.key_id));
		if (!key)
			return NLARP_AUTH_E_KEY_UNKNOWN;
		if (nlarp_auth_mac(key, b, mac_covered(body), mac) ||
		    CRYPTO_memcmp(mac, t.mac, sizeof(mac)))
			return NLARP_AUTH_E_MAC;
	}
	/* authentic from here on (or not checked: --insecure-no-auth) */
	if ((t.flags & ~NLARP_AUTH_F_UNICAST) || t.reserved[0] || t.reserved[1] || t.reserved[2])
		return NLARP_AUTH_E_RESERVED;
	if (!!(t.flags & NLARP_AUTH_F_UNICAST) != unicast)
		return NLARP_AUTH_E_CHANNEL;
	ts = be64toh(t.timestamp_ms);
	seq = be64toh(t.seq);
	if (kr) {
		if (now_ms > NLARP_AUTH_WINDOW_MS && ts < now_ms - NLARP_AUTH_WINDOW_MS)
			return NLARP_AUTH_E_STALE;
		if (ts > now_ms && ts - now_ms > NLARP_AUTH_WINDOW_MS)
			return NLARP_AUTH_E_FUTURE;
	}
	e = nlarp_decode(b, body, tenant_bits, out);
	if (e != NLARP_E_OK) {
		*body_err = e;
		return NLARP_AUTH_E_BODY;
	}
	if (kr && replay &&
	    nlarp_replay_check(replay, out->sender_switch_mac, out->sender_port, unicast, seq, ts,
			       true) != NLARP_REPLAY_NEW)
		return NLARP_AUTH_E_REPLAY;
	return NLARP_AUTH_E_OK;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Authenticated NL-ARP (issue 10 item 2; the messages of patent Fig. 5,
 * [0027]-[0035], made safe to receive from a fabric any host can reach):
 * every message is the body of nlarp_codec.h (112 bytes in version 3, 44 in
 * version 2, still accepted from older agents) followed by a 48-byte
 * trailer (include/nlarp.h, docs/wire-format.md section 4.1) carrying a key
 * ID, the sender's clock, a per-sender sequence number, a random nonce and
 * HMAC-SHA-256 (OpenSSL libcrypto) truncated to 16 bytes.
 *
 * Sealing and opening live here so the codec stays pure.  Opening checks,
 * in this order, so that a message without a valid MAC costs no table work:
 * exact length, version, key ID, MAC, trailer flags and channel, clock
 * window, body (nlarp_decode), replay state (per-sender sliding window).
 */
#ifndef NL_NLARP_AUTH_H
#define NL_NLARP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "nlarp_codec.h"
#include "nlarp_keys.h"
#include "nlarp_replay.h"

#define NLARP_AUTH_WINDOW_MS 30000 /* accepted clock difference, either way */

/* why a message was refused before or instead of its body's checks */
#define NLARP_AUTH_ERRORS(X)                                                                \
	X(OK, "ok", "authentic, fresh and not a replay")                                    \
	X(LENGTH, "length", "not exactly 160 (v3) / 92 (v2) bytes: truncated or extended")  \
	X(VERSION, "version", "version is not 3 or 2 (unauthenticated NL-ARP)")             \
	X(KEY_UNKNOWN, "key_unknown", "key ID not in the key file (or 0: unauthenticated)") \
	X(MAC, "bad_mac", "message authentication code does not match")                     \
	X(RESERVED, "reserved", "trailer flags or reserved bytes not as specified")         \
	X(CHANNEL, "channel", "sealed for broadcast, received by unicast or the other way") \
	X(STALE, "stale", "timestamp older than the 30 s window")                           \
	X(FUTURE, "future", "timestamp more than 30 s ahead of this clock")                 \
	X(BODY, "body", "authentic, but the body is invalid (nlarp_rejected_*)")            \
	X(REPLAY, "replay", "sequence number already seen from this sender (a replay)")

#define NLARP_AUTH_ERR_ENUM(name, str, help) NLARP_AUTH_E_##name,
enum nlarp_auth_err { NLARP_AUTH_ERRORS(NLARP_AUTH_ERR_ENUM) NLARP_AUTH_E_MAX };
#undef NLARP_AUTH_ERR_ENUM

const char *nlarp_auth_errname(enum nlarp_auth_err err);
/* a whole sealed message of NL-ARP version @version (160 for 3, 92 for 2), 0 if unknown */
size_t nlarp_auth_msg_len(__u8 version);
const char *nlarp_auth_strerror(enum nlarp_auth_err err);

/* a sender's sequence numbers, one per channel (broadcast, unicast) */
struct nlarp_sealer {
	__u64 seq[2];
};
/* start both channels at @now_us: a restarted sender continues above its old numbers */
void nlarp_sealer_init(struct nlarp_sealer *s, __u64 now_us);

/*
 * Encode @m (nlarp_encode) and append the trailer: key 0 of @kr (or key ID 0
 * and a zero MAC when @kr is NULL: --insecure-no-auth), timestamp @now_ms,
 * the next sequence number of channel @unicast.  @buflen >=
 * nlarp_auth_msg_len(m->version); exactly that many bytes written
 * (NLARP_AUTH_MSG_LEN for the current version).
 * NLARP_E_OK or the body's error (nothing sealed), NLARP_E_BAD_ARG if the
 * MAC could not be computed.
 */
enum nlarp_err nlarp_seal(const struct nlarp_keyring *kr, struct nlarp_sealer *s, bool unicast,
			  __u64 now_ms, const struct nlarp_fields *m, int tenant_bits, void *buf,
			  size_t buflen);

/*
 * Check and decode one received message arriving on channel @unicast.
 * With @kr NULL (--insecure-no-auth) only the length, the version and the
 * body are checked.  With @replay NULL the replay state is neither checked
 * nor updated.  On NLARP_AUTH_E_BODY, *body_err says why.  The replay state
 * changes only for a message that is accepted.
 */
enum nlarp_auth_err nlarp_open(const struct nlarp_keyring *kr, struct nlarp_replay *replay,
			       bool unicast, __u64 now_ms, const void *buf, size_t len,
			       int tenant_bits, struct nlarp_fields *out, enum nlarp_err *body_err);

#endif /* NL_NLARP_AUTH_H */

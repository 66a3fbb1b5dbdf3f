/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The NL-ARP fleet keys (issue 10 item 2; authenticates the NL-ARP messages
 * of patent Fig. 5, [0027]-[0035]): the root-only key file of each
 * hypervisor, parsed into at most two keys (a rotation), each with a keyed
 * HMAC-SHA-256 context from OpenSSL's libcrypto.  Format in docs/agent.md.
 */
#ifndef NL_NLARP_KEYS_H
#define NL_NLARP_KEYS_H

#include <stddef.h>
#include <linux/types.h>

#include "nlarp.h"

#define NLARP_AUTH_KEYS		    2  /* at most two keys at once: a rotation */
#define NLARP_AUTH_SECRET_MIN	    16 /* bytes: 128 bits at least */
#define NLARP_AUTH_SECRET_MAX	    64 /* bytes: one SHA-256 block */
#define NLARP_AUTH_MAC_LEN_FULL	    32 /* SHA-256 */
#define NLARP_AUTH_DEFAULT_KEY_FILE "/etc/netlord/nlarp.key"

/* one fleet key; the MAC context holds the precomputed HMAC pads */
struct nlarp_key {
	__u32 id;
	size_t len;
	__u8 secret[NLARP_AUTH_SECRET_MAX];
	void *mac_ctx; /* EVP_MAC_CTX *, keyed */
};

/* keys[0] signs; every key verifies */
struct nlarp_keyring {
	unsigned int n;
	struct nlarp_key keys[NLARP_AUTH_KEYS];
};

/*
 * Key file text: one key per line, "<id> <secret>", id a decimal 1..2^32-1,
 * secret hex (32..128 digits) or "base64:<16..64 bytes in base64>"; '#'
 * starts a comment; 1 or 2 keys, distinct IDs.  The first key signs.
 * 0 or -EINVAL with the reason (line number) in @err.
 */
int nlarp_keyring_parse(struct nlarp_keyring *kr, const char *text, char *err, size_t errlen);
/*
 * The key file @path: refused unless it is a regular file owned by root (or
 * the caller) with no group or other permission bits (chmod 600).  0 or
 * -errno (-EPERM for the mode) with the reason in @err.
 */
int nlarp_keyring_load(struct nlarp_keyring *kr, const char *path, char *err, size_t errlen);
void nlarp_keyring_free(struct nlarp_keyring *kr);

/*
 * The 16-byte MAC of @len bytes under @key (tests and the fuzzer use it to
 * build authentic messages around arbitrary bodies).  0 or -EIO.
 */
int nlarp_auth_mac(const struct nlarp_key *key, const void *buf, size_t len,
		   __u8 mac[NLARP_AUTH_MAC_LEN]);

/* the key with ID @id, or NULL */
const struct nlarp_key *nlarp_keyring_find(const struct nlarp_keyring *kr, __u32 id);

#endif /* NL_NLARP_KEYS_H */

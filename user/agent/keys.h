/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's NL-ARP keys (issue 10 item 2; authenticates the NL-ARP of
 * patent Fig. 5): the key file named by `attach --key-file` (default
 * /etc/netlord/nlarp.key) loaded at start and again on SIGHUP, or nothing
 * with `--insecure-no-auth`, which is logged as a warning.
 */
#ifndef NA_KEYS_H
#define NA_KEYS_H

#include <limits.h>
#include <stdbool.h>

#include "nlarp_keys.h"

struct na_keys {
	char path[PATH_MAX];
	bool insecure; /* --insecure-no-auth: send and accept unauthenticated NL-ARP */
	struct nlarp_keyring ring;
};

/* at start: 0, or -errno with the reason logged (the agent must not start) */
int na_keys_load(struct na_keys *k);
/* SIGHUP: the file read again; on any error the keys in force stay */
void na_keys_reload(struct na_keys *k);
/* what nlarp_seal()/nlarp_open() take: NULL when authentication is off */
const struct nlarp_keyring *na_keys_ring(const struct na_keys *k);
void na_keys_free(struct na_keys *k);

#endif /* NA_KEYS_H */

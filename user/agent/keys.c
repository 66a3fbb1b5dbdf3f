// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's NL-ARP keys (keys.h): load, reload on SIGHUP, log which key
 * signs.  The parsing and the permission check are nlarp_keys.c's.
 */
#include <errno.h>
#include <string.h>

#include "keys.h"
#include "log.h"

static void log_keys(const struct na_keys *k, const char *what)
{
	if (k->ring.n > 1)
		log_info("NL-ARP authentication %s: %s, signing with key %u, also accepting key %u",
			 what, k->path, k->ring.keys[0].id, k->ring.keys[1].id);
	else
		log_info("NL-ARP authentication %s: %s, key %u", what, k->path, k->ring.keys[0].id);
}

int na_keys_load(struct na_keys *k)
{
	char err[512];
	int rc;

	if (k->insecure) {
		log_warn("NL-ARP authentication is OFF (--insecure-no-auth): any host on the "
			 "fabric can rewrite this agent's address tables");
		return 0;
	}
	rc = nlarp_keyring_load(&k->ring, k->path, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		if (rc == -ENOENT)
			log_err("create it (one line \"<key id> <hex secret>\", mode 0600, the "
				"same "
				"on every hypervisor; see docs/agent.md) or run with "
				"--insecure-no-auth");
		return rc;
	}
	log_keys(k, "on");
	return 0;
}

void na_keys_reload(struct na_keys *k)
{
	struct nlarp_keyring fresh;
	char err[512];

	if (k->insecure)
		return;
	if (nlarp_keyring_load(&fresh, k->path, err, sizeof(err))) {
		log_err("NL-ARP keys not reloaded, the previous keys stay in force: %s", err);
		return;
	}
	nlarp_keyring_free(&k->ring);
	k->ring = fresh;
	memset(&fresh, 0, sizeof(fresh)); /* the secrets live in k->ring only */
	log_keys(k, "reloaded");
}

const struct nlarp_keyring *na_keys_ring(const struct na_keys *k)
{
	return k->insecure ? NULL : &k->ring;
}

void na_keys_free(struct na_keys *k)
{
	nlarp_keyring_free(&k->ring);
}

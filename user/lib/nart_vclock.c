// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The NA's loc_version clock with a persisted high-water mark (nart_vclock.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nart_rules.h"
#include "nart_vclock.h"
#include "util.h"

int nart_vclock_open(struct nart_vclock *c, const char *dir, const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	uint64_t r;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!dir)
		return 0;
	rc = nl_mkdir_p(dir, 0700);
	if (rc)
		return rc;
	if (snprintf(c->path, sizeof(c->path), "%s/%s.version", dir, name) >= (int)sizeof(c->path))
		return -ENAMETOOLONG;
	c->persist = true;
	rc = nl_read_file(c->path, 64, &buf, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	if (sscanf(buf, "%" SCNu64, &r) != 1) {
		free(buf);
		return -EINVAL;
	}
	free(buf);
	c->reserved = r;
	/* everything the previous agent stamped is <= reserved */
	c->last = c->reserved;
	return 0;
}

static int persist(struct nart_vclock *c, __u64 v)
{
	char tmp[PATH_MAX + 8], text[32];
	int fd, n, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", c->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "%" PRIu64 "\n", (uint64_t)v);
	if (write(fd, text, n) != n || fsync(fd))
		rc = errno ? -errno : -EIO;
	close(fd);
	if (!rc && rename(tmp, c->path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

__u64 nart_vclock_next(struct nart_vclock *c, __u64 known, __u64 now_ms)
{
	__u64 v = nart_next_version_floor(known, now_ms, c->last);

	c->last = v;
	if (c->persist && v > c->reserved) {
		__u64 r = v > UINT64_MAX - NART_VCLOCK_RESERVE_MS ? UINT64_MAX
								  : v + NART_VCLOCK_RESERVE_MS;
		int rc = persist(c, r);

		if (rc && rc != c->err)
			log_warn("cannot persist the version high-water mark in %s: %s "
				 "(versions may repeat after a restart with the clock set back)",
				 c->path, strerror(-rc));
		c->err = rc;
		if (!rc)
			c->reserved = r;
	}
	return v;
}

int nart_vclock_reserve(struct nart_vclock *c, __u64 now_ms)
{
	__u64 r = now_ms > UINT64_MAX - NART_VCLOCK_RESERVE_MS ? UINT64_MAX
							       : now_ms + NART_VCLOCK_RESERVE_MS;
	int rc;

	if (!c->persist || c->reserved >= now_ms + NART_VCLOCK_RESERVE_MS / 2 || r <= c->reserved)
		return 0;
	rc = persist(c, r);
	if (!rc)
		c->reserved = r;
	return rc;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo check-tenants and compile --tenants (tenants_cmd.h): read a
 * tenants file or stdin, run the parser of user/lib/tenants.c over it and
 * print a one-line summary or the first error; copy a validated file into
 * the compiled directory (docs/tenants.md; patent [0013], [0053]).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tenants.h"
#include "tenants_cmd.h"

#define TENANTS_FILE_MAX (64u << 20) /* refuse files larger than 64 MiB */

static const char *tenants_path;

int check_tenants_args(int argc, char **argv)
{
	(void)argc;
	tenants_path = argv[0];
	return 0;
}

/* the whole file ("-": stdin) into a malloc'd buffer: 0, or -errno with a message */
static int slurp(const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *buf = NULL;
	int rc = 0;

	if (!f) {
		rc = -errno;
		fprintf(stderr, "na-repo: %s: %s\n", path, strerror(errno));
		return rc;
	}
	for (;;) {
		char *nb = realloc(buf, cap);

		if (!nb) {
			rc = -ENOMEM;
			break;
		}
		buf = nb;
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		if (cap >= TENANTS_FILE_MAX) {
			rc = -EFBIG;
			break;
		}
		cap *= 2;
	}
	if (!rc && ferror(f))
		rc = -EIO;
	if (f != stdin)
		fclose(f);
	if (rc) {
		fprintf(stderr, "na-repo: %s: %s\n", path, strerror(-rc));
		free(buf);
		return rc;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* read and validate @path into *@buf (the caller frees it) and *@t (if @t) */
static int load(const char *path, char **buf, size_t *len, struct nl_tenants *t)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct nl_tenants scratch;
	char err[512];
	int rc = slurp(path, buf, len);

	if (rc)
		return rc;
	rc = nl_tenants_parse(*buf, *len, name, t ? t : &scratch, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "na-repo: %s\n", err);
		free(*buf);
		*buf = NULL;
		return rc;
	}
	if (!t)
		nl_tenants_free(&scratch);
	return 0;
}

int tenants_file_check(const char *path)
{
	size_t len;
	char *buf = NULL;
	int rc = load(path, &buf, &len, NULL);

	free(buf);
	return rc;
}

int tenants_install(const char *path, const char *dir)
{
	char dst[4096], tmp[4200];
	size_t len = 0;
	char *buf = NULL;
	FILE *f;
	int rc;

	snprintf(dst, sizeof(dst), "%s/%s", dir, TENANTS_FILE);
	if (!path) {
		if (unlink(dst) && errno != ENOENT) {
			rc = -errno;
			fprintf(stderr, "na-repo: %s: %s\n", dst, strerror(errno));
			return rc;
		}
		return 0;
	}
	rc = load(path, &buf, &len, NULL);
	if (rc)
		return rc;
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	f = fopen(tmp, "w");
	if (!f) {
		rc = -errno;
	} else {
		bool bad = fwrite(buf, 1, len, f) != len;

		if (fclose(f) || bad)
			rc = -EIO;
		else if (rename(tmp, dst))
			rc = -errno;
		if (rc)
			unlink(tmp);
	}
	free(buf);
	if (rc)
		fprintf(stderr, "na-repo: %s: %s\n", dst, strerror(-rc));
	return rc;
}

int check_tenants_run(void)
{
	const char *name = strcmp(tenants_path, "-") ? tenants_path : "<stdin>";
	struct nl_tenants t;
	size_t len = 0, n4 = 0, n6 = 0, nr = 0;
	char *buf = NULL;
	int rc = load(tenants_path, &buf, &len, &t);

	if (rc)
		return rc;
	free(buf);
	for (size_t i = 0; i < t.n; i++) {
		for (size_t j = 0; j < t.t[i].nsub; j++)
			*(t.t[i].sub[j].family == AF_INET ? &n4 : &n6) += 1;
		nr += t.t[i].nroute;
	}
	printf("%s: %zu tenants, %zu subnets (%zu IPv4, %zu IPv6), %zu routes\n", name, t.n,
	       n4 + n6, n4, n6, nr);
	nl_tenants_free(&t);
	return fflush(stdout) ? -EIO : 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Small shared helpers (util.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"

int nl_mkdir_p(const char *path, int mode)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, (mode_t)mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, (mode_t)mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int nl_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096, n = 0;
	char *b = NULL;

	if (!f)
		return -errno;
	for (;;) {
		char *nb;
		size_t got;

		if (n == cap - 1 || !b) {
			if (b)
				cap *= 2;
			nb = realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(f);
				return -ENOMEM;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - 1 - n, f);
		n += got;
		if (n > max) {
			free(b);
			fclose(f);
			return -EFBIG;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(b);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

void nl_fmt_mac(const __u8 m[6], char out[NL_MAC_STRLEN])
{
	snprintf(out, NL_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
}

int nl_errf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static __u64 clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

__u64 nl_now_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

__u64 nl_mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

__u32 nl_csum_add(__u32 s, const void *p, size_t n)
{
	const __u8 *b = p;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (__u32)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (__u32)(b[n - 1] << 8);
	return s;
}

__u16 nl_csum_fold(__u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

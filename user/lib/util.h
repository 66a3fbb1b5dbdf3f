/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Small helpers every NetLord program needs: directories, whole files,
 * MAC address text, the wall clock, the Internet checksum.
 */
#ifndef NL_UTIL_H
#define NL_UTIL_H

#include <stddef.h>
#include <linux/types.h>

#define NL_MAC_STRLEN 18 /* "xx:xx:xx:xx:xx:xx" and its NUL */

/* mkdir -p with @mode for every directory created; 0 or -errno */
int nl_mkdir_p(const char *path, int mode);

/*
 * The whole file @path into a malloc'ed, NUL-terminated buffer of *len
 * bytes; 0, -errno, or -EFBIG if it is larger than @max bytes.
 */
int nl_read_file(const char *path, size_t max, char **buf, size_t *len);

void nl_fmt_mac(const __u8 mac[6], char out[NL_MAC_STRLEN]);

/* CLOCK_REALTIME in milliseconds (NL-ARP versions survive reboots) */
__u64 nl_now_ms(void);
/* CLOCK_MONOTONIC in milliseconds (deadlines, rate limits) */
__u64 nl_mono_ms(void);

/*
 * Format a message for the operator into @err (at most @errlen bytes) and
 * return @rc, a -errno: how a function says both what failed and why.
 */
int nl_errf(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* RFC 1071: add @n bytes to the 32-bit sum @s; fold to the 16-bit checksum */
__u32 nl_csum_add(__u32 s, const void *p, size_t n);
__u16 nl_csum_fold(__u32 s);

#endif /* NL_UTIL_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Parsers for command-line and file values (parse.h); -EINVAL on anything
 * that is not exactly what the value's rule says.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -EINVAL;
}

int nl_parse_mac_text(const char *s, __u8 mac[6])
{
	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int h = hexval(s[3 * i]), l = hexval(s[3 * i + 1]);

		if (h < 0 || l < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (__u8)(h << 4 | l);
	}
	return 0;
}

int nl_parse_mac(const char *s, __u8 mac[6])
{
	if (nl_parse_mac_text(s, mac))
		return -EINVAL;
	if (mac[0] & 1)
		return -EINVAL;
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EINVAL;
	return 0;
}

/* decimal only, no sign, within [min, max] */
int nl_parse_u32(const char *s, __u32 min, __u32 max, __u32 *out)
{
	unsigned long long v = 0;

	if (!s || !*s || strlen(s) > 10)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = (__u32)v;
	return 0;
}

int nl_parse_ipv4(const char *s, __be32 *ip)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = a.s_addr;
	return 0;
}

int nl_parse_prefix(const char *s, __be32 *ip, __u8 *len)
{
	char buf[32];
	const char *slash;
	__u32 l;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	slash = strchr(s, '/');
	if (!slash)
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = 0;
	if (nl_parse_ipv4(buf, ip) || nl_parse_u32(slash + 1, 1, 32, &l))
		return -EINVAL;
	*len = (__u8)l;
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * IPv6 addresses of tenant VIFs (ip6.h): parsing, the address rules and
 * the virtual router's link-local address (issue 11, patent [0026], [0035]).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip6.h"
#include "util.h"

int nl_parse_ipv6(const char *s, __u8 a[16])
{
	struct in6_addr in;

	if (!s || !strchr(s, ':') || inet_pton(AF_INET6, s, &in) != 1)
		return -EINVAL;
	memcpy(a, &in, 16);
	return 0;
}

int nl_parse_prefix6(const char *s, __u8 a[16], __u8 *len)
{
	char buf[NL_IP6_STRLEN + 8], *slash, *end;
	unsigned long l;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash || !slash[1] || slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	*slash = '\0';
	errno = 0;
	l = strtoul(slash + 1, &end, 10);
	if (errno || *end || l < 1 || l > 128)
		return -EINVAL;
	if (nl_parse_ipv6(buf, a))
		return -EINVAL;
	*len = (__u8)l;
	return 0;
}

const char *nl_fmt_ipv6(const __u8 a[16], char *buf)
{
	if (!inet_ntop(AF_INET6, a, buf, NL_IP6_STRLEN))
		snprintf(buf, NL_IP6_STRLEN, "?");
	return buf;
}

bool nl_ip6_is_zero(const __u8 a[16])
{
	static const __u8 z[16];

	return !memcmp(a, z, 16);
}

bool nl_ip6_is_link_local(const __u8 a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

bool nl_ip6_vif_unicast(const __u8 a[16])
{
	static const __u8 loop[16] = {[15] = 1};
	static const __u8 mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (nl_ip6_is_zero(a) || !memcmp(a, loop, 16) || a[0] == 0xff || nl_ip6_is_link_local(a) ||
	    !memcmp(a, mapped, 12))
		return false;
	return true;
}

bool nl_ip6_same_prefix(const __u8 a[16], const __u8 b[16], unsigned int plen)
{
	__u8 ma[16], mb[16];

	nl_ip6_mask(a, plen, ma);
	nl_ip6_mask(b, plen, mb);
	return !memcmp(ma, mb, 16);
}

void nl_ip6_mask(const __u8 a[16], unsigned int plen, __u8 out[16])
{
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = plen > i * 8 ? plen - i * 8 : 0;

		out[i] = bits >= 8 ? a[i] : (__u8)(a[i] & (0xff00 >> bits));
	}
}

int nl_vif_ip6_check(const struct nl_vif_ip6 *v6, char *err, size_t errlen)
{
	static const __u8 z[16];
	bool router_in = false;

	if (v6->count > NL_VIF_MAX_IP6)
		return nl_errf(err, errlen, -EINVAL, "at most %d --ip6 addresses", NL_VIF_MAX_IP6);
	for (unsigned int i = 0; i < NL_VIF_MAX_IP6; i++) {
		if (i >= v6->count) {
			if (memcmp(v6->addr[i], z, 16) || v6->prefix_len[i])
				return nl_errf(err, errlen, -EINVAL, "unused --ip6 entry not zero");
			continue;
		}
		if (!nl_ip6_vif_unicast(v6->addr[i]))
			return nl_errf(err, errlen, -EINVAL,
				       "--ip6 must be a global or unique-local unicast address "
				       "(not ::, ::1, multicast, link-local or IPv4-mapped)");
		if (v6->prefix_len[i] < 1 || v6->prefix_len[i] > 128)
			return nl_errf(err, errlen, -EINVAL, "--ip6 must be ADDR/len, len 1..128");
		for (unsigned int j = 0; j < i; j++)
			if (!memcmp(v6->addr[i], v6->addr[j], 16))
				return nl_errf(err, errlen, -EINVAL, "--ip6 address given twice");
		if (!nl_ip6_is_zero(v6->router) &&
		    nl_ip6_same_prefix(v6->router, v6->addr[i], v6->prefix_len[i]))
			router_in = true;
	}
	if (v6->pad[0] || v6->pad[1] || v6->pad[2])
		return nl_errf(err, errlen, -EINVAL, "malformed IPv6 request (padding)");
	if (nl_ip6_is_zero(v6->router))
		return 0;
	if (!v6->count)
		return nl_errf(err, errlen, -EINVAL, "--router6 needs --ip6");
	if (!nl_ip6_vif_unicast(v6->router))
		return nl_errf(err, errlen, -EINVAL, "--router6 must be a unicast address");
	for (unsigned int i = 0; i < v6->count; i++)
		if (!memcmp(v6->router, v6->addr[i], 16))
			return nl_errf(err, errlen, -EINVAL,
				       "--router6 is one of the VIF's own addresses");
	if (!router_in)
		return nl_errf(err, errlen, -EINVAL,
			       "--router6 must lie inside the prefix of an --ip6 address");
	return 0;
}

void nl_ip6_link_local_from_mac(const __u8 mac[6], __u8 out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

bool nl_ip6_is_slaac_of(const __u8 a[16], unsigned int plen, const __u8 mac[6])
{
	__u8 ll[16];

	/* fe80::/64 + the same interface identifier */
	nl_ip6_link_local_from_mac(mac, ll);
	return plen == 64 && !memcmp(a + 8, ll + 8, 8);
}

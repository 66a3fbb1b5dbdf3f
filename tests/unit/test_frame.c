// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Criterion tests of user/lib/frame.c, the frame builder and decoder of
 * `na-loader trace` and `monitor` (issue 14): what it builds carries valid
 * checksums and decodes back to the description; a NetLord encapsulation
 * (docs/wire-format.md) decodes into outer and inner headers; truncated
 * input of every length decodes without reading past the end.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "netlord.h"
#include "util.h"

static const __u8 m1[6] = {0x52, 0x54, 0, 0xaa, 0, 1}, m2[6] = {0x52, 0x54, 0, 0xaa, 0, 2};

static struct nl_frame_desc udp_desc(void)
{
	struct nl_frame_desc d = {.vlan = -1,
				  .l3 = NL_L3_IPV4,
				  .proto = IPPROTO_UDP,
				  .sport = 1111,
				  .dport = 2222,
				  .payload = 18};

	memcpy(d.src_mac, m1, 6);
	memcpy(d.dst_mac, m2, 6);
	inet_pton(AF_INET, "192.168.1.1", d.saddr);
	inet_pton(AF_INET, "192.168.1.2", d.daddr);
	return d;
}

Test(frame, ipv4_udp_checksums_and_roundtrip)
{
	struct nl_frame_desc d = udp_desc();
	__u8 b[2048];
	struct nl_frame f;
	int n = nl_frame_build(&d, b, sizeof(b));
	__u32 ph;
	__u8 pr[2] = {0, IPPROTO_UDP};

	cr_assert_eq(n, 14 + 20 + 8 + 18);
	/* a valid header sums to 0xffff: its fold is 0 */
	cr_assert_eq(nl_csum_fold(nl_csum_add(0, b + 14, 20)), 0);
	ph = nl_csum_add(nl_csum_add(nl_csum_add(0, b + 26, 8), pr, 2), b + 38, 2);
	cr_assert_eq(nl_csum_fold(nl_csum_add(ph, b + 34, 26)), 0, "UDP checksum");
	nl_frame_decode(b, (size_t)n, (__u32)n, &f);
	cr_assert_null(f.encap);
	cr_assert_eq(f.outer.l3, NL_L3_IPV4);
	cr_assert_arr_eq(f.outer.src, m1, 6);
	cr_assert_arr_eq(f.outer.dst, m2, 6);
	cr_assert_arr_eq(f.outer.daddr, d.daddr, 4);
	cr_assert(f.outer.ports && f.outer.sport == 1111 && f.outer.dport == 2222);
	cr_assert_eq(f.outer.ttl, 64);
	cr_assert_eq(f.outer.vlan, -1);
}

Test(frame, tcp_ipv6_arp_vlan)
{
	struct nl_frame_desc d = udp_desc();
	__u8 b[2048];
	struct nl_frame f;
	int n;

	d.proto = IPPROTO_TCP;
	d.vlan = 42;
	n = nl_frame_build(&d, b, sizeof(b));
	nl_frame_decode(b, (size_t)n, (__u32)n, &f);
	cr_assert_eq(f.outer.vlan, 42);
	cr_assert_eq(f.outer.proto, IPPROTO_TCP);
	cr_assert_eq(f.outer.dport, 2222);

	d = udp_desc();
	d.l3 = NL_L3_IPV6;
	d.proto = IPPROTO_ICMPV6;
	inet_pton(AF_INET6, "fd00::1", d.saddr);
	inet_pton(AF_INET6, "fd00::2", d.daddr);
	n = nl_frame_build(&d, b, sizeof(b));
	nl_frame_decode(b, (size_t)n, (__u32)n, &f);
	cr_assert_eq(f.outer.l3, NL_L3_IPV6);
	cr_assert(f.outer.icmp && f.outer.icmp_type == 128);
	cr_assert_arr_eq(f.outer.daddr, d.daddr, 16);

	d = udp_desc();
	d.l3 = NL_L3_ARP;
	n = nl_frame_build(&d, b, sizeof(b));
	cr_assert_eq(n, 60, "padded to the minimum frame");
	nl_frame_decode(b, (size_t)n, (__u32)n, &f);
	cr_assert_eq(f.outer.l3, NL_L3_ARP);
	cr_assert_eq(f.outer.arp_op, 1);
	cr_assert_arr_eq(f.outer.daddr, d.daddr, 4);
}

static int wrap(bool udp, __u8 *b, size_t size)
{
	struct nl_frame_desc d = udp_desc();
	struct nl_frame_outer o = {.vlan = 7, .udp = udp, .ip_id = 7};
	__u8 inner[2048];
	int n = nl_frame_build(&d, inner, sizeof(inner));

	memcpy(o.dst_mac, m2, 6);
	memcpy(o.src_mac, m1, 6);
	o.saddr = htonl(0x0a010064); /* 10.1.0.100 */
	o.daddr = htonl(0x0a020064); /* 10.2.0.100 */
	return nl_frame_wrap(&o, inner, (size_t)n, b, size);
}

Test(frame, netlord_encapsulation_ip_and_udp)
{
	__u8 b[2048];
	struct nl_frame f;

	for (int udp = 0; udp <= 1; udp++) {
		int n = wrap(udp, b, sizeof(b));

		cr_assert_eq(n, 18 + 20 + (udp ? 8 : 0) + 60);
		cr_assert_eq(nl_csum_fold(nl_csum_add(0, b + 18, 20)), 0);
		nl_frame_decode(b, (size_t)n, (__u32)n, &f);
		cr_assert_str_eq(f.encap, udp ? "udp" : "ip");
		cr_assert_eq(f.outer.vlan, 7);
		cr_assert_eq(f.outer.ip_id, 7);
		cr_assert_eq(f.outer.proto, udp ? IPPROTO_UDP : NL_IPPROTO_ETHERNET);
		cr_assert_arr_eq(f.inner.dst, m2, 6);
		cr_assert_eq(f.inner.dport, 2222);
	}
}

Test(frame, every_truncation_decodes_safely)
{
	__u8 b[2048];
	int n = wrap(true, b, sizeof(b));

	for (int len = 0; len <= n; len++) {
		/* a copy of exactly len bytes: ASan/valgrind would see any overread */
		__u8 *c = malloc((size_t)len + 1);
		struct nl_frame f;
		char *out = NULL;
		size_t outlen = 0;
		FILE *m = open_memstream(&out, &outlen);

		memcpy(c, b, (size_t)len);
		nl_frame_decode(c, (size_t)len, (__u32)n, &f);
		nl_frame_print_text(m, &f);
		nl_frame_print_json(m, &f);
		fclose(m);
		if (len < 14)
			cr_assert(!f.outer.eth && f.outer.truncated);
		/* up to the inner ports: 18 + 20 + 8 outer, 14 + 20 + 4 inner */
		if (len < 84)
			cr_assert(f.outer.truncated || f.inner.truncated, "length %d", len);
		else
			cr_assert(f.inner.ports && f.inner.dport == 2222, "length %d", len);
		free(out);
		free(c);
	}
}

Test(frame, refuses_bad_descriptions)
{
	struct nl_frame_desc d = udp_desc();
	__u8 b[2048];

	d.vlan = 5000;
	cr_assert_eq(nl_frame_build(&d, b, sizeof(b)), -EINVAL);
	d = udp_desc();
	cr_assert_eq(nl_frame_build(&d, b, 100), -EINVAL, "buffer too small");
	d.l3 = NL_L3_NONE;
	cr_assert_eq(nl_frame_build(&d, b, sizeof(b)), -EINVAL);
}

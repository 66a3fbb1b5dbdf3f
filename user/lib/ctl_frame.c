// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Headers of the agent's answers into a VIF (ctl_frame.h): DHCPv4 over
 * IPv4/UDP, DHCPv6 and router advertisements over IPv6 (issue 11).
 */
#include <string.h>

#include "ctl_frame.h"
#include "util.h"
#include "wire_bytes.h"

static void eth(__u8 *out, const __u8 dst[6], const __u8 src[6], __u16 type)
{
	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	nl_put_be16(out + 12, type);
}

size_t nl_ctl_udp4(__u8 *out, const __u8 dst_mac[6], const __u8 src_mac[6], __be32 saddr,
		   __be32 daddr, __u16 sport, __u16 dport, size_t plen)
{
	__u8 *ip = out + 14, *udp = ip + 20, pseudo[4] = {0, 17};
	__u16 ulen = (__u16)(8 + plen), csum;
	__u32 s;

	eth(out, dst_mac, src_mac, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	nl_put_be16(ip + 2, (__u16)(20 + ulen));
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	csum = nl_csum_fold(nl_csum_add(0, ip, 20));
	nl_put_be16(ip + 10, csum);

	nl_put_be16(udp, sport);
	nl_put_be16(udp + 2, dport);
	nl_put_be16(udp + 4, ulen);
	nl_put_be16(udp + 6, 0);
	nl_put_be16(pseudo + 2, ulen);
	s = nl_csum_add(nl_csum_add(0, ip + 12, 8), pseudo, 4);
	csum = nl_csum_fold(nl_csum_add(s, udp, ulen));
	if (!csum)
		csum = 0xffff; /* RFC 768: 0 means "no checksum" */
	nl_put_be16(udp + 6, csum);
	return 14 + 20 + ulen;
}

size_t nl_ctl_ip6(__u8 *out, const __u8 dst_mac[6], const __u8 src_mac[6], const __u8 saddr[16],
		  const __u8 daddr[16], __u8 nexthdr, __u8 hlim, size_t plen, size_t csum_off)
{
	__u8 *ip = out + 14, *pl = ip + 40, pseudo[8] = {0};
	__u16 csum;
	__u32 s;

	eth(out, dst_mac, src_mac, 0x86dd);
	memset(ip, 0, 8);
	ip[0] = 0x60;
	nl_put_be16(ip + 4, (__u16)plen);
	ip[6] = nexthdr;
	ip[7] = hlim;
	memcpy(ip + 8, saddr, 16);
	memcpy(ip + 24, daddr, 16);
	/* RFC 8200 8.1: addresses, upper-layer length, next header */
	pseudo[2] = (__u8)(plen >> 8);
	pseudo[3] = (__u8)plen;
	pseudo[7] = nexthdr;
	pl[csum_off] = pl[csum_off + 1] = 0;
	s = nl_csum_add(nl_csum_add(0, ip + 8, 32), pseudo, 8);
	csum = nl_csum_fold(nl_csum_add(s, pl, plen));
	if (!csum && nexthdr == 17)
		csum = 0xffff;
	nl_put_be16(pl + csum_off, csum);
	return 14 + 40 + plen;
}

void nl_ctl_link_local(const __u8 mac[6], __u8 out[16])
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

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The DHCPv4 codec of the hypervisor's DHCP server (dhcp4.h, RFC 2131 and
 * RFC 2132; issue 11, docs/dhcp.md).  Every length is checked against the
 * frame before it is read: the input is a VM's frame (fuzzed by
 * tests/fuzz/fuzz_dhcp.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <arpa/inet.h>
#include <string.h>

#include "ctl_frame.h"
#include "dhcp4.h"
#include "wire_bytes.h"

#define BOOTP_FIXED  236 /* op .. file */
#define DHCP_COOKIE  0x63825363U
#define BOOTP_MIN    300 /* RFC 1542: some clients drop shorter BOOTP messages */
#define OPT_PAD	     0
#define OPT_MASK     1
#define OPT_ROUTER   3
#define OPT_DNS	     6
#define OPT_DOMAIN   15
#define OPT_MTU	     26
#define OPT_REQ_IP   50
#define OPT_LEASE    51
#define OPT_MSG_TYPE 53
#define OPT_SERVER   54
#define OPT_T1	     58
#define OPT_T2	     59
#define OPT_END	     255

/* the options after the cookie: the ones the server needs, each bounds-checked */
static int parse_options(const __u8 *o, size_t len, struct nl_dhcp4_msg *m)
{
	size_t i = 0;

	while (i < len) {
		__u8 code = o[i], olen;

		if (code == OPT_END)
			return 0;
		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len)
			return -EINVAL;
		olen = o[i + 1];
		if (i + 2 + olen > len)
			return -EINVAL;
		if ((code == OPT_MSG_TYPE && olen != 1) ||
		    ((code == OPT_REQ_IP || code == OPT_SERVER) && olen != 4))
			return -EINVAL;
		if (code == OPT_MSG_TYPE)
			m->type = o[i + 2];
		else if (code == OPT_REQ_IP)
			memcpy(&m->req_ip, o + i + 2, 4);
		else if (code == OPT_SERVER)
			memcpy(&m->server_id, o + i + 2, 4);
		i += 2 + (size_t)olen;
	}
	return 0; /* no END: what was there is used (RFC 2131 is lenient here) */
}

int nl_dhcp4_parse(const __u8 *frame, size_t len, struct nl_dhcp4_msg *m)
{
	const __u8 *ip = frame + 14, *udp, *b;
	size_t ihl, tot, ulen;

	memset(m, 0, sizeof(*m));
	if (len < 14 + 20 || nl_get_be16(frame + 12) != 0x0800)
		return -EINVAL;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	tot = nl_get_be16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || tot > len - 14 || ip[9] != 17 ||
	    (nl_get_be16(ip + 6) & 0x3fff))
		return -EINVAL;
	udp = ip + ihl;
	ulen = nl_get_be16(udp + 4);
	if (nl_get_be16(udp) != 68 || nl_get_be16(udp + 2) != 67 || ulen < 8 || ulen > tot - ihl)
		return -EINVAL;
	b = udp + 8;
	ulen -= 8;
	if (ulen < BOOTP_FIXED + 4 || b[0] != 1 || nl_get_be32(b + BOOTP_FIXED) != DHCP_COOKIE)
		return -EINVAL;
	/* Ethernet hardware addresses only: chaddr is the VM's MAC */
	if (b[1] != 1 || b[2] != 6)
		return -EINVAL;
	memcpy(m->src_mac, frame + 6, 6);
	memcpy(&m->xid, b + 4, 4);
	memcpy(&m->flags, b + 10, 2);
	memcpy(&m->ciaddr, b + 12, 4);
	memcpy(&m->giaddr, b + 24, 4);
	memcpy(m->chaddr, b + 28, 6);
	if (parse_options(b + BOOTP_FIXED + 4, ulen - BOOTP_FIXED - 4, m))
		return -EINVAL;
	if (m->type < NL_DHCP4_DISCOVER || m->type > NL_DHCP4_INFORM)
		return -EINVAL;
	return 0;
}

int nl_dhcp4_answer(const struct nl_dhcp4_msg *m, const struct nl_dhcp4_cfg *c)
{
	if (!c->ip || !c->server_id || m->giaddr || memcmp(m->chaddr, c->client_mac, 6))
		return 0;
	switch (m->type) {
	case NL_DHCP4_DISCOVER:
		return NL_DHCP4_OFFER;
	case NL_DHCP4_REQUEST:
		/* SELECTING: an answer to another server's offer is not ours */
		if (m->server_id && m->server_id != c->server_id)
			return 0;
		/* SELECTING and INIT-REBOOT name the address, RENEWING/REBINDING use it */
		if (m->req_ip)
			return m->req_ip == c->ip ? NL_DHCP4_ACK : NL_DHCP4_NAK;
		if (m->ciaddr)
			return m->ciaddr == c->ip ? NL_DHCP4_ACK : NL_DHCP4_NAK;
		return 0;
	case NL_DHCP4_INFORM:
		return m->ciaddr == c->ip ? NL_DHCP4_ACK : 0;
	default: /* RELEASE, DECLINE: nothing to answer, the address stays the VIF's */
		return 0;
	}
}

static __u8 *opt(__u8 *p, __u8 code, const void *v, __u8 len)
{
	p[0] = code;
	p[1] = len;
	memcpy(p + 2, v, len);
	return p + 2 + len;
}

static __u8 *opt32(__u8 *p, __u8 code, __u32 host)
{
	__u8 v[4];

	nl_put_be32(v, host);
	return opt(p, code, v, 4);
}

int nl_dhcp4_build(const struct nl_dhcp4_msg *m, const struct nl_dhcp4_cfg *c, int type, __u8 *out,
		   size_t cap)
{
	bool inform = m->type == NL_DHCP4_INFORM, lease = type != NL_DHCP4_NAK && !inform;
	__u8 *b = out + NL_CTL_UDP4_HLEN, *p, t = (__u8)type;
	size_t dlen = strnlen(c->domain, sizeof(c->domain) - 1), plen;
	__be32 yiaddr = lease ? c->ip : 0, daddr, mask;
	const __u8 *dst_mac = m->chaddr;

	if (cap < NL_DHCP4_FRAME_MAX)
		return -ENOSPC;
	memset(b, 0, BOOTP_MIN);
	b[0] = 2; /* BOOTREPLY */
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 4, &m->xid, 4);
	memcpy(b + 10, &m->flags, 2);
	if (type != NL_DHCP4_NAK)
		memcpy(b + 12, &m->ciaddr, 4);
	memcpy(b + 16, &yiaddr, 4);
	memcpy(b + 28, m->chaddr, 6);
	nl_put_be32(b + BOOTP_FIXED, DHCP_COOKIE);
	p = b + BOOTP_FIXED + 4;
	p = opt(p, OPT_MSG_TYPE, &t, 1);
	p = opt(p, OPT_SERVER, &c->server_id, 4);
	if (lease) {
		p = opt32(p, OPT_LEASE, c->lease_s);
		p = opt32(p, OPT_T1, c->lease_s / 2);
		p = opt32(p, OPT_T2, (__u32)((__u64)c->lease_s * 7 / 8));
	}
	if (type != NL_DHCP4_NAK) {
		mask = htonl(c->prefix_len ? ~0U << (32 - (c->prefix_len > 32 ? 32 : c->prefix_len))
					   : 0);
		p = opt(p, OPT_MASK, &mask, 4);
		if (c->router)
			p = opt(p, OPT_ROUTER, &c->router, 4);
		if (c->ndns)
			p = opt(p, OPT_DNS, c->dns,
				(__u8)(4 *
				       (c->ndns < NL_DHCP4_MAX_DNS ? c->ndns : NL_DHCP4_MAX_DNS)));
		if (dlen)
			p = opt(p, OPT_DOMAIN, c->domain, (__u8)dlen);
		if (c->mtu) {
			__u8 v[2] = {(__u8)(c->mtu >> 8), (__u8)c->mtu};

			p = opt(p, OPT_MTU, v, 2);
		}
	}
	*p++ = OPT_END;
	plen = (size_t)(p - b) < BOOTP_MIN ? BOOTP_MIN : (size_t)(p - b);

	/*
	 * RFC 2131 4.1 with giaddr 0: NAK broadcast; to a client with an
	 * address (ciaddr) unicast there; else broadcast if it asked, else to
	 * yiaddr.  At L2 the VIF is a point-to-point link: always its MAC.
	 */
	if (type == NL_DHCP4_NAK || (!m->ciaddr && (m->flags & htons(0x8000))))
		daddr = 0xffffffff;
	else
		daddr = m->ciaddr ? m->ciaddr : yiaddr;
	return (int)nl_ctl_udp4(out, dst_mac, c->server_mac, c->server_id, daddr, 67, 68, plen);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The DHCPv6 codec of the hypervisor's DHCP server (dhcp6.h, RFC 8415;
 * issue 11, docs/dhcp.md).  Every length is checked against the frame
 * before it is read: the input is a VM's frame (fuzzed by
 * tests/fuzz/fuzz_dhcp.c).
 */
#include <errno.h>
#include <string.h>

#include "ctl_frame.h"
#include "dhcp6.h"
#include "wire_bytes.h"

#define OPT_CLIENTID	 1
#define OPT_SERVERID	 2
#define OPT_IA_NA	 3
#define OPT_IAADDR	 5
#define OPT_STATUS	 13
#define OPT_RAPID_COMMIT 14
#define OPT_DNS		 23

__u8 nl_dhcp6_duid_ll(const __u8 mac[6], __u8 duid[NL_DHCP6_DUID_MAX])
{
	nl_put_be16(duid, 3);	  /* DUID-LL */
	nl_put_be16(duid + 2, 1); /* hardware type: Ethernet */
	memcpy(duid + 4, mac, 6);
	return 10;
}

int nl_dhcp6_parse(const __u8 *frame, size_t len, struct nl_dhcp6_msg *m)
{
	const __u8 *ip = frame + 14, *udp = ip + 40, *d;
	size_t plen, ulen, i;

	memset(m, 0, sizeof(*m));
	if (len < 14 + 40 + 8 + 4 || nl_get_be16(frame + 12) != 0x86dd || (ip[0] >> 4) != 6 ||
	    ip[6] != 17)
		return -EINVAL;
	plen = nl_get_be16(ip + 4);
	ulen = nl_get_be16(udp + 4);
	if (plen > len - 14 - 40 || ulen < 8 + 4 || ulen > plen || nl_get_be16(udp) != 546 ||
	    nl_get_be16(udp + 2) != 547)
		return -EINVAL;
	d = udp + 8;
	ulen -= 8;
	m->type = d[0];
	memcpy(m->xid, d + 1, 3);
	for (i = 4; i < ulen;) {
		__u16 code, olen;

		if (i + 4 > ulen)
			return -EINVAL;
		code = nl_get_be16(d + i);
		olen = nl_get_be16(d + i + 2);
		if (i + 4 + olen > ulen)
			return -EINVAL;
		if (code == OPT_CLIENTID || code == OPT_SERVERID) {
			if (!olen || olen > NL_DHCP6_DUID_MAX)
				return -EINVAL;
			if (code == OPT_CLIENTID) {
				m->client_id_len = (__u8)olen;
				memcpy(m->client_id, d + i + 4, olen);
			} else {
				m->server_id_len = (__u8)olen;
				memcpy(m->server_id, d + i + 4, olen);
			}
		} else if (code == OPT_IA_NA) {
			if (olen < 12)
				return -EINVAL;
			if (!m->has_ia_na) {
				m->has_ia_na = true;
				m->iaid = (__u32)d[i + 4] << 24 | (__u32)d[i + 5] << 16 |
					  (__u32)d[i + 6] << 8 | d[i + 7];
			}
		} else if (code == OPT_RAPID_COMMIT) {
			if (olen)
				return -EINVAL;
			m->rapid_commit = true;
		}
		i += 4 + (size_t)olen;
	}
	memcpy(m->src_mac, frame + 6, 6);
	memcpy(m->src, ip + 8, 16);
	switch (m->type) {
	case NL_DHCP6_SOLICIT:
	case NL_DHCP6_REQUEST:
	case NL_DHCP6_CONFIRM:
	case NL_DHCP6_RENEW:
	case NL_DHCP6_REBIND:
	case NL_DHCP6_RELEASE:
	case NL_DHCP6_DECLINE:
	case NL_DHCP6_INFO_REQUEST:
		return 0;
	default:
		return -EINVAL;
	}
}

static bool ours(const struct nl_dhcp6_msg *m, const struct nl_dhcp6_cfg *c)
{
	return m->server_id_len == c->duid_len && !memcmp(m->server_id, c->duid, c->duid_len);
}

int nl_dhcp6_answer(const struct nl_dhcp6_msg *m, const struct nl_dhcp6_cfg *c)
{
	if (memcmp(m->src_mac, c->client_mac, 6))
		return 0;
	switch (m->type) {
	case NL_DHCP6_SOLICIT: /* 16.2: Client ID, no Server ID */
		if (!m->client_id_len || m->server_id_len || !c->has_addr)
			return 0;
		return m->rapid_commit ? NL_DHCP6_REPLY : NL_DHCP6_ADVERTISE;
	case NL_DHCP6_REQUEST: /* 16.4, 16.6, 16.10, 16.11: ours only */
	case NL_DHCP6_RENEW:
	case NL_DHCP6_RELEASE:
	case NL_DHCP6_DECLINE:
		if (!m->client_id_len || !ours(m, c) ||
		    (!c->has_addr && m->type != NL_DHCP6_RELEASE && m->type != NL_DHCP6_DECLINE))
			return 0;
		return NL_DHCP6_REPLY;
	case NL_DHCP6_REBIND: /* 16.7: no Server ID */
		if (!m->client_id_len || m->server_id_len || !c->has_addr)
			return 0;
		return NL_DHCP6_REPLY;
	case NL_DHCP6_INFO_REQUEST: /* 16.12: a Server ID, if any, is ours */
		if (m->server_id_len && !ours(m, c))
			return 0;
		return NL_DHCP6_REPLY;
	default: /* Confirm: the client keeps asking others; silence is allowed */
		return 0;
	}
}

static __u8 *opt(__u8 *p, __u16 code, const void *v, __u16 len)
{
	nl_put_be16(p, code);
	nl_put_be16(p + 2, len);
	if (len)
		memcpy(p + 4, v, len);
	return p + 4 + len;
}

int nl_dhcp6_build(const struct nl_dhcp6_msg *m, const struct nl_dhcp6_cfg *c, int type, __u8 *out,
		   size_t cap)
{
	__u8 *udp = out + NL_CTL_IP6_HLEN, *d = udp + 8, *p;
	bool release = m->type == NL_DHCP6_RELEASE || m->type == NL_DHCP6_DECLINE;
	__u8 nd = c->ndns < NL_DHCP6_MAX_DNS ? c->ndns : NL_DHCP6_MAX_DNS;

	if (cap < NL_DHCP6_FRAME_MAX)
		return -ENOSPC;
	d[0] = (__u8)type;
	memcpy(d + 1, m->xid, 3);
	p = d + 4;
	p = opt(p, OPT_SERVERID, c->duid, c->duid_len);
	if (m->client_id_len)
		p = opt(p, OPT_CLIENTID, m->client_id, m->client_id_len);
	if (release) {
		__u8 st[2] = {0, 0}; /* Success */

		p = opt(p, OPT_STATUS, st, 2);
	} else if (m->has_ia_na && c->has_addr && m->type != NL_DHCP6_INFO_REQUEST) {
		__u8 ia[12 + 4 + 24];

		nl_put_be32(ia, m->iaid);
		nl_put_be32(ia + 4, c->lifetime_s / 2);
		nl_put_be32(ia + 8, (__u32)((__u64)c->lifetime_s * 4 / 5));
		nl_put_be16(ia + 12, OPT_IAADDR);
		nl_put_be16(ia + 14, 24);
		memcpy(ia + 16, c->addr, 16);
		nl_put_be32(ia + 32, c->lifetime_s);
		nl_put_be32(ia + 36, c->lifetime_s);
		p = opt(p, OPT_IA_NA, ia, sizeof(ia));
	}
	if (nd && !release)
		p = opt(p, OPT_DNS, c->dns, (__u16)(16 * nd));
	if (m->type == NL_DHCP6_SOLICIT && type == NL_DHCP6_REPLY)
		p = opt(p, OPT_RAPID_COMMIT, NULL, 0);
	nl_put_be16(udp, 547);
	nl_put_be16(udp + 2, 546);
	nl_put_be16(udp + 4, (__u16)(8 + (p - d)));
	return (int)nl_ctl_ip6(out, m->src_mac, c->server_mac, c->server_ll, m->src, 17, 64,
			       (size_t)(8 + (p - d)), 6);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * NL-ARP codec and validation.
 *
 * Rules, checked in this order (the first violated rule names the error):
 *   length      >= the version's body (44 bytes for 2, 112 for 3); trailing
 *               bytes (Ethernet padding) ignored
 *   version     NLARP_VERSION (3) or 2 (older agents: no IPv6 part)
 *   op          HERE, WHERE or NOT-HERE
 *   flags       no bit outside NLARP_F_KNOWN
 *   tenant      NL_TENANT_MIN..NL_TENANT_MAX_16 / NL_TENANT_MAX_24
 *   flag/op     BY_IP only on WHERE, and only with HAS_IP;
 *               GONE only on HERE, never with REPLY;
 *               REPLY only on HERE;
 *               WHERE by MAC must not carry HAS_IP
 *   ip          0 unless HAS_IP; with HAS_IP a unicast address: not
 *               0.0.0.0, not 127/8, not 224/4 (multicast), not 240/4
 *               (class E, includes 255.255.255.255)
 *   mac         WHERE by IP: all zero (the querier does not know it);
 *               otherwise unicast and non-zero
 *   location    WHERE: switch_mac, port and loc_version all zero;
 *               HERE / NOT-HERE: switch_mac unicast non-zero, port valid
 *               for the tenant scheme, and equal to the sender's location
 *               (a NA only ever speaks for its own location);
 *               HERE: loc_version != 0 (NOT-HERE may carry 0 = unknown)
 *   sender      sender_switch_mac unicast non-zero, sender_port valid
 *   ip6         (version 3) ip6_count <= 4, unused entries and reserved
 *               bytes zero; each address unicast (ip6.h: not ::, ::1,
 *               ff00::/8, fe80::/10, ::ffff:0:0/96), no duplicate; only
 *               HERE carries addresses, and WHERE by IP names exactly one
 *               address (HAS_IP and count 0, or count 1 without HAS_IP);
 *               version 2: count 0
 *
 * Port ranges: 16-bit scheme 1..255, 24-bit scheme 1..223 and not 127.
 */
#include <string.h>
#include <arpa/inet.h>
#include <endian.h>

#include "addr.h"
#include "ip6.h"
#include "nlarp_codec.h"

struct nlarp_err_desc {
	const char *name;
	const char *help;
};

#define NLARP_ERR_DESC(n, str, h) [NLARP_E_##n] = {str, h},
static const struct nlarp_err_desc nlarp_err_desc[NLARP_E_MAX] = {NLARP_ERRORS(NLARP_ERR_DESC)};
#undef NLARP_ERR_DESC

_Static_assert(sizeof(struct nlarp_msg) == NLARP_MSG_LEN_V2, "struct nlarp_msg layout");
_Static_assert(sizeof(struct nlarp_ip6_ext) == NLARP_IP6_EXT_LEN, "struct nlarp_ip6_ext layout");
_Static_assert(NLARP_MAX_IP6 == NL_VIF_MAX_IP6, "HERE carries every IPv6 address of a VIF");

size_t nlarp_body_len(__u8 version)
{
	if (version == NLARP_VERSION)
		return NLARP_MSG_LEN;
	if (version == NLARP_VERSION_V2)
		return NLARP_MSG_LEN_V2;
	return 0;
}

const char *nlarp_strerror(enum nlarp_err err)
{
	if ((unsigned int)err >= NLARP_E_MAX)
		return "unknown NL-ARP error";
	return nlarp_err_desc[err].help;
}

const char *nlarp_errname(enum nlarp_err err)
{
	if ((unsigned int)err >= NLARP_E_MAX)
		return "unknown";
	return nlarp_err_desc[err].name;
}

static bool mac_zero(const __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static bool mac_multicast(const __u8 *mac)
{
	return mac[0] & 1; /* includes ff:ff:ff:ff:ff:ff */
}

static bool ip_unicast(__be32 ip)
{
	__u32 a = ntohl(ip);

	if (a == 0)
		return false;
	if ((a >> 24) == 127)
		return false;
	if ((a >> 28) >= 0xe) /* 224/4 multicast, 240/4 class E + broadcast */
		return false;
	return true;
}

/* The VIF location (HERE, NOT-HERE, PROBE) */
static enum nlarp_err check_location(const struct nlarp_fields *m, int tenant_bits)
{
	if (mac_zero(m->switch_mac))
		return NLARP_E_SWITCH_MAC_ZERO;
	if (mac_multicast(m->switch_mac))
		return NLARP_E_SWITCH_MAC_MULTICAST;
	if (!nl_port_valid(m->port, tenant_bits))
		return NLARP_E_PORT;
	return NLARP_E_OK;
}

/* Where answers go: every message */
static enum nlarp_err check_sender(const struct nlarp_fields *m, int tenant_bits)
{
	if (mac_zero(m->sender_switch_mac))
		return NLARP_E_SENDER_MAC_ZERO;
	if (mac_multicast(m->sender_switch_mac))
		return NLARP_E_SENDER_MAC_MULTICAST;
	if (!nl_port_valid(m->sender_port, tenant_bits))
		return NLARP_E_SENDER_PORT;
	return NLARP_E_OK;
}

/* the IPv6 part on its own: count, unused bytes, each address, duplicates */
static enum nlarp_err check_ip6(const struct nlarp_fields *m)
{
	static const __u8 z[16];

	if (m->ip6_count > NLARP_MAX_IP6)
		return NLARP_E_IP6_COUNT;
	if (m->version == NLARP_VERSION_V2 && m->ip6_count)
		return NLARP_E_IP6_IN_V2;
	for (unsigned int i = m->ip6_count; i < NLARP_MAX_IP6; i++)
		if (memcmp(m->ip6[i], z, 16))
			return NLARP_E_IP6_COUNT;
	for (unsigned int i = 0; i < m->ip6_count; i++) {
		if (!nl_ip6_vif_unicast(m->ip6[i]))
			return NLARP_E_IP6_INVALID;
		for (unsigned int j = 0; j < i; j++)
			if (!memcmp(m->ip6[i], m->ip6[j], 16))
				return NLARP_E_IP6_DUPLICATE;
	}
	return NLARP_E_OK;
}

/* A PROBE carries only locations and the VLAN it tests (in mac_as) */
static enum nlarp_err validate_probe(const struct nlarp_fields *m, int tenant_bits)
{
	enum nlarp_err e;

	if ((m->flags & ~NLARP_F_REPLY) || m->tenant || m->ip || !mac_zero(m->mac) ||
	    m->mac_as > 4094)
		return NLARP_E_PROBE_FIELDS;
	e = check_location(m, tenant_bits);
	return e != NLARP_E_OK ? e : check_sender(m, tenant_bits);
}

enum nlarp_err nlarp_validate(const struct nlarp_fields *m, int tenant_bits)
{
	enum nlarp_err err;
	bool where, by_ip;

	if (!m || (tenant_bits != NL_TENANT_BITS_16 && tenant_bits != NL_TENANT_BITS_24))
		return NLARP_E_BAD_ARG;
	where = m->op == NLARP_WHERE;
	by_ip = m->flags & NLARP_F_BY_IP;
	if (m->version != NLARP_VERSION && m->version != NLARP_VERSION_V2)
		return NLARP_E_VERSION;
	if (m->op < NLARP_HERE || m->op > NLARP_PROBE)
		return NLARP_E_OP;
	err = check_ip6(m);
	if (err != NLARP_E_OK)
		return err;
	if (m->op == NLARP_PROBE)
		return m->ip6_count ? NLARP_E_IP6_NOT_HERE : validate_probe(m, tenant_bits);
	if (m->flags & ~NLARP_F_KNOWN)
		return NLARP_E_FLAGS_UNKNOWN;
	if (!nl_tenant_valid(m->tenant, tenant_bits))
		return NLARP_E_TENANT;
	/* it travels in one octet of the special address: 300 would alias 44 */
	if (!(where && by_ip) && !nl_mac_as_valid(m->mac_as, tenant_bits))
		return NLARP_E_MAC_AS;

	if (by_ip && !where)
		return NLARP_E_BY_IP_NOT_WHERE;
	if (by_ip && !(m->flags & NLARP_F_HAS_IP) && !m->ip6_count)
		return NLARP_E_BY_IP_WITHOUT_IP;
	if (by_ip && (!!(m->flags & NLARP_F_HAS_IP) + m->ip6_count) != 1)
		return NLARP_E_BY_IP_AMBIGUOUS;
	if (m->ip6_count && m->op != NLARP_HERE && !(where && by_ip))
		return NLARP_E_IP6_NOT_HERE;
	if ((m->flags & NLARP_F_GONE) && m->op != NLARP_HERE)
		return NLARP_E_GONE_NOT_HERE;
	if ((m->flags & NLARP_F_GONE) && (m->flags & NLARP_F_REPLY))
		return NLARP_E_GONE_REPLY;
	if ((m->flags & NLARP_F_REPLY) && m->op != NLARP_HERE)
		return NLARP_E_REPLY_NOT_HERE;
	if (where && !by_ip && (m->flags & NLARP_F_HAS_IP))
		return NLARP_E_WHERE_MAC_WITH_IP;

	if (!(m->flags & NLARP_F_HAS_IP)) {
		if (m->ip != 0)
			return NLARP_E_IP_WITHOUT_FLAG;
	} else if (!ip_unicast(m->ip)) {
		return NLARP_E_IP_INVALID;
	}

	if (where && by_ip) {
		if (!mac_zero(m->mac))
			return NLARP_E_MAC_SET_BY_IP;
	} else {
		if (mac_zero(m->mac))
			return NLARP_E_MAC_ZERO;
		if (mac_multicast(m->mac))
			return NLARP_E_MAC_MULTICAST;
	}

	if (where) {
		if (!mac_zero(m->switch_mac) || m->port != 0)
			return NLARP_E_WHERE_LOCATION;
		if (m->loc_version != 0)
			return NLARP_E_WHERE_VERSION;
	} else {
		enum nlarp_err e = check_location(m, tenant_bits);

		if (e != NLARP_E_OK)
			return e;
		if (m->op == NLARP_HERE && m->loc_version == 0)
			return NLARP_E_VERSION_ZERO;
	}

	err = check_sender(m, tenant_bits);
	if (err != NLARP_E_OK)
		return err;

	if (!where &&
	    (memcmp(m->switch_mac, m->sender_switch_mac, 6) != 0 || m->port != m->sender_port))
		return NLARP_E_LOC_NOT_SENDER;
	return NLARP_E_OK;
}

enum nlarp_err nlarp_decode(const void *buf, size_t len, int tenant_bits, struct nlarp_fields *out)
{
	struct nlarp_msg w;
	struct nlarp_ip6_ext x;
	size_t need;

	if (!buf || !out)
		return NLARP_E_BAD_ARG;
	if (len < NLARP_MSG_LEN_V2)
		return NLARP_E_SHORT;
	need = nlarp_body_len(*(const __u8 *)buf);
	if (!need)
		return NLARP_E_VERSION;
	if (len < need)
		return NLARP_E_SHORT;
	memcpy(&w, buf, sizeof(w)); /* no alignment assumption on buf */
	memset(&x, 0, sizeof(x));
	if (need == NLARP_MSG_LEN)
		memcpy(&x, (const __u8 *)buf + NLARP_MSG_LEN_V2, sizeof(x));
	if (x.reserved[0] || x.reserved[1] || x.reserved[2])
		return NLARP_E_IP6_COUNT;
	out->ip6_count = x.ip6_count;
	memcpy(out->ip6, x.ip6, sizeof(out->ip6));
	out->version = w.version;
	out->op = w.op;
	out->flags = ntohs(w.flags);
	out->tenant = ntohl(w.tenant);
	out->mac_as = ntohs(w.mac_as);
	memcpy(out->mac, w.mac, 6);
	out->ip = w.ip;
	memcpy(out->switch_mac, w.switch_mac, 6);
	out->port = ntohs(w.port);
	out->loc_version = be64toh(w.loc_version);
	memcpy(out->sender_switch_mac, w.sender_switch_mac, 6);
	out->sender_port = ntohs(w.sender_port);
	return nlarp_validate(out, tenant_bits);
}

enum nlarp_err nlarp_encode(const struct nlarp_fields *m, int tenant_bits, void *buf, size_t buflen)
{
	struct nlarp_msg w;
	struct nlarp_ip6_ext x = {};
	enum nlarp_err err;

	if (!m || !buf)
		return NLARP_E_BAD_ARG;
	if (buflen < nlarp_body_len(m->version) || buflen < NLARP_MSG_LEN_V2)
		return NLARP_E_SHORT;
	err = nlarp_validate(m, tenant_bits);
	if (err != NLARP_E_OK)
		return err;
	w.version = m->version;
	w.op = m->op;
	w.flags = htons(m->flags);
	w.tenant = htonl(m->tenant);
	w.mac_as = htons(m->mac_as);
	memcpy(w.mac, m->mac, 6);
	w.ip = m->ip;
	memcpy(w.switch_mac, m->switch_mac, 6);
	w.port = htons(m->port);
	w.loc_version = htobe64(m->loc_version);
	memcpy(w.sender_switch_mac, m->sender_switch_mac, 6);
	w.sender_port = htons(m->sender_port);
	memcpy(buf, &w, sizeof(w));
	if (m->version == NLARP_VERSION) {
		x.ip6_count = m->ip6_count;
		memcpy(x.ip6, m->ip6, sizeof(x.ip6));
		memcpy((__u8 *)buf + NLARP_MSG_LEN_V2, &x, sizeof(x));
	}
	return NLARP_E_OK;
}

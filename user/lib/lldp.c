// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * LLDP receive-side parser (IEEE 802.1AB), see lldp.h and docs/lldp.md.
 *
 * Frame
 *   - Destination: one of the three LLDP multicast addresses
 *     01:80:c2:00:00:0e (nearest bridge), 01:80:c2:00:00:03 (nearest
 *     non-TPMR bridge), 01:80:c2:00:00:00 (nearest customer bridge).
 *   - Ethertype 0x88cc, optionally after exactly one 802.1Q tag (0x8100);
 *     the tag's VID is reported in lldp_info.vlan.  Anything else, including
 *     a second tag or an 802.1ad (0x88a8) tag, is LLDP_E_NOT_LLDP.
 *
 * TLVs (7-bit type, 9-bit length, value)
 *   - The first three TLVs must be Chassis ID, Port ID and Time To Live, in
 *     this order (802.1AB 8.2); a repetition of any of them later in the
 *     LLDPDU is LLDP_E_DUP_MANDATORY.
 *   - Chassis ID: length 2..256; subtype 4 (MAC address) with exactly 6
 *     bytes of a unicast, non-zero MAC.  Every other subtype is rejected:
 *     the NA needs the switch MAC to address it.
 *   - Port ID: length 2..256 (subtype byte plus at least one ID byte).
 *   - TTL: length exactly 2.  TTL 0 is a shutdown LLDPDU: it is accepted and
 *     reported with lldp_info.shutdown set.  lldpd's shutdown LLDPDUs carry
 *     only Chassis ID, Port ID, TTL and End (no Port Description), so the
 *     port number is reported if the rules below give one in 1..255 and is
 *     0 otherwise; no port-number error is raised for a shutdown LLDPDU.
 *   - Port Description, System Name: length 0..255, at most one of each
 *     (LLDP_E_DUP_OPTIONAL).  Zero length is legal (an empty string).
 *   - End Of LLDPDU: length must be 0.  Bytes after it are ignored (they are
 *     Ethernet padding).  A frame that ends exactly on a TLV boundary
 *     without an End TLV is accepted (802.1AB-2009 made End optional); a
 *     TLV header or value cut short by the end of the frame is
 *     LLDP_E_TLV_TRUNCATED.
 *   - Every other TLV (System Description, Capabilities, Management
 *     Address, organizationally specific, reserved types) is skipped after
 *     its length has been checked against the frame.
 *
 * Port number (1..255, the p of the server address 10.p.0.1)
 *   1. If the Port ID subtype is textual -- 1 (interface alias),
 *      2 (port component), 5 (interface name) or 7 (locally assigned) --
 *      and its value ends in decimal digits, the number formed by those
 *      trailing digits is the port: "7" -> 7, "swp3" -> 3, "eth3" -> 3,
 *      "port-12" -> 12, "Ethernet1/12" -> 12, "swp03" -> 3.
 *   2. Otherwise (binary subtypes 3 MAC, 4 network address, 6 circuit ID,
 *      unknown subtypes, or a textual value without trailing digits) the
 *      trailing decimal digits of the Port Description TLV are used.
 *   3. Otherwise the LLDPDU is rejected with LLDP_E_NO_PORT_NUMBER.
 *   The first source that has trailing digits decides: if its number is
 *   0 or above 255 the LLDPDU is rejected with LLDP_E_PORT_RANGE (there is
 *   no silent fallback to the next source).  Leading zeros are allowed.
 *   Known limitation: breakout names such as "swp1s2" give 2.
 */
#include <string.h>

#include "lldp.h"
#include "wire_bytes.h"

#define ETH_HLEN    14
#define VLAN_HLEN   4
#define ETH_P_8021Q 0x8100

struct lldp_err_desc {
	const char *name;
	const char *help;
};

#define LLDP_ERR_DESC(n, str, h) [LLDP_E_##n] = {str, h},
static const struct lldp_err_desc lldp_err_desc[LLDP_E_MAX] = {LLDP_ERRORS(LLDP_ERR_DESC)};
#undef LLDP_ERR_DESC

const char *lldp_strerror(enum lldp_err err)
{
	if ((unsigned int)err >= LLDP_E_MAX)
		return "unknown LLDP error";
	return lldp_err_desc[err].help;
}

const char *lldp_errname(enum lldp_err err)
{
	if ((unsigned int)err >= LLDP_E_MAX)
		return "unknown";
	return lldp_err_desc[err].name;
}

static bool is_lldp_dst(const __u8 *mac)
{
	static const __u8 prefix[5] = {0x01, 0x80, 0xc2, 0x00, 0x00};

	if (memcmp(mac, prefix, sizeof(prefix)) != 0)
		return false;
	return mac[5] == 0x0e || mac[5] == 0x03 || mac[5] == 0x00;
}

static bool mac_is_zero(const __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* copy a TLV value as a printable NUL-terminated string (len <= 255) */
static void copy_printable(char *dst, const __u8 *src, size_t len)
{
	size_t i;

	if (len > LLDP_STR_MAX - 1)
		len = LLDP_STR_MAX - 1;
	for (i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[len] = '\0';
}

static void format_mac(char *dst, const __u8 *mac)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 6; i++) {
		dst[i * 3] = hex[mac[i] >> 4];
		dst[i * 3 + 1] = hex[mac[i] & 0xf];
		dst[i * 3 + 2] = i == 5 ? '\0' : ':';
	}
}

/*
 * Number formed by the trailing decimal digits of s[0..len).  Returns -1 if
 * s does not end in a digit; saturates at 100000 (anything above 255 is out
 * of range anyway).
 */
static long trailing_number(const __u8 *s, size_t len)
{
	size_t start = len;
	long v = 0;
	size_t i;

	while (start > 0 && s[start - 1] >= '0' && s[start - 1] <= '9')
		start--;
	if (start == len)
		return -1;
	for (i = start; i < len; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > 100000)
			v = 100000;
	}
	return v;
}

static bool port_subtype_is_text(__u8 subtype)
{
	return subtype == LLDP_PORT_SUBTYPE_ALIAS || subtype == LLDP_PORT_SUBTYPE_COMPONENT ||
	       subtype == LLDP_PORT_SUBTYPE_IFNAME || subtype == LLDP_PORT_SUBTYPE_LOCAL;
}

enum lldp_err lldp_parse(const void *frame, size_t len, struct lldp_info *info)
{
	const __u8 *p = frame;
	const __u8 *port_id = NULL, *port_desc = NULL;
	size_t port_id_len = 0, port_desc_len = 0;
	bool have_sys_name = false;
	unsigned int ntlv = 0;
	size_t off;
	__u16 ethertype;
	long port;

	memset(info, 0, sizeof(*info));
	if (len < ETH_HLEN)
		return LLDP_E_SHORT_FRAME;
	if (!is_lldp_dst(p))
		return LLDP_E_BAD_DST;
	memcpy(info->src_mac, p + 6, 6);
	off = 12;
	ethertype = nl_get_be16(p + off);
	if (ethertype == ETH_P_8021Q) {
		if (len < ETH_HLEN + VLAN_HLEN)
			return LLDP_E_SHORT_FRAME;
		info->vlan = nl_get_be16(p + off + 2) & 0x0fff;
		off += VLAN_HLEN;
		ethertype = nl_get_be16(p + off);
	}
	if (ethertype != LLDP_ETHERTYPE)
		return LLDP_E_NOT_LLDP;
	off += 2;

	for (;;) {
		unsigned int type;
		size_t tlen;
		const __u8 *v;

		if (off == len)
			break; /* no End TLV: allowed on a TLV boundary */
		if (len - off < 2)
			return LLDP_E_TLV_TRUNCATED;
		type = p[off] >> 1;
		tlen = (size_t)(p[off] & 1) << 8 | p[off + 1];
		off += 2;
		if (tlen > len - off)
			return LLDP_E_TLV_TRUNCATED;
		v = p + off;
		off += tlen;

		if (type == LLDP_TLV_END) {
			if (tlen != 0)
				return LLDP_E_BAD_END;
			break;
		}
		/* the three mandatory TLVs, in order */
		if (ntlv < 3) {
			static const enum lldp_err order_err[3] = {
				LLDP_E_FIRST_NOT_CHASSIS,
				LLDP_E_SECOND_NOT_PORT,
				LLDP_E_THIRD_NOT_TTL,
			};
			if (type != ntlv + 1)
				return order_err[ntlv];
		} else if (type == LLDP_TLV_CHASSIS_ID || type == LLDP_TLV_PORT_ID ||
			   type == LLDP_TLV_TTL) {
			return LLDP_E_DUP_MANDATORY;
		}
		ntlv++;

		switch (type) {
		case LLDP_TLV_CHASSIS_ID:
			if (tlen < 2)
				return LLDP_E_EMPTY_VALUE;
			if (tlen > 256)
				return LLDP_E_BAD_TLV_LEN;
			if (v[0] != LLDP_CHASSIS_SUBTYPE_MAC)
				return LLDP_E_CHASSIS_SUBTYPE;
			if (tlen != 7)
				return LLDP_E_CHASSIS_MAC_LEN;
			if ((v[1] & 1) || mac_is_zero(v + 1))
				return LLDP_E_CHASSIS_MAC_INVALID;
			memcpy(info->chassis_mac, v + 1, 6);
			break;
		case LLDP_TLV_PORT_ID:
			if (tlen < 2)
				return LLDP_E_EMPTY_VALUE;
			if (tlen > 256)
				return LLDP_E_BAD_TLV_LEN;
			info->port_id_subtype = v[0];
			port_id = v + 1;
			port_id_len = tlen - 1;
			break;
		case LLDP_TLV_TTL:
			if (tlen != 2)
				return LLDP_E_BAD_TLV_LEN;
			info->ttl = nl_get_be16(v);
			info->shutdown = info->ttl == 0;
			break;
		case LLDP_TLV_PORT_DESC:
			if (port_desc)
				return LLDP_E_DUP_OPTIONAL;
			if (tlen > 255)
				return LLDP_E_BAD_TLV_LEN;
			port_desc = v;
			port_desc_len = tlen;
			copy_printable(info->port_desc, v, tlen);
			break;
		case LLDP_TLV_SYS_NAME:
			if (have_sys_name)
				return LLDP_E_DUP_OPTIONAL;
			if (tlen > 255)
				return LLDP_E_BAD_TLV_LEN;
			have_sys_name = true;
			copy_printable(info->sys_name, v, tlen);
			break;
		default:
			break; /* length already checked against the frame */
		}
	}
	if (ntlv < 3)
		return LLDP_E_MISSING_MANDATORY;

	if (info->port_id_subtype == LLDP_PORT_SUBTYPE_MAC && port_id_len == 6)
		format_mac(info->port_id, port_id);
	else
		copy_printable(info->port_id, port_id, port_id_len);

	port = -1;
	if (port_subtype_is_text(info->port_id_subtype)) {
		port = trailing_number(port_id, port_id_len);
		info->port_source = LLDP_PORT_FROM_PORT_ID;
	}
	if (port < 0 && port_desc) {
		port = trailing_number(port_desc, port_desc_len);
		info->port_source = LLDP_PORT_FROM_PORT_DESC;
	}
	if (port < LLDP_PORT_MIN || port > LLDP_PORT_MAX) {
		/* a shutdown LLDPDU is valid without a usable port number */
		info->port_source = 0;
		if (info->shutdown)
			return LLDP_E_OK;
		return port < 0 ? LLDP_E_NO_PORT_NUMBER : LLDP_E_PORT_RANGE;
	}
	info->port = (__u16)port;
	return LLDP_E_OK;
}

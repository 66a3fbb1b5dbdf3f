/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * NL-ARP message codec: struct nlarp_msg (wire, big-endian, include/nlarp.h)
 * <-> struct nlarp_fields (host order), with strict validation.  The rules
 * are listed in nlarp.c.
 */
#ifndef NL_AGENT_NLARP_CODEC_H
#define NL_AGENT_NLARP_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include "nlarp.h"

/* the host-order view of one NL-ARP message */
struct nlarp_fields {
	__u8 version;
	__u8 op;     /* enum nlarp_op */
	__u16 flags; /* NLARP_F_* */
	__u32 tenant;
	__u16 mac_as;
	__u8 mac[6];
	__be32 ip; /* kept in network order, like every IPv4 field of the maps */
	__u8 switch_mac[6];
	__u16 port;
	__u64 loc_version;
	__u8 sender_switch_mac[6];
	__u16 sender_port;
	/* version 3: the VIF's IPv6 addresses (HERE), or the one a WHERE asks for */
	__u8 ip6_count;
	__u8 ip6[NLARP_MAX_IP6][16];
};

#define NLARP_ERRORS(X)                                                                         \
	X(OK, "ok", "valid message")                                                            \
	X(SHORT, "short", "shorter than NLARP_MSG_LEN (44) bytes")                              \
	X(BAD_ARG, "bad_arg", "invalid argument (NULL buffer or tenant_bits not 16/24)")        \
	X(VERSION, "version", "version is not NLARP_VERSION (3) or 2")                          \
	X(OP, "op", "op is not HERE, WHERE, NOT-HERE or PROBE")                                 \
	X(FLAGS_UNKNOWN, "flags_unknown", "unknown flag bits set")                              \
	X(TENANT, "tenant", "tenant ID outside NL_TENANT_MIN..max of the tenant scheme")        \
	X(MAC_AS, "mac_as", "MAC_AS_ID outside the range of the tenant scheme")                 \
	X(MAC_ZERO, "mac_zero", "VIF MAC is 00:00:00:00:00:00")                                 \
	X(MAC_MULTICAST, "mac_multicast", "VIF MAC is multicast or broadcast")                  \
	X(MAC_SET_BY_IP, "mac_set_by_ip", "WHERE by IP with a non-zero MAC")                    \
	X(IP_WITHOUT_FLAG, "ip_without_flag", "ip non-zero but HAS_IP not set")                 \
	X(IP_INVALID, "ip_invalid", "ip is 0, 127/8, multicast, class E or broadcast")          \
	X(WHERE_MAC_WITH_IP, "where_mac_with_ip", "WHERE by MAC with HAS_IP (ambiguous query)") \
	X(BY_IP_NOT_WHERE, "by_ip_not_where", "BY_IP flag on a HERE or NOT-HERE")               \
	X(BY_IP_WITHOUT_IP, "by_ip_without_ip", "BY_IP flag without HAS_IP")                    \
	X(GONE_NOT_HERE, "gone_not_here", "GONE flag on a WHERE or NOT-HERE")                   \
	X(GONE_REPLY, "gone_reply", "GONE and REPLY together")                                  \
	X(REPLY_NOT_HERE, "reply_not_here", "REPLY flag on a WHERE or NOT-HERE")                \
	X(SWITCH_MAC_ZERO, "switch_mac_zero", "location switch MAC is zero")                    \
	X(SWITCH_MAC_MULTICAST, "switch_mac_multicast", "location switch MAC is multicast")     \
	X(PORT, "port", "location port outside the range of the tenant scheme")                 \
	X(WHERE_LOCATION, "where_location", "WHERE with a non-zero location")                   \
	X(WHERE_VERSION, "where_version", "WHERE with a non-zero loc_version")                  \
	X(VERSION_ZERO, "loc_version_zero", "HERE with loc_version 0")                          \
	X(SENDER_MAC_ZERO, "sender_mac_zero", "sender switch MAC is zero")                      \
	X(SENDER_MAC_MULTICAST, "sender_mac_multicast", "sender switch MAC is multicast")       \
	X(SENDER_PORT, "sender_port", "sender port outside the range of the tenant scheme")     \
	X(LOC_NOT_SENDER, "loc_not_sender", "HERE/NOT-HERE location differs from the sender's") \
	X(PROBE_FIELDS, "probe_fields",                                                         \
	  "PROBE with a tenant, MAC, IP, flag other than REPLY or VLAN > 4094")                 \
	X(IP6_COUNT, "ip6_count", "more than 4 IPv6 addresses, or unused/reserved bytes set")   \
	X(IP6_INVALID, "ip6_invalid", "IPv6 address ::, ::1, multicast, link-local or mapped")  \
	X(IP6_DUPLICATE, "ip6_duplicate", "the same IPv6 address twice")                        \
	X(IP6_NOT_HERE, "ip6_not_here", "IPv6 addresses on a NOT-HERE, PROBE or WHERE by MAC")  \
	X(BY_IP_AMBIGUOUS, "by_ip_ambiguous", "WHERE by IP names not exactly one address")      \
	X(IP6_IN_V2, "ip6_in_v2", "IPv6 addresses in a version 2 message")

#define NLARP_ERR_ENUM(name, str, help) NLARP_E_##name,
enum nlarp_err { NLARP_ERRORS(NLARP_ERR_ENUM) NLARP_E_MAX };
#undef NLARP_ERR_ENUM

const char *nlarp_strerror(enum nlarp_err err);
const char *nlarp_errname(enum nlarp_err err);

/* Check every rule on a host-order message. */
enum nlarp_err nlarp_validate(const struct nlarp_fields *m, int tenant_bits);

/* the body length of NL-ARP version @version (44 for 2, 112 for 3), 0 if unknown */
size_t nlarp_body_len(__u8 version);

/*
 * Decode and validate.  The first byte names the version; len >= that
 * version's body length (nlarp_body_len) is accepted and later bytes are
 * ignored (Ethernet padding).  Version 2 bodies decode with ip6_count 0.
 * On error *out is unspecified.
 */
enum nlarp_err nlarp_decode(const void *buf, size_t len, int tenant_bits, struct nlarp_fields *out);

/*
 * Validate and encode into buf (buflen >= nlarp_body_len(m->version));
 * exactly that many bytes are written.  An invalid message is never
 * encoded.
 */
enum nlarp_err nlarp_encode(const struct nlarp_fields *m, int tenant_bits, void *buf,
			    size_t buflen);

#endif /* NL_AGENT_NLARP_CODEC_H */

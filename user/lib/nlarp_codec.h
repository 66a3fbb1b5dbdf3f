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
};

#define NLARP_ERRORS(X)                                                                         \
	X(OK, "ok", "valid message")                                                            \
	X(SHORT, "short", "shorter than NLARP_MSG_LEN (44) bytes")                              \
	X(BAD_ARG, "bad_arg", "invalid argument (NULL buffer or tenant_bits not 16/24)")        \
	X(VERSION, "version", "version is not NLARP_VERSION (2)")                               \
	X(OP, "op", "op is not HERE, WHERE, NOT-HERE or PROBE")                                 \
	X(FLAGS_UNKNOWN, "flags_unknown", "unknown flag bits set")                              \
	X(TENANT, "tenant", "tenant ID outside NL_TENANT_MIN..max of the tenant scheme")        \
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
	  "PROBE with a tenant, MAC, IP, flag other than REPLY or VLAN > 4094")

#define NLARP_ERR_ENUM(name, str, help) NLARP_E_##name,
enum nlarp_err { NLARP_ERRORS(NLARP_ERR_ENUM) NLARP_E_MAX };
#undef NLARP_ERR_ENUM

const char *nlarp_strerror(enum nlarp_err err);
const char *nlarp_errname(enum nlarp_err err);

/* Check every rule on a host-order message. */
enum nlarp_err nlarp_validate(const struct nlarp_fields *m, int tenant_bits);

/*
 * Decode and validate.  len >= NLARP_MSG_LEN is accepted and bytes after
 * the first NLARP_MSG_LEN are ignored: a broadcast copy arrives in an
 * Ethernet frame padded to 60 bytes, and a later version 1 message may only
 * grow at the end.  On error *out is unspecified.
 */
enum nlarp_err nlarp_decode(const void *buf, size_t len, int tenant_bits, struct nlarp_fields *out);

/*
 * Validate and encode into buf (buflen >= NLARP_MSG_LEN); exactly
 * NLARP_MSG_LEN bytes are written.  An invalid message is never encoded.
 */
enum nlarp_err nlarp_encode(const struct nlarp_fields *m, int tenant_bits, void *buf,
			    size_t buflen);

#endif /* NL_AGENT_NLARP_CODEC_H */

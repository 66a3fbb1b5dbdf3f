/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * LLDP (IEEE 802.1AB) receive-side parser for the Network Agent.
 *
 * The NA learns its edge switch (chassis MAC) and the switch port it hangs
 * off (1..255, for the server address 10.p.0.1) from the switch's LLDPDUs.
 * The accepted TLVs and the exact port-number rules are documented in
 * lldp.c and docs/lldp.md.
 */
#ifndef NL_AGENT_LLDP_H
#define NL_AGENT_LLDP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define LLDP_ETHERTYPE 0x88cc
#define LLDP_STR_MAX   256 /* TLV strings are at most 255 bytes + NUL */
#define LLDP_PORT_MIN  1
#define LLDP_PORT_MAX  255

/* LLDP TLV types used here (802.1AB-2016 table 8-1) */
enum lldp_tlv_type {
	LLDP_TLV_END = 0,
	LLDP_TLV_CHASSIS_ID = 1,
	LLDP_TLV_PORT_ID = 2,
	LLDP_TLV_TTL = 3,
	LLDP_TLV_PORT_DESC = 4,
	LLDP_TLV_SYS_NAME = 5,
	LLDP_TLV_SYS_DESC = 6,
	LLDP_TLV_SYS_CAP = 7,
	LLDP_TLV_MGMT_ADDR = 8,
	LLDP_TLV_ORG = 127,
};

#define LLDP_CHASSIS_SUBTYPE_MAC 4

enum lldp_port_subtype {
	LLDP_PORT_SUBTYPE_ALIAS = 1,
	LLDP_PORT_SUBTYPE_COMPONENT = 2,
	LLDP_PORT_SUBTYPE_MAC = 3,
	LLDP_PORT_SUBTYPE_NETADDR = 4,
	LLDP_PORT_SUBTYPE_IFNAME = 5,
	LLDP_PORT_SUBTYPE_CIRCUIT = 6,
	LLDP_PORT_SUBTYPE_LOCAL = 7,
};

/* where lldp_info.port came from */
enum lldp_port_source {
	LLDP_PORT_FROM_PORT_ID = 1,   /* trailing digits of the Port ID value */
	LLDP_PORT_FROM_PORT_DESC = 2, /* trailing digits of the Port Description */
};

#define LLDP_ERRORS(X)                                                                             \
	X(OK, "ok", "valid LLDPDU")                                                                \
	X(SHORT_FRAME, "short_frame", "frame shorter than an Ethernet header")                     \
	X(BAD_DST, "bad_dst", "destination is not an LLDP multicast address")                      \
	X(NOT_LLDP, "not_lldp", "ethertype is not LLDP (0x88cc), after at most one 802.1Q tag")    \
	X(TLV_TRUNCATED, "tlv_truncated", "TLV header or value runs past the end of the frame")    \
	X(MISSING_MANDATORY, "missing_mandatory", "frame ends before Chassis ID, Port ID and TTL") \
	X(FIRST_NOT_CHASSIS, "first_not_chassis", "first TLV is not Chassis ID")                   \
	X(SECOND_NOT_PORT, "second_not_port", "second TLV is not Port ID")                         \
	X(THIRD_NOT_TTL, "third_not_ttl", "third TLV is not Time To Live")                         \
	X(DUP_MANDATORY, "dup_mandatory", "Chassis ID, Port ID or TTL TLV repeated")               \
	X(DUP_OPTIONAL, "dup_optional", "Port Description or System Name TLV repeated")            \
	X(EMPTY_VALUE, "empty_value", "Chassis ID or Port ID without an ID after the subtype")     \
	X(BAD_TLV_LEN, "bad_tlv_len", "TLV length invalid for its type")                           \
	X(BAD_END, "bad_end", "End Of LLDPDU TLV with a non-zero length")                          \
	X(CHASSIS_SUBTYPE, "chassis_subtype", "Chassis ID subtype is not 4 (MAC address)")         \
	X(CHASSIS_MAC_LEN, "chassis_mac_len", "Chassis ID MAC address is not 6 bytes")             \
	X(CHASSIS_MAC_INVALID, "chassis_mac_invalid", "Chassis ID MAC is zero or multicast")       \
	X(NO_PORT_NUMBER, "no_port_number",                                                        \
	  "no decimal port number in Port ID or Port Description")                                 \
	X(PORT_RANGE, "port_range", "port number outside 1..255")

#define LLDP_ERR_ENUM(name, str, help) LLDP_E_##name,
enum lldp_err { LLDP_ERRORS(LLDP_ERR_ENUM) LLDP_E_MAX };
#undef LLDP_ERR_ENUM

struct lldp_info {
	__u8 chassis_mac[6];  /* the edge switch */
	__u16 port;	      /* 1..255; 0 only in a shutdown LLDPDU without a port number */
	__u16 ttl;	      /* seconds; 0 = shutdown LLDPDU */
	bool shutdown;	      /* ttl == 0: the switch withdraws this information */
	__u16 vlan;	      /* VID of the 802.1Q tag the frame had, 0 if untagged */
	__u8 src_mac[6];      /* Ethernet source of the frame */
	__u8 port_id_subtype; /* enum lldp_port_subtype (or any other value) */
	__u8 port_source;     /* enum lldp_port_source */
	/*
	 * Printable copies: non-printable bytes are replaced by '?'.  For the
	 * MAC Port ID subtype the value is shown as aa:bb:cc:dd:ee:ff.
	 */
	char port_id[LLDP_STR_MAX];
	char port_desc[LLDP_STR_MAX]; /* "" if the TLV is absent */
	char sys_name[LLDP_STR_MAX];  /* "" if the TLV is absent */
};

/*
 * Parse one raw Ethernet frame (destination MAC first, as read from an
 * AF_PACKET SOCK_RAW socket; no FCS).  On LLDP_E_OK *info is filled; on
 * error its content is unspecified.  Never reads outside frame[0..len).
 */
enum lldp_err lldp_parse(const void *frame, size_t len, struct lldp_info *info);

/* human-readable description and short counter name of an error code */
const char *lldp_strerror(enum lldp_err err);
const char *lldp_errname(enum lldp_err err);

#endif /* NL_AGENT_LLDP_H */

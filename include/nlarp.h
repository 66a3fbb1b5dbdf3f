/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * NL-ARP: the one message format shared by HERE, WHERE and NOT-HERE
 * (patent Fig. 5, [0027]-[0035]).  Byte layout in docs/wire-format.md.
 *
 * Broadcast copies travel as the payload of an Ethernet frame with
 * ethertype NL_ARP_ETHERTYPE on the broadcast VLAN; unicast copies as the
 * payload of a UDP datagram to NL_ARP_UDP_PORT at the peer's server address.
 * All multi-byte fields are big-endian.
 */
#ifndef NLARP_H
#define NLARP_H

#include "netlord.h"

/*
 * 2: every message carries the authentication trailer below (version 1,
 * the bare 44-byte body, is refused).
 * 3: the body grows by struct nlarp_ip6_ext (the VIF's IPv6 addresses,
 * issue 11).  Version 2 messages (older agents) are still decoded, as
 * messages without IPv6 addresses, and counted (nlarp_rx_v2).
 */
#define NLARP_VERSION	 3
#define NLARP_VERSION_V2 2

enum nlarp_op {
	NLARP_HERE = 1,	    /* "this VIF is at this location" */
	NLARP_WHERE = 2,    /* "who hosts this VIF?" */
	NLARP_NOT_HERE = 3, /* "that VIF is not at my location" */
	/*
	 * VLAN path liveness between two NAs: a PROBE unicast on path VLAN
	 * `mac_as` is answered (REPLY flag) on the same VLAN; tenant, MAC and
	 * IP are 0, loc_version is the prober's nonce.
	 */
	NLARP_PROBE = 4,
};

#define NLARP_F_HAS_IP (1U << 0) /* ip is valid */
#define NLARP_F_BY_IP  (1U << 1) /* WHERE asks by (tenant, ip), not by MAC */
#define NLARP_F_GONE   (1U << 2) /* HERE withdrawing a deleted VIF */
#define NLARP_F_REPLY  (1U << 3) /* unicast answer to a WHERE */
#define NLARP_F_KNOWN  (NLARP_F_HAS_IP | NLARP_F_BY_IP | NLARP_F_GONE | NLARP_F_REPLY)

struct nlarp_msg {
	__u8 version; /* NLARP_VERSION */
	__u8 op;      /* enum nlarp_op */
	__be16 flags; /* NLARP_F_* */
	__be32 tenant;
	__be16 mac_as;
	__u8 mac[6];
	__be32 ip; /* 0 unless NLARP_F_HAS_IP */
	/* the VIF's location (HERE), or the location that lacks it (NOT-HERE) */
	__u8 switch_mac[6];
	__be16 port;
	/* ordering: the larger version of one VIF's location wins */
	__be64 loc_version;
	/* who sent this message, so answers can be unicast back */
	__u8 sender_switch_mac[6];
	__be16 sender_port;
} __attribute__((packed));

#define NLARP_MSG_LEN_V2 44 /* the body of version 2 */

/*
 * Version 3: the 44 bytes above, then the VIF's IPv6 addresses.  HERE
 * (with or without GONE) carries every IPv6 address of the VIF (0..4);
 * WHERE by IP asks for exactly one address: an IPv4 one (HAS_IP, count 0)
 * or an IPv6 one (no HAS_IP, count 1); other messages carry none.  Unused
 * entries and the reserved bytes are zero.
 */
#define NLARP_MAX_IP6 4

struct nlarp_ip6_ext {
	__u8 ip6_count; /* used entries of ip6[] */
	__u8 reserved[3];
	__u8 ip6[NLARP_MAX_IP6][16];
} __attribute__((packed));

#define NLARP_IP6_EXT_LEN 68
#define NLARP_MSG_LEN	  (NLARP_MSG_LEN_V2 + NLARP_IP6_EXT_LEN) /* 112: version 3 */

/*
 * The authentication trailer that follows the body of every version 2
 * (44 bytes) and version 3 (112 bytes) message (user/lib/nlarp_auth.c, docs/wire-format.md
 * section 4.1): the MAC is HMAC-SHA-256 under the fleet key `key_id`, truncated to 16 bytes, over
 * the body and the trailer up to the MAC.
 */
#define NLARP_AUTH_F_UNICAST (1U << 0) /* sent as a unicast copy (UDP), else broadcast */

struct nlarp_auth_trailer {
	__be32 key_id; /* which fleet key; 0 = unauthenticated (--insecure-no-auth) */
	__u8 flags;    /* NLARP_AUTH_F_* */
	__u8 reserved[3];
	__be64 timestamp_ms; /* sender's wall clock, milliseconds since the epoch */
	__be64 seq;	     /* per sender and channel, +1 per message */
	__u8 nonce[8];	     /* random */
	__u8 mac[16];	     /* HMAC-SHA-256(key, body + trailer[0..31]), first 16 bytes */
} __attribute__((packed));

#define NLARP_AUTH_LEN	      48
#define NLARP_AUTH_MAC_LEN    16
#define NLARP_AUTH_MSG_LEN    (NLARP_MSG_LEN + NLARP_AUTH_LEN)	  /* 160: version 3 */
#define NLARP_AUTH_MSG_LEN_V2 (NLARP_MSG_LEN_V2 + NLARP_AUTH_LEN) /* 92 */

#endif /* NLARP_H */

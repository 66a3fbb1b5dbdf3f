/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DHCPv4 (RFC 2131, RFC 2132) as the hypervisor answers it for its own VMs
 * (issue 11, docs/dhcp.md): a pure codec, no I/O.  nl_dhcp4_parse() reads a
 * VM's whole Ethernet frame, nl_dhcp4_answer() decides what the server
 * says to it from the VIF's definition, nl_dhcp4_build() writes the answer
 * frame.  Each VM owns exactly one address, so there is no pool and no
 * lease table: the answer only depends on the request and the VIF.  The
 * NA keeps its VMs' configuration local as proxy ARP does (patent [0035]).
 */
#ifndef NL_DHCP4_H
#define NL_DHCP4_H

#include <stddef.h>
#include <linux/types.h>

#define NL_DHCP4_MAX_DNS    4
#define NL_DHCP4_DOMAIN_MAX 64
#define NL_DHCP4_FRAME_MAX  1024 /* our answers are never longer */

enum nl_dhcp4_type {
	NL_DHCP4_DISCOVER = 1,
	NL_DHCP4_OFFER = 2,
	NL_DHCP4_REQUEST = 3,
	NL_DHCP4_DECLINE = 4,
	NL_DHCP4_ACK = 5,
	NL_DHCP4_NAK = 6,
	NL_DHCP4_RELEASE = 7,
	NL_DHCP4_INFORM = 8,
};

/* a client's message; addresses in network order, 0 = absent */
struct nl_dhcp4_msg {
	__u8 type; /* enum nl_dhcp4_type (option 53) */
	__u8 src_mac[6];
	__u8 chaddr[6];
	__be32 xid;
	__be16 flags; /* bit 15: the client wants broadcast answers */
	__be32 ciaddr, giaddr;
	__be32 req_ip;	  /* option 50 */
	__be32 server_id; /* option 54 */
};

/* what the server hands the VIF's VM (from its definition and its subnet's settings) */
struct nl_dhcp4_cfg {
	__u8 client_mac[6]; /* the VIF's MAC: chaddr must be it */
	__u8 server_mac[6]; /* source of the answers: the virtual router's MAC */
	__be32 ip;	    /* the VIF's address; 0 = no answer at all */
	__u8 prefix_len;
	__be32 router;	  /* option 3, 0 = none */
	__be32 server_id; /* option 54 and the answers' source address */
	__u32 lease_s;	  /* option 51; T1 = lease/2, T2 = lease*7/8 */
	__u16 mtu;	  /* option 26, 0 = none */
	__u8 ndns;
	__be32 dns[NL_DHCP4_MAX_DNS];	  /* option 6 */
	char domain[NL_DHCP4_DOMAIN_MAX]; /* option 15, "" = none */
};

/*
 * Parse @len bytes of Ethernet frame @frame: IPv4, UDP 68 -> 67, a
 * BOOTREQUEST with the DHCP cookie and a message type.  0, or -EINVAL
 * (malformed, truncated, not DHCP).
 */
int nl_dhcp4_parse(const __u8 *frame, size_t len, struct nl_dhcp4_msg *m);

/*
 * What the server answers @m with (RFC 2131 4.3): NL_DHCP4_OFFER,
 * NL_DHCP4_ACK, NL_DHCP4_NAK, or 0 for silence (RELEASE, DECLINE, another
 * server's REQUEST, a chaddr that is not the VIF's, a relayed message, a
 * VIF without an address).
 */
int nl_dhcp4_answer(const struct nl_dhcp4_msg *m, const struct nl_dhcp4_cfg *c);

/* The answer @type to @m as an Ethernet frame into @out; its length or -ENOSPC */
int nl_dhcp4_build(const struct nl_dhcp4_msg *m, const struct nl_dhcp4_cfg *c, int type, __u8 *out,
		   size_t cap);

#endif /* NL_DHCP4_H */

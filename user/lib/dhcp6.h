/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DHCPv6 (RFC 8415) as the hypervisor answers it for its own VMs in the
 * subnets of managed mode (issue 11, docs/dhcp.md): a pure codec, no I/O.
 * Each VM owns the VIF's address, so there is no pool and no binding
 * table: the answer only depends on the message and the VIF.  The NA keeps
 * its VMs' configuration local as proxy ARP does (patent [0035]).
 */
#ifndef NL_DHCP6_H
#define NL_DHCP6_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define NL_DHCP6_DUID_MAX  130 /* RFC 8415 11.1: 2 + 128 */
#define NL_DHCP6_MAX_DNS   4
#define NL_DHCP6_FRAME_MAX 1024

enum nl_dhcp6_type {
	NL_DHCP6_SOLICIT = 1,
	NL_DHCP6_ADVERTISE = 2,
	NL_DHCP6_REQUEST = 3,
	NL_DHCP6_CONFIRM = 4,
	NL_DHCP6_RENEW = 5,
	NL_DHCP6_REBIND = 6,
	NL_DHCP6_REPLY = 7,
	NL_DHCP6_RELEASE = 8,
	NL_DHCP6_DECLINE = 9,
	NL_DHCP6_INFO_REQUEST = 11,
};

/* a client's message */
struct nl_dhcp6_msg {
	__u8 type;
	__u8 xid[3];
	__u8 src_mac[6];
	__u8 src[16];			   /* IPv6 source: where the answer goes */
	__u8 client_id_len, server_id_len; /* 0 = option absent */
	__u8 client_id[NL_DHCP6_DUID_MAX];
	__u8 server_id[NL_DHCP6_DUID_MAX];
	bool has_ia_na; /* the first IA_NA: its IAID */
	__u32 iaid;
	bool rapid_commit;
};

/* what the server hands the VIF's VM */
struct nl_dhcp6_cfg {
	__u8 client_mac[6]; /* the VIF's MAC */
	__u8 server_mac[6]; /* the virtual router's MAC */
	__u8 server_ll[16]; /* its link-local address: the answers' source */
	__u8 duid_len;
	__u8 duid[NL_DHCP6_DUID_MAX]; /* the server's DUID */
	bool has_addr;		      /* a managed subnet: @addr is the VM's */
	__u8 addr[16];
	__u32 lifetime_s; /* preferred = valid lifetime; T1 = 1/2, T2 = 4/5 of it */
	__u8 ndns;
	__u8 dns[NL_DHCP6_MAX_DNS][16]; /* option 23 */
};

/*
 * Parse @len bytes of Ethernet frame @frame: IPv6, UDP 546 -> 547, a
 * client message with every option inside its bounds.  0 or -EINVAL.
 */
int nl_dhcp6_parse(const __u8 *frame, size_t len, struct nl_dhcp6_msg *m);

/*
 * What the server answers @m with (RFC 8415 16 and 18.3):
 * NL_DHCP6_ADVERTISE, NL_DHCP6_REPLY, or 0 for silence (no Client ID,
 * another server's message, Confirm, an address request where the VIF has
 * none in a managed subnet).
 */
int nl_dhcp6_answer(const struct nl_dhcp6_msg *m, const struct nl_dhcp6_cfg *c);

/* The answer @type to @m as an Ethernet frame into @out; its length or -ENOSPC */
int nl_dhcp6_build(const struct nl_dhcp6_msg *m, const struct nl_dhcp6_cfg *c, int type, __u8 *out,
		   size_t cap);

/* the DUID-LL (RFC 8415 11.4) of Ethernet address @mac into @duid; its length */
__u8 nl_dhcp6_duid_ll(const __u8 mac[6], __u8 duid[NL_DHCP6_DUID_MAX]);

#endif /* NL_DHCP6_H */

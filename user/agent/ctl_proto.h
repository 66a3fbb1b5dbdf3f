/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The control protocol between `na-loader <verb>` and the running agent,
 * over /run/netlord/<iface>.sock (root only).  One request per connection:
 * the client parses the command line into a struct na_request once, checks
 * it with na_request_check() and sends the struct; the agent checks it
 * again with the same function and answers with a first line "ok" or
 * "error <errno> <message>", followed by the verb's output.
 */
#ifndef NA_CTL_PROTO_H
#define NA_CTL_PROTO_H

#include <net/if.h>
#include <stddef.h>

#include "netlord.h"

#define NA_REQ_MAGIC 0x4e4c5232 /* "NLR2": also changes with the layout */

enum na_req_verb {
	NA_REQ_VIF_ADD = 1,
	NA_REQ_VIF_DEL,
	NA_REQ_VIF_LIST,
	NA_REQ_STATUS,
	NA_REQ_STATS,
	NA_REQ_NART_SHOW,
	NA_REQ_NART_SET,    /* debug: NART-2 key -> location, version */
	NA_REQ_NART_DEL,    /* debug: NART-2 key */
	NA_REQ_NART_DEL_IP, /* debug: NART-1 (tenant, ip) */
	NA_REQ_REFRESH,	    /* re-fetch the VLAN table */
	NA_REQ_QUIT,
	NA_REQ_MAX
};

#define NA_REQ_F_JSON (1U << 0)

/*
 * vif add: --mac-as not given (the MAC space of the tenants file's subnet,
 * else 0), and a prefix length 0 (--ip/--ip6 without /len: the subnet's);
 * the agent resolves both (vif_check.h) before adding the VIF.
 */
#define NA_MAC_AS_UNSET 0xffff

struct na_request {
	__u32 magic;
	__u32 verb;		  /* enum na_req_verb */
	__u32 flags;		  /* NA_REQ_F_* */
	char ifname[IF_NAMESIZE]; /* vif add/del: the VIF's host-side interface */
	/* vif add: tenant, mac_as, mac, ip, prefix_len, router_ip */
	struct nl_vif vif;
	struct nl_vif_ip6 vif6; /* vif add: IPv6 addresses (count 0 = none) */
	/* nart set/del */
	struct nl_vif_key key;
	__be32 ip; /* nart del by IP */
	__u8 switch_mac[6];
	__u16 port;
	__u64 version;
};

/*
 * 0 if @r is a well-formed request of its verb, else -EINVAL with the
 * reason in @err.  Values that depend on the agent's tenant scheme are
 * checked by the agent when it carries the request out.
 */
int na_request_check(const struct na_request *r, char *err, size_t errlen);

#endif /* NA_CTL_PROTO_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The NetLord address scheme, user-space side (patent [0019]-[0021],
 * [0055]; bpf/lib/addr.h is the datapath's side): which tenant IDs, switch
 * ports and MAC_AS_IDs a tenant scheme can carry in its special addresses,
 * and the server address 10.p.0.1 (16-bit scheme) or p.0.0.1 (24-bit).
 */
#ifndef NL_ADDR_H
#define NL_ADDR_H

#include <stdbool.h>
#include <linux/types.h>

/* 16-bit scheme: 1..255; 24-bit scheme: 1..223 except 127 (a first octet) */
bool nl_port_valid(unsigned int port, int tenant_bits);
/* NL_TENANT_MIN..NL_TENANT_MAX_16 or NL_TENANT_MAX_24 */
bool nl_tenant_valid(__u32 tenant, int tenant_bits);
/* MAC_AS_ID travels in one octet of the outer source address */
bool nl_mac_as_valid(__u32 mac_as, int tenant_bits);
/* the server address for @port, network order */
__be32 nl_server_addr(int tenant_bits, __u16 port);
/* prefix length of the edge switch's route for one port: 16 or 8 */
int nl_server_prefix_len(int tenant_bits);

#endif /* NL_ADDR_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The address scheme (addr.h). */
#include <arpa/inet.h>

#include "netlord.h"
#include "addr.h"

bool nl_port_valid(unsigned int port, int tenant_bits)
{
	if (tenant_bits == NL_TENANT_BITS_16)
		return port >= 1 && port <= 255;
	if (tenant_bits == NL_TENANT_BITS_24)
		return port >= 1 && port <= 223 && port != 127;
	return false;
}

bool nl_tenant_valid(__u32 tenant, int tenant_bits)
{
	if (tenant_bits == NL_TENANT_BITS_16)
		return tenant >= NL_TENANT_MIN && tenant <= NL_TENANT_MAX_16;
	if (tenant_bits == NL_TENANT_BITS_24)
		return tenant >= NL_TENANT_MIN && tenant <= NL_TENANT_MAX_24;
	return false;
}

bool nl_mac_as_valid(__u32 mac_as, int tenant_bits)
{
	if (tenant_bits == NL_TENANT_BITS_24)
		return nl_port_valid(mac_as, tenant_bits); /* the first octet's rules */
	return mac_as <= 255;
}

__be32 nl_server_addr(int tenant_bits, __u16 port)
{
	if (tenant_bits == NL_TENANT_BITS_24)
		return htonl(((__u32)port << 24) | NL_SERVER_HOST_ID);
	return htonl((10U << 24) | ((__u32)port << 16) | NL_SERVER_HOST_ID);
}

int nl_server_prefix_len(int tenant_bits)
{
	return tenant_bits == NL_TENANT_BITS_24 ? 8 : 16;
}

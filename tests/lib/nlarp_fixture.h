/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The NL-ARP message the unit tests start from (tests/unit/test_nlarp.c,
 * tests/unit/test_nlarp_auth.c): a HERE (patent [0027]-[0029]) for VM vm1 of
 * tenant 12.25 behind port 7 of switch sw7, with an IP and a location
 * version; tests derive the other operations from it.
 */
#ifndef NETLORD_TESTS_NLARP_FIXTURE_H
#define NETLORD_TESTS_NLARP_FIXTURE_H

#include <arpa/inet.h>
#include <string.h>

#include "nlarp_codec.h"

static const __u8 sw7[6] = {0x0c, 0x42, 0xa1, 0x00, 0x00, 0x07};
static const __u8 vm1[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static inline struct nlarp_fields here(void)
{
	struct nlarp_fields m = {
		.version = NLARP_VERSION,
		.op = NLARP_HERE,
		.flags = NLARP_F_HAS_IP,
		.tenant = 12 << 8 | 25,
		.mac_as = 3,
		.ip = htonl(0x0a000005),
		.port = 7,
		.loc_version = 0x0000019a2b3c4d5eULL,
		.sender_port = 7,
	};

	memcpy(m.mac, vm1, 6);
	memcpy(m.switch_mac, sw7, 6);
	memcpy(m.sender_switch_mac, sw7, 6);
	return m;
}

#endif /* NETLORD_TESTS_NLARP_FIXTURE_H */

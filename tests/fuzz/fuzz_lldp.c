// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for lldp_parse(): the input is one raw Ethernet frame.
 * Besides the sanitizers' memory checks it aborts on any broken invariant
 * of an accepted frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lldp.h"

static void check_str(const char *s)
{
	size_t n = strnlen(s, LLDP_STR_MAX);

	if (n >= LLDP_STR_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lldp_info li;
	enum lldp_err err = lldp_parse(data, size, &li);

	if ((unsigned int)err >= LLDP_E_MAX || !lldp_errname(err) || !lldp_strerror(err))
		abort();
	if (err != LLDP_E_OK)
		return 0;
	if (size < 14 + 9 + 4 + 4)
		abort(); /* cannot hold Ethernet + Chassis ID + Port ID + TTL */
	if (li.shutdown != (li.ttl == 0))
		abort();
	if (li.port > LLDP_PORT_MAX || (li.port == 0 && !li.shutdown))
		abort();
	if ((li.chassis_mac[0] & 1) || li.vlan > 4095)
		abort();
	if (li.port && li.port_source != LLDP_PORT_FROM_PORT_ID &&
	    li.port_source != LLDP_PORT_FROM_PORT_DESC)
		abort();
	check_str(li.port_id);
	check_str(li.port_desc);
	check_str(li.sys_name);
	return 0;
}

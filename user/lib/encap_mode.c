// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Encapsulation mode and receive path names, and the --rx auto rule
 * (encap_mode.h; docs/wire-format.md section 2, docs/performance.md).
 */
#include <errno.h>
#include <string.h>

#include "encap_mode.h"
#include "netlord.h"

static const char *const encap_names[] = {
	[NL_ENCAP_IP] = "ip",
	[NL_ENCAP_UDP] = "udp",
	[NL_ENCAP_GRE] = "gre",
};

static const char *const rx_names[] = {
	[NL_RX_AUTO] = "auto",
	[NL_RX_XDP] = "xdp",
	[NL_RX_TC] = "tc",
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *nl_encap_name(int mode)
{
	return mode >= 0 && mode < N(encap_names) ? encap_names[mode] : "?";
}

int nl_encap_parse(const char *s)
{
	for (int i = 0; i < N(encap_names); i++)
		if (!strcmp(s, encap_names[i]))
			return i;
	return -EINVAL;
}

const char *nl_rx_name(int rx)
{
	return rx >= 0 && rx < N(rx_names) ? rx_names[rx] : "?";
}

int nl_rx_parse(const char *s)
{
	for (int i = 0; i < N(rx_names); i++)
		if (!strcmp(s, rx_names[i]))
			return i;
	return -EINVAL;
}

int nl_rx_resolve(int rx, int encap_mode, bool native_xdp)
{
	if (rx != NL_RX_AUTO)
		return rx;
	if (encap_mode == NL_ENCAP_GRE || !native_xdp)
		return NL_RX_TC;
	return NL_RX_XDP;
}

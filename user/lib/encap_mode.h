/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Names of the encapsulation modes (--encap ip|udp|gre, docs/wire-format.md
 * section 2; patent [0046]-[0047] and the UDP variant of [0055]) and of the
 * uplink receive paths (--rx xdp|tc|auto, docs/performance.md), and the rule
 * that resolves --rx auto.  Shared by na-loader and the benchmark loader.
 */
#ifndef NL_ENCAP_MODE_H
#define NL_ENCAP_MODE_H

#include <stdbool.h>

#include "netlord.h"

/*
 * The mode `na-loader attach` uses without --encap: gre, chosen by
 * measurement (docs/performance.md, "The default encapsulation"): with the
 * receive path after GRO it is the only mode that meets every bench-e2e
 * target against Linux VXLAN.  The patent's own encapsulation stays
 * available as --encap ip.
 */
#define NL_ENCAP_DEFAULT NL_ENCAP_GRE

enum nl_rx_path {
	NL_RX_AUTO = 0,
	NL_RX_XDP = 1, /* nl_uplink_xdp before GRO (+ nl_uplink_tc hand-off) */
	NL_RX_TC = 2,  /* nl_uplink_rx_tc after GRO, no XDP program */
};

/* "ip", "udp", "gre"; "?" for anything else */
const char *nl_encap_name(int mode);
/* enum nl_encap_mode of @s, or -EINVAL */
int nl_encap_parse(const char *s);
/* "auto", "xdp", "tc" */
const char *nl_rx_name(int rx);
/* enum nl_rx_path of @s, or -EINVAL */
int nl_rx_parse(const char *s);
/*
 * --rx auto: tc (after GRO) when the kernel can GRO-merge the mode's frames
 * (gre) or when only generic XDP is available (it linearizes every frame and
 * bypasses GRO); XDP otherwise (ip, udp: no GRO for them, and XDP drops
 * hostile frames before an skb exists).  Figures: docs/performance.md.
 */
int nl_rx_resolve(int rx, int encap_mode, bool native_xdp);

#endif /* NL_ENCAP_MODE_H */

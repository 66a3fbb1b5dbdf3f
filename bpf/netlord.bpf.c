// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The NetLord datapath: one object, so every program shares one set of maps.
 *   nl_vif_ingress  tc ingress on each VIF       forwarding + encapsulation
 *   nl_uplink_xdp   XDP on the uplink            receive + decapsulation
 *   nl_uplink_tc    tc ingress on the uplink     delivery for non-XDP VIFs
 */
#include "forward.h"
#include "receive.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

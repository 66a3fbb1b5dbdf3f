/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `vif add` against the tenants file in force (docs/tenants.md, issue 16;
 * patent [0013]: a tenant's subnets, each backed by one MAC address space
 * and with a virtual router address).  When the file defines the VIF's
 * tenant, every address must lie in one of the tenant's subnets (not on its
 * virtual router, nor an IPv4 subnet's network or broadcast address), and
 * what the request leaves out comes from the subnets: the prefix lengths,
 * the IPv4 and IPv6 routers and the MAC space; a value given that
 * contradicts the file is refused.  Without a file, or for a tenant the
 * file does not define, the request stays as given.  Pure: no maps, no
 * agent state, so the unit tests run this very code.
 */
#ifndef NA_VIF_CHECK_H
#define NA_VIF_CHECK_H

#include <stddef.h>

#include "ctl_proto.h"
#include "tenants.h"

/*
 * Resolve the vif add request @r in place against @t, its tenant's
 * definition in the tenants file in force (NULL: none).  0; -EADDRNOTAVAIL
 * (an address outside the tenant's subnets, or reserved in it), -EPERM (a
 * given value contradicts the file) or -EINVAL (a prefix length left out
 * with nothing to take it from), each with a message naming the tenant and
 * the address in @err.
 */
int na_vif_check(const struct nl_tenant *t, struct na_request *r, char *err, size_t errlen);

#endif /* NA_VIF_CHECK_H */

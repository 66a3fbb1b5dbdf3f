// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The control request, checked the same way on both ends (ctl_proto.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"
#include "ip6.h"
#include "util.h"

static bool mac_unicast(const __u8 *m)
{
	return !(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

static int check_ifname(const struct na_request *r, char *err, size_t errlen)
{
	size_t n = strnlen(r->ifname, sizeof(r->ifname));

	if (n == 0 || n == sizeof(r->ifname) || strchr(r->ifname, '/'))
		return nl_errf(err, errlen, -EINVAL, "malformed interface name");
	return 0;
}

static int check_vif_add(const struct na_request *r, char *err, size_t errlen)
{
	const struct nl_vif *v = &r->vif;
	struct nl_vif_ip6 v6 = r->vif6;

	if (check_ifname(r, err, errlen))
		return -EINVAL;
	if (v->tenant < NL_TENANT_MIN || v->tenant > NL_TENANT_MAX_24)
		return nl_errf(err, errlen, -EINVAL, "--tenant must be %u..%u", NL_TENANT_MIN,
			       NL_TENANT_MAX_24);
	if (v->mac_as > 255 && v->mac_as != NA_MAC_AS_UNSET)
		return nl_errf(err, errlen, -EINVAL, "--mac-as must be 0..255");
	if (!mac_unicast(v->mac))
		return nl_errf(err, errlen, -EINVAL, "--mac must be a unicast xx:xx:xx:xx:xx:xx");
	/* prefix length 0: from the tenants file (the agent resolves it, vif_check.h) */
	if (v->ip && v->prefix_len > 32)
		return nl_errf(err, errlen, -EINVAL, "--ip must be A.B.C.D[/len]");
	if (!v->ip && (v->prefix_len || v->router_ip))
		return nl_errf(err, errlen, -EINVAL, "--router must be A.B.C.D and needs --ip");
	/* the full check (na_vif_add) comes once the lengths are known */
	for (int i = 0; i < v6.count && i < NL_VIF_MAX_IP6; i++)
		if (!v6.prefix_len[i])
			v6.prefix_len[i] = 1;
	return nl_vif_ip6_check(&v6, err, errlen);
}

static int check_nart_key(const struct na_request *r, char *err, size_t errlen)
{
	if (r->key.tenant < NL_TENANT_MIN || r->key.tenant > NL_TENANT_MAX_24)
		return nl_errf(err, errlen, -EINVAL, "--tenant T required");
	if (r->verb == NA_REQ_NART_DEL_IP)
		return r->ip ? 0 : nl_errf(err, errlen, -EINVAL, "--ip A.B.C.D");
	if (r->key.mac_as > 255 || !mac_unicast(r->key.mac))
		return nl_errf(err, errlen, -EINVAL, "--mac-as N --mac M required");
	if (r->verb == NA_REQ_NART_SET &&
	    (!mac_unicast(r->switch_mac) || r->port < 1 || r->port > 255))
		return nl_errf(err, errlen, -EINVAL, "--switch S --port P required");
	return 0;
}

int na_request_check(const struct na_request *r, char *err, size_t errlen)
{
	if (r->magic != NA_REQ_MAGIC)
		return nl_errf(err, errlen, -EINVAL, "not a request of this na-loader version");
	if (r->flags & ~NA_REQ_F_JSON)
		return nl_errf(err, errlen, -EINVAL, "unknown request flags");
	switch (r->verb) {
	case NA_REQ_VIF_ADD:
		return check_vif_add(r, err, errlen);
	case NA_REQ_VIF_DEL:
		return check_ifname(r, err, errlen);
	case NA_REQ_NART_SET:
	case NA_REQ_NART_DEL:
	case NA_REQ_NART_DEL_IP:
		return check_nart_key(r, err, errlen);
	case NA_REQ_VIF_LIST:
	case NA_REQ_STATUS:
	case NA_REQ_STATS:
	case NA_REQ_NART_SHOW:
	case NA_REQ_REFRESH:
	case NA_REQ_QUIT:
		return 0;
	default:
		return nl_errf(err, errlen, -EINVAL, "unknown request");
	}
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `vif add` checked against, and completed from, the tenant's subnets in
 * the tenants file in force (vif_check.h, docs/tenants.md; patent [0013]).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ip6.h"
#include "util.h"
#include "vif_check.h"

static const char *fmt_ip(int family, const void *ip, char *buf)
{
	return inet_ntop(family, ip, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

static const char *fmt_subnet(const struct nl_tn_subnet *s, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, INET6_ADDRSTRLEN + 8, "%s/%u", fmt_ip(s->family, s->addr, a), s->plen);
	return buf;
}

/* no file for the tenant: only what the request gives, as before tenants files */
static int without_file(struct na_request *r, char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN];

	if (r->vif.mac_as == NA_MAC_AS_UNSET)
		r->vif.mac_as = 0;
	if (r->vif.ip && !r->vif.prefix_len)
		return nl_errf(err, errlen, -EINVAL,
			       "--ip %s needs /len: no tenants file in force defines tenant %u",
			       fmt_ip(AF_INET, &r->vif.ip, a), r->vif.tenant);
	for (int i = 0; i < r->vif6.count && i < NL_VIF_MAX_IP6; i++)
		if (!r->vif6.prefix_len[i])
			return nl_errf(
				err, errlen, -EINVAL,
				"--ip6 %s needs /len: no tenants file in force defines tenant %u",
				fmt_ip(AF_INET6, r->vif6.addr[i], a), r->vif.tenant);
	return 0;
}

/* the subnet of @t holding @ip, refused when there is none or @ip is reserved in it */
static int subnet_for(const struct nl_tenant *t, int family, const void *ip,
		      const struct nl_tn_subnet **out, char *err, size_t errlen)
{
	const struct nl_tn_subnet *s = nl_tenant_subnet_of(t, family, ip);
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN + 8];
	__u32 host, hostmask;

	fmt_ip(family, ip, a);
	if (!s)
		return nl_errf(err, errlen, -EADDRNOTAVAIL,
			       "address %s is outside the subnets of tenant %u (tenants file in "
			       "force, line %u)",
			       a, t->id, t->line);
	fmt_subnet(s, p);
	if (!memcmp(s->router, ip, family == AF_INET ? 4 : 16))
		return nl_errf(err, errlen, -EADDRNOTAVAIL,
			       "address %s of tenant %u is the virtual router of its subnet %s", a,
			       t->id, p);
	if (family == AF_INET) {
		/* IPv4 subnets are /1../30 (tenants.c) */
		hostmask = 0xffffffffU >> s->plen;
		memcpy(&host, ip, 4);
		host = ntohl(host) & hostmask;
		if (!host || host == hostmask)
			return nl_errf(err, errlen, -EADDRNOTAVAIL,
				       "address %s of tenant %u is the %s address of its subnet %s",
				       a, t->id, host ? "broadcast" : "network", p);
	}
	*out = s;
	return 0;
}

/* the MAC space of a subnet the VIF has an address in: one for all of them */
static int mac_space(const struct nl_tenant *t, const struct nl_tn_subnet *s, int *mac_as,
		     const struct nl_tn_subnet **first, char *err, size_t errlen)
{
	char p[INET6_ADDRSTRLEN + 8], q[INET6_ADDRSTRLEN + 8];

	if (*mac_as >= 0 && (__u32)*mac_as != s->mac_as)
		return nl_errf(err, errlen, -EPERM,
			       "tenant %u: subnets %s (MAC space %u) and %s (MAC space %u) of the "
			       "VIF's addresses are backed by different MAC spaces",
			       t->id, fmt_subnet(*first, p), (*first)->mac_as, fmt_subnet(s, q),
			       s->mac_as);
	if (*mac_as < 0) {
		*mac_as = (int)s->mac_as;
		*first = s;
	}
	return 0;
}

int na_vif_check(const struct nl_tenant *t, struct na_request *r, char *err, size_t errlen)
{
	const struct nl_tn_subnet *s, *first = NULL, *s6 = NULL;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN + 8];
	struct nl_vif *v = &r->vif;
	struct nl_vif_ip6 *v6 = &r->vif6;
	bool router6_ok = false;
	int mac_as = -1, rc;

	if (!t)
		return without_file(r, err, errlen);
	if (v->ip) {
		rc = subnet_for(t, AF_INET, &v->ip, &s, err, errlen);
		if (rc)
			return rc;
		fmt_subnet(s, p);
		fmt_ip(AF_INET, &v->ip, a);
		if (v->prefix_len && v->prefix_len != s->plen)
			return nl_errf(err, errlen, -EPERM,
				       "--ip %s/%u of tenant %u: its subnet in the tenants file is "
				       "%s",
				       a, v->prefix_len, t->id, p);
		v->prefix_len = s->plen;
		if (v->router_ip && memcmp(&v->router_ip, s->router, 4))
			return nl_errf(err, errlen, -EPERM,
				       "--router %s for %s of tenant %u: the tenants file's router "
				       "of %s is %s",
				       fmt_ip(AF_INET, &v->router_ip, b), a, t->id, p,
				       fmt_ip(AF_INET, s->router, c));
		memcpy(&v->router_ip, s->router, 4);
		rc = mac_space(t, s, &mac_as, &first, err, errlen);
		if (rc)
			return rc;
	}
	for (int i = 0; i < v6->count && i < NL_VIF_MAX_IP6; i++) {
		rc = subnet_for(t, AF_INET6, v6->addr[i], &s, err, errlen);
		if (rc)
			return rc;
		if (v6->prefix_len[i] && v6->prefix_len[i] != s->plen)
			return nl_errf(
				err, errlen, -EPERM,
				"--ip6 %s/%u of tenant %u: its subnet in the tenants file is "
				"%s",
				fmt_ip(AF_INET6, v6->addr[i], a), v6->prefix_len[i], t->id,
				fmt_subnet(s, p));
		v6->prefix_len[i] = s->plen;
		router6_ok |= !memcmp(v6->router, s->router, 16);
		if (!s6)
			s6 = s;
		rc = mac_space(t, s, &mac_as, &first, err, errlen);
		if (rc)
			return rc;
	}
	if (s6 && nl_ip6_is_zero(v6->router))
		memcpy(v6->router, s6->router, 16);
	else if (s6 && !router6_ok)
		return nl_errf(err, errlen, -EPERM,
			       "--router6 %s of tenant %u is not the virtual router of a subnet of "
			       "the VIF's IPv6 addresses in the tenants file (%s for %s)",
			       fmt_ip(AF_INET6, v6->router, a), t->id,
			       fmt_ip(AF_INET6, s6->router, b), fmt_subnet(s6, p));
	if (v->mac_as != NA_MAC_AS_UNSET && mac_as >= 0 && v->mac_as != mac_as)
		return nl_errf(
			err, errlen, -EPERM,
			"--mac-as %u of tenant %u: the tenants file backs subnet %s with MAC "
			"space %d",
			v->mac_as, t->id, fmt_subnet(first, p), mac_as);
	if (v->mac_as == NA_MAC_AS_UNSET)
		v->mac_as = mac_as >= 0 ? (__u16)mac_as : 0;
	return 0;
}

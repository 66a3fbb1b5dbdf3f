/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Tenant network definitions (docs/tenants.md, issue 16): per tenant, its IP
 * subnets -- each backed by one MAC address space, with its virtual router
 * address and its DHCP/RA settings -- and its static routes (patent [0013]:
 * "a tenant defines several IP subnets; each subnet is backed by one MAC
 * address space ... each subnet has a virtual router IP"; [0053] the public
 * tenant whose routes lead to real routers).  The parser is pure: text in,
 * validated tables out, or the first error as "file:line: reason".  It
 * depends on nothing but libc and user/lib/.
 */
#ifndef NL_TENANTS_H
#define NL_TENANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define NL_TN_MAX_SUBNETS 256	/* per tenant (the agent's NA_SUBNET_MAX) */
#define NL_TN_MAX_ROUTES  256	/* per tenant */
#define NL_TN_MAX_TENANTS 65536 /* per file */
#define NL_TN_DNS_MAX	  4
#define NL_TN_DOMAIN	  64
#define NL_TN_MAC_AS_MAX  255
/* the agent's [subnet ...] ranges and defaults (user/agent/subnets.h) */
#define NL_TN_LEASE_DEFAULT 86400
#define NL_TN_LEASE_MIN	    60
#define NL_TN_LEASE_MAX	    31536000

enum nl_tn_mode {
	NL_TN_SLAAC = 0,   /* IPv6: prefix with the autonomous flag */
	NL_TN_MANAGED = 1, /* IPv6: managed flag, addresses by DHCPv6 */
};

struct nl_tn_subnet {
	int family;    /* AF_INET, AF_INET6 */
	__u8 addr[16]; /* the prefix (IPv4: first 4 bytes), host bits zero */
	__u8 plen;
	__u8 router[16]; /* the virtual router's address in the subnet */
	__u32 mac_as;	 /* the MAC address space backing the subnet */
	__u32 lease_s;	 /* DHCPv4 lease, DHCPv6 lifetimes */
	int mode;	 /* enum nl_tn_mode (IPv6 only) */
	__u8 ndns;
	__u8 dns[NL_TN_DNS_MAX][16];
	char domain[NL_TN_DOMAIN]; /* DHCPv4 option 15, "" = none */
	unsigned int line;
};

#define NL_TN_MAX_VIA 4 /* next hops per route (the datapath's NL_ROUTE_MAX_NH) */

struct nl_tn_route {
	int family;
	__u8 addr[16]; /* destination prefix, host bits zero; plen 0: default */
	__u8 plen;
	__u8 nvia; /* next hops in via[], 1..NL_TN_MAX_VIA */
	/* next hops: addresses inside the tenant's subnets, distinct, in file order */
	__u8 via[NL_TN_MAX_VIA][16];
	unsigned int line;
};

struct nl_tenant {
	__u32 id;
	unsigned int line;
	size_t nsub, nroute;
	struct nl_tn_subnet *sub;
	struct nl_tn_route *route;
};

struct nl_tenants {
	size_t n;
	struct nl_tenant *t; /* in file order */
};

/*
 * Parse and validate a tenants file (@buf, @len bytes; @name for messages).
 * 0 with *@out filled (free with nl_tenants_free), or -EINVAL / -ENOMEM with
 * "name:line: reason" in @err and *@out empty.
 */
int nl_tenants_parse(const char *buf, size_t len, const char *name, struct nl_tenants *out,
		     char *err, size_t errlen);
void nl_tenants_free(struct nl_tenants *t);

/* the tenant @id, or NULL */
const struct nl_tenant *nl_tenants_find(const struct nl_tenants *t, __u32 id);

/*
 * The subnet of @t holding address @ip (@family; IPv4: 4 bytes), or NULL:
 * what `vif add` will check a VIF's addresses against.  Subnets of a tenant
 * never overlap, so there is at most one.
 */
const struct nl_tn_subnet *nl_tenant_subnet_of(const struct nl_tenant *t, int family,
					       const void *ip);

/*
 * Longest-prefix match of @ip over @t's subnets (connected) and routes: 0
 * with *@sub (the destination is on a subnet: deliver through NART-1) or
 * *@route (forward to its next hop) set and the other NULL, or -ENOENT (no
 * subnet or route holds it).  The user-space reference for the datapath's
 * lookup (issue 16 item 2).
 */
int nl_tenant_lookup(const struct nl_tenant *t, int family, const void *ip,
		     const struct nl_tn_subnet **sub, const struct nl_tn_route **route);

/* does prefix @addr/@plen (@family) hold address @ip? */
bool nl_tn_prefix_has(int family, const __u8 *addr, __u8 plen, const __u8 *ip);

#endif /* NL_TENANTS_H */

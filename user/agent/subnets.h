/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Per-subnet settings of the hypervisor's DHCP server and router
 * advertisements (issue 11, docs/dhcp.md): the [subnet PREFIX] and
 * [subnet PREFIX tenant N] sections of the agent's configuration file
 * (config.c hands their keys here), over the tenants file's subnets (the
 * repository's, tenants.h) which give them when no section does.  Tenant
 * configuration the NA serves locally, as proxy ARP (patent [0035]).
 */
#ifndef NA_SUBNETS_H
#define NA_SUBNETS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "tenants.h"

#define NA_SUBNET_MAX	  256
#define NA_SUBNET_DNS_MAX 4
#define NA_SUBNET_DOMAIN  64
#define NA_LEASE_DEFAULT  86400 /* seconds */
#define NA_LEASE_MIN	  60
#define NA_LEASE_MAX	  31536000

enum na_ra_mode {
	NA_RA_SLAAC = 0,   /* prefix with the autonomous flag */
	NA_RA_MANAGED = 1, /* managed flag: addresses by DHCPv6 */
};

struct na_subnet_cfg {
	int family;    /* AF_INET, AF_INET6 */
	__u8 addr[16]; /* the prefix (IPv4: first 4 bytes) */
	__u8 plen;
	bool any_tenant; /* [subnet P]: every tenant; [subnet P tenant N]: tenant N */
	__u32 tenant;
	__u32 lease_s; /* DHCPv4 lease, DHCPv6 lifetimes */
	int mode;      /* enum na_ra_mode (IPv6) */
	__u8 ndns;     /* DNS servers of the subnet's family */
	__u8 dns[NA_SUBNET_DNS_MAX][16];
	char domain[NA_SUBNET_DOMAIN]; /* DHCPv4 option 15, "" = none */
};

struct na_subnets {
	int n;
	struct na_subnet_cfg s[NA_SUBNET_MAX];
};

/* the settings of a subnet without a section */
void na_subnet_defaults(struct na_subnet_cfg *c);

/*
 * Key @key = @value of section "subnet @spec" (@spec: PREFIX or
 * "PREFIX tenant N") into @t.  0, or -EINVAL / -ENOSPC with the reason.
 */
int na_subnet_set(struct na_subnets *t, const char *spec, const char *key, const char *value,
		  char *err, size_t errlen);

/* where na_subnet_lookup's answer came from */
enum na_subnet_src {
	NA_SUBNET_DEFAULTS = 0, /* no section, no subnet of the tenants file */
	NA_SUBNET_LOCAL,	/* a [subnet] section of the configuration file */
	NA_SUBNET_FILE,		/* the tenants file's subnet holding the address */
};

/*
 * The settings for address @addr (@family) of a VIF of @tenant, in this
 * order (docs/dhcp.md, docs/tenants.md):
 *  1. a [subnet] section of the agent's configuration holding it (the
 *     operator's override): the longest prefix, a tenant's own section
 *     before an any-tenant one of the same length;
 *  2. else the subnet holding it in @tf, the tenant's definition in the
 *     tenants file in force (NULL: none): its lease, dns, domain and mode;
 *  3. else the defaults.
 */
enum na_subnet_src na_subnet_lookup(const struct na_subnets *t, const struct nl_tenant *tf,
				    __u32 tenant, int family, const void *addr,
				    struct na_subnet_cfg *out);

#endif /* NA_SUBNETS_H */

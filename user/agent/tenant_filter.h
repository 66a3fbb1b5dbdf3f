/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The per-tenant NL-ARP filter (docs/scale.md; beyond the patent, whose
 * [0030]-[0031] push every HERE to every NA): with `--nart-tenants hosted`
 * an NA learns only the tenants it hosts VIFs of.  A received HERE, WHERE
 * or NOT-HERE of another tenant is dropped before authentication -- it
 * could only ever fill a NART entry no local VIF looks up (the datapath
 * looks up the sending VIF's own tenant), or ask for a VIF this NA does not
 * host -- so it costs a decode of the body and a binary search, not an
 * HMAC and a table write.  On the broadcast socket the same test runs in
 * the kernel first (a classic BPF socket filter rebuilt from the hosted
 * set, na_tenant_filter_socket()): other tenants' broadcasts are dropped
 * before they are queued, copied or read.  Dropping unauthenticated messages is safe
 * because the filter can only drop, never apply: a forged message that
 * passes it still meets the full authentication.  A tenant whose first VIF
 * arrives here is learned by WHERE on the datapath's misses, as after a
 * lost HERE.  PROBEs (no tenant) always pass.
 */
#ifndef NA_TENANT_FILTER_H
#define NA_TENANT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "maps.h"

struct na_tenant_filter {
	const struct na_maps *maps; /* the local VIFs (nl_vifs) */
	__u32 *tenants;		    /* hosted tenants, sorted, distinct */
	size_t n, cap;
	__u64 dropped;	/* messages of other tenants, dropped before authentication */
	int sock_fd;	/* the socket whose kernel filter follows the set, -1: none */
	bool in_kernel; /* the kernel filter is in force on sock_fd */
	bool lost;	/* the last refresh lost a tenant (na_tenant_filter_purge) */
};

void na_tenant_filter_init(struct na_tenant_filter *f, const struct na_maps *maps);
void na_tenant_filter_free(struct na_tenant_filter *f);
/*
 * The hosted tenants read again from the local VIFs (0 or -ENOMEM: the old
 * set kept), and the kernel filter of the socket rebuilt.
 */
int na_tenant_filter_refresh(struct na_tenant_filter *f);
bool na_tenant_filter_hosts(const struct na_tenant_filter *f, __u32 tenant);
/*
 * Keep a classic BPF filter on the packet socket @fd (NL-ARP broadcasts,
 * Ethernet header first) that drops HERE / WHERE / NOT-HERE of tenants not
 * hosted here and passes everything else; rebuilt by every refresh.  More
 * hosted tenants than a filter holds (NA_TF_KERNEL_MAX): no kernel filter,
 * the user-space check alone.  0 or -errno (the user-space check stays).
 */
#define NA_TF_KERNEL_MAX 2000
int na_tenant_filter_socket(struct na_tenant_filter *f, int fd);

struct nart_store;
/*
 * Delete the NART-1, NART-2 and IPv6 NART-1 entries of every tenant not hosted
 * here (at start, and when a tenant's last VIF left): NART entries never
 * expire, so without this the tables of a long-running NA would fill with
 * the entries of tenants it hosted once.  Returns the entries deleted, or
 * -ENOMEM (nothing deleted).
 */
long na_tenant_filter_purge(struct na_tenant_filter *f, struct nart_store *s);
/*
 * false (counted in ->dropped) if the unauthenticated message @msg of
 * @len bytes is a HERE, WHERE or NOT-HERE of a tenant not hosted here;
 * true for everything else, malformed messages included (the full check
 * that follows counts those).
 */
bool na_tenant_filter_pass(struct na_tenant_filter *f, const void *msg, size_t len,
			   int tenant_bits);

#endif /* NA_TENANT_FILTER_H */

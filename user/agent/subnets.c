// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The [subnet ...] sections of the agent's configuration file
 * (subnets.h): DNS servers, lease time, domain, IPv6 address mode per
 * subnet for the DHCP server and the router advertisements (issue 11).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"
#include "subnets.h"
#include "util.h"

void na_subnet_defaults(struct na_subnet_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->any_tenant = true;
	c->lease_s = NA_LEASE_DEFAULT;
	c->mode = NA_RA_SLAAC;
}

/* "PREFIX" or "PREFIX tenant N" into @c's identity */
static int parse_spec(const char *spec, struct na_subnet_cfg *c, char *err, size_t errlen)
{
	char buf[128], *slash, *sp;
	__u32 plen, tenant;
	int maxlen;

	if (strlen(spec) >= sizeof(buf))
		return nl_errf(err, errlen, -EINVAL, "subnet '%s': too long", spec);
	snprintf(buf, sizeof(buf), "%s", spec);
	sp = strchr(buf, ' ');
	c->any_tenant = true;
	if (sp) {
		*sp++ = '\0';
		while (*sp == ' ')
			sp++;
		if (strncmp(sp, "tenant ", 7) || nl_parse_u32(sp + 7, 0, 0xffffffffU, &tenant))
			return nl_errf(err, errlen, -EINVAL,
				       "subnet '%s': expected PREFIX or PREFIX tenant N", spec);
		c->any_tenant = false;
		c->tenant = tenant;
	}
	slash = strchr(buf, '/');
	if (!slash)
		return nl_errf(err, errlen, -EINVAL, "subnet '%s': no /length", spec);
	*slash = '\0';
	memset(c->addr, 0, 16);
	if (inet_pton(AF_INET, buf, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, c->addr) == 1)
		c->family = AF_INET6;
	else
		return nl_errf(err, errlen, -EINVAL, "subnet '%s': '%s' is not an address", spec,
			       buf);
	maxlen = c->family == AF_INET ? 32 : 128;
	if (nl_parse_u32(slash + 1, 1, (__u32)maxlen, &plen))
		return nl_errf(err, errlen, -EINVAL, "subnet '%s': length not 1..%d", spec, maxlen);
	c->plen = (__u8)plen;
	for (int bit = (int)plen; bit < maxlen; bit++)
		if (c->addr[bit / 8] & (0x80 >> (bit % 8)))
			return nl_errf(err, errlen, -EINVAL,
				       "subnet '%s': host bits set (not a prefix)", spec);
	return 0;
}

static bool same_subnet(const struct na_subnet_cfg *a, const struct na_subnet_cfg *b)
{
	return a->family == b->family && a->plen == b->plen && !memcmp(a->addr, b->addr, 16) &&
	       a->any_tenant == b->any_tenant && (a->any_tenant || a->tenant == b->tenant);
}

/* "A, B C": up to NA_SUBNET_DNS_MAX addresses of @c's family */
static int parse_dns(struct na_subnet_cfg *c, const char *value, char *err, size_t errlen)
{
	char buf[512], *tok, *save = NULL;
	__u8 n = 0;

	if (strlen(value) >= sizeof(buf))
		return nl_errf(err, errlen, -EINVAL, "key 'dns': too long");
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (n == NA_SUBNET_DNS_MAX)
			return nl_errf(err, errlen, -EINVAL, "key 'dns': more than %d servers",
				       NA_SUBNET_DNS_MAX);
		memset(c->dns[n], 0, 16);
		if (inet_pton(c->family, tok, c->dns[n]) != 1)
			return nl_errf(err, errlen, -EINVAL, "key 'dns': '%s' is not an %s address",
				       tok, c->family == AF_INET ? "IPv4" : "IPv6");
		n++;
	}
	c->ndns = n;
	return 0;
}

static int set_key(struct na_subnet_cfg *c, const char *key, const char *value, char *err,
		   size_t errlen)
{
	bool v4 = c->family == AF_INET;
	__u32 x;

	if (!strcmp(key, "dns"))
		return parse_dns(c, value, err, errlen);
	if (!strcmp(key, "lease")) {
		if (nl_parse_u32(value, NA_LEASE_MIN, NA_LEASE_MAX, &x))
			return nl_errf(err, errlen, -EINVAL,
				       "key 'lease': '%s' is not %d..%d seconds", value,
				       NA_LEASE_MIN, NA_LEASE_MAX);
		c->lease_s = x;
		return 0;
	}
	if (!strcmp(key, "domain") && v4) {
		size_t len = strlen(value);

		if (!len || len >= sizeof(c->domain) ||
		    strspn(value, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789-.") != len)
			return nl_errf(
				err, errlen, -EINVAL,
				"key 'domain': '%s' is not a domain name of 1..%d characters",
				value, NA_SUBNET_DOMAIN - 1);
		snprintf(c->domain, sizeof(c->domain), "%s", value);
		return 0;
	}
	if (!strcmp(key, "mode") && !v4) {
		if (!strcmp(value, "slaac"))
			c->mode = NA_RA_SLAAC;
		else if (!strcmp(value, "managed"))
			c->mode = NA_RA_MANAGED;
		else
			return nl_errf(err, errlen, -EINVAL,
				       "key 'mode': '%s' is not slaac or managed", value);
		return 0;
	}
	return nl_errf(err, errlen, -EINVAL, "unknown key '%s' in an %s subnet section", key,
		       v4 ? "IPv4" : "IPv6");
}

int na_subnet_set(struct na_subnets *t, const char *spec, const char *key, const char *value,
		  char *err, size_t errlen)
{
	struct na_subnet_cfg id;
	int i, rc;

	na_subnet_defaults(&id);
	rc = parse_spec(spec, &id, err, errlen);
	if (rc)
		return rc;
	for (i = 0; i < t->n && !same_subnet(&t->s[i], &id); i++)
		;
	if (i == t->n) {
		if (t->n == NA_SUBNET_MAX)
			return nl_errf(err, errlen, -ENOSPC, "more than %d subnet sections",
				       NA_SUBNET_MAX);
		t->s[t->n++] = id;
	}
	return set_key(&t->s[i], key, value, err, errlen);
}

static bool holds(const struct na_subnet_cfg *c, const __u8 *addr)
{
	int full = c->plen / 8, rest = c->plen % 8;

	if (memcmp(c->addr, addr, (size_t)full))
		return false;
	return !rest || !((c->addr[full] ^ addr[full]) & (0xff << (8 - rest)));
}

/* the settings of the tenants file's subnet @s (same ranges and defaults, tenants.h) */
static void from_file(const struct nl_tn_subnet *s, __u32 tenant, struct na_subnet_cfg *out)
{
	na_subnet_defaults(out);
	out->family = s->family;
	memcpy(out->addr, s->addr, 16);
	out->plen = s->plen;
	out->any_tenant = false;
	out->tenant = tenant;
	out->lease_s = s->lease_s;
	out->mode = s->mode == NL_TN_MANAGED ? NA_RA_MANAGED : NA_RA_SLAAC;
	out->ndns = s->ndns > NA_SUBNET_DNS_MAX ? NA_SUBNET_DNS_MAX : s->ndns;
	memcpy(out->dns, s->dns, sizeof(out->dns[0]) * out->ndns);
	snprintf(out->domain, sizeof(out->domain), "%s", s->domain);
}

enum na_subnet_src na_subnet_lookup(const struct na_subnets *t, const struct nl_tenant *tf,
				    __u32 tenant, int family, const void *addr,
				    struct na_subnet_cfg *out)
{
	const struct na_subnet_cfg *best = NULL;
	const struct nl_tn_subnet *fs;

	for (int i = 0; t && i < t->n; i++) {
		const struct na_subnet_cfg *c = &t->s[i];

		if (c->family != family || (!c->any_tenant && c->tenant != tenant) ||
		    !holds(c, addr))
			continue;
		if (!best || c->plen > best->plen ||
		    (c->plen == best->plen && best->any_tenant && !c->any_tenant))
			best = c;
	}
	if (best) {
		*out = *best;
		return NA_SUBNET_LOCAL;
	}
	fs = tf ? nl_tenant_subnet_of(tf, family, addr) : NULL;
	if (fs) {
		from_file(fs, tenant, out);
		return NA_SUBNET_FILE;
	}
	na_subnet_defaults(out);
	out->family = family;
	return NA_SUBNET_DEFAULTS;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tenants file parser and validator (tenants.h, docs/tenants.md; patent
 * [0013] subnets backed by MAC address spaces with a virtual router each,
 * [0053] the public tenant).  One statement per line; a tenant's block is
 * checked as a whole when it ends (routes may come before the subnets that
 * hold their next hops).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlord.h"
#include "parse.h"
#include "tenants.h"

#define LINE_MAX_LEN 1024
#define MAX_WORDS    32

struct pstate {
	const char *name;
	unsigned int line;
	struct nl_tenants *out;
	char *err;
	size_t errlen;
};

static int perr(struct pstate *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct pstate *p, unsigned int line, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->name, line, msg);
	return -EINVAL;
}

bool nl_tn_prefix_has(int family, const __u8 *addr, __u8 plen, const __u8 *ip)
{
	int max = family == AF_INET ? 32 : 128;

	if (plen > max)
		return false;
	for (int bit = 0; bit < plen; bit++) {
		__u8 m = 0x80 >> (bit % 8);

		if ((addr[bit / 8] & m) != (ip[bit / 8] & m))
			return false;
	}
	return true;
}

/* an address of either family: 0 with *family set, or -EINVAL */
static int parse_addr(const char *s, int *family, __u8 out[16])
{
	memset(out, 0, 16);
	if (strchr(s, ':')) {
		*family = AF_INET6;
		return inet_pton(AF_INET6, s, out) == 1 ? 0 : -EINVAL;
	}
	*family = AF_INET;
	return inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
}

static const char *fam_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* "ADDR/LEN", LEN min..max of the family, host bits zero; reason in @why */
static int parse_prefix(const char *s, int min_len, int *family, __u8 addr[16], __u8 *plen,
			char *why, size_t whylen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	__u32 len;
	int max;

	if (!slash || (size_t)(slash - s) >= sizeof(buf)) {
		snprintf(why, whylen, "'%s' is not a prefix ADDRESS/LENGTH", s);
		return -EINVAL;
	}
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = 0;
	if (parse_addr(buf, family, addr)) {
		snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address", buf);
		return -EINVAL;
	}
	max = *family == AF_INET ? 32 : 128;
	if (nl_parse_u32(slash + 1, (__u32)min_len, (__u32)max, &len)) {
		snprintf(why, whylen, "prefix '%s': length not %d..%d", s, min_len, max);
		return -EINVAL;
	}
	*plen = (__u8)len;
	for (int bit = (int)len; bit < max; bit++)
		if (addr[bit / 8] & (0x80 >> (bit % 8))) {
			snprintf(why, whylen, "prefix '%s': host bits set (not a prefix)", s);
			return -EINVAL;
		}
	return 0;
}

static void fmt_prefix(char *buf, size_t len, int family, const __u8 *addr, __u8 plen)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, plen);
}

static struct nl_tenant *cur_tenant(struct pstate *p)
{
	return p->out->n ? &p->out->t[p->out->n - 1] : NULL;
}

/* ---- tenant <id> ---------------------------------------------------------------- */

static int st_tenant(struct pstate *p, int nw, char **w)
{
	struct nl_tenants *o = p->out;
	struct nl_tenant *nt;
	__u32 id;

	if (nw != 2)
		return perr(p, p->line, "usage: tenant <id>");
	if (nl_parse_u32(w[1], NL_TENANT_MIN, NL_TENANT_MAX_24, &id))
		return perr(p, p->line, "tenant '%s': not a tenant ID %u..%u", w[1], NL_TENANT_MIN,
			    NL_TENANT_MAX_24);
	if (o->n == NL_TN_MAX_TENANTS)
		return perr(p, p->line, "more than %d tenants", NL_TN_MAX_TENANTS);
	if (!(o->n & (o->n + 1))) { /* n + 1 is a power of two: grow */
		struct nl_tenant *t = realloc(o->t, (2 * o->n + 2) * sizeof(*t));

		if (!t)
			return -ENOMEM;
		o->t = t;
	}
	nt = &o->t[o->n++];
	memset(nt, 0, sizeof(*nt));
	nt->id = id;
	nt->line = p->line;
	return 0;
}

/* ---- subnet <prefix> router <addr> [key value]... --------------------------------- */

static int parse_dns(struct pstate *p, struct nl_tn_subnet *s, const char *v)
{
	char buf[LINE_MAX_LEN], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	s->ndns = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int fam;

		if (s->ndns == NL_TN_DNS_MAX)
			return perr(p, p->line, "dns: more than %d servers", NL_TN_DNS_MAX);
		if (parse_addr(tok, &fam, s->dns[s->ndns]) || fam != s->family)
			return perr(p, p->line, "dns: '%s' is not an %s address", tok,
				    fam_name(s->family));
		s->ndns++;
	}
	if (!s->ndns)
		return perr(p, p->line, "dns: no address");
	return 0;
}

static int parse_domain(struct pstate *p, struct nl_tn_subnet *s, const char *v)
{
	size_t len = strlen(v);

	if (s->family != AF_INET)
		return perr(p, p->line, "key 'domain' is for IPv4 subnets only");
	if (!len || len >= sizeof(s->domain) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != len)
		return perr(p, p->line, "domain: '%s' is not a domain name of 1..%d characters", v,
			    NL_TN_DOMAIN - 1);
	memcpy(s->domain, v, len + 1);
	return 0;
}

static int subnet_key(struct pstate *p, struct nl_tn_subnet *s, const char *k, const char *v,
		      bool *has_router)
{
	int fam;

	if (!strcmp(k, "router")) {
		if (parse_addr(v, &fam, s->router) || fam != s->family)
			return perr(p, p->line, "router: '%s' is not an %s address", v,
				    fam_name(s->family));
		*has_router = true;
		return 0;
	}
	if (!strcmp(k, "mac-space")) {
		if (nl_parse_u32(v, 0, NL_TN_MAC_AS_MAX, &s->mac_as))
			return perr(p, p->line, "mac-space: '%s' is not 0..%d", v,
				    NL_TN_MAC_AS_MAX);
		return 0;
	}
	if (!strcmp(k, "dns"))
		return parse_dns(p, s, v);
	if (!strcmp(k, "lease")) {
		if (nl_parse_u32(v, NL_TN_LEASE_MIN, NL_TN_LEASE_MAX, &s->lease_s))
			return perr(p, p->line, "lease: '%s' is not %d..%d seconds", v,
				    NL_TN_LEASE_MIN, NL_TN_LEASE_MAX);
		return 0;
	}
	if (!strcmp(k, "domain"))
		return parse_domain(p, s, v);
	if (!strcmp(k, "mode")) {
		if (s->family != AF_INET6)
			return perr(p, p->line, "key 'mode' is for IPv6 subnets only");
		if (!strcmp(v, "slaac"))
			s->mode = NL_TN_SLAAC;
		else if (!strcmp(v, "managed"))
			s->mode = NL_TN_MANAGED;
		else
			return perr(p, p->line, "mode: '%s' is not slaac or managed", v);
		return 0;
	}
	return perr(p, p->line, "unknown key '%s' (router, mac-space, dns, lease, domain, mode)",
		    k);
}

/* the router: inside the subnet, not its network (or IPv4 broadcast) address */
/* "network address", "broadcast address" (IPv4) of @s, or NULL: @ip's host part */
static const char *special_host(const struct nl_tn_subnet *s, const __u8 *ip)
{
	int max = s->family == AF_INET ? 32 : 128;
	bool host_zero = true, host_ones = true;

	for (int bit = s->plen; bit < max; bit++) {
		if (ip[bit / 8] & (0x80 >> (bit % 8)))
			host_zero = false;
		else
			host_ones = false;
	}
	if (host_zero)
		return "network address";
	if (host_ones && s->family == AF_INET)
		return "broadcast address";
	return NULL;
}

static int check_router(struct pstate *p, const struct nl_tn_subnet *s)
{
	char pfx[64], r[INET6_ADDRSTRLEN];
	const char *sh;

	fmt_prefix(pfx, sizeof(pfx), s->family, s->addr, s->plen);
	inet_ntop(s->family, s->router, r, sizeof(r));
	if (!nl_tn_prefix_has(s->family, s->addr, s->plen, s->router))
		return perr(p, p->line, "router %s is outside its subnet %s", r, pfx);
	sh = special_host(s, s->router);
	if (sh)
		return perr(p, p->line, "router %s is the %s of %s", r, sh, pfx);
	return 0;
}

static bool prefixes_overlap(int family, const __u8 *a, __u8 alen, const __u8 *b, __u8 blen)
{
	return alen <= blen ? nl_tn_prefix_has(family, a, alen, b)
			    : nl_tn_prefix_has(family, b, blen, a);
}

/* ranges no tenant subnet or route may lie in (or, for a subnet, overlap) */
static const struct special {
	int family;
	__u8 addr[16];
	__u8 plen;
	const char *what;
} specials[] = {
	{AF_INET, {0}, 8, "0.0.0.0/8 (this network)"},
	{AF_INET, {127}, 8, "127.0.0.0/8 (loopback)"},
	{AF_INET, {169, 254}, 16, "169.254.0.0/16 (link-local)"},
	{AF_INET, {224}, 3, "224.0.0.0/3 (multicast, reserved)"},
	{AF_INET6, {0}, 8, "::/8 (unspecified, loopback, IPv4-mapped)"},
	{AF_INET6, {0xfe, 0x80}, 10, "fe80::/10 (link-local)"},
	{AF_INET6, {0xff}, 8, "ff00::/8 (multicast)"},
};

/* the special range @addr/@plen overlaps (@overlap) or lies in, or NULL */
static const char *special_range(int family, const __u8 *addr, __u8 plen, bool overlap)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		const struct special *r = &specials[i];

		if (r->family != family || (!overlap && plen < r->plen))
			continue;
		if (prefixes_overlap(family, addr, plen, r->addr, r->plen))
			return r->what;
	}
	return NULL;
}

static int st_subnet(struct pstate *p, int nw, char **w)
{
	const char *sp;
	struct nl_tenant *t = cur_tenant(p);
	struct nl_tn_subnet s = {.lease_s = NL_TN_LEASE_DEFAULT, .line = p->line};
	bool has_router = false;
	char why[256];
	int rc;

	if (!t)
		return perr(p, p->line, "subnet before any 'tenant' line");
	if (nw < 2)
		return perr(p, p->line, "usage: subnet <prefix> router <address> [key value]...");
	if (parse_prefix(w[1], 1, &s.family, s.addr, &s.plen, why, sizeof(why)))
		return perr(p, p->line, "%s", why);
	if (s.plen > (s.family == AF_INET ? 30 : 127))
		return perr(p, p->line, "subnet %s: no room for a router and a host (/%d at most)",
			    w[1], s.family == AF_INET ? 30 : 127);
	sp = special_range(s.family, s.addr, s.plen, true);
	if (sp)
		return perr(p, p->line, "subnet %s overlaps %s", w[1], sp);
	if (nw % 2)
		return perr(p, p->line, "key '%s' without a value", w[nw - 1]);
	for (int i = 2; i < nw; i += 2) {
		for (int j = 2; j < i; j += 2)
			if (!strcmp(w[i], w[j]))
				return perr(p, p->line, "key '%s' given twice", w[i]);
		rc = subnet_key(p, &s, w[i], w[i + 1], &has_router);
		if (rc)
			return rc;
	}
	if (!has_router)
		return perr(p, p->line, "subnet %s: no 'router <address>'", w[1]);
	rc = check_router(p, &s);
	if (rc)
		return rc;
	if (s.family == AF_INET6 && s.mode == NL_TN_SLAAC && s.plen != 64)
		return perr(p, p->line,
			    "subnet %s: mode slaac needs a /64 (RFC 4862); use mode managed", w[1]);
	/* one IP address space per tenant: NART-1 is keyed by (tenant, IP) */
	for (size_t i = 0; i < t->nsub; i++) {
		const struct nl_tn_subnet *o = &t->sub[i];
		char op[64];

		if (o->family != s.family ||
		    !prefixes_overlap(s.family, s.addr, s.plen, o->addr, o->plen))
			continue;
		fmt_prefix(op, sizeof(op), o->family, o->addr, o->plen);
		return perr(p, p->line,
			    "subnet %s overlaps subnet %s (line %u, mac-space %u) of tenant %u",
			    w[1], op, o->line, o->mac_as, t->id);
	}
	if (t->nsub == NL_TN_MAX_SUBNETS)
		return perr(p, p->line, "tenant %u: more than %d subnets", t->id,
			    NL_TN_MAX_SUBNETS);
	if (!(t->nsub & (t->nsub + 1))) {
		struct nl_tn_subnet *ns = realloc(t->sub, (2 * t->nsub + 2) * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		t->sub = ns;
	}
	t->sub[t->nsub++] = s;
	return 0;
}

/* ---- route <prefix|default> via <address> [via <address>]... ---------------------- */

#define ROUTE_USAGE \
	"usage: route <prefix|default> via <address> [via <address>]... (1..4 next hops)"

static int st_route(struct pstate *p, int nw, char **w)
{
	struct nl_tenant *t = cur_tenant(p);
	struct nl_tn_route r = {.line = p->line};
	char why[256];
	int fam;

	if (!t)
		return perr(p, p->line, "route before any 'tenant' line");
	if (nw < 4 || nw % 2)
		return perr(p, p->line, ROUTE_USAGE);
	for (int i = 2; i < nw; i += 2)
		if (strcmp(w[i], "via"))
			return perr(p, p->line, ROUTE_USAGE);
	if ((nw - 2) / 2 > NL_TN_MAX_VIA)
		return perr(p, p->line, "route %s: more than %d next hops", w[1], NL_TN_MAX_VIA);
	for (int i = 3; i < nw; i += 2) {
		__u8 *via = r.via[r.nvia];

		if (parse_addr(w[i], &fam, via))
			return perr(p, p->line, "via: '%s' is not an IPv4 or IPv6 address", w[i]);
		if (r.nvia && fam != r.family)
			return perr(p, p->line,
				    "route %s: next hops %s and %s of different families", w[1],
				    w[3], w[i]);
		r.family = fam;
		for (int j = 0; j < r.nvia; j++)
			if (!memcmp(r.via[j], via, 16))
				return perr(p, p->line, "route %s: next hop %s given twice", w[1],
					    w[i]);
		r.nvia++;
	}
	if (!strcmp(w[1], "default")) {
		r.plen = 0; /* the family is the next hops' */
	} else {
		if (parse_prefix(w[1], 0, &fam, r.addr, &r.plen, why, sizeof(why)))
			return perr(p, p->line, "%s", why);
		if (fam != r.family)
			return perr(p, p->line, "route %s: next hop %s is not an %s address", w[1],
				    w[3], fam_name(fam));
		if (special_range(r.family, r.addr, r.plen, false))
			return perr(p, p->line, "route %s lies in %s", w[1],
				    special_range(r.family, r.addr, r.plen, false));
	}
	for (size_t i = 0; i < t->nroute; i++) {
		const struct nl_tn_route *o = &t->route[i];

		if (o->family == r.family && o->plen == r.plen && !memcmp(o->addr, r.addr, 16))
			return perr(p, p->line, "route %s given twice (line %u)", w[1], o->line);
	}
	if (t->nroute == NL_TN_MAX_ROUTES)
		return perr(p, p->line, "tenant %u: more than %d routes", t->id, NL_TN_MAX_ROUTES);
	if (!(t->nroute & (t->nroute + 1))) {
		struct nl_tn_route *nr = realloc(t->route, (2 * t->nroute + 2) * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		t->route = nr;
	}
	t->route[t->nroute++] = r;
	return 0;
}

/* route @r's next hop @via: inside one of @t's subnets, not special; 0 or perr */
static int check_via(struct pstate *p, const struct nl_tenant *t, const struct nl_tn_route *r,
		     const __u8 *via, const char *pfx)
{
	const struct nl_tn_subnet *in = NULL;
	char a[INET6_ADDRSTRLEN];

	inet_ntop(r->family, via, a, sizeof(a));
	for (size_t j = 0; j < t->nsub; j++) {
		const struct nl_tn_subnet *s = &t->sub[j];

		if (s->family == r->family && nl_tn_prefix_has(s->family, s->addr, s->plen, via))
			in = s;
	}
	if (!in)
		return perr(p, r->line,
			    "route %s: next hop %s is outside every subnet of tenant %u", pfx, a,
			    t->id);
	if (!memcmp(in->router, via, 16))
		return perr(p, r->line,
			    "route %s: next hop %s is the virtual router of its subnet (line %u)",
			    pfx, a, in->line);
	if (special_host(in, via))
		return perr(p, r->line, "route %s: next hop %s is the %s of its subnet (line %u)",
			    pfx, a, special_host(in, via), in->line);
	return 0;
}

/*
 * A tenant's block ended: at least one subnet; every route's next hops
 * inside its subnets and not a virtual router; no route equal to a subnet.
 */
static int close_tenant(struct pstate *p, const struct nl_tenant *t)
{
	if (!t)
		return 0;
	if (!t->nsub)
		return perr(p, t->line, "tenant %u has no subnet", t->id);
	for (size_t i = 0; i < t->nroute; i++) {
		const struct nl_tn_route *r = &t->route[i];
		char pfx[64];
		int rc;

		fmt_prefix(pfx, sizeof(pfx), r->family, r->addr, r->plen);
		for (size_t j = 0; j < t->nsub; j++) {
			const struct nl_tn_subnet *s = &t->sub[j];

			if (s->family == r->family && s->plen == r->plen &&
			    !memcmp(s->addr, r->addr, 16))
				return perr(p, r->line,
					    "route %s is subnet %s (line %u) of tenant %u", pfx,
					    pfx, s->line, t->id);
		}
		for (unsigned int v = 0; v < r->nvia; v++) {
			rc = check_via(p, t, r, r->via[v], pfx);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const struct nl_tenant *x = *(const struct nl_tenant *const *)a;
	const struct nl_tenant *y = *(const struct nl_tenant *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* no tenant twice: sort pointers by (id, line), report the later line */
static int check_dups(struct pstate *p)
{
	struct nl_tenants *o = p->out;
	const struct nl_tenant **v;
	int rc = 0;

	if (o->n < 2)
		return 0;
	v = malloc(o->n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < o->n; i++)
		v[i] = &o->t[i];
	qsort(v, o->n, sizeof(*v), cmp_id);
	for (size_t i = 1; i < o->n && !rc; i++)
		if (v[i]->id == v[i - 1]->id)
			rc = perr(p, v[i]->line, "tenant %u declared twice (first on line %u)",
				  v[i]->id, v[i - 1]->line);
	free(v);
	return rc;
}

static int statement(struct pstate *p, char *text)
{
	char *w[MAX_WORDS + 1], *save = NULL;
	int nw = 0;

	for (char *tok = strtok_r(text, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		if (nw == MAX_WORDS)
			return perr(p, p->line, "more than %d words", MAX_WORDS);
		w[nw++] = tok;
	}
	if (!nw)
		return 0;
	if (!strcmp(w[0], "tenant")) {
		int rc = close_tenant(p, cur_tenant(p));

		return rc ? rc : st_tenant(p, nw, w);
	}
	if (!strcmp(w[0], "subnet"))
		return st_subnet(p, nw, w);
	if (!strcmp(w[0], "route"))
		return st_route(p, nw, w);
	return perr(p, p->line, "unknown statement '%s' (tenant, subnet, route)", w[0]);
}

void nl_tenants_free(struct nl_tenants *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->t[i].sub);
		free(t->t[i].route);
	}
	free(t->t);
	t->t = NULL;
	t->n = 0;
}

int nl_tenants_parse(const char *buf, size_t len, const char *name, struct nl_tenants *out,
		     char *err, size_t errlen)
{
	struct pstate p = {.name = name, .out = out, .err = err, .errlen = errlen};
	char line[LINE_MAX_LEN];
	size_t pos = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len && !rc) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - buf) : len) - pos;

		p.line++;
		if (n >= sizeof(line)) {
			rc = perr(&p, p.line, "line longer than %d characters", LINE_MAX_LEN - 1);
			break;
		}
		memcpy(line, buf + pos, n);
		line[n] = 0;
		pos += n + 1;
		if (strlen(line) != n) {
			rc = perr(&p, p.line, "NUL byte in the line");
			break;
		}
		line[strcspn(line, "#")] = 0;
		rc = statement(&p, line);
	}
	if (!rc)
		rc = close_tenant(&p, cur_tenant(&p));
	if (!rc)
		rc = check_dups(&p);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s:%u: out of memory", name, p.line);
	if (rc)
		nl_tenants_free(out);
	return rc;
}

const struct nl_tenant *nl_tenants_find(const struct nl_tenants *t, __u32 id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->t[i].id == id)
			return &t->t[i];
	return NULL;
}

const struct nl_tn_subnet *nl_tenant_subnet_of(const struct nl_tenant *t, int family,
					       const void *ip)
{
	__u8 a[16] = {0};

	memcpy(a, ip, family == AF_INET ? 4 : 16);
	for (size_t i = 0; i < t->nsub; i++)
		if (t->sub[i].family == family &&
		    nl_tn_prefix_has(family, t->sub[i].addr, t->sub[i].plen, a))
			return &t->sub[i];
	return NULL;
}

int nl_tenant_lookup(const struct nl_tenant *t, int family, const void *ip,
		     const struct nl_tn_subnet **sub, const struct nl_tn_route **route)
{
	const struct nl_tn_route *best = NULL;
	__u8 a[16] = {0};

	memcpy(a, ip, family == AF_INET ? 4 : 16);
	*sub = nl_tenant_subnet_of(t, family, a);
	*route = NULL;
	for (size_t i = 0; i < t->nroute; i++) {
		const struct nl_tn_route *r = &t->route[i];

		if (r->family == family && (!best || r->plen > best->plen) &&
		    nl_tn_prefix_has(family, r->addr, r->plen, a))
			best = r;
	}
	/* a route and a subnet never have the same prefix: the longer wins */
	if (best && (!*sub || best->plen > (*sub)->plen)) {
		*sub = NULL;
		*route = best;
	}
	return *sub || *route ? 0 : -ENOENT;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The VIF record codec (vif_record.h): one VIF definition as text,
 *
 *   netlord-vif 1
 *   ifname=vnet3
 *   tenant=3097
 *   mac_as=1
 *   mac=52:54:00:00:00:01
 *   ip=192.168.1.1/24          (optional)
 *   router=192.168.1.254       (optional, needs ip)
 *   ip6=fd00:1::1/64           (optional, up to NL_VIF_MAX_IP6 lines)
 *   router6=fd00:1::fe         (optional)
 *   flags=0x0                  (the vif add request's flags)
 *   host_mac=fe:54:00:00:00:01 (optional: the host-side interface's MAC)
 *   end
 *
 * '#' lines and blank lines are comments.  Strict: an unknown or repeated
 * key, a missing "end" (a truncated file) or a value a vif add request
 * could not carry refuses the whole record.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"
#include "vif_record.h"

/*
 * Every field of the vif add request must be in the record.  A new field
 * in struct na_request changes its size: give it a key here (format and
 * parse, docs/operations.md), or say why it is not part of a VIF's
 * definition, then update the size.
 */
_Static_assert(sizeof(struct na_request) == 184,
	       "struct na_request changed: persist the new vif add field in vif_record.c");

void na_vif_rec_from_request(const struct na_request *r, struct na_vif_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	snprintf(rec->ifname, sizeof(rec->ifname), "%.*s", (int)sizeof(r->ifname) - 1, r->ifname);
	rec->vif.tenant = r->vif.tenant;
	rec->vif.mac_as = r->vif.mac_as;
	memcpy(rec->vif.mac, r->vif.mac, 6);
	rec->vif.ip = r->vif.ip;
	rec->vif.prefix_len = r->vif.ip ? r->vif.prefix_len : 0;
	rec->vif.router_ip = r->vif.router_ip;
	rec->vif6 = r->vif6;
	memset(rec->vif6.pad, 0, sizeof(rec->vif6.pad));
	for (int i = rec->vif6.count; i < NL_VIF_MAX_IP6; i++) {
		memset(rec->vif6.addr[i], 0, 16);
		rec->vif6.prefix_len[i] = 0;
	}
	rec->req_flags = r->flags & ~NA_REQ_F_JSON;
}

void na_vif_rec_to_request(const struct na_vif_rec *rec, struct na_request *r)
{
	memset(r, 0, sizeof(*r));
	r->magic = NA_REQ_MAGIC;
	r->verb = NA_REQ_VIF_ADD;
	r->flags = rec->req_flags;
	snprintf(r->ifname, sizeof(r->ifname), "%s", rec->ifname);
	r->vif.tenant = rec->vif.tenant;
	r->vif.mac_as = rec->vif.mac_as;
	memcpy(r->vif.mac, rec->vif.mac, 6);
	r->vif.ip = rec->vif.ip;
	r->vif.prefix_len = rec->vif.prefix_len;
	r->vif.router_ip = rec->vif.router_ip;
	r->vif6 = rec->vif6;
}

bool na_vif_rec_same(const struct na_vif_rec *a, const struct na_vif_rec *b)
{
	const struct nl_vif *x = &a->vif, *y = &b->vif;

	if (strcmp(a->ifname, b->ifname) || x->tenant != y->tenant || x->mac_as != y->mac_as ||
	    memcmp(x->mac, y->mac, 6) || x->ip != y->ip || x->prefix_len != y->prefix_len ||
	    x->router_ip != y->router_ip || a->req_flags != b->req_flags)
		return false;
	if (a->vif6.count != b->vif6.count || memcmp(a->vif6.router, b->vif6.router, 16))
		return false;
	for (int i = 0; i < a->vif6.count && i < NL_VIF_MAX_IP6; i++)
		if (memcmp(a->vif6.addr[i], b->vif6.addr[i], 16) ||
		    a->vif6.prefix_len[i] != b->vif6.prefix_len[i])
			return false;
	return true;
}

static bool zero(const __u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

int na_vif_rec_format(const struct na_vif_rec *rec, char *buf, size_t len)
{
	char mac[NL_MAC_STRLEN], a[INET6_ADDRSTRLEN];
	size_t n = 0;
	int w;

#define PUT(...)                                                           \
	do {                                                               \
		w = snprintf(buf + n, len > n ? len - n : 0, __VA_ARGS__); \
		if (w < 0 || (size_t)w >= (len > n ? len - n : 0))         \
			return -ENOSPC;                                    \
		n += (size_t)w;                                            \
	} while (0)

	nl_fmt_mac(rec->vif.mac, mac);
	PUT("# NetLord VIF definition, written by na-loader (`vif add`); format:\n"
	    "# docs/operations.md \"VIF persistence\". Remove with `na-loader vif del`.\n");
	PUT("netlord-vif %d\nifname=%s\ntenant=%u\nmac_as=%u\nmac=%s\n", NA_VIF_REC_VERSION,
	    rec->ifname, rec->vif.tenant, rec->vif.mac_as, mac);
	if (rec->vif.ip) {
		inet_ntop(AF_INET, &rec->vif.ip, a, sizeof(a));
		PUT("ip=%s/%u\n", a, rec->vif.prefix_len);
	}
	if (rec->vif.router_ip) {
		inet_ntop(AF_INET, &rec->vif.router_ip, a, sizeof(a));
		PUT("router=%s\n", a);
	}
	for (int i = 0; i < rec->vif6.count && i < NL_VIF_MAX_IP6; i++) {
		inet_ntop(AF_INET6, rec->vif6.addr[i], a, sizeof(a));
		PUT("ip6=%s/%u\n", a, rec->vif6.prefix_len[i]);
	}
	if (!zero(rec->vif6.router, 16)) {
		inet_ntop(AF_INET6, rec->vif6.router, a, sizeof(a));
		PUT("router6=%s\n", a);
	}
	PUT("flags=0x%x\n", rec->req_flags);
	if (!zero(rec->host_mac, 6)) {
		nl_fmt_mac(rec->host_mac, mac);
		PUT("host_mac=%s\n", mac);
	}
	PUT("end\n");
#undef PUT
	return (int)n;
}

/* "A/len" (IPv6) */
static int parse_prefix6(const char *s, __u8 addr[16], __u8 *plen)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	__u32 l;

	if (!slash || (size_t)(slash - s) >= sizeof(tmp) - 1)
		return -EINVAL;
	memcpy(tmp, s, slash - s);
	tmp[slash - s] = 0;
	if (inet_pton(AF_INET6, tmp, addr) != 1 || nl_parse_u32(slash + 1, 1, 128, &l))
		return -EINVAL;
	*plen = (__u8)l;
	return 0;
}

enum rec_key {
	K_IFNAME,
	K_TENANT,
	K_MACAS,
	K_MAC,
	K_IP,
	K_ROUTER,
	K_ROUTER6,
	K_FLAGS,
	K_HOSTMAC,
	K_IP6,
	K_N
};
static const char *const key_names[K_N] = {"ifname", "tenant",	"mac_as", "mac",      "ip",
					   "router", "router6", "flags",  "host_mac", "ip6"};

/* one key=value line into @rec; 0 or -EINVAL with the reason in @why */
static int parse_kv(enum rec_key k, const char *v, struct na_vif_rec *rec, const char **why)
{
	__u32 x;
	char *end;

	switch (k) {
	case K_IFNAME:
		if (!v[0] || strlen(v) >= IF_NAMESIZE || strchr(v, '/'))
			return *why = "ifname: not an interface name", -EINVAL;
		snprintf(rec->ifname, sizeof(rec->ifname), "%s", v);
		return 0;
	case K_TENANT:
		if (nl_parse_u32(v, NL_TENANT_MIN, NL_TENANT_MAX_24, &rec->vif.tenant))
			return *why = "tenant: not a tenant ID", -EINVAL;
		return 0;
	case K_MACAS:
		if (nl_parse_u32(v, 0, 255, &x))
			return *why = "mac_as: must be 0..255", -EINVAL;
		rec->vif.mac_as = (__u16)x;
		return 0;
	case K_MAC:
		if (nl_parse_mac(v, rec->vif.mac))
			return *why = "mac: not a unicast MAC address", -EINVAL;
		return 0;
	case K_IP:
		if (nl_parse_prefix(v, &rec->vif.ip, &rec->vif.prefix_len))
			return *why = "ip: not A.B.C.D/len", -EINVAL;
		return 0;
	case K_ROUTER:
		if (nl_parse_ipv4(v, &rec->vif.router_ip) || !rec->vif.router_ip)
			return *why = "router: not A.B.C.D", -EINVAL;
		return 0;
	case K_IP6:
		if (rec->vif6.count >= NL_VIF_MAX_IP6)
			return *why = "ip6: more lines than NL_VIF_MAX_IP6", -EINVAL;
		if (parse_prefix6(v, rec->vif6.addr[rec->vif6.count],
				  &rec->vif6.prefix_len[rec->vif6.count]))
			return *why = "ip6: not ADDR/len", -EINVAL;
		rec->vif6.count++;
		return 0;
	case K_ROUTER6:
		if (inet_pton(AF_INET6, v, rec->vif6.router) != 1 || zero(rec->vif6.router, 16))
			return *why = "router6: not an IPv6 address", -EINVAL;
		return 0;
	case K_FLAGS:
		errno = 0;
		x = (__u32)strtoul(v, &end, 0);
		if (errno || end == v || *end || v[0] == '-' || strtoul(v, NULL, 0) > 0xffffffffUL)
			return *why = "flags: not a number", -EINVAL;
		rec->req_flags = x;
		return 0;
	case K_HOSTMAC:
		if (nl_parse_mac_text(v, rec->host_mac))
			return *why = "host_mac: not a MAC address", -EINVAL;
		return 0;
	default:
		return *why = "unknown key", -EINVAL;
	}
}

int na_vif_rec_parse(const char *text, struct na_vif_rec *rec, char *err, size_t errlen)
{
	char line[256], msg[200];
	const char *p = text, *why = NULL;
	unsigned int seen = 0, lineno = 0;
	bool header = false, done = false;
	struct na_request r;
	int rc;

	memset(rec, 0, sizeof(*rec));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *eq, *s;
		int k;

		lineno++;
		if (n >= sizeof(line))
			return nl_errf(err, errlen, -EINVAL, "line %u: too long", lineno);
		memcpy(line, p, n);
		line[n] = 0;
		p += n + (nl ? 1 : 0);
		if (n && line[n - 1] == '\r')
			line[--n] = 0;
		s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (done)
			return nl_errf(err, errlen, -EINVAL, "line %u: text after \"end\"", lineno);
		if (!header) {
			unsigned int ver;
			char tail;

			if (sscanf(s, "netlord-vif %u%c", &ver, &tail) != 1)
				return nl_errf(err, errlen, -EINVAL,
					       "line %u: not a NetLord VIF record (expected "
					       "\"netlord-vif %d\")",
					       lineno, NA_VIF_REC_VERSION);
			if (ver != NA_VIF_REC_VERSION)
				return nl_errf(err, errlen, -EPROTONOSUPPORT,
					       "line %u: format version %u, this na-loader reads "
					       "version %d",
					       lineno, ver, NA_VIF_REC_VERSION);
			header = true;
			continue;
		}
		if (!strcmp(s, "end")) {
			done = true;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq)
			return nl_errf(err, errlen, -EINVAL, "line %u: expected key=value", lineno);
		*eq = 0;
		for (k = 0; k < K_N; k++)
			if (!strcmp(s, key_names[k]))
				break;
		if (k == K_N)
			return nl_errf(err, errlen, -EINVAL, "line %u: unknown key \"%.32s\"",
				       lineno, s);
		if (k != K_IP6 && (seen & (1U << k)))
			return nl_errf(err, errlen, -EINVAL, "line %u: %s given twice", lineno, s);
		seen |= 1U << k;
		if (parse_kv((enum rec_key)k, eq + 1, rec, &why))
			return nl_errf(err, errlen, -EINVAL, "line %u: %s", lineno, why);
	}
	if (!header)
		return nl_errf(err, errlen, -EINVAL, "empty: not a NetLord VIF record");
	if (!done)
		return nl_errf(err, errlen, -EINVAL, "no \"end\" line: the record is truncated");
	for (int k = K_IFNAME; k <= K_MAC; k++)
		if (!(seen & (1U << k)))
			return nl_errf(err, errlen, -EINVAL, "%s missing", key_names[k]);
	/* what a vif add request with these values would have to pass */
	na_vif_rec_to_request(rec, &r);
	rc = na_request_check(&r, msg, sizeof(msg));
	if (rc)
		return nl_errf(err, errlen, -EINVAL, "not a valid VIF: %s", msg);
	return 0;
}

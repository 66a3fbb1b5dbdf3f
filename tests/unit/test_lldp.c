// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Criterion tests of the LLDP parser (user/agent/lldp.c): frames captured
 * from lldpd 1.0.16 (Debian 12) on a veth pair, then synthetic frames for
 * every accept and reject rule.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lldp.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static size_t unhex(const char *hex, __u8 *out, size_t max)
{
	size_t n = 0;

	while (hex[0] && hex[1]) {
		unsigned int b;

		cr_assert(n < max);
		cr_assert(sscanf(hex, "%2x", &b) == 1);
		out[n++] = (__u8)b;
		hex += 2;
	}
	return n;
}

/* parse from an exactly sized heap copy so an overrun would hit malloc's redzone under ASan */
static enum lldp_err parse_exact(const __u8 *buf, size_t len, struct lldp_info *info)
{
	__u8 *copy = malloc(len ? len : 1);
	enum lldp_err err;

	cr_assert_not_null(copy);
	memcpy(copy, buf, len);
	err = lldp_parse(copy, len, info);
	free(copy);
	return err;
}

static enum lldp_err parse_hex(const char *hex, struct lldp_info *info)
{
	__u8 buf[2048];
	size_t n = unhex(hex, buf, sizeof(buf));

	return parse_exact(buf, n, info);
}

struct fb {
	__u8 b[2048];
	size_t n;
};

static const __u8 sw_mac[6] = {0x0c, 0x42, 0xa1, 0x00, 0x00, 0x07};

static void fb_bytes(struct fb *f, const void *p, size_t len)
{
	cr_assert(f->n + len <= sizeof(f->b));
	memcpy(f->b + f->n, p, len);
	f->n += len;
}

static void fb_eth(struct fb *f, int vlan)
{
	static const __u8 dst[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	__u8 hdr[4];

	f->n = 0;
	fb_bytes(f, dst, 6);
	fb_bytes(f, sw_mac, 6);
	if (vlan >= 0) {
		hdr[0] = 0x81;
		hdr[1] = 0x00;
		hdr[2] = (__u8)(vlan >> 8);
		hdr[3] = (__u8)vlan;
		fb_bytes(f, hdr, 4);
	}
	hdr[0] = 0x88;
	hdr[1] = 0xcc;
	fb_bytes(f, hdr, 2);
}

static void fb_tlv(struct fb *f, unsigned int type, const void *v, size_t len)
{
	__u8 h[2] = {(__u8)(type << 1 | (len >> 8 & 1)), (__u8)len};

	fb_bytes(f, h, 2);
	fb_bytes(f, v, len);
}

static void fb_tlv_sub(struct fb *f, unsigned int type, __u8 subtype, const void *v, size_t len)
{
	__u8 tmp[600];

	cr_assert(len + 1 <= sizeof(tmp));
	tmp[0] = subtype;
	memcpy(tmp + 1, v, len);
	fb_tlv(f, type, tmp, len + 1);
}

static void fb_chassis(struct fb *f)
{
	fb_tlv_sub(f, LLDP_TLV_CHASSIS_ID, LLDP_CHASSIS_SUBTYPE_MAC, sw_mac, 6);
}

static void fb_port_str(struct fb *f, __u8 subtype, const char *id)
{
	fb_tlv_sub(f, LLDP_TLV_PORT_ID, subtype, id, strlen(id));
}

static void fb_ttl(struct fb *f, __u16 ttl)
{
	__u8 v[2] = {(__u8)(ttl >> 8), (__u8)ttl};

	fb_tlv(f, LLDP_TLV_TTL, v, 2);
}

static void fb_end(struct fb *f)
{
	fb_tlv(f, LLDP_TLV_END, NULL, 0);
}

/* Ethernet header + Chassis ID + Port ID (subtype, string) + TTL 120 */
static void fb_std(struct fb *f, __u8 subtype, const char *id)
{
	fb_eth(f, -1);
	fb_chassis(f);
	fb_port_str(f, subtype, id);
	fb_ttl(f, 120);
}

static enum lldp_err fb_parse(struct fb *f, struct lldp_info *info)
{
	return parse_exact(f->b, f->n, info);
}

#define assert_err(got, want) \
	cr_assert_eq((got), (want), "got %s, want %s", lldp_errname(got), lldp_errname(want))

/* ---- frames captured from lldpd 1.0.16 ----------------------------------------------------- */

static const __u8 lldpd_mac[6] = {0x6e, 0x90, 0x2f, 0xf6, 0xb1, 0x90};

/* default configuration: Port ID subtype 3 (MAC), Port Description "swp3", TTL 120 */
static const char cap_portid_mac[] =
	"0180c200000e6e902ff6b19088cc0207046e902ff6b1900407036e902ff6b190"
	"060200780a02766d0c0e6e6c2074657374207377697463680e04009c00801018"
	"1102fe800000000000006c902ffffef6b190020000000200080473777033fe09"
	"00120f030100000000fe0900120f0100800000360000";

/* lldpcli configure lldp portidsubtype ifname (tx-interval 1 -> TTL 4) */
static const char cap_portid_ifname[] =
	"0180c200000e6e902ff6b19088cc0207046e902ff6b190040505737770330602"
	"00040a02766d0c0e6e6c2074657374207377697463680e04009c008010181102"
	"fe800000000000006c902ffffef6b190020000000200080473777033fe090012"
	"0f030100000000fe0900120f0100800000360000";

/* lldpcli configure lldp portidsubtype local 7 */
static const char cap_portid_local[] =
	"0180c200000e6e902ff6b19088cc0207046e902ff6b19004020737060200040a"
	"02766d0c0e6e6c2074657374207377697463680e04009c008010181102fe8000"
	"00000000006c902ffffef6b190020000000200080473777033fe0900120f0301"
	"00000000fe0900120f0100800000360000";

/* ... plus configure ports swp3 lldp portdescription "Downlink port 12" and vlan-tx 100 prio 7 */
static const char cap_local_vlan[] =
	"0180c200000e6e902ff6b1908100e06488cc0207046e902ff6b1900402073706"
	"0200040a02766d0c0e6e6c2074657374207377697463680e04009c0080101811"
	"02fe800000000000006c902ffffef6b1900200000002000810446f776e6c696e"
	"6b20706f7274203132fe0900120f030100000000fe0900120f01008000003600"
	"00";

/* shutdown LLDPDUs lldpd sends when the port ID changes / on exit */
static const char cap_shutdown_mac[] =
	"0180c200000e6e902ff6b19088cc0207046e902ff6b1900407036e902ff6b190"
	"060200000000";
static const char cap_shutdown_ifname[] =
	"0180c200000e6e902ff6b19088cc0207046e902ff6b190040505737770330602"
	"00000000";
static const char cap_shutdown_local_vlan[] =
	"0180c200000e6e902ff6b1908100e06488cc0207046e902ff6b1900402073706"
	"0200000000";

Test(lldpd, portid_mac_uses_port_description)
{
	struct lldp_info li;

	assert_err(parse_hex(cap_portid_mac, &li), LLDP_E_OK);
	cr_assert_arr_eq(li.chassis_mac, lldpd_mac, 6);
	cr_assert_arr_eq(li.src_mac, lldpd_mac, 6);
	cr_assert_eq(li.port_id_subtype, LLDP_PORT_SUBTYPE_MAC);
	cr_assert_str_eq(li.port_id, "6e:90:2f:f6:b1:90");
	cr_assert_str_eq(li.port_desc, "swp3");
	cr_assert_str_eq(li.sys_name, "vm");
	cr_assert_eq(li.port, 3);
	cr_assert_eq(li.port_source, LLDP_PORT_FROM_PORT_DESC);
	cr_assert_eq(li.ttl, 120);
	cr_assert(!li.shutdown);
	cr_assert_eq(li.vlan, 0);
}

Test(lldpd, portid_ifname)
{
	struct lldp_info li;

	assert_err(parse_hex(cap_portid_ifname, &li), LLDP_E_OK);
	cr_assert_eq(li.port_id_subtype, LLDP_PORT_SUBTYPE_IFNAME);
	cr_assert_str_eq(li.port_id, "swp3");
	cr_assert_eq(li.port, 3);
	cr_assert_eq(li.port_source, LLDP_PORT_FROM_PORT_ID);
	cr_assert_eq(li.ttl, 4);
}

Test(lldpd, portid_local)
{
	struct lldp_info li;

	assert_err(parse_hex(cap_portid_local, &li), LLDP_E_OK);
	cr_assert_eq(li.port_id_subtype, LLDP_PORT_SUBTYPE_LOCAL);
	cr_assert_str_eq(li.port_id, "7");
	cr_assert_str_eq(li.port_desc, "swp3");
	cr_assert_eq(li.port, 7);
	cr_assert_eq(li.port_source, LLDP_PORT_FROM_PORT_ID);
}

Test(lldpd, local_with_description_on_vlan)
{
	struct lldp_info li;

	assert_err(parse_hex(cap_local_vlan, &li), LLDP_E_OK);
	cr_assert_eq(li.vlan, 100);
	cr_assert_str_eq(li.port_desc, "Downlink port 12");
	cr_assert_eq(li.port, 7, "Port ID wins over the description");
	cr_assert_arr_eq(li.chassis_mac, lldpd_mac, 6);
}

Test(lldpd, shutdown_frames)
{
	struct lldp_info li;

	assert_err(parse_hex(cap_shutdown_mac, &li), LLDP_E_OK);
	cr_assert(li.shutdown);
	cr_assert_eq(li.ttl, 0);
	cr_assert_eq(li.port, 0, "MAC port ID and no description: no port number");
	cr_assert_arr_eq(li.chassis_mac, lldpd_mac, 6);

	assert_err(parse_hex(cap_shutdown_ifname, &li), LLDP_E_OK);
	cr_assert(li.shutdown);
	cr_assert_eq(li.port, 3);

	assert_err(parse_hex(cap_shutdown_local_vlan, &li), LLDP_E_OK);
	cr_assert(li.shutdown);
	cr_assert_eq(li.port, 7);
	cr_assert_eq(li.vlan, 100);
}

/* every prefix of a captured frame that cuts into a TLV is rejected, never read past */
Test(lldpd, every_truncation)
{
	__u8 buf[256];
	size_t n = unhex(cap_portid_mac, buf, sizeof(buf));
	struct lldp_info li;
	size_t cut, ok = 0;

	for (cut = 0; cut < n; cut++) {
		enum lldp_err err = parse_exact(buf, cut, &li);

		if (err == LLDP_E_OK) {
			ok++;
			/* only on a TLV boundary after the Port Description (at byte 88+6) */
			cr_assert_geq(cut, 94, "accepted a %zu-byte prefix", cut);
		}
	}
	cr_assert_gt(ok, 0);
	cr_assert_lt(ok, 5);
}

/* ---- port number derivation ---------------------------------------------------------------- */

struct port_case {
	__u8 subtype;
	const char *id;
	const char *desc; /* NULL: no Port Description TLV */
	enum lldp_err err;
	__u16 port;
	__u8 source;
};

static const struct port_case port_cases[] = {
	{LLDP_PORT_SUBTYPE_LOCAL, "7", NULL, LLDP_E_OK, 7, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_LOCAL, "255", NULL, LLDP_E_OK, 255, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_LOCAL, "1", "port 9", LLDP_E_OK, 1, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_LOCAL, "256", NULL, LLDP_E_PORT_RANGE, 0, 0},
	{LLDP_PORT_SUBTYPE_LOCAL, "0", "port 9", LLDP_E_PORT_RANGE, 0, 0},
	{LLDP_PORT_SUBTYPE_LOCAL, "99999999999999999999", NULL, LLDP_E_PORT_RANGE, 0, 0},
	{LLDP_PORT_SUBTYPE_LOCAL, "x", "eth5", LLDP_E_OK, 5, LLDP_PORT_FROM_PORT_DESC},
	{LLDP_PORT_SUBTYPE_IFNAME, "swp3", NULL, LLDP_E_OK, 3, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_IFNAME, "eth3", NULL, LLDP_E_OK, 3, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_IFNAME, "port-12", NULL, LLDP_E_OK, 12, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_IFNAME, "Ethernet1/48", NULL, LLDP_E_OK, 48, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_IFNAME, "swp007", NULL, LLDP_E_OK, 7, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_IFNAME, "eth0", "port 5", LLDP_E_PORT_RANGE, 0, 0},
	{LLDP_PORT_SUBTYPE_IFNAME, "mgmt", "port 5", LLDP_E_OK, 5, LLDP_PORT_FROM_PORT_DESC},
	{LLDP_PORT_SUBTYPE_IFNAME, "mgmt", NULL, LLDP_E_NO_PORT_NUMBER, 0, 0},
	{LLDP_PORT_SUBTYPE_IFNAME, "mgmt", "uplink", LLDP_E_NO_PORT_NUMBER, 0, 0},
	{LLDP_PORT_SUBTYPE_IFNAME, "3swp", NULL, LLDP_E_NO_PORT_NUMBER, 0, 0},
	{LLDP_PORT_SUBTYPE_ALIAS, "server-17", NULL, LLDP_E_OK, 17, LLDP_PORT_FROM_PORT_ID},
	{LLDP_PORT_SUBTYPE_COMPONENT, "slot1-port200", NULL, LLDP_E_OK, 200,
	 LLDP_PORT_FROM_PORT_ID},
	/* binary subtypes never use the Port ID value, even if it ends in digits */
	{LLDP_PORT_SUBTYPE_MAC, "123456", "Gi0/9", LLDP_E_OK, 9, LLDP_PORT_FROM_PORT_DESC},
	{LLDP_PORT_SUBTYPE_MAC, "123456", NULL, LLDP_E_NO_PORT_NUMBER, 0, 0},
	{LLDP_PORT_SUBTYPE_NETADDR, "\x01\x0a\x00\x00\x01", "port 44", LLDP_E_OK, 44,
	 LLDP_PORT_FROM_PORT_DESC},
	{LLDP_PORT_SUBTYPE_CIRCUIT, "42", "port 1", LLDP_E_OK, 1, LLDP_PORT_FROM_PORT_DESC},
	{99, "42", "port 2", LLDP_E_OK, 2, LLDP_PORT_FROM_PORT_DESC},
	{LLDP_PORT_SUBTYPE_MAC, "123456", "port 300", LLDP_E_PORT_RANGE, 0, 0},
	{LLDP_PORT_SUBTYPE_MAC, "123456", "", LLDP_E_NO_PORT_NUMBER, 0, 0},
};

Test(port, derivation_table)
{
	size_t i;

	for (i = 0; i < sizeof(port_cases) / sizeof(port_cases[0]); i++) {
		const struct port_case *c = &port_cases[i];
		struct lldp_info li;
		enum lldp_err err;
		struct fb f;

		fb_std(&f, c->subtype, c->id);
		if (c->desc)
			fb_tlv(&f, LLDP_TLV_PORT_DESC, c->desc, strlen(c->desc));
		fb_end(&f);
		err = fb_parse(&f, &li);
		cr_assert_eq(err, c->err, "case %zu (%s/%s): got %s want %s", i, c->id,
			     c->desc ? c->desc : "-", lldp_errname(err), lldp_errname(c->err));
		if (err == LLDP_E_OK) {
			cr_assert_eq(li.port, c->port, "case %zu: port %u", i, li.port);
			cr_assert_eq(li.port_source, c->source, "case %zu", i);
		}
	}
}

Test(port, shutdown_without_number_is_ok)
{
	struct lldp_info li;
	struct fb f;

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_IFNAME, "mgmt");
	fb_ttl(&f, 0);
	fb_end(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
	cr_assert(li.shutdown);
	cr_assert_eq(li.port, 0);
	/* the same frame with a TTL is an error */
	f.b[f.n - 3] = 10;
	assert_err(fb_parse(&f, &li), LLDP_E_NO_PORT_NUMBER);
}

/* ---- frame level --------------------------------------------------------------------------------
 */

Test(frame, minimal_valid_and_fields)
{
	struct lldp_info li;
	struct fb f;
	static const char name[] = "leaf\x01sw";

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "42");
	fb_tlv(&f, LLDP_TLV_SYS_NAME, name, sizeof(name) - 1);
	fb_tlv(&f, LLDP_TLV_SYS_DESC, "x", 1);
	fb_tlv(&f, LLDP_TLV_ORG, "\x00\x80\xc2\x01\x00\x01", 6);
	fb_tlv(&f, 100, "reserved type", 13);
	fb_end(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
	cr_assert_arr_eq(li.chassis_mac, sw_mac, 6);
	cr_assert_eq(li.port, 42);
	cr_assert_eq(li.ttl, 120);
	cr_assert_str_eq(li.sys_name, "leaf?sw", "non-printable bytes become '?'");
	cr_assert_str_eq(li.port_desc, "");
}

Test(frame, other_lldp_destinations)
{
	struct lldp_info li;
	struct fb f;

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "4");
	f.b[5] = 0x03;
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
	f.b[5] = 0x00;
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
	f.b[5] = 0x01;
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_DST);
	f.b[5] = 0x0e;
	f.b[0] = 0xff;
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_DST);
}

Test(frame, no_end_tlv_on_boundary_ok)
{
	struct lldp_info li;
	struct fb f;

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
	cr_assert_eq(li.port, 9);
}

Test(frame, padding_after_end_ignored)
{
	static const __u8 junk[] = {0xff, 0xff, 0x0b, 0x0c};
	struct lldp_info li;
	struct fb f;

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_end(&f);
	fb_bytes(&f, junk, sizeof(junk));
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
	/* an ordinary 60-byte padded frame */
	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	while (f.n < 60)
		fb_bytes(&f, "", 1);
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
}

struct err_case {
	const char *what;
	enum lldp_err err;
};

Test(frame, short_and_not_lldp)
{
	struct lldp_info li;
	struct fb f;

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	assert_err(parse_exact(f.b, 13, &li), LLDP_E_SHORT_FRAME);
	assert_err(parse_exact(f.b, 0, &li), LLDP_E_SHORT_FRAME);
	assert_err(parse_exact(f.b, 14, &li), LLDP_E_MISSING_MANDATORY);
	f.b[12] = 0x08;
	f.b[13] = 0x00;
	assert_err(fb_parse(&f, &li), LLDP_E_NOT_LLDP);

	/* tagged but cut inside the tag */
	fb_eth(&f, 5);
	assert_err(parse_exact(f.b, 15, &li), LLDP_E_SHORT_FRAME);
	assert_err(parse_exact(f.b, 17, &li), LLDP_E_SHORT_FRAME);
	/* two tags */
	fb_eth(&f, 5);
	f.b[16] = 0x81;
	f.b[17] = 0x00;
	fb_bytes(&f, "\x00\x05\x88\xcc", 4);
	fb_chassis(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_NOT_LLDP);
	/* 802.1ad outer tag */
	fb_eth(&f, 5);
	f.b[12] = 0x88;
	f.b[13] = 0xa8;
	assert_err(fb_parse(&f, &li), LLDP_E_NOT_LLDP);
}

Test(frame, vlan_id_masks_pcp)
{
	struct lldp_info li;
	struct fb f;

	fb_eth(&f, 0xe000 | 4094);
	fb_chassis(&f);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "3");
	fb_ttl(&f, 120);
	fb_end(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
	cr_assert_eq(li.vlan, 4094);
}

Test(tlv, truncation)
{
	struct lldp_info li;
	struct fb f;

	/* one stray byte after TTL */
	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_bytes(&f, "\x08", 1);
	assert_err(fb_parse(&f, &li), LLDP_E_TLV_TRUNCATED);
	/* value longer than the frame */
	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_bytes(&f,
		 "\x08\x10"
		 "abc",
		 5);
	assert_err(fb_parse(&f, &li), LLDP_E_TLV_TRUNCATED);
	/* 9-bit length: 0x1ff bytes announced */
	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_bytes(&f,
		 "\x09\xff"
		 "abc",
		 5);
	assert_err(fb_parse(&f, &li), LLDP_E_TLV_TRUNCATED);
	/* Chassis ID cut */
	fb_eth(&f, -1);
	fb_bytes(&f, "\x02\x07\x04\x0c\x42", 5);
	assert_err(fb_parse(&f, &li), LLDP_E_TLV_TRUNCATED);
}

Test(tlv, mandatory_order)
{
	struct lldp_info li;
	struct fb f;

	fb_eth(&f, -1);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_chassis(&f);
	fb_ttl(&f, 120);
	assert_err(fb_parse(&f, &li), LLDP_E_FIRST_NOT_CHASSIS);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_ttl(&f, 120);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	assert_err(fb_parse(&f, &li), LLDP_E_SECOND_NOT_PORT);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_PORT_DESC, "p1", 2);
	fb_ttl(&f, 120);
	assert_err(fb_parse(&f, &li), LLDP_E_THIRD_NOT_TTL);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_chassis(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_SECOND_NOT_PORT);
}

Test(tlv, missing_mandatory)
{
	struct lldp_info li;
	struct fb f;

	fb_eth(&f, -1);
	fb_end(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_MISSING_MANDATORY);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_end(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_MISSING_MANDATORY);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	assert_err(fb_parse(&f, &li), LLDP_E_MISSING_MANDATORY);
}

Test(tlv, duplicates)
{
	struct lldp_info li;
	struct fb f;

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_chassis(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_DUP_MANDATORY);

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_SYS_NAME, "a", 1);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "8");
	assert_err(fb_parse(&f, &li), LLDP_E_DUP_MANDATORY);

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_ttl(&f, 0);
	assert_err(fb_parse(&f, &li), LLDP_E_DUP_MANDATORY);

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_PORT_DESC, "p1", 2);
	fb_tlv(&f, LLDP_TLV_PORT_DESC, "p2", 2);
	assert_err(fb_parse(&f, &li), LLDP_E_DUP_OPTIONAL);

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_SYS_NAME, "a", 1);
	fb_tlv(&f, LLDP_TLV_SYS_NAME, "", 0);
	assert_err(fb_parse(&f, &li), LLDP_E_DUP_OPTIONAL);

	/* a repeated TLV after End is padding, not a duplicate */
	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_end(&f);
	fb_chassis(&f);
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
}

Test(tlv, empty_and_bad_lengths)
{
	struct lldp_info li;
	struct fb f;
	__u8 big[300];

	memset(big, 'a', sizeof(big));

	fb_eth(&f, -1);
	fb_tlv(&f, LLDP_TLV_CHASSIS_ID, NULL, 0);
	assert_err(fb_parse(&f, &li), LLDP_E_EMPTY_VALUE);

	fb_eth(&f, -1);
	fb_tlv(&f, LLDP_TLV_CHASSIS_ID, "\x04", 1);
	assert_err(fb_parse(&f, &li), LLDP_E_EMPTY_VALUE);

	fb_eth(&f, -1);
	fb_tlv_sub(&f, LLDP_TLV_CHASSIS_ID, 4, big, 256);
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_TLV_LEN);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_tlv(&f, LLDP_TLV_PORT_ID, NULL, 0);
	assert_err(fb_parse(&f, &li), LLDP_E_EMPTY_VALUE);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_tlv(&f, LLDP_TLV_PORT_ID, "\x07", 1);
	assert_err(fb_parse(&f, &li), LLDP_E_EMPTY_VALUE);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_tlv_sub(&f, LLDP_TLV_PORT_ID, 7, big, 256);
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_TLV_LEN);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_TTL, "\x00", 1);
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_TLV_LEN);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_TTL, "\x00\x78\x00", 3);
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_TLV_LEN);

	fb_eth(&f, -1);
	fb_chassis(&f);
	fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_TTL, NULL, 0);
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_TLV_LEN);

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_PORT_DESC, big, 256);
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_TLV_LEN);

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_SYS_NAME, big, 300);
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_TLV_LEN);

	/* 255 bytes is the maximum and is kept whole */
	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_SYS_NAME, big, 255);
	assert_err(fb_parse(&f, &li), LLDP_E_OK);
	cr_assert_eq(strlen(li.sys_name), 255);

	fb_std(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
	fb_tlv(&f, LLDP_TLV_END, "\x00\x00", 2);
	assert_err(fb_parse(&f, &li), LLDP_E_BAD_END);
}

Test(tlv, chassis_id_rules)
{
	static const __u8 mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const __u8 zero[6] = {0};
	struct lldp_info li;
	struct fb f;
	__u8 subtype;

	for (subtype = 0; subtype < 10; subtype++) {
		if (subtype == LLDP_CHASSIS_SUBTYPE_MAC)
			continue;
		fb_eth(&f, -1);
		fb_tlv_sub(&f, LLDP_TLV_CHASSIS_ID, subtype, sw_mac, 6);
		fb_port_str(&f, LLDP_PORT_SUBTYPE_LOCAL, "9");
		fb_ttl(&f, 120);
		assert_err(fb_parse(&f, &li), LLDP_E_CHASSIS_SUBTYPE);
	}

	fb_eth(&f, -1);
	fb_tlv_sub(&f, LLDP_TLV_CHASSIS_ID, 4, sw_mac, 5);
	assert_err(fb_parse(&f, &li), LLDP_E_CHASSIS_MAC_LEN);
	fb_eth(&f, -1);
	fb_tlv_sub(&f, LLDP_TLV_CHASSIS_ID, 4, "abcdefgh", 8);
	assert_err(fb_parse(&f, &li), LLDP_E_CHASSIS_MAC_LEN);
	fb_eth(&f, -1);
	fb_tlv_sub(&f, LLDP_TLV_CHASSIS_ID, 4, mcast, 6);
	assert_err(fb_parse(&f, &li), LLDP_E_CHASSIS_MAC_INVALID);
	fb_eth(&f, -1);
	fb_tlv_sub(&f, LLDP_TLV_CHASSIS_ID, 4, zero, 6);
	assert_err(fb_parse(&f, &li), LLDP_E_CHASSIS_MAC_INVALID);
}

Test(errors, names_distinct)
{
	int i, j;

	for (i = 0; i < LLDP_E_MAX; i++) {
		cr_assert_not_null(lldp_errname(i));
		cr_assert_gt(strlen(lldp_strerror(i)), 0);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(lldp_errname(i), lldp_errname(j));
	}
	cr_assert_str_eq(lldp_errname(LLDP_E_MAX), "unknown");
	cr_assert_str_eq(lldp_errname(-1), "unknown");
	cr_assert_str_eq(lldp_errname(LLDP_E_PORT_RANGE), "port_range");
}

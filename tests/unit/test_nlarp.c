// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Criterion tests of the NL-ARP codec (user/agent/nlarp.c). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "nlarp_codec.h"
#include "nlarp_fixture.h"

#define assert_err(got, want) \
	cr_assert_eq((got), (want), "got %s, want %s", nlarp_errname(got), nlarp_errname(want))

static struct nlarp_fields probe(void);

static struct nlarp_fields where_by_mac(void)
{
	struct nlarp_fields m = here();

	m.op = NLARP_WHERE;
	m.flags = 0;
	m.ip = 0;
	memset(m.switch_mac, 0, 6);
	m.port = 0;
	m.loc_version = 0;
	return m;
}

static struct nlarp_fields where_by_ip(void)
{
	struct nlarp_fields m = where_by_mac();

	m.flags = NLARP_F_BY_IP | NLARP_F_HAS_IP;
	m.ip = htonl(0x0a000005);
	memset(m.mac, 0, 6);
	return m;
}

static struct nlarp_fields not_here(void)
{
	struct nlarp_fields m = here();

	m.op = NLARP_NOT_HERE;
	m.flags = 0;
	m.ip = 0;
	m.loc_version = 0;
	return m;
}

static struct nlarp_fields here_ip6(void)
{
	static const __u8 a1[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, [15] = 5};
	static const __u8 a2[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 5};
	struct nlarp_fields m = here();

	m.ip6_count = 2;
	memcpy(m.ip6[0], a1, 16);
	memcpy(m.ip6[1], a2, 16);
	return m;
}

static struct nlarp_fields where_by_ip6(void)
{
	struct nlarp_fields m = where_by_ip();

	m.flags = NLARP_F_BY_IP;
	m.ip = 0;
	m.ip6_count = 1;
	m.ip6[0][0] = 0x20;
	m.ip6[0][1] = 0x01;
	m.ip6[0][15] = 7;
	return m;
}

/* the version 3 IPv6 part with no address: count 0, reserved, 4 x 16 zero bytes */
#define EXT0                                                                               \
	"00000000"                                                                         \
	"00000000000000000000000000000000000000000000000000000000000000000000000000000000" \
	"000000000000000000000000000000000000000000000000"

static struct nlarp_fields here_v3(void)
{
	return here();
}

/* version 2, HERE, HAS_IP, tenant 12.25, MAC_AS 3, 02:00:00:00:00:01, 10.0.0.5, at
 * 0c:42:a1:00:00:07 port 7 */
static const char here_hex[] = "02010001"
			       "00000c19"
			       "0003"
			       "020000000001"
			       "0a000005"
			       "0c42a1000007"
			       "0007"
			       "0000019a2b3c4d5e"
			       "0c42a1000007"
			       "0007";

static void unhex(const char *hex, __u8 *out, size_t n)
{
	size_t i;

	cr_assert_eq(strlen(hex), 2 * n);
	for (i = 0; i < n; i++) {
		unsigned int b;

		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &b), 1);
		out[i] = (__u8)b;
	}
}

/* field by field: struct nlarp_fields has padding */
static void assert_fields_eq(const struct nlarp_fields *a, const struct nlarp_fields *b)
{
	cr_assert_eq(a->version, b->version);
	cr_assert_eq(a->op, b->op);
	cr_assert_eq(a->flags, b->flags);
	cr_assert_eq(a->tenant, b->tenant);
	cr_assert_eq(a->mac_as, b->mac_as);
	cr_assert_arr_eq(a->mac, b->mac, 6);
	cr_assert_eq(a->ip, b->ip);
	cr_assert_arr_eq(a->switch_mac, b->switch_mac, 6);
	cr_assert_eq(a->port, b->port);
	cr_assert_eq(a->loc_version, b->loc_version);
	cr_assert_arr_eq(a->sender_switch_mac, b->sender_switch_mac, 6);
	cr_assert_eq(a->sender_port, b->sender_port);
	cr_assert_eq(a->ip6_count, b->ip6_count);
	cr_assert_arr_eq(a->ip6, b->ip6, sizeof(a->ip6));
}

Test(encode, here_byte_exact)
{
	struct nlarp_fields m = here_v3();
	__u8 want[NLARP_MSG_LEN], buf[NLARP_MSG_LEN + 16];
	char hex[2 * NLARP_MSG_LEN + 1];

	snprintf(hex, sizeof(hex), "03%s" EXT0, here_hex + 2);
	unhex(hex, want, sizeof(want));
	memset(buf, 0xaa, sizeof(buf));
	assert_err(nlarp_encode(&m, NL_TENANT_BITS_16, buf, sizeof(buf)), NLARP_E_OK);
	cr_assert_arr_eq(buf, want, NLARP_MSG_LEN);
	cr_assert_eq(buf[NLARP_MSG_LEN], 0xaa, "exactly NLARP_MSG_LEN bytes written");
}

Test(encode, where_by_ip_byte_exact)
{
	struct nlarp_fields m = where_by_ip();
	static const char hex[] = "03020003"
				  "00000c19"
				  "0003"
				  "000000000000"
				  "0a000005"
				  "000000000000"
				  "0000"
				  "0000000000000000"
				  "0c42a1000007"
				  "0007" EXT0;
	__u8 want[NLARP_MSG_LEN], buf[NLARP_MSG_LEN];

	unhex(hex, want, sizeof(want));
	assert_err(nlarp_encode(&m, NL_TENANT_BITS_16, buf, sizeof(buf)), NLARP_E_OK);
	cr_assert_arr_eq(buf, want, NLARP_MSG_LEN);
}

/* a version 2 HERE (an agent without IPv6 support) still decodes */
Test(decode, here_fields_v2)
{
	__u8 buf[NLARP_MSG_LEN_V2];
	struct nlarp_fields m, want = here();

	want.version = NLARP_VERSION_V2;
	unhex(here_hex, buf, sizeof(buf));
	assert_err(nlarp_decode(buf, sizeof(buf), NL_TENANT_BITS_16, &m), NLARP_E_OK);
	cr_assert_eq(m.version, 2);
	cr_assert_eq(m.op, NLARP_HERE);
	cr_assert_eq(m.flags, NLARP_F_HAS_IP);
	cr_assert_eq(m.tenant, 3097);
	cr_assert_eq(m.mac_as, 3);
	cr_assert_arr_eq(m.mac, vm1, 6);
	cr_assert_eq(ntohl(m.ip), 0x0a000005);
	cr_assert_arr_eq(m.switch_mac, sw7, 6);
	cr_assert_eq(m.port, 7);
	cr_assert_eq(m.loc_version, 0x0000019a2b3c4d5eULL);
	cr_assert_arr_eq(m.sender_switch_mac, sw7, 6);
	cr_assert_eq(m.sender_port, 7);
	assert_fields_eq(&m, &want);
}

Test(decode, lengths)
{
	__u8 buf[128];
	struct nlarp_fields m;

	memset(buf, 0, sizeof(buf));
	unhex(here_hex, buf, NLARP_MSG_LEN_V2);
	assert_err(nlarp_decode(buf, NLARP_MSG_LEN_V2 - 1, NL_TENANT_BITS_16, &m), NLARP_E_SHORT);
	assert_err(nlarp_decode(buf, 0, NL_TENANT_BITS_16, &m), NLARP_E_SHORT);
	/* Ethernet minimum payload: 46 bytes, zero padded */
	assert_err(nlarp_decode(buf, 46, NL_TENANT_BITS_16, &m), NLARP_E_OK);
	/* trailing non-zero bytes are ignored as well */
	memset(buf + NLARP_MSG_LEN_V2, 0xff, sizeof(buf) - NLARP_MSG_LEN_V2);
	assert_err(nlarp_decode(buf, sizeof(buf), NL_TENANT_BITS_16, &m), NLARP_E_OK);
	/* version 3: the whole 112-byte body or nothing */
	buf[0] = NLARP_VERSION;
	memset(buf + NLARP_MSG_LEN_V2, 0, sizeof(buf) - NLARP_MSG_LEN_V2);
	assert_err(nlarp_decode(buf, NLARP_MSG_LEN - 1, NL_TENANT_BITS_16, &m), NLARP_E_SHORT);
	assert_err(nlarp_decode(buf, NLARP_MSG_LEN, NL_TENANT_BITS_16, &m), NLARP_E_OK);
	buf[0] = 4;
	assert_err(nlarp_decode(buf, NLARP_MSG_LEN, NL_TENANT_BITS_16, &m), NLARP_E_VERSION);
	buf[0] = NLARP_VERSION;
	assert_err(nlarp_decode(NULL, 44, NL_TENANT_BITS_16, &m), NLARP_E_BAD_ARG);
	assert_err(nlarp_decode(buf, NLARP_MSG_LEN, 17, &m), NLARP_E_BAD_ARG);
}

Test(decode, unaligned_buffer)
{
	__u8 raw[NLARP_MSG_LEN_V2 + 1];
	struct nlarp_fields m;

	unhex(here_hex, raw + 1, NLARP_MSG_LEN_V2);
	assert_err(nlarp_decode(raw + 1, NLARP_MSG_LEN_V2, NL_TENANT_BITS_16, &m), NLARP_E_OK);
	cr_assert_eq(m.loc_version, 0x0000019a2b3c4d5eULL);
}

static void round_trip(struct nlarp_fields m, int bits)
{
	__u8 buf[NLARP_MSG_LEN], buf2[NLARP_MSG_LEN];
	struct nlarp_fields d;

	assert_err(nlarp_encode(&m, bits, buf, sizeof(buf)), NLARP_E_OK);
	assert_err(nlarp_decode(buf, sizeof(buf), bits, &d), NLARP_E_OK);
	assert_fields_eq(&d, &m);
	assert_err(nlarp_encode(&d, bits, buf2, sizeof(buf2)), NLARP_E_OK);
	cr_assert_arr_eq(buf, buf2, sizeof(buf));
}

Test(roundtrip, every_kind)
{
	struct nlarp_fields m;

	round_trip(here(), NL_TENANT_BITS_16);
	m = here();
	m.flags = 0; /* L2-only VIF */
	m.ip = 0;
	round_trip(m, NL_TENANT_BITS_16);
	m = here();
	m.flags |= NLARP_F_REPLY;
	round_trip(m, NL_TENANT_BITS_16);
	m = here();
	m.flags |= NLARP_F_GONE;
	round_trip(m, NL_TENANT_BITS_16);
	m = here();
	m.tenant = NL_TENANT_MAX_24;
	m.loc_version = ~0ULL;
	m.port = m.sender_port = 223;
	round_trip(m, NL_TENANT_BITS_24);
	round_trip(where_by_mac(), NL_TENANT_BITS_16);
	round_trip(where_by_ip(), NL_TENANT_BITS_16);
	round_trip(not_here(), NL_TENANT_BITS_16);
	m = not_here();
	m.flags = NLARP_F_HAS_IP;
	m.ip = htonl(0xc0a80101);
	m.loc_version = 5;
	round_trip(m, NL_TENANT_BITS_16);
	round_trip(here_ip6(), NL_TENANT_BITS_16);
	m = here_ip6();
	m.flags = 0; /* IPv6 only */
	m.ip = 0;
	m.ip6_count = 4;
	m.ip6[2][15] = 9;
	m.ip6[3][0] = 0xfd; /* unique local */
	round_trip(m, NL_TENANT_BITS_16);
	round_trip(where_by_ip6(), NL_TENANT_BITS_16);
}

/* HERE with two IPv6 addresses, byte for byte */
Test(encode, here_ip6_byte_exact)
{
	struct nlarp_fields m = here_ip6();
	char hex[2 * NLARP_MSG_LEN + 1];
	__u8 want[NLARP_MSG_LEN], buf[NLARP_MSG_LEN];

	snprintf(hex, sizeof(hex),
		 "03%s"
		 "02000000"
		 "20010db8000000010000000000000005"
		 "20010db8000000020000000000000005"
		 "%064d",
		 here_hex + 2, 0);
	unhex(hex, want, sizeof(want));
	assert_err(nlarp_encode(&m, NL_TENANT_BITS_16, buf, sizeof(buf)), NLARP_E_OK);
	cr_assert_arr_eq(buf, want, NLARP_MSG_LEN);
}

/* a version 2 message can carry no IPv6 address: encoded as 44 bytes */
Test(encode, v2_still_encodes_without_ip6)
{
	struct nlarp_fields m = here();
	__u8 want[NLARP_MSG_LEN_V2], buf[NLARP_MSG_LEN];

	m.version = NLARP_VERSION_V2;
	memset(buf, 0xaa, sizeof(buf));
	unhex(here_hex, want, sizeof(want));
	assert_err(nlarp_encode(&m, NL_TENANT_BITS_16, buf, sizeof(buf)), NLARP_E_OK);
	cr_assert_arr_eq(buf, want, NLARP_MSG_LEN_V2);
	cr_assert_eq(buf[NLARP_MSG_LEN_V2], 0xaa);
	cr_assert_eq(nlarp_body_len(2), 44);
	cr_assert_eq(nlarp_body_len(3), 112);
	cr_assert_eq(nlarp_body_len(1), 0);
	m.ip6_count = 1;
	m.ip6[0][0] = 0x20;
	assert_err(nlarp_validate(&m, NL_TENANT_BITS_16), NLARP_E_IP6_IN_V2);
}

/* reserved bytes of the IPv6 part are refused by the decoder */
Test(decode, ip6_reserved_bytes)
{
	struct nlarp_fields m = here_ip6(), d;
	__u8 buf[NLARP_MSG_LEN];

	assert_err(nlarp_encode(&m, NL_TENANT_BITS_16, buf, sizeof(buf)), NLARP_E_OK);
	buf[NLARP_MSG_LEN_V2 + 2] = 1;
	assert_err(nlarp_decode(buf, sizeof(buf), NL_TENANT_BITS_16, &d), NLARP_E_IP6_COUNT);
	buf[NLARP_MSG_LEN_V2 + 2] = 0;
	buf[NLARP_MSG_LEN - 1] = 1; /* unused 4th entry */
	assert_err(nlarp_decode(buf, sizeof(buf), NL_TENANT_BITS_16, &d), NLARP_E_IP6_COUNT);
}

/* a valid template, a change, the error it must produce */
struct reject_case {
	const char *what;
	struct nlarp_fields (*base)(void);
	void (*mutate)(struct nlarp_fields *m);
	int bits;
	enum nlarp_err err;
};

#define MUT(name, body)                          \
	static void name(struct nlarp_fields *m) \
	{                                        \
		body;                            \
	}

MUT(m_version0, m->version = 0)
MUT(m_version1, m->version = 1)
MUT(m_op0, m->op = 0)
MUT(m_op5, m->op = 5)
MUT(m_probe_tenant, m->tenant = 5)
MUT(m_op255, m->op = 255)
MUT(m_flag4, m->flags |= 1 << 4)
MUT(m_flag15, m->flags |= 1 << 15)
MUT(m_tenant0, m->tenant = 0)
MUT(m_tenant1, m->tenant = 1)
MUT(m_tenant_ffff, m->tenant = 0xffff)
MUT(m_tenant_ffffff, m->tenant = 0xffffff)
MUT(m_tenant_huge, m->tenant = 0xfffffffe)
MUT(m_mac_as0, m->mac_as = 0)
MUT(m_mac_as127, m->mac_as = 127)
MUT(m_mac_as224, m->mac_as = 224)
MUT(m_mac_as256, m->mac_as = 256)
MUT(m_mac_as300, m->mac_as = 300)
MUT(m_mac_zero, memset(m->mac, 0, 6))
MUT(m_mac_bcast, memset(m->mac, 0xff, 6))
MUT(m_mac_mcast, m->mac[0] = 0x01)
MUT(m_mac_set, m->mac[5] = 1)
MUT(m_ip_no_flag, m->flags &= ~NLARP_F_HAS_IP)
MUT(m_ip_zero, m->ip = 0)
MUT(m_ip_loop, m->ip = htonl(0x7f000001))
MUT(m_ip_mcast, m->ip = htonl(0xe0000001))
MUT(m_ip_classe, m->ip = htonl(0xf0000001))
MUT(m_ip_bcast, m->ip = htonl(0xffffffff))
MUT(m_add_has_ip, m->flags |= NLARP_F_HAS_IP; m->ip = htonl(0x0a000001))
MUT(m_by_ip, m->flags |= NLARP_F_BY_IP)
MUT(m_by_ip_only, m->flags = NLARP_F_BY_IP; m->ip = 0)
MUT(m_gone, m->flags |= NLARP_F_GONE)
MUT(m_gone_reply, m->flags |= NLARP_F_GONE | NLARP_F_REPLY)
MUT(m_reply, m->flags |= NLARP_F_REPLY)
MUT(m_sw_zero, memset(m->switch_mac, 0, 6))
MUT(m_sw_mcast, m->switch_mac[0] |= 1)
MUT(m_port0, m->port = 0)
MUT(m_port256, m->port = 256; m->sender_port = 256)
MUT(m_port127, m->port = 127; m->sender_port = 127)
MUT(m_port224, m->port = 224; m->sender_port = 224)
MUT(m_where_sw, m->switch_mac[5] = 7)
MUT(m_where_port, m->port = 7)
MUT(m_where_ver, m->loc_version = 1)
MUT(m_ver0, m->loc_version = 0)
MUT(m_gone_ver0, m->flags |= NLARP_F_GONE; m->loc_version = 0)
MUT(m_snd_zero, memset(m->sender_switch_mac, 0, 6))
MUT(m_snd_mcast, m->sender_switch_mac[0] = 0x33)
MUT(m_snd_port0, m->sender_port = 0)
MUT(m_snd_port300, m->sender_port = 300)
MUT(m_loc_other_mac, m->switch_mac[5] = 8)
MUT(m_loc_other_port, m->port = 8)
MUT(m_ip_no_flag_and_zero, m->flags &= ~NLARP_F_HAS_IP; m->ip = 0)
MUT(m_ip6_count5, m->ip6_count = 5)
MUT(m_ip6_unused, m->ip6[3][0] = 0x20)
MUT(m_ip6_zero, memset(m->ip6[1], 0, 16))
MUT(m_ip6_mcast, m->ip6[0][0] = 0xff)
MUT(m_ip6_ll, m->ip6[0][0] = 0xfe; m->ip6[0][1] = 0x80)
MUT(m_ip6_dup, memcpy(m->ip6[1], m->ip6[0], 16))
MUT(m_ip6_add, m->ip6_count = 1; m->ip6[0][0] = 0x20; m->ip6[0][15] = 1)
MUT(m_ip6_and_ip4, m->flags |= NLARP_F_HAS_IP; m->ip = htonl(0x0a000001))
MUT(m_ip6_two, m->ip6_count = 2; m->ip6[1][0] = 0x20; m->ip6[1][15] = 2)
MUT(m_v2_ip6, m->version = NLARP_VERSION_V2)

static const struct reject_case reject_cases[] = {
	{"version 0", here, m_version0, 16, NLARP_E_VERSION},
	{"version 1 (unauthenticated)", here, m_version1, 16, NLARP_E_VERSION},
	{"op 0", here, m_op0, 16, NLARP_E_OP},
	{"op 5", here, m_op5, 16, NLARP_E_OP},
	{"probe with a tenant", probe, m_probe_tenant, 16, NLARP_E_PROBE_FIELDS},
	{"op 255", where_by_mac, m_op255, 16, NLARP_E_OP},
	{"flag bit 4", here, m_flag4, 16, NLARP_E_FLAGS_UNKNOWN},
	{"flag bit 15", not_here, m_flag15, 16, NLARP_E_FLAGS_UNKNOWN},
	{"tenant 0", here, m_tenant0, 16, NLARP_E_TENANT},
	{"tenant 1", here, m_tenant1, 24, NLARP_E_TENANT},
	{"tenant 0xffff/16", here, m_tenant_ffff, 16, NLARP_E_TENANT},
	{"tenant 0xffffff/24", here, m_tenant_ffffff, 24, NLARP_E_TENANT},
	{"tenant huge/24", where_by_ip, m_tenant_huge, 24, NLARP_E_TENANT},
	{"HERE MAC_AS 300/16 (would alias 44)", here, m_mac_as300, 16, NLARP_E_MAC_AS},
	{"NOT-HERE MAC_AS 256/16", not_here, m_mac_as256, 16, NLARP_E_MAC_AS},
	{"WHERE MAC_AS 300/16", where_by_mac, m_mac_as300, 16, NLARP_E_MAC_AS},
	{"HERE MAC_AS 0/16", here, m_mac_as0, 16, NLARP_E_OK},
	{"HERE MAC_AS 0/24", here, m_mac_as0, 24, NLARP_E_MAC_AS},
	{"HERE MAC_AS 127/24", here, m_mac_as127, 24, NLARP_E_MAC_AS},
	{"HERE MAC_AS 224/24", here, m_mac_as224, 24, NLARP_E_MAC_AS},
	{"HERE MAC_AS 224/16", here, m_mac_as224, 16, NLARP_E_OK},
	{"HERE mac zero", here, m_mac_zero, 16, NLARP_E_MAC_ZERO},
	{"HERE mac broadcast", here, m_mac_bcast, 16, NLARP_E_MAC_MULTICAST},
	{"HERE mac multicast", here, m_mac_mcast, 16, NLARP_E_MAC_MULTICAST},
	{"NOT-HERE mac zero", not_here, m_mac_zero, 16, NLARP_E_MAC_ZERO},
	{"NOT-HERE mac mcast", not_here, m_mac_mcast, 16, NLARP_E_MAC_MULTICAST},
	{"WHERE mac zero", where_by_mac, m_mac_zero, 16, NLARP_E_MAC_ZERO},
	{"WHERE mac bcast", where_by_mac, m_mac_bcast, 16, NLARP_E_MAC_MULTICAST},
	{"WHERE by IP with MAC", where_by_ip, m_mac_set, 16, NLARP_E_MAC_SET_BY_IP},
	{"ip without HAS_IP", here, m_ip_no_flag, 16, NLARP_E_IP_WITHOUT_FLAG},
	{"HAS_IP, ip 0", here, m_ip_zero, 16, NLARP_E_IP_INVALID},
	{"ip 127.0.0.1", here, m_ip_loop, 16, NLARP_E_IP_INVALID},
	{"ip 224.0.0.1", here, m_ip_mcast, 16, NLARP_E_IP_INVALID},
	{"ip 240.0.0.1", not_here, m_add_has_ip, 16, NLARP_E_OK},
	{"ip 240.0.0.1", here, m_ip_classe, 16, NLARP_E_IP_INVALID},
	{"ip 255.255.255.255", where_by_ip, m_ip_bcast, 16, NLARP_E_IP_INVALID},
	{"WHERE by MAC with IP", where_by_mac, m_add_has_ip, 16, NLARP_E_WHERE_MAC_WITH_IP},
	{"BY_IP on HERE", here, m_by_ip, 16, NLARP_E_BY_IP_NOT_WHERE},
	{"BY_IP on NOT-HERE", not_here, m_by_ip, 16, NLARP_E_BY_IP_NOT_WHERE},
	{"BY_IP without HAS_IP", where_by_mac, m_by_ip_only, 16, NLARP_E_BY_IP_WITHOUT_IP},
	{"GONE on WHERE", where_by_mac, m_gone, 16, NLARP_E_GONE_NOT_HERE},
	{"GONE on NOT-HERE", not_here, m_gone, 16, NLARP_E_GONE_NOT_HERE},
	{"GONE + REPLY", here, m_gone_reply, 16, NLARP_E_GONE_REPLY},
	{"REPLY on NOT-HERE", not_here, m_reply, 16, NLARP_E_REPLY_NOT_HERE},
	{"REPLY on WHERE", where_by_ip, m_reply, 16, NLARP_E_REPLY_NOT_HERE},
	{"HERE switch zero", here, m_sw_zero, 16, NLARP_E_SWITCH_MAC_ZERO},
	{"HERE switch mcast", here, m_sw_mcast, 16, NLARP_E_SWITCH_MAC_MULTICAST},
	{"NOT-HERE switch zero", not_here, m_sw_zero, 16, NLARP_E_SWITCH_MAC_ZERO},
	{"HERE port 0", here, m_port0, 16, NLARP_E_PORT},
	{"HERE port 256", here, m_port256, 16, NLARP_E_PORT},
	{"HERE port 127/24", here, m_port127, 24, NLARP_E_PORT},
	{"HERE port 127/16", here, m_port127, 16, NLARP_E_OK},
	{"HERE port 224/24", here, m_port224, 24, NLARP_E_PORT},
	{"HERE port 224/16", here, m_port224, 16, NLARP_E_OK},
	{"NOT-HERE port 0", not_here, m_port0, 16, NLARP_E_PORT},
	{"WHERE with switch", where_by_mac, m_where_sw, 16, NLARP_E_WHERE_LOCATION},
	{"WHERE with port", where_by_ip, m_where_port, 16, NLARP_E_WHERE_LOCATION},
	{"WHERE with version", where_by_mac, m_where_ver, 16, NLARP_E_WHERE_VERSION},
	{"HERE version 0", here, m_ver0, 16, NLARP_E_VERSION_ZERO},
	{"HERE GONE version 0", here, m_gone_ver0, 16, NLARP_E_VERSION_ZERO},
	{"NOT-HERE version 0", not_here, m_ver0, 16, NLARP_E_OK},
	{"sender zero", where_by_mac, m_snd_zero, 16, NLARP_E_SENDER_MAC_ZERO},
	{"sender mcast", where_by_ip, m_snd_mcast, 16, NLARP_E_SENDER_MAC_MULTICAST},
	{"sender port 0", where_by_mac, m_snd_port0, 16, NLARP_E_SENDER_PORT},
	{"sender port 300", where_by_mac, m_snd_port300, 16, NLARP_E_SENDER_PORT},
	{"HERE other switch", here, m_loc_other_mac, 16, NLARP_E_LOC_NOT_SENDER},
	{"HERE other port", here, m_loc_other_port, 16, NLARP_E_LOC_NOT_SENDER},
	{"NOT-HERE other switch", not_here, m_loc_other_mac, 16, NLARP_E_LOC_NOT_SENDER},
	{"5 IPv6 addresses", here_ip6, m_ip6_count5, 16, NLARP_E_IP6_COUNT},
	{"unused IPv6 entry set", here_ip6, m_ip6_unused, 16, NLARP_E_IP6_COUNT},
	{"IPv6 ::", here_ip6, m_ip6_zero, 16, NLARP_E_IP6_INVALID},
	{"IPv6 multicast", here_ip6, m_ip6_mcast, 16, NLARP_E_IP6_INVALID},
	{"IPv6 link-local", where_by_ip6, m_ip6_ll, 16, NLARP_E_IP6_INVALID},
	{"IPv6 twice", here_ip6, m_ip6_dup, 16, NLARP_E_IP6_DUPLICATE},
	{"IPv6 on NOT-HERE", not_here, m_ip6_add, 16, NLARP_E_IP6_NOT_HERE},
	{"IPv6 on WHERE by MAC", where_by_mac, m_ip6_add, 16, NLARP_E_IP6_NOT_HERE},
	{"IPv6 on PROBE", probe, m_ip6_add, 16, NLARP_E_IP6_NOT_HERE},
	{"WHERE by IPv4 and IPv6", where_by_ip6, m_ip6_and_ip4, 16, NLARP_E_BY_IP_AMBIGUOUS},
	{"WHERE by two IPv6", where_by_ip6, m_ip6_two, 16, NLARP_E_BY_IP_AMBIGUOUS},
	{"IPv6 in version 2", here_ip6, m_v2_ip6, 16, NLARP_E_IP6_IN_V2},
	{"HERE IPv6 only", here_ip6, m_ip_no_flag_and_zero, 16, NLARP_E_OK},
};

Test(validate, reject_table_covers_every_error)
{
	bool seen[NLARP_E_MAX] = {false};
	size_t i;
	int e;

	for (i = 0; i < sizeof(reject_cases) / sizeof(reject_cases[0]); i++) {
		const struct reject_case *c = &reject_cases[i];
		struct nlarp_fields m = c->base();
		__u8 buf[NLARP_MSG_LEN], wire[NLARP_MSG_LEN];
		struct nlarp_msg w;
		struct nlarp_fields d;
		enum nlarp_err err;

		/* the template itself is valid */
		assert_err(nlarp_validate(&m, c->bits), NLARP_E_OK);
		c->mutate(&m);
		err = nlarp_validate(&m, c->bits);
		cr_assert_eq(err, c->err, "%s: got %s want %s", c->what, nlarp_errname(err),
			     nlarp_errname(c->err));
		seen[err] = true;

		/* the encoder refuses it and leaves the buffer alone */
		memset(buf, 0x5a, sizeof(buf));
		err = nlarp_encode(&m, c->bits, buf, sizeof(buf));
		cr_assert_eq(err, c->err, "%s (encode)", c->what);
		if (err != NLARP_E_OK) {
			size_t k;

			for (k = 0; k < sizeof(buf); k++)
				cr_assert_eq(buf[k], 0x5a, "%s: encode wrote byte %zu", c->what, k);
		}

		/* a version 2 body has no room for IPv6 addresses: nothing to decode */
		if (m.version == NLARP_VERSION_V2 && m.ip6_count)
			continue;
		/* and the decoder gives the same verdict on the same bytes */
		w.version = m.version;
		w.op = m.op;
		w.flags = htons(m.flags);
		w.tenant = htonl(m.tenant);
		w.mac_as = htons(m.mac_as);
		memcpy(w.mac, m.mac, 6);
		w.ip = m.ip;
		memcpy(w.switch_mac, m.switch_mac, 6);
		w.port = htons(m.port);
		w.loc_version = htobe64(m.loc_version);
		memcpy(w.sender_switch_mac, m.sender_switch_mac, 6);
		w.sender_port = htons(m.sender_port);
		memset(wire, 0, sizeof(wire));
		memcpy(wire, &w, sizeof(w));
		if (m.version == NLARP_VERSION) {
			wire[NLARP_MSG_LEN_V2] = m.ip6_count;
			memcpy(wire + NLARP_MSG_LEN_V2 + 4, m.ip6, sizeof(m.ip6));
		}
		err = nlarp_decode(wire, sizeof(wire), c->bits, &d);
		cr_assert_eq(err, c->err, "%s (decode): got %s", c->what, nlarp_errname(err));
	}
	for (e = NLARP_E_VERSION; e < NLARP_E_MAX; e++)
		cr_assert(seen[e], "no test case for %s", nlarp_errname(e));
}

Test(validate, bad_args)
{
	struct nlarp_fields m = here();
	__u8 buf[NLARP_MSG_LEN];

	assert_err(nlarp_validate(NULL, 16), NLARP_E_BAD_ARG);
	assert_err(nlarp_validate(&m, 0), NLARP_E_BAD_ARG);
	assert_err(nlarp_validate(&m, 32), NLARP_E_BAD_ARG);
	assert_err(nlarp_encode(&m, 16, NULL, 44), NLARP_E_BAD_ARG);
	assert_err(nlarp_encode(&m, 16, buf, NLARP_MSG_LEN - 1), NLARP_E_SHORT);
	m.version = NLARP_VERSION_V2;
	assert_err(nlarp_encode(&m, 16, buf, NLARP_MSG_LEN_V2 - 1), NLARP_E_SHORT);
}

Test(validate, every_unknown_flag_bit)
{
	int bit;

	for (bit = 4; bit < 16; bit++) {
		struct nlarp_fields m = here();

		m.flags |= 1U << bit;
		assert_err(nlarp_validate(&m, 16), NLARP_E_FLAGS_UNKNOWN);
	}
}

Test(ranges, tenant_and_port)
{
	cr_assert(!nl_tenant_valid(1, 16));
	cr_assert(nl_tenant_valid(2, 16));
	cr_assert(nl_tenant_valid(0xfffe, 16));
	cr_assert(!nl_tenant_valid(0xffff, 16));
	cr_assert(nl_tenant_valid(0xffff, 24));
	cr_assert(nl_tenant_valid(0xfffffe, 24));
	cr_assert(!nl_tenant_valid(0xffffff, 24));
	cr_assert(!nl_tenant_valid(5, 8));

	cr_assert(!nl_port_valid(0, 16));
	cr_assert(nl_port_valid(1, 16));
	cr_assert(nl_port_valid(127, 16));
	cr_assert(nl_port_valid(255, 16));
	cr_assert(!nl_port_valid(256, 16));
	cr_assert(!nl_port_valid(0, 24));
	cr_assert(nl_port_valid(1, 24));
	cr_assert(nl_port_valid(126, 24));
	cr_assert(!nl_port_valid(127, 24));
	cr_assert(nl_port_valid(223, 24));
	cr_assert(!nl_port_valid(224, 24));
	cr_assert(!nl_port_valid(7, 20));
}

Test(errors, names_distinct)
{
	int i, j;

	for (i = 0; i < NLARP_E_MAX; i++) {
		cr_assert_gt(strlen(nlarp_errname(i)), 0);
		cr_assert_gt(strlen(nlarp_strerror(i)), 0);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(nlarp_errname(i), nlarp_errname(j));
	}
	cr_assert_str_eq(nlarp_errname(NLARP_E_MAX), "unknown");
	cr_assert_str_eq(nlarp_errname(NLARP_E_LOC_NOT_SENDER), "loc_not_sender");
}

static struct nlarp_fields probe(void)
{
	static const __u8 sw3[6] = {0x0c, 0x42, 0xa1, 0x00, 0x00, 0x03};
	struct nlarp_fields m = {
		.version = NLARP_VERSION,
		.op = NLARP_PROBE,
		.mac_as = 11, /* the VLAN under test */
		.port = 5,
		.loc_version = 0x1234,
		.sender_port = 7,
	};

	memcpy(m.switch_mac, sw3, 6); /* the probed NA's location */
	memcpy(m.sender_switch_mac, sw7, 6);
	return m;
}

Test(nlarp, probe_and_reply_round_trip)
{
	struct nlarp_fields m = probe(), out;
	__u8 buf[NLARP_MSG_LEN];

	assert_err(nlarp_encode(&m, NL_TENANT_BITS_16, buf, sizeof(buf)), NLARP_E_OK);
	cr_assert_eq(buf[1], 4);
	cr_assert_eq(buf[8] << 8 | buf[9], 11, "VLAN travels in the MAC_AS_ID field");
	assert_err(nlarp_decode(buf, sizeof(buf), NL_TENANT_BITS_16, &out), NLARP_E_OK);
	cr_assert_eq(out.mac_as, 11);
	cr_assert_eq(out.loc_version, 0x1234);
	m.flags = NLARP_F_REPLY;
	assert_err(nlarp_validate(&m, NL_TENANT_BITS_16), NLARP_E_OK);
}

Test(nlarp, probe_rejects_tenant_fields)
{
	struct nlarp_fields m = probe();

	m.tenant = 12 << 8 | 25;
	assert_err(nlarp_validate(&m, NL_TENANT_BITS_16), NLARP_E_PROBE_FIELDS);
	m = probe();
	m.mac[5] = 1;
	assert_err(nlarp_validate(&m, NL_TENANT_BITS_16), NLARP_E_PROBE_FIELDS);
	m = probe();
	m.flags = NLARP_F_GONE;
	assert_err(nlarp_validate(&m, NL_TENANT_BITS_16), NLARP_E_PROBE_FIELDS);
	m = probe();
	m.mac_as = 4095;
	assert_err(nlarp_validate(&m, NL_TENANT_BITS_16), NLARP_E_PROBE_FIELDS);
	m = probe();
	m.port = 0;
	assert_err(nlarp_validate(&m, NL_TENANT_BITS_16), NLARP_E_PORT);
	m = probe();
	m.op = 5;
	assert_err(nlarp_validate(&m, NL_TENANT_BITS_16), NLARP_E_OP);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tshark with docs/wireshark/netlord-nlarp.lua dissects authenticated
 * NL-ARP (issue 10 item 2; docs/wire-format.md section 4): messages sealed
 * by the production nlarp_seal(), framed as a broadcast copy (EtherType
 * 0x88B5 behind an 802.1Q tag) and a unicast copy (IPv4/UDP 24144), written
 * to a pcap; every body and trailer field must come out with its value.
 * Runs from the top of the repository (make test does).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nlarp_auth.h"
#include "util.h"

#define LUA  "docs/wireshark/netlord-nlarp.lua"
#define NOW  1790000000123ULL
#define SEQ0 1790000000000000ULL

static const __u8 sw7[6] = {0x0c, 0x42, 0xa1, 0x00, 0x00, 0x07};
static const __u8 sw9[6] = {0x0c, 0x42, 0xa1, 0x00, 0x00, 0x09};
static const __u8 vm1[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static void put32(FILE *f, __u32 v)
{
	fwrite(&v, 4, 1, f); /* pcap in host order, with the magic saying so */
}

static void pcap_frame(FILE *f, const __u8 *p, size_t n)
{
	put32(f, 1790000000);
	put32(f, 0);
	put32(f, (__u32)n);
	put32(f, (__u32)n);
	fwrite(p, 1, n, f);
}

static size_t bcast_frame(__u8 *f, const struct nlarp_keyring *kr, struct nlarp_sealer *s)
{
	struct nlarp_fields m = {.version = NLARP_VERSION,
				 .op = NLARP_HERE,
				 .flags = NLARP_F_HAS_IP,
				 .tenant = 3097,
				 .mac_as = 3,
				 .ip = htonl(0x0a000005),
				 .port = 7,
				 .loc_version = 1790000000001ULL,
				 .sender_port = 7};

	memcpy(m.mac, vm1, 6);
	memcpy(m.switch_mac, sw7, 6);
	memcpy(m.sender_switch_mac, sw7, 6);
	m.ip6_count = 2; /* 2001:db8::5 and fd00::5 */
	memcpy(m.ip6[0], "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x05", 16);
	memcpy(m.ip6[1], "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05", 16);
	memset(f, 0xff, 6);
	memcpy(f + 6, sw7, 6);
	memcpy(f + 12, "\x81\x00\x0f\xfe\x88\xb5", 6); /* VLAN 4094, 0x88B5 */
	cr_assert_eq(
		nlarp_seal(kr, s, false, NOW, &m, NL_TENANT_BITS_16, f + 18, NLARP_AUTH_MSG_LEN),
		NLARP_E_OK);
	return 18 + NLARP_AUTH_MSG_LEN;
}

static size_t ucast_frame(__u8 *f, const struct nlarp_keyring *kr, struct nlarp_sealer *s)
{
	struct nlarp_fields m = {.version = NLARP_VERSION,
				 .op = NLARP_PROBE,
				 .flags = NLARP_F_REPLY,
				 .mac_as = 12,
				 .port = 9,
				 .loc_version = 0x1122334455667788ULL,
				 .sender_port = 7};
	__u8 *ip = f + 14, *udp = ip + 20;
	__u16 tot = 20 + 8 + NLARP_AUTH_MSG_LEN;
	__u32 c;

	memcpy(m.switch_mac, sw9, 6);
	memcpy(m.sender_switch_mac, sw7, 6);
	memcpy(f, sw9, 6);
	memcpy(f + 6, sw7, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[2] = (__u8)(tot >> 8);
	ip[3] = (__u8)tot;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\x0a\x07\x00\x01\x0a\x09\x00\x01", 8);
	c = nl_csum_fold(nl_csum_add(0, ip, 20));
	ip[10] = (__u8)(c >> 8);
	ip[11] = (__u8)c;
	udp[0] = udp[2] = 24144 >> 8;
	udp[1] = udp[3] = 24144 & 0xff;
	udp[4] = (__u8)((8 + NLARP_AUTH_MSG_LEN) >> 8);
	udp[5] = (__u8)(8 + NLARP_AUTH_MSG_LEN);
	cr_assert_eq(
		nlarp_seal(kr, s, true, NOW, &m, NL_TENANT_BITS_16, udp + 8, NLARP_AUTH_MSG_LEN),
		NLARP_E_OK);
	return 14 + tot;
}

Test(dissect, tshark_names_every_field)
{
	char pcap[] = "/tmp/nlarp-dissect-XXXXXX", cmd[1024], out[4096], err[128];
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	__u8 frame[256];
	size_t n;
	FILE *f, *p;
	int fd;

	cr_assert_eq(access(LUA, R_OK), 0, "%s not found: run from the top of the repository", LUA);
	cr_assert_eq(system("command -v tshark >/dev/null"), 0, "tshark not installed");
	cr_assert_eq(
		nlarp_keyring_parse(&kr, "7 000102030405060708090a0b0c0d0e0f\n", err, sizeof(err)),
		0);
	nlarp_sealer_init(&s, SEQ0);
	fd = mkstemp(pcap);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	put32(f, 0xa1b2c3d4);
	put32(f, 2 | 4 << 16); /* version 2.4 */
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, 1); /* Ethernet */
	n = bcast_frame(frame, &kr, &s);
	pcap_frame(f, frame, n);
	n = ucast_frame(frame, &kr, &s);
	pcap_frame(f, frame, n);
	fclose(f);

	snprintf(cmd, sizeof(cmd),
		 "tshark -X lua_script:%s -r %s -n -T fields -E separator=';' "
		 "-e nlarp.version -e nlarp.op -e nlarp.flags.has_ip -e nlarp.flags.reply "
		 "-e nlarp.tenant -e nlarp.mac_as -e nlarp.vif_mac -e nlarp.vif_ip "
		 "-e nlarp.switch_mac -e nlarp.port -e nlarp.loc_version "
		 "-e nlarp.sender_switch_mac -e nlarp.sender_port -e nlarp.key_id "
		 "-e nlarp.auth_flags.unicast -e nlarp.timestamp_ms -e nlarp.seq "
		 "-e udp.dstport -e nlarp.ip6_count -e nlarp.vif_ip6 2>&1",
		 LUA, pcap);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0, "tshark failed: %s", out);
	unlink(pcap);
	nlarp_keyring_free(&kr);
	cr_assert(strstr(out, "3;1;1;0;3097;3;02:00:00:00:00:01;10.0.0.5;0c:42:a1:00:00:07;7;"
			      "1790000000001;0c:42:a1:00:00:07;7;7;0;1790000000123;"
			      "1790000000000001;;2;2001:db8::5,fd00::5\n"),
		  "broadcast HERE not dissected as expected:\n%s", out);
	cr_assert(strstr(out, "3;4;0;1;0;12;00:00:00:00:00:00;0.0.0.0;0c:42:a1:00:00:09;9;"
			      "1234605616436508552;0c:42:a1:00:00:07;7;7;1;1790000000123;"
			      "1790000000000001;24144;0;\n"),
		  "unicast PROBE REPLY not dissected as expected:\n%s", out);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for the hypervisor's DHCP and RA codecs (issue 11,
 * docs/dhcp.md): the production parsers nl_dhcp4_parse(), nl_dhcp6_parse()
 * and nl_rs_parse() on a VM's frame (the first input byte chooses which,
 * the rest is the frame), then, for what parses, the production decision
 * and answer builders.  Besides the sanitizers' memory checks it aborts on
 * a broken invariant: an answer longer than its buffer, or with a wrong
 * checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_frame.h"
#include "dhcp4.h"
#include "dhcp6.h"
#include "ra.h"
#include "util.h"

static const __u8 vm_mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
static const __u8 rt_mac[6] = {0x02, 0x4e, 0x4c, 0x52, 0, 1};

/* the UDP/ICMPv6 checksum of an IPv6 answer folds to 0 */
static void check_ip6_csum(const __u8 *f, int len)
{
	__u8 pseudo[8] = {0, 0, f[18], f[19], 0, 0, 0, f[20]};
	size_t plen = (size_t)(f[18] << 8 | f[19]);

	if ((size_t)len != 14 + 40 + plen)
		abort();
	if (nl_csum_fold(
		    nl_csum_add(nl_csum_add(nl_csum_add(0, f + 22, 32), pseudo, 8), f + 54, plen)))
		abort();
}

static void dhcp4(const __u8 *f, size_t n)
{
	struct nl_dhcp4_cfg c = {.prefix_len = 24, .lease_s = 3600, .mtu = 1466, .ndns = 1};
	struct nl_dhcp4_msg m;
	__u8 out[NL_DHCP4_FRAME_MAX];
	int type, len;

	if (nl_dhcp4_parse(f, n, &m))
		return;
	if (m.type < NL_DHCP4_DISCOVER || m.type > NL_DHCP4_INFORM)
		abort();
	memcpy(c.client_mac, m.chaddr, 6); /* so that the answer paths run */
	memcpy(c.server_mac, rt_mac, 6);
	c.ip = htobe32(0x0a010005);
	c.router = c.server_id = htobe32(0x0a010001);
	c.dns[0] = htobe32(0x0a010035);
	memcpy(c.domain, "t.example", 10);
	type = nl_dhcp4_answer(&m, &c);
	if (!type)
		return;
	if (type != NL_DHCP4_OFFER && type != NL_DHCP4_ACK && type != NL_DHCP4_NAK)
		abort();
	len = nl_dhcp4_build(&m, &c, type, out, sizeof(out));
	if (len <= 0 || len > (int)sizeof(out) || nl_csum_fold(nl_csum_add(0, out + 14, 20)))
		abort();
}

static void dhcp6(const __u8 *f, size_t n)
{
	struct nl_dhcp6_cfg c = {.has_addr = true, .lifetime_s = 3600, .ndns = 1};
	struct nl_dhcp6_msg m;
	__u8 out[NL_DHCP6_FRAME_MAX];
	int type, len;

	if (nl_dhcp6_parse(f, n, &m))
		return;
	if (m.client_id_len > NL_DHCP6_DUID_MAX || m.server_id_len > NL_DHCP6_DUID_MAX)
		abort();
	memcpy(c.client_mac, m.src_mac, 6);
	memcpy(c.server_mac, rt_mac, 6);
	nl_ctl_link_local(rt_mac, c.server_ll);
	c.duid_len = nl_dhcp6_duid_ll(vm_mac, c.duid);
	c.addr[0] = 0xfd;
	c.addr[15] = 0x16;
	c.dns[0][0] = 0xfd;
	/* a Server ID equal to ours now and then: the Request/Renew paths */
	if (m.server_id_len == c.duid_len)
		memcpy(c.duid, m.server_id, c.duid_len);
	type = nl_dhcp6_answer(&m, &c);
	if (!type)
		return;
	len = nl_dhcp6_build(&m, &c, type, out, sizeof(out));
	if (len <= 0 || len > (int)sizeof(out))
		abort();
	check_ip6_csum(out, len);
}

static void rs(const __u8 *f, size_t n)
{
	struct nl_ra_cfg c = {.lifetime_s = 1800, .mtu = 1466, .nprefix = 4, .ndns = 4};
	struct nl_rs r;
	__u8 out[NL_RA_FRAME_MAX];
	int len;

	if (nl_rs_parse(f, n, &r))
		return;
	if (n < 14 + 40 + 8)
		abort();
	memcpy(c.src_mac, rt_mac, 6);
	nl_ctl_link_local(rt_mac, c.src);
	memcpy(c.dst_mac, r.src_mac, 6);
	memcpy(c.dst, r.src, 16);
	len = nl_ra_build(&c, out, sizeof(out));
	if (len <= 0 || len > (int)sizeof(out))
		abort();
	check_ip6_csum(out, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	__u8 *f;

	if (!size)
		return 0;
	/* an exact-size copy: any read past the frame is a sanitizer report */
	f = malloc(size - 1 ? size - 1 : 1);
	memcpy(f, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		dhcp4(f, size - 1);
		break;
	case 1:
		dhcp6(f, size - 1);
		break;
	default:
		rs(f, size - 1);
		break;
	}
	free(f);
	return 0;
}

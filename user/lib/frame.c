// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Building and decoding frames for `trace` and `monitor` (frame.h): the
 * tenant frame a VM sends, and the NetLord encapsulation of patent Fig. 8
 * (outer Ethernet, 802.1Q, IPv4, UDP) around it, as docs/wire-format.md
 * describes it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "frame.h"
#include "netlord.h"
#include "util.h"
#include "wire_bytes.h"

#define ETH_P_IP_   0x0800
#define ETH_P_ARP_  0x0806
#define ETH_P_IPV6_ 0x86dd
#define ETH_P_VLAN_ 0x8100
#define ETH_P_QINQ_ 0x88a8

/* the L4 header of d->proto at @p, checksummed with the pseudo header sum @sum_ph */
static size_t build_l4(const struct nl_frame_desc *d, __u8 *p, __u32 sum_ph, size_t l4len)
{
	size_t hl;
	__u8 csum_at;

	switch (d->proto) {
	case IPPROTO_TCP:
		hl = 20;
		nl_put_be16(p, d->sport);
		nl_put_be16(p + 2, d->dport);
		p[12] = 5 << 4;
		p[13] = 0x02; /* SYN */
		nl_put_be16(p + 14, 65535);
		csum_at = 16;
		break;
	case IPPROTO_UDP:
		hl = 8;
		nl_put_be16(p, d->sport);
		nl_put_be16(p + 2, d->dport);
		nl_put_be16(p + 4, (__u16)l4len);
		csum_at = 6;
		break;
	default: /* ICMP / ICMPv6 echo request */
		hl = 8;
		p[0] = d->l3 == NL_L3_IPV6 ? 128 : 8;
		nl_put_be16(p + 4, 0x4e4c);
		nl_put_be16(p + 6, 1);
		csum_at = 2;
		if (d->l3 == NL_L3_IPV4)
			sum_ph = 0; /* ICMPv4 has no pseudo header */
		break;
	}
	{
		__u16 c = nl_csum_fold(nl_csum_add(sum_ph, p, l4len));

		if (d->proto == IPPROTO_UDP && !c)
			c = 0xffff;
		nl_put_be16(p + csum_at, c);
	}
	return hl;
}

static size_t l4_hdr_len(__u8 proto)
{
	return proto == IPPROTO_TCP ? 20 : 8;
}

int nl_frame_build(const struct nl_frame_desc *d, __u8 *buf, size_t size)
{
	size_t off = 12, l4len, len;
	__u8 *p;

	if (size < 1514 || d->vlan > 4095 || d->payload > 1400)
		return -EINVAL;
	memset(buf, 0, size);
	memcpy(buf, d->dst_mac, 6);
	memcpy(buf + 6, d->src_mac, 6);
	if (d->vlan >= 0) {
		nl_put_be16(buf + off, ETH_P_VLAN_);
		nl_put_be16(buf + off + 2, (__u16)d->vlan);
		off += 4;
	}
	switch (d->l3) {
	case NL_L3_ARP:
		nl_put_be16(buf + off, ETH_P_ARP_);
		p = buf + off + 2;
		nl_put_be16(p, 1);
		nl_put_be16(p + 2, ETH_P_IP_);
		p[4] = 6;
		p[5] = 4;
		nl_put_be16(p + 6, 1); /* request */
		memcpy(p + 8, d->src_mac, 6);
		memcpy(p + 14, d->saddr, 4);
		memcpy(p + 24, d->daddr, 4);
		len = off + 2 + 28;
		return (int)(len < 60 ? 60 : len);
	case NL_L3_IPV4: {
		__u32 ph = 0;
		__u8 pr[2] = {0, d->proto};
		__u8 l[2];

		nl_put_be16(buf + off, ETH_P_IP_);
		p = buf + off + 2;
		l4len = l4_hdr_len(d->proto) + d->payload;
		p[0] = 0x45;
		nl_put_be16(p + 2, (__u16)(20 + l4len));
		nl_put_be16(p + 4, 1);
		nl_put_be16(p + 6, 0x4000);
		p[8] = d->ttl ? d->ttl : 64;
		p[9] = d->proto;
		memcpy(p + 12, d->saddr, 4);
		memcpy(p + 16, d->daddr, 4);
		{
			__u16 c = nl_csum_fold(nl_csum_add(0, p, 20));

			nl_put_be16(p + 10, c);
		}
		nl_put_be16(l, (__u16)l4len);
		ph = nl_csum_add(nl_csum_add(nl_csum_add(0, p + 12, 8), pr, 2), l, 2);
		build_l4(d, p + 20, ph, l4len);
		len = off + 2 + 20 + l4len;
		break;
	}
	case NL_L3_IPV6: {
		__u8 tail[4] = {0, 0, 0, d->proto};
		__u32 ph;

		nl_put_be16(buf + off, ETH_P_IPV6_);
		p = buf + off + 2;
		l4len = l4_hdr_len(d->proto) + d->payload;
		p[0] = 0x60;
		nl_put_be16(p + 4, (__u16)l4len);
		p[6] = d->proto;
		p[7] = d->ttl ? d->ttl : 64;
		memcpy(p + 8, d->saddr, 16);
		memcpy(p + 24, d->daddr, 16);
		{
			__u8 l[4] = {0, 0, (__u8)(l4len >> 8), (__u8)l4len};

			ph = nl_csum_add(nl_csum_add(nl_csum_add(0, p + 8, 32), l, 4), tail, 4);
		}
		build_l4(d, p + 40, ph, l4len);
		len = off + 2 + 40 + l4len;
		break;
	}
	default:
		return -EINVAL;
	}
	return (int)(len < 60 ? 60 : len);
}

int nl_frame_wrap(const struct nl_frame_outer *o, const __u8 *inner, size_t inner_len, __u8 *buf,
		  size_t size)
{
	size_t off = 12, l4 = o->udp ? 8 : 0, tot = 20 + l4 + inner_len;
	__u8 *ip;
	__u16 c;

	if (o->vlan > 4095 || tot > 0xffff || 18 + tot > size)
		return -EINVAL;
	memset(buf, 0, 18 + tot);
	memcpy(buf, o->dst_mac, 6);
	memcpy(buf + 6, o->src_mac, 6);
	if (o->vlan >= 0) {
		nl_put_be16(buf + off, ETH_P_VLAN_);
		nl_put_be16(buf + off + 2, (__u16)o->vlan);
		off += 4;
	}
	nl_put_be16(buf + off, ETH_P_IP_);
	ip = buf + off + 2;
	ip[0] = 0x45;
	nl_put_be16(ip + 2, (__u16)tot);
	nl_put_be16(ip + 4, o->ip_id);
	nl_put_be16(ip + 6, 0x4000);
	ip[8] = NL_OUTER_TTL;
	ip[9] = o->udp ? IPPROTO_UDP : NL_IPPROTO_ETHERNET;
	memcpy(ip + 12, &o->saddr, 4);
	memcpy(ip + 16, &o->daddr, 4);
	c = nl_csum_fold(nl_csum_add(0, ip, 20));
	nl_put_be16(ip + 10, c);
	if (o->udp) {
		nl_put_be16(ip + 20, NL_UDP_SPORT_MIN);
		nl_put_be16(ip + 22, NL_UDP_PORT);
		nl_put_be16(ip + 24, (__u16)(8 + inner_len));
	}
	memcpy(ip + 20 + l4, inner, inner_len);
	return (int)(off + 2 + tot);
}

/* one layer from @p (@len bytes); returns the offset of a NetLord inner frame or 0 */
static size_t decode_layer(const __u8 *p, size_t len, struct nl_hdrs *h, const char **encap)
{
	size_t off = 14;

	memset(h, 0, sizeof(*h));
	h->vlan = -1;
	if (len < 14) {
		h->truncated = true;
		return 0;
	}
	h->eth = true;
	memcpy(h->dst, p, 6);
	memcpy(h->src, p + 6, 6);
	h->ethertype = nl_get_be16(p + 12);
	if (h->ethertype == ETH_P_VLAN_ || h->ethertype == ETH_P_QINQ_) {
		if (len < 18) {
			h->truncated = true;
			return 0;
		}
		h->vlan = nl_get_be16(p + 14) & 0x0fff;
		h->ethertype = nl_get_be16(p + 16);
		off = 18;
	}
	if (h->ethertype == ETH_P_ARP_) {
		h->l3 = NL_L3_ARP;
		if (len < off + 28) {
			h->truncated = true;
			return 0;
		}
		h->arp_op = nl_get_be16(p + off + 6);
		memcpy(h->saddr, p + off + 14, 4);
		memcpy(h->daddr, p + off + 24, 4);
		return 0;
	}
	if (h->ethertype == ETH_P_IP_) {
		size_t ihl;

		h->l3 = NL_L3_IPV4;
		if (len < off + 20) {
			h->truncated = true;
			return 0;
		}
		ihl = (size_t)(p[off] & 0x0f) * 4;
		h->tos = p[off + 1];
		h->ip_len = nl_get_be16(p + off + 2);
		h->ip_id = nl_get_be16(p + off + 4);
		h->ttl = p[off + 8];
		h->proto = p[off + 9];
		memcpy(h->saddr, p + off + 12, 4);
		memcpy(h->daddr, p + off + 16, 4);
		if (ihl < 20)
			return 0;
		off += ihl;
	} else if (h->ethertype == ETH_P_IPV6_) {
		h->l3 = NL_L3_IPV6;
		if (len < off + 40) {
			h->truncated = true;
			return 0;
		}
		h->ip_len = nl_get_be16(p + off + 4);
		h->proto = p[off + 6];
		h->ttl = p[off + 7];
		memcpy(h->saddr, p + off + 8, 16);
		memcpy(h->daddr, p + off + 24, 16);
		off += 40;
	} else {
		return 0;
	}
	if (h->l3 == NL_L3_IPV4 && h->proto == NL_IPPROTO_ETHERNET && encap) {
		*encap = "ip";
		return off;
	}
	if (h->proto == IPPROTO_TCP || h->proto == IPPROTO_UDP) {
		if (len < off + 4) {
			h->truncated = true;
			return 0;
		}
		h->ports = true;
		h->sport = nl_get_be16(p + off);
		h->dport = nl_get_be16(p + off + 2);
		if (h->l3 == NL_L3_IPV4 && h->proto == IPPROTO_UDP && h->dport == NL_UDP_PORT &&
		    encap) {
			*encap = "udp";
			return off + 8;
		}
	} else if (h->proto == IPPROTO_ICMP || h->proto == IPPROTO_ICMPV6) {
		if (len < off + 2) {
			h->truncated = true;
			return 0;
		}
		h->icmp = true;
		h->icmp_type = p[off];
		h->icmp_code = p[off + 1];
	}
	return 0;
}

void nl_frame_decode(const __u8 *buf, size_t len, __u32 wire_len, struct nl_frame *f)
{
	size_t inner;

	memset(f, 0, sizeof(*f));
	f->len = wire_len;
	inner = decode_layer(buf, len, &f->outer, &f->encap);
	if (f->encap) {
		if (inner < len)
			decode_layer(buf + inner, len - inner, &f->inner, NULL);
		else
			f->inner.truncated = true;
	}
}

const char *nl_frame_addr(enum nl_frame_l3 l3, const __u8 *a, char *buf, size_t len)
{
	if (!inet_ntop(l3 == NL_L3_IPV6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static const char *proto_name(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	case NL_IPPROTO_ETHERNET:
		return "ethernet";
	}
	return NULL;
}

static void text_layer(FILE *o, const struct nl_hdrs *h)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], m1[NL_MAC_STRLEN], m2[NL_MAC_STRLEN];
	const char *pn = proto_name(h->proto);

	if (!h->eth) {
		fprintf(o, "(truncated)");
		return;
	}
	nl_fmt_mac(h->src, m1);
	nl_fmt_mac(h->dst, m2);
	fprintf(o, "%s > %s", m1, m2);
	if (h->vlan >= 0)
		fprintf(o, " vlan %d", h->vlan);
	switch (h->l3) {
	case NL_L3_ARP:
		fprintf(o, " arp %s %s > %s",
			h->arp_op == 1	 ? "request"
			: h->arp_op == 2 ? "reply"
					 : "op?",
			nl_frame_addr(NL_L3_IPV4, h->saddr, a, sizeof(a)),
			nl_frame_addr(NL_L3_IPV4, h->daddr, b, sizeof(b)));
		break;
	case NL_L3_IPV4:
	case NL_L3_IPV6:
		fprintf(o, " %s %s > %s", h->l3 == NL_L3_IPV4 ? "ipv4" : "ipv6",
			nl_frame_addr(h->l3, h->saddr, a, sizeof(a)),
			nl_frame_addr(h->l3, h->daddr, b, sizeof(b)));
		if (pn)
			fprintf(o, " %s", pn);
		else
			fprintf(o, " proto %u", h->proto);
		if (h->ports)
			fprintf(o, " %u > %u", h->sport, h->dport);
		if (h->icmp)
			fprintf(o, " type %u code %u", h->icmp_type, h->icmp_code);
		fprintf(o, " ttl %u", h->ttl);
		if (h->l3 == NL_L3_IPV4)
			fprintf(o, " id %u", h->ip_id);
		break;
	default:
		fprintf(o, " ethertype 0x%04x", h->ethertype);
	}
	if (h->truncated)
		fprintf(o, " (truncated)");
}

void nl_frame_print_text(FILE *o, const struct nl_frame *f)
{
	text_layer(o, &f->outer);
	if (f->encap) {
		fprintf(o, " | netlord %s | ", f->encap);
		text_layer(o, &f->inner);
	}
}

static void json_layer(FILE *o, const struct nl_hdrs *h)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], m1[NL_MAC_STRLEN], m2[NL_MAC_STRLEN];
	const char *pn = proto_name(h->proto);

	if (!h->eth) {
		fprintf(o, "\"truncated\":true");
		return;
	}
	nl_fmt_mac(h->src, m1);
	nl_fmt_mac(h->dst, m2);
	fprintf(o, "\"eth\":{\"src\":\"%s\",\"dst\":\"%s\",\"type\":\"0x%04x\"", m1, m2,
		h->ethertype);
	if (h->vlan >= 0)
		fprintf(o, ",\"vlan\":%d", h->vlan);
	fprintf(o, "}");
	if (h->l3 == NL_L3_ARP)
		fprintf(o, ",\"arp\":{\"op\":%u,\"sender_ip\":\"%s\",\"target_ip\":\"%s\"}",
			h->arp_op, nl_frame_addr(NL_L3_IPV4, h->saddr, a, sizeof(a)),
			nl_frame_addr(NL_L3_IPV4, h->daddr, b, sizeof(b)));
	if (h->l3 == NL_L3_IPV4 || h->l3 == NL_L3_IPV6) {
		fprintf(o, ",\"%s\":{\"src\":\"%s\",\"dst\":\"%s\",\"proto\":%u",
			h->l3 == NL_L3_IPV4 ? "ipv4" : "ipv6",
			nl_frame_addr(h->l3, h->saddr, a, sizeof(a)),
			nl_frame_addr(h->l3, h->daddr, b, sizeof(b)), h->proto);
		if (pn)
			fprintf(o, ",\"proto_name\":\"%s\"", pn);
		fprintf(o, ",\"ttl\":%u,\"len\":%u", h->ttl, h->ip_len);
		if (h->l3 == NL_L3_IPV4)
			fprintf(o, ",\"id\":%u,\"tos\":%u", h->ip_id, h->tos);
		fprintf(o, "}");
	}
	if (h->ports)
		fprintf(o, ",\"%s\":{\"sport\":%u,\"dport\":%u}",
			h->proto == IPPROTO_TCP ? "tcp" : "udp", h->sport, h->dport);
	if (h->icmp)
		fprintf(o, ",\"icmp\":{\"type\":%u,\"code\":%u}", h->icmp_type, h->icmp_code);
	if (h->truncated)
		fprintf(o, ",\"truncated\":true");
}

void nl_frame_print_json(FILE *o, const struct nl_frame *f)
{
	fprintf(o, "{\"len\":%u,", f->len);
	json_layer(o, &f->outer);
	if (f->encap) {
		fprintf(o, ",\"encap\":\"%s\",\"inner\":{", f->encap);
		json_layer(o, &f->inner);
		fprintf(o, "}");
	}
	fprintf(o, "}");
}

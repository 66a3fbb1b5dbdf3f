// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `na-loader trace`, the command line (trace.h): the frame from its
 * description (user/lib/frame.c) or a pcap file, wrapped as a remote NA
 * would for the uplink, run through the real pinned programs, reported as
 * text or JSON.  Observes patent Figs. 7, 8 and 10 (issue 14).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "addr.h"
#include "frame.h"
#include "parse.h"
#include "pcap_frame.h"
#include "trace.h"
#include "trace_cli.h"
#include "trace_lookups.h"
#include "util.h"

static const char help[] =
	"usage: na-loader trace [-i uplink] (--vif <ifname> | --uplink) [frame] [--json]\n"
	"frame: --pcap <file> [--index N]                a captured frame (Ethernet)\n"
	"   or: [--src-mac M] [--dst-mac M] [--src-ip A] [--dst-ip A] [--arp]\n"
	"       [--proto tcp|udp|icmp] [--sport P] [--dport P] [--ttl N] [--len N] [--vlan V]\n"
	"       with --uplink also --tenant T --mac-as N: the frame is the tenant frame and\n"
	"       is encapsulated as another NA would send it to this server.\n"
	"Runs the pinned datapath program (nl_vif_ingress for a VIF, nl_uplink_xdp for the\n"
	"uplink) on the frame with BPF_PROG_TEST_RUN: nothing is sent.  Prints the\n"
	"verdict, the drop reason, the redirect target (inferred from the output frame and\n"
	"the maps), the output frame decoded (outer and inner headers), the path VLAN, and\n"
	"the counters that moved on the CPU that ran it (they are the real counters; other\n"
	"traffic on that CPU at the same instant would show too).  A frame that misses\n"
	"NART-1/NART-2 makes the datapath report the miss, as the real frame would.\n"
	"Defaults for --vif: the VIF's MAC and IPv4 as source, the virtual router's MAC as\n"
	"destination when --dst-ip is outside the VIF's subnet, UDP 40000 -> 5001.\n"
	"Run it in the network namespace of the VIF (the program is given its ifindex).\n";

enum {
	O_VIF = 256,
	O_UPLINK,
	O_SMAC,
	O_DMAC,
	O_SIP,
	O_DIP,
	O_PROTO,
	O_SPORT,
	O_DPORT,
	O_VLAN,
	O_TTL,
	O_LEN,
	O_ARP,
	O_PCAP,
	O_INDEX,
	O_JSON,
	O_TENANT,
	O_MACAS,
};

struct trace_args {
	const char *iface, *vif, *pcap;
	bool uplink, json, arp, have_smac, have_dmac, have_sip, have_dip;
	__u32 index, tenant, mac_as;
	bool have_tenant, have_mac_as;
	struct nl_frame_desc d;
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "na-loader trace: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see `na-loader trace --help`)\n");
	return -EINVAL;
}

/* an IPv4 or IPv6 address into @a; the family's l3 or NL_L3_NONE */
static enum nl_frame_l3 parse_ip(const char *s, __u8 a[16])
{
	if (inet_pton(AF_INET, s, a) == 1)
		return NL_L3_IPV4;
	if (inet_pton(AF_INET6, s, a) == 1)
		return NL_L3_IPV6;
	return NL_L3_NONE;
}

static int parse_opt(struct trace_args *t, int o, const char *arg)
{
	enum nl_frame_l3 l3;
	__u32 x;

	switch (o) {
	case 'i':
		t->iface = arg;
		return 0;
	case O_VIF:
		t->vif = arg;
		return 0;
	case O_UPLINK:
		t->uplink = true;
		return 0;
	case O_SMAC:
		t->have_smac = true;
		return nl_parse_mac_text(arg, t->d.src_mac) ? bad("bad --src-mac '%s'", arg) : 0;
	case O_DMAC:
		t->have_dmac = true;
		return nl_parse_mac_text(arg, t->d.dst_mac) ? bad("bad --dst-mac '%s'", arg) : 0;
	case O_SIP:
	case O_DIP:
		l3 = parse_ip(arg, o == O_SIP ? t->d.saddr : t->d.daddr);
		if (l3 == NL_L3_NONE || (t->d.l3 != NL_L3_NONE && t->d.l3 != l3))
			return bad("'%s': an IPv4 or IPv6 address, both of one family", arg);
		t->d.l3 = l3;
		*(o == O_SIP ? &t->have_sip : &t->have_dip) = true;
		return 0;
	case O_PROTO:
		if (!strcmp(arg, "tcp"))
			t->d.proto = IPPROTO_TCP;
		else if (!strcmp(arg, "udp"))
			t->d.proto = IPPROTO_UDP;
		else if (!strcmp(arg, "icmp"))
			t->d.proto = IPPROTO_ICMP;
		else
			return bad("--proto is tcp, udp or icmp, not '%s'", arg);
		return 0;
	case O_SPORT:
	case O_DPORT:
		if (nl_parse_u32(arg, 0, 65535, &x))
			return bad("bad port '%s'", arg);
		*(o == O_SPORT ? &t->d.sport : &t->d.dport) = (__u16)x;
		return 0;
	case O_VLAN:
		if (nl_parse_u32(arg, 0, 4095, &x))
			return bad("--vlan takes 0..4095, not '%s'", arg);
		t->d.vlan = (int)x;
		return 0;
	case O_TTL:
		if (nl_parse_u32(arg, 1, 255, &x))
			return bad("--ttl takes 1..255, not '%s'", arg);
		t->d.ttl = (__u8)x;
		return 0;
	case O_LEN:
		if (nl_parse_u32(arg, 0, 1400, &x))
			return bad("--len (payload bytes) takes 0..1400, not '%s'", arg);
		t->d.payload = (__u16)x;
		return 0;
	case O_ARP:
		t->arp = true;
		return 0;
	case O_PCAP:
		t->pcap = arg;
		return 0;
	case O_INDEX:
		return nl_parse_u32(arg, 1, 1000000, &t->index) ? bad("bad --index '%s'", arg) : 0;
	case O_JSON:
		t->json = true;
		return 0;
	case O_TENANT:
		t->have_tenant = true;
		return nl_parse_u32(arg, NL_TENANT_MIN, NL_TENANT_MAX_24, &t->tenant)
			       ? bad("bad --tenant '%s'", arg)
			       : 0;
	case O_MACAS:
		t->have_mac_as = true;
		return nl_parse_u32(arg, 0, 255, &t->mac_as) ? bad("bad --mac-as '%s'", arg) : 0;
	}
	return -EINVAL;
}

/* a tenant special address: 10.<octet>.T (16 bits) or <octet>.T (24 bits) */
static __be32 tenant_addr(int bits, __u32 octet, __u32 tenant)
{
	return htonl(bits == NL_TENANT_BITS_24 ? octet << 24 | tenant
					       : 10U << 24 | octet << 16 | tenant);
}

/* the frame of the description, defaults from the VIF */
static int build(struct trace_args *t, const struct nl_config *cfg, const struct nl_vif *vif,
		 struct na_trace_in *in)
{
	static const __u8 bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	__u8 inner[NA_TRACE_MAX_FRAME];
	int n;

	if (vif && !t->have_smac)
		memcpy(t->d.src_mac, vif->mac, 6);
	if (vif && !t->have_sip && vif->ip && (t->d.l3 == NL_L3_IPV4 || t->d.l3 == NL_L3_NONE)) {
		memcpy(t->d.saddr, &vif->ip, 4);
		t->d.l3 = NL_L3_IPV4;
	}
	if (t->arp) {
		if (t->d.l3 != NL_L3_IPV4 || !t->have_dip)
			return bad("%s needs an IPv4 --dst-ip (and --src-ip without a VIF)",
				   "--arp");
		t->d.l3 = NL_L3_ARP;
		if (!t->have_dmac)
			memcpy(t->d.dst_mac, bcast, 6);
	} else if (!t->have_dmac) {
		__u32 mask = vif && vif->prefix_len ? htonl(~0U << (32 - vif->prefix_len)) : 0;
		__u32 dip;

		memcpy(&dip, t->d.daddr, 4);
		if (!vif || !t->have_dip || t->d.l3 != NL_L3_IPV4 || !vif->router_ip ||
		    !((dip ^ vif->ip) & mask))
			return bad("%s is needed (the router's MAC is only the default for an "
				   "IPv4 destination outside the VIF's subnet)",
				   "--dst-mac");
		memcpy(t->d.dst_mac, vif->router_mac, 6);
	}
	if (t->d.l3 == NL_L3_NONE)
		return bad("%s: give --dst-ip (and --src-ip), --arp, or --pcap", "no frame");
	if (!t->d.proto)
		t->d.proto = IPPROTO_UDP;
	if (t->d.l3 == NL_L3_IPV6 && t->d.proto == IPPROTO_ICMP)
		t->d.proto = IPPROTO_ICMPV6;
	if (!t->d.sport && !t->d.dport) {
		t->d.sport = 40000;
		t->d.dport = 5001;
	}
	if (!t->uplink) {
		n = nl_frame_build(&t->d, in->frame, sizeof(in->frame));
		if (n < 0)
			return bad("%s", "cannot build that frame");
		in->len = (__u32)n;
		return 0;
	}
	/* from the fabric: the tenant frame, untagged, in another NA's encapsulation */
	{
		int outer_vlan = t->d.vlan;
		struct nl_frame_outer o = {.vlan = outer_vlan,
					   .udp = cfg->encap_mode == NL_ENCAP_UDP,
					   .ip_id = outer_vlan > 0 ? (__u16)outer_vlan : 0};

		t->d.vlan = -1;
		n = nl_frame_build(&t->d, inner, sizeof(inner));
		if (n < 0)
			return bad("%s", "cannot build that frame");
		memcpy(o.dst_mac, cfg->server_mac, 6);
		memcpy(o.src_mac, cfg->switch_mac, 6);
		o.saddr = tenant_addr(cfg->tenant_bits, t->mac_as, t->tenant);
		o.daddr = tenant_addr(cfg->tenant_bits, cfg->port, t->tenant);
		n = nl_frame_wrap(&o, inner, (size_t)n, in->frame, sizeof(in->frame));
		if (n < 0)
			return bad("%s", "cannot encapsulate that frame");
		in->len = (__u32)n;
	}
	return 0;
}

static const char *ifname_of(__u32 ifindex, char *buf)
{
	if (!ifindex || !if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "?");
	return buf;
}

static struct na_trace_lookup lookups[NA_TRACE_MAX_LOOKUPS];
static int nlookups;

static void report_text(const struct trace_args *t, const struct na_trace_in *in,
			const struct na_trace_out *out, const struct nl_vif *vif)
{
	char name[IF_NAMESIZE];
	struct nl_frame f;
	int reason = na_trace_drop_reason(out);

	if (t->uplink)
		printf("trace: uplink %s, program nl_uplink_xdp, cpu %d\n", t->iface, out->cpu);
	else
		printf("trace: VIF %s (ifindex %u, tenant %u, mac_as %u), program nl_vif_ingress, "
		       "cpu %d\n",
		       t->vif, in->vif_ifindex, vif->tenant, vif->mac_as, out->cpu);
	nl_frame_decode(in->frame, in->len, in->len, &f);
	printf("input:   ");
	nl_frame_print_text(stdout, &f);
	printf("\n");
	na_trace_lookups_text(stdout, lookups, nlookups);
	printf("verdict: %s (%u)", out->verdict, out->retval);
	if (reason >= 0)
		printf(", reason %s: %s", na_trace_counter_name((unsigned int)reason),
		       na_trace_counter_help((unsigned int)reason));
	printf("\n");
	if (out->redirect_ifindex || out->redirect_how)
		printf("redirect: %s (ifindex %u) [inferred: %s]\n",
		       ifname_of(out->redirect_ifindex, name), out->redirect_ifindex,
		       out->redirect_how);
	if (out->meta_ifindex)
		printf("hand-off: to nl_uplink_tc for %s (ifindex %u)\n",
		       ifname_of(out->meta_ifindex, name), out->meta_ifindex);
	if (!out->dropped) {
		nl_frame_decode(out->frame, out->len, out->len, &f);
		printf("output:  ");
		nl_frame_print_text(stdout, &f);
		printf("\n");
		if (f.encap && f.outer.l3 == NL_L3_IPV4)
			printf("vlan:    %d%s (IP-ID VLAN bits %u)\n",
			       f.outer.vlan >= 0 ? f.outer.vlan : 0,
			       f.outer.vlan >= 0 ? "" : " (untagged)", f.outer.ip_id & 0x0fff);
	}
	printf("counters:");
	for (unsigned int i = 0; i < NL_C_MAX; i++)
		if (out->counters[i])
			printf(" %s +%llu", na_trace_counter_name(i),
			       (unsigned long long)out->counters[i]);
	printf("\n");
	if (out->has_vif)
		printf("vif %s:  tx_packets +%llu tx_bytes +%llu rx_packets +%llu rx_bytes +%llu\n",
		       t->vif, (unsigned long long)out->vif_delta.tx_packets,
		       (unsigned long long)out->vif_delta.tx_bytes,
		       (unsigned long long)out->vif_delta.rx_packets,
		       (unsigned long long)out->vif_delta.rx_bytes);
}

static void report_json(const struct trace_args *t, const struct na_trace_in *in,
			const struct na_trace_out *out, const struct nl_vif *vif)
{
	char name[IF_NAMESIZE];
	struct nl_frame f;
	int reason = na_trace_drop_reason(out);
	bool first = true;

	printf("{\"program\":\"%s\",\"uplink\":\"%s\",\"cpu\":%d",
	       t->uplink ? "nl_uplink_xdp" : "nl_vif_ingress", t->iface, out->cpu);
	if (!t->uplink)
		printf(",\"vif\":{\"ifname\":\"%s\",\"ifindex\":%u,\"tenant\":%u,\"mac_as\":%u}",
		       t->vif, in->vif_ifindex, vif->tenant, vif->mac_as);
	nl_frame_decode(in->frame, in->len, in->len, &f);
	printf(",\"input\":");
	nl_frame_print_json(stdout, &f);
	printf(",\"lookups\":");
	na_trace_lookups_json(stdout, lookups, nlookups);
	printf(",\"verdict\":\"%s\",\"retval\":%u,\"dropped\":%s", out->verdict, out->retval,
	       out->dropped ? "true" : "false");
	if (reason >= 0)
		printf(",\"reason\":\"%s\"", na_trace_counter_name((unsigned int)reason));
	if (out->redirect_ifindex || out->redirect_how)
		printf(",\"redirect\":{\"ifindex\":%u,\"ifname\":\"%s\",\"inferred\":\"%s\"}",
		       out->redirect_ifindex, ifname_of(out->redirect_ifindex, name),
		       out->redirect_how);
	if (out->meta_ifindex)
		printf(",\"handoff\":{\"ifindex\":%u,\"ifname\":\"%s\"}", out->meta_ifindex,
		       ifname_of(out->meta_ifindex, name));
	if (!out->dropped) {
		nl_frame_decode(out->frame, out->len, out->len, &f);
		printf(",\"output\":");
		nl_frame_print_json(stdout, &f);
		if (f.encap && f.outer.l3 == NL_L3_IPV4)
			printf(",\"vlan\":%d,\"vlan_tagged\":%s",
			       f.outer.vlan >= 0 ? f.outer.vlan : 0,
			       f.outer.vlan >= 0 ? "true" : "false");
	}
	printf(",\"counters\":{");
	for (unsigned int i = 0; i < NL_C_MAX; i++)
		if (out->counters[i]) {
			printf("%s\"%s\":%llu", first ? "" : ",", na_trace_counter_name(i),
			       (unsigned long long)out->counters[i]);
			first = false;
		}
	printf("}");
	if (out->has_vif)
		printf(",\"vif_stats\":{\"tx_packets\":%llu,\"tx_bytes\":%llu,\"rx_packets\":%llu,"
		       "\"rx_bytes\":%llu}",
		       (unsigned long long)out->vif_delta.tx_packets,
		       (unsigned long long)out->vif_delta.tx_bytes,
		       (unsigned long long)out->vif_delta.rx_packets,
		       (unsigned long long)out->vif_delta.rx_bytes);
	printf("}\n");
}

int na_trace_cli(int argc, char **argv)
{
	static const struct option opts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"vif", required_argument, NULL, O_VIF},
		{"uplink", no_argument, NULL, O_UPLINK},
		{"src-mac", required_argument, NULL, O_SMAC},
		{"dst-mac", required_argument, NULL, O_DMAC},
		{"src-ip", required_argument, NULL, O_SIP},
		{"dst-ip", required_argument, NULL, O_DIP},
		{"proto", required_argument, NULL, O_PROTO},
		{"sport", required_argument, NULL, O_SPORT},
		{"dport", required_argument, NULL, O_DPORT},
		{"vlan", required_argument, NULL, O_VLAN},
		{"ttl", required_argument, NULL, O_TTL},
		{"len", required_argument, NULL, O_LEN},
		{"arp", no_argument, NULL, O_ARP},
		{"pcap", required_argument, NULL, O_PCAP},
		{"index", required_argument, NULL, O_INDEX},
		{"tenant", required_argument, NULL, O_TENANT},
		{"mac-as", required_argument, NULL, O_MACAS},
		{"json", no_argument, NULL, O_JSON},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct na_trace_in in;
	static struct na_trace_out out;
	struct trace_args t = {.index = 1, .d = {.vlan = -1}};
	struct nl_config cfg;
	struct nl_vif vif = {};
	struct na_maps m;
	char ifbuf[IF_NAMESIZE * 4];
	int o, err;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
		if (o == 'h') {
			fputs(help, stdout);
			return 0;
		}
		if (o == '?')
			return bad("bad option '%s'", argv[optind - 1]);
		err = parse_opt(&t, o, optarg);
		if (err)
			return err;
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (!!t.vif == t.uplink)
		return bad("%s", "give --vif <ifname> or --uplink");
	if (t.uplink && !t.pcap && (!t.have_tenant || !t.have_mac_as))
		return bad("%s", "--uplink with a frame description needs --tenant and --mac-as");
	if (!t.iface) {
		if (na_pinned_only_iface(ifbuf, sizeof(ifbuf)))
			return bad("%s", "cannot tell which uplink: use -i <uplink>");
		t.iface = ifbuf;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "na-loader trace: must run as root (BPF_PROG_TEST_RUN)\n");
		return -EPERM;
	}
	if (na_maps_open_pinned(t.iface, &m)) {
		fprintf(stderr,
			"na-loader trace: no datapath on %s (no pins): run `na-loader "
			"attach %s`\n",
			t.iface, t.iface);
		return -ENOTCONN;
	}
	err = na_config_get(&m, &cfg);
	if (!err && t.vif) {
		in.vif_ifindex = if_nametoindex(t.vif);
		if (!in.vif_ifindex || bpf_map_lookup_elem(m.vifs, &in.vif_ifindex, &vif)) {
			fprintf(stderr,
				"na-loader trace: %s is not a VIF of %s in this network namespace "
				"(see `na-loader vif list`)\n",
				t.vif, t.iface);
			err = -ENODEV;
		}
	}
	in.uplink = t.uplink;
	if (!err)
		err = t.pcap ? na_pcap_frame(t.pcap, t.index, in.frame, sizeof(in.frame), &in.len)
			     : build(&t, &cfg, t.vif ? &vif : NULL, &in);
	if (!err) {
		/* the maps as the program will find them: replayed before it runs */
		nlookups = na_trace_lookups(&m, &cfg, &in, lookups);
		err = na_trace_run(t.iface, &m, &cfg, &in, &out);
		if (err)
			fprintf(stderr, "na-loader trace: running the program failed: %s\n",
				strerror(-err));
	}
	na_maps_close(&m);
	if (err)
		return err;
	if (t.json)
		report_json(&t, &in, &out, &vif);
	else
		report_text(&t, &in, &out, &vif);
	return 0;
}

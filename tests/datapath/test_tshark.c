// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tshark, an independent dissector, judges the datapath's output: frames
 * written to a pcap must dissect as Ethernet / IPv4 / (UDP) / Ethernet /
 * IPv4 / UDP (gre mode: Ethernet / IPv4 / GRE / Ethernet / ...) with the
 * field values the wire format promises.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

/* Runs tshark on @pcap and returns its output (one line per frame) */
static char *tshark(const char *pcap, const char *fields)
{
	static char out[8192];
	char cmd[1024];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -n -o ip.check_checksum:TRUE -d udp.port==%d,eth -T fields "
		 "-E 'separator=;' -E occurrence=a -E aggregator=, %s 2>/dev/null",
		 pcap, NL_UDP_PORT, fields);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	cr_assert_eq(pclose(p), 0, "tshark failed: %s", cmd);
	return out;
}

static void capture(struct run *frames, const char *pcap)
{
	struct pkt l2 = {}, routed = {};

	pkt_vm_udp(&l2, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 32);
	pkt_vm_udp(&routed, W_ROUTER_MAC, W_MAC_1, W_IP_1, W_IP_3, 32);
	run_tc(&frames[0], W.ifindex_a1, l2.b, l2.len);
	run_tc(&frames[1], W.ifindex_a1, routed.b, routed.len);
	cr_assert_eq(frames[0].retval, TC_ACT_REDIRECT);
	cr_assert_eq(frames[1].retval, TC_ACT_REDIRECT);
	cr_assert_eq(pcap_write(pcap, frames, 2), 0);
}

/* the gre test asks check() to keep its pcap for a second look */
static char last_pcap[64];
static bool keep_pcap;

static void check(const char *mode_protos)
{
	char pcap[] = "/tmp/nl-tshark-XXXXXX";
	static struct run frames[2];
	char expect[512];
	char *out;
	int fd = mkstemp(pcap);

	cr_assert_geq(fd, 0);
	close(fd);
	capture(frames, pcap);

	out = tshark(pcap, "-e frame.protocols");
	snprintf(expect, sizeof(expect), "%s\n%s\n", mode_protos, mode_protos);
	cr_assert_str_eq(out, expect);

	/* outer and inner Ethernet addresses, outer IPv4 fields, inner IPv4 */
	out = tshark(pcap, "-e eth.dst -e eth.src -e ip.src -e ip.dst -e ip.id -e ip.flags.df "
			   "-e ip.checksum.status -e ip.ttl");
	cr_assert_str_eq(out,
			 "02:4e:4c:00:00:02,52:54:00:aa:00:02;02:4e:4c:00:00:01,52:54:00:aa:00:01;"
			 "10.1.12.25,192.168.1.10;10.7.12.25,192.168.1.20;"
			 "0x000a,0x1234;1,1;1,1;64,64\n"
			 "02:4e:4c:00:00:02,52:54:00:aa:00:03;02:4e:4c:00:00:01,02:00:5e:00:01:01;"
			 "10.2.12.25,192.168.1.10;10.9.12.25,192.168.2.30;"
			 "0x000a,0x1234;1,1;1,1;64,63\n");
	if (keep_pcap)
		snprintf(last_pcap, sizeof(last_pcap), "%s", pcap);
	else
		unlink(pcap);
}

/* GRE key, protocol type, key bit and checksum bit of the frames check() wrote */
static const char *tshark_last_gre(void)
{
	char *out =
		tshark(last_pcap, "-e gre.key -e gre.proto -e gre.flags.key -e gre.flags.checksum "
				  "-e gre.flags.version");

	unlink(last_pcap);
	return out;
}

static void one_vlan(void)
{
	static const __u16 vlans[] = {10};

	cr_assert_eq(world_vlans_set(W_S2, 1, vlans), 0);
}

static void setup_ip(void)
{
	world_setup_ip();
	one_vlan();
}

static void setup_gre(void)
{
	world_setup_gre();
	one_vlan();
}

static void setup_udp(void)
{
	world_setup_udp();
	one_vlan();
}

Test(tshark, ip_mode_dissects, .init = setup_ip, .fini = world_teardown)
{
	check("eth:ethertype:ip:eth:ethertype:ip:udp:data");
}

Test(tshark, udp_mode_dissects, .init = setup_udp, .fini = world_teardown)
{
	check("eth:ethertype:ip:udp:eth:ethertype:ip:udp:data");
}

/* gre mode needs no decoding hint: GRE key = tenant, payload an Ethernet frame */
Test(tshark, gre_mode_dissects, .init = setup_gre, .fini = world_teardown)
{
	keep_pcap = true;
	check("eth:ethertype:ip:gre:eth:ethertype:ip:udp:data");
	cr_assert_str_eq(tshark_last_gre(), "0x00000c19;0x6558;1;0;0\n0x00000c19;0x6558;1;0;0\n");
}

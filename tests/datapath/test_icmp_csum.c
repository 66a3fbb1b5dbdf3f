// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ICMP errors of the virtual router (bpf/lib/icmp.h, icmp6.h; patent
 * [0044], the MTU of [0046]): the exact bytes against scapy's (tests/
 * datapath/icmp_expected.py; IPv6: test_ndp.c), and the checksum of IPv4
 * and IPv6 errors built from a CHECKSUM_PARTIAL packet, which
 * BPF_PROG_TEST_RUN cannot make: those go
 * through the real datapath on the world's veth a1 (tc ingress), sent by
 * a packet socket with a virtio-net header asking for a checksum, as a VM
 * behind a tap device would, and are read back on a1p after a receiver
 * completed the checksum in software (the kernel, a1 without checksum
 * offload; or this test, from the virtio-net header, as a hypervisor does).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include "harness.h"

#define MTU_UDP (1500 - NL_ENCAP_OVERHEAD_UDP)

/* ---- scapy's expectation ------------------------------------------------------------- */

static uint32_t scapy_expect(const struct pkt *in, int type, int code, int mtu, uint32_t router,
			     uint8_t *out, uint32_t max)
{
	char cmd[2 * sizeof(in->b) + 256], line[2 * 1024 + 16], *p;
	uint32_t n = 0;
	FILE *f;

	p = cmd + sprintf(cmd, "/usr/bin/python3 tests/datapath/icmp_expected.py ");
	for (uint32_t i = 0; i < in->len; i++)
		p += sprintf(p, "%02x", in->b[i]);
	sprintf(p, " %d %d %d %u.%u.%u.%u 02:00:5e:00:01:01", type, code, mtu, router >> 24,
		(router >> 16) & 0xff, (router >> 8) & 0xff, router & 0xff);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f), "icmp_expected.py printed nothing");
	cr_assert_eq(pclose(f), 0, "icmp_expected.py failed (python3-scapy installed?)");
	for (p = line; p[0] && p[1] && p[0] != '\n' && n < max; p += 2)
		sscanf(p, "%2hhx", &out[n++]);
	return n;
}

static void expect_scapy(const struct run *r, const struct pkt *in, int type, int code, int mtu,
			 uint32_t router)
{
	uint8_t want[1024];
	uint32_t n = scapy_expect(in, type, code, mtu, router, want, sizeof(want));

	cr_assert_eq(r->retval, TC_ACT_REDIRECT, "retval %u", r->retval);
	cr_assert_eq(r->out_len, n, "length %u, scapy's %u", r->out_len, n);
	cr_assert_arr_eq(r->out, want, n, "got:\n%s", hex(r->out, r->out_len));
}

/* IPv4/TCP a1 -> @dip (20-byte header) with @data bytes, checksum field = @check */
static void pkt_tcp(struct pkt *p, const uint8_t dmac[6], uint32_t dip, uint8_t ttl, uint32_t data,
		    uint16_t check)
{
	uint8_t tcp[20] = {0x9c, 0x40, 0x13, 0x89, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff};

	tcp[16] = check >> 8;
	tcp[17] = check & 0xff;
	pkt_eth(p, dmac, W_MAC_1, 0x0800);
	pkt_ipv4(p, W_IP_1, dip, 6, ttl, sizeof(tcp) + data);
	pkt_bytes(p, tcp, sizeof(tcp));
	pkt_fill(p, 0x3c, data);
}

Test(icmp, frag_needed_udp_as_scapy, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_vm_udp(&in, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 1500 - 28);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_scapy(&r, &in, 3, 4, MTU_UDP, W_ROUTER_1);
}

Test(icmp, frag_needed_tcp_as_scapy, .init = world_setup_udp, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_tcp(&in, W_MAC_2, W_IP_2, 64, 1500 - 40, 0xbeef);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_scapy(&r, &in, 3, 4, MTU_UDP, W_ROUTER_1);
}

/* routed (to the router MAC, other subnet) with TTL 1: time exceeded */
Test(icmp, ttl_exceeded_tcp_as_scapy, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_tcp(&in, W_ROUTER_MAC, W_IP_3, 1, 100, 0x1234);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_scapy(&r, &in, 11, 0, 0, W_ROUTER_1);
}

/* a short datagram: the quote is all of it, 4 bytes of UDP payload */
Test(icmp, ttl_exceeded_short_udp_as_scapy, .init = world_setup_ip, .fini = world_teardown)
{
	struct pkt in = {};
	struct run r;

	pkt_eth(&in, W_ROUTER_MAC, W_MAC_1, 0x0800);
	pkt_ipv4(&in, W_IP_1, W_IP_3, 17, 1, 8 + 4);
	pkt_udp(&in, 33434, 33434, 4);
	pkt_fill(&in, 0x77, 4);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_scapy(&r, &in, 11, 0, 0, W_ROUTER_1);
}

/* ---- CHECKSUM_PARTIAL through the real datapath ----------------------------------------- */

static void sh(const char *cmd)
{
	cr_assert_eq(system(cmd), 0, "failed: %s", cmd);
}

static void setup_real(void)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = 0, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts);

	world_setup_udp();
	hook.ifindex = W.ifindex_a1;
	opts.prog_fd = fd_vif_prog();
	cr_assert_eq(bpf_tc_hook_create(&hook), 0, "tc hook on a1");
	cr_assert_eq(bpf_tc_attach(&hook, &opts), 0, "attach nl_vif_ingress to a1");
	sh("ip link set a1 up && ip link set a1p up");
}

static int packet_socket(const char *dev, int proto, bool vnet)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(proto)};
	struct timeval tv = {.tv_sec = 10}; /* only so a lost frame fails instead of hanging */
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW, htons(proto));

	cr_assert_geq(fd, 0, "packet socket: %s", strerror(errno));
	sll.sll_ifindex = if_nametoindex(dev);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	if (vnet)
		cr_assert_eq(setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)), 0);
	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	return fd;
}

/* the uncomplemented pseudo-header sum a stack leaves in the field for the offload */
static uint16_t pseudo_sum(const uint8_t *ip)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = ip[9];
	ph[10] = (rd16(ip + 2) - 20) >> 8;
	ph[11] = (rd16(ip + 2) - 20) & 0xff;
	return (uint16_t)~inet_csum(ph, sizeof(ph));
}

/* Sends @f from the VM side (a1p) as CHECKSUM_PARTIAL: csum_start @start, csum_offset @off */
static void send_partial(const struct pkt *f, uint16_t start, uint16_t off)
{
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_NONE,
		.csum_start = start,
		.csum_offset = off,
	};
	uint8_t buf[sizeof(vh) + sizeof(f->b)];
	int fd = packet_socket("a1p", 0, true);

	memcpy(buf, &vh, sizeof(vh));
	memcpy(buf + sizeof(vh), f->b, f->len);
	cr_assert_eq(send(fd, buf, sizeof(vh) + f->len, 0), (ssize_t)(sizeof(vh) + f->len),
		     "send: %s", strerror(errno));
	close(fd);
}

/* an ICMPv4 frame */
static bool is_icmp4(const uint8_t *f, uint32_t len)
{
	return len >= 34 && rd16(f + 12) == 0x0800 && f[14 + 9] == 1;
}

/* an ICMPv6 packet too big (other ICMPv6 traffic on a1p is neighbour discovery) */
static bool is_too_big6(const uint8_t *f, uint32_t len)
{
	return len >= 62 && rd16(f + 12) == 0x86dd && f[14 + 6] == 58 && f[54] == 2;
}

/*
 * Next frame arriving on a1p that @want accepts (not our own outgoing
 * one); with @vnet the virtio-net header in front is returned in @vh.
 * Returns the frame length.
 */
static uint32_t recv_frame(int fd, bool vnet, struct virtio_net_hdr *vh, uint8_t *out, uint32_t max,
			   bool (*want)(const uint8_t *, uint32_t))
{
	uint8_t buf[sizeof(*vh) + 2048];
	uint32_t hl = vnet ? sizeof(*vh) : 0;

	for (int i = 0; i < 64; i++) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		cr_assert_gt(n, 0, "no ICMP error came back to the VM: %s", strerror(errno));
		if (from.sll_pkttype == PACKET_OUTGOING || (uint32_t)n < hl ||
		    !want(buf + hl, (uint32_t)n - hl))
			continue;
		cr_assert_leq((uint32_t)n - hl, max);
		if (vnet)
			memcpy(vh, buf, sizeof(*vh));
		memcpy(out, buf + hl, n - hl);
		return n - hl;
	}
	cr_assert_fail("only other frames on a1p");
	return 0;
}

/* What a receiver that honours "needs checksum" does: sum from csum_start, store at +offset */
static void complete_in_software(const struct virtio_net_hdr *vh, uint8_t *f, uint32_t len)
{
	uint32_t start = vh->csum_start, at = start + vh->csum_offset;
	uint16_t c;

	if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return;
	cr_assert_leq(at + 2, len, "checksum field %u past the frame (%u)", at, len);
	c = inet_csum(f + start, len - start);
	f[at] = (c ? c : 0xffff) >> 8;
	f[at + 1] = (c ? c : 0xffff) & 0xff;
}

/*
 * A valid "fragmentation needed" for @sent: checksums and fields first (the
 * defect), then the layout, quote intact but for @field of the transport.
 */
static void expect_valid_error(const uint8_t *f, uint32_t len, const struct pkt *sent,
			       uint32_t field)
{
	uint32_t quote = 20 + 32, icmp_len;

	cr_assert_geq(len, 14 + 20 + 8 + 28, "length %u", len);
	cr_assert_eq(rd16(f + 12), 0x0800);
	cr_assert_eq(inet_csum(f + 14, 20), 0, "IP checksum");
	cr_assert_eq(f[23], 1, "not ICMP");
	icmp_len = rd16(f + 16) - 20;
	cr_assert_leq(14 + 20 + icmp_len, len);
	cr_assert_eq(f[34], 3);
	cr_assert_eq(f[35], 4);
	cr_assert_eq(inet_csum(f + 34, icmp_len), 0, "ICMP checksum wrong:\n%s", hex(f, len));
	cr_assert_eq(rd16(f + 40), MTU_UDP, "next-hop MTU changed:\n%s", hex(f, len));
	cr_assert_eq(rd16(f + 38), 0, "unused field changed:\n%s", hex(f, len));
	cr_assert_arr_eq(f + 42, sent->b + 14, 20 + field, "quoted header changed");
	cr_assert_eq(len, 14 + 20 + 8 + quote, "length %u", len);
	cr_assert_arr_eq(f + 42 + 20 + field + 2, sent->b + 34 + field + 2, 32 - field - 2,
			 "quoted transport bytes changed");
}

static void partial_case(bool tcp, bool kernel_completes)
{
	struct virtio_net_hdr vh = {};
	uint16_t field = tcp ? 16 : 6;
	struct pkt f = {};
	uint8_t got[2048];
	uint32_t len;
	int rx;

	if (kernel_completes)
		sh("ethtool -K a1 tx off >/dev/null");
	if (tcp) {
		pkt_tcp(&f, W_MAC_2, W_IP_2, 64, 1500 - 40, 0);
	} else {
		pkt_vm_udp(&f, W_MAC_2, W_MAC_1, W_IP_1, W_IP_2, 1500 - 28);
	}
	f.b[34 + field] = pseudo_sum(f.b + 14) >> 8;
	f.b[34 + field + 1] = pseudo_sum(f.b + 14) & 0xff;

	rx = packet_socket("a1p", ETH_P_IP, !kernel_completes);
	send_partial(&f, 34, field);
	len = recv_frame(rx, !kernel_completes, &vh, got, sizeof(got), is_icmp4);
	close(rx);
	cr_assert_eq(counter(NL_C_TX_MTU), 1, "the datapath did not answer");
	if (!kernel_completes) {
		uint8_t done[sizeof(got)];

		/* still CHECKSUM_PARTIAL, as the VM would get it: one completing in software ... */
		cr_assert(vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM, "not CHECKSUM_PARTIAL any more");
		memcpy(done, got, len);
		complete_in_software(&vh, done, len);
		expect_valid_error(done, len, &f, field);
		/* ... and one trusting the offload see the same, valid, bytes */
		cr_assert_arr_eq(done, got, len, "the completion changed the error");
		/* the offload now points into the quote, at the quoted transport checksum */
		cr_assert_eq(vh.csum_start, 42 + 20, "csum_start %u", vh.csum_start);
		cr_assert_eq(vh.csum_offset, field);
	}
	expect_valid_error(got, len, &f, field);
}

Test(icmp, partial_udp_kernel_completes, .init = setup_real, .fini = world_teardown)
{
	partial_case(false, true);
}

Test(icmp, partial_tcp_kernel_completes, .init = setup_real, .fini = world_teardown)
{
	partial_case(true, true);
}

Test(icmp, partial_udp_receiver_completes, .init = setup_real, .fini = world_teardown)
{
	partial_case(false, false);
}

Test(icmp, partial_tcp_receiver_completes, .init = setup_real, .fini = world_teardown)
{
	partial_case(true, false);
}

/* ---- the same for IPv6: packet too big (bpf/lib/icmp6.h) --------------------------------- */

#define A1_IP6	"2001:db8:1::10"
#define A2_IP6	"2001:db8:1::20"
#define ROUTER6 "2001:db8:1::1"

static void ip6(const char *s, uint8_t *out)
{
	cr_assert_eq(inet_pton(AF_INET6, s, out), 1, "%s", s);
}

/* a1 owns A1_IP6, its IPv6 router is ROUTER6 (what vif add --ip6 --router6 writes) */
static void setup_real6(void)
{
	struct nl_vif_ip6 v6 = {.count = 1, .prefix_len = {64}};
	struct nl_ip6_key k = {.tenant = W_TENANT_A};
	uint32_t idx;

	setup_real();
	idx = (uint32_t)W.ifindex_a1;
	ip6(A1_IP6, v6.addr[0]);
	ip6(ROUTER6, v6.router);
	memcpy(k.ip6, v6.addr[0], 16);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_vif_ip6s"), &idx, &v6, BPF_ANY), 0);
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_local_ip6s"), &k, &idx, BPF_ANY), 0);
}

/* the IPv6 pseudo-header sum a stack leaves in the field for the offload */
static uint16_t pseudo_sum6(const uint8_t *ip, uint8_t proto)
{
	uint8_t ph[40] = {0};

	memcpy(ph, ip + 8, 32);
	ph[34] = ip[4];
	ph[35] = ip[5];
	ph[39] = proto;
	return (uint16_t)~inet_csum(ph, sizeof(ph));
}

/* a1 -> a2 (same subnet), 1500 bytes of IPv6: too big for the fabric in udp mode */
static void pkt6(struct pkt *f, bool tcp)
{
	uint8_t h[40] = {0x60, 0, 0, 0};
	uint32_t l4 = 1500 - 40;

	memset(f, 0, sizeof(*f));
	pkt_eth(f, W_MAC_2, W_MAC_1, 0x86dd);
	h[4] = l4 >> 8;
	h[5] = l4 & 0xff;
	h[6] = tcp ? 6 : 17;
	h[7] = 64;
	ip6(A1_IP6, h + 8);
	ip6(A2_IP6, h + 24);
	pkt_bytes(f, h, sizeof(h));
	if (tcp) {
		uint8_t t[20] = {0x9c, 0x40, 0x13, 0x89, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff};

		pkt_bytes(f, t, sizeof(t));
		pkt_fill(f, 0x3c, l4 - sizeof(t));
	} else {
		pkt_udp(f, 40000, 5001, l4 - 8);
		for (uint32_t i = 0; i < l4 - 8; i++) {
			uint8_t b = (uint8_t)(i * 7);

			pkt_bytes(f, &b, 1);
		}
	}
}

/* the ICMPv6 checksum over the pseudo header and the message is right */
static bool icmp6_csum_ok(const uint8_t *ip6h, const uint8_t *msg, uint32_t len)
{
	static uint8_t b[40 + 2048];

	memset(b, 0, 40);
	memcpy(b, ip6h + 8, 32);
	b[34] = len >> 8;
	b[35] = len & 0xff;
	b[39] = 58;
	memcpy(b + 40, msg, len);
	return inet_csum(b, 40 + len) == 0;
}

/*
 * A valid packet too big for @sent, byte for byte: our headers, the MTU,
 * the ICMPv6 checksum, and the quote (the first 128 bytes of the packet)
 * intact but for @field of the transport header.
 */
static void expect_valid_too_big6(const uint8_t *f, uint32_t len, const struct pkt *sent,
				  uint32_t field)
{
	uint8_t a[16];

	cr_assert_eq(len, 14 + 40 + 8 + 128, "length %u:\n%s", len, hex(f, len));
	cr_assert_arr_eq(f, W_MAC_1, 6, "to the VM");
	cr_assert_eq(rd16(f + 12), 0x86dd);
	cr_assert_eq(rd32(f + 14), 0x60000000, "version, class, flow");
	cr_assert_eq(rd16(f + 18), 8 + 128, "payload length");
	cr_assert_eq(f[20], 58, "not ICMPv6");
	cr_assert_eq(f[21], 64, "hop limit");
	ip6(ROUTER6, a);
	cr_assert_arr_eq(f + 22, a, 16, "from the router");
	ip6(A1_IP6, a);
	cr_assert_arr_eq(f + 38, a, 16, "to the VM's address");
	cr_assert_eq(f[54], 2, "type");
	cr_assert_eq(f[55], 0, "code");
	cr_assert_eq(rd32(f + 58), MTU_UDP, "MTU changed:\n%s", hex(f, len));
	cr_assert(icmp6_csum_ok(f + 14, f + 54, 8 + 128), "ICMPv6 checksum wrong:\n%s",
		  hex(f, len));
	cr_assert_arr_eq(f + 62, sent->b + 14, 40 + field, "quoted header changed");
	cr_assert_arr_eq(f + 62 + 40 + field + 2, sent->b + 54 + field + 2, 88 - field - 2,
			 "quoted transport bytes changed");
}

static void partial6_case(bool tcp, bool kernel_completes)
{
	struct virtio_net_hdr vh = {};
	uint16_t field = tcp ? 16 : 6;
	struct pkt f;
	uint8_t got[2048];
	uint32_t len;
	int rx;

	if (kernel_completes)
		sh("ethtool -K a1 tx off >/dev/null");
	pkt6(&f, tcp);
	f.b[54 + field] = pseudo_sum6(f.b + 14, tcp ? 6 : 17) >> 8;
	f.b[54 + field + 1] = pseudo_sum6(f.b + 14, tcp ? 6 : 17) & 0xff;

	rx = packet_socket("a1p", ETH_P_IPV6, !kernel_completes);
	send_partial(&f, 54, field);
	len = recv_frame(rx, !kernel_completes, &vh, got, sizeof(got), is_too_big6);
	close(rx);
	cr_assert_eq(counter(NL_C_TX_MTU), 1, "the datapath did not answer");
	if (!kernel_completes) {
		uint8_t done[sizeof(got)];

		/* still CHECKSUM_PARTIAL, as the VM would get it: one completing in software ... */
		cr_assert(vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM, "not CHECKSUM_PARTIAL any more");
		memcpy(done, got, len);
		complete_in_software(&vh, done, len);
		expect_valid_too_big6(done, len, &f, field);
		/* ... and one trusting the offload see the same, valid, bytes */
		cr_assert_arr_eq(done, got, len, "the completion changed the error");
		/* the offload points into the quote, at the quoted transport checksum */
		cr_assert_eq(vh.csum_start, 62 + 40, "csum_start %u", vh.csum_start);
		cr_assert_eq(vh.csum_offset, field);
	}
	expect_valid_too_big6(got, len, &f, field);
}

Test(icmp6, partial_udp_kernel_completes, .init = setup_real6, .fini = world_teardown)
{
	partial6_case(false, true);
}

Test(icmp6, partial_tcp_kernel_completes, .init = setup_real6, .fini = world_teardown)
{
	partial6_case(true, true);
}

Test(icmp6, partial_udp_receiver_completes, .init = setup_real6, .fini = world_teardown)
{
	partial6_case(false, false);
}

Test(icmp6, partial_tcp_receiver_completes, .init = setup_real6, .fini = world_teardown)
{
	partial6_case(true, false);
}

/* not CHECKSUM_PARTIAL: the quote is the packet as sent, checksum field included */
Test(icmp6, complete_checksum_quoted_unchanged, .init = setup_real6, .fini = world_teardown)
{
	struct pkt f;
	uint8_t got[2048];
	uint32_t len;
	int rx, tx;

	pkt6(&f, false);
	f.b[54 + 6] = 0xbe;
	f.b[54 + 7] = 0xef;
	rx = packet_socket("a1p", ETH_P_IPV6, false);
	tx = packet_socket("a1p", 0, false);
	cr_assert_eq(send(tx, f.b, f.len, 0), (ssize_t)f.len, "send: %s", strerror(errno));
	close(tx);
	len = recv_frame(rx, false, NULL, got, sizeof(got), is_too_big6);
	close(rx);
	expect_valid_too_big6(got, len, &f, 6);
	cr_assert_eq(rd16(got + 62 + 40 + 6), 0xbeef, "the quoted checksum field changed");
}

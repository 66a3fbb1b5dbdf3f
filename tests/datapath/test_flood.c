// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Tenant broadcast and multicast inside (tenant, MAC_AS) (bpf/lib/flood.h,
 * docs/wire-format.md section 3), byte by byte: the production programs
 * run under BPF_PROG_TEST_RUN, and the clones they send with
 * bpf_clone_redirect() really leave through the world's veths, so packet
 * sockets on the peers (a1p, a5p, b1p, l2p, fabric) see every copy.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "harness.h"

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t MCAST[6] = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03};
/* every test frame carries this, so kernel chatter on the veths is ignored */
static const uint8_t MARK[8] = {'F', 'L', 'O', 'O', 'D', 'T', 'S', 'T'};

enum { CAP_A1, CAP_B1, CAP_A5, CAP_L2, CAP_FABRIC, CAP_N };
static const char *const cap_names[CAP_N] = {"a1p", "b1p", "a5p", "l2p", "fabric"};
static int cap_fd[CAP_N];

/* frames seen on one peer that carry MARK, the VLAN tag put back in place */
struct seen {
	int n;
	uint8_t f[8][2048];
	uint32_t len[8];
};

static void sh(const char *cmd)
{
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static int cap_open(const char *ifname)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));

	cr_assert_geq(fd, 0, "packet socket: %s", strerror(errno));
	sll.sll_ifindex = if_nametoindex(ifname);
	cr_assert_gt(sll.sll_ifindex, 0, "%s", ifname);
	cr_assert_eq(bind(fd, (void *)&sll, sizeof(sll)), 0);
	cr_assert_eq(setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)), 0);
	return fd;
}

/* the world's links up, IPv6 off (no DAD or MLD chatter), a socket per peer */
static void flood_setup(void (*world)(void))
{
	world();
	sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
	sh("for i in a1 a1p b1 b1p a5 a5p l2 l2p uplink fabric; do ip link set $i up || exit 1; "
	   "done");
	for (int i = 0; i < CAP_N; i++)
		cap_fd[i] = cap_open(cap_names[i]);
}

static void setup_ip(void)
{
	flood_setup(world_setup_ip);
}

static void setup_udp(void)
{
	flood_setup(world_setup_udp);
}

static void flood_teardown(void)
{
	for (int i = 0; i < CAP_N; i++)
		close(cap_fd[i]);
	world_teardown();
}

/* reads what arrived on peer @i (until it stays quiet for 100 ms) */
static void cap_read(int i, struct seen *s)
{
	struct pollfd p = {.fd = cap_fd[i], .events = POLLIN};

	memset(s, 0, sizeof(*s));
	while (poll(&p, 1, 100) == 1) {
		uint8_t buf[2048], cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct sockaddr_ll from;
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr mh = {.msg_name = &from,
				    .msg_namelen = sizeof(from),
				    .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		struct tpacket_auxdata *aux = NULL;
		ssize_t n = recvmsg(cap_fd[i], &mh, 0);
		uint8_t *f;

		if (n < 0)
			break;
		if (from.sll_pkttype == PACKET_OUTGOING || !memmem(buf, n, MARK, sizeof(MARK)))
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
				aux = (void *)CMSG_DATA(c);
		cr_assert_lt(s->n, 8, "too many copies on %s", cap_names[i]);
		f = s->f[s->n];
		if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
			memcpy(f, buf, 12);
			f[12] = 0x81;
			f[13] = 0x00;
			f[14] = aux->tp_vlan_tci >> 8;
			f[15] = aux->tp_vlan_tci & 0xff;
			memcpy(f + 16, buf + 12, n - 12);
			s->len[s->n++] = n + 4;
		} else {
			memcpy(f, buf, n);
			s->len[s->n++] = n;
		}
	}
}

static int world_switch(const uint8_t mac[6])
{
	int idx = world_switch_idx(mac);

	cr_assert_gt(idx, 0, "switch index");
	return idx;
}

/* the group of (tenant, MAC_AS) as the agent writes it */
static void group_set(uint32_t tenant, uint16_t mac_as, const struct nl_flood_member *local,
		      int n_local, const struct nl_flood_remote *remote, int n_remote)
{
	struct nl_flood_key k = {.tenant = tenant, .mac_as = mac_as};
	static struct nl_flood_group g;

	memset(&g, 0, sizeof(g));
	g.n_local = n_local;
	g.n_remote = n_remote;
	memcpy(g.local, local, n_local * sizeof(*local));
	if (n_remote)
		memcpy(g.remote, remote, n_remote * sizeof(*remote));
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_flood_groups"), &k, &g, BPF_ANY), 0);
}

static struct nl_flood_member member(int ifindex, int slot, const uint8_t mac[6])
{
	struct nl_flood_member m = {.ifindex = ifindex, .slot = slot};

	memcpy(m.mac, mac, 6);
	return m;
}

/* tenant A MAC space 1 here: a1 and a5; tenant B MAC space 1: b1 (a1's MAC) */
static void groups_local(void)
{
	struct nl_flood_member a[2] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1),
				       member(W.ifindex_a5, W.slot_a5, W_MAC_5)};
	struct nl_flood_member b[1] = {member(W.ifindex_b1, W.slot_b1, W_MAC_1)};

	group_set(W_TENANT_A, 1, a, 2, NULL, 0);
	group_set(W_TENANT_B, 1, b, 1, NULL, 0);
}

/* an IPv4/UDP broadcast from a1 carrying MARK */
static void a1_broadcast(struct pkt *p, const uint8_t dst[6], uint32_t dip)
{
	memset(p, 0, sizeof(*p));
	pkt_eth(p, dst, W_MAC_1, 0x0800);
	pkt_ipv4(p, W_IP_1, dip, 17, 64, 8 + sizeof(MARK) + 8);
	pkt_udp(p, 5353, 5353, sizeof(MARK) + 8);
	pkt_bytes(p, MARK, sizeof(MARK));
	pkt_fill(p, 0x42, 8);
}

static void expect_none(int i)
{
	struct seen s;

	cap_read(i, &s);
	cr_assert_eq(s.n, 0, "%d frame(s) on %s", s.n, cap_names[i]);
}

static void expect_exact(int i, const struct pkt *want)
{
	struct seen s;

	cap_read(i, &s);
	cr_assert_eq(s.n, 1, "%d frame(s) on %s, want 1", s.n, cap_names[i]);
	cr_assert_eq(s.len[0], want->len, "length on %s: %u", cap_names[i], s.len[0]);
	cr_assert_arr_eq(s.f[0], want->b, want->len, "%s got:\n%s", cap_names[i],
			 hex(s.f[0], s.len[0]));
}

/* a1's broadcast reaches a5 (same tenant, same MAC space) unchanged, and nothing else */
Test(flood, tx_local_copy, .init = setup_ip, .fini = flood_teardown)
{
	struct pkt in;
	struct run r;

	groups_local();
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT, "the original is consumed: %u", r.retval);
	expect_exact(CAP_A5, &in);
	expect_none(CAP_A1); /* never back to the sender */
	expect_none(CAP_B1); /* tenant B, same MAC as a1: nothing */
	expect_none(CAP_L2); /* tenant A, MAC space 3: nothing */
	expect_none(CAP_FABRIC);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LOCAL), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_FLOOD_LOCAL, NL_C_MAX));
	cr_assert_eq(vif_stats(W.slot_a1).tx_packets, 1);
	cr_assert_eq(vif_stats(W.slot_a5).rx_packets, 1);
}

/* multicast too; tenant B's b1 sending with a1's MAC and IP reaches only its own space */
Test(flood, tx_other_tenant_gets_nothing, .init = setup_ip, .fini = flood_teardown)
{
	struct nl_flood_member b[2] = {member(W.ifindex_b1, W.slot_b1, W_MAC_1),
				       member(W.ifindex_l2, W.slot_l2, W_MAC_4)};
	struct pkt in;
	struct run r;

	groups_local();
	/* pretend l2 were tenant B's too: b1's flood must go there, not to a1/a5 */
	group_set(W_TENANT_B, 1, b, 2, NULL, 0);
	a1_broadcast(&in, MCAST, W_IP(239, 1, 2, 3));
	run_tc(&r, W.ifindex_b1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	expect_exact(CAP_L2, &in);
	expect_none(CAP_A1);
	expect_none(CAP_A5);
	expect_none(CAP_B1);
	expect_none(CAP_FABRIC);
}

/* alone in its MAC space: counted, nobody gets it */
Test(flood, tx_no_member, .init = setup_ip, .fini = flood_teardown)
{
	struct nl_flood_member a[1] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1)};
	struct pkt in;
	struct run r;

	group_set(W_TENANT_A, 1, a, 1, NULL, 0);
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_BCAST), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_BCAST, NL_C_MAX));
	expect_none(CAP_A1);
	expect_none(CAP_FABRIC);
}

/* anti-spoofing comes first: a forged source IPv4 floods nowhere */
Test(flood, tx_spoofed_source_not_flooded, .init = setup_ip, .fini = flood_teardown)
{
	struct pkt in;
	struct run r;

	groups_local();
	memset(&in, 0, sizeof(in));
	pkt_eth(&in, BCAST, W_MAC_1, 0x0800);
	pkt_ipv4(&in, W_IP_5, W_IP(192, 168, 1, 255), 17, 64, 8 + sizeof(MARK));
	pkt_udp(&in, 1, 2, sizeof(MARK));
	pkt_bytes(&in, MARK, sizeof(MARK));
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_SPOOF_IP), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_SPOOF_IP, NL_C_MAX));
	expect_none(CAP_A5);
}

/*
 * One remote copy @f (@len bytes, VLAN tag in place) of the VM frame @in,
 * checked byte for byte: outer Ethernet (the destination's edge switch, or
 * the same-switch rule: S1 is ours, then this server is the source,
 * [0047]), the path VLAN of that switch (S2: 10 or 11 by flow; S3: 20;
 * S1: untagged), the outer IPv4 header built here independently (10.p.T of
 * the destination port), UDP in udp mode, the inner frame unchanged.
 * Returns the port; *@sw is 1, 2 or 3.
 */
static int check_copy(const uint8_t *f, uint32_t len, const struct pkt *in, int mode, int *sw)
{
	static const uint8_t S3[6] = {0x02, 0x4e, 0x4c, 0x00, 0x00, 0x03};
	uint32_t l4 = mode == NL_ENCAP_UDP ? 8 : 0, off, vlan = 0;
	uint8_t ip[20] = {0x45, 0};
	uint8_t port;

	cr_assert_geq(len, 14 + 20 + l4 + in->len, "copy length %u", len);
	*sw = !memcmp(f, W_S1, 6) ? 1 : !memcmp(f, W_S2, 6) ? 2 : !memcmp(f, S3, 6) ? 3 : 0;
	cr_assert(*sw, "outer destination:\n%s", hex(f, 32));
	/* source: our switch towards another, this server on our own switch ([0047]) */
	cr_assert_arr_eq(f + 6, *sw == 1 ? W_SERVER_MAC : W_S1, 6);
	off = *sw == 1 ? 14 : 18;
	if (*sw != 1) {
		cr_assert_eq(rd16(f + 12), 0x8100);
		vlan = rd16(f + 14) & 0xfff;
		if (*sw == 2)
			cr_assert(vlan == W_VLANS_S2_0 || vlan == W_VLANS_S2_1, "vlan %u", vlan);
		else
			cr_assert_eq(vlan, 20, "vlan %u", vlan);
	}
	cr_assert_eq(rd16(f + off - 2), 0x0800);
	port = f[off + 17];
	ip[2] = (20 + l4 + in->len) >> 8;
	ip[3] = (20 + l4 + in->len) & 0xff;
	ip[4] = vlan >> 8;
	ip[5] = vlan & 0xff;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = mode == NL_ENCAP_UDP ? 17 : NL_IPPROTO_ETHERNET;
	ip[12] = 10, ip[13] = 1, ip[14] = W_TENANT_A >> 8, ip[15] = W_TENANT_A & 0xff;
	ip[16] = 10, ip[17] = port, ip[18] = W_TENANT_A >> 8, ip[19] = W_TENANT_A & 0xff;
	{
		uint16_t c = inet_csum(ip, 20);

		ip[10] = c >> 8;
		ip[11] = c & 0xff;
	}
	cr_assert_arr_eq(f + off, ip, 20, "outer IPv4:\n%s\nwant\n%s", hex(f + off, 20),
			 hex(ip, 20));
	if (mode == NL_ENCAP_UDP) {
		cr_assert_eq(rd16(f + off + 22), NL_UDP_PORT);
		cr_assert_eq(rd16(f + off + 24), 8 + in->len);
		cr_assert_geq(rd16(f + off + 20), NL_UDP_SPORT_MIN);
	}
	cr_assert_eq(len, off + 20 + l4 + in->len, "copy length %u", len);
	cr_assert_arr_eq(f + off + 20 + l4, in->b, in->len, "inner frame changed");
	return port;
}

/*
 * Remote members: a2's server (S2 port 7, VLANs 10/11) and a4's (S1
 * port 5, untagged, same switch): one encapsulated copy each, outer
 * headers as for unicast to that server; a5 gets its local copy.
 */
static void check_remote_copies(int mode)
{
	struct nl_flood_member a[2] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1),
				       member(W.ifindex_a5, W.slot_a5, W_MAC_5)};
	struct nl_flood_remote rem[2] = {{.switch_idx = world_switch(W_S2), .port = 7},
					 {.switch_idx = world_switch(W_S1), .port = 5}};
	struct pkt in;
	struct seen s;
	struct run r;
	bool seen_s2 = false, seen_s1 = false;

	group_set(W_TENANT_A, 1, a, 2, rem, 2);
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	expect_exact(CAP_A5, &in);
	cap_read(CAP_FABRIC, &s);
	cr_assert_eq(s.n, 2, "%d copies on the fabric", s.n);
	for (int i = 0; i < s.n; i++) {
		int sw, port = check_copy(s.f[i], s.len[i], &in, mode, &sw);

		cr_assert(sw != 3);
		cr_assert_eq(port, sw == 2 ? 7 : 5);
		seen_s2 |= sw == 2;
		seen_s1 |= sw == 1;
	}
	cr_assert(seen_s1 && seen_s2, "one copy to each remote server");
	expect_none(CAP_A1);
	expect_none(CAP_B1);
	expect_none(CAP_L2);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LOCAL), 1);
	cr_assert_eq(counter(NL_C_TX_FLOOD_REMOTE), 2);
	cr_assert_eq(counter(NL_C_TX_FLOOD_FAILED), 0);
	cr_assert_eq(vif_stats(W.slot_a1).tx_packets, 1);
}

Test(flood, tx_remote_copies_ip, .init = setup_ip, .fini = flood_teardown)
{
	check_remote_copies(NL_ENCAP_IP);
}

Test(flood, tx_remote_copies_udp, .init = setup_udp, .fini = flood_teardown)
{
	check_remote_copies(NL_ENCAP_UDP);
}

/* a MAC space beyond the server bound: the copies that fit go, the rest is counted */
Test(flood, tx_truncated_counted, .init = setup_ip, .fini = flood_teardown)
{
	struct nl_flood_key k = {.tenant = W_TENANT_A, .mac_as = 1};
	struct nl_flood_member a[1] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1)};
	struct nl_flood_remote rem[1] = {{.switch_idx = world_switch(W_S2), .port = 7}};
	static struct nl_flood_group g;
	struct pkt in;
	struct run r;
	struct seen s;

	group_set(W_TENANT_A, 1, a, 1, rem, 1);
	cr_assert_eq(bpf_map_lookup_elem(fd_map("nl_flood_groups"), &k, &g), 0);
	g.flags |= NL_FLOOD_F_TRUNCATED;
	cr_assert_eq(bpf_map_update_elem(fd_map("nl_flood_groups"), &k, &g, BPF_ANY), 0);
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cap_read(CAP_FABRIC, &s);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(counter(NL_C_TX_FLOOD_TRUNC), 1);
}

/* ---- MAC spaces on more than NL_FLOOD_CHUNK servers: the group's chunk entries -------- */

static const uint8_t W_S3[6] = {0x02, 0x4e, 0x4c, 0x00, 0x00, 0x03};

/*
 * @n remote servers (n <= 600): S3 ports 1..250 (VLAN 20), S2 ports
 * 1..250, S1 ports 1..100, in that order, into @rem
 */
static void many_servers(struct nl_flood_remote *rem, int n)
{
	static const __u16 s3_vlans[] = {20};
	int s1 = world_switch(W_S1), s2 = world_switch(W_S2), s3;

	cr_assert_eq(world_vlans_set(W_S3, 1, s3_vlans), 0, "a third switch");
	s3 = world_switch(W_S3);
	cr_assert_leq(n, 600);
	for (int i = 0; i < n; i++) {
		rem[i].switch_idx = i < 250 ? s3 : i < 500 ? s2 : s1;
		rem[i].port = 1 + i % 250;
	}
}

/* the group and its chunks as user/agent/flood.c writes them: chunks first */
static void group_set_chunked(uint32_t tenant, uint16_t mac_as, const struct nl_flood_member *local,
			      int n_local, const struct nl_flood_remote *remote, int n_remote)
{
	static struct nl_flood_group g;

	for (int c = 1; c * NL_FLOOD_CHUNK < n_remote; c++) {
		struct nl_flood_key k = {.tenant = tenant, .mac_as = mac_as, .chunk = c};
		int m = n_remote - c * NL_FLOOD_CHUNK;

		memset(&g, 0, sizeof(g));
		g.n_remote = m < NL_FLOOD_CHUNK ? m : NL_FLOOD_CHUNK;
		memcpy(g.remote, remote + c * NL_FLOOD_CHUNK, g.n_remote * sizeof(*remote));
		cr_assert_eq(bpf_map_update_elem(fd_map("nl_flood_groups"), &k, &g, BPF_ANY), 0);
	}
	group_set(tenant, mac_as, local, n_local, remote,
		  n_remote < NL_FLOOD_CHUNK ? n_remote : NL_FLOOD_CHUNK);
	{
		struct nl_flood_key k = {.tenant = tenant, .mac_as = mac_as};

		cr_assert_eq(bpf_map_lookup_elem(fd_map("nl_flood_groups"), &k, &g), 0);
		g.n_remote = n_remote;
		cr_assert_eq(bpf_map_update_elem(fd_map("nl_flood_groups"), &k, &g, BPF_ANY), 0);
	}
}

/*
 * Every copy on the fabric checked byte for byte (check_copy()); returns
 * how many arrived, and in @got[sw][port] how many each server got.
 */
static int read_copies(const struct pkt *in, int mode, uint16_t got[4][256])
{
	struct pollfd p = {.fd = cap_fd[CAP_FABRIC], .events = POLLIN};
	static uint8_t buf[2048], f[2048];
	int n = 0;

	memset(got, 0, 4 * 256 * sizeof(got[0][0]));
	while (poll(&p, 1, 300) == 1) {
		uint8_t cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct sockaddr_ll from;
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr mh = {.msg_name = &from,
				    .msg_namelen = sizeof(from),
				    .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		struct tpacket_auxdata *aux = NULL;
		ssize_t len = recvmsg(cap_fd[CAP_FABRIC], &mh, 0);
		uint32_t flen = (uint32_t)len;
		int sw, port;

		if (len < 0)
			break;
		if (from.sll_pkttype == PACKET_OUTGOING || !memmem(buf, len, MARK, sizeof(MARK)))
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
				aux = (void *)CMSG_DATA(c);
		if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
			memcpy(f, buf, 12);
			f[12] = 0x81;
			f[13] = 0x00;
			f[14] = aux->tp_vlan_tci >> 8;
			f[15] = aux->tp_vlan_tci & 0xff;
			memcpy(f + 16, buf + 12, len - 12);
			flen += 4;
		} else {
			memcpy(f, buf, len);
		}
		port = check_copy(f, flen, in, mode, &sw);
		got[sw][port]++;
		n++;
	}
	return n;
}

/* the socket on the fabric holds every copy of a flood to hundreds of servers */
static void fabric_rcvbuf(void)
{
	int big = 64 << 20;

	cr_assert_eq(setsockopt(cap_fd[CAP_FABRIC], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)),
		     0, "SO_RCVBUFFORCE: %s", strerror(errno));
}

/* 600 member servers in three entries: each gets exactly one copy, byte for byte */
static void check_many(int mode)
{
	static struct nl_flood_remote rem[600];
	struct nl_flood_member a[2] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1),
				       member(W.ifindex_a5, W.slot_a5, W_MAC_5)};
	static uint16_t got[4][256];
	struct pkt in;
	struct run r;

	fabric_rcvbuf();
	many_servers(rem, 600);
	group_set_chunked(W_TENANT_A, 1, a, 2, rem, 600);
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	expect_exact(CAP_A5, &in);
	cr_assert_eq(read_copies(&in, mode, got), 600, "copies on the fabric");
	for (int p = 1; p <= 250; p++) {
		cr_assert_eq(got[3][p], 1, "S3 port %d: %u copies", p, got[3][p]);
		cr_assert_eq(got[2][p], 1, "S2 port %d: %u copies", p, got[2][p]);
		cr_assert_eq(got[1][p], p <= 100, "S1 port %d: %u copies", p, got[1][p]);
	}
	cr_assert_eq(counter(NL_C_TX_FLOOD_REMOTE), 600);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LOCAL), 1);
	cr_assert_eq(counter(NL_C_TX_FLOOD_FAILED), 0);
	cr_assert_eq(counter(NL_C_TX_FLOOD_TRUNC), 0, "nothing cut");
	cr_assert_eq(vif_stats(W.slot_a1).tx_packets, 1);
	expect_none(CAP_B1);
	expect_none(CAP_L2);
}

Test(flood, tx_600_servers_ip, .init = setup_ip, .fini = flood_teardown)
{
	check_many(NL_ENCAP_IP);
}

Test(flood, tx_600_servers_udp, .init = setup_udp, .fini = flood_teardown)
{
	check_many(NL_ENCAP_UDP);
}

/* a chunk the agent has not written (yet): the servers before it get theirs, counted */
Test(flood, tx_missing_chunk_counted, .init = setup_ip, .fini = flood_teardown)
{
	static struct nl_flood_remote rem[600];
	struct nl_flood_member a[1] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1)};
	struct nl_flood_key k2 = {.tenant = W_TENANT_A, .mac_as = 1, .chunk = 2};
	static uint16_t got[4][256];
	struct pkt in;
	struct run r;

	fabric_rcvbuf();
	many_servers(rem, 600);
	group_set_chunked(W_TENANT_A, 1, a, 1, rem, 600);
	cr_assert_eq(bpf_map_delete_elem(fd_map("nl_flood_groups"), &k2), 0);
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(read_copies(&in, NL_ENCAP_IP, got), 512, "copies on the fabric");
	for (int p = 1; p <= 250; p++) {
		cr_assert_eq(got[3][p], 1, "S3 port %d", p);
		cr_assert_eq(got[2][p], 1, "S2 port %d", p);
		cr_assert_eq(got[1][p], p <= 12, "S1 port %d", p);
	}
	cr_assert_eq(counter(NL_C_TX_FLOOD_REMOTE), 512);
	cr_assert_eq(counter(NL_C_TX_FLOOD_TRUNC), 1);
}

/*
 * A group counting more than NL_FLOOD_MAX_SERVERS, every chunk entry there,
 * even one past the bound: two real servers per entry (the other slots name
 * no switch: counted VLAN misses), none from the entry past the bound; the
 * frame is counted as cut.
 */
Test(flood, tx_past_the_bound_counted, .init = setup_ip, .fini = flood_teardown)
{
	struct nl_flood_member a[1] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1)};
	static struct nl_flood_remote rem[2];
	static struct nl_flood_group g;
	struct pkt in;
	struct run r;

	fabric_rcvbuf();
	many_servers(rem, 2);
	for (int c = 0; c <= NL_FLOOD_MAX_CHUNKS; c++) {
		struct nl_flood_key k = {.tenant = W_TENANT_A, .mac_as = 1, .chunk = c};

		memset(&g, 0, sizeof(g));
		if (!c) {
			g.n_local = 1;
			g.local[0] = a[0];
		}
		g.n_remote = c ? NL_FLOOD_CHUNK : NL_FLOOD_MAX_SERVERS + 1;
		memcpy(g.remote, rem, sizeof(rem));
		cr_assert_eq(bpf_map_update_elem(fd_map("nl_flood_groups"), &k, &g, BPF_ANY), 0);
	}
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_FLOOD_REMOTE), 2 * NL_FLOOD_MAX_CHUNKS, "not past the bound");
	cr_assert_eq(counter(NL_C_TX_FLOOD_TRUNC), 1);
	cr_assert_eq(counter(NL_C_TX_FLOOD_FAILED), 0);
}

static void rate4(struct nl_config *cfg)
{
	cfg->flood_per_s = 1;
	cfg->flood_burst = 4;
}

/*
 * The token bucket charges a frame one token per started NL_FLOOD_CHUNK
 * servers: with a burst of 4, two floods to 257 servers go, the third is
 * limited; a flood to the local member only still costs one token.
 */
Test(flood, tx_rate_limit_by_copies, .init = setup_ip, .fini = flood_teardown)
{
	static struct nl_flood_remote rem[257];
	struct nl_flood_member a[2] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1),
				       member(W.ifindex_a5, W.slot_a5, W_MAC_5)};
	struct pkt in;
	struct run r;

	fabric_rcvbuf();
	cfg_update(rate4);
	many_servers(rem, 257);
	group_set_chunked(W_TENANT_A, 1, a, 2, rem, 257);
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	for (int i = 0; i < 3; i++)
		run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LIMITED), 1);
	cr_assert_eq(counter(NL_C_TX_FLOOD_REMOTE), 2 * 257);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LOCAL), 2);
	/* a5's group has only local members here: its frames cost one token each */
	group_set(W_TENANT_A, 1, a, 2, NULL, 0);
	memset(&in, 0, sizeof(in));
	pkt_eth(&in, BCAST, W_MAC_5, 0x0800);
	pkt_ipv4(&in, W_IP_5, W_IP(192, 168, 1, 255), 17, 64, 8 + sizeof(MARK));
	pkt_udp(&in, 1, 2, sizeof(MARK));
	pkt_bytes(&in, MARK, sizeof(MARK));
	for (int i = 0; i < 5; i++)
		run_tc(&r, W.ifindex_a5, in.b, in.len);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LOCAL), 2 + 4, "a5: burst 4 of one-token frames");
	cr_assert_eq(counter(NL_C_TX_FLOOD_LIMITED), 2);
}

static void rate(struct nl_config *cfg)
{
	cfg->flood_per_s = 1;
	cfg->flood_burst = 3;
}

/* the token bucket: a burst of 3 goes, then each frame is a counted drop */
Test(flood, tx_rate_limit, .init = setup_ip, .fini = flood_teardown)
{
	struct pkt in;
	struct run r;
	struct seen s;

	groups_local();
	cfg_update(rate);
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	for (int i = 0; i < 6; i++) {
		run_tc(&r, W.ifindex_a1, in.b, in.len);
		cr_assert_eq(r.retval, TC_ACT_SHOT);
	}
	cap_read(CAP_A5, &s);
	cr_assert_eq(s.n, 3, "%d copies: the burst is 3", s.n);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LOCAL), 3);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LIMITED), 3);
	/* the bucket is per VIF: a5 still floods */
	memset(&in, 0, sizeof(in));
	pkt_eth(&in, BCAST, W_MAC_5, 0x0800);
	pkt_ipv4(&in, W_IP_5, W_IP(192, 168, 1, 255), 17, 64, 8 + sizeof(MARK));
	pkt_udp(&in, 1, 2, sizeof(MARK));
	pkt_bytes(&in, MARK, sizeof(MARK));
	run_tc(&r, W.ifindex_a5, in.b, in.len);
	cap_read(CAP_A1, &s);
	cr_assert_eq(s.n, 1, "a5's own budget");
	cr_assert_eq(counter(NL_C_TX_FLOOD_LIMITED), 3);
}

/* an inner group frame from a2 (tenant A, MAC space 1, remote) as it arrives */
static void from_a2(struct pkt *in, int mode, uint32_t tenant, uint16_t mac_as,
		    const uint8_t src[6], struct pkt *inner)
{
	memset(inner, 0, sizeof(*inner));
	memset(in, 0, sizeof(*in));
	pkt_eth(inner, BCAST, src, 0x0800);
	pkt_ipv4(inner, W_IP_2, W_IP(192, 168, 1, 255), 17, 64, 8 + sizeof(MARK) + 8);
	pkt_udp(inner, 67, 68, sizeof(MARK) + 8);
	pkt_bytes(inner, MARK, sizeof(MARK));
	pkt_fill(inner, 0x17, 8);
	pkt_netlord(in, mode, tenant, mac_as, W_PORT, inner);
}

/* receive: both local members of tenant A's MAC space 1, decapsulated, nobody else */
Test(flood, rx_delivered_to_members, .init = setup_udp, .fini = flood_teardown)
{
	struct pkt in, inner;
	struct run r;

	groups_local();
	from_a2(&in, NL_ENCAP_UDP, W_TENANT_A, 1, W_MAC_2, &inner);
	run_rx_tc(&r, in.b, in.len, 0);
	cr_assert_eq(r.retval, TC_ACT_SHOT, "consumed: %u", r.retval);
	expect_exact(CAP_A1, &inner);
	expect_exact(CAP_A5, &inner);
	expect_none(CAP_B1);
	expect_none(CAP_L2);
	expect_none(CAP_FABRIC);
	cr_assert_eq(counter(NL_C_RX_FLOOD), 2);
	cr_assert(counters_all_zero_except(NL_C_RX_FLOOD, NL_C_MAX));
	cr_assert_eq(vif_stats(W.slot_a5).rx_packets, 1);
}

/* never back to the VIF whose MAC sent it */
Test(flood, rx_origin_excluded, .init = setup_ip, .fini = flood_teardown)
{
	struct pkt in, inner;
	struct run r;

	groups_local();
	from_a2(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_MAC_5, &inner);
	run_rx_tc(&r, in.b, in.len, 0);
	expect_exact(CAP_A1, &inner);
	expect_none(CAP_A5);
	cr_assert_eq(counter(NL_C_RX_FLOOD), 1);
}

/* tenant B's broadcast (same MACs and IPs as tenant A's): only b1 */
Test(flood, rx_other_tenant, .init = setup_ip, .fini = flood_teardown)
{
	struct pkt in, inner;
	struct run r;

	groups_local();
	from_a2(&in, NL_ENCAP_IP, W_TENANT_B, 1, W_MAC_2, &inner);
	run_rx_tc(&r, in.b, in.len, 0);
	expect_exact(CAP_B1, &inner);
	expect_none(CAP_A1);
	expect_none(CAP_A5);
	expect_none(CAP_L2);
	cr_assert_eq(counter(NL_C_RX_FLOOD), 1);
}

/* a MAC space with no VIF here (tenant A, MAC space 2): counted, nothing delivered */
Test(flood, rx_no_member, .init = setup_ip, .fini = flood_teardown)
{
	struct pkt in, inner;
	struct run r;

	groups_local();
	from_a2(&in, NL_ENCAP_IP, W_TENANT_A, 2, W_MAC_2, &inner);
	run_rx_tc(&r, in.b, in.len, 0);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_RX_INNER_BCAST), 1);
	cr_assert(counters_all_zero_except(NL_C_RX_INNER_BCAST, NL_C_MAX));
	cr_assert_eq(events_drain(NULL, 0), 0, "no NOT-HERE for a group address");
	for (int i = 0; i < CAP_N; i++)
		expect_none(i);
}

/* XDP cannot clone: it leaves the frame, still encapsulated, marked for tc */
Test(flood, rx_xdp_hands_to_tc, .init = setup_ip, .fini = flood_teardown)
{
	struct pkt in, inner;
	struct run r;
	uint32_t magic;

	groups_local();
	from_a2(&in, NL_ENCAP_IP, W_TENANT_A, 1, W_MAC_2, &inner);
	run_xdp(&r, in.b, in.len);
	cr_assert_eq(r.retval, XDP_PASS);
	cr_assert_eq(r.meta_len, sizeof(struct nl_xdp_meta));
	memcpy(&magic, r.meta, 4);
	cr_assert_eq(magic, 0x4e4c4d46, "flood mark");
	cr_assert_eq(r.out_len, in.len);
	cr_assert_arr_eq(r.out, in.b, in.len, "not decapsulated in XDP");
	cr_assert(counters_all_zero_except(NL_C_MAX, NL_C_MAX));
}

/* `na-loader trace` marks its frame: the copies are counted, none is sent */
Test(flood, trace_mark_sends_nothing, .init = setup_ip, .fini = flood_teardown)
{
	struct nl_flood_member a[2] = {member(W.ifindex_a1, W.slot_a1, W_MAC_1),
				       member(W.ifindex_a5, W.slot_a5, W_MAC_5)};
	struct nl_flood_remote rem[1] = {{.switch_idx = world_switch(W_S2), .port = 7}};
	struct __sk_buff skb = {.ifindex = W.ifindex_a1, .mark = NL_TRACE_MARK};
	static uint8_t out[4096];
	struct pkt in;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_out = out, .data_size_out = sizeof(out),
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb), .repeat = 1);

	group_set(W_TENANT_A, 1, a, 2, rem, 1);
	a1_broadcast(&in, BCAST, W_IP(192, 168, 1, 255));
	o.data_in = in.b;
	o.data_size_in = in.len;
	cr_assert_eq(bpf_prog_test_run_opts(fd_vif_prog(), &o), 0);
	cr_assert_eq(o.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_FLOOD_LOCAL), 1);
	cr_assert_eq(counter(NL_C_TX_FLOOD_REMOTE), 1);
	for (int i = 0; i < CAP_N; i++)
		expect_none(i);
}

/* IEEE 802.1D link-local group addresses (LLDP here) are never forwarded */
Test(flood, tx_link_local_reserved_dropped, .init = setup_ip, .fini = flood_teardown)
{
	static const uint8_t LLDP[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	struct pkt in;
	struct run r;

	groups_local();
	memset(&in, 0, sizeof(in));
	pkt_eth(&in, LLDP, W_MAC_1, 0x88cc);
	pkt_bytes(&in, MARK, sizeof(MARK));
	pkt_fill(&in, 0, 40);
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	cr_assert_eq(r.retval, TC_ACT_SHOT);
	cr_assert_eq(counter(NL_C_TX_L2_RESERVED), 1);
	cr_assert(counters_all_zero_except(NL_C_TX_L2_RESERVED, NL_C_MAX));
	expect_none(CAP_A5);
	/* 01:80:c2:00:00:10 is not in the reserved block: flooded */
	in.b[5] = 0x10;
	run_tc(&r, W.ifindex_a1, in.b, in.len);
	expect_exact(CAP_A5, &in);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * NL-ARP framing, sending and receiving (nlarp_io.h).  Unicasts go out as
 * whole frames because the kernel has no route to other switches' server
 * addresses.  NL-ARP is only ever read from the uplink: a VM's frames go
 * through the VIF program, which never hands them to the host stack.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "drain.h"
#include "log.h"
#include "monitor.h"
#include "nlarp_io.h"
#include "tenant_filter.h"
#include "util.h"

const char *na_nlarp_op_name(int op)
{
	static const char *const n[] = {"?", "HERE", "WHERE", "NOT-HERE", "PROBE"};

	return op >= 1 && op <= 4 ? n[op] : "?";
}

/*
 * Unicast NL-ARP is read from the uplink with a packet socket, not through
 * the kernel's UDP stack: server addresses are only unique per edge switch,
 * so the NA on port p of another switch sends from our own address 10.p.0.1
 * and the kernel would drop its datagrams as martians.  The filter keeps
 * unfragmented IPv4/UDP to port NL_ARP_UDP_PORT.
 */
static int open_ucast(struct na_nlarp_io *io)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23), /* IP protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20), /* fragment offset */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14), /* IP header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),	 /* UDP destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NL_ARP_UDP_PORT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = io->up->ifindex};

	/* filter before bind: no unfiltered frame may queue up in between */
	io->ucast_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (io->ucast_fd < 0 ||
	    setsockopt(io->ucast_fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    bind(io->ucast_fd, (struct sockaddr *)&sll, sizeof(sll))) {
		int err = -errno;

		log_err("cannot open the NL-ARP unicast packet socket on %s: %s", io->up->ifname,
			strerror(-err));
		return err;
	}
	return 0;
}

int na_nlarp_open(struct na_nlarp_io *io)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(NL_ARP_ETHERTYPE),
				  .sll_ifindex = io->up->ifindex};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(NL_ARP_UDP_PORT)};
	const char *ifname = io->up->ifname;
	int one = 1, err;

	io->bcast_fd = io->ucast_fd = io->udp_fd = -1;
	/* microseconds: a restarted agent continues above the numbers it used before */
	nlarp_sealer_init(&io->sealer, nl_now_ms() * 1000);
	err = nlarp_replay_init(&io->replay,
				io->replay_senders ? io->replay_senders : NLARP_AUTH_DEFAULT_PEERS);
	if (err) {
		log_err("cannot allocate the NL-ARP replay table for %u senders: %s",
			io->replay_senders ? io->replay_senders : NLARP_AUTH_DEFAULT_PEERS,
			strerror(-err));
		return err;
	}
	io->st->nlarp_replay_capacity = nlarp_replay_capacity(&io->replay);
	log_info("NL-ARP replay table: %u senders (%.1f MiB)", nlarp_replay_capacity(&io->replay),
		 (double)nlarp_replay_capacity(&io->replay) * sizeof(struct nlarp_peer) /
			 (1 << 20));
	io->bcast_fd =
		socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(NL_ARP_ETHERTYPE));
	if (io->bcast_fd < 0 || bind(io->bcast_fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = -errno;
		log_err("cannot open the NL-ARP packet socket on %s: %s", ifname, strerror(-err));
		return err;
	}
	err = open_ucast(io);
	if (err)
		return err;
	io->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (io->udp_fd < 0) {
		err = -errno;
		log_err("cannot open the NL-ARP UDP socket: %s", strerror(-err));
		return err;
	}
	setsockopt(io->udp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(io->udp_fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) ||
	    bind(io->udp_fd, (struct sockaddr *)&sin, sizeof(sin))) {
		err = -errno;
		log_err("cannot bind UDP port %d on %s: %s (another agent running?)",
			NL_ARP_UDP_PORT, ifname, strerror(-err));
		return err;
	}
	return 0;
}

void na_nlarp_close(struct na_nlarp_io *io)
{
	int *fds[] = {&io->bcast_fd, &io->ucast_fd, &io->udp_fd};

	for (unsigned int i = 0; i < 3; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	nlarp_replay_free(&io->replay);
}

/* ---- sending -------------------------------------------------------------------------------- */

static int send_frame(struct na_nlarp_io *io, const void *frame, size_t len)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_ifindex = io->up->ifindex, .sll_halen = 6};

	memcpy(to.sll_addr, frame, 6);
	if (sendto(io->bcast_fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) !=
	    (ssize_t)len) {
		int err = errno ? -errno : -EIO;

		io->st->nlarp_tx_fail++;
		log_warn("NL-ARP send on %s failed: %s", io->up->ifname, strerror(-err));
		return err;
	}
	return 0;
}

static size_t put_eth(__u8 *f, const __u8 dst[6], const __u8 src[6], __u16 vlan, __u16 type)
{
	size_t off = 12;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vlan) {
		f[off++] = 0x81;
		f[off++] = 0x00;
		f[off++] = (__u8)(vlan >> 8 & 0x0f);
		f[off++] = (__u8)vlan;
	}
	f[off++] = (__u8)(type >> 8);
	f[off++] = (__u8)type;
	return off;
}

/* pads to the Ethernet minimum, sends and counts one NL-ARP frame */
static int send_message(struct na_nlarp_io *io, __u8 *f, size_t len, int op)
{
	int err;

	if (len < 60)
		len = 60; /* the buffers are zeroed: the padding is zeros */
	err = send_frame(io, f, len);
	if (err)
		return err;
	io->st->nlarp_tx[op < NA_NLARP_OPS ? op : 0]++;
	return 0;
}

int na_nlarp_broadcast(struct na_nlarp_io *io, const struct nlarp_fields *m)
{
	static const __u8 bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	__u8 f[256] = {};
	size_t off;
	enum nlarp_err e;
	int err;

	if (!io->loc->ready) {
		io->st->nlarp_not_ready++;
		return -EAGAIN;
	}
	off = put_eth(f, bcast, io->loc->switch_mac, io->broadcast_vlan, NL_ARP_ETHERTYPE);
	e = nlarp_seal(io->keys, &io->sealer, false, nl_now_ms(), m, io->loc->tenant_bits, f + off,
		       sizeof(f) - off);
	if (e != NLARP_E_OK) {
		log_err("refusing to send an invalid %s: %s", na_nlarp_op_name(m->op),
			nlarp_strerror(e));
		return -EINVAL;
	}
	err = send_message(io, f, off + NLARP_AUTH_MSG_LEN, m->op);
	if (!err)
		na_mon_nlarp(true, "broadcast", m, io->broadcast_vlan);
	return err;
}

int na_nlarp_unicast(struct na_nlarp_io *io, const __u8 peer_switch[6], __u16 peer_port,
		     const struct nlarp_fields *m)
{
	struct nl_vlan_set vs;

	if (!io->loc->ready) {
		io->st->nlarp_not_ready++;
		return -EAGAIN;
	}
	/* the first VLAN in force: failover keeps only answering paths there */
	if (nart_store_switch_vlans(io->tables, peer_switch, &vs)) {
		char mac[NL_MAC_STRLEN];

		io->st->nlarp_no_vlan++;
		nl_fmt_mac(peer_switch, mac);
		log_warn("no VLAN towards switch %s: cannot send %s (VLAN table loaded?)", mac,
			 na_nlarp_op_name(m->op));
		return -ENOENT;
	}
	return na_nlarp_unicast_vlan(io, peer_switch, peer_port, vs.vlans[0], m);
}

int na_nlarp_unicast_vlan(struct na_nlarp_io *io, const __u8 peer_switch[6], __u16 peer_port,
			  __u16 vlan, const struct nlarp_fields *m)
{
	__u8 f[256] = {}, *ip, *udp;
	__be32 daddr = nl_server_addr(io->loc->tenant_bits, peer_port);
	const __u8 *src;
	size_t off;
	__u16 tot;
	__u32 s;
	enum nlarp_err e;
	int err;

	if (!io->loc->ready) {
		io->st->nlarp_not_ready++;
		return -EAGAIN;
	}
	/* switches drop frames whose source and destination MAC are equal [0047] */
	src = memcmp(peer_switch, io->loc->switch_mac, 6) ? io->loc->switch_mac : io->up->mac;
	off = put_eth(f, peer_switch, src, vlan, ETH_P_IP);
	ip = f + off;
	udp = ip + 20;
	tot = 20 + 8 + NLARP_AUTH_MSG_LEN;
	ip[0] = 0x45;
	ip[2] = (__u8)(tot >> 8);
	ip[3] = (__u8)tot;
	ip[4] = (__u8)(vlan >> 8 & 0x0f); /* IP-ID carries the VLAN, like data */
	ip[5] = (__u8)vlan;
	ip[6] = 0x40; /* DF */
	ip[8] = NL_OUTER_TTL;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &io->loc->server_addr, 4);
	memcpy(ip + 16, &daddr, 4);
	s = nl_csum_fold(nl_csum_add(0, ip, 20));
	ip[10] = (__u8)(s >> 8);
	ip[11] = (__u8)s;
	udp[0] = NL_ARP_UDP_PORT >> 8;
	udp[1] = NL_ARP_UDP_PORT & 0xff;
	udp[2] = NL_ARP_UDP_PORT >> 8;
	udp[3] = NL_ARP_UDP_PORT & 0xff;
	udp[4] = (__u8)((8 + NLARP_AUTH_MSG_LEN) >> 8);
	udp[5] = (__u8)(8 + NLARP_AUTH_MSG_LEN);
	e = nlarp_seal(io->keys, &io->sealer, true, nl_now_ms(), m, io->loc->tenant_bits, udp + 8,
		       sizeof(f) - (size_t)(udp + 8 - f));
	if (e != NLARP_E_OK) {
		log_err("refusing to send an invalid %s: %s", na_nlarp_op_name(m->op),
			nlarp_strerror(e));
		return -EINVAL;
	}
	/* UDP checksum over the pseudo header */
	s = nl_csum_add(0, ip + 12, 8);
	s += IPPROTO_UDP + 8 + NLARP_AUTH_MSG_LEN;
	s = nl_csum_fold(nl_csum_add(s, udp, 8 + NLARP_AUTH_MSG_LEN));
	if (!s)
		s = 0xffff;
	udp[6] = (__u8)(s >> 8);
	udp[7] = (__u8)s;
	err = send_message(io, f, off + tot, m->op);
	if (!err)
		na_mon_nlarp(true, "unicast", m, vlan);
	return err;
}

static void handle_msg(struct na_nlarp_io *io, const void *buf, size_t len, bool unicast,
		       na_nlarp_rx_fn fn, void *ctx)
{
	const char *via = unicast ? "unicast" : "broadcast";
	struct nlarp_fields m;
	enum nlarp_err e;
	enum nlarp_auth_err a;

	/* other tenants' messages: dropped before they cost a MAC (tenant_filter.h) */
	if (io->filter && !na_tenant_filter_pass(io->filter, buf, len, io->loc->tenant_bits)) {
		io->st->nlarp_tenant_filtered++;
		return;
	}
	/* authentication first: a forged message costs no table work */
	a = nlarp_open(io->keys, &io->replay, unicast, nl_now_ms(), buf, len, io->loc->tenant_bits,
		       &m, &e);
	io->st->nlarp_replay_senders = io->replay.live;
	io->st->nlarp_replay_evicted = io->replay.evictions;
	if (a == NLARP_AUTH_E_BODY) {
		__u64 n = ++io->st->nlarp_err[e];

		if (n <= 10 || !(n & (n - 1)))
			log_warn("NL-ARP message via %s rejected (%llu so far): %s (%s)", via,
				 (unsigned long long)n, nlarp_strerror(e), nlarp_errname(e));
		na_mon_nlarp_rejected(via, nlarp_errname(e));
		return;
	}
	if (a != NLARP_AUTH_E_OK) {
		__u64 n = ++io->st->nlarp_auth_err[a];

		if (n <= 10 || !(n & (n - 1)))
			log_warn("NL-ARP message via %s dropped (%llu so far): %s (%s)", via,
				 (unsigned long long)n, nlarp_auth_strerror(a),
				 nlarp_auth_errname(a));
		na_mon_nlarp_rejected(via, nlarp_auth_errname(a));
		return;
	}
	if (!io->loc->ready) {
		io->st->nlarp_not_ready++;
		return;
	}
	if (!memcmp(m.sender_switch_mac, io->loc->switch_mac, 6) &&
	    m.sender_port == io->loc->port) {
		io->st->nlarp_own++;
		return;
	}
	io->st->nlarp_rx[m.op < NA_NLARP_OPS ? m.op : 0]++;
	if (m.version == NLARP_VERSION_V2)
		io->st->nlarp_rx_v2++; /* an agent without IPv6 support: decoded, no IPv6 */
	na_mon_nlarp(false, via, &m, 0);
	fn(ctx, &m);
}

void na_nlarp_read_bcast(struct na_nlarp_io *io, na_nlarp_rx_fn fn, void *ctx)
{
	__u8 frame[2048];
	ssize_t n;

	for (int budget = NA_DRAIN_BUDGET;
	     budget-- && (n = na_uplink_recv(io->up, io->bcast_fd, frame, sizeof(frame))) >= 0;) {
		size_t off = 14;

		if ((size_t)n > sizeof(frame) || n < 14) {
			io->st->nlarp_short++;
			continue;
		}
		/* a tag the kernel did not strip */
		if (frame[12] == 0x81 && frame[13] == 0x00)
			off = 18;
		if ((size_t)n < off || frame[off - 2] != (NL_ARP_ETHERTYPE >> 8) ||
		    frame[off - 1] != (NL_ARP_ETHERTYPE & 0xff)) {
			io->st->nlarp_short++;
			continue;
		}
		handle_msg(io, frame + off, (size_t)n - off, false, fn, ctx);
	}
}

void na_nlarp_read_ucast(struct na_nlarp_io *io, na_nlarp_rx_fn fn, void *ctx)
{
	__u8 frame[2048];
	ssize_t n;

	for (int budget = NA_DRAIN_BUDGET;
	     budget-- && (n = na_uplink_recv(io->up, io->ucast_fd, frame, sizeof(frame))) >= 0;) {
		const __u8 *ip = frame + 14, *udp;
		size_t ihl, tot;

		if ((size_t)n > sizeof(frame) || n < 14 + 20 + 8) {
			io->st->nlarp_short++;
			continue;
		}
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		tot = (size_t)ip[2] << 8 | ip[3];
		/* only what is addressed to this server, whole */
		if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || 14 + tot > (size_t)n ||
		    memcmp(ip + 16, &io->loc->server_addr, 4)) {
			io->st->nlarp_short++;
			continue;
		}
		udp = ip + ihl;
		if (((size_t)udp[4] << 8 | udp[5]) != tot - ihl) {
			io->st->nlarp_short++;
			continue;
		}
		handle_msg(io, udp + 8, tot - ihl - 8, true, fn, ctx);
	}
}

/*
 * The UDP socket only holds the port (no "port unreachable" answers, no
 * other program on it); what the kernel delivers there was already read
 * from the packet socket.
 */
void na_nlarp_read_udp(struct na_nlarp_io *io)
{
	__u8 buf[2048];

	for (int budget = NA_DRAIN_BUDGET;
	     budget-- && recv(io->udp_fd, buf, sizeof(buf), MSG_TRUNC) >= 0;)
		io->st->nlarp_udp_dup++;
}

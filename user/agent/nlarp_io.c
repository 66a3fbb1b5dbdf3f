// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * NL-ARP on the wire (docs/wire-format.md section 4) and what received
 * messages do to the NARTs.
 *
 *  - broadcasts: AF_PACKET on the uplink only, EtherType 0x88B5, sent to
 *    ff:ff:ff:ff:ff:ff from our edge switch MAC on the broadcast VLAN;
 *  - unicasts: received on a UDP socket (port 24144, bound to the uplink);
 *    sent as whole frames through AF_PACKET (outer Ethernet to the peer's
 *    edge switch, path VLAN, IPv4 + UDP to the peer's 10.q.0.1), because the
 *    kernel has no route to other switches' server addresses.
 *
 * NL-ARP is only ever read from the uplink: a VM's frames go through the
 * VIF program, which never hands them to the host stack.
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

#include "agent.h"

static const char *op_name(int op)
{
	static const char *n[] = {"?", "HERE", "WHERE", "NOT-HERE"};

	return op >= 1 && op <= 3 ? n[op] : "?";
}

/*
 * Unicast NL-ARP is read from the uplink with a packet socket, not through
 * the kernel's UDP stack: server addresses are only unique per edge switch,
 * so the NA on port p of another switch sends from our own address 10.p.0.1
 * and the kernel would drop its datagrams as martians.  The filter keeps
 * unfragmented IPv4/UDP to port NL_ARP_UDP_PORT.
 */
static int open_ucast(struct na_agent *a)
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
				  .sll_ifindex = a->ifindex};

	/* filter before bind: no unfiltered frame may queue up in between */
	a->ucast_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->ucast_fd < 0 ||
	    setsockopt(a->ucast_fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    bind(a->ucast_fd, (struct sockaddr *)&sll, sizeof(sll))) {
		log_err("cannot open the NL-ARP unicast packet socket on %s: %s", a->ifname,
			strerror(errno));
		return -1;
	}
	return 0;
}

int na_nlarp_open(struct na_agent *a)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(NL_ARP_ETHERTYPE),
				  .sll_ifindex = a->ifindex};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(NL_ARP_UDP_PORT)};
	int one = 1;

	a->bcast_fd =
		socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(NL_ARP_ETHERTYPE));
	if (a->bcast_fd < 0 || bind(a->bcast_fd, (struct sockaddr *)&sll, sizeof(sll))) {
		log_err("cannot open the NL-ARP packet socket on %s: %s", a->ifname,
			strerror(errno));
		return -1;
	}
	if (open_ucast(a))
		return -1;
	a->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->udp_fd < 0) {
		log_err("cannot open the NL-ARP UDP socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(a->udp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(a->udp_fd, SOL_SOCKET, SO_BINDTODEVICE, a->ifname, strlen(a->ifname) + 1) ||
	    bind(a->udp_fd, (struct sockaddr *)&sin, sizeof(sin))) {
		log_err("cannot bind UDP port %d on %s: %s (another agent running?)",
			NL_ARP_UDP_PORT, a->ifname, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- sending -------------------------------------------------------------------------------- */

static __u16 csum_fold(__u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

static __u32 csum_add(__u32 s, const void *p, size_t n)
{
	const __u8 *b = p;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (__u32)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (__u32)(b[n - 1] << 8);
	return s;
}

static int send_frame(struct na_agent *a, const void *frame, size_t len)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_ifindex = a->ifindex, .sll_halen = 6};

	memcpy(to.sll_addr, frame, 6);
	if (sendto(a->bcast_fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) !=
	    (ssize_t)len) {
		a->st.nlarp_tx_fail++;
		log_warn("NL-ARP send on %s failed: %s", a->ifname, strerror(errno));
		return -1;
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
static int send_message(struct na_agent *a, __u8 *f, size_t len, int op)
{
	if (len < 60)
		len = 60; /* the buffers are zeroed: the padding is zeros */
	if (send_frame(a, f, len))
		return -1;
	a->st.nlarp_tx[op < 5 ? op : 0]++;
	return 0;
}

int na_nlarp_broadcast(struct na_agent *a, const struct nlarp_fields *m)
{
	static const __u8 bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	__u8 f[128] = {};
	size_t off;
	enum nlarp_err e;

	if (!a->ready) {
		a->st.nlarp_not_ready++;
		return -1;
	}
	off = put_eth(f, bcast, a->switch_mac, a->broadcast_vlan, NL_ARP_ETHERTYPE);
	e = nlarp_encode(m, a->tenant_bits, f + off, sizeof(f) - off);
	if (e != NLARP_E_OK) {
		log_err("refusing to send an invalid %s: %s", op_name(m->op), nlarp_strerror(e));
		return -1;
	}
	return send_message(a, f, off + NLARP_MSG_LEN, m->op);
}

int na_nlarp_unicast(struct na_agent *a, const __u8 peer_switch[6], __u16 peer_port,
		     const struct nlarp_fields *m)
{
	struct nl_vlan_set vs;

	if (!a->ready) {
		a->st.nlarp_not_ready++;
		return -1;
	}
	/* the first VLAN in force: failover keeps only answering paths there */
	if (na_switch_vlans(a, peer_switch, &vs)) {
		char mac[18];

		a->st.nlarp_no_vlan++;
		na_fmt_mac(peer_switch, mac);
		log_warn("no VLAN towards switch %s: cannot send %s (VLAN table loaded?)", mac,
			 op_name(m->op));
		return -1;
	}
	return na_nlarp_unicast_vlan(a, peer_switch, peer_port, vs.vlans[0], m);
}

int na_nlarp_unicast_vlan(struct na_agent *a, const __u8 peer_switch[6], __u16 peer_port,
			  __u16 vlan, const struct nlarp_fields *m)
{
	__u8 f[160] = {}, *ip, *udp;
	__be32 daddr = na_server_addr_of(a->tenant_bits, peer_port);
	const __u8 *src;
	size_t off;
	__u16 tot;
	__u32 s;
	enum nlarp_err e;

	if (!a->ready) {
		a->st.nlarp_not_ready++;
		return -1;
	}
	/* switches drop frames whose source and destination MAC are equal [0047] */
	src = memcmp(peer_switch, a->switch_mac, 6) ? a->switch_mac : a->server_mac;
	off = put_eth(f, peer_switch, src, vlan, ETH_P_IP);
	ip = f + off;
	udp = ip + 20;
	tot = 20 + 8 + NLARP_MSG_LEN;
	ip[0] = 0x45;
	ip[2] = (__u8)(tot >> 8);
	ip[3] = (__u8)tot;
	ip[4] = (__u8)(vlan >> 8 & 0x0f); /* IP-ID carries the VLAN, like data */
	ip[5] = (__u8)vlan;
	ip[6] = 0x40; /* DF */
	ip[8] = NL_OUTER_TTL;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &a->server_addr, 4);
	memcpy(ip + 16, &daddr, 4);
	s = csum_fold(csum_add(0, ip, 20));
	ip[10] = (__u8)(s >> 8);
	ip[11] = (__u8)s;
	udp[0] = NL_ARP_UDP_PORT >> 8;
	udp[1] = NL_ARP_UDP_PORT & 0xff;
	udp[2] = NL_ARP_UDP_PORT >> 8;
	udp[3] = NL_ARP_UDP_PORT & 0xff;
	udp[4] = 0;
	udp[5] = 8 + NLARP_MSG_LEN;
	e = nlarp_encode(m, a->tenant_bits, udp + 8, sizeof(f) - (size_t)(udp + 8 - f));
	if (e != NLARP_E_OK) {
		log_err("refusing to send an invalid %s: %s", op_name(m->op), nlarp_strerror(e));
		return -1;
	}
	/* UDP checksum over the pseudo header */
	s = csum_add(0, ip + 12, 8);
	s += IPPROTO_UDP + 8 + NLARP_MSG_LEN;
	s = csum_fold(csum_add(s, udp, 8 + NLARP_MSG_LEN));
	if (!s)
		s = 0xffff;
	udp[6] = (__u8)(s >> 8);
	udp[7] = (__u8)s;
	return send_message(a, f, off + tot, m->op);
}

/* ---- local VIF announcements --------------------------------------------------------------- */

__u64 na_local_version(struct na_agent *a, const struct nl_vif_key *k)
{
	struct nart_entry e;

	if (na_nart2_get(a, k, &e) && !memcmp(e.loc.switch_mac, a->switch_mac, 6) &&
	    e.loc.port == a->port)
		return e.version;
	return 0;
}

void na_nlarp_here_fields(struct na_agent *a, const struct nl_vif *v, __u64 version,
			  struct nlarp_fields *m)
{
	memset(m, 0, sizeof(*m));
	m->version = NLARP_VERSION;
	m->op = NLARP_HERE;
	m->tenant = v->tenant;
	m->mac_as = v->mac_as;
	memcpy(m->mac, v->mac, 6);
	if (v->ip) {
		m->flags |= NLARP_F_HAS_IP;
		m->ip = v->ip;
	}
	memcpy(m->switch_mac, a->switch_mac, 6);
	m->port = a->port;
	m->loc_version = version;
	memcpy(m->sender_switch_mac, a->switch_mac, 6);
	m->sender_port = a->port;
}

/*
 * Stamp a new loc_version on a local VIF (newer than anything known for it),
 * record our own location in NART-1/NART-2 and broadcast HERE (or HERE+GONE).
 */
int na_announce_vif(struct na_agent *a, const struct nl_vif *v, bool gone)
{
	struct nl_vif_key k = {.tenant = v->tenant, .mac_as = v->mac_as};
	struct nart_entry cur;
	struct nart_loc here = {.port = a->port};
	struct nlarp_fields m;
	__u64 known = 0, ver;
	char mac[18];

	memcpy(k.mac, v->mac, 6);
	if (!a->ready)
		return 0; /* announced once LLDP gives us a location */
	if (na_nart2_get(a, &k, &cur))
		known = cur.version;
	ver = nart_next_version(known, nart_now_ms());
	if (gone) {
		na_nart2_del(a, &k);
	} else {
		memcpy(here.switch_mac, a->switch_mac, 6);
		na_nart2_put(a, &k, &here, ver);
	}
	na_nlarp_here_fields(a, v, ver, &m);
	if (gone)
		m.flags |= NLARP_F_GONE;
	na_fmt_mac(v->mac, mac);
	log_info("%s tenant %u mac_as %u %s version %llu", gone ? "HERE+GONE" : "HERE", v->tenant,
		 v->mac_as, mac, (unsigned long long)ver);
	return na_nlarp_broadcast(a, &m);
}

void na_announce_all(struct na_agent *a)
{
	__u32 key, *prev = NULL;
	struct nl_vif v;

	while (!bpf_map_get_next_key(a->maps.vifs, prev, &key)) {
		if (!bpf_map_lookup_elem(a->maps.vifs, &key, &v))
			na_announce_vif(a, &v, false);
		prev = &key;
	}
}

/* ---- receiving ---------------------------------------------------------------------------------
 */

static bool find_local_by_ip(struct na_agent *a, __u32 tenant, __be32 ip, struct nl_vif *out)
{
	__u32 key, *prev = NULL;

	while (!bpf_map_get_next_key(a->maps.vifs, prev, &key)) {
		if (!bpf_map_lookup_elem(a->maps.vifs, &key, out) && out->tenant == tenant &&
		    out->ip == ip)
			return true;
		prev = &key;
	}
	return false;
}

static bool find_local(struct na_agent *a, const struct nl_vif_key *k, struct nl_vif *out)
{
	struct nl_local_vif lv;
	__u32 idx;

	if (bpf_map_lookup_elem(a->maps.local_vifs, k, &lv))
		return false;
	idx = lv.ifindex;
	return !bpf_map_lookup_elem(a->maps.vifs, &idx, out);
}

static void handle_here(struct na_agent *a, const struct nlarp_fields *m)
{
	struct nl_vif_key k = {.tenant = m->tenant, .mac_as = m->mac_as};
	struct nart_loc nl = {.port = m->port};
	struct nart_entry ce;
	struct nart_decision d;
	bool have;
	char mac[18];

	/* any NA that announces a VIF can answer VLAN probes towards its switch */
	if (!(m->flags & NLARP_F_GONE))
		na_probe_peer(a, m->sender_switch_mac, m->sender_port);
	memcpy(k.mac, m->mac, 6);
	have = na_nart2_get(a, &k, &ce);
	d = nart_decide(have ? &ce : NULL, m);
	a->st.nart_reason[d.reason]++;
	na_fmt_mac(m->mac, mac);
	if (d.contradictory)
		log_warn("contradictory HERE for tenant %u %s: same version %llu, two locations "
			 "(%s)",
			 m->tenant, mac, (unsigned long long)m->loc_version,
			 nart_reason_name(d.reason));
	switch (d.action) {
	case NART_INSERT:
	case NART_UPDATE:
		memcpy(nl.switch_mac, m->switch_mac, 6);
		na_nart2_put(a, &k, &nl, m->loc_version); /* logs a failure (table full?) */
		if (find_local(a, &k, &(struct nl_vif){}))
			log_warn("tenant %u %s hosted here is announced at port %u with a newer "
				 "version: was it started elsewhere without `vif del` here?",
				 m->tenant, mac, m->port);
		break;
	case NART_DELETE:
		na_nart2_del(a, &k);
		break;
	default:
		break;
	}
	log_debug("HERE tenant %u mac_as %u %s at port %u v%llu: %s %s", m->tenant, m->mac_as, mac,
		  m->port, (unsigned long long)m->loc_version, nart_action_name(d.action),
		  nart_reason_name(d.reason));
	if (!(m->flags & NLARP_F_HAS_IP))
		return;
	{
		struct nl_nart1_key k1 = {.tenant = m->tenant, .ip = m->ip};
		struct nl_nart1_val v1 = {.mac_as = m->mac_as}, c1;

		memcpy(v1.mac, m->mac, 6);
		if (d.action == NART_DELETE) {
			if (na_nart1_get(a, &k1, &c1) && !memcmp(c1.mac, m->mac, 6) &&
			    c1.mac_as == m->mac_as)
				na_nart1_del(a, &k1);
		} else if (d.action == NART_INSERT || d.action == NART_UPDATE ||
			   d.reason == NART_R_DUPLICATE) {
			na_nart1_put(a, &k1, &v1); /* logs a failure (table full?) */
		}
	}
}

static void handle_where(struct na_agent *a, const struct nlarp_fields *m)
{
	struct nl_vif_key k = {.tenant = m->tenant, .mac_as = m->mac_as};
	struct nlarp_fields r;
	struct nl_vif v;
	bool found;

	memcpy(k.mac, m->mac, 6);
	if (m->flags & NLARP_F_BY_IP)
		found = find_local_by_ip(a, m->tenant, m->ip, &v);
	else
		found = find_local(a, &k, &v);
	if (!found)
		return;
	k.mac_as = v.mac_as;
	memcpy(k.mac, v.mac, 6);
	na_nlarp_here_fields(a, &v, na_local_version(a, &k), &r);
	if (!r.loc_version) {
		/* not announced yet (e.g. before LLDP): stamp it now */
		na_announce_vif(a, &v, false);
		r.loc_version = na_local_version(a, &k);
	}
	r.flags |= NLARP_F_REPLY;
	log_debug("WHERE from port %u answered for tenant %u", m->sender_port, m->tenant);
	na_nlarp_unicast(a, m->sender_switch_mac, m->sender_port, &r);
}

static void handle_not_here(struct na_agent *a, const struct nlarp_fields *m)
{
	struct nl_vif_key k = {.tenant = m->tenant, .mac_as = m->mac_as};
	struct nart_entry ce;
	struct nart_decision d;
	bool have;
	char mac[18];

	memcpy(k.mac, m->mac, 6);
	have = na_nart2_get(a, &k, &ce);
	d = nart_decide(have ? &ce : NULL, m);
	a->st.nart_reason[d.reason]++;
	na_fmt_mac(m->mac, mac);
	if (d.action != NART_DELETE) {
		log_debug("NOT-HERE for tenant %u %s from port %u ignored: %s", m->tenant, mac,
			  m->port, nart_reason_name(d.reason));
		return;
	}
	na_nart2_del(a, &k);
	log_info("NOT-HERE: tenant %u mac_as %u %s is not at port %u: entry deleted, asking "
		 "WHERE",
		 m->tenant, m->mac_as, mac, m->port);
	na_where_send(a, m->tenant, m->mac_as, m->mac, 0);
}

static void handle_msg(struct na_agent *a, const void *buf, size_t len, const char *via)
{
	struct nlarp_fields m;
	enum nlarp_err e = nlarp_decode(buf, len, a->tenant_bits, &m);

	if (e != NLARP_E_OK) {
		__u64 n = ++a->st.nlarp_err[e];

		if (n <= 10 || !(n & (n - 1)))
			log_warn("NL-ARP message via %s rejected (%llu so far): %s (%s)", via,
				 (unsigned long long)n, nlarp_strerror(e), nlarp_errname(e));
		return;
	}
	if (!a->ready) {
		a->st.nlarp_not_ready++;
		return;
	}
	if (!memcmp(m.sender_switch_mac, a->switch_mac, 6) && m.sender_port == a->port) {
		a->st.nlarp_own++;
		return;
	}
	a->st.nlarp_rx[m.op < 5 ? m.op : 0]++;
	switch (m.op) {
	case NLARP_HERE:
		handle_here(a, &m);
		break;
	case NLARP_WHERE:
		handle_where(a, &m);
		break;
	case NLARP_NOT_HERE:
		handle_not_here(a, &m);
		break;
	case NLARP_PROBE:
		na_probe_rx(a, &m);
		break;
	}
}

ssize_t na_uplink_recv(const struct na_agent *a, int fd, void *buf, size_t len)
{
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, len, MSG_TRUNC, (struct sockaddr *)&from, &fl);

		if (n < 0)
			return -1;
		if (from.sll_pkttype != PACKET_OUTGOING && from.sll_ifindex == a->ifindex)
			return n;
	}
}

void na_nlarp_bcast_readable(struct na_agent *a)
{
	__u8 frame[2048];
	ssize_t n;

	while ((n = na_uplink_recv(a, a->bcast_fd, frame, sizeof(frame))) >= 0) {
		size_t off = 14;

		if ((size_t)n > sizeof(frame) || n < 14) {
			a->st.nlarp_short++;
			continue;
		}
		/* a tag the kernel did not strip */
		if (frame[12] == 0x81 && frame[13] == 0x00)
			off = 18;
		if ((size_t)n < off || frame[off - 2] != (NL_ARP_ETHERTYPE >> 8) ||
		    frame[off - 1] != (NL_ARP_ETHERTYPE & 0xff)) {
			a->st.nlarp_short++;
			continue;
		}
		handle_msg(a, frame + off, (size_t)n - off, "broadcast");
	}
}

void na_nlarp_ucast_readable(struct na_agent *a)
{
	__u8 frame[2048];
	ssize_t n;

	while ((n = na_uplink_recv(a, a->ucast_fd, frame, sizeof(frame))) >= 0) {
		const __u8 *ip = frame + 14, *udp;
		size_t ihl, tot;

		if ((size_t)n > sizeof(frame) || n < 14 + 20 + 8) {
			a->st.nlarp_short++;
			continue;
		}
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		tot = (size_t)ip[2] << 8 | ip[3];
		/* only what is addressed to this server, whole */
		if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || 14 + tot > (size_t)n ||
		    memcmp(ip + 16, &a->server_addr, 4)) {
			a->st.nlarp_short++;
			continue;
		}
		udp = ip + ihl;
		if (((size_t)udp[4] << 8 | udp[5]) != tot - ihl) {
			a->st.nlarp_short++;
			continue;
		}
		handle_msg(a, udp + 8, tot - ihl - 8, "unicast");
	}
}

/*
 * The UDP socket only holds the port (no "port unreachable" answers, no
 * other program on it); what the kernel delivers there was already read
 * from the packet socket.
 */
void na_nlarp_udp_readable(struct na_agent *a)
{
	__u8 buf[2048];

	while (recv(a->udp_fd, buf, sizeof(buf), MSG_TRUNC) >= 0)
		a->st.nlarp_udp_dup++;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * LLDP bootstrap (location.h): an AF_PACKET socket on the uplink, bound to
 * ETH_P_LLDP.  The first valid LLDPDU gives the edge switch MAC (chassis
 * ID) and port p; the server address 10.p.0.1 then goes on the uplink.  A
 * later LLDPDU naming another switch or port (cable moved) moves it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "drain.h"
#include "location.h"
#include "log.h"
#include "util.h"

/*
 * The server address gets the prefix of the edge switch's route for our port
 * (10.p.0.0/16, or p.0.0.0/8 in the 24-bit scheme): the switch's ARP request
 * for 10.p.0.1 comes from an address on that link, and the connected route
 * lets the kernel answer it even with rp_filter on.
 */
static int rtnl_addr(int cmd, int ifindex, __be32 addr, int plen)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
		char attrs[64];
	} req = {};
	struct rtattr *rta;
	char buf[4096];
	int fd, err = 0;
	ssize_t n;

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	req.nh.nlmsg_type = (__u16)cmd;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (cmd == RTM_NEWADDR)
		req.nh.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	req.ifa.ifa_family = AF_INET;
	req.ifa.ifa_prefixlen = (__u8)plen;
	req.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	req.ifa.ifa_index = (__u32)ifindex;
	for (int i = 0; i < 2; i++) {
		rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
		rta->rta_type = i ? IFA_ADDRESS : IFA_LOCAL;
		rta->rta_len = RTA_LENGTH(4);
		memcpy(RTA_DATA(rta), &addr, 4);
		req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		err = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (unsigned int)n); h = NLMSG_NEXT(h, n))
		if (h->nlmsg_type == NLMSG_ERROR) {
			err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			break;
		}
out:
	close(fd);
	return err;
}

int na_server_addr_apply(const struct na_uplink *up, const struct na_location *loc, bool add)
{
	int plen = nl_server_prefix_len(loc->tenant_bits);
	char s[INET_ADDRSTRLEN];
	int err;

	inet_ntop(AF_INET, &loc->server_addr, s, sizeof(s));
	err = rtnl_addr(add ? RTM_NEWADDR : RTM_DELADDR, up->ifindex, loc->server_addr, plen);
	if (add && err == -EEXIST)
		err = 0;
	if (!add && err == -EADDRNOTAVAIL)
		err = 0;
	if (err)
		log_err("cannot %s server address %s/%d on %s: %s", add ? "add" : "remove", s, plen,
			up->ifname, strerror(-err));
	else
		log_info("server address %s/%d %s %s", s, plen, add ? "set on" : "removed from",
			 up->ifname);
	return err;
}

int na_lldp_open(const struct na_uplink *up)
{
	static const __u8 groups[3][6] = {{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e},
					  {0x01, 0x80, 0xc2, 0x00, 0x00, 0x03},
					  {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00}};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(LLDP_ETHERTYPE),
				  .sll_ifindex = up->ifindex};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(LLDP_ETHERTYPE));

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		int err = -errno;

		log_err("cannot open the LLDP socket on %s: %s", up->ifname, strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (int i = 0; i < 3; i++) {
		struct packet_mreq mr = {
			.mr_ifindex = up->ifindex, .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6};

		memcpy(mr.mr_address, groups[i], 6);
		setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	}
	return fd;
}

static void location_changed(const struct na_uplink *up, struct na_location *loc,
			     const struct lldp_info *li, struct na_stats *st)
{
	char mac[NL_MAC_STRLEN];

	nl_fmt_mac(li->chassis_mac, mac);
	if (loc->ready) {
		char old[NL_MAC_STRLEN];

		nl_fmt_mac(loc->switch_mac, old);
		log_warn("LLDP: location changed from %s port %u to %s port %u (cable moved?): "
			 "reconfiguring",
			 old, loc->port, mac, li->port);
		na_server_addr_apply(up, loc, false);
	} else {
		log_info("LLDP: edge switch %s, port %u", mac, li->port);
	}
	st->lldp_changes++;
	memcpy(loc->switch_mac, li->chassis_mac, 6);
	loc->port = li->port;
	loc->server_addr = nl_server_addr(loc->tenant_bits, loc->port);
	na_server_addr_apply(up, loc, true);
	loc->ready = true;
}

/* one frame: 1 if it moved us, 0 if not, -1 if rejected */
static int lldp_frame(const struct na_uplink *up, struct na_location *loc, struct na_stats *st,
		      const __u8 *frame, size_t n)
{
	struct lldp_info li;
	enum lldp_err e = lldp_parse(frame, n, &li);

	if (e != LLDP_E_OK) {
		st->lldp_err[e]++;
		log_warn("LLDP: frame rejected: %s (%s)", lldp_strerror(e), lldp_errname(e));
		return -1;
	}
	if (li.shutdown) {
		log_info("LLDP: shutdown LLDPDU from the switch (keeping the current location "
			 "until another switch/port is announced)");
		return 0;
	}
	if (!nl_port_valid(li.port, loc->tenant_bits)) {
		st->lldp_err[LLDP_E_PORT_RANGE]++;
		log_err("LLDP: port %u is not usable with the %d-bit tenant scheme", li.port,
			loc->tenant_bits);
		return -1;
	}
	if (!loc->ready || memcmp(li.chassis_mac, loc->switch_mac, 6) || li.port != loc->port) {
		location_changed(up, loc, &li, st);
		return 1;
	}
	if (st->lldp_rx == 1)
		log_info("LLDP confirms the re-adopted location (port %u)", loc->port);
	return 0;
}

int na_lldp_read(int fd, const struct na_uplink *up, struct na_location *loc, struct na_stats *st)
{
	__u8 frame[2048];
	ssize_t n;
	int moved = 0;

	/* only what the switch sent us, never our own or another host's frames */
	for (int budget = NA_DRAIN_BUDGET;
	     budget-- && (n = na_uplink_recv(up, fd, frame, sizeof(frame))) >= 0;) {
		st->lldp_rx++;
		if ((size_t)n > sizeof(frame)) {
			st->lldp_err[LLDP_E_TLV_TRUNCATED]++;
			log_warn("LLDP: oversized frame (%zd bytes) ignored", n);
			continue;
		}
		if (lldp_frame(up, loc, st, frame, (size_t)n) > 0)
			moved = 1;
	}
	return moved;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * LLDP bootstrap: an AF_PACKET socket on the uplink, bound to ETH_P_LLDP.
 * The first valid LLDPDU gives the edge switch MAC (chassis ID) and port p;
 * the agent then writes them to the config map with NL_CFG_F_READY, puts the
 * server address 10.p.0.1 on the uplink (so the kernel answers the switch's
 * ARP for it) and announces every local VIF.  A later LLDPDU naming another
 * switch or port (cable moved) repeats all of that.  Rules: docs/lldp.md.
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

#include "agent.h"

__be32 na_server_addr_of(int tenant_bits, __u16 port)
{
	if (tenant_bits == NL_TENANT_BITS_24)
		return htonl(((__u32)port << 24) | NL_SERVER_HOST_ID);
	return htonl((10U << 24) | ((__u32)port << 16) | NL_SERVER_HOST_ID);
}

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

int na_server_addr_apply(struct na_agent *a, bool add)
{
	int plen = a->tenant_bits == NL_TENANT_BITS_24 ? 8 : 16;
	char s[INET_ADDRSTRLEN];
	int err;

	inet_ntop(AF_INET, &a->server_addr, s, sizeof(s));
	err = rtnl_addr(add ? RTM_NEWADDR : RTM_DELADDR, a->ifindex, a->server_addr, plen);
	if (add && err == -EEXIST)
		err = 0;
	if (!add && err == -EADDRNOTAVAIL)
		err = 0;
	if (err)
		log_err("cannot %s server address %s/%d on %s: %s", add ? "add" : "remove", s, plen,
			a->ifname, strerror(-err));
	else
		log_info("server address %s/%d %s %s", s, plen, add ? "set on" : "removed from",
			 a->ifname);
	return err;
}

int na_lldp_open(struct na_agent *a)
{
	static const __u8 groups[3][6] = {{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e},
					  {0x01, 0x80, 0xc2, 0x00, 0x00, 0x03},
					  {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00}};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(LLDP_ETHERTYPE),
				  .sll_ifindex = a->ifindex};

	a->lldp_fd =
		socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(LLDP_ETHERTYPE));
	if (a->lldp_fd < 0 || bind(a->lldp_fd, (struct sockaddr *)&sll, sizeof(sll))) {
		log_err("cannot open the LLDP socket on %s: %s", a->ifname, strerror(errno));
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		struct packet_mreq mr = {
			.mr_ifindex = a->ifindex, .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6};

		memcpy(mr.mr_address, groups[i], 6);
		setsockopt(a->lldp_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	}
	return 0;
}

static void location_changed(struct na_agent *a, const struct lldp_info *li)
{
	struct nl_config cfg;
	char mac[18];

	na_fmt_mac(li->chassis_mac, mac);
	if (a->ready) {
		char old[18];

		na_fmt_mac(a->switch_mac, old);
		log_warn("LLDP: location changed from %s port %u to %s port %u (cable moved?): "
			 "reconfiguring",
			 old, a->port, mac, li->port);
		na_server_addr_apply(a, false);
	} else {
		log_info("LLDP: edge switch %s, port %u", mac, li->port);
	}
	a->st.lldp_changes++;
	memcpy(a->switch_mac, li->chassis_mac, 6);
	a->port = li->port;
	a->server_addr = na_server_addr_of(a->tenant_bits, a->port);
	na_server_addr_apply(a, true);
	if (na_config_get(&a->maps, &cfg)) {
		log_err("cannot read the config map: %s", strerror(errno));
		return;
	}
	memcpy(cfg.switch_mac, a->switch_mac, 6);
	cfg.port = a->port;
	cfg.flags |= NL_CFG_F_READY;
	if (na_config_put(&a->maps, &cfg)) {
		log_err("cannot write the config map: %s", strerror(errno));
		return;
	}
	a->ready = true;
	/* our switch decides which VLAN table rows apply */
	a->vt_loaded = false;
	na_vlan_table_refresh(a);
	na_announce_all(a);
}

void na_lldp_readable(struct na_agent *a)
{
	__u8 frame[2048];
	ssize_t n;

	/* only what the switch sent us, never our own or another host's frames */
	while ((n = na_uplink_recv(a, a->lldp_fd, frame, sizeof(frame))) >= 0) {
		struct lldp_info li;
		enum lldp_err e;

		a->st.lldp_rx++;
		if ((size_t)n > sizeof(frame)) {
			a->st.lldp_err[LLDP_E_TLV_TRUNCATED]++;
			log_warn("LLDP: oversized frame (%zd bytes) ignored", n);
			continue;
		}
		e = lldp_parse(frame, (size_t)n, &li);
		if (e != LLDP_E_OK) {
			a->st.lldp_err[e]++;
			log_warn("LLDP: frame rejected: %s (%s)", lldp_strerror(e),
				 lldp_errname(e));
			continue;
		}
		if (li.shutdown) {
			log_info("LLDP: shutdown LLDPDU from the switch (keeping the current "
				 "location until another switch/port is announced)");
			continue;
		}
		if (!nlarp_port_valid(li.port, a->tenant_bits)) {
			a->st.lldp_err[LLDP_E_PORT_RANGE]++;
			log_err("LLDP: port %u is not usable with the %d-bit tenant scheme",
				li.port, a->tenant_bits);
			continue;
		}
		if (!a->ready || memcmp(li.chassis_mac, a->switch_mac, 6) || li.port != a->port)
			location_changed(a, &li);
		else if (a->st.lldp_rx == 1)
			log_info("LLDP confirms the re-adopted location (port %u)", a->port);
	}
}

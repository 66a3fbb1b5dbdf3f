// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The uplink (uplink.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "drain.h"
#include "uplink.h"

int na_uplink_query(struct na_uplink *up)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", up->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(up->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (!err && ioctl(fd, SIOCGIFMTU, &ifr))
		err = -errno;
	else if (!err)
		up->mtu = ifr.ifr_mtu;
	close(fd);
	return err;
}

ssize_t na_uplink_recv(const struct na_uplink *up, int fd, void *buf, size_t len)
{
	/* frames of other interfaces or our own count against the caller's budget too */
	for (int skip = 0; skip < NA_DRAIN_BUDGET; skip++) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, len, MSG_TRUNC, (struct sockaddr *)&from, &fl);

		if (n < 0)
			return -1;
		if (from.sll_pkttype != PACKET_OUTGOING && from.sll_ifindex == up->ifindex)
			return n;
	}
	errno = EAGAIN;
	return -1;
}

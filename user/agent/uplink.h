/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The server's uplink towards its edge switch: its identity, and reading
 * the frames the switch sends on a packet socket bound to it.
 */
#ifndef NA_UPLINK_H
#define NA_UPLINK_H

#include <net/if.h>
#include <sys/types.h>
#include <linux/types.h>

struct na_uplink {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int mtu;     /* the fabric MTU the VIFs' MTU is derived from */
	__u8 mac[6]; /* the server's MAC */
};

/* read MAC and MTU of up->ifname; 0 or -errno */
int na_uplink_query(struct na_uplink *up);

/*
 * Next frame a packet socket on the uplink received from the wire (never one
 * we sent, never another interface's); its full length, which may exceed
 * @len (MSG_TRUNC), or -1 once the socket is drained or NA_DRAIN_BUDGET
 * frames in a row were not for us (errno EAGAIN: the rest waits for the
 * next wake-up).
 */
ssize_t na_uplink_recv(const struct na_uplink *up, int fd, void *buf, size_t len);

#endif /* NA_UPLINK_H */

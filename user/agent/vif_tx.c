// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Frames into a VIF, to its VM only (vif_tx.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "vif_tx.h"

int na_vif_tx_open(struct na_vif_tx *t, __u64 *tx_fail)
{
	t->tx_fail = tx_fail;
	/* protocol 0: nothing is received on it */
	t->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	return t->fd < 0 ? -errno : 0;
}

int na_vif_tx_send(struct na_vif_tx *t, int ifindex, const void *frame, size_t len)
{
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6};

	memcpy(to.sll_addr, frame, 6);
	if (sendto(t->fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
		int err = -errno;

		if (t->tx_fail)
			(*t->tx_fail)++;
		return err ? err : -EIO;
	}
	return 0;
}

void na_vif_tx_close(struct na_vif_tx *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

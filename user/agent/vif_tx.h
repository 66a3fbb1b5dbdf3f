/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Frames the agent writes into a VIF (issue 11, docs/dhcp.md): DHCP
 * answers and router advertisements go out of the VIF's host-side
 * interface with an AF_PACKET socket, so only that VIF's VM receives them
 * and the fabric never sees them.  Plumbing, no patent paragraph.
 */
#ifndef NA_VIF_TX_H
#define NA_VIF_TX_H

#include <stddef.h>
#include <linux/types.h>

struct na_vif_tx {
	int fd;		/* AF_PACKET, sends only */
	__u64 *tx_fail; /* counts what the VIF refused */
};

/* 0 or -errno */
int na_vif_tx_open(struct na_vif_tx *t, __u64 *tx_fail);
/* @len bytes of Ethernet frame @frame into VIF @ifindex; 0 or -errno */
int na_vif_tx_send(struct na_vif_tx *t, int ifindex, const void *frame, size_t len);
void na_vif_tx_close(struct na_vif_tx *t);

#endif /* NA_VIF_TX_H */

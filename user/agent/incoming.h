/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Announce on resume: the destination side of a live migration (patent
 * [0034]-[0035]: a VM that moves is announced by a HERE from its new
 * location).  libvirt brings the VIF up on the destination (`vif add`)
 * while the guest still runs at the source (QEMU's pre-copy phase); a HERE
 * then would pull the fabric's traffic to a guest that is not running yet.
 *
 * `vif add --incoming-migration` registers such a VIF with
 * NL_VIF_F_INCOMING: its egress state is complete (the guest can transmit
 * the moment it resumes), but it is not in nl_local_vifs/nl_local_ips
 * (nothing is delivered to it, no WHERE is answered for it) and it is not
 * announced.  The agent watches the tap with a packet socket; the first
 * frame the guest transmits there (QEMU's self-announce RARP right after
 * resume, or any other) completes the VIF and broadcasts the HERE, whose
 * newer version moves every NA's NART-2 entry (docs/nlarp-ordering.md).
 * `vif add` again without the flag completes it by hand.
 */
#ifndef NA_INCOMING_H
#define NA_INCOMING_H

#include <stdbool.h>
#include <time.h>

#include "maps.h"
#include "resolver.h"

#define NA_INCOMING_MAX 64

struct na_incoming {
	const struct na_maps *maps;
	struct na_resolver *res;
	int epfd; /* one packet socket per watched VIF, registered here */
	int n;
	struct {
		__u32 ifindex;
		int fd;
		bool done; /* resumed: closed at the next tick */
	} w[NA_INCOMING_MAX];
	unsigned long resumed; /* VIFs completed by a guest's first frame */
};

/* 0 or -errno; the epoll fd the daemon polls is na_incoming_fd() */
int na_incoming_open(struct na_incoming *in, const struct na_maps *maps, struct na_resolver *res);
void na_incoming_close(struct na_incoming *in);
int na_incoming_fd(const struct na_incoming *in);
/* start watching VIF @ifindex (flagged NL_VIF_F_INCOMING in nl_vifs): 0 or -errno */
int na_incoming_watch(struct na_incoming *in, __u32 ifindex);
/* the packet sockets are readable: complete the VIFs whose guest transmitted */
void na_incoming_run(struct na_incoming *in);
/*
 * complete VIF @ifindex now: index it in nl_local_vifs/nl_local_ips, clear
 * the flag, stop watching, broadcast HERE.  0, -ENOENT (not a VIF) or -errno.
 */
int na_incoming_resume(struct na_incoming *in, __u32 ifindex, const char *why);
/* the same, @frame: the kernel's arrival time of the guest's first frame (logged) */
int na_incoming_resume_at(struct na_incoming *in, __u32 ifindex, const char *why,
			  const struct timespec *frame);
/* every tick: watch flagged VIFs (e.g. after an agent restart), drop stale watches */
void na_incoming_tick(struct na_incoming *in);

#endif /* NA_INCOMING_H */

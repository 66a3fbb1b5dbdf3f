/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Bounded work per wake-up (issue 10, item 3): every source the agent's
 * epoll loop watches (the NL-ARP sockets, the event ring buffer, LLDP, the
 * control socket) handles at most NA_DRAIN_BUDGET items per wake-up and
 * then returns to the loop.  The loop's epoll is level-triggered, so what
 * is left is reported again on the next epoll_wait, after the timer, the
 * signals and the other sources had their turn: a flood on one socket
 * cannot starve the others.
 */
#ifndef NA_DRAIN_H
#define NA_DRAIN_H

#define NA_DRAIN_BUDGET 64

#endif /* NA_DRAIN_H */

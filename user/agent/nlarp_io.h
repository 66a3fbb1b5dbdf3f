/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * NL-ARP on the wire (docs/wire-format.md section 4; patent [0032]):
 *  - broadcasts: AF_PACKET on the uplink only, EtherType 0x88B5, sent to
 *    ff:ff:ff:ff:ff:ff from our edge switch MAC on the broadcast VLAN;
 *  - unicasts: whole frames through AF_PACKET (outer Ethernet to the peer's
 *    edge switch, path VLAN, IPv4 + UDP to the peer's 10.q.0.1), read back
 *    with a filtered packet socket.
 * This module frames, sends, receives and validates; what a message means
 * is the caller's (resolver.c, probe.c), reached through a callback.
 */
#ifndef NA_NLARP_IO_H
#define NA_NLARP_IO_H

#include "location.h"
#include "nart_store.h"
#include "nlarp_auth.h"
#include "nlarp_codec.h"
#include "stats.h"
#include "uplink.h"

struct na_tenant_filter;

struct na_nlarp_io {
	const struct na_uplink *up;
	const struct na_location *loc;
	const struct nart_store *tables; /* VLAN sets towards the peers' switches */
	struct na_stats *st;
	__u16 broadcast_vlan; /* from the VLAN table (vlan_config.c) */
	int bcast_fd, ucast_fd, udp_fd;
	/* authentication (nlarp_auth.h): NULL keys = --insecure-no-auth */
	const struct nlarp_keyring *keys;
	struct nlarp_sealer sealer;
	struct nlarp_replay replay;
	unsigned int replay_senders; /* its size, set before na_nlarp_open (0: the default) */
	/* `--nart-tenants hosted`: other tenants' messages dropped first (NULL: all) */
	struct na_tenant_filter *filter;
};

/* a valid message from another NA, once this NA knows its location */
typedef void (*na_nlarp_rx_fn)(void *ctx, const struct nlarp_fields *m);

/* open the three sockets, start the sequence numbers and the replay table; 0 or -errno */
int na_nlarp_open(struct na_nlarp_io *io);
void na_nlarp_close(struct na_nlarp_io *io);

/* 0, or -errno (-EAGAIN: location unknown yet) with the failure counted */
int na_nlarp_broadcast(struct na_nlarp_io *io, const struct nlarp_fields *m);
/* on the first VLAN in force towards @peer_switch */
int na_nlarp_unicast(struct na_nlarp_io *io, const __u8 peer_switch[6], __u16 peer_port,
		     const struct nlarp_fields *m);
/* on an explicit path VLAN (0 = untagged): VLAN probes */
int na_nlarp_unicast_vlan(struct na_nlarp_io *io, const __u8 peer_switch[6], __u16 peer_port,
			  __u16 vlan, const struct nlarp_fields *m);

/* drain one socket, calling @fn for every valid message */
void na_nlarp_read_bcast(struct na_nlarp_io *io, na_nlarp_rx_fn fn, void *ctx);
void na_nlarp_read_ucast(struct na_nlarp_io *io, na_nlarp_rx_fn fn, void *ctx);
void na_nlarp_read_udp(struct na_nlarp_io *io);

const char *na_nlarp_op_name(int op);

#endif /* NA_NLARP_IO_H */

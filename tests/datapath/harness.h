/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Packet-level test harness: loads the datapath skeleton into a private
 * network namespace, fills its maps with a small data center ("the world"),
 * runs programs with BPF_PROG_TEST_RUN and reads counters and events back.
 */
#ifndef NL_TEST_HARNESS_H
#define NL_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "netlord.h"

/* Return codes as the kernel defines them */
#define TC_ACT_OK	0
#define TC_ACT_SHOT	2
#define TC_ACT_REDIRECT 7
#define XDP_DROP	1
#define XDP_PASS	2
#define XDP_REDIRECT	4

#include "world.h"

/* Loads the skeleton in a fresh netns and fills the world's maps. */
void world_setup(int encap_mode, int tenant_bits);
void world_setup_ip(void);
void world_setup_udp(void);
void world_setup_gre(void);
void world_teardown(void);

/* map file descriptors and program descriptors */
int fd_map(const char *name);
/* the loaded skeleton (tests/datapath/test_monitor.c sets the monitor's .bss knobs) */
struct netlord_bpf *harness_skel(void);
int fd_vif_prog(void);
int fd_xdp_prog(void);
int fd_rx_tc_prog(void); /* nl_uplink_rx_tc */

void cfg_update(void (*edit)(struct nl_config *cfg));

/* ---- running programs --------------------------------------------------- */
struct run {
	int ret;
	uint32_t retval;
	uint8_t out[16384]; /* the packet after the program (XDP: without metadata) */
	uint32_t out_len;
	uint8_t meta[32]; /* XDP metadata the program left in front of the packet */
	uint32_t meta_len;
};
/* tc program as seen on interface @ifindex; @gso_size 0 = not GSO */
void run_tc(struct run *r, int ifindex, const void *pkt, uint32_t len);
void run_tc_gso(struct run *r, int ifindex, const void *pkt, uint32_t len, uint32_t gso_size);
void run_xdp(struct run *r, const void *pkt, uint32_t len);
/* nl_uplink_rx_tc as seen on the uplink; @gso_size 0 = not GSO (e.g. not a GRO aggregate) */
void run_rx_tc(struct run *r, const void *pkt, uint32_t len, uint32_t gso_size);

/* ---- observing ------------------------------------------------------------- */
uint64_t counter(enum nl_counter c);
/* every counter but @except must still be zero */
bool counters_all_zero_except(enum nl_counter except, enum nl_counter except2);
struct nl_vif_stats vif_stats(int slot);
/* drains the event ring; returns how many, copies up to @max */
int events_drain(struct nl_event *evs, int max);

/* ---- packet construction (independent of the datapath's code) ------------------ */
struct pkt {
	uint8_t b[16384];
	uint32_t len;
};
void pkt_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint16_t proto);
void pkt_vlan(struct pkt *p, uint16_t vid, uint16_t proto);
/* IPv4 header (no options) with a correct checksum; total length covers @payload */
void pkt_ipv4(struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl,
	      uint16_t payload);
void pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport, uint16_t payload);
void pkt_bytes(struct pkt *p, const void *b, uint32_t len);
void pkt_fill(struct pkt *p, uint8_t v, uint32_t len);
/* A whole ARP request from @mac/@ip for @target */
void pkt_arp_request(struct pkt *p, const uint8_t mac[6], uint32_t ip, uint32_t target);
/* An IPv4/UDP frame between two VMs with @payload bytes of data */
void pkt_vm_udp(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint32_t sip,
		uint32_t dip, uint16_t payload);

/*
 * A NetLord data frame as the egress edge switch delivers it to this server
 * (source = our switch S1, destination = our MAC, untagged), in @mode,
 * 16-bit tenant scheme, around the inner frame @inner.
 */
void pkt_netlord(struct pkt *p, int mode, uint32_t tenant, uint16_t mac_as, uint8_t port,
		 const struct pkt *inner);

uint16_t inet_csum(const void *data, size_t len);
uint16_t rd16(const uint8_t *p);
uint32_t rd32(const uint8_t *p);

/* Writes frames to a pcap file (LINKTYPE_ETHERNET). */
int pcap_write(const char *path, const struct run *frames, int n);

/* Hex dump into @buf for assertion messages */
const char *hex(const void *p, size_t len);

/* cfg_update() edit: NL_CFG_F_TEST_POISON (garbage in the new headroom) */
void cfg_poison_on(struct nl_config *cfg);
/*
 * A 46-byte UDP frame a1 -> a2 through a1's VIF program: redirected, with
 * exactly @outer (@outer_len bytes) in front of the unchanged frame.
 */
void check_a1_to_a2_outer(const uint8_t *outer, uint32_t outer_len);

#endif

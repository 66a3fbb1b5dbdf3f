/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's side of `na-loader monitor` (docs/monitor.md): a second unix
 * socket, /run/netlord/<iface>/monitor.sock, whose clients receive a live
 * stream of events, one line each (text or JSON, as the client asked):
 *   drop   every frame the datapath drops, from the ring buffer nl_mon_ring
 *          (bpf/lib/monitor.h), decoded here: reason, VIF, tenant, MAC
 *          space, addresses, protocol, ports;
 *   nlarp  NL-ARP messages sent and received (and rejected);
 *   vif    VIFs added, deleted, withdrawn;
 *   path   path VLAN changes (failover, recovery) towards an edge switch,
 *          VLAN tables loaded or rejected.
 * The datapath reports drops only while a client wants them (the agent sets
 * nl_mon_watching).  Sends never block: each client's socket buffer is its
 * bounded queue; what does not fit is counted and announced to that client
 * as "lost" once it reads again.  Agent modules report through the
 * na_mon_*() sink functions below, which cost one test while nobody
 * watches.  An operations feature (issue 14), no patent paragraph.
 */
#ifndef NA_MONITOR_H
#define NA_MONITOR_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#include "location.h"
#include "netlord.h"
#include "nlarp_codec.h"

/* event kinds, also the client's subscription mask */
enum na_mon_kind {
	NA_MON_DROP = 1 << 0,
	NA_MON_NLARP = 1 << 1,
	NA_MON_VIF = 1 << 2,
	NA_MON_PATH = 1 << 3,
	NA_MON_ALL = 0xf,
};

#define NA_MON_HELLO_MAGIC 0x4e4c4d48 /* "NLMH" */
#define NA_MON_MAX_CLIENTS 8
#define NA_MON_SOCK	   "monitor.sock" /* in /run/netlord/<iface>/ */
#define NA_MON_LINE_MAX	   2048		  /* one event, one line */
#define NA_MON_QUEUE	   (256 * 1024)	  /* each client's bounded queue, bytes */

/* what a client sends once after connecting */
struct na_mon_hello {
	__u32 magic;
	__u32 kinds; /* enum na_mon_kind mask */
	__u32 json;
	__u32 rate; /* drop events per second per CPU, 0: NL_MON_RATE_PER_CPU */
};

/* the datapath's knobs, in the skeleton's .bss (bpf/lib/monitor.h) */
struct na_mon_knobs {
	volatile __u32 *watching;
	__u64 *cost_ns, *burst_ns;
};

struct na_mon_client {
	int fd;
	__u32 kinds, rate;
	bool json, hello, pollout;
	char *q; /* whole lines not yet written: the client's bounded queue */
	size_t qlen;
	__u64 lost; /* events not queued since the last "lost" notice */
};

struct na_monitor {
	char path[PATH_MAX];
	int epfd, lfd, ring_fd;
	struct ring_buffer *rb;
	struct na_mon_knobs knobs;
	const struct na_location *loc; /* the tenant scheme, to read outer addresses */
	struct na_mon_client cl[NA_MON_MAX_CLIENTS];
	__u32 wanted; /* union of the clients' kinds */
	__u64 delivered, lost;
};

/*
 * Listen on @run_dir/monitor.sock and read the ring @ring_fd; @knobs switch
 * the datapath's drop events.  0 or -errno.
 */
int na_monitor_open(struct na_monitor *m, const char *run_dir, int ring_fd,
		    const struct na_mon_knobs *knobs, const struct na_location *loc);
/* one fd for the agent's loop (an epoll fd over the socket, the ring and the clients) */
int na_monitor_fd(const struct na_monitor *m);
/* accept, read hellos, drain the ring: call when na_monitor_fd() is readable */
void na_monitor_serve(struct na_monitor *m);
/* drop events off, clients closed, socket removed */
void na_monitor_close(struct na_monitor *m);

/* ---- the sink: agent modules report here; nothing happens while nobody watches ---- */

/* @tx: sent (else received); @via: "broadcast" or "unicast"; @vlan: of a sent unicast */
void na_mon_nlarp(bool tx, const char *via, const struct nlarp_fields *f, __u16 vlan);
/* a message received and rejected: @err is nlarp_errname() or nlarp_auth_errname() */
void na_mon_nlarp_rejected(const char *via, const char *err);
/* @action: "add", "del", "withdrawn" (@ifname NULL: the interface is gone) */
void na_mon_vif(const char *action, const char *ifname, const struct nl_vif *v);
/* @what: "failover", "recovery", ...; @vlans: the set now in force */
void na_mon_path(const __u8 switch_mac[6], const char *what, const __u16 *vlans,
		 unsigned int count);

/* a VLAN table loaded (@err NULL) or rejected (@err the reason) from @source */
void na_mon_vlan_table(const char *source, unsigned long long serial, unsigned int switches,
		       unsigned int broadcast_vlan, const char *err);

#endif /* NA_MONITOR_H */

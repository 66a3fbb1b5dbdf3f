/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-loader: the hypervisor Network Agent.  State shared by the agent's
 * source files (one file per concern, see docs/agent.md).
 */
#ifndef NL_AGENT_H
#define NL_AGENT_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>

#include "netlord.h"
#include "nlarp.h"
#include "lldp.h"
#include "nlarp_codec.h"
#include "nart_logic.h"
#include "nart_table.h" /* user/agent/nart_table.h: the compact tables' writer */

/* ---- exit codes (docs/agent.md, na-loader --help) -------------------------- */
enum na_exit {
	NA_EXIT_OK = 0,
	NA_EXIT_USAGE = 1,    /* bad command line */
	NA_EXIT_ENV = 2,      /* not root, no BTF/bpffs, interface missing, load failed */
	NA_EXIT_NO_AGENT = 3, /* no agent running for that interface */
	NA_EXIT_REFUSED = 4,  /* the agent refused the request (bad VIF, conflict, ...) */
	NA_EXIT_RUNTIME = 5,  /* the agent stopped on an unrecoverable error */
};

#define NA_BPFFS    "/sys/fs/bpf"
#define NA_PIN_ROOT NA_BPFFS "/netlord"
#define NA_RUN_ROOT "/run/netlord"

/* the router MAC every virtual router answers with (locally administered) */
#define NA_ROUTER_MAC                              \
	{                                          \
		0x02, 0x4e, 0x4c, 0x52, 0x00, 0x01 \
	}

/* ---- logging ------------------------------------------------------------------ */
enum na_log_level { NA_LOG_ERR, NA_LOG_WARN, NA_LOG_INFO, NA_LOG_DEBUG };
extern int na_log_level;
void na_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...)   na_log(NA_LOG_ERR, __VA_ARGS__)
#define log_warn(...)  na_log(NA_LOG_WARN, __VA_ARGS__)
#define log_info(...)  na_log(NA_LOG_INFO, __VA_ARGS__)
#define log_debug(...) na_log(NA_LOG_DEBUG, __VA_ARGS__)

/* ---- maps ------------------------------------------------------------------------ */
#define NA_MAPS(X)    \
	X(config)     \
	X(vifs)       \
	X(local_vifs) \
	X(nart1) X(nart2) X(subnets) X(switches) X(vif_stats) X(counters) X(events) X(event_dedup)

struct na_maps {
#define NA_MAP_FD(n) int n;
	NA_MAPS(NA_MAP_FD)
#undef NA_MAP_FD
};

/* open every pinned map of <iface> (read-only use by the CLI); -errno */
int na_maps_open_pinned(const char *ifname, struct na_maps *m);
void na_maps_close(struct na_maps *m);
int na_config_get(const struct na_maps *m, struct nl_config *cfg);
int na_config_put(const struct na_maps *m, const struct nl_config *cfg);

/* ---- rate limiter (ratelimit.c, pure) ----------------------------------------------- */
struct na_ratelimit;
/* rate tokens per second per key, burst tokens at most; slots = table size */
struct na_ratelimit *na_rl_new(unsigned int slots, double rate, double burst);
void na_rl_free(struct na_ratelimit *rl);
/* consume one token for key at time now_ms; true if allowed */
bool na_rl_allow(struct na_ratelimit *rl, const void *key, size_t keylen, __u64 now_ms);

/*
 * The scan guard: bounds the WHEREs that misses can cause, per VIF that
 * caused them and for the whole agent, whatever the number of distinct
 * destinations (the per-destination limit alone lets an address scan through).
 */
#define NA_SCAN_VIF_RATE  20.0 /* WHEREs per second caused by one VIF */
#define NA_SCAN_VIF_BURST 50.0
#define NA_SCAN_ALL_RATE  500.0 /* WHEREs per second for the whole agent */
#define NA_SCAN_ALL_BURST 1000.0
struct na_scan_guard {
	struct na_ratelimit *per_vif, *all;
};
int na_scan_guard_init(struct na_scan_guard *g);
void na_scan_guard_free(struct na_scan_guard *g);
/* one WHERE caused by VIF ifindex (0: not caused by a VIF) at now_ms; true if allowed */
bool na_scan_guard_allow(struct na_scan_guard *g, __u32 ifindex, __u64 now_ms);

/* ---- HTTP client (http.c) ---------------------------------------------------------- */
/* parse a complete HTTP/1.x response; fills status and body (0), or -1 and err */
int na_http_parse(const char *buf, size_t len, int *status, const char **body, size_t *body_len,
		  char *err, size_t errlen);
/* split an http URL (or host:port) into host, port and path; 0 or -1 */
int na_http_split_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen,
		      char *path, size_t pathlen);
/* GET url within timeout_ms; 0 and a malloc'ed body, or -1 + err */
int na_http_get(const char *url, int timeout_ms, char **body, size_t *body_len, char *err,
		size_t errlen);

/* ---- argument parsing (args.c, pure) ---------------------------------------------- */
int na_parse_mac(const char *s, __u8 mac[6]);
int na_parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);
/* "A/len" -> ip (network order) and len; 0 or -1 */
int na_parse_prefix(const char *s, __be32 *ip, __u8 *len);
int na_parse_ipv4(const char *s, __be32 *ip);
void na_fmt_mac(const __u8 mac[6], char out[18]);

/* ---- the agent -------------------------------------------------------------------- */
struct netlord_bpf;
struct ring_buffer;

struct na_stats {
	__u64 lldp_rx, lldp_changes;
	__u64 lldp_err[LLDP_E_MAX];
	__u64 nlarp_rx[5], nlarp_tx[5]; /* by op */
	__u64 nlarp_err[NLARP_E_MAX];
	__u64 nlarp_own, nlarp_tx_fail, nlarp_not_ready, nlarp_no_vlan, nlarp_short;
	__u64 nlarp_udp_dup; /* unicasts the kernel also delivered (ignored) */
	__u64 nart_reason[NART_R_MAX];
	__u64 where_ratelimited;
	__u64 where_scan_limited;
	__u64 vlan_failovers, vlan_recoveries;
	__u64 events[5];
	__u64 vt_loads, vt_errors;
};

/* ---- VLAN failover (probe.c) ------------------------------------------------------- */
#define NA_PROBE_MISSES	      3	 /* unanswered probes (1 per second) before a VLAN is dropped */
#define NA_PROBE_FORGET_TICKS 30 /* every VLAN silent this long: look for another peer */
struct na_probe_vlan {
	bool alive, outstanding;
	__u8 misses;
	__u64 nonce;
};
struct na_probe_row {
	__u8 sw[6];	 /* remote edge switch */
	__u16 peer_port; /* an NA behind it that answers probes, 0 = none known */
	unsigned int gen, silent_ticks;
	struct nl_vlan_set cfg; /* the repository's VLANs for the pair */
	struct na_probe_vlan v[NL_MAX_VLANS_PER_PAIR];
};
struct na_probe {
	struct na_probe_row *rows;
	unsigned int n, cap, gen;
	__u64 nonce;
};
/* pure parts, unit-tested */
void na_probe_effective(const struct na_probe_row *r, struct nl_vlan_set *out);
bool na_probe_row_tick(struct na_probe_row *r);				   /* true if a VLAN died */
bool na_probe_row_answer(struct na_probe_row *r, __u16 vlan, __u64 nonce); /* true if revived */

struct na_agent {
	char ifname[IF_NAMESIZE];
	int ifindex;
	char pin_dir[PATH_MAX];
	char run_dir[PATH_MAX];
	char sock_path[PATH_MAX];
	struct netlord_bpf *skel;
	struct na_maps maps;
	/* the compact NARTs and switch array, written only by this process (tables.c) */
	struct cnart *nart1, *nart2;
	struct cnart_switches *switches;
	int encap_mode, tenant_bits;
	bool generic_xdp;
	char repo[PATH_MAX]; /* VLAN table source, "" = none */

	/* location learned from LLDP */
	bool ready;
	__u8 switch_mac[6];
	__u16 port;
	__u8 server_mac[6];
	__be32 server_addr;
	int uplink_mtu;

	/* VLAN table in force */
	bool vt_loaded;
	__u64 vt_serial;
	__u16 broadcast_vlan;
	unsigned int vt_rows;
	char vt_error[256];

	int lldp_fd, bcast_fd, ucast_fd, udp_fd, ctl_fd, timer_fd, signal_fd, epoll_fd, lock_fd;
	struct ring_buffer *rb;
	struct na_ratelimit *rl;
	struct na_scan_guard scan;
	struct na_probe probe;
	struct na_stats st;
	bool stop;
};

/* attach.c */
int na_attach_datapath(struct na_agent *a, bool encap_set, bool bits_set);
int na_detach(const char *ifname);
int na_tc_attach(int ifindex, int prog_fd, bool replace);
int na_tc_detach(int ifindex);
bool na_tc_present(int ifindex);
int na_check_env(const char *ifname, int *ifindex);
int na_mkdir_p(const char *path, int mode);

/* tables.c: NART-1, NART-2 and the switch array (VLAN table rows) */
int na_tables_open(struct na_agent *a, struct nl_config *cfg); /* fills cfg->nart1/2 */
void na_tables_close(struct na_agent *a);
bool na_nart1_get(const struct na_agent *a, const struct nl_nart1_key *k, struct nl_nart1_val *v);
int na_nart1_put(struct na_agent *a, const struct nl_nart1_key *k, const struct nl_nart1_val *v);
bool na_nart1_del(struct na_agent *a, const struct nl_nart1_key *k);
bool na_nart2_get(const struct na_agent *a, const struct nl_vif_key *k, struct nart_entry *e);
int na_nart2_put(struct na_agent *a, const struct nl_vif_key *k, const struct nart_loc *loc,
		 __u64 version);
bool na_nart2_del(struct na_agent *a, const struct nl_vif_key *k);
/* the VLAN set towards switch @mac; -ENOENT if none */
int na_switch_vlans(const struct na_agent *a, const __u8 mac[6], struct nl_vlan_set *set);

/* lldp_listen.c */
int na_lldp_open(struct na_agent *a);
void na_lldp_readable(struct na_agent *a);
int na_server_addr_apply(struct na_agent *a, bool add);
__be32 na_server_addr_of(int tenant_bits, __u16 port);

/* config.c */
int na_vlan_table_refresh(struct na_agent *a);

/* nlarp_io.c */
int na_nlarp_open(struct na_agent *a);
void na_nlarp_bcast_readable(struct na_agent *a);
void na_nlarp_udp_readable(struct na_agent *a);
void na_nlarp_ucast_readable(struct na_agent *a);
/*
 * Next frame a packet socket on the uplink received from the wire (never one
 * we sent, never another interface's); its full length, which may exceed
 * len (MSG_TRUNC), or -1 once the socket is drained.
 */
ssize_t na_uplink_recv(const struct na_agent *a, int fd, void *buf, size_t len);
int na_nlarp_broadcast(struct na_agent *a, const struct nlarp_fields *m);
int na_nlarp_unicast(struct na_agent *a, const __u8 peer_switch[6], __u16 peer_port,
		     const struct nlarp_fields *m);
/* the same on an explicit path VLAN (0 = untagged): VLAN probes */
int na_nlarp_unicast_vlan(struct na_agent *a, const __u8 peer_switch[6], __u16 peer_port,
			  __u16 vlan, const struct nlarp_fields *m);
void na_nlarp_here_fields(struct na_agent *a, const struct nl_vif *v, __u64 version,
			  struct nlarp_fields *m);
int na_announce_vif(struct na_agent *a, const struct nl_vif *v, bool gone);
void na_announce_all(struct na_agent *a);
__u64 na_local_version(struct na_agent *a, const struct nl_vif_key *k);

/* events.c */
int na_events_open(struct na_agent *a);
void na_where_send(struct na_agent *a, __u32 tenant, __u16 mac_as, const __u8 *mac, __be32 ip);

/* probe.c: VLAN path liveness and failover */
void na_probe_load_begin(struct na_agent *a);
int na_probe_row_loaded(struct na_agent *a, const __u8 sw[6], const struct nl_vlan_set *set);
void na_probe_load_end(struct na_agent *a);
void na_probe_peer(struct na_agent *a, const __u8 sw[6], __u16 port);
void na_probe_tick(struct na_agent *a);
void na_probe_rx(struct na_agent *a, const struct nlarp_fields *m);
void na_probe_free(struct na_agent *a);

/* vif.c */
int na_vif_add(struct na_agent *a, const char *ifname, const struct nl_vif *req, char *err,
	       size_t errlen);
int na_vif_del(struct na_agent *a, const char *ifname, char *err, size_t errlen);
void na_vif_readopt(struct na_agent *a);
void na_vif_reattach_all(struct na_agent *a);
int na_vif_overhead(int encap_mode);

/* ctl.c */
int na_ctl_open(struct na_agent *a);
void na_ctl_readable(struct na_agent *a);
/* client: send one request line, copy the answer to out; returns exit code */
int na_ctl_request(const char *ifname, const char *line, FILE *out);

/* show.c: report printers shared by the agent (ctl) and the CLI (pinned maps) */
void na_show_status(FILE *f, const struct na_maps *m, const struct na_agent *a, bool json);
void na_show_nart(FILE *f, const struct na_maps *m, const struct na_agent *a, bool json);
void na_show_stats(FILE *f, const struct na_maps *m, const struct na_agent *a, bool json);
void na_show_vifs(FILE *f, const struct na_maps *m, bool json);

/* agent.c */
int na_agent_run(struct na_agent *a);

#endif /* NL_AGENT_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Types shared by the BPF datapath (bpf/) and the agent (user/).
 *
 * Every map key and value, every counter and every event record lives here
 * so both sides always agree on the layout.  The wire layout these constants
 * describe is specified in docs/wire-format.md.
 */
#ifndef NETLORD_H
#define NETLORD_H

#ifdef __BPF__
/* vmlinux.h already provides the __u8..__u64 types */
#else
#include <linux/types.h>
#endif

#include "nart_table.h" /* compact NART layouts (docs/nart.md) */

/* ---- wire constants (docs/wire-format.md) ------------------------------ */

#define NL_IPPROTO_ETHERNET 143	   /* IANA "Ethernet": ip encapsulation */
#define NL_UDP_PORT	    24143  /* udp encapsulation destination port */
#define NL_UDP_SPORT_MIN    49152  /* flow-hash source ports: 49152..65535 */
#define NL_ARP_ETHERTYPE    0x88B5 /* NL-ARP broadcasts (IEEE local exp. 1) */
#define NL_ARP_UDP_PORT	    24144  /* NL-ARP unicasts to a peer's server addr */
#define NL_OUTER_TTL	    64
/* gre encapsulation (RFC 2890 key, RFC 1701 Transparent Ethernet Bridging) */
#define NL_IPPROTO_GRE	 47
#define NL_GRE_FLAGS_KEY 0x2000 /* K bit only: no checksum, no sequence, version 0 */
#define NL_GRE_PROTO_TEB 0x6558 /* the payload is an Ethernet frame */

/* Outer IPv4 + optional UDP + inner Ethernet, i.e. what the L3 MTU must hold */
#define NL_ENCAP_OVERHEAD_IP  (20 + 14)
#define NL_ENCAP_OVERHEAD_UDP (20 + 8 + 14)
#define NL_ENCAP_OVERHEAD_GRE (20 + 8 + 14) /* GRE header with key: 8 bytes */

enum nl_encap_mode {
	NL_ENCAP_IP = 0,
	NL_ENCAP_UDP = 1,
	NL_ENCAP_GRE = 2,
};

/*
 * Tenant special addresses.
 *  16-bit scheme: 10.p.T  (p = edge switch port 1..255, T = 16-bit tenant)
 *  24-bit scheme: p.T     (p = first octet, T = 24-bit tenant)
 * Tenant IDs 0 and 1 are reserved (T=1 is the server address 10.p.0.1).
 */
enum nl_tenant_bits {
	NL_TENANT_BITS_16 = 16,
	NL_TENANT_BITS_24 = 24,
};
#define NL_TENANT_MIN	  2
#define NL_TENANT_MAX_16  0xfffeU
#define NL_TENANT_MAX_24  0xfffffeU
#define NL_TENANT_PUBLIC  2 /* the shared public address space, [0053] */
#define NL_SERVER_HOST_ID 1 /* server address = tenant slot 1 */

/* The IP-ID field carries the path VLAN in its low 12 bits. */
#define NL_IPID_VLAN_MASK 0x0fff

#define NL_MAX_VLANS_PER_PAIR 8
#define NL_VLAN_UNTAGGED      0 /* a VLAN table entry of 0 means "send untagged" */

/* ---- sizes --------------------------------------------------------------- */

#define NL_MAX_VIFS	4096  /* per server */
#define NL_MAX_SWITCHES 65536 /* VLAN table rows (one per egress switch) */
#define NL_MAX_SUBNETS	65536
/* former hash NARTs' size, kept for the comparison benchmarks */
#define NL_NART1_ENTRIES       (1U << 20)
#define NL_NART2_ENTRIES       (1U << 20)
#define NL_EVENT_RING_BYTES    (256 * 1024)
#define NL_EVENT_DEDUP_ENTRIES 16384
/*
 * Events per VIF (per tenant for received frames): a token bucket of
 * NL_EVENT_VIF_BURST refilled at NL_EVENT_VIF_PER_S, so one VM cannot fill
 * the ring the agent shares with every other VM (nl_config can override).
 */
#define NL_EVENT_VIF_BURST 64
#define NL_EVENT_VIF_PER_S 200

/* ---- configuration (map "config", one entry) ------------------------------ */

#define NL_CFG_F_READY	     (1U << 0)	/* LLDP seen and server address set */
#define NL_CFG_F_TEST_POISON (1U << 31) /* tests: scribble on new headroom */

struct nl_config {
	__u8 switch_mac[6]; /* our edge switch (LLDP chassis ID) */
	__u16 port;	    /* our edge switch port (LLDP port ID) */
	__u8 server_mac[6]; /* the uplink's MAC */
	__u8 encap_mode;    /* enum nl_encap_mode */
	__u8 tenant_bits;   /* enum nl_tenant_bits */
	__u32 uplink_ifindex;
	__u32 flags;	  /* NL_CFG_F_* */
	__u16 fabric_mtu; /* L3 MTU of the fabric (uplink MTU) */
	__u16 broadcast_vlan;
	__u32 event_interval_ms; /* min gap between two identical events */
	/* compact NARTs (maps nl_nart1, nl_nart2): bucket count and hash seed */
	struct nart_geom nart1;
	struct nart_geom nart2;
	/* per-VIF event budget; 0 = NL_EVENT_VIF_BURST / NL_EVENT_VIF_PER_S */
	__u32 event_vif_burst;
	__u32 event_vif_per_s;
	/* flooded frames per VIF (token bucket); 0 = NL_FLOOD_VIF_PER_S / _BURST */
	__u32 flood_per_s;
	__u32 flood_burst;
};

/* ---- VIFs hosted on this server ------------------------------------------ */

/* The VIF can take XDP_REDIRECT frames (tap, or veth whose peer runs NAPI). */
#define NL_VIF_F_XDP_REDIRECT (1U << 0)
/* The VIF is a veth: the tc receive path hands frames to its peer (bpf_redirect_peer). */
#define NL_VIF_F_VETH (1U << 1)
/*
 * User space only: the destination of a live migration whose guest has not
 * transmitted yet (`vif add --incoming-migration`, user/agent/incoming.h):
 * not in nl_local_vifs, not announced.
 */
#define NL_VIF_F_INCOMING (1U << 7)

/* map "vifs": ifindex of the hypervisor side of the VIF -> struct nl_vif */
struct nl_vif {
	__u32 tenant;
	__u16 mac_as;
	__u8 mac[6];
	__be32 ip;	  /* 0 = L2-only VIF: no IPv4 allowed */
	__be32 router_ip; /* virtual router of the VIF's subnet, 0 = none */
	__u8 router_mac[6];
	__u8 prefix_len; /* of the VIF's subnet */
	__u8 flags;	 /* NL_VIF_F_* */
	__u32 slot;	 /* index into vif_stats */
	__u32 ifindex;
};

/*
 * map "vif_cache": array of NL_VIF_CACHE_SLOTS struct nl_vif, a VIF in slot
 * (ifindex & (NL_VIF_CACHE_SLOTS - 1)) when that slot was free (ifindex 0)
 * as it was added, so the VIF program finds most VIFs with an array lookup
 * instead of hashing the ifindex; map "vifs" stays the authority.  The agent
 * fills a slot before attaching the VIF's tc program and clears it after
 * detaching, and never overwrites a used slot, so no reader can see a VIF
 * half-written under its own ifindex.
 */
#define NL_VIF_CACHE_SLOTS 4096
_Static_assert((NL_VIF_CACHE_SLOTS & (NL_VIF_CACHE_SLOTS - 1)) == 0,
	       "NL_VIF_CACHE_SLOTS: a power of two");

/*
 * The IPv6 side of a VIF definition (issue 11): the global/ULA addresses the
 * VM may use as sources and that HERE announces, each with its subnet's
 * prefix length, and the virtual router's address on those subnets (:: =
 * none).  The VM's link-local addresses are not listed: fe80::/64 sources
 * are checked by the datapath's own rule (docs/ipv6.md).  count 0 = no IPv6.
 * Carried in the control request and in the agent's persisted VIF record;
 * the datapath keeps its own per-address index.
 */
#define NL_VIF_MAX_IP6 4

struct nl_vif_ip6 {
	__u8 addr[NL_VIF_MAX_IP6][16];
	__u8 prefix_len[NL_VIF_MAX_IP6];
	__u8 count; /* used entries of addr[] */
	__u8 pad[3];
	__u8 router[16]; /* virtual router's address, all-zero = none */
};

/*
 * The tenant's virtual router (issue 16, docs/tenants.md): maps "subnets"
 * and "subnets6" (LPM tries keyed by tenant + prefix) hold the tenant's
 * connected subnets (a destination there is resolved through NART-1) and
 * its static routes, each with up to NL_ROUTE_MAX_NH next hops (VIFs of
 * the tenant): the datapath spreads flows over the next hops NART-1 knows.
 */
#define NL_ROUTE_MAX_NH 4
_Static_assert((NL_ROUTE_MAX_NH & (NL_ROUTE_MAX_NH - 1)) == 0, "NL_ROUTE_MAX_NH: a power of two");

enum nl_subnet_kind {
	NL_SUBNET_CONNECTED = 0, /* a subnet: mac_as and router */
	NL_SUBNET_ROUTE = 1,	 /* a static route: n_nh next hops */
};

/* who wants an entry (user space only, user/agent/vrouter.c; the datapath ignores it) */
#define NL_SUBNET_O_VIF	 (1U << 0) /* a VIF here has an address in it (vif add) */
#define NL_SUBNET_O_FILE (1U << 1) /* the tenants file, for a tenant hosted here */

/*
 * IPv6 of tenants (issue 11, docs/ipv6.md).  Map "vif_ip6s": ifindex ->
 * struct nl_vif_ip6, the VIF's IPv6 side (anti-spoofing, proxy NDP, the
 * agent's record).  Map "local_ip6s": (tenant, IPv6) -> ifindex, the
 * agent's index for WHERE by IPv6.  Map "nart1v6" (hash): NART-1 for IPv6,
 * (tenant, IPv6) -> (MAC, MAC_AS_ID) and the loc_version of the HERE that
 * made the binding (the datapath ignores it).  Map "subnets6" (LPM trie):
 * (tenant, IPv6 prefix) -> MAC_AS and router of that subnet.
 */
#define NL_NART1V6_ENTRIES 65536 /* default size of map "nart1v6" */

struct nl_ip6_key {
	__u32 tenant;
	__u8 ip6[16];
};

struct nl_nart1v6_val {
	__u8 mac[6];
	__u16 mac_as;
	__u64 version;
};

struct nl_subnet6_key {
	__u32 prefixlen; /* 32 (tenant) + IPv6 prefix length */
	__u32 tenant;
	__u8 ip6[16];
};

struct nl_subnet6_val {
	__u16 mac_as; /* connected: the subnet's MAC space */
	__u8 kind;    /* enum nl_subnet_kind */
	__u8 n_nh;    /* route: next hops in nh6[], 1..NL_ROUTE_MAX_NH */
	__u8 router6[16];
	__u8 nh6[NL_ROUTE_MAX_NH][16]; /* route: next hops (VIFs of the tenant) */
	__u8 origin;		       /* NL_SUBNET_O_* */
	__u8 pad[3];
};

/* key of NART-2 and of map "local_vifs": a VIF network-wide, [0026] */
struct nl_vif_key {
	__u32 tenant;
	__u16 mac_as;
	__u8 mac[6];
};

/* map "local_vifs": struct nl_vif_key -> struct nl_local_vif */
struct nl_local_vif {
	__u32 ifindex;
	__u32 slot;
	__u32 flags; /* NL_VIF_F_* */
};

/*
 * map "local_ips": (tenant, IPv4) -> ifindex of the local VIF with that
 * address; the agent's index for WHERE-by-IP (the datapath does not read it)
 */
struct nl_local_ip_key {
	__u32 tenant;
	__be32 ip;
};

/*
 * XDP -> tc hand-off for VIFs that cannot take XDP_REDIRECT frames: the
 * uplink XDP program decapsulates, leaves this in the packet metadata and
 * passes; the uplink tc ingress program redirects on it.
 */
#define NL_XDP_META_MAGIC 0x4e4c4d31 /* "NLM1" */
struct nl_xdp_meta {
	__u32 magic;
	__u32 ifindex;
};

/* ---- NART ------------------------------------------------------------------ */

/*
 * The NARTs are compact cuckoo tables (include/nart_table.h, docs/nart.md):
 * a NART-1 slot is struct nl_nart1_key + struct nl_nart1_val, a NART-2 slot
 * struct nl_vif_key + (switch index, port); the switch index points into
 * map "switches" (struct nart_switch: egress switch MAC + its VLAN set).
 */

/* NART-1: (tenant, IP) -> (MAC, MAC_AS_ID) */
struct nl_nart1_key {
	__u32 tenant;
	__be32 ip;
};

struct nl_nart1_val {
	__u8 mac[6];
	__u16 mac_as;
};

/*
 * NART-2 as a kernel hash map used to store it: struct nl_vif_key -> location
 * (edge switch MAC, port).  Only the comparison benchmarks use it now.
 */
struct nl_nart2_val {
	__u8 switch_mac[6];
	__u16 port;
	__u64 version; /* loc_version of the HERE that set it (NL-ARP ordering) */
};

/*
 * The compact NART (include/nart_table.h) stores these records in its
 * slots, and its switch array stands in for the VLAN table rows: the sizes
 * must agree.  Here because both the BPF objects and user space include
 * this file.
 */
_Static_assert(NART_SWITCH_VLANS == NL_MAX_VLANS_PER_PAIR,
	       "a switch array entry holds one VLAN table row");
_Static_assert(NART_MAX_SWITCHES == NL_MAX_SWITCHES, "one switch array entry per VLAN table row");
_Static_assert(sizeof(struct nl_nart1_key) == NART1_KEY_WORDS * 4 &&
		       sizeof(struct nl_nart1_key) + sizeof(struct nl_nart1_val) ==
			       sizeof(struct nart1_slot) &&
		       __builtin_offsetof(struct nart1_slot, mac) == sizeof(struct nl_nart1_key),
	       "a NART-1 slot is struct nl_nart1_key + struct nl_nart1_val");
_Static_assert(sizeof(struct nl_vif_key) == NART2_KEY_WORDS * 4 &&
		       __builtin_offsetof(struct nart2_slot, switch_idx) ==
			       sizeof(struct nl_vif_key),
	       "a NART-2 slot starts with struct nl_vif_key");
_Static_assert(sizeof(struct nart1_slot) == sizeof(struct nart_slot) &&
		       sizeof(struct nart2_slot) == sizeof(struct nart_slot),
	       "typed slots have the layout of struct nart_slot");

/*
 * map "subnets" (LPM trie): (tenant, IPv4 prefix) -> a connected subnet
 * (MAC_AS, router) or a static route (next hops)
 */
struct nl_subnet_key {
	__u32 prefixlen; /* 32 (tenant) + IPv4 prefix length */
	__u32 tenant;	 /* always matched whole: prefixlen >= 32 */
	__be32 ip;
};

struct nl_subnet_val {
	__u16 mac_as;		    /* connected: the subnet's MAC space */
	__u8 kind;		    /* enum nl_subnet_kind */
	__u8 n_nh;		    /* route: next hops in nh[], 1..NL_ROUTE_MAX_NH */
	__be32 router_ip;	    /* connected: the virtual router's address */
	__be32 nh[NL_ROUTE_MAX_NH]; /* route: next hops (VIFs of the tenant) */
	__u8 origin;		    /* NL_SUBNET_O_* */
	__u8 pad[3];
};

/*
 * A VLAN table row: egress edge switch MAC -> VLANs usable from our switch.
 * In the datapath the set lives in the switch array (struct nart_switch);
 * struct nl_switch_key is the key of the former hash map (benchmarks only).
 */
struct nl_switch_key {
	__u8 mac[6];
	__u16 pad;
};

struct nl_vlan_set {
	__u16 count;			    /* 1..NL_MAX_VLANS_PER_PAIR */
	__u16 vlans[NL_MAX_VLANS_PER_PAIR]; /* 0 = untagged */
};

/* ---- tenant broadcast, multicast (flood, docs/wire-format.md section 3) ---- */

/*
 * map "flood_groups": (tenant, MAC_AS) -> the members of that MAC space a
 * broadcast or multicast frame goes to: the VIFs on this server and the
 * other servers (NART-2 locations: switch index, port) hosting at least
 * one VIF of it.  The agent (user/agent/flood.c) keeps it from the local
 * VIFs and NART-2.  The group (key chunk 0) holds the local members, the
 * number of remote servers and the first NL_FLOOD_CHUNK of them; remote
 * servers NL_FLOOD_CHUNK * k .. NL_FLOOD_CHUNK * (k + 1) - 1 are in the
 * entry with key chunk k (its remote[]; n_local 0), up to
 * NL_FLOOD_MAX_SERVERS in all.  A MAC space on more other servers gets the
 * first NL_FLOOD_MAX_SERVERS and NL_FLOOD_F_TRUNCATED; the datapath counts
 * each frame flooded so, or with a chunk missing, in tx_flood_trunc.
 */
#define NL_FLOOD_MAX_LOCAL   32
#define NL_FLOOD_CHUNK	     256
#define NL_FLOOD_MAX_CHUNKS  16
#define NL_FLOOD_MAX_SERVERS (NL_FLOOD_CHUNK * NL_FLOOD_MAX_CHUNKS) /* 4,096 */
#define NL_FLOOD_F_TRUNCATED (1U << 0)
/* default token bucket of flooded frames per VIF (nl_config.flood_*) */
#define NL_FLOOD_VIF_PER_S 1000
#define NL_FLOOD_VIF_BURST 200
/*
 * skb->mark of a frame `na-loader trace` runs through nl_vif_ingress: the
 * flood program counts the copies it would make but sends none
 * (BPF_PROG_TEST_RUN really transmits clones; trace promises nothing is
 * sent).  A VM's frame never carries it (marks do not cross namespaces).
 */
#define NL_TRACE_MARK 0x4e4c5452 /* "NLTR" */

struct nl_flood_key {
	__u32 tenant;
	__u16 mac_as;
	__u16 chunk; /* 0: the group; k: remote servers from NL_FLOOD_CHUNK * k */
};

struct nl_flood_member {
	__u32 ifindex;
	__u32 slot; /* vif_stats */
	__u8 mac[6];
	__u16 pad;
};

struct nl_flood_remote {
	__u16 switch_idx; /* switch array (NART-2 location) */
	__u16 port;
};

struct nl_flood_group {
	__u32 n_local;
	__u32 n_remote; /* chunk 0: remote servers in all; chunk k: in this entry */
	__u32 flags;	/* NL_FLOOD_F_* */
	__u32 pad;
	struct nl_flood_member local[NL_FLOOD_MAX_LOCAL];
	struct nl_flood_remote remote[NL_FLOOD_CHUNK];
};

/* ---- counters ---------------------------------------------------------------- */

/* map "vif_stats": per-CPU array indexed by nl_vif.slot; VM's point of view */
struct nl_vif_stats {
	__u64 rx_packets; /* delivered to the VM */
	__u64 rx_bytes;
	__u64 tx_packets; /* sent by the VM and forwarded */
	__u64 tx_bytes;
};

/*
 * map "counters": per-CPU array indexed by enum nl_counter.  Everything the
 * datapath does not forward is counted under exactly one reason.
 */
#define NL_COUNTERS(X)                                                                  \
	X(TX_NOT_READY, "tx_not_ready", "VM frame before LLDP/config")                  \
	X(TX_UNKNOWN_VIF, "tx_unknown_vif", "frame on an interface not a VIF")          \
	X(TX_MALFORMED, "tx_malformed", "truncated or invalid VM frame")                \
	X(TX_SPOOF_MAC, "tx_spoof_mac", "source MAC is not the VIF's")                  \
	X(TX_SPOOF_IP, "tx_spoof_ip", "source IPv4 is not the VIF's")                   \
	X(TX_ARP_REPLIED, "tx_arp_replied", "proxy ARP answered (not a drop)")          \
	X(TX_ARP_MISS, "tx_arp_miss", "ARP for an address not in NART-1")               \
	X(TX_ARP_IGNORED, "tx_arp_ignored", "ARP reply/probe/gratuitous from VM")       \
	X(TX_BCAST, "tx_bcast", "group frame, no other VIF in its MAC space")           \
	X(TX_NO_ROUTE, "tx_no_route", "routed packet to no subnet of the tenant")       \
	X(TX_TO_ROUTER, "tx_to_router", "packet addressed to the virtual router")       \
	X(TX_TTL_EXCEEDED, "tx_ttl_exceeded", "TTL expired: ICMP sent to VM")           \
	X(TX_NART1_MISS, "tx_nart1_miss", "NART-1 miss (WHERE needed)")                 \
	X(TX_NART2_MISS, "tx_nart2_miss", "NART-2 miss (WHERE needed)")                 \
	X(TX_VLAN_MISS, "tx_vlan_miss", "no VLAN towards the egress switch")            \
	X(TX_MTU, "tx_mtu", "too big after encapsulation (ICMP/ICMPv6 sent)")           \
	X(TX_GSO_IP_MODE, "tx_gso_ip_mode", "GSO packet in ip mode")                    \
	X(TX_ENCAP_FAILED, "tx_encap_failed", "kernel refused to grow the packet")      \
	X(TX_LOCAL_DELIVERED, "tx_local", "delivered to a VIF on this server")          \
	X(TX_ENCAPSULATED, "tx_encap", "encapsulated towards the fabric")               \
	X(TX_SPOOF_IP6, "tx_spoof_ip6", "source IPv6 is not the VIF's")                 \
	X(TX_NDP_REPLIED, "tx_ndp_replied", "proxy NDP answered (not a drop)")          \
	X(TX_NDP_MISS, "tx_ndp_miss", "NS for an address not in NART-1v6")              \
	X(TX_NDP_IGNORED, "tx_ndp_ignored", "DAD probe or NS for the VM's own address") \
	X(TX_HOP_EXCEEDED, "tx_hop_exceeded", "routed IPv6, hop limit 1: ICMPv6 sent")  \
	X(TX_PUNT_DHCP4, "tx_punt_dhcp4", "DHCPv4 request handed to the agent")         \
	X(TX_PUNT_DHCP6, "tx_punt_dhcp6", "DHCPv6 request handed to the agent")         \
	X(TX_PUNT_RS, "tx_punt_rs", "router solicitation handed to the agent")          \
	X(TX_PUNT_LIMITED, "tx_punt_limited", "DHCP/RS over the VIF's punt budget")     \
	X(TX_PUNT_LOST, "tx_punt_lost", "DHCP/RS dropped: punt ring full")              \
	X(TX_FLOOD_LIMITED, "tx_flood_limited", "group frame over the VIF's rate")      \
	X(TX_FLOOD_LOCAL, "tx_flood_local", "flood copy to a VIF on this server")       \
	X(TX_FLOOD_REMOTE, "tx_flood_remote", "flood copy to another server")           \
	X(TX_FLOOD_FAILED, "tx_flood_failed", "flood copy the kernel refused")          \
	X(TX_FLOOD_TRUNC, "tx_flood_trunc", "flood to a MAC space past the bound")      \
	X(TX_L2_RESERVED, "tx_l2_reserved", "to 01:80:c2:00:00:0x, never forwarded")    \
	X(TX_NO_NEXT_HOP, "tx_no_next_hop", "routed, no next hop in NART-1 (WHERE)")    \
	X(RX_PASS, "rx_pass", "not NetLord data: left to the kernel stack")             \
	X(RX_NOT_READY, "rx_not_ready", "NetLord data before LLDP/config")              \
	X(RX_MALFORMED, "rx_malformed", "truncated/bad length/bad IHL/fragment")        \
	X(RX_BAD_CSUM, "rx_bad_csum", "outer IPv4 checksum wrong")                      \
	X(RX_BAD_PROTO, "rx_bad_proto", "tenant address with non-NetLord payload")      \
	X(RX_BAD_TENANT, "rx_bad_tenant", "tenant ID out of range or mismatched")       \
	X(RX_INNER_BCAST, "rx_inner_bcast", "inner group frame, no member here")        \
	X(RX_NOT_HERE, "rx_not_here", "no such VIF here (NOT-HERE needed)")             \
	X(RX_DELIVERED, "rx_delivered", "decapsulated and sent to a VIF")               \
	X(RX_FLOOD, "rx_flood", "inner group frame copy sent to a VIF")                 \
	X(EVENT_LOST, "event_lost", "event ring buffer full")                           \
	X(EVENT_VIF_LIMITED, "event_vif_limited", "VIF's event budget spent (retried)") \
	X(MON_SHED, "monitor_shed", "drop event not sent: monitor rate limit")          \
	X(MON_LOST, "monitor_lost", "drop event not sent: monitor ring full")

#define NL_COUNTER_ENUM(name, str, help) NL_C_##name,
enum nl_counter { NL_COUNTERS(NL_COUNTER_ENUM) NL_C_MAX };
#undef NL_COUNTER_ENUM

/* ---- events to the agent (ring buffer "events") ---------------------------------- */

/* the kernel wants a ring buffer of a power-of-two number of pages */
_Static_assert((NL_EVENT_RING_BYTES & (NL_EVENT_RING_BYTES - 1)) == 0 &&
		       NL_EVENT_RING_BYTES % 4096 == 0,
	       "NL_EVENT_RING_BYTES: power of two, whole pages");

enum nl_event_type {
	NL_EV_NART1_MISS = 1,	/* need WHERE for (tenant, ip) */
	NL_EV_NART2_MISS = 2,	/* need WHERE for (tenant, mac_as, mac) */
	NL_EV_VLAN_MISS = 3,	/* no VLAN table row for switch_mac */
	NL_EV_NOT_HERE = 4,	/* received traffic for a VIF not hosted here */
	NL_EV_NART1V6_MISS = 5, /* need WHERE for (tenant, ip6) */
};

struct nl_event {
	__u32 type; /* enum nl_event_type */
	__u32 tenant;
	__u16 mac_as;
	__u8 mac[6]; /* VIF the event is about */
	union {
		struct {
			__be32 ip;	    /* NART1_MISS: the address; NOT_HERE: inner source IP */
			__u8 switch_mac[6]; /* VLAN_MISS: egress switch */
			__u8 peer_mac[6];   /* NOT_HERE: inner source MAC (to find the sender) */
		};
		__u8 ip6[16]; /* NART1V6_MISS: the address (same bytes: no bigger record) */
	};
	__be32 outer_saddr; /* NOT_HERE: outer source address */
	__u32 ifindex;	    /* VIF that triggered the miss, 0 on receive */
};

_Static_assert(sizeof(struct nl_event) == 40 && __builtin_offsetof(struct nl_event, ip6) == 16,
	       "struct nl_event: the IPv6 address overlays ip, switch_mac and peer_mac");

/* map "event_budget" (LRU): the token bucket of one VIF (or tenant, receive side) */
struct nl_event_bucket {
	__u64 last_ns; /* when the bucket last got its tokens */
	__u32 tokens;
	__u32 pad;
};

/* key of map "event_dedup" (LRU): one event per key per interval */
struct nl_event_key {
	__u32 type;
	__u32 tenant;
	__u16 mac_as;
	__u8 mac[6];
	__be32 ip;
	__u8 ip6[16]; /* NART1V6_MISS */
};

/* ---- control frames handed to the agent (ring buffer "punt_ring", docs/dhcp.md) ---- */

/*
 * DHCPv4 and DHCPv6 client->server messages and ICMPv6 router
 * solicitations a VM sends never reach the fabric: the VIF program copies
 * the first NL_PUNT_CAP bytes into the punt ring (bpf/lib/punt.h) and drops
 * the frame; the agent answers into the VIF (user/agent/responder.c).  Each
 * VIF has a token bucket of NL_PUNT_VIF_BURST frames refilled at
 * NL_PUNT_VIF_PER_S (map "punt_budget").
 */
#define NL_PUNT_RING_BYTES (256 * 1024)
#define NL_PUNT_CAP	   1536
#define NL_PUNT_VIF_BURST  16
#define NL_PUNT_VIF_PER_S  8
_Static_assert((NL_PUNT_RING_BYTES & (NL_PUNT_RING_BYTES - 1)) == 0 &&
		       NL_PUNT_RING_BYTES % 4096 == 0,
	       "NL_PUNT_RING_BYTES: power of two, whole pages");

enum nl_punt_kind {
	NL_PUNT_DHCP4 = 1, /* IPv4 UDP 68 -> 67 */
	NL_PUNT_DHCP6 = 2, /* IPv6 UDP 546 -> 547 */
	NL_PUNT_RS = 3,	   /* ICMPv6 type 133 */
};

struct nl_punt {
	__u32 ifindex; /* the VIF the frame came from */
	__u16 kind;    /* enum nl_punt_kind */
	__u16 cap_len; /* bytes of @data that hold the frame */
	__u32 pkt_len; /* length of the whole frame */
	__u32 pad;
	__u8 data[NL_PUNT_CAP];
};

/* ---- monitor: drop events while someone watches (docs/monitor.md) ----------------- */

#define NL_MON_RING_BYTES (256 * 1024)
#define NL_MON_CAP_BYTES  128 /* frame bytes captured per drop event */
_Static_assert((NL_MON_RING_BYTES & (NL_MON_RING_BYTES - 1)) == 0 && NL_MON_RING_BYTES % 4096 == 0,
	       "NL_MON_RING_BYTES: power of two, whole pages");

/*
 * The datapath's globals nl_mon_watching, nl_mon_cost_ns, nl_mon_burst_ns
 * (bpf/lib/monitor.h) switch the drop events on and bound their rate.
 */
#define NL_MON_RATE_PER_CPU 2000 /* default: drop events per second per CPU */
#define NL_MON_BURST	    200	 /* default bucket depth, events */

/* map "mon_bucket": per-CPU token bucket state of the drop events */
struct nl_mon_bucket {
	__u64 last_ns; /* ktime of the last refill */
	__u64 credit_ns;
};

/* which program dropped the frame */
enum nl_mon_hook {
	NL_MON_HOOK_VIF = 1,	    /* nl_vif_ingress: a VM's frame (tc, VIF side) */
	NL_MON_HOOK_UPLINK_XDP = 2, /* nl_uplink_xdp: from the fabric */
	NL_MON_HOOK_UPLINK_TC = 3,  /* nl_uplink_tc */
};

/* ring buffer "mon_ring": one record per drop while the monitor is on */
struct nl_mon_drop {
	__u16 reason; /* enum nl_counter */
	__u8 hook;    /* enum nl_mon_hook */
	__u8 pad;
	__u32 ifindex; /* interface the frame arrived on */
	__u32 tenant;  /* VIF hook: the VIF's tenant (0: not a VIF) */
	__u16 mac_as;  /* VIF hook: the VIF's MAC space */
	__u16 cap_len; /* bytes of @data that hold the frame */
	__u32 pkt_len; /* length of the whole frame */
	__u32 pad2;
	__u64 ts_ns; /* bpf_ktime_get_ns() */
	__u8 data[NL_MON_CAP_BYTES];
};

#endif /* NETLORD_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "world.h"
/* the agent's writer of the compact tables (same file name as include/nart_table.h) */
#include "cnart.h"

const uint8_t W_S1[6] = {0x02, 0x4e, 0x4c, 0x00, 0x00, 0x01};
const uint8_t W_S2[6] = {0x02, 0x4e, 0x4c, 0x00, 0x00, 0x02};
const uint8_t W_SERVER_MAC[6] = {0x52, 0x54, 0x00, 0x00, 0x03, 0x01};
const uint8_t W_ROUTER_MAC[6] = {0x02, 0x00, 0x5e, 0x00, 0x01, 0x01};
const uint8_t W_MAC_1[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, 0x01};
const uint8_t W_MAC_2[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, 0x02};
const uint8_t W_MAC_3[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, 0x03};
const uint8_t W_MAC_4[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, 0x04};
const uint8_t W_MAC_5[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, 0x05};

/* the compact NARTs and switch array of the object world_fill() filled last */
static struct {
	struct cnart *t1, *t2;
	struct cnart_switches *sw;
} tabs;

static void tables_close(void)
{
	cnart_close(tabs.t1);
	cnart_close(tabs.t2);
	cnart_switches_close(tabs.sw);
	memset(&tabs, 0, sizeof(tabs));
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -1;
}

/* maps the tables of @obj with fresh random seeds (like a first agent start) */
static int tables_open(struct bpf_object *obj)
{
	tables_close();
	tabs.t1 = cnart_open(map_fd(obj, "nl_nart1"), CNART_1, cnart_random_seed());
	tabs.t2 = cnart_open(map_fd(obj, "nl_nart2"), CNART_2, cnart_random_seed());
	tabs.sw = cnart_switches_open(map_fd(obj, "nl_switches"));
	return tabs.t1 && tabs.t2 && tabs.sw ? 0 : -1;
}

int world_nart1_set(__u32 tenant, uint32_t ip, const uint8_t mac[6], __u16 mac_as)
{
	struct nart1_slot s = {.tenant = tenant, .ip = htonl(ip), .mac_as = mac_as};

	if (!tabs.t1)
		return -EBADF;
	memcpy(s.mac, mac, 6);
	return cnart1_put(tabs.t1, &s, 1) < 0 ? -1 : 0;
}

int world_nart1_del(__u32 tenant, uint32_t ip)
{
	__u32 key[2] = {tenant, htonl(ip)};

	if (!tabs.t1)
		return -EBADF;
	return cnart_del(tabs.t1, key) ? 0 : -ENOENT;
}

int world_nart2_set(__u32 tenant, __u16 mac_as, const uint8_t mac[6], const uint8_t sw[6],
		    __u16 port)
{
	struct nart2_slot s = {.tenant = tenant, .mac_as = mac_as, .port = port};
	int idx;

	if (!tabs.t2)
		return -EBADF;
	idx = cnart_switch_index(tabs.sw, sw);
	if (idx <= 0)
		return -1;
	memcpy(s.mac, mac, 6);
	s.switch_idx = (__u16)idx;
	return cnart2_put(tabs.t2, &s, 1) < 0 ? -1 : 0;
}

int world_switch_idx(const uint8_t sw[6])
{
	if (!tabs.sw)
		return -EBADF;
	return cnart_switch_index(tabs.sw, sw);
}

int world_vlans_set(const uint8_t sw[6], int n, const __u16 *vlans)
{
	int idx;

	if (!tabs.sw)
		return -EBADF;
	idx = cnart_switch_index(tabs.sw, sw);
	if (idx <= 0)
		return -1;
	return cnart_switch_set_vlans(tabs.sw, idx, (__u16)n, vlans);
}

struct filler {
	struct bpf_object *obj;
	char *err;
	size_t errlen;
	int failed;
	__u8 cache_used[NL_VIF_CACHE_SLOTS]; /* nl_vif_cache slots filled */
};

static void fail(struct filler *f, const char *fmt, ...)
{
	va_list ap;

	if (f->failed++)
		return;
	va_start(ap, fmt);
	vsnprintf(f->err, f->errlen, fmt, ap);
	va_end(ap);
}

static void update(struct filler *f, const char *map, const void *key, const void *val)
{
	struct bpf_map *m = bpf_object__find_map_by_name(f->obj, map);

	if (!m)
		fail(f, "no map %s", map);
	else if (bpf_map_update_elem(bpf_map__fd(m), key, val, BPF_ANY))
		fail(f, "update %s: %s", map, strerror(errno));
}

static void add_vif(struct filler *f, int ifindex, int slot, __u32 tenant, __u16 mac_as,
		    const uint8_t mac[6], uint32_t ip, uint32_t router, __u32 flags)
{
	struct nl_vif v = {
		.tenant = tenant,
		.mac_as = mac_as,
		.ip = htonl(ip),
		.router_ip = htonl(router),
		.prefix_len = 24,
		.flags = flags,
		.slot = slot,
		.ifindex = ifindex,
	};
	struct nl_vif_key k = {.tenant = tenant, .mac_as = mac_as};
	struct nl_local_vif l = {.ifindex = ifindex, .slot = slot, .flags = flags};
	__u32 idx = ifindex;

	memcpy(v.mac, mac, 6);
	if (router)
		memcpy(v.router_mac, W_ROUTER_MAC, 6);
	memcpy(k.mac, mac, 6);
	update(f, "nl_vifs", &idx, &v);
	update(f, "nl_local_vifs", &k, &l);
	/* the cache slot too, as the agent does (a1 and b1 may collide: then b1 is hash-only) */
	idx = ifindex & (NL_VIF_CACHE_SLOTS - 1);
	if (!f->cache_used[idx]) {
		f->cache_used[idx] = 1;
		update(f, "nl_vif_cache", &idx, &v);
	}
}

static void add_nart1(struct filler *f, __u32 tenant, uint32_t ip, const uint8_t mac[6],
		      __u16 mac_as)
{
	if (world_nart1_set(tenant, ip, mac, mac_as))
		fail(f, "NART-1 insert failed");
}

static void add_nart2(struct filler *f, __u32 tenant, __u16 mac_as, const uint8_t mac[6],
		      const uint8_t sw[6], __u16 port)
{
	if (world_nart2_set(tenant, mac_as, mac, sw, port))
		fail(f, "NART-2 insert failed");
}

static void add_subnet(struct filler *f, __u32 tenant, uint32_t net, int len, __u16 mac_as,
		       uint32_t router)
{
	struct nl_subnet_key k = {.prefixlen = 32 + len, .tenant = tenant, .ip = htonl(net)};
	struct nl_subnet_val v = {.mac_as = mac_as, .router_ip = htonl(router)};

	update(f, "nl_subnets", &k, &v);
}

static void add_vlans(struct filler *f, const uint8_t sw[6], int n, const __u16 *vlans)
{
	if (world_vlans_set(sw, n, vlans))
		fail(f, "switch array: cannot set the VLANs");
}

int world_netns(struct world *w, char *err, size_t errlen)
{
	static const char *const names[] = {"a1", "b1", "a5", "l2", "uplink"};
	int *idx[] = {&w->ifindex_a1, &w->ifindex_b1, &w->ifindex_a5, &w->ifindex_l2,
		      &w->ifindex_uplink};
	FILE *ip;

	if (unshare(CLONE_NEWNET)) {
		snprintf(err, errlen, "unshare: %s (run as root)", strerror(errno));
		return -1;
	}
	ip = popen("ip -batch -", "w");
	if (!ip) {
		snprintf(err, errlen, "ip: %s", strerror(errno));
		return -1;
	}
	fputs("link add a1 type veth peer name a1p\n"
	      "link add b1 type veth peer name b1p\n"
	      "link add a5 type veth peer name a5p\n"
	      "link add l2 type veth peer name l2p\n"
	      "link add uplink type veth peer name fabric\n",
	      ip);
	if (pclose(ip)) {
		snprintf(err, errlen, "ip link add failed");
		return -1;
	}
	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		*idx[i] = if_nametoindex(names[i]);
		if (!*idx[i]) {
			snprintf(err, errlen, "no interface %s", names[i]);
			return -1;
		}
	}
	w->slot_a1 = 1;
	w->slot_b1 = 2;
	w->slot_a5 = 3;
	w->slot_l2 = 4;
	return 0;
}

int world_fill(struct bpf_object *obj, const struct world *w, int encap_mode, int tenant_bits,
	       char *err, size_t errlen)
{
	static const __u16 s1_vlans[] = {0};
	static const __u16 s2_vlans[] = {W_VLANS_S2_0, W_VLANS_S2_1};
	struct filler f = {.obj = obj, .err = err, .errlen = errlen};
	struct nl_config cfg = {
		.port = W_PORT,
		.encap_mode = encap_mode,
		.tenant_bits = tenant_bits,
		.flags = NL_CFG_F_READY,
		.fabric_mtu = 1500,
		.broadcast_vlan = 4094,
		.event_interval_ms = 100,
		.uplink_ifindex = w->ifindex_uplink,
	};
	__u32 zero = 0;

	if (tables_open(obj)) {
		snprintf(err, errlen, "cannot map the NART arrays: %s", strerror(errno));
		return -1;
	}
	cfg.nart1 = cnart_geom(tabs.t1);
	cfg.nart2 = cnart_geom(tabs.t2);
	memcpy(cfg.switch_mac, W_S1, 6);
	memcpy(cfg.server_mac, W_SERVER_MAC, 6);
	update(&f, "nl_config", &zero, &cfg);

	add_vif(&f, w->ifindex_a1, w->slot_a1, W_TENANT_A, 1, W_MAC_1, W_IP_1, W_ROUTER_1,
		NL_VIF_F_XDP_REDIRECT);
	add_vif(&f, w->ifindex_b1, w->slot_b1, W_TENANT_B, 1, W_MAC_1, W_IP_1, W_ROUTER_1, 0);
	add_vif(&f, w->ifindex_a5, w->slot_a5, W_TENANT_A, 1, W_MAC_5, W_IP_5, W_ROUTER_1, 0);
	/* an L2-only VIF: no IP, MAC space 3 */
	add_vif(&f, w->ifindex_l2, w->slot_l2, W_TENANT_A, 3, W_MAC_4, 0, 0, 0);

	add_nart1(&f, W_TENANT_A, W_IP_1, W_MAC_1, 1);
	add_nart1(&f, W_TENANT_A, W_IP_2, W_MAC_2, 1);
	add_nart1(&f, W_TENANT_A, W_IP_3, W_MAC_3, 2);
	add_nart1(&f, W_TENANT_A, W_IP_4, W_MAC_4, 1);
	add_nart1(&f, W_TENANT_A, W_IP_5, W_MAC_5, 1);
	add_nart1(&f, W_TENANT_B, W_IP_1, W_MAC_1, 1);
	add_nart1(&f, W_TENANT_B, W_IP_2, W_MAC_2, 1);

	add_nart2(&f, W_TENANT_A, 1, W_MAC_2, W_S2, 7);
	add_nart2(&f, W_TENANT_A, 2, W_MAC_3, W_S2, 9);
	add_nart2(&f, W_TENANT_A, 1, W_MAC_4, W_S1, 5);
	add_nart2(&f, W_TENANT_A, 3, W_MAC_2, W_S2, 7);
	add_nart2(&f, W_TENANT_B, 1, W_MAC_2, W_S2, 8);

	add_subnet(&f, W_TENANT_A, W_IP(192, 168, 1, 0), 24, 1, W_ROUTER_1);
	add_subnet(&f, W_TENANT_A, W_IP(192, 168, 2, 0), 24, 2, W_ROUTER_2);
	add_subnet(&f, W_TENANT_B, W_IP(192, 168, 1, 0), 24, 1, W_ROUTER_1);

	add_vlans(&f, W_S1, 1, s1_vlans);
	add_vlans(&f, W_S2, 2, s2_vlans);
	return f.failed ? -1 : 0;
}

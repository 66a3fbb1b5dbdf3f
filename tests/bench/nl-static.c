// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * nl-static: a minimal, static NetLord control plane for benchmarks.
 *
 * Loads bpf/netlord.bpf.c through its skeleton, fills the maps for one local
 * VIF and one remote peer VM (no LLDP, no NL-ARP, no repository), attaches
 *   nl_vif_ingress  tc ingress of the VIF (hypervisor side)
 *   nl_uplink_xdp   native XDP on the uplink
 *   nl_uplink_tc    tc ingress of the uplink
 * and stays in the foreground until SIGINT/SIGTERM, then detaches.
 * "READY" is printed on stdout once everything is attached.
 *
 * The agent (na-loader) is not involved: the benchmark must not depend on it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "netlord.h"
#include "netlord.skel.h"
/* the agent's writer of the compact NARTs (same file name as include/nart_table.h) */
#include "cnart.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s --uplink IF --vif IF --tenant T --mac-as M\n"
		"          --vm-mac MAC --vm-ip IP --peer-mac MAC --peer-ip IP\n"
		"          --switch-mac MAC --port P --peer-port P [--peer-switch-mac MAC]\n"
		"          [--encap ip|udp|gre] [--server-mac MAC] [--xdp-redirect] [--skb-mode]\n"
		"          [--rx xdp|tc] [--veth] [--dump-counters]\n"
		"--rx tc: no XDP; nl_uplink_rx_tc receives after GRO.  --veth: the VIF is a\n"
		"veth (the tc receive path may use bpf_redirect_peer).\n",
		prog);
}

static int parse_mac(const char *s, __u8 mac[6])
{
	unsigned int b[6];
	char extra;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &extra) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static int if_info(const char *name, int *ifindex, __u8 mac[6], int *mtu)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int ret = -1;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	*ifindex = if_nametoindex(name);
	if (!*ifindex)
		goto out;
	if (mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr))
			goto out;
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	if (mtu) {
		if (ioctl(fd, SIOCGIFMTU, &ifr))
			goto out;
		*mtu = ifr.ifr_mtu;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static int update(struct bpf_map *m, const void *key, const void *val)
{
	if (bpf_map_update_elem(bpf_map__fd(m), key, val, BPF_ANY)) {
		fprintf(stderr, "nl-static: update %s: %s\n", bpf_map__name(m), strerror(errno));
		return -1;
	}
	return 0;
}

static int tc_attach(int ifindex, int prog_fd, struct bpf_tc_hook *hook)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1, .prog_fd = prog_fd);
	int err;

	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_INGRESS;
	err = bpf_tc_hook_create(hook);
	if (err && err != -EEXIST) {
		fprintf(stderr, "nl-static: tc hook on ifindex %d: %s\n", ifindex, strerror(-err));
		return -1;
	}
	err = bpf_tc_attach(hook, &opts);
	if (err) {
		fprintf(stderr, "nl-static: tc attach on ifindex %d: %s\n", ifindex,
			strerror(-err));
		return -1;
	}
	return 0;
}

static const char *const counter_names[] = {
#define NL_COUNTER_STR(name, str, help) str,
	NL_COUNTERS(NL_COUNTER_STR)
#undef NL_COUNTER_STR
};

/* Non-zero counters summed over CPUs, one "name value" a line, on stderr. */
static void dump_counters(struct netlord_bpf *skel)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;

	if (ncpu <= 0)
		return;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return;
	for (__u32 i = 0; i < NL_C_MAX; i++) {
		__u64 sum = 0;

		if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.nl_counters), &i, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
		if (sum)
			fprintf(stderr, "nl-static counter %s %llu\n", counter_names[i],
				(unsigned long long)sum);
	}
	free(vals);
}

int main(int argc, char **argv)
{
	enum {
		O_UPLINK = 1,
		O_VIF,
		O_TENANT,
		O_MAC_AS,
		O_VM_MAC,
		O_VM_IP,
		O_PEER_MAC,
		O_PEER_IP,
		O_SWITCH_MAC,
		O_PEER_SWITCH_MAC,
		O_PORT,
		O_PEER_PORT,
		O_ENCAP,
		O_SERVER_MAC,
		O_XDP_REDIRECT,
		O_SKB_MODE,
		O_DUMP,
		O_RX,
		O_VETH,
	};
	static const struct option opts[] = {
		{"uplink", required_argument, NULL, O_UPLINK},
		{"vif", required_argument, NULL, O_VIF},
		{"tenant", required_argument, NULL, O_TENANT},
		{"mac-as", required_argument, NULL, O_MAC_AS},
		{"vm-mac", required_argument, NULL, O_VM_MAC},
		{"vm-ip", required_argument, NULL, O_VM_IP},
		{"peer-mac", required_argument, NULL, O_PEER_MAC},
		{"peer-ip", required_argument, NULL, O_PEER_IP},
		{"switch-mac", required_argument, NULL, O_SWITCH_MAC},
		{"peer-switch-mac", required_argument, NULL, O_PEER_SWITCH_MAC},
		{"port", required_argument, NULL, O_PORT},
		{"peer-port", required_argument, NULL, O_PEER_PORT},
		{"encap", required_argument, NULL, O_ENCAP},
		{"server-mac", required_argument, NULL, O_SERVER_MAC},
		{"xdp-redirect", no_argument, NULL, O_XDP_REDIRECT},
		{"skb-mode", no_argument, NULL, O_SKB_MODE},
		{"dump-counters", no_argument, NULL, O_DUMP},
		{"rx", required_argument, NULL, O_RX},
		{"veth", no_argument, NULL, O_VETH},
		{},
	};
	const char *uplink = NULL, *vifname = NULL;
	__u8 vm_mac[6], peer_mac[6], switch_mac[6], peer_switch_mac[6], server_mac[6];
	bool have_vm_mac = false, have_peer_mac = false, have_switch = false;
	bool have_peer_switch = false, have_server_mac = false, xdp_redirect = false;
	bool skb_mode = false, dump = false, rx_tc = false, veth = false;
	unsigned long tenant = 0, mac_as = 0, port = 0, peer_port = 0;
	struct in_addr vm_ip = {}, peer_ip = {};
	int encap = NL_ENCAP_UDP;
	struct netlord_bpf *skel = NULL;
	struct bpf_tc_hook vif_hook, up_hook;
	int uplink_ifindex, vif_ifindex, uplink_mtu, xdp_flags, c, ret = 1;
	bool xdp_attached = false, vif_tc = false, up_tc = false;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_UPLINK:
			uplink = optarg;
			break;
		case O_VIF:
			vifname = optarg;
			break;
		case O_TENANT:
			tenant = strtoul(optarg, NULL, 0);
			break;
		case O_MAC_AS:
			mac_as = strtoul(optarg, NULL, 0);
			break;
		case O_PORT:
			port = strtoul(optarg, NULL, 0);
			break;
		case O_PEER_PORT:
			peer_port = strtoul(optarg, NULL, 0);
			break;
		case O_VM_MAC:
			have_vm_mac = !parse_mac(optarg, vm_mac);
			break;
		case O_PEER_MAC:
			have_peer_mac = !parse_mac(optarg, peer_mac);
			break;
		case O_SWITCH_MAC:
			have_switch = !parse_mac(optarg, switch_mac);
			break;
		case O_PEER_SWITCH_MAC:
			have_peer_switch = !parse_mac(optarg, peer_switch_mac);
			break;
		case O_SERVER_MAC:
			have_server_mac = !parse_mac(optarg, server_mac);
			break;
		case O_VM_IP:
			if (inet_pton(AF_INET, optarg, &vm_ip) != 1)
				goto bad;
			break;
		case O_PEER_IP:
			if (inet_pton(AF_INET, optarg, &peer_ip) != 1)
				goto bad;
			break;
		case O_ENCAP:
			if (!strcmp(optarg, "ip"))
				encap = NL_ENCAP_IP;
			else if (!strcmp(optarg, "udp"))
				encap = NL_ENCAP_UDP;
			else if (!strcmp(optarg, "gre"))
				encap = NL_ENCAP_GRE;
			else
				goto bad;
			break;
		case O_RX:
			if (!strcmp(optarg, "tc"))
				rx_tc = true;
			else if (strcmp(optarg, "xdp"))
				goto bad;
			break;
		case O_VETH:
			veth = true;
			break;
		case O_XDP_REDIRECT:
			xdp_redirect = true;
			break;
		case O_SKB_MODE:
			skb_mode = true;
			break;
		case O_DUMP:
			dump = true;
			break;
		default:
			goto bad;
		}
	}
	if (optind != argc || !uplink || !vifname || !have_vm_mac || !have_peer_mac ||
	    !have_switch || !vm_ip.s_addr || !peer_ip.s_addr || tenant < NL_TENANT_MIN ||
	    tenant > NL_TENANT_MAX_16 || mac_as > 255 || port < 1 || port > 255 || peer_port < 1 ||
	    peer_port > 255)
		goto bad;
	if (!have_peer_switch)
		memcpy(peer_switch_mac, switch_mac, 6);

	if (if_info(uplink, &uplink_ifindex, have_server_mac ? NULL : server_mac, &uplink_mtu)) {
		fprintf(stderr, "nl-static: uplink %s: %s\n", uplink, strerror(errno));
		return 1;
	}
	if (if_info(vifname, &vif_ifindex, NULL, NULL)) {
		fprintf(stderr, "nl-static: vif %s: %s\n", vifname, strerror(errno));
		return 1;
	}

	skel = netlord_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "nl-static: loading netlord.bpf.o: %s\n", strerror(errno));
		return 1;
	}

	{
		__u32 zero = 0, idx = vif_ifindex, slot = 1;
		__u32 cache_slot = idx & (NL_VIF_CACHE_SLOTS - 1);
		__u32 vflags =
			(xdp_redirect ? NL_VIF_F_XDP_REDIRECT : 0) | (veth ? NL_VIF_F_VETH : 0);
		struct nl_config cfg = {
			.port = port,
			.encap_mode = encap,
			.tenant_bits = NL_TENANT_BITS_16,
			.uplink_ifindex = uplink_ifindex,
			.flags = NL_CFG_F_READY,
			.fabric_mtu = uplink_mtu,
			.broadcast_vlan = 0,
			.event_interval_ms = 1000,
		};
		struct nl_vif vif = {
			.tenant = tenant,
			.mac_as = mac_as,
			.ip = vm_ip.s_addr,
			.prefix_len = 24,
			.flags = vflags,
			.slot = slot,
			.ifindex = vif_ifindex,
		};
		struct nl_vif_key me = {.tenant = tenant, .mac_as = mac_as};
		struct nl_local_vif lv = {.ifindex = vif_ifindex, .slot = slot, .flags = vflags};
		struct nart1_slot n1 = {.tenant = tenant, .mac_as = mac_as};
		struct nart2_slot n2me = {.tenant = tenant, .mac_as = mac_as, .port = port};
		struct nart2_slot n2peer = {.tenant = tenant, .mac_as = mac_as, .port = peer_port};
		static const __u16 untagged[] = {NL_VLAN_UNTAGGED};
		struct cnart *t1, *t2;
		struct cnart_switches *sw;
		int me_idx, peer_idx;

		memcpy(cfg.switch_mac, switch_mac, 6);
		memcpy(cfg.server_mac, server_mac, 6);
		memcpy(vif.mac, vm_mac, 6);
		memcpy(me.mac, vm_mac, 6);
		memcpy(n2me.mac, vm_mac, 6);
		memcpy(n2peer.mac, peer_mac, 6);

		/* the compact NARTs and the switch array, written through mmap */
		t1 = cnart_open(bpf_map__fd(skel->maps.nl_nart1), CNART_1, cnart_random_seed());
		t2 = cnart_open(bpf_map__fd(skel->maps.nl_nart2), CNART_2, cnart_random_seed());
		sw = cnart_switches_open(bpf_map__fd(skel->maps.nl_switches));
		if (!t1 || !t2 || !sw) {
			fprintf(stderr, "nl-static: cannot map the NART arrays: %s\n",
				strerror(errno));
			goto out;
		}
		cfg.nart1 = cnart_geom(t1);
		cfg.nart2 = cnart_geom(t2);
		me_idx = cnart_switch_index(sw, switch_mac);
		peer_idx = cnart_switch_index(sw, peer_switch_mac);
		n2me.switch_idx = (__u16)me_idx;
		n2peer.switch_idx = (__u16)peer_idx;
		/* NART-1 for the peer and for ourselves (ARP from the peer side) */
		n1.ip = peer_ip.s_addr;
		memcpy(n1.mac, peer_mac, 6);
		if (me_idx <= 0 || peer_idx <= 0 ||
		    cnart_switch_set_vlans(sw, peer_idx, 1, untagged) ||
		    cnart2_put(t2, &n2me, 1) < 0 || cnart2_put(t2, &n2peer, 1) < 0 ||
		    cnart1_put(t1, &n1, 1) < 0) {
			fprintf(stderr, "nl-static: cannot fill the NARTs\n");
			goto out;
		}
		n1.ip = vm_ip.s_addr;
		memcpy(n1.mac, vm_mac, 6);
		if (cnart1_put(t1, &n1, 1) < 0)
			goto out;
		/* the mappings stay until exit: the datapath reads the arrays, not them */
		if (update(skel->maps.nl_config, &zero, &cfg) ||
		    update(skel->maps.nl_vifs, &idx, &vif) ||
		    update(skel->maps.nl_vif_cache, &cache_slot, &vif) ||
		    update(skel->maps.nl_local_vifs, &me, &lv))
			goto out;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	xdp_flags = skb_mode ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	if (!rx_tc) {
		if (bpf_xdp_attach(uplink_ifindex, bpf_program__fd(skel->progs.nl_uplink_xdp),
				   xdp_flags, NULL)) {
			fprintf(stderr, "nl-static: XDP attach on %s: %s\n", uplink,
				strerror(errno));
			goto out;
		}
		xdp_attached = true;
	}
	if (tc_attach(
		    uplink_ifindex,
		    bpf_program__fd(rx_tc ? skel->progs.nl_uplink_rx_tc : skel->progs.nl_uplink_tc),
		    &up_hook))
		goto out;
	up_tc = true;
	if (tc_attach(vif_ifindex, bpf_program__fd(skel->progs.nl_vif_ingress), &vif_hook))
		goto out;
	vif_tc = true;

	printf("READY uplink=%s(%d) mtu=%d vif=%s(%d) encap=%s rx=%s xdp=%s vif_flags=%s%s\n",
	       uplink, uplink_ifindex, uplink_mtu, vifname, vif_ifindex,
	       encap == NL_ENCAP_UDP   ? "udp"
	       : encap == NL_ENCAP_GRE ? "gre"
				       : "ip",
	       rx_tc ? "tc" : "xdp", skb_mode ? "skb" : "native",
	       xdp_redirect ? "xdp_redirect" : "xdp_pass+tc", veth ? ",veth" : "");
	fflush(stdout);
	while (!stop)
		pause();
	ret = 0;
out:
	if (dump && skel)
		dump_counters(skel);
	if (vif_tc)
		bpf_tc_hook_destroy(&vif_hook);
	if (up_tc)
		bpf_tc_hook_destroy(&up_hook);
	if (xdp_attached)
		bpf_xdp_detach(uplink_ifindex, xdp_flags, NULL);
	netlord_bpf__destroy(skel);
	return ret;
bad:
	usage(argv[0]);
	return 2;
}

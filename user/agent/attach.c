// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpffs, loading the datapath skeleton, pinning every map, program and the
 * XDP link under /sys/fs/bpf/netlord/<iface>/, tc attachment, and the
 * reverse (detach).  A restarted agent finds the pins and reuses them: the
 * maps keep their contents, the programs are replaced atomically (XDP link
 * update, tc filter replace), so forwarding never stops.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent.h"
#include "netlord.skel.h"

#define BPF_FS_MAGIC_ 0xcafe4a11
#define NA_TC_HANDLE  0x4e4c /* "NL" */
#define NA_TC_PRIO    1

int na_mkdir_p(const char *path, int mode)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int na_check_env(const char *ifname, int *ifindex)
{
	if (geteuid() != 0) {
		log_err("must run as root (needs BPF, netlink and raw sockets)");
		return NA_EXIT_ENV;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		log_err("kernel has no BTF (/sys/kernel/btf/vmlinux): a kernel with "
			"CONFIG_DEBUG_INFO_BTF=y is required");
		return NA_EXIT_ENV;
	}
	if (strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/')) {
		log_err("'%s' is not a valid interface name", ifname);
		return NA_EXIT_USAGE;
	}
	*ifindex = (int)if_nametoindex(ifname);
	if (!*ifindex) {
		log_err("interface %s does not exist (check `ip link`)", ifname);
		return NA_EXIT_ENV;
	}
	return 0;
}

static int mount_bpffs(void)
{
	struct statfs st;

	if (!statfs(NA_BPFFS, &st) && (unsigned long)st.f_type == BPF_FS_MAGIC_)
		return 0;
	if (mount("bpf", NA_BPFFS, "bpf", 0, "mode=0700")) {
		log_err("cannot mount bpffs on %s: %s (mount it: mount -t bpf bpf %s)", NA_BPFFS,
			strerror(errno), NA_BPFFS);
		return -1;
	}
	log_info("mounted bpffs on %s", NA_BPFFS);
	return 0;
}

/* ---- pinned maps for the CLI ------------------------------------------------------- */

int na_maps_open_pinned(const char *ifname, struct na_maps *m)
{
	char path[PATH_MAX];

	memset(m, -1, sizeof(*m));
#define OPEN(n)                                                            \
	snprintf(path, sizeof(path), "%s/%s/nl_" #n, NA_PIN_ROOT, ifname); \
	m->n = bpf_obj_get(path);                                          \
	if (m->n < 0) {                                                    \
		int e = -errno;                                            \
		na_maps_close(m);                                          \
		return e;                                                  \
	}
	NA_MAPS(OPEN)
#undef OPEN
	return 0;
}

void na_maps_close(struct na_maps *m)
{
#define CLOSE(n)             \
	if (m->n >= 0)       \
		close(m->n); \
	m->n = -1;
	NA_MAPS(CLOSE)
#undef CLOSE
}

int na_config_get(const struct na_maps *m, struct nl_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(m->config, &zero, cfg) ? -errno : 0;
}

int na_config_put(const struct na_maps *m, const struct nl_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_update_elem(m->config, &zero, cfg, BPF_ANY) ? -errno : 0;
}

/* ---- tc -------------------------------------------------------------------------------- */

int na_tc_attach(int ifindex, int prog_fd, bool replace)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NA_TC_HANDLE, .priority = NA_TC_PRIO,
			    .prog_fd = prog_fd, .flags = replace ? BPF_TC_F_REPLACE : 0);
	int err = bpf_tc_hook_create(&hook);

	if (err && err != -EEXIST)
		return err;
	return bpf_tc_attach(&hook, &opts);
}

int na_tc_detach(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NA_TC_HANDLE, .priority = NA_TC_PRIO);

	return bpf_tc_detach(&hook, &opts);
}

bool na_tc_present(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NA_TC_HANDLE, .priority = NA_TC_PRIO);

	return bpf_tc_query(&hook, &opts) == 0;
}

/* ---- attach ----------------------------------------------------------------------------- */

static int get_mac_mtu(const char *ifname, __u8 mac[6], int *mtu)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (!err && ioctl(fd, SIOCGIFMTU, &ifr))
		err = -errno;
	else if (!err)
		*mtu = ifr.ifr_mtu;
	close(fd);
	return err;
}

static int pin_prog(struct na_agent *a, struct bpf_program *p)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/prog_%s", a->pin_dir, bpf_program__name(p));
	unlink(path);
	return bpf_program__pin(p, path);
}

static int attach_xdp(struct na_agent *a)
{
	int prog_fd = bpf_program__fd(a->skel->progs.nl_uplink_xdp), fd;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/link_xdp", a->pin_dir);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.xdp.ifindex == (__u32)a->ifindex && !bpf_link_update(fd, prog_fd, NULL)) {
			log_info("XDP link re-adopted on %s, program replaced", a->ifname);
			close(fd);
			return 0;
		}
		log_warn("stale XDP link pin %s: recreating it", path);
		close(fd);
		unlink(path);
	}
	{
		DECLARE_LIBBPF_OPTS(bpf_link_create_opts, o, .flags = XDP_FLAGS_DRV_MODE);

		fd = bpf_link_create(prog_fd, a->ifindex, BPF_XDP, &o);
		if (fd < 0) {
			int e = errno;

			o.flags = XDP_FLAGS_SKB_MODE;
			fd = bpf_link_create(prog_fd, a->ifindex, BPF_XDP, &o);
			if (fd < 0) {
				log_err("cannot attach XDP to %s: %s (another XDP program "
					"attached? try `ip link set dev %s xdp off`)",
					a->ifname, strerror(errno), a->ifname);
				return -1;
			}
			a->generic_xdp = true;
			log_warn("native XDP not available on %s (%s): using generic (skb) "
				 "mode, which is much slower",
				 a->ifname, strerror(e));
		}
	}
	if (bpf_obj_pin(fd, path)) {
		log_err("cannot pin the XDP link at %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	log_info("XDP attached to %s (%s mode), link pinned at %s", a->ifname,
		 a->generic_xdp ? "generic" : "native", path);
	return 0;
}

int na_attach_datapath(struct na_agent *a, bool encap_set, bool bits_set)
{
	struct bpf_map *map;
	struct nl_config cfg = {}, old = {};
	char path[PATH_MAX];
	bool have_old = false;
	int fd, err;

	if (mount_bpffs())
		return NA_EXIT_ENV;
	if (na_mkdir_p(a->pin_dir, 0700)) {
		log_err("cannot create %s: %s", a->pin_dir, strerror(errno));
		return NA_EXIT_ENV;
	}
	/* an existing pinned configuration decides unless the user asked otherwise */
	snprintf(path, sizeof(path), "%s/nl_config", a->pin_dir);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		__u32 zero = 0;

		have_old = !bpf_map_lookup_elem(fd, &zero, &old);
		close(fd);
	}
	if (have_old && old.tenant_bits) {
		if ((encap_set && old.encap_mode != a->encap_mode) ||
		    (bits_set && old.tenant_bits != a->tenant_bits)) {
			log_err("%s is already set up with --encap %s --tenant-bits %u; run "
				"`na-loader detach %s` first to change them",
				a->ifname, old.encap_mode == NL_ENCAP_UDP ? "udp" : "ip",
				old.tenant_bits, a->ifname);
			return NA_EXIT_USAGE;
		}
		a->encap_mode = old.encap_mode;
		a->tenant_bits = old.tenant_bits;
		log_info("found pinned state in %s: re-adopting it", a->pin_dir);
	}

	if (a->encap_mode < 0)
		a->encap_mode = NL_ENCAP_IP;
	if (!a->tenant_bits)
		a->tenant_bits = NL_TENANT_BITS_16;

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	a->skel = netlord_bpf__open();
	if (!a->skel) {
		log_err("cannot open the datapath object: %s", strerror(errno));
		return NA_EXIT_ENV;
	}
	bpf_object__for_each_map(map, a->skel->obj)
	{
		if (bpf_map__is_internal(map))
			continue; /* .rodata/.bss: reloaded with the programs */
		snprintf(path, sizeof(path), "%s/%s", a->pin_dir, bpf_map__name(map));
		if (bpf_map__set_pin_path(map, path)) {
			log_err("cannot set pin path %s", path);
			return NA_EXIT_ENV;
		}
	}
	err = netlord_bpf__load(a->skel);
	if (err) {
		log_err("loading the datapath failed: %s (if the pinned maps in %s come from "
			"another version, run `na-loader detach %s`; the verifier log is above)",
			strerror(-err), a->pin_dir, a->ifname);
		return NA_EXIT_ENV;
	}
#define FD(n) a->maps.n = bpf_map__fd(a->skel->maps.nl_##n);
	NA_MAPS(FD)
#undef FD
	if (pin_prog(a, a->skel->progs.nl_vif_ingress) ||
	    pin_prog(a, a->skel->progs.nl_uplink_xdp) || pin_prog(a, a->skel->progs.nl_uplink_tc)) {
		log_err("cannot pin the programs in %s: %s", a->pin_dir, strerror(errno));
		return NA_EXIT_ENV;
	}

	na_config_get(&a->maps, &cfg);
	if (get_mac_mtu(a->ifname, a->server_mac, &a->uplink_mtu)) {
		log_err("cannot read MAC/MTU of %s: %s", a->ifname, strerror(errno));
		return NA_EXIT_ENV;
	}
	if (cfg.uplink_ifindex && cfg.uplink_ifindex != (__u32)a->ifindex) {
		struct nart_geom g1 = cfg.nart1, g2 = cfg.nart2;

		log_warn("pinned state belonged to ifindex %u, %s is now %d: starting over "
			 "(waiting for LLDP)",
			 cfg.uplink_ifindex, a->ifname, a->ifindex);
		memset(&cfg, 0, sizeof(cfg));
		/* the pinned NARTs keep their entries, so their seeds too */
		cfg.nart1 = g1;
		cfg.nart2 = g2;
	}
	/* the agent is the tables' only writer: map them (re-adopting pinned ones) */
	if (na_tables_open(a, &cfg))
		return NA_EXIT_ENV;
	memcpy(cfg.server_mac, a->server_mac, 6);
	cfg.encap_mode = (__u8)a->encap_mode;
	cfg.tenant_bits = (__u8)a->tenant_bits;
	cfg.uplink_ifindex = (__u32)a->ifindex;
	cfg.fabric_mtu = (__u16)a->uplink_mtu;
	if (!cfg.event_interval_ms)
		cfg.event_interval_ms = 100;
	if (cfg.flags & NL_CFG_F_READY) {
		a->ready = true;
		memcpy(a->switch_mac, cfg.switch_mac, 6);
		a->port = cfg.port;
		a->server_addr = na_server_addr_of(a->tenant_bits, a->port);
		log_info("re-adopted location: port %u (forwarding continues; LLDP will "
			 "confirm it)",
			 a->port);
	}
	if (na_config_put(&a->maps, &cfg)) {
		log_err("cannot write the configuration map: %s", strerror(errno));
		return NA_EXIT_ENV;
	}

	if (attach_xdp(a))
		return NA_EXIT_ENV;
	/* XDP_PASS + metadata delivery for VIFs that cannot take XDP redirects */
	err = na_tc_attach(a->ifindex, bpf_program__fd(a->skel->progs.nl_uplink_tc), true);
	if (err) {
		log_err("cannot attach tc ingress on %s: %s", a->ifname, strerror(-err));
		return NA_EXIT_ENV;
	}
	log_info("datapath loaded; maps pinned in %s", a->pin_dir);
	return 0;
}

/* ---- detach -------------------------------------------------------------------------------- */

int na_detach(const char *ifname)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct na_maps m;
	struct nl_config cfg = {};
	DIR *d;
	struct dirent *de;
	int ifindex = (int)if_nametoindex(ifname), rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s", NA_PIN_ROOT, ifname);
	if (access(dir, F_OK)) {
		log_err("nothing to detach: %s does not exist", dir);
		return NA_EXIT_ENV;
	}
	if (!na_maps_open_pinned(ifname, &m)) {
		__u32 key, *prev = NULL;

		na_config_get(&m, &cfg);
		while (!bpf_map_get_next_key(m.vifs, prev, &key)) {
			char name[IF_NAMESIZE];

			if (if_indextoname(key, name) && na_tc_detach((int)key) == 0)
				log_info("tc program removed from VIF %s", name);
			prev = &key;
		}
		na_maps_close(&m);
	}
	if (ifindex > 0) {
		na_tc_detach(ifindex);
		if (cfg.flags & NL_CFG_F_READY) {
			struct na_agent tmp = {.ifindex = ifindex,
					       .tenant_bits = cfg.tenant_bits,
					       .port = cfg.port};

			snprintf(tmp.ifname, sizeof(tmp.ifname), "%s", ifname);
			tmp.server_addr = na_server_addr_of(cfg.tenant_bits, cfg.port);
			na_server_addr_apply(&tmp, false);
		}
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path)) {
			log_err("cannot remove %s: %s", path, strerror(errno));
			rc = NA_EXIT_ENV;
		}
	}
	if (d)
		closedir(d);
	if (rmdir(dir) && errno != ENOENT) {
		log_err("cannot remove %s: %s", dir, strerror(errno));
		rc = NA_EXIT_ENV;
	}
	snprintf(path, sizeof(path), "%s/%s/lock", NA_RUN_ROOT, ifname);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", NA_RUN_ROOT, ifname);
	rmdir(path);
	if (!rc)
		log_info("detached from %s: programs, links, pins and server address removed",
			 ifname);
	return rc;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Loading, pinning and attaching the datapath (datapath.h). */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.h"
#include "encap_mode.h"
#include "log.h"
#include "nart_size.h"
#include "netlord.skel.h"
#include "paths.h"
#include "tc.h"
#include "util.h"

#define BPF_FS_MAGIC_ 0xcafe4a11

int na_datapath_check_env(const char *ifname, int *ifindex)
{
	if (geteuid() != 0) {
		log_err("must run as root (needs BPF, netlink and raw sockets)");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		log_err("kernel has no BTF (/sys/kernel/btf/vmlinux): a kernel with "
			"CONFIG_DEBUG_INFO_BTF=y is required");
		return -ENOTSUP;
	}
	if (strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/')) {
		log_err("'%s' is not a valid interface name", ifname);
		return -EINVAL;
	}
	*ifindex = (int)if_nametoindex(ifname);
	if (!*ifindex) {
		log_err("interface %s does not exist (check `ip link`)", ifname);
		return -ENODEV;
	}
	return 0;
}

static int mount_bpffs(void)
{
	struct statfs st;

	if (!statfs(NA_BPFFS, &st) && (unsigned long)st.f_type == BPF_FS_MAGIC_)
		return 0;
	if (mount("bpf", NA_BPFFS, "bpf", 0, "mode=0700")) {
		int err = -errno;

		log_err("cannot mount bpffs on %s: %s (mount it: mount -t bpf bpf %s)", NA_BPFFS,
			strerror(-err), NA_BPFFS);
		return err;
	}
	log_info("mounted bpffs on %s", NA_BPFFS);
	return 0;
}

static int pin_prog(const struct na_datapath *dp, struct bpf_program *p)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/prog_%s", dp->pin_dir, bpf_program__name(p));
	unlink(path);
	return bpf_program__pin(p, path);
}

/* native XDP, else generic if @allow_generic (else -EOPNOTSUPP, nothing attached) */
static int attach_xdp(struct na_datapath *dp, const struct na_uplink *up, bool allow_generic)
{
	int prog_fd = bpf_program__fd(dp->skel->progs.nl_uplink_xdp), fd;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/link_xdp", dp->pin_dir);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.xdp.ifindex == (__u32)up->ifindex && !bpf_link_update(fd, prog_fd, NULL)) {
			log_info("XDP link re-adopted on %s, program replaced", up->ifname);
			close(fd);
			return 0;
		}
		log_warn("stale XDP link pin %s: recreating it", path);
		close(fd);
		unlink(path);
	}
	{
		DECLARE_LIBBPF_OPTS(bpf_link_create_opts, o, .flags = XDP_FLAGS_DRV_MODE);

		fd = bpf_link_create(prog_fd, up->ifindex, BPF_XDP, &o);
		if (fd < 0) {
			int e = errno;

			if (!allow_generic)
				return -EOPNOTSUPP;
			o.flags = XDP_FLAGS_SKB_MODE;
			fd = bpf_link_create(prog_fd, up->ifindex, BPF_XDP, &o);
			if (fd < 0) {
				int err = -errno;

				log_err("cannot attach XDP to %s: %s (another XDP program "
					"attached? try `ip link set dev %s xdp off`)",
					up->ifname, strerror(-err), up->ifname);
				return err;
			}
			dp->generic_xdp = true;
			log_warn("native XDP not available on %s (%s): using generic (skb) "
				 "mode, which is much slower",
				 up->ifname, strerror(e));
		}
	}
	if (bpf_obj_pin(fd, path)) {
		int err = -errno;

		log_err("cannot pin the XDP link at %s: %s", path, strerror(-err));
		close(fd);
		return err;
	}
	close(fd);
	log_info("XDP attached to %s (%s mode), link pinned at %s", up->ifname,
		 dp->generic_xdp ? "generic" : "native", path);
	return 0;
}

/* the pinned configuration decides unless the user asked otherwise */
static int settle_options(const struct na_datapath *dp, const struct na_uplink *up, int *encap_mode,
			  int *tenant_bits)
{
	struct nl_config old = {};
	char path[PATH_MAX];
	__u32 zero = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/nl_config", dp->pin_dir);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		if (bpf_map_lookup_elem(fd, &zero, &old))
			memset(&old, 0, sizeof(old));
		close(fd);
	}
	if (old.tenant_bits) {
		if ((*encap_mode >= 0 && old.encap_mode != *encap_mode) ||
		    (*tenant_bits && old.tenant_bits != *tenant_bits)) {
			log_err("%s is already set up with --encap %s --tenant-bits %u; run "
				"`na-loader detach %s` first to change them",
				up->ifname, nl_encap_name(old.encap_mode), old.tenant_bits,
				up->ifname);
			return -EINVAL;
		}
		*encap_mode = old.encap_mode;
		*tenant_bits = old.tenant_bits;
		log_info("found pinned state in %s: re-adopting it", dp->pin_dir);
	}
	if (*encap_mode < 0)
		*encap_mode = NL_ENCAP_DEFAULT;
	if (!*tenant_bits)
		*tenant_bits = NL_TENANT_BITS_16;
	return 0;
}

static int open_and_load(struct na_datapath *dp, const struct na_uplink *up)
{
	struct bpf_map *map;
	char path[PATH_MAX];
	int err;

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	dp->skel = netlord_bpf__open();
	if (!dp->skel) {
		err = -errno;
		log_err("cannot open the datapath object: %s", strerror(-err));
		return err;
	}
	bpf_object__for_each_map(map, dp->skel->obj)
	{
		if (bpf_map__is_internal(map))
			continue; /* .rodata/.bss: reloaded with the programs */
		snprintf(path, sizeof(path), "%s/%s", dp->pin_dir, bpf_map__name(map));
		err = bpf_map__set_pin_path(map, path);
		if (err) {
			log_err("cannot set pin path %s", path);
			return err;
		}
	}
	/* the NART arrays take their memory when created: sized before the load */
	err = na_nart_size_apply(dp->skel->obj, dp->pin_dir, dp->nart_entries, &dp->nart_buckets);
	if (err)
		return err;
	err = netlord_bpf__load(dp->skel);
	if (err) {
		log_err("loading the datapath failed: %s (if the pinned maps in %s come from "
			"another version, run `na-loader detach %s`; the verifier log is above)",
			strerror(-err), dp->pin_dir, up->ifname);
		return err;
	}
	return 0;
}

int na_datapath_load(struct na_datapath *dp, const struct na_uplink *up, int *encap_mode,
		     int *tenant_bits)
{
	int err;

	snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s/%s", NA_PIN_ROOT, up->ifname);
	err = mount_bpffs();
	if (err)
		return err;
	err = nl_mkdir_p(dp->pin_dir, 0700);
	if (err) {
		log_err("cannot create %s: %s", dp->pin_dir, strerror(-err));
		return err;
	}
	err = settle_options(dp, up, encap_mode, tenant_bits);
	if (!err)
		err = open_and_load(dp, up);
	if (err)
		return err;
#define FD(n) dp->maps.n = bpf_map__fd(dp->skel->maps.nl_##n);
	NA_MAPS(FD)
#undef FD
	dp->vif_prog_fd = bpf_program__fd(dp->skel->progs.nl_vif_ingress);
	if (pin_prog(dp, dp->skel->progs.nl_vif_ingress) ||
	    pin_prog(dp, dp->skel->progs.nl_uplink_xdp) ||
	    pin_prog(dp, dp->skel->progs.nl_uplink_tc) ||
	    pin_prog(dp, dp->skel->progs.nl_uplink_rx_tc)) {
		err = -errno;
		log_err("cannot pin the programs in %s: %s", dp->pin_dir, strerror(-err));
		return err;
	}
	return 0;
}

/* --rx tc: no XDP program on the uplink, not even one a former attach pinned */
static void detach_xdp(const struct na_datapath *dp, const struct na_uplink *up)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/link_xdp", dp->pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	if (bpf_link_detach(fd))
		log_warn("cannot detach the pinned XDP link of %s: %s", up->ifname,
			 strerror(errno));
	close(fd);
	unlink(path);
	log_info("XDP removed from %s (receive path: tc)", up->ifname);
}

/*
 * The receive path (docs/performance.md): XDP before GRO with the tc
 * hand-off behind it, or tc after GRO alone; auto decides by
 * nl_rx_resolve(), trying native XDP first when the mode wants XDP.
 */
int na_datapath_attach(struct na_datapath *dp, const struct na_uplink *up, int rx_path,
		       int encap_mode)
{
	int rx = nl_rx_resolve(rx_path, encap_mode, true), err, prog_fd;

	if (rx == NL_RX_XDP) {
		err = attach_xdp(dp, up, rx_path == NL_RX_XDP);
		if (err == -EOPNOTSUPP) {
			rx = nl_rx_resolve(rx_path, encap_mode, false);
			log_info("no native XDP on %s: receiving in tc after GRO", up->ifname);
		} else if (err) {
			return err;
		}
	}
	if (rx == NL_RX_TC)
		detach_xdp(dp, up);
	/* tc: the whole receive path, or the hand-off for VIFs that cannot take XDP frames */
	prog_fd = bpf_program__fd(rx == NL_RX_TC ? dp->skel->progs.nl_uplink_rx_tc
						 : dp->skel->progs.nl_uplink_tc);
	err = na_tc_attach(up->ifindex, prog_fd, true);
	if (err) {
		log_err("cannot attach tc ingress on %s: %s", up->ifname, strerror(-err));
		return err;
	}
	dp->rx_path = rx;
	log_info("datapath loaded (encap %s, receive path %s); maps pinned in %s",
		 nl_encap_name(encap_mode), nl_rx_name(rx), dp->pin_dir);
	return 0;
}

void na_datapath_close(struct na_datapath *dp)
{
	netlord_bpf__destroy(dp->skel);
	dp->skel = NULL;
}

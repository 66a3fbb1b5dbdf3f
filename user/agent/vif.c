// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The VIFs hosted here (vif.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "flood.h"
#include "incoming.h"
#include "ip6.h"
#include "local_vifs.h"
#include "log.h"
#include "monitor.h"
#include "parse.h"
#include "resolver.h"
#include "tc.h"
#include "tenant_net.h"
#include "util.h"
#include "vif.h"
#include "vif_cache.h"
#include "vrouter.h"

int na_vif_overhead(int encap_mode)
{
	switch (encap_mode) {
	case NL_ENCAP_UDP:
		return NL_ENCAP_OVERHEAD_UDP;
	case NL_ENCAP_GRE:
		return NL_ENCAP_OVERHEAD_GRE;
	default:
		return NL_ENCAP_OVERHEAD_IP;
	}
}

static int set_mtu(const char *ifname, int mtu)
{
	struct ifreq ifr = {.ifr_mtu = mtu};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	rc = ioctl(fd, SIOCSIFMTU, &ifr) ? -errno : 0;
	close(fd);
	return rc;
}

/* the driver of @ifname is @driver (ethtool: asks the interface's own namespace, not /sys) */
static bool driver_is(const char *ifname, const char *driver)
{
	struct ethtool_drvinfo info = {.cmd = ETHTOOL_GDRVINFO};
	struct ifreq ifr = {.ifr_data = (void *)&info};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool is;

	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	is = !ioctl(fd, SIOCETHTOOL, &ifr) && !strcmp(info.driver, driver);
	close(fd);
	return is;
}

/*
 * a tap (virtio/vhost) takes XDP_REDIRECT frames; for anything else use
 * XDP_PASS + tc.  Asked of the driver, not /sys/class/net/<if>/tun_flags:
 * /sys shows the namespace it was mounted in, not necessarily the agent's.
 */
static bool can_xdp_redirect(const char *ifname)
{
	return driver_is(ifname, "tun");
}

/* a veth: the tc receive path hands frames straight to its peer (bpf_redirect_peer) */
static bool is_veth(const char *ifname)
{
	return driver_is(ifname, "veth");
}

static int mark_slot(const struct nl_vif *v, void *used)
{
	if (v->slot < NL_MAX_VIFS)
		((__u8 *)used)[v->slot] = 1;
	return 0;
}

static int alloc_slot(struct na_vifs *vs, __u32 *slot)
{
	static __u8 used[NL_MAX_VIFS];

	memset(used, 0, sizeof(used));
	na_local_vif_foreach(vs->maps, mark_slot, used);
	for (__u32 s = 1; s < NL_MAX_VIFS; s++)
		if (!used[s]) {
			*slot = s;
			return 0;
		}
	return -1;
}

static void zero_stats(struct na_vifs *vs, __u32 slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct nl_vif_stats z[ncpu > 0 ? ncpu : 1];

	memset(z, 0, sizeof(z));
	bpf_map_update_elem(vs->maps->vif_stats, &slot, z, BPF_ANY);
}

/*
 * The VIFs here changed: the virtual router's subnets and routes follow
 * (the VIFs' own subnets, and those of the tenants file for every tenant
 * hosted here; vrouter.h).
 */
static void vrouter_sync(struct na_vifs *vs)
{
	const struct na_tenant_net *tn = vs->tnet;

	na_vrouter_sync(vs->maps, tn ? tn->file : NULL, tn && tn->known, NULL);
}

/* a VIF with the same addresses: a repeated `vif add` */
static bool same_ip6(const struct nl_vif_ip6 *a, const struct nl_vif_ip6 *b)
{
	return !memcmp(a, b, sizeof(*a));
}

int na_vif_add(struct na_vifs *vs, const char *ifname, const struct nl_vif *req,
	       const struct nl_vif_ip6 *req6, char *err, size_t errlen)
{
	struct nl_vif v = *req, old;
	struct nl_vif_ip6 v6 = *req6, old6;
	struct nl_vif_key k = {.tenant = req->tenant, .mac_as = req->mac_as};
	struct nl_local_vif lv, oldlv;
	int ifindex = (int)if_nametoindex(ifname), rc, mtu;
	__u32 idx;
	char mac[NL_MAC_STRLEN];

	if (!ifindex)
		return nl_errf(err, errlen, -ENODEV, "interface %s does not exist", ifname);
	if (ifindex == vs->up->ifindex)
		return nl_errf(err, errlen, -EBUSY, "%s is the uplink, not a VIF", ifname);
	if (!nl_tenant_valid(req->tenant, vs->loc->tenant_bits))
		return nl_errf(err, errlen, -EDOM, "tenant %u outside 2..%u of the %d-bit scheme",
			       req->tenant,
			       vs->loc->tenant_bits == 24 ? NL_TENANT_MAX_24 : NL_TENANT_MAX_16,
			       vs->loc->tenant_bits);
	if (!nl_mac_as_valid(req->mac_as, vs->loc->tenant_bits))
		return nl_errf(
			err, errlen, -EDOM,
			"MAC_AS_ID %u not valid for the %d-bit scheme (it travels in one address "
			"octet)",
			req->mac_as, vs->loc->tenant_bits);
	if ((req->mac[0] & 1) || !memcmp(req->mac, "\0\0\0\0\0\0", 6))
		return nl_errf(err, errlen, -EDOM, "VIF MAC must be unicast and non-zero");
	if (req->router_ip && !req->ip)
		return nl_errf(err, errlen, -EDOM, "--router needs --ip");
	rc = nl_vif_ip6_check(&v6, err, errlen);
	if (rc)
		return rc;
	memcpy(k.mac, req->mac, 6);
	idx = (__u32)ifindex;
	if (!bpf_map_lookup_elem(vs->maps->vifs, &idx, &old)) {
		if (old.tenant == v.tenant && old.mac_as == v.mac_as &&
		    !memcmp(old.mac, v.mac, 6) && old.ip == v.ip && old.router_ip == v.router_ip &&
		    old.prefix_len == v.prefix_len &&
		    (na_vif_ip6_get(vs->maps, idx, &old6), same_ip6(&old6, &v6))) {
			/* idempotent: nothing changes, no new HERE (hooks call it often) */
			if ((old.flags & NL_VIF_F_INCOMING) && !(req->flags & NL_VIF_F_INCOMING) &&
			    vs->incoming)
				return na_incoming_resume(vs->incoming, idx, "vif add again");
			return 0;
		}
		return nl_errf(
			err, errlen, -EEXIST,
			"%s is already a VIF with other parameters: `na-loader vif del %s` first",
			ifname, ifname);
	}
	if (!bpf_map_lookup_elem(vs->maps->local_vifs, &k, &oldlv)) {
		char other[IF_NAMESIZE] = "?";

		if_indextoname(oldlv.ifindex, other);
		nl_fmt_mac(req->mac, mac);
		return nl_errf(err, errlen, -EEXIST,
			       "tenant %u MAC_AS %u MAC %s is already hosted here on %s",
			       req->tenant, req->mac_as, mac, other);
	}
	if (v.ip && na_local_vif_by_ip(vs->maps, v.tenant, v.ip, &old))
		return nl_errf(err, errlen, -EEXIST,
			       "tenant %u already has a VIF with that IP here", v.tenant);
	for (unsigned int i = 0; i < v6.count; i++)
		if (na_local_vif_by_ip6(vs->maps, v.tenant, v6.addr[i], &old))
			return nl_errf(err, errlen, -EEXIST,
				       "tenant %u already has a VIF with IPv6 address %s here",
				       v.tenant, nl_fmt_ipv6(v6.addr[i], (char[NL_IP6_STRLEN]){}));
	if (alloc_slot(vs, &v.slot))
		return nl_errf(err, errlen, -ENOSPC, "all %d VIF slots are in use",
			       NL_MAX_VIFS - 1);
	v.ifindex = (__u32)ifindex;
	v.flags = (can_xdp_redirect(ifname) ? NL_VIF_F_XDP_REDIRECT : 0) |
		  (is_veth(ifname) ? NL_VIF_F_VETH : 0) |
		  (vs->incoming ? req->flags & NL_VIF_F_INCOMING : 0);
	if (v.router_ip || !nl_ip6_is_zero(v6.router)) {
		static const __u8 rmac[6] = NA_ROUTER_MAC;

		memcpy(v.router_mac, rmac, 6);
	}
	mtu = vs->up->mtu - na_vif_overhead(vs->encap_mode);
	rc = set_mtu(ifname, mtu);
	if (rc)
		log_warn("cannot set MTU %d on %s: %s", mtu, ifname, strerror(-rc));
	zero_stats(vs, v.slot);
	lv.ifindex = v.ifindex;
	lv.slot = v.slot;
	lv.flags = v.flags;
	/* an incoming migration's VIF is indexed when its guest resumes (incoming.c) */
	if (bpf_map_update_elem(vs->maps->vifs, &idx, &v, BPF_NOEXIST) ||
	    (!(v.flags & NL_VIF_F_INCOMING) &&
	     bpf_map_update_elem(vs->maps->local_vifs, &k, &lv, BPF_NOEXIST))) {
		rc = errno;
		bpf_map_delete_elem(vs->maps->vifs, &idx);
		return nl_errf(err, errlen, -EIO, "cannot add the VIF to the maps: %s",
			       strerror(rc));
	}
	/* the IPv6 side before the index that reads it and the program that checks it */
	if ((v6.count || !nl_ip6_is_zero(v6.router)) &&
	    bpf_map_update_elem(vs->maps->vif_ip6s, &idx, &v6, BPF_ANY)) {
		rc = errno;
		bpf_map_delete_elem(vs->maps->vifs, &idx);
		bpf_map_delete_elem(vs->maps->local_vifs, &k);
		return nl_errf(err, errlen, -EIO, "cannot add the VIF's IPv6 addresses: %s",
			       strerror(rc));
	}
	rc = v.flags & NL_VIF_F_INCOMING ? 0 : na_local_vif_index_add(vs->maps, &v);
	if (rc) {
		na_local_vif_index_del(vs->maps, &v);
		bpf_map_delete_elem(vs->maps->vif_ip6s, &idx);
		bpf_map_delete_elem(vs->maps->vifs, &idx);
		bpf_map_delete_elem(vs->maps->local_vifs, &k);
		return nl_errf(err, errlen, rc, "cannot index the VIF's IP: %s", strerror(-rc));
	}
	/* NART-1 gets the IP binding from na_announce_vif(), versioned */
	vrouter_sync(vs);
	/* the cache slot before the program that reads it runs on this VIF */
	rc = na_vif_cache_put(vs->maps, &v);
	if (rc)
		log_warn("VIF cache slot for %s: %s (found by hash)", ifname, strerror(-rc));
	rc = na_tc_attach(ifindex, vs->prog_fd, true);
	if (rc) {
		na_vif_cache_del(vs->maps, idx);
		na_local_vif_index_del(vs->maps, &v);
		bpf_map_delete_elem(vs->maps->vif_ip6s, &idx);
		bpf_map_delete_elem(vs->maps->vifs, &idx);
		bpf_map_delete_elem(vs->maps->local_vifs, &k);
		vrouter_sync(vs);
		return nl_errf(err, errlen, -EIO, "cannot attach the tc program to %s: %s", ifname,
			       strerror(-rc));
	}
	nl_fmt_mac(v.mac, mac);
	log_info("VIF %s added: tenant %u mac_as %u %s slot %u MTU %d%s, %u IPv6 address(es)",
		 ifname, v.tenant, v.mac_as, mac, v.slot, mtu,
		 v.flags & NL_VIF_F_XDP_REDIRECT ? " xdp-redirect" : "", v6.count);
	na_mon_vif("add", ifname, &v);
	if (vs->flood)
		na_flood_touch(vs->flood);
	if (v.flags & NL_VIF_F_INCOMING) {
		rc = na_incoming_watch(vs->incoming, idx);
		if (rc) {
			log_warn("VIF %s: cannot watch for the migrated guest (%s): announced now",
				 ifname, strerror(-rc));
			return na_incoming_resume(vs->incoming, idx, "no watch");
		}
		log_info("VIF %s: incoming live migration: announced when the guest transmits",
			 ifname);
		return 0;
	}
	na_announce_vif6(vs->res, &v, &v6, false);
	return 0;
}

/*
 * remove a VIF from every map and tell the other NAs (HERE + GONE); its
 * NART-1/NART-2 entries go only if they still say it is here
 * (na_announce_vif, docs/nlarp-ordering.md)
 */
static void withdraw(struct na_vifs *vs, const struct nl_vif *v)
{
	struct nl_vif_key k = {.tenant = v->tenant, .mac_as = v->mac_as};
	__u32 idx = v->ifindex;
	struct nl_vif_ip6 v6;

	memcpy(k.mac, v->mac, 6);
	na_vif_ip6_get(vs->maps, idx, &v6);
	na_local_vif_index_del(vs->maps, v);
	bpf_map_delete_elem(vs->maps->local_vifs, &k);
	na_vif_cache_del(vs->maps, idx);
	bpf_map_delete_elem(vs->maps->vifs, &idx);
	/* the announcement below still needs the addresses: passed along */
	bpf_map_delete_elem(vs->maps->vif_ip6s, &idx);
	/* a subnet stays while another VIF here is in it, or the tenants file has it */
	vrouter_sync(vs);
	if (!(v->flags & NL_VIF_F_INCOMING)) /* never announced */
		na_announce_vif6(vs->res, v, &v6, true);
	if (vs->flood)
		na_flood_touch(vs->flood);
}

int na_vif_del(struct na_vifs *vs, const char *ifname, char *err, size_t errlen)
{
	int ifindex = (int)if_nametoindex(ifname);
	__u32 idx = (__u32)ifindex;
	struct nl_vif v;

	if (!ifindex)
		return nl_errf(err, errlen, -ENODEV,
			       "interface %s does not exist (a VIF whose interface disappeared is "
			       "withdrawn "
			       "automatically)",
			       ifname);
	if (bpf_map_lookup_elem(vs->maps->vifs, &idx, &v))
		return nl_errf(err, errlen, -ENOENT,
			       "%s is not a VIF of this agent (see `na-loader vif list %s`)",
			       ifname, vs->up->ifname);
	/*
	 * Entries first, program last: with its nl_vifs entry gone the VIF's
	 * program drops every frame (tx_unknown_vif) and, with its
	 * nl_local_vifs entry gone, nothing is delivered to it; only then is
	 * the program removed.  The other order left the VM, still reachable,
	 * sending unfiltered into the host until the entries went.
	 */
	withdraw(vs, &v);
	na_tc_detach(ifindex);
	na_mon_vif("del", ifname, &v);
	log_info("VIF %s deleted", ifname);
	return 0;
}

/*
 * At start and every tick: every VIF in the pinned map must still exist and
 * carry our tc program (re-attached with the current program if missing).
 * A VIF whose interface is gone is withdrawn.
 */
void na_vif_readopt(struct na_vifs *vs)
{
	__u32 key, *prev = NULL, gone[64];
	struct nl_vif v;
	unsigned int ngone = 0;

	while (!bpf_map_get_next_key(vs->maps->vifs, prev, &key)) {
		char name[IF_NAMESIZE];

		prev = &key;
		if (bpf_map_lookup_elem(vs->maps->vifs, &key, &v))
			continue;
		if (!if_indextoname(key, name)) {
			if (ngone < 64)
				gone[ngone++] = key;
			continue;
		}
		if (!na_tc_present((int)key)) {
			int rc = na_tc_attach((int)key, vs->prog_fd, true);

			log_info("VIF %s: tc program %s", name,
				 rc ? "missing and re-attach failed" : "re-attached");
		}
	}
	for (unsigned int i = 0; i < ngone; i++) {
		__u32 idx = gone[i];

		if (bpf_map_lookup_elem(vs->maps->vifs, &idx, &v))
			continue;
		log_info("VIF with ifindex %u disappeared: withdrawing it", idx);
		withdraw(vs, &v);
		na_mon_vif("withdrawn", NULL, &v);
	}
}

/* startup: replace the program on every existing VIF with the freshly loaded one */
void na_vif_reattach_all(struct na_vifs *vs)
{
	__u32 key, *prev = NULL;
	unsigned int n = 0;
	int rc = na_local_vif_index_rebuild(vs->maps);

	if (rc)
		log_err("cannot index the local VIFs by IP: %s (WHEREs for them go unanswered)",
			strerror(-rc));
	na_vif_cache_fill(vs->maps); /* pins from a version without the cache */
	while (!bpf_map_get_next_key(vs->maps->vifs, prev, &key)) {
		prev = &key;
		if (!na_tc_attach((int)key, vs->prog_fd, true))
			n++;
	}
	if (n)
		log_info("re-adopted %u VIF(s) from the pinned maps", n);
	na_vif_readopt(vs);
}

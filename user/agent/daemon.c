// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent daemon (daemon.h): the one place that sees every module.  It
 * wires them together (each gets only the pieces it needs), runs the epoll
 * loop over the ring buffer, the LLDP and NL-ARP sockets, the control
 * socket, a 1 s timer and a signalfd, and carries control requests out.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "daemon.h"
#include "datapath.h"
#include "events.h"
#include "incoming.h"
#include "keys.h"
#include "location.h"
#include "monitor.h"
#include "netlord.skel.h"
#include "log.h"
#include "nlarp_io.h"
#include "ops.h"
#include "parse.h"
#include "paths.h"
#include "probe.h"
#include "ra_sender.h"
#include "flood.h"
#include "resolver.h"
#include "responder.h"
#include "tenant_filter.h"
#include "tenant_net.h"
#include "show.h"
#include "stats.h"
#include "ctl_server.h"
#include "util.h"
#include "vif.h"
#include "vif_persist.h"
#include "vif_tx.h"
#include "tenants_src.h"
#include "vif_check.h"
#include "vlan_config.h"

struct na_daemon {
	struct na_uplink up;
	struct na_location loc;
	struct na_datapath dp;
	struct nart_store tables;
	struct na_stats st;
	struct na_nlarp_io io;
	struct na_probe probe;
	struct na_resolver res;
	struct na_tenant_filter filter; /* --nart-tenants hosted */
	struct na_tenant_net tnet;	/* the tenants file in force (tenant_net.h) */
	struct na_tenants_src tsrc;	/* ... as the repository gave it (tenants_src.h) */
	struct na_vlan_config vc;
	struct na_events ev;
	struct na_vifs vifs;
	struct na_vif_store store;   /* persisted VIF definitions */
	struct na_flood flood;	     /* broadcast/multicast members (flood.c) */
	struct na_incoming incoming; /* live migrations arriving (announce on resume) */
	struct na_ctl_server ctl;
	struct na_keys keys;
	struct na_monitor mon;
	struct na_ops ops; /* metrics, systemd, config reload */
	int encap_mode;
	char run_dir[PATH_MAX];
	int lldp_fd, timer_fd, signal_fd, epoll_fd, lock_fd;
	/* `refresh` requests waiting for a repository fetch (ctl_server tokens) */
	long refresh_wait[NA_CTL_MAX_CLIENTS];
	int nrefresh_wait;
	bool stop;

	/* DHCP and router solicitations from the VMs (docs/dhcp.md) */
	struct na_vif_tx vtx; /* frames into VIFs */
	struct na_responder resp;
	struct na_ra ra; /* router advertisements */
};

/* libbpf's messages on stderr, minus the EEXIST of an existing clsact qdisc */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (strstr(fmt, "Kernel error message") && level != LIBBPF_WARN)
		return 0;
	if (level == LIBBPF_DEBUG && !getenv("NA_LIBBPF_DEBUG"))
		return 0;
	if (fmt[0] == '%' && fmt[1] == 's' && !strcmp(fmt, "%s\n")) {
		va_list aq;
		const char *msg;

		va_copy(aq, ap);
		msg = va_arg(aq, const char *);
		va_end(aq);
		if (msg && strstr(msg, "Exclusivity flag on"))
			return 0;
	}
	return vfprintf(stderr, fmt, ap);
}

static int take_lock(struct na_daemon *d)
{
	char path[PATH_MAX + 8];
	int err = nl_mkdir_p(d->run_dir, 0700);

	if (err) {
		log_err("cannot create %s: %s", d->run_dir, strerror(-err));
		return err;
	}
	snprintf(path, sizeof(path), "%s/lock", d->run_dir);
	d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lock_fd < 0 || flock(d->lock_fd, LOCK_EX | LOCK_NB)) {
		log_err("another na-loader agent is running for %s (%s); stop it first",
			d->up.ifname, path);
		return -EBUSY;
	}
	return 0;
}

/*
 * The NARTs with the NL-ARP ordering state (docs/nlarp-ordering.md):
 * versions and tombstones pinned next to the tables, the version clock's
 * high-water mark in $NETLORD_STATE_DIR (default /var/lib/netlord).
 */
static int open_tables(struct na_daemon *d, struct nl_config *cfg)
{
	struct nart_store_fds fds = {.nart1 = d->dp.maps.nart1,
				     .nart2 = d->dp.maps.nart2,
				     .switches = d->dp.maps.switches};
	const char *vdir = getenv("NETLORD_STATE_DIR");
	int err = nart_store_state_open(d->dp.pin_dir, &fds);

	if (err) {
		log_err("cannot create the NL-ARP state arrays in %s: %s", d->dp.pin_dir,
			strerror(-err));
		return err;
	}
	err = nart_store_open(&d->tables, &fds, &cfg->nart1, &cfg->nart2);
	nart_store_state_close(&fds); /* the mappings stay */
	if (err)
		return err;
	nart_store_set_nart1v6(&d->tables, d->dp.maps.nart1v6); /* docs/ipv6.md */
	vdir = vdir && vdir[0] ? vdir : NART_VCLOCK_DIR;
	err = nart_vclock_open(&d->tables.vclock, vdir, d->up.ifname);
	if (err)
		log_err("cannot read the version high-water mark in %s: %s", vdir, strerror(-err));
	return err;
}

/*
 * The configuration map: tables mapped with the pinned geometry, our
 * uplink's values written, a pinned location re-adopted (forwarding goes
 * on while LLDP confirms it).
 */
static int adopt_config(struct na_daemon *d)
{
	struct nl_config cfg = {};
	int err;

	na_config_get(&d->dp.maps, &cfg);
	if (cfg.uplink_ifindex && cfg.uplink_ifindex != (__u32)d->up.ifindex) {
		struct nart_geom g1 = cfg.nart1, g2 = cfg.nart2;

		log_warn("pinned state belonged to ifindex %u, %s is now %d: starting over "
			 "(waiting for LLDP)",
			 cfg.uplink_ifindex, d->up.ifname, d->up.ifindex);
		memset(&cfg, 0, sizeof(cfg));
		/* the pinned NARTs keep their entries, so their seeds too */
		cfg.nart1 = g1;
		cfg.nart2 = g2;
	}
	/* the agent is the tables' only writer: map them (re-adopting pinned ones) */
	err = open_tables(d, &cfg);
	if (err)
		return err;
	memcpy(cfg.server_mac, d->up.mac, 6);
	cfg.encap_mode = (__u8)d->encap_mode;
	cfg.tenant_bits = (__u8)d->loc.tenant_bits;
	cfg.uplink_ifindex = (__u32)d->up.ifindex;
	cfg.fabric_mtu = (__u16)d->up.mtu;
	if (!cfg.event_interval_ms)
		cfg.event_interval_ms = 100;
	if (cfg.flags & NL_CFG_F_READY) {
		d->loc.ready = true;
		memcpy(d->loc.switch_mac, cfg.switch_mac, 6);
		d->loc.port = cfg.port;
		d->loc.server_addr = nl_server_addr(d->loc.tenant_bits, d->loc.port);
		log_info("re-adopted location: port %u (forwarding continues; LLDP will "
			 "confirm it)",
			 d->loc.port);
	}
	err = na_config_put(&d->dp.maps, &cfg);
	if (err)
		log_err("cannot write the configuration map: %s", strerror(-err));
	return err;
}

/* LLDP named a new location: the datapath, the VLAN rows and the peers learn it */
static void location_changed(struct na_daemon *d)
{
	struct nl_config cfg;
	int err = na_config_get(&d->dp.maps, &cfg);

	if (!err) {
		memcpy(cfg.switch_mac, d->loc.switch_mac, 6);
		cfg.port = d->loc.port;
		cfg.flags |= NL_CFG_F_READY;
		err = na_config_put(&d->dp.maps, &cfg);
	}
	if (err) {
		log_err("cannot write the config map: %s", strerror(-err));
		return;
	}
	/* our switch decides which VLAN table rows apply */
	na_vlan_config_refresh(&d->vc, true);
	na_announce_all(&d->res, true);
}

static int handle_request(void *ctx, const struct na_request *r, FILE *out, char *err,
			  size_t errlen);

/* a table that cannot be used is a refusal (exit 4), not a malformed request */
static int refresh_rc(int rc)
{
	return rc == -EINVAL ? -EPROTO : rc;
}

/* a repository fetch ended: the `refresh` requests waiting for it get their answer */
static void vlan_fetched(void *ctx, int rc)
{
	struct na_daemon *d = ctx;

	for (int i = 0; i < d->nrefresh_wait; i++)
		na_ctl_finish(&d->ctl, d->refresh_wait[i], refresh_rc(rc), d->vc.error);
	d->nrefresh_wait = 0;
}

static int refresh(struct na_daemon *d, char *err, size_t errlen)
{
	int rc = na_vlan_config_refresh(&d->vc, true);
	long t;

	if (!rc && na_vlan_config_fetching(&d->vc) && d->nrefresh_wait < NA_CTL_MAX_CLIENTS) {
		t = na_ctl_defer(&d->ctl);
		if (t >= 0) {
			d->refresh_wait[d->nrefresh_wait++] = t;
			return NA_CTL_DEFERRED;
		}
	}
	snprintf(err, errlen, "%s", d->vc.error);
	return refresh_rc(rc);
}

/* each module gets the pieces it works with, nothing more */
static void wire(struct na_daemon *d)
{
	na_tenant_net_init(&d->tnet, &d->dp.maps);
	d->tsrc = (struct na_tenants_src){.tn = &d->tnet, .st = &d->st};
	d->vc.tsrc = &d->tsrc;
	d->io = (struct na_nlarp_io){.up = &d->up,
				     .loc = &d->loc,
				     .tables = &d->tables,
				     .st = &d->st,
				     .bcast_fd = -1,
				     .ucast_fd = -1,
				     .udp_fd = -1};
	d->probe =
		(struct na_probe){.io = &d->io, .loc = &d->loc, .tables = &d->tables, .st = &d->st};
	d->res = (struct na_resolver){.io = &d->io,
				      .loc = &d->loc,
				      .tables = &d->tables,
				      .maps = &d->dp.maps,
				      .probe = &d->probe,
				      .st = &d->st};
	d->vc.loc = &d->loc;
	d->vc.tables = &d->tables;
	d->vc.maps = &d->dp.maps;
	d->vc.probe = &d->probe;
	d->vc.broadcast_vlan = &d->io.broadcast_vlan;
	d->vc.st = &d->st;
	d->vc.fetched = vlan_fetched;
	d->vc.fetched_ctx = d;
	d->ev = (struct na_events){.res = &d->res, .vc = &d->vc, .st = &d->st};
	d->vifs = (struct na_vifs){.maps = &d->dp.maps,
				   .tables = &d->tables,
				   .res = &d->res,
				   .up = &d->up,
				   .loc = &d->loc,
				   .flood = &d->flood,
				   .incoming = &d->incoming};
	d->flood = (struct na_flood){
		.maps = &d->dp.maps, .tables = &d->tables, .loc = &d->loc, .dirty = true};
	d->incoming.epfd = -1;
	d->ctl = (struct na_ctl_server){.fd = -1, .handle = handle_request, .ctx = d};
	d->vtx.fd = -1;
	d->resp = (struct na_responder){
		.maps = &d->dp.maps, .st = &d->st, .tx = &d->vtx, .ra = &d->ra};
	d->ra.maps = &d->dp.maps;
	d->ra.tx = &d->vtx;
	d->ra.st = &d->st;
	d->ra.subnets = &d->resp.subnets;
	d->ra.tnet = &d->tnet;
	d->resp.tnet = &d->tnet;
	d->ra.seed = (__u32)getpid() ^ (__u32)nl_now_ms();
}

/* a VIF added or deleted: its router advertisements start or stop */
static void ra_vif_changed(struct na_daemon *d, const struct na_request *r)
{
	int ifindex = (int)if_nametoindex(r->ifname);
	struct nl_vif v;

	if (r->verb == NA_REQ_VIF_DEL || !ifindex ||
	    bpf_map_lookup_elem(d->dp.maps.vifs, &ifindex, &v))
		na_ra_vif_del(&d->ra, ifindex);
	else
		na_ra_vif_set(&d->ra, ifindex, &v, &r->vif6, nl_mono_ms());
}

/* the DHCP/RA responder: the punt ring, the VIF socket, the [subnet] settings */
static int responder_start(struct na_daemon *d, const struct na_daemon_opts *o)
{
	int err = na_vif_tx_open(&d->vtx, &d->st.dhcp_tx_fail);

	if (err) {
		log_err("cannot open the VIF transmit socket: %s", strerror(-err));
		return err;
	}
	na_ra_load(&d->ra, nl_mono_ms());
	return na_responder_open(&d->resp, bpf_map__fd(d->dp.skel->maps.nl_punt_ring),
				 o->ops.config);
}

/* ---- control requests -------------------------------------------------------------------- */

static int nart_edit(struct na_daemon *d, const struct na_request *r, char *err, size_t errlen)
{
	struct nl_nart1_key k1 = {.tenant = r->key.tenant, .ip = r->ip};
	struct nart_loc loc = {.port = r->port};
	char mac[NL_MAC_STRLEN];

	nl_fmt_mac(r->key.mac, mac);
	switch (r->verb) {
	case NA_REQ_NART_DEL_IP:
		if (!nart_store_nart1_del(&d->tables, &k1))
			break;
		log_info("nart del: NART-1 tenant %u deleted by request", r->key.tenant);
		return 0;
	case NA_REQ_NART_DEL:
		if (!nart_store_nart2_del(&d->tables, &r->key))
			break;
		log_info("nart del: NART-2 tenant %u mac_as %u %s deleted by request",
			 r->key.tenant, r->key.mac_as, mac);
		return 0;
	default: /* NA_REQ_NART_SET */
		memcpy(loc.switch_mac, r->switch_mac, 6);
		if (nart_store_nart2_put(&d->tables, &r->key, &loc, r->version)) {
			snprintf(err, errlen, "NART-2 insert failed (table full?)");
			return -ENOSPC;
		}
		log_info("nart set: NART-2 tenant %u mac_as %u %s -> port %u version %llu",
			 r->key.tenant, r->key.mac_as, mac, r->port,
			 (unsigned long long)r->version);
		return 0;
	}
	snprintf(err, errlen, "no such entry");
	return -ENOENT;
}

/* the tables keep only the hosted tenants' entries (tenant_filter.h) */
static void purge(struct na_daemon *d)
{
	long n = na_tenant_filter_purge(&d->filter, &d->tables);

	if (n > 0)
		log_info("NARTs: %ld entries of tenants not hosted here deleted", n);
	else if (n < 0)
		log_warn("cannot purge the NARTs of tenants not hosted here: %s",
			 strerror((int)-n));
}

/* --nart-tenants hosted: NL-ARP of other tenants dropped before authentication */
static int tenant_filter_start(struct na_daemon *d)
{
	int err;

	na_tenant_filter_init(&d->filter, &d->dp.maps);
	err = na_tenant_filter_refresh(&d->filter);
	if (!err)
		na_tenant_filter_socket(&d->filter, d->io.bcast_fd);
	if (err)
		return err;
	d->io.filter = &d->filter;
	d->st.tenant_filter_on = 1;
	purge(d);
	d->st.hosted_tenants = d->filter.n;
	d->st.tenant_filter_kernel = d->filter.in_kernel;
	log_info("NARTs learn only the tenants hosted here (%zu now); the others' NL-ARP is "
		 "dropped before authentication (%s)",
		 d->filter.n, d->filter.in_kernel ? "broadcasts in the kernel" : "in the agent");
	return 0;
}

/* a VIF came or went: the set of hosted tenants follows */
static int vif_changed(struct na_daemon *d, int rc)
{
	if (!rc && d->io.filter && na_tenant_filter_refresh(&d->filter))
		log_warn("cannot re-read the hosted tenants: the filter keeps the former set");
	else if (!rc && d->io.filter && d->filter.lost)
		purge(d);
	d->st.hosted_tenants = d->filter.n;
	d->st.tenant_filter_kernel = d->filter.in_kernel;
	return rc;
}

static int handle_request(void *ctx, const struct na_request *r, FILE *out, char *err,
			  size_t errlen)
{
	struct na_daemon *d = ctx;
	struct na_agent_view view = {.tables = &d->tables,
				     .generic_xdp = d->dp.generic_xdp,
				     .vc = &d->vc,
				     .st = &d->st,
				     .keys = na_keys_ring(&d->keys),
				     .store = &d->store,
				     .tsrc = &d->tsrc};
	bool json = r->flags & NA_REQ_F_JSON;
	int rc;

	switch (r->verb) {
	case NA_REQ_VIF_ADD: {
		/* checked against and completed from the tenants file (vif_check.h) */
		struct na_request q = *r;

		rc = na_vif_check(na_tenant_net_find(&d->tnet, r->vif.tenant), &q, err, errlen);
		if (rc)
			return rc;
		rc = vif_changed(d, na_vif_add(&d->vifs, q.ifname, &q.vif, &q.vif6, err, errlen));
		if (rc)
			return rc;
		ra_vif_changed(d, &q);
		return na_vif_persist_added(&d->store, &q, out);
	}
	case NA_REQ_VIF_DEL:
		ra_vif_changed(d, r);
		return vif_changed(
			d, na_vif_persist_del(&d->vifs, &d->store, r->ifname, out, err, errlen));
	case NA_REQ_VIF_LIST:
		na_show_vifs(out, &d->dp.maps, json);
		return 0;
	case NA_REQ_STATUS:
		na_show_status(out, &d->dp.maps, &view, json);
		return 0;
	case NA_REQ_STATS:
		na_show_stats(out, &d->dp.maps, &view, json);
		return 0;
	case NA_REQ_NART_SHOW:
		na_show_nart(out, &d->dp.maps, &view, json);
		return 0;
	case NA_REQ_REFRESH:
		return refresh(d, err, errlen);
	case NA_REQ_QUIT:
		log_info("quit requested over the control socket");
		d->stop = true;
		return 0;
	default:
		return nart_edit(d, r, err, errlen);
	}
}

/* a persisted VIF re-applied: the request `vif add` would have sent (vif_store.h) */
static int restore_vif(void *ctx, const struct na_vif_rec *rec, char *err, size_t errlen)
{
	struct na_request r;
	int rc;

	na_vif_rec_to_request(rec, &r);
	rc = na_request_check(&r, err, errlen);
	return rc ? rc : handle_request(ctx, &r, NULL, err, errlen);
}

/* ---- start and loop ----------------------------------------------------------------------- */

/* the monitor socket; the drop events' knobs are the datapath's .bss (monitor.h) */
static int monitor_start(struct na_daemon *d)
{
	struct na_mon_knobs k = {.watching = &d->dp.skel->bss->nl_mon_watching,
				 .cost_ns = &d->dp.skel->bss->nl_mon_cost_ns,
				 .burst_ns = &d->dp.skel->bss->nl_mon_burst_ns};

	return na_monitor_open(&d->mon, d->run_dir, bpf_map__fd(d->dp.skel->maps.nl_mon_ring), &k,
			       &d->loc);
}

static int start(struct na_daemon *d, const struct na_daemon_opts *o)
{
	int err = na_datapath_check_env(o->ifname, &d->up.ifindex);

	if (err)
		return err;
	snprintf(d->up.ifname, sizeof(d->up.ifname), "%s", o->ifname);
	snprintf(d->run_dir, sizeof(d->run_dir), "%s/%s", NA_RUN_ROOT, o->ifname);
	snprintf(d->vc.repo, sizeof(d->vc.repo), "%s", o->repo);
	snprintf(d->vc.ca_file, sizeof(d->vc.ca_file), "%s", o->repo_ca);
	snprintf(d->vc.cert_file, sizeof(d->vc.cert_file), "%s", o->ops.eff.repo_cert);
	snprintf(d->vc.key_file, sizeof(d->vc.key_file), "%s", o->ops.eff.repo_key);
	d->encap_mode = o->encap_mode;
	d->loc.tenant_bits = o->tenant_bits;
	snprintf(d->keys.path, sizeof(d->keys.path), "%s",
		 o->key_file[0] ? o->key_file : NLARP_AUTH_DEFAULT_KEY_FILE);
	d->keys.insecure = o->insecure_no_auth;
	err = na_keys_load(&d->keys);
	if (err)
		return err;
	err = take_lock(d);
	d->dp.nart_entries = o->nart_entries;
	d->io.replay_senders = o->ops.eff.nlarp_senders;
	if (!err)
		err = na_datapath_load(&d->dp, &d->up, &d->encap_mode, &d->loc.tenant_bits);
	if (!err) {
		err = na_uplink_query(&d->up);
		if (err)
			log_err("cannot read MAC/MTU of %s: %s", d->up.ifname, strerror(-err));
	}
	if (!err)
		err = adopt_config(d);
	if (!err)
		err = na_flood_config(&d->dp.maps, o->ops.eff.flood_rate, o->ops.eff.flood_burst);
	if (!err)
		err = na_datapath_attach(&d->dp, &d->up, o->rx_path, d->encap_mode);
	if (err)
		return err;
	if (d->loc.ready)
		na_server_addr_apply(&d->up, &d->loc, true);
	err = na_incoming_open(&d->incoming, &d->dp.maps, &d->res);
	if (err)
		return err;
	d->vifs.encap_mode = d->encap_mode;
	d->vifs.prog_fd = d->dp.vif_prog_fd;
	na_vif_reattach_all(&d->vifs);
	d->lldp_fd = na_lldp_open(&d->up);
	if (d->lldp_fd < 0)
		return d->lldp_fd;
	d->io.keys = na_keys_ring(&d->keys);
	err = na_nlarp_open(&d->io);
	if (!err && o->nart_hosted_only)
		err = tenant_filter_start(d);
	if (!err)
		err = na_vlan_config_open(&d->vc);
	if (!err)
		err = na_resolver_init(&d->res);
	if (!err)
		err = na_events_open(&d->ev, d->dp.maps.events);
	if (!err)
		err = monitor_start(d);
	if (!err)
		err = responder_start(d, o);
	if (err)
		return err;
	/* the VIFs `vif add` defined, back (announced once NL-ARP is up: here) */
	na_vif_persist_start(&d->store, &d->dp.maps, d->up.ifname, restore_vif, d);
	{
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s.sock", NA_RUN_ROOT, o->ifname);
		return na_ctl_listen(&d->ctl, path);
	}
}

enum {
	EP_RB,
	EP_LLDP,
	EP_BCAST,
	EP_UCAST,
	EP_UDP,
	EP_CTL,
	EP_HTTP,
	EP_TIMER,
	EP_SIGNAL,
	EP_MON,
	EP_PUNT,
	EP_INCOMING,
	EP_LAST = EP_INCOMING
};

static int ep_add(struct na_daemon *d, int fd, int tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (__u32)tag};

	return epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int loop_setup(struct na_daemon *d)
{
	struct itimerspec its = {.it_interval = {1, 0}, .it_value = {1, 0}};
	sigset_t mask;
	int err = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (d->signal_fd < 0 || d->timer_fd < 0 || d->epoll_fd < 0 ||
	    timerfd_settime(d->timer_fd, 0, &its, NULL))
		err = -errno;
	if (!err) {
		/* indexed by the EP_* tags */
		const int fds[] = {na_events_fd(&d->ev),
				   d->lldp_fd,
				   d->io.bcast_fd,
				   d->io.ucast_fd,
				   d->io.udp_fd,
				   na_ctl_fd(&d->ctl),
				   na_vlan_config_fd(&d->vc),
				   d->timer_fd,
				   d->signal_fd,
				   na_monitor_fd(&d->mon),
				   na_responder_fd(&d->resp),
				   na_incoming_fd(&d->incoming)};

		for (int tag = EP_RB; !err && tag <= EP_LAST; tag++)
			err = ep_add(d, fds[tag], tag);
	}
	if (err)
		log_err("event loop setup failed: %s", strerror(-err));
	return err;
}

static void on_tick(struct na_daemon *d, unsigned long tick)
{
	na_vif_readopt(&d->vifs);
	na_vif_store_reconcile(&d->store, &d->dp.maps, restore_vif, d);
	na_incoming_tick(&d->incoming);
	na_probe_tick(&d->probe);
	na_ctl_tick(&d->ctl);
	/* re-fetch: every refresh_interval (30 s), every 5 s while no table is loaded */
	if (d->loc.ready &&
	    (tick % na_ops_refresh_interval(&d->ops) == 0 || (!d->vc.loaded && tick % 5 == 0)))
		na_vlan_config_refresh(&d->vc, false);
	na_ops_tick(&d->ops);
	na_ra_tick(&d->ra, nl_mono_ms());
}

static void on_signal(struct na_daemon *d)
{
	struct signalfd_siginfo si;

	if (read(d->signal_fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		na_ops_reload(&d->ops);
		na_flood_config(&d->dp.maps, d->ops.eff.flood_rate, d->ops.eff.flood_burst);
		log_info("SIGHUP: re-fetching the VLAN table, re-reading the NL-ARP keys");
		na_vlan_config_refresh(&d->vc, true);
		na_keys_reload(&d->keys);
		na_responder_reload(&d->resp);
		return;
	}
	log_info("signal %u: exiting; the datapath keeps forwarding (pinned in %s)", si.ssi_signo,
		 d->dp.pin_dir);
	d->stop = true;
}

static void dispatch(struct na_daemon *d, __u32 tag, unsigned long *tick)
{
	__u64 x;

	switch (tag) {
	case EP_RB:
		na_events_consume(&d->ev);
		break;
	case EP_LLDP:
		if (na_lldp_read(d->lldp_fd, &d->up, &d->loc, &d->st) > 0)
			location_changed(d);
		break;
	case EP_BCAST:
		na_nlarp_read_bcast(&d->io, na_resolver_rx, &d->res);
		break;
	case EP_UCAST:
		na_nlarp_read_ucast(&d->io, na_resolver_rx, &d->res);
		break;
	case EP_UDP:
		na_nlarp_read_udp(&d->io);
		break;
	case EP_CTL:
		na_ctl_serve(&d->ctl);
		break;
	case EP_HTTP:
		na_vlan_config_run(&d->vc);
		break;
	case EP_TIMER:
		if (read(d->timer_fd, &x, sizeof(x)) == sizeof(x))
			on_tick(d, ++*tick);
		break;
	case EP_SIGNAL:
		on_signal(d);
		break;
	case EP_MON:
		na_monitor_serve(&d->mon);
		break;
	case EP_PUNT:
		na_responder_consume(&d->resp);
		break;
	case EP_INCOMING:
		na_incoming_run(&d->incoming);
		break;
	}
}

static int loop(struct na_daemon *d)
{
	struct epoll_event evs[16];
	unsigned long tick = 0;

	while (!d->stop) {
		int n = epoll_wait(d->epoll_fd, evs, 16, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("epoll_wait: %s", strerror(errno));
			return NA_ERR_RUNTIME;
		}
		for (int i = 0; i < n; i++)
			dispatch(d, evs[i].data.u32, &tick);
		na_flood_sync(&d->flood, nl_mono_ms());
		na_ops_update(&d->ops);
	}
	return 0;
}

static void shut_down(struct na_daemon *d)
{
	na_ops_stop(&d->ops);
	na_ctl_close(&d->ctl);
	na_vlan_config_close(&d->vc);
	na_monitor_close(&d->mon);
	na_responder_close(&d->resp);
	na_vif_tx_close(&d->vtx);
	na_events_close(&d->ev);
	na_incoming_close(&d->incoming);
	na_resolver_free(&d->res);
	na_tenant_filter_free(&d->filter);
	na_tenant_net_free(&d->tnet);
	na_nlarp_close(&d->io);
	na_probe_free(&d->probe);
	na_keys_free(&d->keys);
	na_vif_store_close(&d->store);
	nart_store_close(&d->tables);
	na_datapath_close(&d->dp);
}

int na_daemon_run(const struct na_daemon_opts *o)
{
	static struct na_daemon d; /* large (the counters): not on the stack */
	int err;

	memset(&d, 0, sizeof(d));
	d.lldp_fd = d.timer_fd = d.signal_fd = d.epoll_fd = d.lock_fd = -1;
	d.mon.lfd = d.mon.epfd = -1;
	wire(&d);
	libbpf_set_print(libbpf_print);
	err = start(&d, o);
	if (!err) {
		na_vlan_config_refresh(&d.vc, false);
		if (d.loc.ready)
			na_announce_all(&d.res, false);
		else
			log_info("waiting for LLDP on %s (nothing is forwarded until then)",
				 d.up.ifname);
		err = loop_setup(&d);
	}
	if (!err) {
		const struct na_metrics_src src = {.st = &d.st,
						   .loc = &d.loc,
						   .vc = &d.vc,
						   .probe = &d.probe,
						   .tables = &d.tables,
						   .maps = &d.dp.maps,
						   .store = &d.store,
						   .encap_mode = d.encap_mode,
						   .tenant_bits = d.loc.tenant_bits};

		na_ops_init(&d.ops, &o->ops, &src, &d.vc);
		snprintf(d.ops.metrics.src.ifname, IF_NAMESIZE, "%s", d.up.ifname);
		err = na_ops_start(&d.ops);
		na_ops_update(&d.ops);
	}
	if (!err) {
		log_info("agent running on %s; control socket %s", d.up.ifname, d.ctl.path);
		err = loop(&d);
	}
	shut_down(&d);
	return err;
}

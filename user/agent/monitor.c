// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's side of `na-loader monitor` (monitor.h, docs/monitor.md):
 * the monitor socket, the datapath's drop ring, the fan-out of events to
 * the clients without ever blocking the agent.  An operations feature
 * (issue 14), no patent paragraph.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "frame.h"
#include "log.h"
#include "monitor.h"
#include "util.h"

#define TAG_LISTEN 0
#define TAG_RING   1
#define TAG_CLIENT 2 /* + client index */

/* the agent's one monitor, for the sink functions (like the log, one per process) */
static struct na_monitor *sink;

#define NL_COUNTER_STR(name, str, help) str,
static const char *const reason_names[] = {NL_COUNTERS(NL_COUNTER_STR)};
#undef NL_COUNTER_STR
#define NL_COUNTER_HELP(name, str, help) help,
static const char *const reason_help[] = {NL_COUNTERS(NL_COUNTER_HELP)};
#undef NL_COUNTER_HELP

static void set_watching(struct na_monitor *m)
{
	__u32 wanted = 0, rate = 0;

	for (int i = 0; i < NA_MON_MAX_CLIENTS; i++) {
		const struct na_mon_client *c = &m->cl[i];

		if (c->fd < 0 || !c->hello)
			continue;
		wanted |= c->kinds;
		if ((c->kinds & NA_MON_DROP) && c->rate && (!rate || c->rate < rate))
			rate = c->rate;
	}
	m->wanted = wanted;
	if (!m->knobs.watching)
		return;
	/* the strictest client's rate; a bucket one second deep, at most NL_MON_BURST */
	if (!rate)
		rate = NL_MON_RATE_PER_CPU;
	*m->knobs.cost_ns = 1000000000ULL / rate;
	*m->knobs.burst_ns = *m->knobs.cost_ns * (rate < NL_MON_BURST ? rate : NL_MON_BURST);
	*m->knobs.watching = (wanted & NA_MON_DROP) ? 1 : 0;
}

static void drop_client(struct na_monitor *m, struct na_mon_client *c)
{
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->q);
	*c = (struct na_mon_client){.fd = -1};
	set_watching(m);
}

static void want_pollout(struct na_monitor *m, struct na_mon_client *c, bool on)
{
	struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0),
				 .data.u32 = TAG_CLIENT + (__u32)(c - m->cl)};

	if (c->pollout != on && !epoll_ctl(m->epfd, EPOLL_CTL_MOD, c->fd, &ev))
		c->pollout = on;
}

/* write what the socket takes, never blocking; the rest waits for EPOLLOUT */
static void flush(struct na_monitor *m, struct na_mon_client *c)
{
	while (c->qlen) {
		ssize_t n = send(c->fd, c->q, c->qlen, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			drop_client(m, c);
			return;
		}
		memmove(c->q, c->q + n, c->qlen - (size_t)n);
		c->qlen -= (size_t)n;
	}
	want_pollout(m, c, c->qlen != 0);
}

/* queue one whole line, or count it lost */
static bool enqueue(struct na_mon_client *c, const char *line, size_t len)
{
	if (c->qlen + len > NA_MON_QUEUE)
		return false;
	memcpy(c->q + c->qlen, line, len);
	c->qlen += len;
	return true;
}

/*
 * An event of @kind, formatted as text and as JSON by @fmt(ctx, json, out):
 * each format at most once, only if a client wants it.
 */
typedef void (*fmt_fn)(const void *ctx, bool json, FILE *out);

static void deliver(struct na_monitor *m, __u32 kind, fmt_fn fmt, const void *ctx)
{
	char text[NA_MON_LINE_MAX], json[NA_MON_LINE_MAX];
	size_t tlen = 0, jlen = 0;

	for (int i = 0; i < NA_MON_MAX_CLIENTS; i++) {
		struct na_mon_client *c = &m->cl[i];
		char *buf = c->json ? json : text;
		size_t *len = c->json ? &jlen : &tlen;

		if (c->fd < 0 || !c->hello || !(c->kinds & kind))
			continue;
		if (!*len) {
			FILE *f = fmemopen(buf, NA_MON_LINE_MAX, "w");

			if (!f)
				continue;
			fmt(ctx, c->json, f);
			fputc('\n', f);
			*len = (size_t)ftell(f);
			fclose(f);
			if (*len >= NA_MON_LINE_MAX)
				*len = NA_MON_LINE_MAX - 1;
			buf[*len - 1] = '\n';
		}
		if (c->lost) {
			char note[128];
			int n = snprintf(
				note, sizeof(note),
				c->json ? "{\"type\":\"lost\",\"events\":%llu}\n"
					: "LOST %llu events: this monitor did not read fast "
					  "enough\n",
				(unsigned long long)c->lost);

			if (enqueue(c, note, (size_t)n))
				c->lost = 0;
		}
		if (!c->lost && enqueue(c, buf, *len)) {
			m->delivered++;
		} else {
			c->lost++;
			m->lost++;
		}
		flush(m, c);
	}
}

static void fmt_time(FILE *o, bool json)
{
	struct timespec ts;
	struct tm tm;
	char b[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(o, json ? "\"time\":\"%s.%06ldZ\"," : "%s.%06ldZ ", b, ts.tv_nsec / 1000);
}

/* ---- drops ------------------------------------------------------------------------------- */

struct drop_ctx {
	const struct nl_mon_drop *ev;
	struct nl_frame f;
	char ifname[IF_NAMESIZE];
	__u32 tenant, mac_as;
	const char *hook;
};

/* uplink drops: the tenant and MAC space are in the outer addresses (docs/wire-format.md) */
static void outer_tenant(const struct na_location *loc, struct drop_ctx *d)
{
	const struct nl_hdrs *h = &d->f.outer;
	__u32 dst, src;

	if (h->l3 != NL_L3_IPV4 || !loc)
		return;
	memcpy(&dst, h->daddr, 4);
	memcpy(&src, h->saddr, 4);
	dst = ntohl(dst);
	src = ntohl(src);
	if (loc->tenant_bits == NL_TENANT_BITS_24) {
		d->tenant = dst & 0xffffff;
		d->mac_as = src >> 24;
	} else if (dst >> 24 == 10) {
		d->tenant = dst & 0xffff;
		d->mac_as = src >> 16 & 0xff;
	}
	if (d->tenant <= NL_SERVER_HOST_ID)
		d->tenant = d->mac_as = 0;
}

static void fmt_drop(const void *ctx, bool json, FILE *o)
{
	const struct drop_ctx *d = ctx;
	const struct nl_mon_drop *ev = d->ev;
	const char *rn = ev->reason < NL_C_MAX ? reason_names[ev->reason] : "?";
	const char *rh = ev->reason < NL_C_MAX ? reason_help[ev->reason] : "";

	if (json) {
		fprintf(o, "{\"type\":\"drop\",");
		fmt_time(o, true);
		fprintf(o,
			"\"reason\":\"%s\",\"reason_id\":%u,\"reason_help\":\"%s\",\"hook\":\"%s\","
			"\"ifindex\":%u,\"ifname\":\"%s\"",
			rn, ev->reason, rh, d->hook, ev->ifindex, d->ifname);
		if (d->tenant)
			fprintf(o, ",\"tenant\":%u,\"mac_as\":%u", d->tenant, d->mac_as);
		fprintf(o, ",\"frame\":");
		nl_frame_print_json(o, &d->f);
		fprintf(o, "}");
		return;
	}
	fmt_time(o, false);
	fprintf(o, "DROP %s (%s) %s %s", rn, rh, d->hook, d->ifname);
	if (d->tenant)
		fprintf(o, " tenant %u mac_as %u", d->tenant, d->mac_as);
	fprintf(o, " len %u: ", ev->pkt_len);
	nl_frame_print_text(o, &d->f);
}

static int on_drop(void *ctx, void *data, size_t size)
{
	struct na_monitor *m = ctx;
	struct drop_ctx d = {.ev = data};

	if (size < sizeof(struct nl_mon_drop))
		return 0;
	nl_frame_decode(d.ev->data,
			d.ev->cap_len < NL_MON_CAP_BYTES ? d.ev->cap_len : NL_MON_CAP_BYTES,
			d.ev->pkt_len, &d.f);
	if (!if_indextoname(d.ev->ifindex, d.ifname))
		snprintf(d.ifname, sizeof(d.ifname), "if%u", d.ev->ifindex);
	d.hook = d.ev->hook == NL_MON_HOOK_VIF		? "vif"
		 : d.ev->hook == NL_MON_HOOK_UPLINK_XDP ? "uplink-xdp"
							: "uplink-tc";
	d.tenant = d.ev->tenant;
	d.mac_as = d.ev->mac_as;
	if (d.ev->hook != NL_MON_HOOK_VIF)
		outer_tenant(m->loc, &d);
	deliver(m, NA_MON_DROP, fmt_drop, &d);
	return 0;
}

/* ---- the socket ---------------------------------------------------------------------------- */

static int ep_add(struct na_monitor *m, int fd, __u32 tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = tag};

	return epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

int na_monitor_open(struct na_monitor *m, const char *run_dir, int ring_fd,
		    const struct na_mon_knobs *knobs, const struct na_location *loc)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	mode_t old;
	int err;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < NA_MON_MAX_CLIENTS; i++)
		m->cl[i].fd = -1;
	m->lfd = -1;
	m->knobs = *knobs;
	m->loc = loc;
	m->ring_fd = ring_fd;
	if (m->knobs.watching) {
		*m->knobs.watching = 0;
		*m->knobs.cost_ns = 1000000000ULL / NL_MON_RATE_PER_CPU;
		*m->knobs.burst_ns = *m->knobs.cost_ns * NL_MON_BURST;
	}
	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (m->epfd < 0)
		return -errno;
	m->rb = ring_buffer__new(ring_fd, on_drop, m, NULL);
	if (!m->rb) {
		err = -errno;
		log_err("monitor: cannot read the drop ring: %s", strerror(-err));
		return err;
	}
	err = ep_add(m, ring_buffer__epoll_fd(m->rb), TAG_RING);
	if (err)
		return err;
	snprintf(m->path, sizeof(m->path), "%s/%s", run_dir, NA_MON_SOCK);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", m->path);
	unlink(m->path);
	m->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	old = umask(0077);
	if (m->lfd < 0 || bind(m->lfd, (struct sockaddr *)&sun, sizeof(sun)) || listen(m->lfd, 8)) {
		err = -errno;
		umask(old);
		log_err("monitor: cannot listen on %s: %s", m->path, strerror(-err));
		return err;
	}
	umask(old);
	err = ep_add(m, m->lfd, TAG_LISTEN);
	if (!err)
		sink = m;
	return err;
}

int na_monitor_fd(const struct na_monitor *m)
{
	return m->epfd;
}

static void accept_clients(struct na_monitor *m)
{
	for (;;) {
		int fd = accept4(m->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK), i;
		char *q;
		struct ucred cr;
		socklen_t cl = sizeof(cr);

		if (fd < 0)
			return;
		for (i = 0; i < NA_MON_MAX_CLIENTS && m->cl[i].fd >= 0; i++)
			;
		if (i == NA_MON_MAX_CLIENTS || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) ||
		    cr.uid != 0) {
			if (i == NA_MON_MAX_CLIENTS)
				log_warn("monitor: %d monitors already connected, refusing another",
					 NA_MON_MAX_CLIENTS);
			close(fd);
			continue;
		}
		q = malloc(NA_MON_QUEUE);
		if (!q || ep_add(m, fd, TAG_CLIENT + (__u32)i)) {
			free(q);
			close(fd);
			continue;
		}
		m->cl[i] = (struct na_mon_client){.fd = fd, .q = q};
	}
}

/* the first line a client gets: its subscription is in force from here on */
static void greet(struct na_monitor *m, struct na_mon_client *c)
{
	static const char *const names[] = {"drop", "nlarp", "vif", "path"};
	char kinds[64] = "", line[256];
	size_t o = 0;
	int n;
	__u64 rate = m->knobs.cost_ns && *m->knobs.cost_ns ? 1000000000ULL / *m->knobs.cost_ns : 0;

	for (int i = 0; i < 4; i++)
		if (c->kinds & (1U << i))
			o += (size_t)snprintf(kinds + o, sizeof(kinds) - o, "%s%s", o ? "," : "",
					      names[i]);
	if (c->json)
		n = snprintf(line, sizeof(line),
			     "{\"type\":\"start\",\"kinds\":\"%s\",\"drop_rate_per_cpu\":%llu}\n",
			     kinds, (unsigned long long)rate);
	else
		n = snprintf(line, sizeof(line),
			     "START watching %s (drop events at most %llu/s per CPU)\n", kinds,
			     (unsigned long long)rate);
	if (enqueue(c, line, (size_t)n))
		flush(m, c);
}

/* a client's hello (its subscription), or its end; room in its socket */
static void client_ready(struct na_monitor *m, struct na_mon_client *c, __u32 events)
{
	struct na_mon_hello h;
	ssize_t n;

	if (events & EPOLLOUT)
		flush(m, c);
	if (c->fd < 0 || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	n = recv(c->fd, &h, sizeof(h), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* one hello, whole (a unix stream delivers a 16-byte write at once), then nothing */
	if (c->hello || n != sizeof(h) || h.magic != NA_MON_HELLO_MAGIC || !h.kinds ||
	    (h.kinds & ~NA_MON_ALL)) {
		drop_client(m, c);
		return;
	}
	c->kinds = h.kinds;
	c->json = h.json != 0;
	c->rate = h.rate;
	c->hello = true;
	set_watching(m);
	log_debug("monitor: client watching kinds 0x%x (%s)", c->kinds, c->json ? "json" : "text");
	greet(m, c);
}

void na_monitor_serve(struct na_monitor *m)
{
	struct epoll_event evs[NA_MON_MAX_CLIENTS + 2];
	int n = epoll_wait(m->epfd, evs, NA_MON_MAX_CLIENTS + 2, 0);

	for (int i = 0; i < n; i++) {
		__u32 tag = evs[i].data.u32;

		if (tag == TAG_LISTEN)
			accept_clients(m);
		else if (tag == TAG_RING)
			ring_buffer__consume(m->rb);
		else if (tag - TAG_CLIENT < NA_MON_MAX_CLIENTS && m->cl[tag - TAG_CLIENT].fd >= 0)
			client_ready(m, &m->cl[tag - TAG_CLIENT], evs[i].events);
	}
}

void na_monitor_close(struct na_monitor *m)
{
	if (m->epfd < 0)
		return; /* never opened */
	if (sink == m)
		sink = NULL;
	for (int i = 0; i < NA_MON_MAX_CLIENTS; i++)
		if (m->cl[i].fd >= 0) {
			close(m->cl[i].fd);
			free(m->cl[i].q);
			m->cl[i] = (struct na_mon_client){.fd = -1};
		}
	if (m->knobs.watching)
		*m->knobs.watching = 0;
	ring_buffer__free(m->rb);
	m->rb = NULL;
	if (m->lfd >= 0) {
		close(m->lfd);
		unlink(m->path);
	}
	close(m->epfd);
	m->lfd = m->epfd = -1;
}

/* ---- the sink -------------------------------------------------------------------------------- */

static bool wanted(__u32 kind)
{
	return sink && (sink->wanted & kind);
}

static const char *op_name(int op)
{
	static const char *const n[] = {"?", "HERE", "WHERE", "NOT-HERE", "PROBE"};

	return op >= 1 && op <= 4 ? n[op] : "?";
}

struct nlarp_ctx {
	bool tx;
	const char *via, *err;
	const struct nlarp_fields *f;
	__u16 vlan;
};

static void fmt_nlarp(const void *ctx, bool json, FILE *o)
{
	const struct nlarp_ctx *a = ctx;
	const struct nlarp_fields *f = a->f;
	char mac[NL_MAC_STRLEN], sw[NL_MAC_STRLEN], ssw[NL_MAC_STRLEN], ip[16] = "";

	if (json) {
		fprintf(o, "{\"type\":\"nlarp\",");
		fmt_time(o, true);
		fprintf(o, "\"dir\":\"%s\",\"via\":\"%s\"", a->tx ? "tx" : "rx", a->via);
	} else {
		fmt_time(o, false);
		fprintf(o, "NL-ARP %s %s", a->tx ? "sent" : "received", a->via);
	}
	if (a->err) {
		fprintf(o, json ? ",\"rejected\":\"%s\"}" : " REJECTED: %s", a->err);
		return;
	}
	nl_fmt_mac(f->mac, mac);
	nl_fmt_mac(f->switch_mac, sw);
	nl_fmt_mac(f->sender_switch_mac, ssw);
	if (f->flags & NLARP_F_HAS_IP)
		nl_frame_addr(NL_L3_IPV4, (const __u8 *)&f->ip, ip, sizeof(ip));
	if (json) {
		fprintf(o,
			",\"op\":\"%s\",\"flags\":%u,\"tenant\":%u,\"mac_as\":%u,\"mac\":\"%s\","
			"\"ip\":\"%s\",\"switch\":\"%s\",\"port\":%u,\"version\":%llu,"
			"\"sender_switch\":\"%s\",\"sender_port\":%u",
			op_name(f->op), f->flags, f->tenant, f->mac_as, mac, ip, sw, f->port,
			(unsigned long long)f->loc_version, ssw, f->sender_port);
		if (a->tx && !strcmp(a->via, "unicast"))
			fprintf(o, ",\"vlan\":%u", a->vlan);
		fprintf(o, "}");
		return;
	}
	fprintf(o, " %s%s%s%s", op_name(f->op), f->flags & NLARP_F_GONE ? " GONE" : "",
		f->flags & NLARP_F_REPLY ? " REPLY" : "", f->flags & NLARP_F_BY_IP ? " BY-IP" : "");
	if (f->op != NLARP_PROBE)
		fprintf(o, " tenant %u mac_as %u %s%s%s", f->tenant, f->mac_as, mac,
			ip[0] ? " ip " : "", ip);
	if (f->op == NLARP_HERE)
		fprintf(o, " at %s port %u version %llu", sw, f->port,
			(unsigned long long)f->loc_version);
	fprintf(o, " from %s port %u", ssw, f->sender_port);
	if (a->tx && !strcmp(a->via, "unicast"))
		fprintf(o, " vlan %u", a->vlan);
}

void na_mon_nlarp(bool tx, const char *via, const struct nlarp_fields *f, __u16 vlan)
{
	struct nlarp_ctx a = {.tx = tx, .via = via, .f = f, .vlan = vlan};

	if (wanted(NA_MON_NLARP))
		deliver(sink, NA_MON_NLARP, fmt_nlarp, &a);
}

void na_mon_nlarp_rejected(const char *via, const char *err)
{
	struct nlarp_ctx a = {.via = via, .err = err};

	if (wanted(NA_MON_NLARP))
		deliver(sink, NA_MON_NLARP, fmt_nlarp, &a);
}

struct vif_ctx {
	const char *action, *ifname;
	const struct nl_vif *v;
};

static void fmt_vif(const void *ctx, bool json, FILE *o)
{
	const struct vif_ctx *a = ctx;
	char mac[NL_MAC_STRLEN], ip[16] = "", name[IF_NAMESIZE + 8];
	const char *ifname = a->ifname;

	if (!ifname) { /* withdrawn: the interface is gone, its name with it */
		snprintf(name, sizeof(name), "if%u", a->v->ifindex);
		ifname = name;
	}

	nl_fmt_mac(a->v->mac, mac);
	if (a->v->ip)
		nl_frame_addr(NL_L3_IPV4, (const __u8 *)&a->v->ip, ip, sizeof(ip));
	if (json) {
		fprintf(o, "{\"type\":\"vif\",");
		fmt_time(o, true);
		fprintf(o,
			"\"action\":\"%s\",\"ifname\":\"%s\",\"ifindex\":%u,\"tenant\":%u,"
			"\"mac_as\":%u,\"mac\":\"%s\",\"ip\":\"%s\",\"prefix_len\":%u}",
			a->action, ifname, a->v->ifindex, a->v->tenant, a->v->mac_as, mac, ip,
			a->v->prefix_len);
		return;
	}
	fmt_time(o, false);
	fprintf(o, "VIF %s %s (ifindex %u) tenant %u mac_as %u %s", a->action, ifname,
		a->v->ifindex, a->v->tenant, a->v->mac_as, mac);
	if (ip[0])
		fprintf(o, " ip %s/%u", ip, a->v->prefix_len);
}

void na_mon_vif(const char *action, const char *ifname, const struct nl_vif *v)
{
	struct vif_ctx a = {.action = action, .ifname = ifname, .v = v};

	if (wanted(NA_MON_VIF))
		deliver(sink, NA_MON_VIF, fmt_vif, &a);
}

struct path_ctx {
	const __u8 *sw;
	const char *what;
	const __u16 *vlans;
	unsigned int count;
};

static void fmt_path(const void *ctx, bool json, FILE *o)
{
	const struct path_ctx *a = ctx;
	char mac[NL_MAC_STRLEN];

	nl_fmt_mac(a->sw, mac);
	if (json) {
		fprintf(o, "{\"type\":\"path\",");
		fmt_time(o, true);
		fprintf(o, "\"switch\":\"%s\",\"event\":\"%s\",\"vlans\":[", mac, a->what);
	} else {
		fmt_time(o, false);
		fprintf(o, "PATH towards edge switch %s: %s, now VLANs ", mac, a->what);
	}
	for (unsigned int i = 0; i < a->count; i++)
		fprintf(o, "%s%u", i ? "," : "", a->vlans[i]);
	if (json)
		fprintf(o, "]}");
}

void na_mon_path(const __u8 switch_mac[6], const char *what, const __u16 *vlans, unsigned int count)
{
	struct path_ctx a = {.sw = switch_mac, .what = what, .vlans = vlans, .count = count};

	if (wanted(NA_MON_PATH))
		deliver(sink, NA_MON_PATH, fmt_path, &a);
}

/* @s as the body of a JSON string */
static void json_str(FILE *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(o, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, o);
	}
}

struct vt_ctx {
	const char *source, *err;
	unsigned long long serial;
	unsigned int switches, bvlan;
};

static void fmt_vt(const void *ctx, bool json, FILE *o)
{
	const struct vt_ctx *a = ctx;

	if (json) {
		fprintf(o, "{\"type\":\"path\",");
		fmt_time(o, true);
		fprintf(o, "\"event\":\"%s\",\"source\":\"",
			a->err ? "vlan-table-rejected" : "vlan-table");
		json_str(o, a->source);
		if (a->err) {
			fprintf(o, "\",\"error\":\"");
			json_str(o, a->err);
			fprintf(o, "\"}");
		} else {
			fprintf(o, "\",\"serial\":%llu,\"switches\":%u,\"broadcast_vlan\":%u}",
				a->serial, a->switches, a->bvlan);
		}
		return;
	}
	fmt_time(o, false);
	if (a->err)
		fprintf(o, "PATH VLAN table from %s rejected: %s", a->source, a->err);
	else
		fprintf(o,
			"PATH VLAN table serial %llu loaded from %s: %u egress switches, broadcast "
			"VLAN %u",
			a->serial, a->source, a->switches, a->bvlan);
}

void na_mon_vlan_table(const char *source, unsigned long long serial, unsigned int switches,
		       unsigned int broadcast_vlan, const char *err)
{
	struct vt_ctx a = {.source = source,
			   .err = err,
			   .serial = serial,
			   .switches = switches,
			   .bvlan = broadcast_vlan};

	if (wanted(NA_MON_PATH))
		deliver(sink, NA_MON_PATH, fmt_vt, &a);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `na-loader trace`, the engine (trace.h): BPF_PROG_TEST_RUN of the pinned
 * programs on one frame, with the per-CPU counters read before and after
 * on the CPU that runs it.  Observes patent Figs. 7, 8, 10 (issue 14).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "frame.h"
#include "paths.h"
#include "trace.h"

#define NL_COUNTER_STR(name, str, help) str,
static const char *const counter_names[] = {NL_COUNTERS(NL_COUNTER_STR)};
#undef NL_COUNTER_STR
#define NL_COUNTER_HELP(name, str, help) help,
static const char *const counter_help[] = {NL_COUNTERS(NL_COUNTER_HELP)};
#undef NL_COUNTER_HELP

const char *na_trace_counter_name(unsigned int i)
{
	return i < NL_C_MAX ? counter_names[i] : "?";
}

const char *na_trace_counter_help(unsigned int i)
{
	return i < NL_C_MAX ? counter_help[i] : "";
}

/* counters that count forwarded or answered frames, not drops */
static bool not_a_drop(unsigned int i)
{
	return i == NL_C_TX_ARP_REPLIED || i == NL_C_TX_LOCAL_DELIVERED ||
	       i == NL_C_TX_ENCAPSULATED || i == NL_C_RX_PASS || i == NL_C_RX_DELIVERED ||
	       i == NL_C_EVENT_LOST || i == NL_C_EVENT_VIF_LIMITED || i == NL_C_MON_SHED ||
	       i == NL_C_MON_LOST;
}

int na_trace_drop_reason(const struct na_trace_out *out)
{
	for (unsigned int i = 0; i < NL_C_MAX; i++)
		if (out->counters[i] && !not_a_drop(i))
			return (int)i;
	return -1;
}

static int open_prog(const char *iface, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/prog_%s", NA_PIN_ROOT, iface, name);
	return bpf_obj_get(path);
}

/* this CPU's value of every counter and of VIF slot @slot */
static int read_counters(const struct na_maps *m, int cpu, int ncpu, __u64 *c, __u32 slot,
			 struct nl_vif_stats *vs)
{
	__u64 *v = calloc((size_t)ncpu, sizeof(*v));
	struct nl_vif_stats *s = calloc((size_t)ncpu, sizeof(*s));
	int err = 0;

	if (!v || !s) {
		err = -ENOMEM;
		goto out;
	}
	for (__u32 i = 0; i < NL_C_MAX; i++) {
		if (bpf_map_lookup_elem(m->counters, &i, v)) {
			err = -errno;
			goto out;
		}
		c[i] = v[cpu];
	}
	if (vs && !bpf_map_lookup_elem(m->vif_stats, &slot, s))
		*vs = s[cpu];
out:
	free(v);
	free(s);
	return err;
}

/* the local VIF of (tenant, any MAC space, @mac), for the redirect target */
static __u32 local_vif_by_mac(const struct na_maps *m, __u32 tenant, int mac_as, const __u8 *mac)
{
	struct nl_vif_key k, *prev = NULL;
	struct nl_local_vif lv;

	while (!bpf_map_get_next_key(m->local_vifs, prev, &k)) {
		prev = &k;
		if (k.tenant == tenant && (mac_as < 0 || k.mac_as == mac_as) &&
		    !memcmp(k.mac, mac, 6) && !bpf_map_lookup_elem(m->local_vifs, &k, &lv))
			return lv.ifindex;
	}
	return 0;
}

static void infer_redirect(const struct na_maps *m, const struct nl_config *cfg,
			   const struct na_trace_in *in, const struct nl_vif *vif,
			   struct na_trace_out *out)
{
	struct nl_frame fi, fo;

	nl_frame_decode(in->frame, in->len, in->len, &fi);
	nl_frame_decode(out->frame, out->len, out->len, &fo);
	if (!in->uplink) {
		if (fo.encap) {
			out->redirect_ifindex = cfg->uplink_ifindex;
			out->redirect_how = "encapsulated: the uplink";
		} else if (fo.outer.eth && !memcmp(fo.outer.dst, vif->mac, 6)) {
			out->redirect_ifindex = in->vif_ifindex;
			out->redirect_how = "an answer to the VM: its own VIF";
		} else if (fo.outer.eth) {
			out->redirect_ifindex = local_vif_by_mac(m, vif->tenant, -1, fo.outer.dst);
			out->redirect_how = "local delivery: nl_local_vifs of the destination";
		}
		return;
	}
	/* XDP: decapsulated, the inner destination in the sender's MAC space */
	if (fi.encap && fi.outer.l3 == NL_L3_IPV4 && fo.outer.eth) {
		__u32 d, s;

		memcpy(&d, fi.outer.daddr, 4);
		memcpy(&s, fi.outer.saddr, 4);
		d = ntohl(d);
		s = ntohl(s);
		if (cfg->tenant_bits == NL_TENANT_BITS_24)
			out->redirect_ifindex =
				local_vif_by_mac(m, d & 0xffffff, (int)(s >> 24), fo.outer.dst);
		else
			out->redirect_ifindex = local_vif_by_mac(
				m, d & 0xffff, (int)(s >> 16 & 0xff), fo.outer.dst);
		out->redirect_how = "decapsulated: nl_local_vifs of the inner destination";
	}
}

static const char *verdict_name(bool xdp, __u32 rv, bool *dropped)
{
	*dropped = false;
	if (xdp) {
		static const char *const n[] = {"aborted", "drop", "pass", "tx", "redirect"};

		*dropped = rv <= 1;
		return rv < 5 ? n[rv] : "?";
	}
	switch (rv) {
	case 0:
		return "ok";
	case 2:
		*dropped = true;
		return "drop";
	case 7:
		return "redirect";
	}
	return "?";
}

int na_trace_run(const char *iface, const struct na_maps *m, const struct nl_config *cfg,
		 const struct na_trace_in *in, struct na_trace_out *out)
{
	int ncpu = libbpf_num_possible_cpus(), cpu, fd, err;
	__u64 before[NL_C_MAX];
	struct nl_vif_stats vs0 = {}, vs1 = {};
	struct nl_vif vif = {};
	cpu_set_t set, old;
	/* the mark: a flood counts its copies but sends none (bpf/lib/flood.h) */
	struct __sk_buff skb = {.ifindex = in->vif_ifindex, .mark = NL_TRACE_MARK};
	struct xdp_md xdp = {.data_end = in->len, .ingress_ifindex = cfg->uplink_ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in->frame, .data_size_in = in->len,
		    .data_out = out->frame, .data_size_out = sizeof(out->frame), .repeat = 1);

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0)
		return -EINVAL;
	if (!in->uplink) {
		if (bpf_map_lookup_elem(m->vifs, &in->vif_ifindex, &vif))
			return -ENODEV;
		out->has_vif = true;
		out->vif_slot = vif.slot;
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
	} else {
		o.ctx_in = &xdp;
		o.ctx_size_in = sizeof(xdp);
		o.ctx_out = &xdp;
		o.ctx_size_out = sizeof(xdp);
	}
	fd = open_prog(iface, in->uplink ? "nl_uplink_xdp" : "nl_vif_ingress");
	if (fd < 0)
		return -ENOENT;
	/* one CPU, so its per-CPU counters show what this frame did */
	sched_getaffinity(0, sizeof(old), &old);
	cpu = sched_getcpu();
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (cpu < 0 || cpu >= ncpu || sched_setaffinity(0, sizeof(set), &set)) {
		close(fd);
		return -EAGAIN;
	}
	out->cpu = cpu;
	err = read_counters(m, cpu, ncpu, before, vif.slot, out->has_vif ? &vs0 : NULL);
	if (!err && bpf_prog_test_run_opts(fd, &o))
		err = -errno;
	if (!err)
		err = read_counters(m, cpu, ncpu, out->counters, vif.slot,
				    out->has_vif ? &vs1 : NULL);
	sched_setaffinity(0, sizeof(old), &old);
	close(fd);
	if (err)
		return err;
	for (int i = 0; i < NL_C_MAX; i++)
		out->counters[i] -= before[i];
	out->vif_delta.tx_packets = vs1.tx_packets - vs0.tx_packets;
	out->vif_delta.tx_bytes = vs1.tx_bytes - vs0.tx_bytes;
	out->vif_delta.rx_packets = vs1.rx_packets - vs0.rx_packets;
	out->vif_delta.rx_bytes = vs1.rx_bytes - vs0.rx_bytes;
	out->retval = o.retval;
	out->duration_ns = o.duration;
	out->verdict = verdict_name(in->uplink, o.retval, &out->dropped);
	out->len = o.data_size_out;
	if (in->uplink && xdp.data > 0 && xdp.data <= out->len) {
		/* the XDP -> tc hand-off metadata precedes the frame in data_out */
		struct nl_xdp_meta meta;

		if (xdp.data >= sizeof(meta)) {
			memcpy(&meta, out->frame + xdp.data - sizeof(meta), sizeof(meta));
			if (meta.magic == NL_XDP_META_MAGIC)
				out->meta_ifindex = meta.ifindex;
		}
		memmove(out->frame, out->frame + xdp.data, out->len - xdp.data);
		out->len -= xdp.data;
	}
	if (!out->dropped && (o.retval == 7 || (in->uplink && o.retval == 4)))
		infer_redirect(m, cfg, in, &vif, out);
	return 0;
}

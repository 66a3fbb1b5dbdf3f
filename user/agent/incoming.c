// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Announce on resume (incoming.h): the destination NA of a live migration
 * announces the VIF (HERE, patent [0034]-[0035]) when the guest first
 * transmits on its tap, not at `vif add` time.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <bpf/bpf.h>

#include "incoming.h"
#include "local_vifs.h"
#include "log.h"
#include "vif_cache.h"

int na_incoming_open(struct na_incoming *in, const struct na_maps *maps, struct na_resolver *res)
{
	memset(in, 0, sizeof(*in));
	in->maps = maps;
	in->res = res;
	in->epfd = epoll_create1(EPOLL_CLOEXEC);
	return in->epfd < 0 ? -errno : 0;
}

void na_incoming_close(struct na_incoming *in)
{
	for (int i = 0; i < in->n; i++)
		close(in->w[i].fd);
	in->n = 0;
	if (in->epfd >= 0)
		close(in->epfd);
	in->epfd = -1;
}

int na_incoming_fd(const struct na_incoming *in)
{
	return in->epfd;
}

static int find(const struct na_incoming *in, __u32 ifindex)
{
	for (int i = 0; i < in->n; i++)
		if (in->w[i].ifindex == ifindex && !in->w[i].done)
			return i;
	return -1;
}

static void unwatch(struct na_incoming *in, int i)
{
	close(in->w[i].fd); /* also leaves the epoll set */
	in->w[i] = in->w[--in->n];
}

/*
 * Stop watching now, close later (na_incoming_tick): closing a packet
 * socket waits for an RCU grace period (synchronize_net, 10-30 ms here),
 * which must not delay the HERE of a migration that just arrived.
 */
static void unwatch_soon(struct na_incoming *in, int i)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = {.len = 1, .filter = &drop};

	setsockopt(in->w[i].fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
	epoll_ctl(in->epfd, EPOLL_CTL_DEL, in->w[i].fd, NULL);
	in->w[i].done = true;
}

/*
 * A packet socket on the tap that sees only what the guest transmits (not
 * PACKET_OUTGOING, i.e. not what the host sends to the guest), its Ethernet
 * header only, with the kernel's arrival time: the filter is in place before
 * the socket is bound, so nothing else is ever queued on it.
 */
static int guest_tx_socket(__u32 ifindex)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, ETH_HLEN),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)ifindex};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err, on = 1;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* the announcement of a waiting VIF must not wait for the version clock's fsync */
static void reserve_versions(struct na_incoming *in)
{
	struct nart_store *t = in->res->tables;
	int rc;

	if (!t || !t->now_ms)
		return;
	rc = nart_vclock_reserve(&t->vclock, t->now_ms());
	if (rc)
		log_warn("cannot persist the version high-water mark ahead: %s", strerror(-rc));
}

int na_incoming_watch(struct na_incoming *in, __u32 ifindex)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = ifindex};
	int fd, err;

	if (find(in, ifindex) >= 0)
		return 0;
	if (in->n >= NA_INCOMING_MAX)
		return -ENOSPC;
	fd = guest_tx_socket(ifindex);
	if (fd < 0)
		return fd;
	if (epoll_ctl(in->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		err = -errno;
		close(fd);
		return err;
	}
	in->w[in->n].ifindex = ifindex;
	in->w[in->n].fd = fd;
	in->w[in->n].done = false;
	in->n++;
	reserve_versions(in);
	return 0;
}

int na_incoming_resume(struct na_incoming *in, __u32 ifindex, const char *why)
{
	return na_incoming_resume_at(in, ifindex, why, NULL);
}

int na_incoming_resume_at(struct na_incoming *in, __u32 ifindex, const char *why,
			  const struct timespec *frame)
{
	struct nl_vif_key k;
	struct nl_local_vif lv;
	struct nl_vif v;
	char name[IF_NAMESIZE] = "?";
	int i = find(in, ifindex), rc;

	if (i >= 0)
		unwatch_soon(in, i);
	if (bpf_map_lookup_elem(in->maps->vifs, &ifindex, &v))
		return -ENOENT;
	if (!(v.flags & NL_VIF_F_INCOMING))
		return 0;
	if_indextoname(ifindex, name);
	/* reachable first (delivery, WHERE answers), then announced */
	memset(&k, 0, sizeof(k));
	k.tenant = v.tenant;
	k.mac_as = v.mac_as;
	memcpy(k.mac, v.mac, 6);
	v.flags &= ~NL_VIF_F_INCOMING;
	lv = (struct nl_local_vif){.ifindex = ifindex, .slot = v.slot, .flags = v.flags};
	if (bpf_map_update_elem(in->maps->local_vifs, &k, &lv, BPF_ANY))
		return -errno;
	rc = na_local_vif_index_add(in->maps, &v);
	if (rc)
		log_warn("VIF %s: cannot index its IP: %s", name, strerror(-rc));
	if (bpf_map_update_elem(in->maps->vifs, &ifindex, &v, BPF_EXIST))
		return -errno;
	na_vif_cache_put(in->maps, &v);
	in->resumed++;
	if (frame) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		log_info("VIF %s: %s (frame at %lld.%06ld, %.1f ms ago): live migration arrived, "
			 "announcing it here",
			 name, why, (long long)frame->tv_sec, frame->tv_nsec / 1000,
			 (now.tv_sec - frame->tv_sec) * 1e3 + (now.tv_nsec - frame->tv_nsec) / 1e6);
	} else {
		log_info("VIF %s: %s: live migration arrived, announcing it here", name, why);
	}
	return na_announce_vif(in->res, &v, false);
}

void na_incoming_run(struct na_incoming *in)
{
	struct epoll_event evs[8];
	int n = epoll_wait(in->epfd, evs, 8, 0);

	for (int e = 0; e < n; e++) {
		__u32 ifindex = evs[e].data.u32;
		int i = find(in, ifindex);
		struct timespec ts = {0};
		struct ethhdr eth;
		char ctl[CMSG_SPACE(sizeof(ts))], why[64];
		struct iovec iov = {.iov_base = &eth, .iov_len = sizeof(eth)};
		struct msghdr msg = {.msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctl,
				     .msg_controllen = sizeof(ctl)};
		struct cmsghdr *c;
		ssize_t n;

		if (i < 0)
			continue;
		n = recvmsg(in->w[i].fd, &msg, MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			continue;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		snprintf(why, sizeof(why), "the guest transmitted (ethertype 0x%04x)",
			 n >= (ssize_t)sizeof(eth) ? ntohs(eth.h_proto) : 0);
		na_incoming_resume_at(in, ifindex, why, ts.tv_sec ? &ts : NULL);
	}
}

void na_incoming_tick(struct na_incoming *in)
{
	__u32 key, *prev = NULL;
	struct nl_vif v;

	for (int i = in->n - 1; i >= 0; i--)
		if (in->w[i].done || bpf_map_lookup_elem(in->maps->vifs, &in->w[i].ifindex, &v) ||
		    !(v.flags & NL_VIF_F_INCOMING))
			unwatch(in, i);
	while (!bpf_map_get_next_key(in->maps->vifs, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(in->maps->vifs, &key, &v) ||
		    !(v.flags & NL_VIF_F_INCOMING) || find(in, key) >= 0)
			continue;
		if (na_incoming_watch(in, key))
			log_warn("VIF with ifindex %u: cannot watch for the migrated guest", key);
	}
	if (in->n)
		reserve_versions(in);
}

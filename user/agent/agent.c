// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's event loop: one epoll over the ring buffer, the LLDP and
 * NL-ARP sockets, the control socket, a 1 s timerfd and a signalfd
 * (SIGTERM/SIGINT: clean exit that leaves the datapath running).
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
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "agent.h"
#include "netlord.skel.h"

int na_log_level = NA_LOG_INFO;

void na_log(int level, const char *fmt, ...)
{
	static const char *names[] = {"error", "warn", "info", "debug"};
	struct timespec ts;
	va_list ap;

	if (level > na_log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%lld.%03ld na-loader %s: ", (long long)ts.tv_sec, ts.tv_nsec / 1000000,
		names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

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

enum { EP_RB, EP_LLDP, EP_BCAST, EP_UCAST, EP_UDP, EP_CTL, EP_TIMER, EP_SIGNAL };

static int ep_add(struct na_agent *a, int fd, int tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (__u32)tag};

	return epoll_ctl(a->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

static int take_lock(struct na_agent *a)
{
	char path[PATH_MAX + 8];

	if (na_mkdir_p(a->run_dir, 0700)) {
		log_err("cannot create %s: %s", a->run_dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/lock", a->run_dir);
	a->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (a->lock_fd < 0 || flock(a->lock_fd, LOCK_EX | LOCK_NB)) {
		log_err("another na-loader agent is running for %s (%s); stop it first", a->ifname,
			path);
		return -1;
	}
	return 0;
}

int na_agent_run(struct na_agent *a)
{
	struct itimerspec its = {.it_interval = {1, 0}, .it_value = {1, 0}};
	struct epoll_event evs[16];
	sigset_t mask;
	unsigned long tick = 0;
	int rc;

	libbpf_set_print(libbpf_print);
	if (take_lock(a))
		return NA_EXIT_ENV;
	rc = na_attach_datapath(a, a->encap_mode >= 0, a->tenant_bits > 0);
	if (rc)
		return rc;
	if (a->ready)
		na_server_addr_apply(a, true);
	na_vif_reattach_all(a);
	if (na_lldp_open(a) || na_nlarp_open(a) || na_events_open(a) || na_ctl_open(a))
		return NA_EXIT_ENV;
	na_vlan_table_refresh(a);
	if (a->ready)
		na_announce_all(a);
	else
		log_info("waiting for LLDP on %s (nothing is forwarded until then)", a->ifname);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	a->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	a->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	a->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (a->signal_fd < 0 || a->timer_fd < 0 || a->epoll_fd < 0 ||
	    timerfd_settime(a->timer_fd, 0, &its, NULL) ||
	    ep_add(a, ring_buffer__epoll_fd(a->rb), EP_RB) || ep_add(a, a->lldp_fd, EP_LLDP) ||
	    ep_add(a, a->bcast_fd, EP_BCAST) || ep_add(a, a->ucast_fd, EP_UCAST) ||
	    ep_add(a, a->udp_fd, EP_UDP) || ep_add(a, a->ctl_fd, EP_CTL) ||
	    ep_add(a, a->timer_fd, EP_TIMER) || ep_add(a, a->signal_fd, EP_SIGNAL)) {
		log_err("event loop setup failed: %s", strerror(errno));
		return NA_EXIT_ENV;
	}
	log_info("agent running on %s; control socket %s", a->ifname, a->sock_path);

	while (!a->stop) {
		int n = epoll_wait(a->epoll_fd, evs, 16, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("epoll_wait: %s", strerror(errno));
			rc = NA_EXIT_RUNTIME;
			break;
		}
		for (int i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EP_RB:
				ring_buffer__consume(a->rb);
				break;
			case EP_LLDP:
				na_lldp_readable(a);
				break;
			case EP_BCAST:
				na_nlarp_bcast_readable(a);
				break;
			case EP_UCAST:
				na_nlarp_ucast_readable(a);
				break;
			case EP_UDP:
				na_nlarp_udp_readable(a);
				break;
			case EP_CTL:
				na_ctl_readable(a);
				break;
			case EP_TIMER: {
				__u64 x;

				if (read(a->timer_fd, &x, sizeof(x)) < 0)
					break;
				tick++;
				na_vif_readopt(a);
				na_probe_tick(a);
				/* re-fetch: every 30 s, every 5 s while no table is loaded */
				if (a->ready &&
				    (tick % 30 == 0 || (!a->vt_loaded && tick % 5 == 0)))
					na_vlan_table_refresh(a);
				break;
			}
			case EP_SIGNAL: {
				struct signalfd_siginfo si;

				if (read(a->signal_fd, &si, sizeof(si)) != sizeof(si))
					break;
				if (si.ssi_signo == SIGHUP) {
					log_info("SIGHUP: re-fetching the VLAN table");
					a->vt_loaded = false;
					na_vlan_table_refresh(a);
				} else {
					log_info(
						"signal %u: exiting; the datapath keeps forwarding "
						"(pinned in %s)",
						si.ssi_signo, a->pin_dir);
					a->stop = true;
				}
				break;
			}
			}
		}
	}
	unlink(a->sock_path);
	ring_buffer__free(a->rb);
	na_rl_free(a->rl);
	na_tables_close(a);
	na_scan_guard_free(&a->scan);
	na_probe_free(a);
	netlord_bpf__destroy(a->skel);
	return rc;
}

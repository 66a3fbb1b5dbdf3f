// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The control socket, agent side (ctl_server.h): one non-blocking state
 * machine per client (read the request, answer, close), driven by an epoll
 * of its own that the daemon's loop watches as one descriptor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_server.h"
#include "drain.h"
#include "log.h"
#include "paths.h"
#include "util.h"

#define TAG_LISTEN 0xffffffffu /* epoll data of the listening socket; clients: their slot */

int na_ctl_listen(struct na_ctl_server *s, const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = TAG_LISTEN};
	mode_t old;
	int err = nl_mkdir_p(NA_RUN_ROOT, 0700);

	for (int i = 0; i < NA_CTL_MAX_CLIENTS; i++)
		s->cl[i].fd = -1;
	s->ep = -1;
	s->current = -1;
	s->listening = true;
	if (err)
		return err;
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	old = umask(0077);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(s->fd, 64)) {
		err = -errno;
		umask(old);
		log_err("cannot listen on %s: %s", path, strerror(-err));
		return err;
	}
	umask(old);
	chmod(path, 0600);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0 || epoll_ctl(s->ep, EPOLL_CTL_ADD, s->fd, &ev)) {
		err = -errno;
		log_err("control socket: epoll: %s", strerror(-err));
		return err;
	}
	return 0;
}

int na_ctl_fd(const struct na_ctl_server *s)
{
	return s->ep;
}

static void drop(struct na_ctl_server *s, struct na_ctl_client *c)
{
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->body);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* as much of the answer as the socket takes; true once all of it went */
static bool send_answer(struct na_ctl_client *c)
{
	while (c->sent < c->hlen + c->blen) {
		bool head = c->sent < c->hlen;
		const char *p = head ? c->head + c->sent : c->body + (c->sent - c->hlen);
		size_t len = head ? c->hlen - c->sent : c->blen - (c->sent - c->hlen);
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno != EAGAIN && errno != EINTR; /* error: nothing more to do */
		c->sent += (size_t)n;
		c->deadline_ms = nl_now_ms() + NA_CTL_STALL_MS; /* progress */
	}
	return true;
}

/* the answer is known: hold it and wait until the socket takes it */
static void set_answer(struct na_ctl_server *s, struct na_ctl_client *c, int rc, const char *err,
		       char *out, size_t outlen)
{
	struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (__u32)(c - s->cl)};
	char big[128];

	if (!rc && outlen > NA_CTL_OUT_MAX) {
		rc = -EFBIG;
		snprintf(big, sizeof(big), "answer of %zu bytes is over the %lu-byte limit", outlen,
			 NA_CTL_OUT_MAX);
		err = big;
	}
	if (rc) {
		free(out);
		out = NULL;
		outlen = 0;
		c->hlen = (size_t)snprintf(c->head, sizeof(c->head), "error %d %s\n", -rc,
					   err && err[0] ? err : strerror(-rc));
	} else {
		c->hlen = (size_t)snprintf(c->head, sizeof(c->head), "ok\n");
	}
	c->hlen = c->hlen < sizeof(c->head) ? c->hlen : sizeof(c->head) - 1;
	c->body = out;
	c->blen = outlen;
	c->answering = true;
	c->deferred = false;
	c->deadline_ms = nl_now_ms() + NA_CTL_STALL_MS;
	epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* the request is whole: carry it out */
static void run_request(struct na_ctl_server *s, struct na_ctl_client *c)
{
	char err[256] = "", *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	int rc = f ? na_request_check(&c->req, err, sizeof(err)) : -ENOMEM;

	s->current = (int)(c - s->cl);
	if (!rc)
		rc = s->handle(s->ctx, &c->req, f, err, sizeof(err));
	s->current = -1;
	if (f)
		fclose(f);
	if (rc == NA_CTL_DEFERRED) {
		free(out);
		return;
	}
	set_answer(s, c, rc, err, out, outlen);
}

long na_ctl_defer(struct na_ctl_server *s)
{
	struct na_ctl_client *c;
	struct epoll_event ev = {.events = 0};

	if (s->current < 0)
		return -1;
	c = &s->cl[s->current];
	c->deferred = true;
	c->deadline_ms = nl_now_ms() + NA_CTL_STALL_MS;
	/* nothing to read or write meanwhile; a hang-up still shows */
	ev.data.u32 = (__u32)s->current;
	epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
	return (long)c->gen * NA_CTL_MAX_CLIENTS + s->current;
}

void na_ctl_finish(struct na_ctl_server *s, long token, int rc, const char *err)
{
	struct na_ctl_client *c;

	if (token < 0)
		return;
	c = &s->cl[token % NA_CTL_MAX_CLIENTS];
	if (c->fd < 0 || !c->deferred || c->gen != (unsigned int)(token / NA_CTL_MAX_CLIENTS))
		return; /* that client has gone */
	set_answer(s, c, rc, err, NULL, 0);
	if (send_answer(c))
		drop(s, c);
}

static void client_io(struct na_ctl_server *s, struct na_ctl_client *c, __u32 events)
{
	if (c->deferred) {
		if (events & (EPOLLHUP | EPOLLERR))
			drop(s, c); /* gone while its answer was being made */
		return;
	}
	if (!c->answering) {
		ssize_t n = recv(c->fd, (char *)&c->req + c->rlen, sizeof(c->req) - c->rlen,
				 MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			drop(s, c); /* gone before its request was whole */
			return;
		}
		if (n > 0)
			c->rlen += (size_t)n;
		if (c->rlen < sizeof(c->req))
			return;
		run_request(s, c);
		if (c->fd < 0 || c->deferred)
			return;
	}
	if (send_answer(c))
		drop(s, c); /* one request per connection: closing ends the answer */
}

static void accept_one(struct na_ctl_server *s)
{
	static const char busy[] = "error 16 the agent is serving too many control clients\n";
	struct epoll_event ev = {.events = EPOLLIN};
	int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), i;
	struct ucred cr;
	socklen_t cl = sizeof(cr);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) || cr.uid != 0) {
		close(fd);
		return;
	}
	for (i = 0; i < NA_CTL_MAX_CLIENTS && s->cl[i].fd >= 0; i++)
		;
	if (i == NA_CTL_MAX_CLIENTS) {
		/* all busy: the oldest client still silent about its request gives way */
		int old = -1;

		for (int j = 0; j < NA_CTL_MAX_CLIENTS; j++)
			if (!s->cl[j].answering && !s->cl[j].deferred &&
			    (old < 0 || s->cl[j].deadline_ms < s->cl[old].deadline_ms))
				old = j;
		if (old >= 0) {
			drop(s, &s->cl[old]);
			i = old;
		}
	}
	if (i == NA_CTL_MAX_CLIENTS) {
		if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* closing anyway */
		}
		close(fd);
		if (!(s->refused++ & 1023))
			log_warn("control socket: %d clients at once, refusing more (%llu so far)",
				 NA_CTL_MAX_CLIENTS, s->refused);
		return;
	}
	ev.data.u32 = (__u32)i;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		return;
	}
	memset(&s->cl[i], 0, sizeof(s->cl[i]));
	s->cl[i].fd = fd;
	s->cl[i].gen = ++s->gen;
	s->cl[i].deadline_ms = nl_now_ms() + NA_CTL_REQUEST_MS;
}

void na_ctl_serve(struct na_ctl_server *s)
{
	struct epoll_event evs[NA_DRAIN_BUDGET];
	int n = epoll_wait(s->ep, evs, NA_DRAIN_BUDGET, 0);

	for (int i = 0; i < n; i++) {
		__u32 tag = evs[i].data.u32;

		if (tag == TAG_LISTEN)
			accept_one(s); /* one per event: the listening socket stays ready */
		else if (tag < NA_CTL_MAX_CLIENTS && s->cl[tag].fd >= 0)
			client_io(s, &s->cl[tag], evs[i].events);
	}
}

void na_ctl_tick(struct na_ctl_server *s)
{
	unsigned long long now = nl_now_ms();

	if (!s->listening)
		return;
	for (int i = 0; i < NA_CTL_MAX_CLIENTS; i++) {
		struct na_ctl_client *c = &s->cl[i];

		if (c->fd < 0 || now < c->deadline_ms)
			continue;
		log_warn("control socket: dropping a client that %s",
			 c->answering ? "stopped reading its answer"
				      : "did not send a whole request");
		drop(s, c);
	}
}

void na_ctl_close(struct na_ctl_server *s)
{
	if (!s->listening)
		return;
	for (int i = 0; i < NA_CTL_MAX_CLIENTS; i++)
		if (s->cl[i].fd >= 0)
			drop(s, &s->cl[i]);
	if (s->ep >= 0)
		close(s->ep);
	s->ep = -1;
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);
	}
	s->fd = -1;
}

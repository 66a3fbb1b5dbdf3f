// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The curl plumbing of the repository clients (curl_loop.h), patent
 * [0012]: libcurl's multi interface driven from an epoll descriptor and a
 * timerfd of our own, the answer buffer, the common easy-handle options.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <linux/types.h>

#include "curl_loop.h"

struct nl_curl_loop {
	CURLM *multi;
	int ep, tfd;
};

int nl_curl_global(void)
{
	static bool done;

	if (!done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return -ENOMEM;
		done = true;
	}
	return 0;
}

/* curl's sockets in our epoll */
static int on_socket(CURL *c, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct nl_curl_loop *l = userp;
	struct epoll_event ev = {.data.fd = s};

	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(l->ep, EPOLL_CTL_DEL, s, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	if (epoll_ctl(l->ep, EPOLL_CTL_MOD, s, &ev) && errno == ENOENT)
		epoll_ctl(l->ep, EPOLL_CTL_ADD, s, &ev);
	return 0;
}

/* curl's timer as a timerfd in our epoll */
static int on_timer(CURLM *m, long timeout_ms, void *userp)
{
	struct nl_curl_loop *l = userp;
	struct itimerspec its = {};

	if (timeout_ms >= 0) {
		its.it_value.tv_sec = timeout_ms / 1000;
		its.it_value.tv_nsec = (timeout_ms % 1000) * 1000000L;
		if (!timeout_ms)
			its.it_value.tv_nsec = 1; /* at once: 0 would disarm */
	}
	return timerfd_settime(l->tfd, 0, &its, NULL) ? -1 : 0;
}

int nl_curl_loop_new(struct nl_curl_loop **out)
{
	struct epoll_event ev = {.events = EPOLLIN};
	struct nl_curl_loop *l;

	if (nl_curl_global())
		return -ENOMEM;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	l->multi = curl_multi_init();
	ev.data.fd = l->tfd;
	if (l->ep < 0 || l->tfd < 0 || !l->multi || epoll_ctl(l->ep, EPOLL_CTL_ADD, l->tfd, &ev)) {
		nl_curl_loop_free(l);
		return -ENOMEM;
	}
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	*out = l;
	return 0;
}

void nl_curl_loop_free(struct nl_curl_loop *l)
{
	if (!l)
		return;
	if (l->multi)
		curl_multi_cleanup(l->multi);
	if (l->ep >= 0)
		close(l->ep);
	if (l->tfd >= 0)
		close(l->tfd);
	free(l);
}

int nl_curl_loop_fd(const struct nl_curl_loop *l)
{
	return l->ep;
}

int nl_curl_loop_add(struct nl_curl_loop *l, CURL *easy)
{
	return curl_multi_add_handle(l->multi, easy) ? -ENOMEM : 0;
}

void nl_curl_loop_remove(struct nl_curl_loop *l, CURL *easy)
{
	if (!easy)
		return;
	curl_multi_remove_handle(l->multi, easy);
	curl_easy_cleanup(easy);
}

void nl_curl_loop_poll(struct nl_curl_loop *l)
{
	struct epoll_event evs[8];
	int n = epoll_wait(l->ep, evs, 8, 0), running;

	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd, flags = 0;

		if (fd == l->tfd) {
			__u64 x;

			if (read(l->tfd, &x, sizeof(x)) < 0) {
				/* not expired after all: curl still gets its look */
			}
			curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
			continue;
		}
		if (evs[i].events & EPOLLIN)
			flags |= CURL_CSELECT_IN;
		if (evs[i].events & EPOLLOUT)
			flags |= CURL_CSELECT_OUT;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			flags |= CURL_CSELECT_ERR;
		curl_multi_socket_action(l->multi, fd, flags, &running);
	}
}

CURL *nl_curl_loop_next_done(struct nl_curl_loop *l, CURLcode *cc)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(l->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		*cc = msg->data.result;
		return msg->easy_handle;
	}
	return NULL;
}

size_t nl_curl_buf_write(char *p, size_t size, size_t n, void *userp)
{
	struct nl_curl_buf *b = userp;

	n *= size;
	if (b->max && b->len + n > b->max) {
		b->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *nb;

		while (cap < b->len + n + 1)
			cap *= 2;
		nb = realloc(b->p, cap);
		if (!nb)
			return 0;
		b->p = nb;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
	return n;
}

void nl_curl_buf_reset(struct nl_curl_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->too_big = false;
}

CURL *nl_curl_easy(const char *url, const char *protocols, const char *agent, char *errbuf)
{
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	errbuf[0] = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, agent);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return c;
}

void nl_curl_tls(CURL *c, const struct nl_tls_opts *t)
{
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (!t)
		return;
	if (t->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_file);
	if (t->cert_file) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, t->cert_file);
		curl_easy_setopt(c, CURLOPT_SSLKEY, t->key_file ? t->key_file : t->cert_file);
	}
}

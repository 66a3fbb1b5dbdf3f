// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Minimal HTTP/1.1 client for GET /v1/vlan-table: one request per
 * connection (Connection: close), Content-Length or read-to-close bodies,
 * no chunked encoding, no redirects, a deadline on the whole exchange.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "vlan_table.h"
#include "util.h"

/* the VLAN table document at its largest plus room for the headers */
#define HTTP_MAX_RESPONSE (NL_VT_MAX_BYTES + (64UL << 10))

int nl_http_parse(const char *buf, size_t len, int *status, const char **body, size_t *body_len,
		  char *err, size_t errlen)
{
	const char *end = NULL, *p, *line;
	long long clen = -1;
	int code;

	for (size_t i = 0; i + 3 < len; i++)
		if (!memcmp(buf + i, "\r\n\r\n", 4)) {
			end = buf + i;
			break;
		}
	if (!end)
		return nl_errf(err, errlen, -EPROTO, "response ends inside the header (truncated)");
	if (len < 12 || (memcmp(buf, "HTTP/1.1 ", 9) && memcmp(buf, "HTTP/1.0 ", 9)))
		return nl_errf(err, errlen, -EPROTO, "not an HTTP/1.x response");
	code = 0;
	for (int i = 9; i < 12; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return nl_errf(err, errlen, -EPROTO, "bad status code");
		code = code * 10 + (buf[i] - '0');
	}
	if (buf[12] != ' ' && buf[12] != '\r')
		return nl_errf(err, errlen, -EPROTO, "bad status line");
	p = memchr(buf, '\n', (size_t)(end - buf));
	while (p && p < end) {
		const char *eol;
		size_t n;

		line = p + 1;
		eol = memchr(line, '\r', (size_t)(end + 2 - line));
		if (!eol)
			break;
		n = (size_t)(eol - line);
		if (n > 15 && !strncasecmp(line, "Content-Length:", 15)) {
			const char *v = line + 15;
			long long x = 0;
			int digits = 0;

			while (v < eol && *v == ' ')
				v++;
			for (; v < eol && *v >= '0' && *v <= '9' && digits < 18; v++, digits++)
				x = x * 10 + (*v - '0');
			while (v < eol && *v == ' ')
				v++;
			if (!digits || v != eol)
				return nl_errf(err, errlen, -EPROTO, "bad Content-Length header");
			if (clen >= 0 && clen != x)
				return nl_errf(err, errlen, -EPROTO,
					       "conflicting Content-Length headers");
			clen = x;
		} else if (n > 18 && !strncasecmp(line, "Transfer-Encoding:", 18)) {
			return nl_errf(err, errlen, -EPROTO, "Transfer-Encoding is not supported");
		}
		p = eol + 1;
		if (eol >= end)
			break;
	}
	*status = code;
	*body = end + 4;
	*body_len = len - (size_t)(end + 4 - buf);
	if (clen >= 0) {
		if ((size_t)clen > *body_len)
			return nl_errf(err, errlen, -EPROTO,
				       "body shorter than Content-Length (%zu of %lld bytes)",
				       *body_len, clen);
		*body_len = (size_t)clen;
	}
	return 0;
}

int nl_http_split_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen,
		      char *path, size_t pathlen)
{
	const char *h = url, *slash, *colon, *hend;

	if (!strncmp(h, "http://", 7))
		h += 7;
	slash = strchr(h, '/');
	hend = slash ? slash : h + strlen(h);
	colon = memchr(h, ':', (size_t)(hend - h));
	if (hend == h || colon == h)
		return -EINVAL;
	if ((size_t)((colon ? colon : hend) - h) >= hostlen)
		return -EINVAL;
	memcpy(host, h, (size_t)((colon ? colon : hend) - h));
	host[(colon ? colon : hend) - h] = 0;
	if (colon) {
		size_t n = (size_t)(hend - colon - 1);

		if (!n || n >= portlen)
			return -EINVAL;
		memcpy(port, colon + 1, n);
		port[n] = 0;
		for (size_t i = 0; i < n; i++)
			if (port[i] < '0' || port[i] > '9')
				return -EINVAL;
	} else {
		snprintf(port, portlen, "80");
	}
	if (!slash || !strcmp(slash, "/"))
		snprintf(path, pathlen, "/v1/vlan-table");
	else if (strlen(slash) >= pathlen)
		return -EINVAL;
	else
		snprintf(path, pathlen, "%s", slash);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd p = {.fd = fd, .events = ev};
	long long left = deadline - now_ms();
	int r;

	if (left <= 0)
		return 0;
	do
		r = poll(&p, 1, (int)left);
	while (r < 0 && errno == EINTR);
	return r;
}

int nl_http_get(const char *url, int timeout_ms, char **body_out, size_t *body_len, char *err,
		size_t errlen)
{
	char host[256], port[8], path[512], req[1024];
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	long long deadline = now_ms() + timeout_ms;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd = -1, rc, status;
	const char *body;
	size_t blen;

	if (nl_http_split_url(url, host, sizeof(host), port, sizeof(port), path, sizeof(path)))
		return nl_errf(
			err, errlen, -EINVAL,
			"cannot parse repository address '%s' (want http://host:port[/path] or "
			"host:port)",
			url);
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc)
		return nl_errf(err, errlen, -EHOSTUNREACH, "cannot resolve %s: %s", host,
			       gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) > 0 &&
		    !getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) && !soerr)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return nl_errf(err, errlen, -ECONNREFUSED,
			       "cannot connect to %s:%s (is the repository running and reachable?)",
			       host, port);
	rc = snprintf(req, sizeof(req),
		      "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: na-loader\r\n"
		      "Connection: close\r\n\r\n",
		      path, host, port);
	if (send(fd, req, (size_t)rc, MSG_NOSIGNAL) != rc) {
		close(fd);
		return nl_errf(err, errlen, -EIO, "cannot send the request to %s:%s", host, port);
	}
	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > HTTP_MAX_RESPONSE + 1)
				goto too_big;
			nb = realloc(buf, cap);
			if (!nb)
				goto too_big;
			buf = nb;
		}
		if (wait_fd(fd, POLLIN, deadline) <= 0) {
			close(fd);
			free(buf);
			return nl_errf(err, errlen, -ETIMEDOUT,
				       "timeout after %d ms waiting for %s:%s", timeout_ms, host,
				       port);
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			close(fd);
			free(buf);
			return nl_errf(err, errlen, -EIO, "receive from %s:%s: %s", host, port,
				       strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	rc = nl_http_parse(buf, len, &status, &body, &blen, err, errlen);
	if (rc) {
		free(buf);
		return rc;
	}
	if (status != 200) {
		free(buf);
		return nl_errf(err, errlen, -ENOENT, "repository answered HTTP %d for %s", status,
			       path);
	}
	memmove(buf, body, blen);
	buf[blen] = 0;
	*body_out = buf;
	*body_len = blen;
	return 0;
too_big:
	close(fd);
	free(buf);
	return nl_errf(err, errlen, -EFBIG, "response larger than %lu bytes", HTTP_MAX_RESPONSE);
}

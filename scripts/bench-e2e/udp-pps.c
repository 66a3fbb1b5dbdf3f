// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * udp-pps: small-datagram rate with batched system calls, so that the
 * datapath rather than one recvmsg() per datagram limits the figure.
 *
 *   udp-pps recv BIND_IP PORT SECONDS    prints "received N pps R"
 *   udp-pps send DST_IP PORT SECONDS LEN prints "sent N pps R"
 *
 * The receiver counts datagrams from the first one to the last one that
 * arrive while it runs (it stops SECONDS + 2 s after start, or 0.5 s after
 * traffic stops) and divides by the time between them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#define BATCH 64
#define MAXLEN 2048

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: udp-pps recv BIND_IP PORT SECONDS | send DST_IP PORT SECONDS LEN\n");
	return 2;
}

int main(int argc, char **argv)
{
	static char bufs[BATCH][MAXLEN];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in sa = {.sin_family = AF_INET};
	double secs, start, first = 0, last = 0;
	unsigned long long n = 0;
	int fd, len = 18;

	if (argc < 5)
		return usage();
	if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
		return usage();
	sa.sin_port = htons(atoi(argv[3]));
	secs = atof(argv[4]);
	if (argc > 5)
		len = atoi(argv[5]);
	if (len < 1 || len > MAXLEN || secs <= 0)
		return usage();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = strcmp(argv[1], "send") ? MAXLEN : (size_t)len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	if (!strcmp(argv[1], "recv")) {
		int rcvbuf = 8 << 20;
		struct timeval tv = {.tv_usec = 100000};
		double idle_since;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("bind");
			return 1;
		}
		start = idle_since = now();
		printf("listening\n");
		fflush(stdout);
		for (;;) {
			int r = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
			double t = now();

			if (r > 0) {
				if (!n)
					first = t;
				n += r;
				last = t;
				idle_since = t;
			} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
				perror("recvmmsg");
				return 1;
			}
			if (t - start > secs + 2 || (n && t - idle_since > 0.5))
				break;
			/* wait up to 30 s for the sender to start */
			if (!n && t - start > 30)
				break;
		}
		printf("received %llu pps %.0f\n", n, last > first ? n / (last - first) : 0.0);
		return n ? 0 : 1;
	}
	if (!strcmp(argv[1], "send")) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("connect");
			return 1;
		}
		start = now();
		while ((last = now()) - start < secs) {
			int r = sendmmsg(fd, msgs, BATCH, 0);

			if (r > 0)
				n += r;
			else if (r < 0 && errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED) {
				perror("sendmmsg");
				return 1;
			}
		}
		printf("sent %llu pps %.0f\n", n, n / (last - start));
		return 0;
	}
	return usage();
}

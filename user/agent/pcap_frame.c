// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* One frame of a pcap file (pcap_frame.h), read with libpcap. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "pcap_frame.h"

int na_pcap_frame(const char *path, __u32 index, __u8 *buf, size_t size, __u32 *len)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, err);
	int rc = -ENOENT;

	if (!p) {
		fprintf(stderr, "na-loader trace: %s\n", err);
		return -EINVAL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "na-loader trace: %s: not an Ethernet capture\n", path);
		pcap_close(p);
		return -EINVAL;
	}
	for (__u32 i = 1; pcap_next_ex(p, &h, &data) == 1; i++) {
		if (i < index)
			continue;
		if (h->caplen < 14 || h->caplen > size || h->caplen != h->len) {
			fprintf(stderr,
				"na-loader trace: frame %u of %s is truncated or too long\n", i,
				path);
			rc = -EINVAL;
			break;
		}
		memcpy(buf, data, h->caplen);
		*len = h->caplen;
		rc = 0;
		break;
	}
	pcap_close(p);
	if (rc == -ENOENT) {
		fprintf(stderr, "na-loader trace: %s has no frame %u\n", path, index);
		rc = -EINVAL;
	}
	return rc;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One frame of a pcap file, for `na-loader trace --pcap` (libpcap; apart
 * from the BPF code because <pcap/pcap.h> and <linux/bpf.h> both define
 * struct bpf_insn).  Operations tooling (issue 14), no patent paragraph.
 */
#ifndef NA_PCAP_FRAME_H
#define NA_PCAP_FRAME_H

#include <stddef.h>
#include <linux/types.h>

/*
 * Frame @index (1-based) of the Ethernet capture @path into @buf (@size
 * bytes), its length in *len; 0 or -EINVAL with the reason on stderr.
 */
int na_pcap_frame(const char *path, __u32 index, __u8 *buf, size_t size, __u32 *len);

#endif /* NA_PCAP_FRAME_H */

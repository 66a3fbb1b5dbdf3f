/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The size of the NART arrays (patent [0035]: the NART's memory cost),
 * chosen by configuration before the datapath object is loaded:
 * `attach --nart-entries N` / `nart_entries = N` in na-loader.conf.  N
 * VIFs per table give ceil(N / (3 x 0.9)) buckets of 64 bytes (load 0.9 at
 * N, docs/nart.md), applied to every NART map of the object
 * (bpf_map__set_max_entries); the IPv6 NART-1 (a hash map) gets N entries
 * when a size is given, and a further table only adds its name to the list
 * in nart_size.c.  A pinned datapath keeps its size
 * unless another one is asked for, which is refused (`detach` first):
 * resizing would drop every learned entry.  docs/scale.md says why the
 * default is what it is.
 */
#ifndef NA_NART_SIZE_H
#define NA_NART_SIZE_H

#include <linux/types.h>
#include <stddef.h>

struct bpf_object;

#define NA_NART_ENTRIES_DEFAULT 131072U	   /* a 1,000-server cell at ~100 VIFs each */
#define NA_NART_ENTRIES_MIN	16U	   /* a few buckets: tests, tiny labs */
#define NA_NART_ENTRIES_MAX	(1U << 24) /* 16.7M VIFs: 397 MiB per table */

/* buckets for @entries VIFs at the design load 0.9 */
__u32 na_nart_buckets(__u32 entries);
/* the VIFs a table of @buckets holds at the design load (inverse of the above) */
__u32 na_nart_entries_of(__u32 buckets);

/*
 * Size the NART maps of @obj (not yet loaded) whose pins live in @pin_dir:
 * @entries VIFs (0: not asked: the pinned size, else the default).  A pin
 * of another size with @entries given: -EINVAL with a message naming
 * `detach`.  *@buckets_out: the bucket count in force.  0 or -errno.
 */
int na_nart_size_apply(struct bpf_object *obj, const char *pin_dir, __u32 entries,
		       __u32 *buckets_out);

#endif /* NA_NART_SIZE_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Sizing the NART arrays before the datapath is loaded (nart_size.h,
 * docs/scale.md; patent [0035] on the NART's memory).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "nart_size.h"
#include "nart_table.h"
#include "util.h"

/*
 * Every NART of the datapath object.  Compact tables (cnart.c) share one
 * bucket count; a hash map (the IPv6 NART-1) gets one entry per VIF, and
 * only when a size was asked for (else the object's or the pinned size).
 */
static const struct {
	const char *name;
	bool compact;
} nart_maps[] = {
	{"nl_nart1", true},
	{"nl_nart2", true},
	{"nl_nart1v6", false},
};

#define N_MAPS (sizeof(nart_maps) / sizeof(nart_maps[0]))

__u32 na_nart_buckets(__u32 entries)
{
	/* ceil(entries / (NART_SLOTS * 0.9)) in integers: 1,000,000 -> NART_BUCKETS_1M */
	__u64 b = ((__u64)entries * 10 + NART_SLOTS * 9 - 1) / (NART_SLOTS * 9);

	return b < 2 ? 2 : (__u32)b;
}

__u32 na_nart_entries_of(__u32 buckets)
{
	return (__u32)((__u64)buckets * NART_SLOTS * 9 / 10);
}

/* max_entries of the pinned map @pin_dir/@name, 0 if there is none */
static __u32 pinned_entries(const char *pin_dir, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.max_entries = 0;
	close(fd);
	return info.max_entries;
}

int na_nart_size_apply(struct bpf_object *obj, const char *pin_dir, __u32 entries,
		       __u32 *buckets_out)
{
	__u32 want = entries ? na_nart_buckets(entries) : 0, pinned = 0, p[N_MAPS];
	size_t i;
	int err;

	for (i = 0; i < N_MAPS; i++) {
		__u32 asked = nart_maps[i].compact ? want : entries;

		p[i] = pinned_entries(pin_dir, nart_maps[i].name);
		if (!p[i])
			continue;
		if (asked && p[i] != asked) {
			log_err("the pinned %s in %s holds %u entries, --nart-entries %u asks for "
				"%u: run `na-loader detach` first to resize (the learned entries "
				"are dropped), or leave the size unset",
				nart_maps[i].name, pin_dir, p[i], entries, asked);
			return -EINVAL;
		}
		if (nart_maps[i].compact)
			pinned = p[i];
	}
	if (!want)
		want = pinned ? pinned : na_nart_buckets(NA_NART_ENTRIES_DEFAULT);
	for (i = 0; i < N_MAPS; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, nart_maps[i].name);
		/* a hash map: the size asked for, else the pinned one, else the object's */
		__u32 n = nart_maps[i].compact ? want : entries ? entries : p[i];

		if (!m || !n)
			continue; /* a datapath without this table, or its own size */
		err = bpf_map__set_max_entries(m, n);
		if (err) {
			log_err("cannot size %s to %u entries: %s", nart_maps[i].name, n,
				strerror(-err));
			return err;
		}
	}
	log_info("NARTs: %u buckets per table, %u VIFs at load 0.9, %.1f MiB kernel memory each%s",
		 want, na_nart_entries_of(want), (double)want * NART_BUCKET_BYTES / (1 << 20),
		 pinned ? " (pinned size kept)" : "");
	*buckets_out = want;
	return 0;
}

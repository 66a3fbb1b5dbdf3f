// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The datapath's maps by file descriptor (maps.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "maps.h"
#include "paths.h"

static int open_pin(const char *ifname, const char *map)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/nl_%s", NA_PIN_ROOT, ifname, map);
	return bpf_obj_get(path);
}

#define NA_MAP_NAME(n) #n,
static const char *const map_names[] = {NA_MAPS(NA_MAP_NAME)};
#undef NA_MAP_NAME
#define NA_MAP_OFF(n) offsetof(struct na_maps, n),
static const size_t map_offs[] = {NA_MAPS(NA_MAP_OFF)};
#undef NA_MAP_OFF
#define NMAPS (sizeof(map_names) / sizeof(map_names[0]))

static int *map_fd(struct na_maps *m, size_t i)
{
	return (int *)((char *)m + map_offs[i]);
}

int na_maps_open_pinned(const char *ifname, struct na_maps *m)
{
	memset(m, -1, sizeof(*m));
	for (size_t i = 0; i < NMAPS; i++) {
		int *fd = map_fd(m, i);

		*fd = open_pin(ifname, map_names[i]);
		if (*fd < 0) {
			int err = -errno;

			na_maps_close(m);
			return err;
		}
	}
	return 0;
}

void na_maps_close(struct na_maps *m)
{
	for (size_t i = 0; i < NMAPS; i++) {
		int *fd = map_fd(m, i);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

int na_config_get(const struct na_maps *m, struct nl_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(m->config, &zero, cfg) ? -errno : 0;
}

int na_config_put(const struct na_maps *m, const struct nl_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_update_elem(m->config, &zero, cfg, BPF_ANY) ? -errno : 0;
}

int na_pinned_only_iface(char *out, size_t len)
{
	DIR *d = opendir(NA_PIN_ROOT);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -ENOENT;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && !n++)
			snprintf(out, len, "%s", de->d_name);
	closedir(d);
	return n == 1 ? 0 : -ENOENT;
}

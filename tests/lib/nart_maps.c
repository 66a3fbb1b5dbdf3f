// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A NART store on fresh BPF arrays for tests and benchmarks (nart_maps.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "nart_maps.h"

static int mmapable_array(const char *name, __u32 value_size, __u32 entries)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, value_size, entries, &o);

	return fd < 0 ? -errno : fd;
}

int test_nart_open(struct test_nart *t, __u32 buckets, __u32 switches)
{
	struct nart_geom g1 = {}, g2 = {};
	int err;

	memset(t, 0, sizeof(*t));
	t->fd1 = mmapable_array("t_nart1", sizeof(struct nart_bucket), buckets);
	t->fd2 = mmapable_array("t_nart2", sizeof(struct nart_bucket), buckets);
	t->fd_sw = mmapable_array("t_switches", sizeof(struct nart_switch), switches);
	if (t->fd1 < 0 || t->fd2 < 0 || t->fd_sw < 0) {
		err = t->fd1 < 0 ? t->fd1 : t->fd2 < 0 ? t->fd2 : t->fd_sw;
		test_nart_close(t);
		return err;
	}
	err = nart_store_open(&t->store, t->fd1, t->fd2, t->fd_sw, &g1, &g2);
	if (err)
		test_nart_close(t);
	return err;
}

void test_nart_close(struct test_nart *t)
{
	int *fds[] = {&t->fd1, &t->fd2, &t->fd_sw};

	nart_store_close(&t->store);
	for (unsigned int i = 0; i < 3; i++) {
		if (*fds[i] > 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

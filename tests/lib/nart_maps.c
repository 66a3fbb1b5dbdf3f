// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A NART store on fresh BPF arrays for tests and benchmarks (nart_maps.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "nart_maps.h"
#include "nart_tomb.h"

static int mmapable_array(const char *name, __u32 value_size, __u32 entries)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, value_size, entries, &o);

	return fd < 0 ? -errno : fd;
}

int test_nart_open(struct test_nart *t, __u32 buckets, __u32 switches)
{
	struct nart_store_fds *f = &t->fds;
	int *fds[] = {&f->nart1, &f->nart2, &f->switches, &f->ver1, &f->ver2, &f->tombs};
	int err;

	memset(t, 0, sizeof(*t));
	f->nart1 = mmapable_array("t_nart1", sizeof(struct nart_bucket), buckets);
	f->nart2 = mmapable_array("t_nart2", sizeof(struct nart_bucket), buckets);
	f->switches = mmapable_array("t_switches", sizeof(struct nart_switch), switches);
	f->ver1 = mmapable_array("t_nart1_ver", 8, buckets * NART_SLOTS);
	f->ver2 = mmapable_array("t_nart2_ver", 8, buckets * NART_SLOTS);
	f->tombs = mmapable_array("t_tombs", sizeof(struct nart_tomb_rec), NART_TOMBS + 1);
	for (unsigned int i = 0; i < 6; i++)
		if (*fds[i] < 0) {
			err = *fds[i];
			test_nart_close(t);
			return err;
		}
	t->nart1v6 = bpf_map_create(BPF_MAP_TYPE_HASH, "t_nart1v6", sizeof(struct nl_ip6_key),
				    sizeof(struct nl_nart1v6_val), 1024, NULL);
	if (t->nart1v6 < 0) {
		err = -errno;
		test_nart_close(t);
		return err;
	}
	err = nart_store_open(&t->store, f, &t->g1, &t->g2);
	if (err)
		test_nart_close(t);
	else
		nart_store_set_nart1v6(&t->store, t->nart1v6);
	f->state_adopted = true; /* from now on, as the pinned arrays of a running agent */
	return err;
}

int test_nart_restart(struct test_nart *t)
{
	__u64 (*now)(void) = t->store.now_ms;
	int err;

	nart_store_close(&t->store);
	err = nart_store_open(&t->store, &t->fds, &t->g1, &t->g2);
	if (err)
		return err;
	nart_store_set_nart1v6(&t->store, t->nart1v6); /* the map outlives the agent */
	t->store.now_ms = now;
	/* the version file outlives the agent; without one the clock starts over */
	return nart_vclock_open(&t->store.vclock, t->vdir[0] ? t->vdir : NULL, "test");
}

void test_nart_close(struct test_nart *t)
{
	struct nart_store_fds *f = &t->fds;
	int *fds[] = {&f->nart1, &f->nart2, &f->switches, &f->ver1, &f->ver2, &f->tombs};

	nart_store_close(&t->store);
	for (unsigned int i = 0; i < 6; i++) {
		if (*fds[i] > 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (t->nart1v6 > 0)
		close(t->nart1v6);
	t->nart1v6 = -1;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tc ingress attachment through libbpf's bpf_tc_* (tc.h). */
#include <errno.h>
#include <bpf/libbpf.h>

#include "tc.h"

#define NA_TC_HANDLE 0x4e4c /* "NL" */
#define NA_TC_PRIO   1

int na_tc_attach(int ifindex, int prog_fd, bool replace)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NA_TC_HANDLE, .priority = NA_TC_PRIO,
			    .prog_fd = prog_fd, .flags = replace ? BPF_TC_F_REPLACE : 0);
	int err = bpf_tc_hook_create(&hook);

	if (err && err != -EEXIST)
		return err;
	return bpf_tc_attach(&hook, &opts);
}

int na_tc_detach(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NA_TC_HANDLE, .priority = NA_TC_PRIO);

	return bpf_tc_detach(&hook, &opts);
}

bool na_tc_present(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NA_TC_HANDLE, .priority = NA_TC_PRIO);

	return bpf_tc_query(&hook, &opts) == 0;
}

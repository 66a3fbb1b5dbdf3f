/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Where na-loader keeps its state: pins in bpffs, the lock and the control socket. */
#ifndef NA_PATHS_H
#define NA_PATHS_H

#define NA_BPFFS    "/sys/fs/bpf"
#define NA_PIN_ROOT NA_BPFFS "/netlord" /* <iface>/nl_<map>, prog_*, link_xdp */
#define NA_RUN_ROOT "/run/netlord"	/* <iface>/lock, <iface>.sock */

#endif /* NA_PATHS_H */

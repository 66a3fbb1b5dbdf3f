/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `na-loader detach`: remove what `attach` left behind on an uplink whose
 * agent has stopped: tc programs of the VIFs and the uplink, the server
 * address, every pin (XDP link included) and the run directory.
 */
#ifndef NA_DETACH_H
#define NA_DETACH_H

/* 0, -ENOENT if nothing is attached, or the -errno of a pin left behind */
int na_detach(const char *ifname);

#endif /* NA_DETACH_H */

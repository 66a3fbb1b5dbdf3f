/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Prometheus text exposition format 0.0.4: one family header (# HELP and
 * # TYPE) followed by its samples, `name{label="value",...} value`, with
 * HELP text and label values escaped as the format requires.  The agent's
 * and the repository's /metrics endpoints write through it (the operator's
 * view of the Network Agent, patent Fig. 3, and of the configuration
 * repository, [0036]).  Names are checked: a bad name writes nothing.
 */
#ifndef NL_PROM_H
#define NL_PROM_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* [a-zA-Z_:][a-zA-Z0-9_:]* (metric) or [a-zA-Z_][a-zA-Z0-9_]* (label) */
bool prom_valid_metric_name(const char *s);
bool prom_valid_label_name(const char *s);

/* "# HELP name help" and "# TYPE name type"; type: counter, gauge, untyped; 0 or -EINVAL */
int prom_family(FILE *f, const char *name, const char *type, const char *help);

/*
 * One sample: the label list is name, value pairs ending with NULL.
 * 0 or -EINVAL (a bad metric or label name: nothing written).
 */
int prom_u64(FILE *f, const char *name, __u64 v, ...) __attribute__((sentinel));
int prom_double(FILE *f, const char *name, double v, ...) __attribute__((sentinel));

/* a label value escaped (\\, \", \n) into @out; false if it did not fit */
bool prom_escape_label(const char *in, char *out, size_t len);

#endif /* NL_PROM_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Token buckets per key in a fixed-size table: bounded memory whatever the
 * number of keys (a new key in a taken slot starts a fresh bucket).
 */
#ifndef NL_RATELIMIT_H
#define NL_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct nl_ratelimit;

/* @rate tokens per second per key, @burst tokens at most, @slots buckets; NULL on error */
struct nl_ratelimit *nl_rl_new(unsigned int slots, double rate, double burst);
void nl_rl_free(struct nl_ratelimit *rl);
/* take one token for @key at @now_ms; true if there was one */
bool nl_rl_allow(struct nl_ratelimit *rl, const void *key, size_t keylen, __u64 now_ms);

#endif /* NL_RATELIMIT_H */

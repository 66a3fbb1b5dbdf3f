/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Logging for every NetLord program: one line per message on stderr,
 * "<unix time>.<ms> <program> <level>: <text>".  The level is set once by
 * main (-v raises it to debug).
 */
#ifndef NL_LOG_H
#define NL_LOG_H

enum nl_log_level { NL_LOG_ERR, NL_LOG_WARN, NL_LOG_INFO, NL_LOG_DEBUG };

/* program name printed on each line, and the most verbose level printed */
void nl_log_init(const char *prog, enum nl_log_level level);
void nl_log(enum nl_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)   nl_log(NL_LOG_ERR, __VA_ARGS__)
#define log_warn(...)  nl_log(NL_LOG_WARN, __VA_ARGS__)
#define log_info(...)  nl_log(NL_LOG_INFO, __VA_ARGS__)
#define log_debug(...) nl_log(NL_LOG_DEBUG, __VA_ARGS__)

#endif /* NL_LOG_H */

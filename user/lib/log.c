// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Logging to stderr (log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static const char *log_prog = "netlord";
static enum nl_log_level log_level = NL_LOG_INFO;

void nl_log_init(const char *prog, enum nl_log_level level)
{
	log_prog = prog;
	log_level = level;
}

void nl_log(enum nl_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	struct timespec ts;
	va_list ap;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%lld.%03ld %s %s: ", (long long)ts.tv_sec, ts.tv_nsec / 1000000, log_prog,
		names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

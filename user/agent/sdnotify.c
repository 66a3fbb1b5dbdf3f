// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * systemd readiness, status and watchdog through libsystemd's sd_notify
 * (sdnotify.h): the service manager learns when the Network Agent of patent
 * Fig. 3 is really forwarding, not merely started.
 */
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "sdnotify.h"

void na_sd_init(struct na_sd *s)
{
	uint64_t usec = 0;

	memset(s, 0, sizeof(*s));
	if (sd_watchdog_enabled(0, &usec) > 0) {
		s->watchdog_usec = usec;
		log_info("systemd watchdog: every %llu ms (WATCHDOG_USEC)",
			 (unsigned long long)usec / 1000);
		if (usec < 2000000)
			log_warn("WATCHDOG_USEC %llu is under 2 s: the agent's 1 s timer may miss "
				 "it (WatchdogSec= should be >= 2)",
				 (unsigned long long)usec);
	}
}

void na_sd_update(struct na_sd *s, bool ready, const char *status)
{
	if (strcmp(s->status, status)) {
		snprintf(s->status, sizeof(s->status), "%s", status);
		if (ready && !s->ready_sent)
			sd_notifyf(0, "READY=1\nSTATUS=%s", status);
		else
			sd_notifyf(0, "STATUS=%s", status);
	} else if (ready && !s->ready_sent) {
		sd_notify(0, "READY=1");
	}
	if (ready && !s->ready_sent) {
		s->ready_sent = true;
		log_info("ready: %s", status);
	}
}

void na_sd_watchdog(struct na_sd *s)
{
	/* every tick (1 s): cheap, and in time for any WatchdogSec= of 2 s or more */
	if (s->watchdog_usec)
		sd_notify(0, "WATCHDOG=1");
}

void na_sd_reloading(struct na_sd *s, bool begin)
{
	if (begin)
		sd_notify(0, "RELOADING=1");
	else if (s->ready_sent)
		sd_notify(0, "READY=1");
}

void na_sd_stopping(struct na_sd *s)
{
	sd_notify(0, "STOPPING=1");
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * systemd's service notification (sd_notify(3), libsystemd) for a
 * Type=notify unit: READY=1 once the Network Agent can forward (patent
 * Fig. 3: datapath attached, location learned from LLDP, VLAN table
 * loaded, [0036]), STATUS= lines when its state changes, WATCHDOG=1 from
 * the loop's timer when the service manager asked for a watchdog, and
 * STOPPING=1.  Without NOTIFY_SOCKET every call does nothing.
 */
#ifndef NA_SDNOTIFY_H
#define NA_SDNOTIFY_H

#include <stdbool.h>
#include <linux/types.h>

struct na_sd {
	bool ready_sent;
	__u64 watchdog_usec; /* 0: no watchdog asked */
	char status[256];    /* the last STATUS= sent */
};

/* reads WATCHDOG_USEC (sd_watchdog_enabled) */
void na_sd_init(struct na_sd *s);

/*
 * The agent's state after an event or a tick: sends STATUS= when @status
 * changed, READY=1 the first time @ready is true.
 */
void na_sd_update(struct na_sd *s, bool ready, const char *status);

/* from the 1 s timer: WATCHDOG=1 if the service manager asked for a watchdog */
void na_sd_watchdog(struct na_sd *s);

void na_sd_reloading(struct na_sd *s, bool begin);
void na_sd_stopping(struct na_sd *s);

#endif /* NA_SDNOTIFY_H */

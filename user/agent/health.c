// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The health check of `status --check` (health.h): the running agent's JSON
 * status, read for its state and its VLAN table; the readiness of the
 * Network Agent of patent Fig. 3 as an exit code.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"
#include "health.h"

int na_health_check(const char *iface, FILE *out)
{
	struct na_request r = {
		.magic = NA_REQ_MAGIC, .verb = NA_REQ_STATUS, .flags = NA_REQ_F_JSON};
	char *buf = NULL;
	size_t len = 0;
	bool located, table;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return -ENOMEM;
	err = na_ctl_request(iface, &r, f);
	fclose(f);
	if (err) {
		free(buf);
		if (err == -ENOTCONN)
			fprintf(out, "not running: no agent for %s\n", iface);
		return err;
	}
	located = buf && strstr(buf, "\"state\":\"ready\"");
	/* no repository configured: no table to wait for (as READY=1) */
	table = buf && (strstr(buf, "\"loaded\":true") || strstr(buf, "\"source\":\"\""));
	free(buf);
	if (located && table) {
		fprintf(out, "ready\n");
		return 0;
	}
	fprintf(out, "not ready: %s\n",
		!located ? "waiting for LLDP" : "waiting for the VLAN table");
	return NA_ERR_NOT_READY;
}

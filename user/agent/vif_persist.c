// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* vif add/del with their persisted records (vif_persist.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nart_vclock.h"
#include "util.h"
#include "vif_persist.h"

void na_vif_persist_start(struct na_vif_store *s, const struct na_maps *m, const char *uplink,
			  na_vif_apply_fn apply, void *ctx)
{
	const char *dir = getenv("NETLORD_STATE_DIR");
	int rc;

	dir = dir && dir[0] ? dir : NART_VCLOCK_DIR;
	rc = na_vif_store_open(s, dir, uplink);
	if (rc) {
		log_err("cannot use %s for the VIF definitions: %s; VIFs added now will not "
			"survive a detach or a reboot",
			s->dir[0] ? s->dir : dir, strerror(-rc));
		return;
	}
	na_vif_store_reconcile(s, m, apply, ctx);
}

int na_vif_persist_added(struct na_vif_store *s, const struct na_request *r, FILE *out)
{
	struct na_vif_rec rec;
	int rc;

	na_vif_rec_from_request(r, &rec);
	rc = na_vif_store_put(s, &rec);
	if (!rc)
		return 0;
	log_err("VIF %s works but its definition could not be recorded in %s: %s (it will not "
		"survive a detach or a reboot)",
		rec.ifname, s->dir, strerror(-rc));
	if (out)
		fprintf(out, "warning: VIF %s not persisted in %s: %s\n", rec.ifname, s->dir,
			strerror(-rc));
	return 0;
}

int na_vif_persist_del(struct na_vifs *vs, struct na_vif_store *s, const char *ifname, FILE *out,
		       char *err, size_t errlen)
{
	bool recorded = na_vif_store_find(s, ifname) != NULL;
	int rc = na_vif_del(vs, ifname, err, errlen), drc;

	if (rc && !(recorded && (rc == -ENODEV || rc == -ENOENT)))
		return rc;
	if (!recorded)
		return 0;
	drc = na_vif_store_del(s, ifname);
	if (drc && drc != -ENOENT) {
		log_err("VIF %s: cannot remove its record in %s: %s (it would come back at the "
			"next start)",
			ifname, s->dir, strerror(-drc));
		return nl_errf(err, errlen, drc, "cannot remove the record of %s in %s: %s", ifname,
			       s->dir, strerror(-drc));
	}
	if (rc) {
		log_info("pending VIF %s forgotten (its interface is not a VIF here)", ifname);
		if (out)
			fprintf(out, "pending VIF %s forgotten\n", ifname);
	}
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The tenant networks in force (tenant_net.h, docs/tenants.md, patent
 * [0013], [0053]): who owns the parsed tenants file, and its application
 * to the virtual router's maps (vrouter.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tenant_net.h"
#include "util.h"
#include "vrouter.h"

void na_tenant_net_init(struct na_tenant_net *tn, const struct na_maps *maps)
{
	memset(tn, 0, sizeof(*tn));
	tn->maps = maps;
}

static void file_free(struct nl_tenants *f)
{
	if (!f)
		return;
	nl_tenants_free(f);
	free(f);
}

void na_tenant_net_free(struct na_tenant_net *tn)
{
	file_free(tn->file);
	tn->file = NULL;
}

int na_tenant_net_set(struct na_tenant_net *tn, struct nl_tenants *file, const char *etag)
{
	struct nl_tenants *old = tn->file;
	struct na_vrouter_stats st;
	int rc = 0;

	tn->file = file;
	tn->known = true;
	snprintf(tn->etag, sizeof(tn->etag), "%s", etag ? etag : "");
	tn->loaded_ms = file ? nl_mono_ms() : 0;
	if (tn->maps) {
		rc = na_vrouter_sync(tn->maps, file, true, &st);
		log_info("tenants file %s (etag %s): %u hosted tenant(s), virtual router entries "
			 "%u added, %u changed, %u removed, %u kept",
			 file ? "in force" : "withdrawn", tn->etag[0] ? tn->etag : "-", st.tenants,
			 st.added, st.changed, st.removed, st.kept);
	}
	file_free(old);
	return rc;
}

const struct nl_tenant *na_tenant_net_find(const struct na_tenant_net *tn, __u32 id)
{
	return tn->file ? nl_tenants_find(tn->file, id) : NULL;
}

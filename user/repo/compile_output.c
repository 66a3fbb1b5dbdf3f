// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo compile, output writers (patent [0012], [0020], [0029]; see
 * compile_output.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compile_output.h"
#include "util.h"
#include "vlan_table.h"

/* writes a file's contents; arg: what the writer needs besides out */
typedef void (*write_body_fn)(FILE *f, const struct repo_output *out, void *arg);

/* write path.tmp with body(), then rename it to path */
static int write_file(const char *path, write_body_fn body, const struct repo_output *out,
		      void *arg, char *err, size_t errlen)
{
	char tmp[4200];
	FILE *f;
	int bad;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		int e = errno;

		return nl_errf(err, errlen, -e, "%s: %s", tmp, strerror(e));
	}
	body(f, out, arg);
	bad = ferror(f);
	if (fclose(f) || bad || rename(tmp, path))
		return nl_errf(err, errlen, -EIO, "%s: write failed", path);
	return 0;
}

static int make_dir(const char *d, char *err, size_t errlen)
{
	if (mkdir(d, 0755) && errno != EEXIST) {
		int e = errno;

		return nl_errf(err, errlen, -e, "%s: %s", d, strerror(e));
	}
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* (a) the VLAN table (docs/vlan-table.md): every ordered pair's VLANs */
static void vlan_table_body(FILE *f, const struct repo_output *out, void *arg)
{
	const struct topo *t = out->t;
	const struct packing *pk = out->pk;
	uint32_t E = t->nedge;

	fprintf(f, "netlord-vlan-table 1\nserial %llu\nbroadcast %d\nswitches %u\n",
		(unsigned long long)out->o->serial, out->o->bcast_vlan, E);
	for (uint32_t i = 0; i < E; i++) {
		char ma[18], mb[18];

		nl_fmt_mac(t->sw[t->edge[i]].mac, ma);
		for (uint32_t j = 0; j < E; j++) {
			uint64_t p;

			nl_fmt_mac(t->sw[t->edge[j]].mac, mb);
			fprintf(f, "pair %s %s ", ma, mb);
			if (i == j) {
				fputs("0\n", f);
				continue;
			}
			p = pair_index(i, j, E);
			for (uint32_t q = 0; q < pk->pcount[p]; q++)
				fprintf(f, "%s%u", q ? "," : "",
					out->vid[pk->ps.vlan[pk->pfirst[p] + q]]);
			fputc('\n', f);
		}
	}
	fprintf(f, "end %llu\n", (unsigned long long)E * E);
}

/* (b) one file per switch */
struct switch_conf {
	uint32_t u;	/* the switch */
	uint16_t *vbuf; /* scratch: VLAN IDs of one port */
};

/* the port's VLANs, sorted, one line each */
static void port_vlans(FILE *f, uint16_t port, uint16_t *vbuf, uint32_t nvb)
{
	qsort(vbuf, nvb, sizeof(*vbuf), cmp_u16);
	for (uint32_t x = 0; x < nvb; x++)
		fprintf(f, "port %u vlan %u tagged\n", port, vbuf[x]);
}

/* a server port: the broadcast VLAN and every VLAN through the switch */
static void downlink_port(FILE *f, const struct repo_output *out, struct switch_conf *sc,
			  uint16_t port)
{
	const struct vlan_set *vs = &out->pk->vs;
	uint32_t nvb = 0;

	fprintf(f, "port %u downlink\n", port);
	fprintf(f, "port %u vlan %d untagged pvid\n", port, REPO_VLAN_DEFAULT);
	sc->vbuf[nvb++] = (uint16_t)out->o->bcast_vlan;
	for (uint32_t v = 0; v < vs->nv; v++)
		if (vs->v[v].node[sc->u])
			sc->vbuf[nvb++] = (uint16_t)out->vid[v];
	port_vlans(f, port, sc->vbuf, nvb);
}

/* a port to another switch: the VLANs holding the link */
static void uplink_port(FILE *f, const struct repo_output *out, struct switch_conf *sc,
			const struct topo_adj *ad)
{
	const struct topo *t = out->t;
	const struct topo_link *l = &t->link[ad->link];
	const struct vlan_set *vs = &out->pk->vs;
	uint32_t nvb = 0;

	fprintf(f, "port %u uplink %s %u\n", ad->port, t->sw[ad->peer].name,
		l->a == sc->u ? l->pb : l->pa);
	if (out->bt->link[ad->link])
		sc->vbuf[nvb++] = (uint16_t)out->o->bcast_vlan;
	for (uint32_t v = 0; v < vs->nv; v++)
		if (vlan_has_link(&vs->v[v], ad->link))
			sc->vbuf[nvb++] = (uint16_t)out->vid[v];
	port_vlans(f, ad->port, sc->vbuf, nvb);
}

static void switch_conf_body(FILE *f, const struct repo_output *out, void *arg)
{
	struct switch_conf *sc = arg;
	const struct topo *t = out->t;
	const struct topo_switch *sw = &t->sw[sc->u];
	uint32_t a = 0, d = 0;
	char m[18];

	nl_fmt_mac(sw->mac, m);
	fprintf(f, "# na-repo switch configuration (docs/repository.md), table serial %llu\n",
		(unsigned long long)out->o->serial);
	fprintf(f, "switch %s\nmac %s\nrole %s\n", sw->name, m, sw->edge ? "edge" : "core");
	/* ports in order; downlinks and uplinks never share a number */
	while (a < sw->nadj || d < sw->ndown) {
		if (d < sw->ndown && (a >= sw->nadj || sw->down[d] < sw->adj[a].port))
			downlink_port(f, out, sc, sw->down[d++]);
		else
			uplink_port(f, out, sc, &sw->adj[a++]);
	}
	/* the same fixed routes on every edge switch, one per downlink port [0020] */
	for (uint32_t x = 0; sw->edge && x < t->nroutes; x++)
		fprintf(f, "route 10.%u.0.0/16 via 10.%u.0.1 port %u\n", t->routes[x], t->routes[x],
			t->routes[x]);
}

static int write_switch_confs(const struct repo_output *out, char *err, size_t errlen)
{
	struct switch_conf sc = {0};
	char path[4096];
	int rc = 0;

	sc.vbuf = malloc((out->pk->vs.nv + 4) * sizeof(*sc.vbuf));
	if (!sc.vbuf)
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	for (sc.u = 0; sc.u < out->t->nsw && !rc; sc.u++) {
		snprintf(path, sizeof(path), "%s/switches/%s.conf", out->o->outdir,
			 out->t->sw[sc.u].name);
		rc = write_file(path, switch_conf_body, out, &sc, err, errlen);
	}
	free(sc.vbuf);
	return rc;
}

/* (c) the canonical topology */
static void topology_body(FILE *f, const struct repo_output *out, void *arg)
{
	topo_write(out->t, f);
}

/* (d) the VLANs: switches and links of each */
static void vlans_body(FILE *f, const struct repo_output *out, void *arg)
{
	const struct topo *t = out->t;
	const struct vlan_set *vs = &out->pk->vs;
	uint32_t nb = 0, lb = 0;

	for (uint32_t v = 0; v < t->nsw; v++)
		nb += out->bt->sw[v];
	for (uint32_t l = 0; l < t->nlink; l++)
		lb += out->bt->link[l];
	fprintf(f, "vlan %d broadcast switches %u links %u\n", out->o->bcast_vlan, nb, lb);
	for (uint32_t v = 0; v < vs->nv; v++) {
		uint32_t nl = 0;

		for (uint32_t l = 0; l < t->nlink; l++)
			nl += vlan_has_link(&vs->v[v], l);
		fprintf(f, "vlan %u paths switches %u links %u\n", out->vid[v], vs->v[v].nnodes,
			nl);
	}
}

/* (e) a summary */
static void summary_body(FILE *f, const struct repo_output *out, void *arg)
{
	const struct topo *t = out->t;
	const struct compile_opts *o = out->o;
	const struct compile_result *r = out->r;

	fprintf(f,
		"serial %llu\nswitches %u\nedge_switches %u\nlinks %u\nk %d\npacking %s\n"
		"pairs %u\npaths %llu\nmax_path_links %u\nvlans %u\nlower_bound %u\n"
		"lower_bound_pairs %u\nlower_bound_forest %u\nbroadcast_vlan %d\n",
		(unsigned long long)o->serial, t->nsw, t->nedge, t->nlink, o->k,
		o->randomized ? "random" : "greedy", r->npairs, (unsigned long long)r->npaths,
		r->max_path_len, r->nvlans, r->lower_bound, r->lb_pairs, r->lb_forest,
		o->bcast_vlan);
}

/* a file directly under the output directory */
static int write_top_file(const struct repo_output *out, const char *name, write_body_fn body,
			  char *err, size_t errlen)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", out->o->outdir, name);
	return write_file(path, body, out, NULL, err, errlen);
}

/*
 * rows/<switch-mac>: every edge switch's row of the table just written
 * (docs/vlan-table.md, "Row document"), made from the parsed table by the
 * writer the server and `publish` use too.
 */
static int write_rows(const struct repo_output *out, char *err, size_t errlen)
{
	char path[4096], tmp[4200], mac[NL_MAC_STRLEN], perr[256];
	struct nl_vlan_table vt;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/vlan-table.txt", out->o->outdir);
	rc = nl_read_file(path, NL_VT_MAX_BYTES, &buf, &len);
	if (rc)
		return nl_errf(err, errlen, rc, "%s: %s", path, strerror(-rc));
	rc = nl_vt_parse(buf, len, &vt, perr, sizeof(perr));
	free(buf);
	if (rc)
		return nl_errf(err, errlen, rc, "%s: %s", path, perr);
	snprintf(path, sizeof(path), "%s/rows", out->o->outdir);
	rc = make_dir(path, err, errlen);
	for (__u32 i = 0; !rc && i < vt.nswitches; i++) {
		const __u8 *src = vt.rows[(size_t)i * vt.nswitches].src;
		FILE *f;

		rc = nl_vt_write_row(&vt, src, &buf, &len);
		if (rc) {
			rc = nl_errf(err, errlen, rc, "row %u: %s", i, strerror(-rc));
			break;
		}
		nl_fmt_mac(src, mac);
		snprintf(path, sizeof(path), "%s/rows/%s", out->o->outdir, mac);
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		f = fopen(tmp, "w");
		if (f) {
			bool ok = fwrite(buf, 1, len, f) == len;

			if (fclose(f) || !ok || rename(tmp, path))
				f = NULL;
		}
		if (!f)
			rc = nl_errf(err, errlen, -EIO, "%s: write failed", path);
		free(buf);
	}
	nl_vt_free(&vt);
	return rc;
}

int write_outputs(const struct repo_output *out, char *err, size_t errlen)
{
	char path[4096];
	int rc = make_dir(out->o->outdir, err, errlen);

	if (!rc) {
		snprintf(path, sizeof(path), "%s/switches", out->o->outdir);
		rc = make_dir(path, err, errlen);
	}
	if (!rc)
		rc = write_top_file(out, "vlan-table.txt", vlan_table_body, err, errlen);
	if (!rc)
		rc = write_rows(out, err, errlen);
	if (!rc)
		rc = write_switch_confs(out, err, errlen);
	if (!rc)
		rc = write_top_file(out, "topology.txt", topology_body, err, errlen);
	if (!rc)
		rc = write_top_file(out, "vlans.txt", vlans_body, err, errlen);
	if (!rc)
		rc = write_top_file(out, "summary.txt", summary_body, err, errlen);
	return rc;
}

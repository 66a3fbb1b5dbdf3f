// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo: topology parser, validator and canonical writer (generators:
 * topo_gen.c).
 * The format is specified in docs/repository.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"
#include "parse.h"
#include "util.h"

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= TOPO_NAME_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

long topo_parse_num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	return v;
}

/* open-addressing name -> index hash */
struct nametab {
	uint32_t cap;
	int64_t *slot; /* -1 empty */
	const struct topo *t;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int64_t name_find(struct nametab *nt, const char *name, uint32_t *pos)
{
	uint32_t i = (uint32_t)hash_str(name) & (nt->cap - 1);

	while (nt->slot[i] >= 0) {
		if (!strcmp(nt->t->sw[nt->slot[i]].name, name))
			break;
		i = (i + 1) & (nt->cap - 1);
	}
	if (pos)
		*pos = i;
	return nt->slot[i];
}

/* pending port use, for duplicate detection */
struct portuse {
	uint32_t sw;
	uint16_t port;
	int line;
	int server; /* 1 = downlink */
	uint32_t link;
};

static int cmp_portuse(const void *a, const void *b)
{
	const struct portuse *x = a, *y = b;

	if (x->sw != y->sw)
		return x->sw < y->sw ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->line - y->line;
}

struct pairkey {
	uint32_t a, b;
	int line;
};

static int cmp_pairkey(const void *a, const void *b)
{
	const struct pairkey *x = a, *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return x->line - y->line;
}

static const struct topo *cmp_topo;

static int cmp_edge_mac(const void *a, const void *b)
{
	return memcmp(cmp_topo->sw[*(const uint32_t *)a].mac,
		      cmp_topo->sw[*(const uint32_t *)b].mac, 6);
}

static int cmp_mac_idx(const void *a, const void *b)
{
	int c = memcmp(cmp_topo->sw[*(const uint32_t *)a].mac,
		       cmp_topo->sw[*(const uint32_t *)b].mac, 6);

	return c ? c : (int)*(const uint32_t *)a - (int)*(const uint32_t *)b;
}

/* split "sw:port" */
static int split_ep(char *tok, char **name, char **port)
{
	char *c = strrchr(tok, ':');

	if (!c)
		return -1;
	*c = 0;
	*name = tok;
	*port = c + 1;
	return 0;
}

static void *grow(void *p, uint32_t *cap, uint32_t n, size_t sz)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	return realloc(p, *cap * sz);
}

/* parsing state of topo_parse() */
struct parser {
	struct topo *t;
	const char *fname;
	char *err;
	size_t errlen;
	int lineno;
	struct nametab nt;
	struct portuse *pu; /* every port a line uses */
	uint32_t npu, pucap;
	int *has_mac; /* per switch: MAC given in the topology */
	uint32_t hmcap, swcap, linkcap;
};

static int oom(struct parser *ps)
{
	return nl_errf(ps->err, ps->errlen, -ENOMEM, "%s: out of memory", ps->fname);
}

/* the name table grew too full: four times the slots, and rehash */
static int nametab_grow(struct parser *ps)
{
	struct nametab *nt = &ps->nt;
	uint32_t pos;

	free(nt->slot);
	nt->cap *= 4;
	nt->slot = malloc(nt->cap * sizeof(*nt->slot));
	if (!nt->slot)
		return oom(ps);
	memset(nt->slot, 0xff, nt->cap * sizeof(*nt->slot));
	for (uint32_t k = 0; k < ps->t->nsw; k++) {
		name_find(nt, ps->t->sw[k].name, &pos);
		nt->slot[pos] = k;
	}
	return 0;
}

/* "mac <MAC>" of switch s, the word at tok */
static int parse_switch_mac(struct parser *ps, struct topo_switch *s, const char *tok)
{
	if (nl_parse_mac_text(tok, s->mac))
		return nl_errf(ps->err, ps->errlen, -EINVAL, "%s:%d: switch '%s': bad MAC '%s'",
			       ps->fname, ps->lineno, s->name, tok);
	if (s->mac[0] & 1)
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: switch '%s': MAC %s is multicast", ps->fname, ps->lineno,
			       s->name, tok);
	if (!memcmp(s->mac, "\0\0\0\0\0\0", 6))
		return nl_errf(ps->err, ps->errlen, -EINVAL, "%s:%d: switch '%s': MAC is zero",
			       ps->fname, ps->lineno, s->name);
	return 0;
}

/* switch <name> [edge] [mac <MAC>] */
static int parse_switch(struct parser *ps, char **tok, int ntok)
{
	struct topo *t = ps->t;
	struct topo_switch *s;
	uint32_t pos;
	int rc;

	if (ntok < 2)
		return nl_errf(ps->err, ps->errlen, -EINVAL, "%s:%d: switch: missing name",
			       ps->fname, ps->lineno);
	if (!valid_name(tok[1]))
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: switch '%s': invalid name (1..31 of [A-Za-z0-9_.-], "
			       "not starting with '.' or '-')",
			       ps->fname, ps->lineno, tok[1]);
	if (t->nsw >= TOPO_MAX_SWITCHES)
		return nl_errf(ps->err, ps->errlen, -EINVAL, "%s:%d: too many switches", ps->fname,
			       ps->lineno);
	if (name_find(&ps->nt, tok[1], &pos) >= 0)
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: switch '%s' declared twice (first on line %d)", ps->fname,
			       ps->lineno, tok[1], t->sw[ps->nt.slot[pos]].line);
	t->sw = grow(t->sw, &ps->swcap, t->nsw, sizeof(*t->sw));
	ps->has_mac = grow(ps->has_mac, &ps->hmcap, t->nsw, sizeof(*ps->has_mac));
	if (!t->sw || !ps->has_mac)
		return oom(ps);
	s = &t->sw[t->nsw];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", tok[1]);
	s->line = ps->lineno;
	ps->has_mac[t->nsw] = 0;
	for (int i = 2; i < ntok; i++) {
		if (!strcmp(tok[i], "edge")) {
			s->edge = 1;
		} else if (!strcmp(tok[i], "mac") && i + 1 < ntok) {
			rc = parse_switch_mac(ps, s, tok[++i]);
			if (rc)
				return rc;
			ps->has_mac[t->nsw] = 1;
		} else {
			return nl_errf(ps->err, ps->errlen, -EINVAL,
				       "%s:%d: switch '%s': unknown attribute '%s'", ps->fname,
				       ps->lineno, s->name, tok[i]);
		}
	}
	ps->nt.slot[pos] = t->nsw++;
	return t->nsw * 2 > ps->nt.cap ? nametab_grow(ps) : 0;
}

/* one <switch>:<port> of a link or server line: its switch and port, recorded in pu */
static int parse_endpoint(struct parser *ps, const char *kw, char *tok, int islink, uint32_t *idx,
			  long *port)
{
	const struct topo *t = ps->t;
	char *nm, *pstr;
	int64_t si;

	if (split_ep(tok, &nm, &pstr))
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: %s: '%s' is not <switch>:<port>", ps->fname, ps->lineno, kw,
			       tok);
	si = name_find(&ps->nt, nm, NULL);
	if (si < 0)
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: %s: unknown switch '%s' (declare it with 'switch' first)",
			       ps->fname, ps->lineno, kw, nm);
	*idx = (uint32_t)si;
	*port = topo_parse_num(pstr, 1, TOPO_PORT_MAX);
	if (*port < 0)
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: %s: port '%s' of switch '%s' must be a number 1..%d",
			       ps->fname, ps->lineno, kw, pstr, nm, TOPO_PORT_MAX);
	if (!islink && *port > TOPO_DOWNLINK_MAX)
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: server %s:%ld: a downlink port must be 1..%d "
			       "(servers get 10.p.0.1, route 10.p.0.0/16)",
			       ps->fname, ps->lineno, nm, *port, TOPO_DOWNLINK_MAX);
	if (!islink && !t->sw[si].edge)
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: server %s:%ld: switch '%s' is not an edge switch", ps->fname,
			       ps->lineno, nm, *port, nm);
	ps->pu = grow(ps->pu, &ps->pucap, ps->npu, sizeof(*ps->pu));
	if (!ps->pu)
		return oom(ps);
	ps->pu[ps->npu++] =
		(struct portuse){(uint32_t)si, (uint16_t)*port, ps->lineno, !islink, t->nlink};
	return 0;
}

/* link <switch>:<port> <switch>:<port>, or server <switch>:<port> [name] */
static int parse_link_or_server(struct parser *ps, char **tok, int ntok)
{
	struct topo *t = ps->t;
	int islink = tok[0][0] == 'l';
	int nep = islink ? 2 : 1;
	struct topo_link *l;
	uint32_t idx[2];
	long port[2];
	int rc;

	if (ntok != 1 + nep && !(!islink && ntok == 3))
		return nl_errf(ps->err, ps->errlen, -EINVAL, "%s:%d: %s: expected %s", ps->fname,
			       ps->lineno, tok[0],
			       islink ? "'link <switch>:<port> <switch>:<port>'"
				      : "'server <switch>:<port> [name]'");
	for (int k = 0; k < nep; k++) {
		rc = parse_endpoint(ps, tok[0], tok[1 + k], islink, &idx[k], &port[k]);
		if (rc)
			return rc;
	}
	if (!islink)
		return 0;
	if (idx[0] == idx[1])
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s:%d: link: switch '%s' linked to itself", ps->fname, ps->lineno,
			       t->sw[idx[0]].name);
	t->link = grow(t->link, &ps->linkcap, t->nlink, sizeof(*t->link));
	if (!t->link)
		return oom(ps);
	l = &t->link[t->nlink++];
	l->a = idx[0];
	l->b = idx[1];
	l->pa = (uint16_t)port[0];
	l->pb = (uint16_t)port[1];
	l->line = ps->lineno;
	return 0;
}

/* one line, without its newline, into words */
static int parse_line(struct parser *ps, char *line, size_t n)
{
	char *tok[8], *save, *p;
	int ntok = 0;

	if (memchr(line, 0, n))
		return nl_errf(ps->err, ps->errlen, -EINVAL, "%s:%d: NUL byte in line", ps->fname,
			       ps->lineno);
	if ((p = strchr(line, '#')))
		*p = 0;
	for (p = strtok_r(line, " \t\r", &save); p; p = strtok_r(NULL, " \t\r", &save)) {
		if (ntok == 8)
			return nl_errf(ps->err, ps->errlen, -EINVAL, "%s:%d: too many words",
				       ps->fname, ps->lineno);
		tok[ntok++] = p;
	}
	if (!ntok)
		return 0;
	if (!strcmp(tok[0], "switch"))
		return parse_switch(ps, tok, ntok);
	if (!strcmp(tok[0], "link") || !strcmp(tok[0], "server"))
		return parse_link_or_server(ps, tok, ntok);
	return nl_errf(ps->err, ps->errlen, -EINVAL,
		       "%s:%d: unknown keyword '%s' (expected switch, link or server)", ps->fname,
		       ps->lineno, tok[0]);
}

static int parse_lines(struct parser *ps, const char *buf, size_t len)
{
	char *line = malloc(len + 1);
	size_t off = 0;
	int rc = 0;

	if (!line)
		return oom(ps);
	while (off < len && !rc) {
		size_t e = off, n;

		while (e < len && buf[e] != '\n')
			e++;
		n = e - off;
		ps->lineno++;
		memcpy(line, buf + off, n);
		line[n] = 0;
		off = e + 1;
		rc = parse_line(ps, line, n);
	}
	free(line);
	if (!rc && !ps->t->nsw)
		rc = nl_errf(ps->err, ps->errlen, -EINVAL, "%s: no switches", ps->fname);
	return rc;
}

/* no port used twice; sorts pu by (switch, port) */
static int check_ports(struct parser *ps)
{
	struct portuse *pu = ps->pu;

	qsort(pu, ps->npu, sizeof(*pu), cmp_portuse);
	for (uint32_t i = 1; i < ps->npu; i++)
		if (pu[i].sw == pu[i - 1].sw && pu[i].port == pu[i - 1].port)
			return nl_errf(ps->err, ps->errlen, -EINVAL,
				       "%s:%d: port %s:%u already used on line %d", ps->fname,
				       pu[i].line, ps->t->sw[pu[i].sw].name, pu[i].port,
				       pu[i - 1].line);
	return 0;
}

/* no two links between the same two switches */
static int check_dup_links(struct parser *ps)
{
	const struct topo *t = ps->t;
	struct pairkey *pk = malloc((t->nlink + 1) * sizeof(*pk));
	int rc = 0;

	if (!pk)
		return oom(ps);
	for (uint32_t i = 0; i < t->nlink; i++) {
		uint32_t a = t->link[i].a, b = t->link[i].b;

		pk[i] = (struct pairkey){a < b ? a : b, a < b ? b : a, t->link[i].line};
	}
	qsort(pk, t->nlink, sizeof(*pk), cmp_pairkey);
	for (uint32_t i = 1; i < t->nlink && !rc; i++)
		if (pk[i].a == pk[i - 1].a && pk[i].b == pk[i - 1].b)
			rc = nl_errf(ps->err, ps->errlen, -EINVAL,
				     "%s:%d: duplicate link between '%s' and '%s' (first on line "
				     "%d)",
				     ps->fname, pk[i].line, t->sw[pk[i].a].name,
				     t->sw[pk[i].b].name, pk[i - 1].line);
	free(pk);
	return rc;
}

/* adjacency and downlinks of every switch, from pu (sorted by switch, port) */
static int build_adjacency(struct parser *ps)
{
	struct topo *t = ps->t;

	for (uint32_t i = 0; i < ps->npu; i++) {
		struct topo_switch *s = &t->sw[ps->pu[i].sw];

		if (ps->pu[i].server)
			s->ndown++;
		else
			s->nadj++;
	}
	for (uint32_t i = 0; i < t->nsw; i++) {
		struct topo_switch *s = &t->sw[i];

		s->adj = calloc(s->nadj + 1, sizeof(*s->adj));
		s->down = calloc(s->ndown + 1, sizeof(*s->down));
		if (!s->adj || !s->down)
			return oom(ps);
		s->nadj = s->ndown = 0;
	}
	for (uint32_t i = 0; i < ps->npu; i++) {
		const struct portuse *u = &ps->pu[i];
		struct topo_switch *s = &t->sw[u->sw];

		if (u->server) {
			s->down[s->ndown++] = u->port;
		} else {
			const struct topo_link *l = &t->link[u->link];
			struct topo_adj *a = &s->adj[s->nadj++];

			a->link = u->link;
			a->port = u->port;
			a->peer = l->a == u->sw && l->pa == u->port ? l->b : l->a;
		}
	}
	return 0;
}

/* edge switches must have servers, and there must be one */
static int check_edges(struct parser *ps)
{
	struct topo *t = ps->t;

	for (uint32_t i = 0; i < t->nsw; i++) {
		if (!t->sw[i].edge)
			continue;
		if (!t->sw[i].ndown)
			return nl_errf(ps->err, ps->errlen, -EINVAL,
				       "%s:%d: edge switch '%s' has no servers", ps->fname,
				       t->sw[i].line, t->sw[i].name);
		t->nedge++;
	}
	if (!t->nedge)
		return nl_errf(ps->err, ps->errlen, -EINVAL,
			       "%s: no edge switches (mark at least one switch 'edge')", ps->fname);
	return 0;
}

/*
 * Every edge switch gets the same routes: one per downlink port number used
 * anywhere (patent [0020]).  So no edge switch may link to another switch on
 * such a port.
 */
static int collect_routes(struct parser *ps)
{
	struct topo *t = ps->t;
	int dline[TOPO_DOWNLINK_MAX + 1] = {0};
	uint32_t dsw[TOPO_DOWNLINK_MAX + 1];

	for (uint32_t i = 0; i < t->nsw; i++)
		for (uint32_t j = 0; j < t->sw[i].ndown; j++)
			if (!dline[t->sw[i].down[j]]) {
				dline[t->sw[i].down[j]] = 1;
				dsw[t->sw[i].down[j]] = i;
			}
	for (uint32_t i = 0; i < t->nsw; i++)
		for (uint32_t j = 0; t->sw[i].edge && j < t->sw[i].nadj; j++) {
			uint16_t p = t->sw[i].adj[j].port;

			if (p <= TOPO_DOWNLINK_MAX && dline[p])
				return nl_errf(
					ps->err, ps->errlen, -EINVAL,
					"%s:%d: port %s:%u links to a switch, but port %u is a "
					"server port on edge switch '%s' (edge switches share one "
					"route table: 10.%u.0.0/16 via port %u)",
					ps->fname, t->link[t->sw[i].adj[j].link].line,
					t->sw[i].name, p, p, t->sw[dsw[p]].name, p, p);
		}
	for (uint32_t p = 1; p <= TOPO_DOWNLINK_MAX; p++)
		if (dline[p])
			t->routes[t->nroutes++] = (uint16_t)p;
	return 0;
}

/* every switch reaches switch 0 */
static int check_connected(struct parser *ps)
{
	const struct topo *t = ps->t;
	uint32_t *queue = malloc(t->nsw * sizeof(*queue)), qh = 0, qt = 0;
	uint8_t *seen = calloc(t->nsw, 1);
	int rc = 0;

	if (!queue || !seen) {
		free(queue);
		free(seen);
		return oom(ps);
	}
	queue[qt++] = 0;
	seen[0] = 1;
	while (qh < qt) {
		const struct topo_switch *s = &t->sw[queue[qh++]];

		for (uint32_t j = 0; j < s->nadj; j++)
			if (!seen[s->adj[j].peer]) {
				seen[s->adj[j].peer] = 1;
				queue[qt++] = s->adj[j].peer;
			}
	}
	for (uint32_t i = 0; i < t->nsw && !rc; i++)
		if (!seen[i])
			rc = nl_errf(ps->err, ps->errlen, -EINVAL,
				     "%s:%d: topology is disconnected: switch '%s' cannot reach "
				     "switch '%s'",
				     ps->fname, t->sw[i].line, t->sw[i].name, t->sw[0].name);
	free(queue);
	free(seen);
	return rc;
}

/* MACs: derive the missing ones (02:4e:4c + index + 1), then check uniqueness */
static int assign_macs(struct parser *ps)
{
	struct topo *t = ps->t;
	uint32_t *order;
	int rc = 0;

	for (uint32_t i = 0; i < t->nsw; i++) {
		if (ps->has_mac[i])
			continue;
		if (i + 1 > 0xffffff)
			return nl_errf(ps->err, ps->errlen, -EINVAL,
				       "%s: too many switches to derive MACs", ps->fname);
		t->sw[i].mac[0] = 0x02;
		t->sw[i].mac[1] = 0x4e;
		t->sw[i].mac[2] = 0x4c;
		t->sw[i].mac[3] = (uint8_t)((i + 1) >> 16);
		t->sw[i].mac[4] = (uint8_t)((i + 1) >> 8);
		t->sw[i].mac[5] = (uint8_t)(i + 1);
	}
	order = malloc(t->nsw * sizeof(*order));
	if (!order)
		return oom(ps);
	for (uint32_t i = 0; i < t->nsw; i++)
		order[i] = i;
	cmp_topo = t;
	qsort(order, t->nsw, sizeof(*order), cmp_mac_idx);
	for (uint32_t i = 1; i < t->nsw && !rc; i++)
		if (!memcmp(t->sw[order[i]].mac, t->sw[order[i - 1]].mac, 6)) {
			char m[18];

			nl_fmt_mac(t->sw[order[i]].mac, m);
			rc = nl_errf(ps->err, ps->errlen, -EINVAL,
				     "%s:%d: switch '%s' has MAC %s, already used by switch '%s'",
				     ps->fname, t->sw[order[i]].line, t->sw[order[i]].name, m,
				     t->sw[order[i - 1]].name);
		}
	free(order);
	return rc;
}

/* the edge switches, sorted by MAC */
static int list_edges(struct parser *ps)
{
	struct topo *t = ps->t;

	t->edge = malloc(t->nedge * sizeof(*t->edge));
	if (!t->edge)
		return oom(ps);
	for (uint32_t i = 0, n = 0; i < t->nsw; i++)
		if (t->sw[i].edge)
			t->edge[n++] = i;
	cmp_topo = t;
	qsort(t->edge, t->nedge, sizeof(*t->edge), cmp_edge_mac);
	return 0;
}

int topo_parse(const char *buf, size_t len, const char *fname, struct topo *t, char *err,
	       size_t errlen)
{
	struct parser ps = {
		.t = t,
		.fname = fname ? fname : "topology",
		.err = err,
		.errlen = errlen,
		.nt = {.cap = 1024, .t = t},
	};
	/* after the lines: the checks and derived data, in order */
	static int (*const steps[])(struct parser *) = {
		check_ports,	check_dup_links, build_adjacency, check_edges,
		collect_routes, check_connected, assign_macs,	  list_edges,
	};
	int rc = 0;

	memset(t, 0, sizeof(*t));
	ps.nt.slot = malloc(ps.nt.cap * sizeof(*ps.nt.slot));
	if (!ps.nt.slot) {
		rc = oom(&ps);
	} else {
		memset(ps.nt.slot, 0xff, ps.nt.cap * sizeof(*ps.nt.slot));
		rc = parse_lines(&ps, buf, len);
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !rc; i++)
		rc = steps[i](&ps);
	free(ps.pu);
	free(ps.nt.slot);
	free(ps.has_mac);
	if (rc)
		topo_free(t);
	return rc;
}

void topo_free(struct topo *t)
{
	if (t->sw)
		for (uint32_t i = 0; i < t->nsw; i++) {
			free(t->sw[i].adj);
			free(t->sw[i].down);
		}
	free(t->sw);
	free(t->link);
	free(t->edge);
	memset(t, 0, sizeof(*t));
}

void topo_write(const struct topo *t, FILE *f)
{
	char m[18];

	fprintf(f, "# NetLord topology (canonical form written by na-repo)\n");
	for (uint32_t i = 0; i < t->nsw; i++) {
		nl_fmt_mac(t->sw[i].mac, m);
		fprintf(f, "switch %s%s mac %s\n", t->sw[i].name, t->sw[i].edge ? " edge" : "", m);
	}
	for (uint32_t i = 0; i < t->nlink; i++) {
		const struct topo_link *l = &t->link[i];

		fprintf(f, "link %s:%u %s:%u\n", t->sw[l->a].name, l->pa, t->sw[l->b].name, l->pb);
	}
	for (uint32_t i = 0; i < t->nsw; i++)
		for (uint32_t j = 0; j < t->sw[i].ndown; j++)
			fprintf(f, "server %s:%u\n", t->sw[i].name, t->sw[i].down[j]);
}

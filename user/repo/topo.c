// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo: topology parser, validator and generators.
 * The format is specified in docs/repository.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

#define ERR(...)                                    \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		goto fail;                          \
	} while (0)

void mac_fmt(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int h = hexval(s[0]), l = h < 0 ? -1 : hexval(s[1]);

		if (h < 0 || l < 0)
			return -1;
		mac[i] = (uint8_t)(h << 4 | l);
		s += 2;
		if (i < 5) {
			if (*s != ':')
				return -1;
			s++;
		}
	}
	return *s ? -1 : 0;
}

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

/* "123" -> 123 within [lo, hi]; -1 otherwise */
static long parse_num(const char *s, long lo, long hi)
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

int topo_parse(const char *buf, size_t len, const char *fname, struct topo *t, char *err,
	       size_t errlen)
{
	uint32_t swcap = 0, linkcap = 0, pucap = 0, npu = 0;
	struct portuse *pu = NULL;
	struct nametab nt = {0};
	struct pairkey *pk = NULL;
	uint32_t *queue = NULL, *order = NULL;
	uint8_t *seen = NULL;
	int *has_mac = NULL;
	uint32_t hmcap = 0;
	char *line = NULL;
	int lineno = 0;
	size_t off = 0;

	memset(t, 0, sizeof(*t));
	if (!fname)
		fname = "topology";
	nt.cap = 1024;
	nt.slot = malloc(nt.cap * sizeof(*nt.slot));
	line = malloc(len + 1);
	if (!nt.slot || !line)
		ERR("%s: out of memory", fname);
	memset(nt.slot, 0xff, nt.cap * sizeof(*nt.slot));
	nt.t = t;

	while (off < len) {
		size_t e = off, n;
		char *tok[8], *save, *p;
		int ntok = 0;

		while (e < len && buf[e] != '\n')
			e++;
		n = e - off;
		lineno++;
		memcpy(line, buf + off, n);
		line[n] = 0;
		off = e + 1;
		if (memchr(line, 0, n))
			ERR("%s:%d: NUL byte in line", fname, lineno);
		if ((p = strchr(line, '#')))
			*p = 0;
		for (p = strtok_r(line, " \t\r", &save); p; p = strtok_r(NULL, " \t\r", &save)) {
			if (ntok == 8)
				ERR("%s:%d: too many words", fname, lineno);
			tok[ntok++] = p;
		}
		if (!ntok)
			continue;
		if (!strcmp(tok[0], "switch")) {
			struct topo_switch *s;
			uint32_t pos;
			int i;

			if (ntok < 2)
				ERR("%s:%d: switch: missing name", fname, lineno);
			if (!valid_name(tok[1]))
				ERR("%s:%d: switch '%s': invalid name (1..31 of [A-Za-z0-9_.-], "
				    "not "
				    "starting with '.' or '-')",
				    fname, lineno, tok[1]);
			if (t->nsw >= TOPO_MAX_SWITCHES)
				ERR("%s:%d: too many switches", fname, lineno);
			if (name_find(&nt, tok[1], &pos) >= 0)
				ERR("%s:%d: switch '%s' declared twice (first on line %d)", fname,
				    lineno, tok[1], t->sw[nt.slot[pos]].line);
			t->sw = grow(t->sw, &swcap, t->nsw, sizeof(*t->sw));
			has_mac = grow(has_mac, &hmcap, t->nsw, sizeof(*has_mac));
			if (!t->sw || !has_mac)
				ERR("%s: out of memory", fname);
			s = &t->sw[t->nsw];
			memset(s, 0, sizeof(*s));
			snprintf(s->name, sizeof(s->name), "%s", tok[1]);
			s->line = lineno;
			has_mac[t->nsw] = 0;
			for (i = 2; i < ntok; i++) {
				if (!strcmp(tok[i], "edge")) {
					s->edge = 1;
				} else if (!strcmp(tok[i], "mac") && i + 1 < ntok) {
					if (mac_parse(tok[++i], s->mac))
						ERR("%s:%d: switch '%s': bad MAC '%s'", fname,
						    lineno, s->name, tok[i]);
					if (s->mac[0] & 1)
						ERR("%s:%d: switch '%s': MAC %s is multicast",
						    fname, lineno, s->name, tok[i]);
					if (!memcmp(s->mac, "\0\0\0\0\0\0", 6))
						ERR("%s:%d: switch '%s': MAC is zero", fname,
						    lineno, s->name);
					has_mac[t->nsw] = 1;
				} else {
					ERR("%s:%d: switch '%s': unknown attribute '%s'", fname,
					    lineno, s->name, tok[i]);
				}
			}
			nt.slot[pos] = t->nsw++;
			if (t->nsw * 2 > nt.cap) {
				free(nt.slot);
				nt.cap *= 4;
				nt.slot = malloc(nt.cap * sizeof(*nt.slot));
				if (!nt.slot)
					ERR("%s: out of memory", fname);
				memset(nt.slot, 0xff, nt.cap * sizeof(*nt.slot));
				for (uint32_t k = 0; k < t->nsw; k++) {
					name_find(&nt, t->sw[k].name, &pos);
					nt.slot[pos] = k;
				}
			}
		} else if (!strcmp(tok[0], "link") || !strcmp(tok[0], "server")) {
			int islink = tok[0][0] == 'l';
			int nep = islink ? 2 : 1;
			uint32_t idx[2];
			long port[2];

			if (ntok != 1 + nep && !(!islink && ntok == 3))
				ERR("%s:%d: %s: expected %s", fname, lineno, tok[0],
				    islink ? "'link <switch>:<port> <switch>:<port>'"
					   : "'server <switch>:<port> [name]'");
			for (int k = 0; k < nep; k++) {
				char *nm, *ps;
				int64_t si;

				if (split_ep(tok[1 + k], &nm, &ps))
					ERR("%s:%d: %s: '%s' is not <switch>:<port>", fname, lineno,
					    tok[0], tok[1 + k]);
				si = name_find(&nt, nm, NULL);
				if (si < 0)
					ERR("%s:%d: %s: unknown switch '%s' (declare it with "
					    "'switch' "
					    "first)",
					    fname, lineno, tok[0], nm);
				idx[k] = (uint32_t)si;
				port[k] = parse_num(ps, 1, TOPO_PORT_MAX);
				if (port[k] < 0)
					ERR("%s:%d: %s: port '%s' of switch '%s' must be a number "
					    "1..%d",
					    fname, lineno, tok[0], ps, nm, TOPO_PORT_MAX);
				if (!islink && port[k] > TOPO_DOWNLINK_MAX)
					ERR("%s:%d: server %s:%ld: a downlink port must be 1..%d "
					    "(servers get 10.p.0.1, route 10.p.0.0/16)",
					    fname, lineno, nm, port[k], TOPO_DOWNLINK_MAX);
				if (!islink && !t->sw[si].edge)
					ERR("%s:%d: server %s:%ld: switch '%s' is not an edge "
					    "switch",
					    fname, lineno, nm, port[k], nm);
				pu = grow(pu, &pucap, npu, sizeof(*pu));
				if (!pu)
					ERR("%s: out of memory", fname);
				pu[npu++] = (struct portuse){(uint32_t)si, (uint16_t)port[k],
							     lineno, !islink, t->nlink};
			}
			if (islink) {
				struct topo_link *l;

				if (idx[0] == idx[1])
					ERR("%s:%d: link: switch '%s' linked to itself", fname,
					    lineno, t->sw[idx[0]].name);
				t->link = grow(t->link, &linkcap, t->nlink, sizeof(*t->link));
				if (!t->link)
					ERR("%s: out of memory", fname);
				l = &t->link[t->nlink++];
				l->a = idx[0];
				l->b = idx[1];
				l->pa = (uint16_t)port[0];
				l->pb = (uint16_t)port[1];
				l->line = lineno;
			}
		} else {
			ERR("%s:%d: unknown keyword '%s' (expected switch, link or server)", fname,
			    lineno, tok[0]);
		}
	}

	if (!t->nsw)
		ERR("%s: no switches", fname);

	/* ports used twice */
	qsort(pu, npu, sizeof(*pu), cmp_portuse);
	for (uint32_t i = 1; i < npu; i++)
		if (pu[i].sw == pu[i - 1].sw && pu[i].port == pu[i - 1].port)
			ERR("%s:%d: port %s:%u already used on line %d", fname, pu[i].line,
			    t->sw[pu[i].sw].name, pu[i].port, pu[i - 1].line);

	/* duplicate links between the same two switches */
	pk = malloc((t->nlink + 1) * sizeof(*pk));
	if (!pk)
		ERR("%s: out of memory", fname);
	for (uint32_t i = 0; i < t->nlink; i++) {
		uint32_t a = t->link[i].a, b = t->link[i].b;

		pk[i] = (struct pairkey){a < b ? a : b, a < b ? b : a, t->link[i].line};
	}
	qsort(pk, t->nlink, sizeof(*pk), cmp_pairkey);
	for (uint32_t i = 1; i < t->nlink; i++)
		if (pk[i].a == pk[i - 1].a && pk[i].b == pk[i - 1].b)
			ERR("%s:%d: duplicate link between '%s' and '%s' (first on line %d)", fname,
			    pk[i].line, t->sw[pk[i].a].name, t->sw[pk[i].b].name, pk[i - 1].line);

	/* adjacency and downlinks, already sorted by (switch, port) */
	for (uint32_t i = 0; i < npu; i++) {
		struct topo_switch *s = &t->sw[pu[i].sw];

		if (pu[i].server)
			s->ndown++;
		else
			s->nadj++;
	}
	for (uint32_t i = 0; i < t->nsw; i++) {
		struct topo_switch *s = &t->sw[i];

		s->adj = calloc(s->nadj + 1, sizeof(*s->adj));
		s->down = calloc(s->ndown + 1, sizeof(*s->down));
		if (!s->adj || !s->down)
			ERR("%s: out of memory", fname);
		s->nadj = s->ndown = 0;
	}
	for (uint32_t i = 0; i < npu; i++) {
		struct topo_switch *s = &t->sw[pu[i].sw];

		if (pu[i].server) {
			s->down[s->ndown++] = pu[i].port;
		} else {
			const struct topo_link *l = &t->link[pu[i].link];
			struct topo_adj *a = &s->adj[s->nadj++];

			a->link = pu[i].link;
			a->port = pu[i].port;
			a->peer = l->a == pu[i].sw && l->pa == pu[i].port ? l->b : l->a;
		}
	}

	/* edge switches must have servers */
	for (uint32_t i = 0; i < t->nsw; i++) {
		if (t->sw[i].edge) {
			if (!t->sw[i].ndown)
				ERR("%s:%d: edge switch '%s' has no servers", fname, t->sw[i].line,
				    t->sw[i].name);
			t->nedge++;
		}
	}
	if (!t->nedge)
		ERR("%s: no edge switches (mark at least one switch 'edge')", fname);

	/* every edge switch gets the same routes: one per downlink port number */
	{
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
					ERR("%s:%d: port %s:%u links to a switch, but port %u is a "
					    "server port on edge switch '%s' (edge switches share "
					    "one "
					    "route table: 10.%u.0.0/16 via port %u)",
					    fname, t->link[t->sw[i].adj[j].link].line,
					    t->sw[i].name, p, p, t->sw[dsw[p]].name, p, p);
			}
		for (uint32_t p = 1; p <= TOPO_DOWNLINK_MAX; p++)
			if (dline[p])
				t->routes[t->nroutes++] = (uint16_t)p;
	}

	/* connectivity */
	queue = malloc(t->nsw * sizeof(*queue));
	seen = calloc(t->nsw, 1);
	if (!queue || !seen)
		ERR("%s: out of memory", fname);
	{
		uint32_t qh = 0, qt = 0;

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
		for (uint32_t i = 0; i < t->nsw; i++)
			if (!seen[i])
				ERR("%s:%d: topology is disconnected: switch '%s' cannot reach "
				    "switch '%s'",
				    fname, t->sw[i].line, t->sw[i].name, t->sw[0].name);
	}

	/* MACs: derive the missing ones, then check uniqueness */
	for (uint32_t i = 0; i < t->nsw; i++) {
		if (has_mac[i])
			continue;
		if (i + 1 > 0xffffff)
			ERR("%s: too many switches to derive MACs", fname);
		t->sw[i].mac[0] = 0x02;
		t->sw[i].mac[1] = 0x4e;
		t->sw[i].mac[2] = 0x4c;
		t->sw[i].mac[3] = (uint8_t)((i + 1) >> 16);
		t->sw[i].mac[4] = (uint8_t)((i + 1) >> 8);
		t->sw[i].mac[5] = (uint8_t)(i + 1);
	}
	order = malloc(t->nsw * sizeof(*order));
	if (!order)
		ERR("%s: out of memory", fname);
	for (uint32_t i = 0; i < t->nsw; i++)
		order[i] = i;
	cmp_topo = t;
	qsort(order, t->nsw, sizeof(*order), cmp_mac_idx);
	for (uint32_t i = 1; i < t->nsw; i++)
		if (!memcmp(t->sw[order[i]].mac, t->sw[order[i - 1]].mac, 6)) {
			char m[18];

			mac_fmt(t->sw[order[i]].mac, m);
			ERR("%s:%d: switch '%s' has MAC %s, already used by switch '%s'", fname,
			    t->sw[order[i]].line, t->sw[order[i]].name, m,
			    t->sw[order[i - 1]].name);
		}

	t->edge = malloc(t->nedge * sizeof(*t->edge));
	if (!t->edge)
		ERR("%s: out of memory", fname);
	for (uint32_t i = 0, n = 0; i < t->nsw; i++)
		if (t->sw[i].edge)
			t->edge[n++] = i;
	qsort(t->edge, t->nedge, sizeof(*t->edge), cmp_edge_mac);

	free(order);
	free(queue);
	free(seen);
	free(pk);
	free(pu);
	free(nt.slot);
	free(line);
	free(has_mac);
	return 0;
fail:
	free(order);
	free(queue);
	free(seen);
	free(pk);
	free(pu);
	free(nt.slot);
	free(line);
	free(has_mac);
	topo_free(t);
	return -1;
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
		mac_fmt(t->sw[i].mac, m);
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

/* ---- generators ---------------------------------------------------------- */

static long gen_arg(int argc, char **argv, int i, long def, long lo, long hi, const char *what,
		    char *err, size_t errlen)
{
	long v;

	if (i >= argc)
		return def < 0 ? (snprintf(err, errlen, "missing %s", what), -1) : def;
	v = parse_num(argv[i], lo, hi);
	if (v < 0)
		snprintf(err, errlen, "%s must be a number %ld..%ld, got '%s'", what, lo, hi,
			 argv[i]);
	return v;
}

static void gen_servers(FILE *out, const char *name, long s)
{
	for (long p = 1; p <= s; p++)
		fprintf(out, "server %s:%ld\n", name, p);
}

/* fat tree (Al-Fares): k pods of k/2 edge + k/2 aggregation, (k/2)^2 cores */
static int gen_fattree(int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	long k = gen_arg(argc, argv, 0, -1, 2, 254, "k", err, errlen);
	long h, s;

	if (k < 0)
		return -1;
	if (k % 2) {
		snprintf(err, errlen, "fat tree k must be even, got %ld", k);
		return -1;
	}
	h = k / 2;
	s = gen_arg(argc, argv, 1, h, 1, 255, "servers per edge switch", err, errlen);
	if (s < 0)
		return -1;
	fprintf(out, "# fat tree k=%ld: %ld pods, %ld core switches, %ld servers per edge switch\n",
		k, k, h * h, s);
	for (long p = 0; p < k; p++)
		for (long i = 0; i < h; i++)
			fprintf(out, "switch e%ld_%ld edge\n", p, i);
	for (long p = 0; p < k; p++)
		for (long i = 0; i < h; i++)
			fprintf(out, "switch a%ld_%ld\n", p, i);
	for (long c = 0; c < h * h; c++)
		fprintf(out, "switch c%ld\n", c);
	/* edge: downlinks 1..s, uplinks s+1..s+h; agg: 1..h down, h+1..k up */
	for (long p = 0; p < k; p++)
		for (long i = 0; i < h; i++)
			for (long j = 0; j < h; j++)
				fprintf(out, "link e%ld_%ld:%ld a%ld_%ld:%ld\n", p, i, s + 1 + j, p,
					j, i + 1);
	for (long p = 0; p < k; p++)
		for (long j = 0; j < h; j++)
			for (long c = 0; c < h; c++)
				fprintf(out, "link a%ld_%ld:%ld c%ld:%ld\n", p, j, h + 1 + c,
					j * h + c, p + 1);
	for (long p = 0; p < k; p++)
		for (long i = 0; i < h; i++) {
			char nm[32];

			snprintf(nm, sizeof(nm), "e%ld_%ld", p, i);
			gen_servers(out, nm, s);
		}
	return 0;
}

static int gen_clique(int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	long n = gen_arg(argc, argv, 0, -1, 1, 4096, "n", err, errlen);
	long s = n < 0 ? -1 : gen_arg(argc, argv, 1, 2, 1, 255, "servers per switch", err, errlen);

	if (n < 0 || s < 0)
		return -1;
	fprintf(out, "# clique of %ld edge switches, %ld servers each\n", n, s);
	for (long i = 0; i < n; i++)
		fprintf(out, "switch s%ld edge\n", i);
	/* switch i reaches switch j on port s + 1 + j' (j' = j, minus one if j > i) */
	for (long i = 0; i < n; i++)
		for (long j = i + 1; j < n; j++)
			fprintf(out, "link s%ld:%ld s%ld:%ld\n", i, s + j, j, s + 1 + i);
	for (long i = 0; i < n; i++) {
		char nm[32];

		snprintf(nm, sizeof(nm), "s%ld", i);
		gen_servers(out, nm, s);
	}
	return 0;
}

/* 2-D HyperX a x b: every switch linked to all others of its row and column */
static int gen_hyperx(int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	long a = gen_arg(argc, argv, 0, -1, 1, 256, "a", err, errlen);
	long b = a < 0 ? -1 : gen_arg(argc, argv, 1, -1, 1, 256, "b", err, errlen);
	long s = b < 0 ? -1 : gen_arg(argc, argv, 2, 2, 1, 255, "servers per switch", err, errlen);

	if (a < 0 || b < 0 || s < 0)
		return -1;
	fprintf(out, "# 2-D HyperX %ldx%ld, %ld servers per switch\n", a, b, s);
	for (long x = 0; x < a; x++)
		for (long y = 0; y < b; y++)
			fprintf(out, "switch h%ld_%ld edge\n", x, y);
	/* ports: s+1+y' along the row (dimension y), s+b+x' along the column */
	for (long x = 0; x < a; x++)
		for (long y = 0; y < b; y++) {
			for (long y2 = y + 1; y2 < b; y2++)
				fprintf(out, "link h%ld_%ld:%ld h%ld_%ld:%ld\n", x, y, s + y2, x,
					y2, s + 1 + y);
			for (long x2 = x + 1; x2 < a; x2++)
				fprintf(out, "link h%ld_%ld:%ld h%ld_%ld:%ld\n", x, y,
					s + b + x2 - 1, x2, y, s + b + x);
		}
	for (long x = 0; x < a; x++)
		for (long y = 0; y < b; y++) {
			char nm[32];

			snprintf(nm, sizeof(nm), "h%ld_%ld", x, y);
			gen_servers(out, nm, s);
		}
	return 0;
}

int topo_gen(int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	if (argc < 1) {
		snprintf(err, errlen, "gen: expected fattree|clique|hyperx");
		return -1;
	}
	if (!strcmp(argv[0], "fattree"))
		return gen_fattree(argc - 1, argv + 1, out, err, errlen);
	if (!strcmp(argv[0], "clique"))
		return gen_clique(argc - 1, argv + 1, out, err, errlen);
	if (!strcmp(argv[0], "hyperx"))
		return gen_hyperx(argc - 1, argv + 1, out, err, errlen);
	snprintf(err, errlen, "gen: unknown topology '%s' (fattree, clique, hyperx)", argv[0]);
	return -1;
}

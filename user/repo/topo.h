/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo: the fabric topology (docs/repository.md, "Topology format").
 */
#ifndef NA_REPO_TOPO_H
#define NA_REPO_TOPO_H

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

#define TOPO_NAME_MAX	  32
#define TOPO_MAX_SWITCHES (1U << 20)
#define TOPO_PORT_MAX	  65535
#define TOPO_DOWNLINK_MAX 255 /* 10.p.0.0/16: p is one octet */

struct topo_adj {
	uint32_t peer; /* switch index */
	uint32_t link; /* link index */
	uint16_t port; /* local port */
};

struct topo_switch {
	char name[TOPO_NAME_MAX];
	uint8_t mac[6];
	int edge;
	int line; /* where it was declared */
	uint32_t nadj;
	struct topo_adj *adj; /* sorted by local port */
	uint32_t ndown;
	uint16_t *down; /* downlink (server) ports, sorted */
};

struct topo_link {
	uint32_t a, b; /* switch indexes, a != b */
	uint16_t pa, pb;
	int line;
};

struct topo {
	uint32_t nsw;
	struct topo_switch *sw;
	uint32_t nlink;
	struct topo_link *link;
	uint32_t nedge;
	uint32_t *edge;			    /* indexes of edge switches, sorted by MAC */
	uint32_t nroutes;		    /* union of every edge switch's downlink ports: */
	uint16_t routes[TOPO_DOWNLINK_MAX]; /* one route each, on every edge switch */
};

/* the switch at the other end of link l from switch v */
static inline uint32_t topo_peer(const struct topo *t, uint32_t l, uint32_t v)
{
	return t->link[l].a == v ? t->link[l].b : t->link[l].a;
}

/*
 * Parse and validate a topology.  On error returns -EINVAL (or -ENOMEM) and
 * writes a message naming the offending line/element into err.
 */
int topo_parse(const char *buf, size_t len, const char *fname, struct topo *t, char *err,
	       size_t errlen);
void topo_free(struct topo *t);
/* write the topology back in the canonical format (MACs always explicit) */
void topo_write(const struct topo *t, FILE *f);

/* "123" -> 123 within [lo, hi]; -1 otherwise */
long topo_parse_num(const char *s, long lo, long hi);

#endif

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's configuration repository client (patent [0012], [0036]-[0038]:
 * an NA fetches the VLANs towards every other edge switch from the
 * repository at a well-known address): fetches its own edge switch's row
 * (docs/vlan-table.md, "Row document") and validates it, from
 *   - http[s]://host[:port][/path] or host:port: GET /v1/row/<switch-mac>
 *     when the path is /v1/vlan-table (the default), falling back to the
 *     whole table when the repository answers 404 (an older na-repo); any
 *     other path: that document (a whole table);
 *   - etcd://host:port[,host:port...]/prefix (etcds://...: every member
 *     over TLS, docs/repository.md "etcd over TLS"): the row of the serial named
 *     by <prefix>/current, then a WATCH on that key for new serials, a
 *     liveness read every 10 s, and the next member on any failure
 *     (docs/repository.md, "The repository on etcd").
 * Never blocks: one descriptor for the caller's event loop, the work done
 * in nl_repo_run().  This is the code both the agent (vlan_config.c) and the
 * boot-storm benchmark (tests/repo/bootstorm.c) run.
 */
#ifndef NL_REPO_CLIENT_H
#define NL_REPO_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "tenants.h"
#include "vlan_table.h"

struct nl_repo;

/*
 * The tenants file (docs/tenants.md) fetched with each row: over HTTP
 * GET /v1/tenants beside /v1/vlan-table (its own ETag, If-None-Match), from
 * etcd the key <prefix>/serials/<serial>/tenants of the serial whose row
 * is delivered (so a row and a tenants file of one serial come together).
 */
enum nl_repo_tn {
	NL_REPO_TN_NONE = 0, /* not fetched with this result (transport failure, no row yet) */
	NL_REPO_TN_SAME,     /* the file last delivered is current (304, same bytes) */
	NL_REPO_TN_ABSENT,   /* the repository has none (HTTP 404, no etcd key) */
	NL_REPO_TN_NEW,	     /* tenants: a new file, validated by nl_tenants_parse */
	NL_REPO_TN_ERR,	     /* not fetched or refused: tn_err (tn_corrupt: malformed) */
};

struct nl_repo_result {
	int rc;		   /* 0, or -errno with err set */
	bool not_modified; /* the table in force is current (HTTP 304, same etcd serial) */
	bool pushed;	   /* etcd: a new serial seen by the watch or the liveness read */
	bool by_watch;	   /* etcd: ... announced by the watch */
	bool corrupt;	   /* rc: the repository's document was malformed (refused) */
	/* rc 0 and !not_modified: validated (a row or a whole table), the receiver's to free */
	struct nl_vlan_table t;
	char etag[128]; /* of t: "<serial>" */
	char err[256];
	int tn;			    /* enum nl_repo_tn */
	bool tn_corrupt;	    /* NL_REPO_TN_ERR: the file was malformed (refused) */
	struct nl_tenants *tenants; /* NL_REPO_TN_NEW: malloc'ed, the receiver's to free */
	char tn_etag[128];	    /* NL_REPO_TN_NEW: its ETag ("t-<FNV-1a of the bytes>") */
	char tn_err[512];
};

/* a fetch's outcome, or (etcd) a new serial pushed by the repository */
typedef void (*nl_repo_done)(void *ctx, struct nl_repo_result *r);

struct nl_repo_opts {
	const char *ca_file;   /* https, etcds: the CA bundle; NULL = the system's */
	const char *cert_file; /* https, etcds: our client certificate; NULL = none */
	const char *key_file;  /* its key; NULL = in cert_file */
	int timeout_ms;	       /* a transfer (etcd: a read and connecting) */
	size_t max_bytes;      /* a document */
	int check_ms;	       /* etcd: the liveness read's period (0: 10000) */
	bool whole_table;      /* HTTP: always the whole table (as agents before rows did) */
};

struct nl_repo_stats {
	unsigned long fetches;	     /* documents fetched and valid */
	unsigned long corrupt;	     /* documents refused as malformed */
	unsigned long row_fallbacks; /* HTTP: 404 on /v1/row -> the whole table */
	unsigned long failovers;     /* etcd: moved to the next member */
	unsigned long watch_events;  /* etcd: changes of <prefix>/current seen */
	unsigned long tn_fetches;    /* tenants files fetched and valid */
	unsigned long tn_corrupt;    /* tenants files refused as malformed */
};

/* true when @src names an etcd cluster (etcd://... or etcds://...) */
bool nl_repo_is_etcd_url(const char *src);
/*
 * The etcd keys under @prefix: "<prefix>/current", and of serial @serial
 * "<prefix>/serials/<20-digit serial>/meta", ".../rows/<switch-mac>" and
 * ".../tenants" (the tenants file, when the repository has one).
 */
void nl_repo_key_current(const char *prefix, char *key, size_t len);
void nl_repo_key_serial(const char *prefix, __u64 serial, char *key, size_t len);
/* the ETag of a tenants file's bytes: "t-<FNV-1a 64, 16 hex digits>" (as na-repo serve's) */
void nl_repo_tenants_etag(const char *buf, size_t len, char *etag, size_t etaglen);
/* the value of <prefix>/current: {"serial":"<S>"}; 0, or -EBADMSG */
int nl_repo_parse_current(const char *json, size_t len, __u64 *serial);

/*
 * A client of @src.  TLS files given (ca_file, cert_file, key_file) are
 * checked first (tls_files.h) and need a TLS source (https:// or
 * etcds://): with a plain http one they are refused (-EINVAL), since TLS was
 * asked for.  0, or -errno with @err set.
 */
int nl_repo_new(struct nl_repo **r, const char *src, const struct nl_repo_opts *o,
		nl_repo_done done, void *ctx, char *err, size_t errlen);
void nl_repo_free(struct nl_repo *r);
int nl_repo_fd(const struct nl_repo *r);
void nl_repo_run(struct nl_repo *r);
bool nl_repo_busy(const struct nl_repo *r);
const struct nl_repo_stats *nl_repo_stats(const struct nl_repo *r);
/* where documents come from now: the URL, or the etcd member in use */
const char *nl_repo_where(const struct nl_repo *r);

/*
 * Fetch our switch's row (@mac; NULL while LLDP has not named it: nothing
 * yet, -EAGAIN, unless the source is a whole table), @etag = of the table in force
 * (NULL: fetch even an unchanged table).  0 once started (the outcome goes
 * to done), -EBUSY while a fetch runs, -EAGAIN when there is nothing to
 * fetch yet, or -errno with err set.
 */
int nl_repo_fetch(struct nl_repo *r, const __u8 *mac, const char *etag, char *err, size_t errlen);

#endif /* NL_REPO_CLIENT_H */

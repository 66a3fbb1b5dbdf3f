/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo publish --etcd: a compiled repository into etcd (patent [0012]:
 * the configuration repository at well-known addresses, here replicated by
 * etcd; docs/repository.md "The repository on etcd").  Every edge switch's
 * row goes under <prefix>/serials/<serial>/rows/<mac> (invisible to agents
 * until committed) in batches that fit etcd's request limits; ONE
 * transaction, conditional on <prefix>/current being unchanged since it was
 * read, writes the last batch, the serial's meta and points <prefix>/current
 * at it (a repository of up to 100 rows and 1 MB: that one transaction only).  Serials superseded
 * more than --grace seconds ago are deleted.
 */
#ifndef NA_REPO_PUBLISH_H
#define NA_REPO_PUBLISH_H

struct publish_opts {
	/* [etcds://]host:port[,...] or http[s]://host:port[,...] (etcds, https: TLS) */
	const char *endpoints;
	/* TLS (any given: every member over https, plain http refused) */
	const char *ca_file, *cert_file, *key_file;
	const char *dir;       /* the compiled repository (vlan-table.txt) */
	const char *prefix;    /* default /netlord */
	long grace_s;	       /* superseded serials live this long (default 60) */
	int timeout_ms;	       /* each request */
};

/* 0, or -errno with a message printed */
int repo_publish(const struct publish_opts *o);

#endif

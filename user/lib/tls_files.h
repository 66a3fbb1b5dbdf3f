/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The TLS material of a repository client (patent [0012]: agents and the
 * publisher talk to the configuration repository; here so that nobody on
 * the management network can forge or read it): a CA bundle that signs the
 * servers' certificates, and an optional client certificate and key (etcd's
 * --client-cert-auth).  The files are checked when a client is made, so a
 * bad path or a key that does not match its certificate is a clear error
 * at start, not a failed handshake later.  The TLS itself is libcurl's.
 */
#ifndef NL_TLS_FILES_H
#define NL_TLS_FILES_H

#include <stdbool.h>
#include <stddef.h>

struct nl_tls_opts {
	const char *ca_file;   /* PEM CA bundle; NULL = the system's */
	const char *cert_file; /* PEM client certificate; NULL = none */
	const char *key_file;  /* PEM private key; NULL = in cert_file */
};

/* any file given */
bool nl_tls_any(const struct nl_tls_opts *t);
/*
 * Every file given is readable and holds what it should (the CA bundle at
 * least one certificate, the key matches the certificate; no key without a
 * certificate): 0, or -errno (-ENOENT, -EACCES, -EINVAL...) with @err set.
 */
int nl_tls_check(const struct nl_tls_opts *t, char *err, size_t errlen);

#endif /* NL_TLS_FILES_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The repository clients' TLS files checked before use (tls_files.h),
 * patent [0012]: PEM read by OpenSSL's libcrypto, the key matched against
 * the certificate by X509_check_private_key().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tls_files.h"
#include "util.h"

bool nl_tls_any(const struct nl_tls_opts *t)
{
	return t->ca_file || t->cert_file || t->key_file;
}

/* never ask for a passphrase: an encrypted key is refused */
static int no_pass(char *buf, int size, int rwflag, void *u)
{
	return 0;
}

static FILE *open_pem(const char *what, const char *path, int *rc, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");

	if (!f)
		*rc = nl_errf(err, errlen, -errno, "%s '%s': %s", what, path, strerror(errno));
	return f;
}

/* the first certificate of @path, and how many it holds */
static int read_certs(const char *what, const char *path, X509 **first, char *err, size_t errlen)
{
	int rc = 0, n = 0;
	FILE *f = open_pem(what, path, &rc, err, errlen);
	X509 *x;

	if (!f)
		return rc;
	while ((x = PEM_read_X509(f, NULL, no_pass, NULL))) {
		if (!n && first)
			*first = x;
		else
			X509_free(x);
		n++;
	}
	ERR_clear_error(); /* the end of the file reads as an error */
	fclose(f);
	if (!n)
		return nl_errf(err, errlen, -EINVAL, "%s '%s': no PEM certificate in it", what,
			       path);
	return 0;
}

int nl_tls_check(const struct nl_tls_opts *t, char *err, size_t errlen)
{
	const char *kpath = t->key_file ? t->key_file : t->cert_file;
	EVP_PKEY *k = NULL;
	X509 *cert = NULL;
	FILE *f;
	int rc;

	if (t->key_file && !t->cert_file)
		return nl_errf(err, errlen, -EINVAL,
			       "client key '%s' given without a client certificate", t->key_file);
	if (t->ca_file) {
		rc = read_certs("CA bundle", t->ca_file, NULL, err, errlen);
		if (rc)
			return rc;
	}
	if (!t->cert_file)
		return 0;
	rc = read_certs("client certificate", t->cert_file, &cert, err, errlen);
	if (rc)
		return rc;
	f = open_pem("client key", kpath, &rc, err, errlen);
	if (f) {
		k = PEM_read_PrivateKey(f, NULL, no_pass, NULL);
		ERR_clear_error();
		fclose(f);
		if (!k)
			rc = nl_errf(err, errlen, -EINVAL,
				     "client key '%s': no PEM private key in it (encrypted keys "
				     "are not supported)",
				     kpath);
		else if (X509_check_private_key(cert, k) != 1)
			rc = nl_errf(err, errlen, -EINVAL,
				     "client key '%s' does not match the client certificate '%s'",
				     kpath, t->cert_file);
		ERR_clear_error();
	}
	EVP_PKEY_free(k);
	X509_free(cert);
	return rc;
}

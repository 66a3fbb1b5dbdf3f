// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The NL-ARP fleet keys (nlarp_keys.h): the key file parser and the keyed
 * HMAC-SHA-256 contexts (OpenSSL 3 EVP_MAC).  Each key's context is keyed
 * once; a MAC re-initialises it without a key, which reuses the
 * precomputed inner and outer pads (two SHA-256 blocks saved per message).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "nlarp_keys.h"
#include "util.h"

#define KEY_FILE_MAX 4096

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* hex or "base64:..." into key->secret; 0 or -EINVAL */
static int parse_secret(struct nlarp_key *key, const char *s, size_t n)
{
	unsigned char tmp[3 * (NLARP_AUTH_SECRET_MAX * 4 / 3 + 4) / 4 + 4];
	int len, pad = 0;

	if (n > 7 && !strncmp(s, "base64:", 7)) {
		s += 7;
		n -= 7;
		if (n % 4 || n > NLARP_AUTH_SECRET_MAX * 4 / 3 + 4)
			return -EINVAL;
		len = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)n);
		if (len < 0)
			return -EINVAL;
		/* EVP_DecodeBlock counts the '=' padding as zero bytes */
		pad = (n >= 1 && s[n - 1] == '=') + (n >= 2 && s[n - 2] == '=');
		len -= pad;
		if (len < NLARP_AUTH_SECRET_MIN || len > NLARP_AUTH_SECRET_MAX)
			return -EINVAL;
		memcpy(key->secret, tmp, (size_t)len);
		OPENSSL_cleanse(tmp, sizeof(tmp));
		key->len = (size_t)len;
		return 0;
	}
	if (n % 2 || n / 2 < NLARP_AUTH_SECRET_MIN || n / 2 > NLARP_AUTH_SECRET_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		key->secret[i / 2] = (__u8)(hi << 4 | lo);
	}
	key->len = n / 2;
	return 0;
}

static int key_ctx(struct nlarp_key *key)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;

	EVP_MAC_free(mac); /* the context keeps its own reference */
	if (!ctx || !EVP_MAC_init(ctx, key->secret, key->len, params)) {
		EVP_MAC_CTX_free(ctx);
		return -EIO;
	}
	key->mac_ctx = ctx;
	return 0;
}

void nlarp_keyring_free(struct nlarp_keyring *kr)
{
	for (unsigned int i = 0; i < kr->n && i < NLARP_AUTH_KEYS; i++)
		EVP_MAC_CTX_free(kr->keys[i].mac_ctx);
	OPENSSL_cleanse(kr, sizeof(*kr));
	kr->n = 0;
}

/* one non-comment line: "<id> <secret>" */
static int parse_line(struct nlarp_keyring *kr, char *line, unsigned int lineno, char *err,
		      size_t errlen)
{
	struct nlarp_key key = {};
	char *id_s, *sec, *rest, *end;
	unsigned long long id;
	int rc;

	id_s = strtok_r(line, " \t", &rest);
	sec = strtok_r(NULL, " \t", &rest);
	if (!sec || strtok_r(NULL, " \t", &rest))
		return nl_errf(err, errlen, -EINVAL,
			       "line %u: expected \"<key id> <secret>\" (two fields)", lineno);
	errno = 0;
	id = strtoull(id_s, &end, 10);
	if (errno || *end || !isdigit((unsigned char)id_s[0]) || id == 0 || id > 0xffffffffULL)
		return nl_errf(err, errlen, -EINVAL,
			       "line %u: key id must be a number 1..4294967295", lineno);
	if (parse_secret(&key, sec, strlen(sec))) {
		OPENSSL_cleanse(&key, sizeof(key));
		return nl_errf(err, errlen, -EINVAL,
			       "line %u: the secret must be %d..%d bytes, as hex digits or "
			       "base64:<text>",
			       lineno, NLARP_AUTH_SECRET_MIN, NLARP_AUTH_SECRET_MAX);
	}
	key.id = (__u32)id;
	if (nlarp_keyring_find(kr, key.id)) {
		OPENSSL_cleanse(&key, sizeof(key));
		return nl_errf(err, errlen, -EINVAL, "line %u: key id %llu appears twice", lineno,
			       id);
	}
	if (kr->n == NLARP_AUTH_KEYS) {
		OPENSSL_cleanse(&key, sizeof(key));
		return nl_errf(err, errlen, -EINVAL,
			       "line %u: more than %d keys (one signing key and one accepted "
			       "during a rotation)",
			       lineno, NLARP_AUTH_KEYS);
	}
	rc = key_ctx(&key);
	if (rc) {
		OPENSSL_cleanse(&key, sizeof(key));
		return nl_errf(err, errlen, rc, "libcrypto has no HMAC-SHA-256");
	}
	kr->keys[kr->n++] = key;
	return 0;
}

int nlarp_keyring_parse(struct nlarp_keyring *kr, const char *text, char *err, size_t errlen)
{
	char *copy = strdup(text), *line, *save;
	unsigned int lineno = 0;
	int rc = 0;

	memset(kr, 0, sizeof(*kr));
	if (!copy)
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	for (line = copy; line && !rc; line = save) {
		char *hash, *p;

		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (p = line; *p == ' ' || *p == '\t' || *p == '\r'; p++)
			;
		if (!*p)
			continue;
		/* trailing blanks and a CR of a DOS line end */
		for (char *e = p + strlen(p);
		     e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r');)
			*--e = '\0';
		rc = parse_line(kr, p, lineno, err, errlen);
	}
	OPENSSL_cleanse(copy, strlen(text));
	free(copy);
	if (!rc && !kr->n)
		rc = nl_errf(err, errlen, -EINVAL,
			     "no key (expected a line \"<key id> <secret>\")");
	if (rc)
		nlarp_keyring_free(kr);
	return rc;
}

int nlarp_keyring_load(struct nlarp_keyring *kr, const char *path, char *err, size_t errlen)
{
	char buf[KEY_FILE_MAX + 1];
	struct stat st;
	ssize_t n;
	int fd, rc;

	memset(kr, 0, sizeof(*kr));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return nl_errf(err, errlen, -errno, "cannot open the NL-ARP key file %s: %s", path,
			       strerror(errno));
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return nl_errf(err, errlen, rc, "cannot stat %s: %s", path, strerror(-rc));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return nl_errf(err, errlen, -EINVAL, "%s is not a regular file", path);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return nl_errf(err, errlen, -EPERM,
			       "the NL-ARP key file %s is accessible to group or others (mode "
			       "%04o): refusing it; run chmod 600 %s",
			       path, (unsigned int)(st.st_mode & 07777), path);
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		close(fd);
		return nl_errf(err, errlen, -EPERM,
			       "the NL-ARP key file %s belongs to uid %u, not root: refusing it",
			       path, (unsigned int)st.st_uid);
	}
	n = read(fd, buf, sizeof(buf));
	rc = -errno;
	close(fd);
	if (n < 0)
		return nl_errf(err, errlen, rc, "cannot read %s: %s", path, strerror(-rc));
	if (n > KEY_FILE_MAX) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return nl_errf(err, errlen, -EFBIG, "%s is larger than %d bytes", path,
			       KEY_FILE_MAX);
	}
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return nl_errf(err, errlen, -EINVAL, "%s contains a NUL byte", path);
	}
	rc = nlarp_keyring_parse(kr, buf, err, errlen);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc) {
		/* prefix the file name to the parser's message */
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		nl_errf(err, errlen, rc, "%s: %s", path, msg);
	}
	return rc;
}

const struct nlarp_key *nlarp_keyring_find(const struct nlarp_keyring *kr, __u32 id)
{
	for (unsigned int i = 0; i < kr->n && i < NLARP_AUTH_KEYS; i++)
		if (kr->keys[i].id == id)
			return &kr->keys[i];
	return NULL;
}

int nlarp_auth_mac(const struct nlarp_key *key, const void *buf, size_t len,
		   __u8 mac[NLARP_AUTH_MAC_LEN])
{
	EVP_MAC_CTX *ctx = key->mac_ctx;
	unsigned char full[NLARP_AUTH_MAC_LEN_FULL];
	size_t outl = 0;

	/* no key: HMAC_Init_ex() keeps the key and its precomputed pads */
	if (!ctx || !EVP_MAC_init(ctx, NULL, 0, NULL) || !EVP_MAC_update(ctx, buf, len) ||
	    !EVP_MAC_final(ctx, full, &outl, sizeof(full)) || outl != sizeof(full))
		return -EIO;
	memcpy(mac, full, NLARP_AUTH_MAC_LEN);
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The agent's configuration file (config.h, docs/operations.md): libinih
 * reads the INI lines, this file knows the keys and checks their values,
 * the same checks the command line's flags get.  The Network Agent's
 * settings of patent Fig. 3 and the VLAN table source of [0036].
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "encap_mode.h"
#include "log.h"
#include "nart_size.h"
#include "netlord.h"
#include "nlarp_replay.h"
#include "parse.h"
#include "subnets.h"
#include "util.h"

/* "" / "*" / A.B.C.D / [v6] then ":port": what the metrics endpoint can bind */
static bool listen_addr_ok(const char *v)
{
	const char *colon = strrchr(v, ':');
	char host[INET6_ADDRSTRLEN + 2], buf[sizeof(struct in6_addr)];
	size_t hl;
	__u32 port;

	if (!colon || nl_parse_u32(colon + 1, 0, 65535, &port))
		return false;
	hl = (size_t)(colon - v);
	if (hl >= sizeof(host))
		return false;
	memcpy(host, v, hl);
	host[hl] = '\0';
	if (!hl || !strcmp(host, "*"))
		return true;
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		return inet_pton(AF_INET6, host + 1, buf) == 1;
	}
	return inet_pton(AF_INET, host, buf) == 1;
}

int na_setting_set(struct na_settings *s, const char *key, const char *value, char *err,
		   size_t errlen)
{
	__u32 x;

	if (!strcmp(key, "repo")) {
		if (strlen(value) >= sizeof(s->repo))
			return nl_errf(err, errlen, -EINVAL, "key 'repo': too long");
		snprintf(s->repo, sizeof(s->repo), "%s", value);
		s->set |= NA_SET_REPO;
	} else if (!strcmp(key, "repo_ca") || !strcmp(key, "key_file")) {
		bool ca = key[0] == 'r';
		char *dst = ca ? s->repo_ca : s->key_file;

		if (strlen(value) >= PATH_MAX)
			return nl_errf(err, errlen, -EINVAL, "key '%s': too long", key);
		snprintf(dst, PATH_MAX, "%s", value);
		s->set |= ca ? NA_SET_REPO_CA : NA_SET_KEY_FILE;
	} else if (!strcmp(key, "repo_cert") || !strcmp(key, "repo_key")) {
		bool cert = !strcmp(key, "repo_cert");

		if (strlen(value) >= PATH_MAX)
			return nl_errf(err, errlen, -EINVAL, "key '%s': too long", key);
		snprintf(cert ? s->repo_cert : s->repo_key, PATH_MAX, "%s", value);
		s->set |= cert ? NA_SET_REPO_CERT : NA_SET_REPO_KEY;
	} else if (!strcmp(key, "encap")) {
		int mode = nl_encap_parse(value);

		if (mode < 0)
			return nl_errf(err, errlen, -EINVAL,
				       "key 'encap': '%s' is not ip, udp or gre", value);
		s->encap_mode = mode;
		s->set |= NA_SET_ENCAP;
	} else if (!strcmp(key, "tenant_bits")) {
		if (!strcmp(value, "16"))
			s->tenant_bits = NL_TENANT_BITS_16;
		else if (!strcmp(value, "24"))
			s->tenant_bits = NL_TENANT_BITS_24;
		else
			return nl_errf(err, errlen, -EINVAL,
				       "key 'tenant_bits': '%s' is not 16 or 24", value);
		s->set |= NA_SET_BITS;
	} else if (!strcmp(key, "log_level")) {
		static const char *const names[] = {"err", "warn", "info", "debug"};
		int i;

		for (i = 0; i < 4 && strcmp(value, names[i]); i++)
			;
		if (i == 4)
			return nl_errf(err, errlen, -EINVAL,
				       "key 'log_level': '%s' is not err, warn, info or debug",
				       value);
		s->log_level = i;
		s->set |= NA_SET_LOG;
	} else if (!strcmp(key, "metrics")) {
		/* "" or off: no endpoint; else [addr]:port checked when it is opened */
		if (strlen(value) >= sizeof(s->metrics))
			return nl_errf(err, errlen, -EINVAL, "key 'metrics': too long");
		if (*value && strcmp(value, "off") && !listen_addr_ok(value))
			return nl_errf(
				err, errlen, -EINVAL,
				"key 'metrics': '%s' is not A.B.C.D:port, [v6]:port, :port or off",
				value);
		snprintf(s->metrics, sizeof(s->metrics), "%s", strcmp(value, "off") ? value : "");
		s->set |= NA_SET_METRICS;
	} else if (!strcmp(key, "flood_rate") || !strcmp(key, "flood_burst")) {
		bool rate = key[6] == 'r';

		if (nl_parse_u32(value, 1, 10000000, &x))
			return nl_errf(err, errlen, -EINVAL, "key '%s': '%s' is not 1..10000000",
				       key, value);
		*(rate ? &s->flood_rate : &s->flood_burst) = x;
		s->set |= rate ? NA_SET_FLOOD_RATE : NA_SET_FLOOD_BURST;
	} else if (!strcmp(key, "refresh_interval")) {
		if (nl_parse_u32(value, 1, 86400, &x))
			return nl_errf(err, errlen, -EINVAL,
				       "key 'refresh_interval': '%s' is not 1..86400 seconds",
				       value);
		s->refresh = x;
		s->set |= NA_SET_REFRESH;
	} else if (!strcmp(key, "nart_tenants")) {
		if (strcmp(value, "all") && strcmp(value, "hosted"))
			return nl_errf(err, errlen, -EINVAL,
				       "key 'nart_tenants': '%s' is not all or hosted", value);
		s->nart_hosted_only = !strcmp(value, "hosted");
		s->set |= NA_SET_NART_TENANTS;
	} else if (!strcmp(key, "nart_entries")) {
		if (nl_parse_u32(value, NA_NART_ENTRIES_MIN, NA_NART_ENTRIES_MAX, &x))
			return nl_errf(err, errlen, -EINVAL,
				       "key 'nart_entries': '%s' is not a number of VIFs in %u..%u",
				       value, NA_NART_ENTRIES_MIN, NA_NART_ENTRIES_MAX);
		s->nart_entries = x;
		s->set |= NA_SET_NART_ENTRIES;
	} else if (!strcmp(key, "nlarp_senders")) {
		if (nl_parse_u32(value, NLARP_REPLAY_PEERS_MIN, NLARP_REPLAY_PEERS_MAX, &x))
			return nl_errf(err, errlen, -EINVAL,
				       "key 'nlarp_senders': '%s' is not a number of senders in "
				       "%u..%u",
				       value, NLARP_REPLAY_PEERS_MIN, NLARP_REPLAY_PEERS_MAX);
		s->nlarp_senders = x;
		s->set |= NA_SET_NLARP_SENDERS;
	} else {
		return nl_errf(err, errlen, -EINVAL, "unknown key '%s'", key);
	}
	return 0;
}

struct parse_ctx {
	const char *uplink; /* NULL: every section is checked and none applied */
	struct na_settings *global, *section;
	struct na_subnets *subnets; /* the [subnet ...] sections (subnets.h) */
	FILE *f;
	int line;      /* of the text libinih is handling */
	bool at_bol;   /* the last chunk read ended a line */
	int long_line; /* the first line longer than libinih's buffer */
	int bad_line;  /* the first line with a bad key */
	char err[256]; /* what was wrong with it */
};

/* libinih's reader: fgets that counts lines, so the handler knows its line */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_ctx *p = stream;
	char *r = fgets(str, num, p->f);

	if (r) {
		if (p->at_bol)
			p->line++;
		p->at_bol = strchr(r, '\n') != NULL;
		if (!p->at_bol && !feof(p->f) && !p->long_line)
			p->long_line = p->line;
	}
	return r;
}

/* libinih's handler: nonzero to go on, 0 marks the line as an error */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *p = user;
	struct na_settings scratch = {0}, *dst = p->global;
	char e[256];

	int rc;

	if (*section)
		dst = p->uplink && !strcmp(section, p->uplink) ? p->section : &scratch;
	/* [subnet PREFIX] / [subnet PREFIX tenant N]: DHCP and RA settings */
	if (!strncmp(section, "subnet ", 7))
		rc = na_subnet_set(p->subnets, section + 7, name, value, e, sizeof(e));
	else
		rc = na_setting_set(dst, name, value, e, sizeof(e));
	if (rc) {
		/* the operator reads it on a terminal: no control bytes */
		for (char *c = e; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				*c = '?';
		if (!p->bad_line) {
			p->bad_line = p->line;
			snprintf(p->err, sizeof(p->err), "%s%s%s%s", *section ? "[" : "", section,
				 *section ? "] " : "", e);
		}
		return 0;
	}
	return 1;
}

static int parse_file(const char *path, const char *uplink, struct na_settings *out,
		      struct na_subnets *subnets, char *err, size_t errlen)
{
	struct na_settings section = {0};
	struct parse_ctx p = {.uplink = uplink,
			      .global = out,
			      .section = &section,
			      .subnets = subnets,
			      .at_bol = true};
	struct stat sb;
	int line;

	memset(out, 0, sizeof(*out));
	p.f = fopen(path, "re");
	if (!p.f)
		return nl_errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fileno(p.f), &sb) || !S_ISREG(sb.st_mode)) {
		fclose(p.f);
		return nl_errf(err, errlen, -EINVAL, "%s: not a regular file", path);
	}
	/* an indented line is an error, not the previous value continued */
	ini_allow_multiline = false;
	line = ini_parse_stream(read_line, &p, on_key, &p);
	fclose(p.f);
	/* libinih took the start of a long line as a whole one: never silently truncated */
	if (p.long_line && (line <= 0 || p.long_line <= line))
		return nl_errf(err, errlen, -EINVAL, "%s:%d: longer than %d characters", path,
			       p.long_line, INI_MAX_LINE - 2);
	if (line > 0)
		return nl_errf(err, errlen, -EINVAL, "%s:%d: %s", path, line,
			       p.bad_line == line ? p.err
						  : "not a `key = value` line, a comment or a "
						    "[section]");
	if (line < 0)
		return nl_errf(err, errlen, -ENOMEM, "%s: out of memory", path);
	na_settings_merge(out, &section);
	return 0;
}

int na_config_parse(const char *path, const char *uplink, struct na_settings *out, char *err,
		    size_t errlen)
{
	struct na_subnets *scratch = calloc(1, sizeof(*scratch));
	int rc;

	if (!scratch)
		return nl_errf(err, errlen, -ENOMEM, "out of memory");
	rc = parse_file(path, uplink, out, scratch, err, errlen);
	free(scratch);
	return rc;
}

int na_config_subnets(const char *path, struct na_subnets *out, char *err, size_t errlen)
{
	struct na_settings scratch;

	memset(out, 0, sizeof(*out));
	return parse_file(path, NULL, &scratch, out, err, errlen);
}

void na_settings_defaults(struct na_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->log_level = NL_LOG_INFO;
	s->refresh = NA_REFRESH_DEFAULT;
	s->encap_mode = NL_ENCAP_DEFAULT;
	s->tenant_bits = NL_TENANT_BITS_16;
}

void na_settings_merge(struct na_settings *dst, const struct na_settings *src)
{
	if (src->set & NA_SET_REPO)
		snprintf(dst->repo, sizeof(dst->repo), "%s", src->repo);
	if (src->set & NA_SET_REPO_CA)
		snprintf(dst->repo_ca, sizeof(dst->repo_ca), "%s", src->repo_ca);
	if (src->set & NA_SET_REPO_CERT)
		snprintf(dst->repo_cert, sizeof(dst->repo_cert), "%s", src->repo_cert);
	if (src->set & NA_SET_REPO_KEY)
		snprintf(dst->repo_key, sizeof(dst->repo_key), "%s", src->repo_key);
	if (src->set & NA_SET_KEY_FILE)
		snprintf(dst->key_file, sizeof(dst->key_file), "%s", src->key_file);
	if (src->set & NA_SET_ENCAP)
		dst->encap_mode = src->encap_mode;
	if (src->set & NA_SET_BITS)
		dst->tenant_bits = src->tenant_bits;
	if (src->set & NA_SET_LOG)
		dst->log_level = src->log_level;
	if (src->set & NA_SET_METRICS)
		snprintf(dst->metrics, sizeof(dst->metrics), "%s", src->metrics);
	if (src->set & NA_SET_REFRESH)
		dst->refresh = src->refresh;
	if (src->set & NA_SET_FLOOD_RATE)
		dst->flood_rate = src->flood_rate;
	if (src->set & NA_SET_FLOOD_BURST)
		dst->flood_burst = src->flood_burst;
	if (src->set & NA_SET_NART_ENTRIES)
		dst->nart_entries = src->nart_entries;
	if (src->set & NA_SET_NART_TENANTS)
		dst->nart_hosted_only = src->nart_hosted_only;
	if (src->set & NA_SET_NLARP_SENDERS)
		dst->nlarp_senders = src->nlarp_senders;
	dst->set |= src->set;
}

int na_settings_resolve(const char *path, const char *uplink, const struct na_settings *flags,
			struct na_ops_opts *out, char *err, size_t errlen)
{
	struct na_settings file;
	int rc = na_config_parse(path ? path : NA_CONFIG_DEFAULT, uplink, &file, err, errlen);

	memset(out, 0, sizeof(*out));
	if (rc == -ENOENT && !path)
		memset(&file, 0, sizeof(file)); /* SIGHUP reads it if it appeared */
	else if (rc)
		return rc == -ENOENT ? -ENOENT : -EINVAL;
	snprintf(out->config, sizeof(out->config), "%s", path ? path : NA_CONFIG_DEFAULT);
	out->flags = *flags;
	na_settings_defaults(&out->eff);
	na_settings_merge(&out->eff, &file);
	na_settings_merge(&out->eff, flags);
	return 0;
}

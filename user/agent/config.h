/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's configuration file, /etc/netlord/na-loader.conf by default
 * (docs/operations.md): INI, parsed by libinih.  Keys before any section
 * apply to every uplink; a section [<uplink>] applies to that uplink only
 * and wins over them.  Command-line flags win over the file.  It carries the
 * Network Agent's settings (patent Fig. 3): where the VLAN table comes from
 * ([0036]), the encapsulation, the address scheme, logging, metrics.
 */
#ifndef NA_CONFIG_H
#define NA_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define NA_CONFIG_DEFAULT  "/etc/netlord/na-loader.conf"
#define NA_REFRESH_DEFAULT 30 /* seconds between VLAN table fetches */

/* which settings were given (na_settings.set) */
enum {
	NA_SET_REPO = 1 << 0,
	NA_SET_ENCAP = 1 << 1,
	NA_SET_BITS = 1 << 2,
	NA_SET_LOG = 1 << 3,
	NA_SET_METRICS = 1 << 4,
	NA_SET_REFRESH = 1 << 5,
	NA_SET_REPO_CA = 1 << 6,
	NA_SET_KEY_FILE = 1 << 7,
	NA_SET_FLOOD_RATE = 1 << 8,
	NA_SET_FLOOD_BURST = 1 << 9,
	NA_SET_NART_ENTRIES = 1 << 10,
	NA_SET_NART_TENANTS = 1 << 11,
	NA_SET_REPO_CERT = 1 << 12,
	NA_SET_REPO_KEY = 1 << 13,
	NA_SET_NLARP_SENDERS = 1 << 14,
};

/* everything the file or the flags can set */
struct na_settings {
	unsigned int set; /* NA_SET_* */
	char repo[PATH_MAX];
	char repo_ca[PATH_MAX]; /* CA bundle of an https/etcds repository, "" = the system's */
	/* client certificate and key for an https/etcds repository ("" = none) */
	char repo_cert[PATH_MAX], repo_key[PATH_MAX];
	char key_file[PATH_MAX]; /* NL-ARP keys, "" = the default file */
	int encap_mode;		 /* enum nl_encap_mode */
	int tenant_bits;	 /* enum nl_tenant_bits */
	int log_level;		 /* enum nl_log_level */
	char metrics[128];	 /* addr:port, [v6]:port, "" = off */
	unsigned int refresh;	 /* seconds, 1..86400 */
	/* broadcast/multicast frames per second per VIF and bucket depth, 0 = default */
	unsigned int flood_rate, flood_burst;
	/* VIFs per NART (nart_size.h) */
	unsigned int nart_entries;
	/* NARTs learn every tenant (false) or only hosted ones (tenant_filter.h) */
	bool nart_hosted_only;
	/* senders the NL-ARP replay table remembers (nlarp_replay.h), 0 = default */
	unsigned int nlarp_senders;
};

/* what `attach` hands the daemon so that SIGHUP can read the file again */
struct na_ops_opts {
	char config[PATH_MAX];	  /* the configuration file ("" = none) */
	struct na_settings flags; /* what the command line set: it wins on reload too */
	struct na_settings eff;	  /* in force at start: defaults, file, flags */
};

/*
 * What `attach` runs with: the defaults, then the file @path (NULL: the
 * default file, if it exists), then @flags; the result and where it came
 * from into @out.  0, -ENOENT (an explicit file is missing) or -EINVAL,
 * with the message in @err.
 */
int na_settings_resolve(const char *path, const char *uplink, const struct na_settings *flags,
			struct na_ops_opts *out, char *err, size_t errlen);

/* the defaults: log info, refresh 30 s, no metrics, no repository */
void na_settings_defaults(struct na_settings *s);

/*
 * Parse @path for uplink @uplink (NULL: check every section).  0 with @out
 * filled (only the keys found are marked set), -ENOENT if there is no such
 * file, -EINVAL with "<path>:<line>: ..." naming the key in @err.
 */
int na_config_parse(const char *path, const char *uplink, struct na_settings *out, char *err,
		    size_t errlen);

struct na_subnets;
/*
 * The [subnet ...] sections of @path (subnets.h) into @out; 0, -ENOENT or
 * -EINVAL with "<path>:<line>: ..." in @err, as na_config_parse().
 */
int na_config_subnets(const char *path, struct na_subnets *out, char *err, size_t errlen);

/* @flags' settings over @dst's (the command line wins over the file) */
void na_settings_merge(struct na_settings *dst, const struct na_settings *flags);

/* one setting's value from its text, as the file and the flags take it; 0 or -EINVAL */
int na_setting_set(struct na_settings *s, const char *key, const char *value, char *err,
		   size_t errlen);

#endif /* NA_CONFIG_H */

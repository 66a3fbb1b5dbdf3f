// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-loader: the command line (docs/agent.md).  One table of verbs, each
 * with its own options, handler and help, in the manner of xdp-loader.
 * A verb parses its arguments into a struct na_request (ctl_proto.h) once;
 * the agent checks it with the same code.  Handlers return 0 or a -errno;
 * only main() turns that into an exit code.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ctl_client.h"
#include "daemon.h"
#include "encap_mode.h"
#include "detach.h"
#include "health.h"
#include "ip6.h"
#include "log.h"
#include "maps.h"
#include "monitor_cli.h"
#include "trace_cli.h"
#include "parse.h"
#include "paths.h"
#include "show.h"

/* ---- exit codes (docs/agent.md) ---------------------------------------------------------- */
enum na_exit {
	NA_EXIT_OK = 0,
	NA_EXIT_USAGE = 1,    /* bad command line */
	NA_EXIT_ENV = 2,      /* not root, no BTF/bpffs, interface missing, load failed */
	NA_EXIT_NO_AGENT = 3, /* no agent running for that interface */
	NA_EXIT_REFUSED = 4,  /* the agent refused the request (bad VIF, conflict, ...) */
	NA_EXIT_RUNTIME = 5,  /* the agent stopped on an unrecoverable error */
	NA_EXIT_UNREADY = 6,  /* status --check: the agent runs but cannot forward yet */
};

static const char exit_codes[] =
	"Exit codes:\n"
	"  0  success\n"
	"  1  usage error (bad command line or request)\n"
	"  2  environment: not root, no BTF, no bpffs, interface missing, datapath load\n"
	"     or attach failed, another agent already running\n"
	"  3  no agent is running for that interface (start `na-loader attach <iface>`)\n"
	"  4  the agent refused the request (the message says why)\n"
	"  5  the agent stopped on an unrecoverable runtime error\n"
	"  6  status --check: the agent runs but is not ready (no LLDP or no VLAN table)\n";

/* a handler's result for a verb that talks to the agent */
static int ctl_exit(int err)
{
	switch (err) {
	case 0:
		return NA_EXIT_OK;
	case -EINVAL:
		return NA_EXIT_USAGE;
	case -ENOTCONN:
		return NA_EXIT_NO_AGENT;
	case -ECONNRESET:
		return NA_EXIT_RUNTIME;
	case NA_ERR_NOT_READY:
		return NA_EXIT_UNREADY;
	default:
		return NA_EXIT_REFUSED;
	}
}

/* a handler's result for a verb that works on this host itself */
static int local_exit(int err)
{
	if (!err)
		return NA_EXIT_OK;
	if (err == -EINVAL)
		return NA_EXIT_USAGE;
	if (err == NA_ERR_RUNTIME)
		return NA_EXIT_RUNTIME;
	return NA_EXIT_ENV;
}

/* ---- the verbs' shared pieces ------------------------------------------------------------ */

struct verb;
struct cli {
	const struct verb *verb;
	const char *iface;
	bool json;
	bool check; /* status --check */
};

/* the verb's message for a bad command line; always -EINVAL */
static int usage_err(const struct verb *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* the only attached interface, for -i's default */
static int default_iface(char *out, size_t len)
{
	DIR *d = opendir(NA_PIN_ROOT);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!n)
			snprintf(out, len, "%s", de->d_name);
		n++;
	}
	closedir(d);
	return n == 1 ? 0 : -ENOENT;
}

static int resolve_iface(struct cli *c, char *buf, size_t len)
{
	if (c->iface)
		return 0;
	if (default_iface(buf, len))
		return usage_err(c->verb, "cannot tell which uplink: use -i <uplink>");
	c->iface = buf;
	return 0;
}

static void request_init(struct na_request *r, enum na_req_verb verb, const struct cli *c)
{
	memset(r, 0, sizeof(*r));
	r->magic = NA_REQ_MAGIC;
	r->verb = verb;
	r->flags = c->json ? NA_REQ_F_JSON : 0;
	r->vif.mac_as = NA_MAC_AS_UNSET; /* vif add without --mac-as */
}

static int send_request(const struct cli *c, const struct na_request *r)
{
	char err[256];
	int rc = na_request_check(r, err, sizeof(err));

	if (rc)
		return usage_err(c->verb, "%s", err);
	rc = na_ctl_request(c->iface, r, stdout);
	if (rc == -ENOTCONN)
		fprintf(stderr,
			"na-loader: no agent is running for %s (start it: na-loader attach %s)\n",
			c->iface, c->iface);
	return rc;
}

/* ---- the verb table ----------------------------------------------------------------------- */

struct verb {
	const char *name;
	const char *synopsis; /* the overview's lines */
	const char *help;     /* `na-loader <verb> --help` */
	const struct option *opts;
	const char *shortopts;
	/* the options already parsed into the request and the cli; argv: operands */
	int (*run)(struct cli *c, struct na_request *r, int argc, char **argv);
	/* one option of this verb: 0 or -EINVAL */
	int (*opt)(struct cli *c, struct na_request *r, int o, const char *arg);
	int (*exit)(int err);
};

static int usage_err(const struct verb *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "na-loader %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see `na-loader %s --help`)\n", v->name);
	return -EINVAL;
}

enum {
	O_REPO = 256,
	O_ENCAP,
	O_BITS,
	O_TENANT,
	O_MACAS,
	O_MAC,
	O_IP,
	O_ROUTER,
	O_IP6,
	O_ROUTER6,
	O_JSON,
	O_SWITCH,
	O_PORT,
	O_VERSION,
	O_CONFIG,
	O_METRICS,
	O_REFRESH,
	O_FLOOD_RATE,
	O_FLOOD_BURST,
	O_LOGLEVEL,
	O_NART_ENTRIES,
	O_NLARP_SENDERS,
	O_NART_TENANTS,
	O_CHECK,
	O_RX,
	O_KEY_FILE,
	O_INSECURE,
	O_REPO_CA,
	O_REPO_CERT,
	O_REPO_KEY,
	O_INCOMING,
};

#define OPT_IFACE                                     \
	{                                             \
		"iface", required_argument, NULL, 'i' \
	}
#define OPT_JSON                                  \
	{                                         \
		"json", no_argument, NULL, O_JSON \
	}
#define OPT_HELP                               \
	{                                      \
		"help", no_argument, NULL, 'h' \
	}
#define OPT_END                  \
	{                        \
		NULL, 0, NULL, 0 \
	}

/* options every ctl verb has: -i and --json */
static int common_opt(struct cli *c, struct na_request *r, int o, const char *arg)
{
	if (o == 'i') {
		c->iface = arg;
		return 0;
	}
	if (o == O_JSON) {
		c->json = true;
		r->flags |= NA_REQ_F_JSON;
		return 0;
	}
	return -EINVAL;
}

/* ---- attach / detach ---------------------------------------------------------------------- */

static struct na_daemon_opts attach_opts;
static struct na_settings attach_flags; /* what the command line set */
static const char *attach_config;	/* --config, NULL: the default file if it exists */

/* a flag takes the configuration file's key and checks */
static int attach_set(struct cli *c, const char *key, const char *arg)
{
	char err[256];

	if (na_setting_set(&attach_flags, key, arg, err, sizeof(err)))
		return usage_err(c->verb, "%s", err);
	return 0;
}

static int attach_opt(struct cli *c, struct na_request *r, int o, const char *arg)
{
	switch (o) {
	case O_REPO:
		return attach_set(c, "repo", arg);
	case O_REPO_CA:
		return attach_set(c, "repo_ca", arg);
	case O_REPO_CERT:
		return attach_set(c, "repo_cert", arg);
	case O_REPO_KEY:
		return attach_set(c, "repo_key", arg);
	case O_ENCAP:
		return attach_set(c, "encap", arg);
	case O_RX:
		attach_opts.rx_path = nl_rx_parse(arg);
		if (attach_opts.rx_path < 0)
			return usage_err(c->verb, "--rx must be xdp, tc or auto");
		return 0;
	case O_BITS:
		return attach_set(c, "tenant_bits", arg);
	case O_METRICS:
		return attach_set(c, "metrics", arg);
	case O_REFRESH:
		return attach_set(c, "refresh_interval", arg);
	case O_FLOOD_RATE:
		return attach_set(c, "flood_rate", arg);
	case O_FLOOD_BURST:
		return attach_set(c, "flood_burst", arg);
	case O_LOGLEVEL:
		return attach_set(c, "log_level", arg);
	case O_NART_ENTRIES:
		return attach_set(c, "nart_entries", arg);
	case O_NLARP_SENDERS:
		return attach_set(c, "nlarp_senders", arg);
	case O_NART_TENANTS:
		return attach_set(c, "nart_tenants", arg);
	case O_KEY_FILE:
		return attach_set(c, "key_file", arg);
	case O_INSECURE:
		attach_opts.insecure_no_auth = true;
		return 0;
	case 'v':
		return attach_set(c, "log_level", "debug");
	case O_CONFIG:
		attach_config = arg;
		return 0;
	}
	return -EINVAL;
}

static int run_attach(struct cli *c, struct na_request *r, int argc, char **argv)
{
	char msg[512];
	int err;

	if (argc != 1)
		return usage_err(c->verb, "exactly one uplink interface expected");
	if (strlen(argv[0]) >= sizeof(attach_opts.ifname))
		return usage_err(c->verb, "'%s' is not a valid interface name", argv[0]);
	snprintf(attach_opts.ifname, sizeof(attach_opts.ifname), "%s", argv[0]);
	if (attach_opts.insecure_no_auth && (attach_flags.set & NA_SET_KEY_FILE))
		return usage_err(c->verb, "--key-file and --insecure-no-auth exclude each other");
	err = na_settings_resolve(attach_config, attach_opts.ifname, &attach_flags,
				  &attach_opts.ops, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "na-loader attach: %s\n", msg);
		return err;
	}
	snprintf(attach_opts.repo, sizeof(attach_opts.repo), "%s", attach_opts.ops.eff.repo);
	snprintf(attach_opts.repo_ca, sizeof(attach_opts.repo_ca), "%s",
		 attach_opts.ops.eff.repo_ca);
	/* --insecure-no-auth on the command line wins over a key_file of the file */
	if (!attach_opts.insecure_no_auth)
		snprintf(attach_opts.key_file, sizeof(attach_opts.key_file), "%s",
			 attach_opts.ops.eff.key_file);
	/* not given: the pinned state's (daemon.h) */
	attach_opts.encap_mode =
		attach_opts.ops.eff.set & NA_SET_ENCAP ? attach_opts.ops.eff.encap_mode : -1;
	attach_opts.tenant_bits =
		attach_opts.ops.eff.set & NA_SET_BITS ? attach_opts.ops.eff.tenant_bits : 0;
	attach_opts.nart_entries = attach_opts.ops.eff.set & NA_SET_NART_ENTRIES
					   ? attach_opts.ops.eff.nart_entries
					   : 0;
	attach_opts.nart_hosted_only = attach_opts.ops.eff.nart_hosted_only;
	nl_log_init("na-loader", attach_opts.ops.eff.log_level);
	return na_daemon_run(&attach_opts);
}

/* ---- config check --------------------------------------------------------------------------- */

static int run_config(struct cli *c, struct na_request *r, int argc, char **argv)
{
	const char *path = argc == 2 ? argv[1] : NA_CONFIG_DEFAULT;
	struct na_settings s;
	char err[512];
	int rc;

	if (argc < 1 || argc > 2 || strcmp(argv[0], "check"))
		return usage_err(c->verb, "config check [FILE] expected");
	rc = na_config_parse(path, NULL, &s, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "na-loader config: %s\n", err);
		return rc == -ENOENT ? -ENOENT : -EINVAL;
	}
	printf("%s: ok\n", path);
	return 0;
}

static int run_detach(struct cli *c, struct na_request *r, int argc, char **argv)
{
	struct na_request quit;

	if (argc != 1)
		return usage_err(c->verb, "exactly one uplink interface expected");
	if (geteuid() != 0) {
		fprintf(stderr, "na-loader detach: must run as root\n");
		return -EPERM;
	}
	request_init(&quit, NA_REQ_QUIT, c);
	if (na_ctl_request(argv[0], &quit, stdout) == 0) {
		/* wait for the agent to let go of its lock and socket */
		for (int i = 0; i < 50; i++) {
			char p[PATH_MAX];

			snprintf(p, sizeof(p), "%s/%s.sock", NA_RUN_ROOT, argv[0]);
			if (access(p, F_OK))
				break;
			usleep(100000);
		}
	}
	return na_detach(argv[0]);
}

/* ---- vif ------------------------------------------------------------------------------------ */

static int vif_opt(struct cli *c, struct na_request *r, int o, const char *arg)
{
	__u32 x;

	switch (o) {
	case O_TENANT:
		if (nl_parse_u32(arg, NL_TENANT_MIN, NL_TENANT_MAX_24, &r->vif.tenant))
			return usage_err(c->verb, "--tenant must be a number %u..%u", NL_TENANT_MIN,
					 NL_TENANT_MAX_24);
		return 0;
	case O_MACAS:
		if (nl_parse_u32(arg, 0, 255, &x))
			return usage_err(c->verb, "--mac-as must be 0..255");
		r->vif.mac_as = (__u16)x;
		return 0;
	case O_MAC:
		if (nl_parse_mac(arg, r->vif.mac))
			return usage_err(c->verb, "--mac must be a unicast xx:xx:xx:xx:xx:xx");
		return 0;
	case O_IP:
		/* without /len: the tenants file's subnet gives it (docs/tenants.md) */
		if (strchr(arg, '/') ? nl_parse_prefix(arg, &r->vif.ip, &r->vif.prefix_len)
				     : nl_parse_ipv4(arg, &r->vif.ip))
			return usage_err(c->verb, "--ip must be A.B.C.D[/len]");
		return 0;
	case O_ROUTER:
		if (nl_parse_ipv4(arg, &r->vif.router_ip))
			return usage_err(c->verb, "--router must be A.B.C.D and needs --ip");
		return 0;
	case O_IP6:
		if (r->vif6.count >= NL_VIF_MAX_IP6)
			return usage_err(c->verb, "at most %d --ip6 addresses", NL_VIF_MAX_IP6);
		if (strchr(arg, '/') ? nl_parse_prefix6(arg, r->vif6.addr[r->vif6.count],
							&r->vif6.prefix_len[r->vif6.count])
				     : nl_parse_ipv6(arg, r->vif6.addr[r->vif6.count]))
			return usage_err(c->verb, "--ip6 must be ADDR[/len] (len 1..128)");
		r->vif6.count++;
		return 0;
	case O_ROUTER6:
		if (nl_parse_ipv6(arg, r->vif6.router))
			return usage_err(c->verb,
					 "--router6 must be an IPv6 address and needs --ip6");
		return 0;
	case O_INCOMING:
		r->vif.flags |= NL_VIF_F_INCOMING;
		return 0;
	}
	return common_opt(c, r, o, arg);
}

static int run_vif(struct cli *c, struct na_request *r, int argc, char **argv)
{
	char ifb[IF_NAMESIZE * 4];
	const char *sub = argc ? argv[0] : "";
	int err;

	if (!strcmp(sub, "add") || !strcmp(sub, "del")) {
		if (argc != 2 || strlen(argv[1]) >= sizeof(r->ifname))
			return usage_err(c->verb, "vif %s <ifname>%s", sub,
					 !strcmp(sub, "add") ? " --tenant T [--mac-as N] --mac M"
							     : "");
		snprintf(r->ifname, sizeof(r->ifname), "%s", argv[1]);
		r->verb = !strcmp(sub, "add") ? NA_REQ_VIF_ADD : NA_REQ_VIF_DEL;
	} else if (!strcmp(sub, "list") && argc == 1) {
		r->verb = NA_REQ_VIF_LIST;
	} else {
		return usage_err(c->verb, "add, del or list expected");
	}
	if (r->verb == NA_REQ_VIF_ADD && (!r->vif.tenant || !memcmp(r->vif.mac, "\0\0\0\0\0\0", 6)))
		return usage_err(c->verb, "vif add <ifname> --tenant T [--mac-as N] --mac M");
	err = resolve_iface(c, ifb, sizeof(ifb));
	if (err)
		return err;
	err = send_request(c, r);
	if (err == -ENOTCONN && r->verb == NA_REQ_VIF_LIST) {
		struct na_maps m;

		/* the list is in the pinned map even without the agent */
		if (!na_maps_open_pinned(c->iface, &m)) {
			na_show_vifs(stdout, &m, c->json);
			na_maps_close(&m);
			return 0;
		}
	}
	return err;
}

/* ---- status / stats / nart / refresh -----------------------------------------------------------
 */

/* without an agent, the reports come from the pinned maps */
static int show_pinned(struct cli *c, enum na_req_verb verb)
{
	struct na_maps m;

	if (geteuid() != 0) {
		fprintf(stderr, "na-loader %s: must run as root\n", c->verb->name);
		return -EPERM;
	}
	if (na_maps_open_pinned(c->iface, &m)) {
		fprintf(stderr,
			"na-loader %s: no datapath on %s (no pins in %s/%s): run "
			"`na-loader attach %s`\n",
			c->verb->name, c->iface, NA_PIN_ROOT, c->iface, c->iface);
		return -ENOTCONN;
	}
	if (verb == NA_REQ_STATUS)
		na_show_status(stdout, &m, NULL, c->json);
	else if (verb == NA_REQ_STATS)
		na_show_stats(stdout, &m, NULL, c->json);
	else
		na_show_nart(stdout, &m, NULL, c->json);
	na_maps_close(&m);
	return 0;
}

static int run_report(struct cli *c, struct na_request *r, enum na_req_verb verb)
{
	char ifb[IF_NAMESIZE * 4], msg[128];
	int err = resolve_iface(c, ifb, sizeof(ifb));

	if (err)
		return err;
	r->verb = verb;
	err = na_request_check(r, msg, sizeof(msg));
	if (!err)
		err = na_ctl_request(c->iface, r, stdout);
	return err == -ENOTCONN ? show_pinned(c, verb) : err;
}

static int run_status(struct cli *c, struct na_request *r, int argc, char **argv)
{
	if (argc)
		return usage_err(c->verb, "unexpected argument '%s'", argv[0]);
	if (c->check) {
		char ifb[IF_NAMESIZE * 4];
		int err = resolve_iface(c, ifb, sizeof(ifb));

		return err ? err : na_health_check(c->iface, stdout);
	}
	return run_report(c, r, !strcmp(c->verb->name, "status") ? NA_REQ_STATUS : NA_REQ_STATS);
}

static int status_opt(struct cli *c, struct na_request *r, int o, const char *arg)
{
	if (o == O_CHECK) {
		c->check = true;
		return 0;
	}
	return common_opt(c, r, o, arg);
}

static int nart_opt(struct cli *c, struct na_request *r, int o, const char *arg)
{
	__u32 x;

	switch (o) {
	case O_TENANT:
		if (nl_parse_u32(arg, NL_TENANT_MIN, NL_TENANT_MAX_24, &r->key.tenant))
			return usage_err(c->verb, "--tenant T required");
		return 0;
	case O_MACAS:
		if (nl_parse_u32(arg, 0, 255, &x))
			return usage_err(c->verb, "--mac-as N --mac M required");
		r->key.mac_as = (__u16)x;
		return 0;
	case O_MAC:
		return nl_parse_mac(arg, r->key.mac)
			       ? usage_err(c->verb, "--mac-as N --mac M required")
			       : 0;
	case O_IP:
		return nl_parse_ipv4(arg, &r->ip) ? usage_err(c->verb, "--ip A.B.C.D") : 0;
	case O_SWITCH:
		return nl_parse_mac(arg, r->switch_mac)
			       ? usage_err(c->verb, "--switch S --port P required")
			       : 0;
	case O_PORT:
		if (nl_parse_u32(arg, 1, 255, &x))
			return usage_err(c->verb, "--switch S --port P required");
		r->port = (__u16)x;
		return 0;
	case O_VERSION: {
		char *end;

		errno = 0;
		r->version = strtoull(arg, &end, 10);
		if (errno || *end || end == arg || arg[0] == '-')
			return usage_err(c->verb, "--version must be a decimal u64");
		return 0;
	}
	}
	return common_opt(c, r, o, arg);
}

/*
 * nart set/del (debug): checked here, carried out by the agent, since the
 * agent is the only writer of the NARTs.
 */
static int run_nart(struct cli *c, struct na_request *r, int argc, char **argv)
{
	char ifb[IF_NAMESIZE * 4];
	int err;

	if (!argc)
		return run_report(c, r, NA_REQ_NART_SHOW);
	if (argc != 1 || (strcmp(argv[0], "del") && strcmp(argv[0], "set")))
		return usage_err(c->verb, "nart [del|set] expected");
	if (!strcmp(argv[0], "set"))
		r->verb = NA_REQ_NART_SET;
	else
		r->verb = r->ip ? NA_REQ_NART_DEL_IP : NA_REQ_NART_DEL;
	if (r->verb == NA_REQ_NART_SET && !r->version)
		r->version = 1;
	err = resolve_iface(c, ifb, sizeof(ifb));
	return err ? err : send_request(c, r);
}

static int run_refresh(struct cli *c, struct na_request *r, int argc, char **argv)
{
	char ifb[IF_NAMESIZE * 4];
	int err;

	if (argc)
		return usage_err(c->verb, "unexpected argument '%s'", argv[0]);
	r->verb = NA_REQ_REFRESH;
	err = resolve_iface(c, ifb, sizeof(ifb));
	return err ? err : send_request(c, r);
}

static const struct option attach_options[] = {
	{"repo", required_argument, NULL, O_REPO},
	{"repo-ca", required_argument, NULL, O_REPO_CA},
	{"repo-cert", required_argument, NULL, O_REPO_CERT},
	{"repo-key", required_argument, NULL, O_REPO_KEY},
	{"encap", required_argument, NULL, O_ENCAP},
	{"rx", required_argument, NULL, O_RX},
	{"tenant-bits", required_argument, NULL, O_BITS},
	{"key-file", required_argument, NULL, O_KEY_FILE},
	{"insecure-no-auth", no_argument, NULL, O_INSECURE},
	{"verbose", no_argument, NULL, 'v'},
	{"config", required_argument, NULL, O_CONFIG},
	{"metrics", required_argument, NULL, O_METRICS},
	{"refresh-interval", required_argument, NULL, O_REFRESH},
	{"flood-rate", required_argument, NULL, O_FLOOD_RATE},
	{"flood-burst", required_argument, NULL, O_FLOOD_BURST},
	{"nart-entries", required_argument, NULL, O_NART_ENTRIES},
	{"nlarp-senders", required_argument, NULL, O_NLARP_SENDERS},
	{"nart-tenants", required_argument, NULL, O_NART_TENANTS},
	{"log-level", required_argument, NULL, O_LOGLEVEL},
	OPT_HELP,
	OPT_END,
};
static const struct option config_options[] = {OPT_HELP, OPT_END};
static const struct option status_options[] = {
	OPT_IFACE, OPT_JSON, {"check", no_argument, NULL, O_CHECK}, OPT_HELP, OPT_END};
static const struct option detach_options[] = {OPT_HELP, OPT_END};
static const struct option vif_options[] = {
	{"tenant", required_argument, NULL, O_TENANT},
	{"mac-as", required_argument, NULL, O_MACAS},
	{"mac", required_argument, NULL, O_MAC},
	{"ip", required_argument, NULL, O_IP},
	{"router", required_argument, NULL, O_ROUTER},
	{"ip6", required_argument, NULL, O_IP6},
	{"router6", required_argument, NULL, O_ROUTER6},
	{"incoming-migration", no_argument, NULL, O_INCOMING},
	OPT_IFACE,
	OPT_JSON,
	OPT_HELP,
	OPT_END,
};
static const struct option report_options[] = {OPT_IFACE, OPT_JSON, OPT_HELP, OPT_END};
static const struct option nart_options[] = {
	{"tenant", required_argument, NULL, O_TENANT},
	{"mac-as", required_argument, NULL, O_MACAS},
	{"mac", required_argument, NULL, O_MAC},
	{"ip", required_argument, NULL, O_IP},
	{"switch", required_argument, NULL, O_SWITCH},
	{"port", required_argument, NULL, O_PORT},
	{"version", required_argument, NULL, O_VERSION},
	OPT_IFACE,
	OPT_JSON,
	OPT_HELP,
	OPT_END,
};
static const struct option refresh_options[] = {OPT_IFACE, OPT_HELP, OPT_END};

static const char report_help[] =
	"status: switch MAC, port, server address, encap, VLAN table, sizes (\"waiting for\n"
	"LLDP\" before the first LLDP frame).  stats: datapath drop-reason and per-VIF\n"
	"counters, agent NL-ARP counters.  Works from the pinned maps if the agent is\n"
	"not running (exit 0, agent fields missing).\n";

/* verbs that parse their own options (opts NULL): argv[0] is the verb */
static int run_monitor(struct cli *c, struct na_request *r, int argc, char **argv)
{
	return na_monitor_cli(argc, argv);
}

static int run_trace(struct cli *c, struct na_request *r, int argc, char **argv)
{
	return na_trace_cli(argc, argv);
}

/* trace works on the pins: no pins is "no datapath" (3), a bad VIF a usage error */
static int trace_exit(int err)
{
	if (err == -ENOTCONN)
		return NA_EXIT_NO_AGENT;
	if (err == -ENODEV)
		return NA_EXIT_USAGE;
	return local_exit(err);
}

static const struct verb verbs[] = {
	{"attach",
	 "  attach <iface> [--repo <url|file>] [--repo-ca <file>] [--repo-cert <file>]\n"
	 "         [--repo-key <file>] [--encap ip|udp|gre]\n"
	 "         [--rx xdp|tc|auto] [--tenant-bits 16|24] [--key-file PATH | "
	 "--insecure-no-auth]\n"
	 "         [-v] [--config FILE] [--metrics ADDR:PORT] [--refresh-interval S] [--log-level "
	 "L]\n"
	 "         [--flood-rate N] [--flood-burst N]\n"
	 "         [--nart-entries N] [--nart-tenants all|hosted] [--nlarp-senders N]\n",
	 "usage: na-loader attach <iface> [--repo <url|file>] [--repo-ca <file>]\n"
	 "                         [--repo-cert <file>] [--repo-key <file>]\n"
	 "                         [--encap ip|udp|gre] [--rx xdp|tc|auto] [--tenant-bits 16|24]\n"
	 "                         [--key-file PATH | --insecure-no-auth] [-v|--verbose]\n"
	 "                         [--config FILE] [--metrics ADDR:PORT]\n"
	 "                         [--refresh-interval SECONDS] [--log-level err|warn|info|debug]\n"
	 "                         [--flood-rate FRAMES_PER_S] [--flood-burst FRAMES]\n"
	 "                         [--nart-entries N] [--nart-tenants all|hosted]\n"
	 "                         [--nlarp-senders N]\n"
	 "Load the datapath on the uplink <iface> (XDP native, generic with a warning),\n"
	 "pin maps, programs and the XDP link under /sys/fs/bpf/netlord/<iface>/, then\n"
	 "run the agent in the foreground (logs on stderr) until SIGTERM/SIGINT.\n"
	 "The datapath keeps forwarding after the agent exits; a new `attach` re-adopts\n"
	 "the pinned state and VIFs.  --repo: http[s]://host[:port][/path] or host:port\n"
	 "(GET /v1/vlan-table), etcd://host:port[,...]/prefix (etcds://: over TLS),\n"
	 "or a file path (starting with / or .); --repo-ca: the CA bundle that signs\n"
	 "an https or etcds repository's certificates; --repo-cert, --repo-key: our\n"
	 "client certificate and key (etcd --client-cert-auth); with a plain http\n"
	 "repository they are refused.  --encap and\n"
	 "--tenant-bits default to ip and 16, or to the pinned state's values.\n"
	 "NL-ARP is authenticated (HMAC-SHA-256) with the keys of --key-file (default\n"
	 "/etc/netlord/nlarp.key: lines \"<key id> <hex secret>\", mode 0600, first key\n"
	 "signs, a second is accepted during a rotation; SIGHUP re-reads it).\n"
	 "--insecure-no-auth: no key, any fabric host can forge NL-ARP (warned).\n"
	 "--rx: the uplink receive path: xdp (before GRO), tc (after GRO, no XDP), or\n"
	 "auto (default): tc for gre or without native XDP, else xdp.\n"
	 "Settings come from " NA_CONFIG_DEFAULT " (if it exists; --config FILE\n"
	 "otherwise), the flags win over it; SIGHUP reads it again (docs/operations.md).\n"
	 "--metrics: Prometheus text exposition at http://ADDR:PORT/metrics.\n"
	 "--flood-rate, --flood-burst: each VIF's token bucket for broadcast/multicast\n"
	 "frames (default 1000 frames/s, burst 200; over it: counted drops, tx_flood_limited).\n"
	 "--nart-entries: VIFs each of NART-1 and NART-2 holds (16..16777216, default\n"
	 "131072: 3 MiB per table); a pinned datapath keeps its size (resizing needs\n"
	 "`detach`); inserts into a full table are refused and counted (docs/scale.md).\n"
	 "--nlarp-senders: other agents the NL-ARP replay table remembers (4..4194304,\n"
	 "default 16384, 56 B each; set it above the fleet's server count): a full\n"
	 "table forgets its oldest sender, counted (nlarp_replay_evicted).\n"
	 "--nart-tenants hosted: learn only the tenants with a VIF here; the others'\n"
	 "NL-ARP is dropped before authentication, a new tenant is learned by WHERE\n"
	 "(default all: every HERE, as the patent does).\n"
	 "Under systemd (Type=notify): READY=1 once LLDP named the location and the VLAN\n"
	 "table is loaded, WATCHDOG=1 every second when WatchdogSec= is set.\n",
	 attach_options, "v", run_attach, attach_opt, local_exit},
	{"config", "  config check [FILE]\n",
	 "usage: na-loader config check [FILE]\n"
	 "Check a configuration file (default " NA_CONFIG_DEFAULT "): every section,\n"
	 "every key and value.  Prints 'FILE: ok', or the first bad line and key.\n",
	 config_options, "", run_config, NULL, local_exit},
	{"detach", "  detach <iface>\n",
	 "usage: na-loader detach <iface>\n"
	 "Stop the agent if running, remove XDP, tc filters (uplink and VIFs),\n"
	 "pins and the server address.\n",
	 detach_options, "", run_detach, NULL, local_exit},
	{"vif",
	 "  vif add <ifname> --tenant T [--mac-as N] --mac M [--ip A[/len] [--router R]]\n"
	 "          [--ip6 A6[/len] ... [--router6 R6]] [--incoming-migration] [-i uplink]\n"
	 "  vif del <ifname> [-i uplink]\n"
	 "  vif list [-i uplink] [--json]\n",
	 "usage: na-loader vif add <ifname> --tenant T [--mac-as N] --mac M\n"
	 "                          [--ip A[/len] [--router R]]\n"
	 "                          [--ip6 A6[/len] ... [--router6 R6]]\n"
	 "                          [--incoming-migration] [-i uplink]\n"
	 "       na-loader vif del <ifname> [-i uplink]\n"
	 "       na-loader vif list [-i uplink] [--json]\n"
	 "add: attach the datapath to the VIF's host-side interface, set its MTU to the\n"
	 "uplink MTU minus the encapsulation overhead, and broadcast HERE.\n"
	 "--ip6 (up to 4, repeatable): the VIF's global or unique-local IPv6 addresses\n"
	 "with their prefix lengths; --router6: the virtual router's address on those\n"
	 "subnets (its link-local address is fe80::4e:4cff:fe52:1, docs/ipv6.md).\n"
	 "A VIF may have IPv4, IPv6, both or neither (L2-only).\n"
	 "When the tenants file in force (docs/tenants.md) defines the tenant, every\n"
	 "address must lie in one of its subnets (else refused, exit 4), and /len,\n"
	 "--router, --router6 and --mac-as may be left out: the subnet gives them (a\n"
	 "value that contradicts it is refused).  Otherwise /len is required and\n"
	 "--mac-as defaults to 0.\n"
	 "--incoming-migration: the destination of a live migration (before the source's\n"
	 "`vif del`): nothing is delivered to the VIF and no HERE is sent until the guest\n"
	 "first transmits on it (QEMU's announce after resume); `vif add` again without\n"
	 "the flag announces it at once.\n"
	 "del: detach and broadcast HERE with the GONE flag (other NAs delete their\n"
	 "entries; a lost GONE is repaired by NOT-HERE).  Needs the running agent.\n",
	 vif_options, "i:", run_vif, vif_opt, ctl_exit},
	{"status", "  status [-i uplink] [--json | --check]\n",
	 "usage: na-loader status [-i uplink] [--json | --check]\n"
	 "--check (a health check): prints one line; exit 0 if the agent runs, knows its\n"
	 "location and has its VLAN table, 6 if it runs but is not ready, 3 if no agent.\n",
	 status_options, "i:", run_status, status_opt, ctl_exit},
	{"stats", "  stats [-i uplink] [--json]\n", "usage: na-loader stats [-i uplink] [--json]\n",
	 report_options, "i:", run_status, common_opt, ctl_exit},
	{"nart",
	 "  nart [-i uplink] [--json]\n"
	 "  nart del --tenant T --mac-as N --mac M [-i uplink]     (debug)\n"
	 "  nart del --tenant T --ip A [-i uplink]                  (debug, NART-1)\n"
	 "  nart set --tenant T --mac-as N --mac M --switch S --port P [--version V] "
	 "(debug)\n",
	 "usage: na-loader nart [-i uplink] [--json]\n"
	 "       na-loader nart del --tenant T (--mac-as N --mac M | --ip A)\n"
	 "       na-loader nart set --tenant T --mac-as N --mac M --switch S --port P "
	 "[--version V]\n"
	 "Show NART-1 and NART-2; del/set edit the tables through the agent (debugging,\n"
	 "tests).\n",
	 nart_options, "i:", run_nart, nart_opt, ctl_exit},
	{"refresh", "  refresh [-i uplink]            re-fetch the VLAN table now\n",
	 "usage: na-loader refresh [-i uplink]\nRe-fetch the VLAN table now.\n", refresh_options,
	 "i:", run_refresh, common_opt, ctl_exit},
	{"monitor",
	 "  monitor [-i uplink] [--json] [--type drop|nlarp|vif|path|all]   live events\n",
	 "usage: na-loader monitor --help\n", NULL, NULL, run_monitor, NULL, ctl_exit},
	{"trace",
	 "  trace [-i uplink] (--vif <if> | --uplink) (<frame options> | --pcap F) [--json]\n",
	 "usage: na-loader trace --help\n", NULL, NULL, run_trace, NULL, trace_exit},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static void usage_main(FILE *f)
{
	fprintf(f, "usage: na-loader <verb> [options]\n"
		   "NetLord Network Agent: loads the eBPF datapath on an uplink and runs the "
		   "agent.\n\nverbs:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fputs(verbs[i].synopsis, f);
	fprintf(f,
		"\n`na-loader <verb> --help` describes each verb.  -i defaults to the only\n"
		"interface under /sys/fs/bpf/netlord/.\n\n%s",
		exit_codes);
}

static void usage_verb(const struct verb *v, FILE *f)
{
	fputs(v->help, f);
	if (v->run == run_status)
		fputs(report_help, f);
	fprintf(f, "\n%s", exit_codes);
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

/* parse the verb's options (argv[0] is the verb) and run it; 0 or -errno */
static int run_verb(const struct verb *v, int argc, char **argv)
{
	struct cli c = {.verb = v};
	struct na_request r;
	char shortopts[16];
	int o;

	request_init(&r, 0, &c);
	if (!v->opts)
		return v->run(&c, &r, argc, argv);
	snprintf(shortopts, sizeof(shortopts), "%sh", v->shortopts);
	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, shortopts, v->opts, NULL)) != -1) {
		int err;

		if (o == 'h') {
			usage_verb(v, stdout);
			return 0;
		}
		if (o == '?' || !v->opt)
			return usage_err(v, "bad option '%s'", argv[optind - 1]);
		err = v->opt(&c, &r, o, optarg);
		if (err)
			return err;
	}
	return v->run(&c, &r, argc - optind, argv + optind);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	const struct verb *v;

	if (!name || !strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage_main(name ? stdout : stderr);
		return name ? NA_EXIT_OK : NA_EXIT_USAGE;
	}
	v = find_verb(name);
	if (!v) {
		fprintf(stderr, "na-loader: unknown verb '%s'\n\n", name);
		usage_main(stderr);
		return NA_EXIT_USAGE;
	}
	nl_log_init("na-loader", NL_LOG_INFO);
	return v->exit(run_verb(v, argc - 1, argv + 1));
}

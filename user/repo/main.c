// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo: NetLord's configuration repository (docs/repository.md; patent
 * [0012]).  The verbs, their options and their handlers, in one table:
 *   na-repo gen fattree <k> [servers] | clique <n> [servers] | hyperx <a> <b> [servers]
 *   na-repo check-topo <topology>
 *   na-repo compile [options] -o <dir> <topology|->
 *   na-repo serve --listen <addr:port> <dir>
 *   na-repo check-table <vlan-table.txt>
 *   na-repo check-tenants <tenants.txt>
 *   na-repo publish --etcd <[etcds://]host:port[,...]> [--prefix P] [--grace S]
 *                   [--etcd-ca F] [--etcd-cert F] [--etcd-key F] <dir>
 * Exit codes: 0 success, 1 the verb failed (bad topology or table, I/O),
 * 2 a bad command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netlord.h"
#include "cli.h"
#include "compile.h"
#include "publish.h"
#include "serve.h"
#include "tenants_cmd.h"
#include "topo.h"
#include "topo_gen.h"
#include "vlan_table.h"

#define EXIT_USAGE 2

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (!f) {
		fprintf(stderr, "na-repo: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *nb = realloc(buf, cap * 2);

		if (!nb)
			free(buf);
		buf = nb;
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		fprintf(stderr, "na-repo: %s: out of memory\n", path);
	*len = n;
	return buf;
}

/* read and parse a topology file ("-": stdin): 0, or -errno with a message printed */
static int load_topo(const char *path, struct topo *t)
{
	char err[512];
	size_t len;
	char *buf = read_all(path, &len);
	int rc;

	if (!buf)
		return -EIO;
	rc = topo_parse(buf, len, strcmp(path, "-") ? path : "<stdin>", t, err, sizeof(err));
	free(buf);
	if (rc)
		fprintf(stderr, "na-repo: %s\n", err);
	return rc;
}

/* ---- gen ------------------------------------------------------------------------ */

static struct topo_gen_spec gen_spec;

static int gen_args(int argc, char **argv)
{
	char err[256];
	int rc = topo_gen_parse(argc, argv, &gen_spec, err, sizeof(err));

	if (rc)
		fprintf(stderr, "na-repo: %s\n", err);
	return rc;
}

static int gen_run(void)
{
	topo_gen_write(&gen_spec, stdout);
	return fflush(stdout) ? -EIO : 0;
}

/* ---- check-topo ---------------------------------------------------------------- */

static const char *check_path;

static int check_args(int argc, char **argv)
{
	check_path = argv[0];
	return 0;
}

static int check_topo_run(void)
{
	struct topo t;
	int rc = load_topo(check_path, &t);

	if (rc)
		return rc;
	printf("%s: %u switches (%u edge), %u links\n", check_path, t.nsw, t.nedge, t.nlink);
	topo_free(&t);
	return 0;
}

/* ---- compile ------------------------------------------------------------------- */

enum {
	OPT_RANDOM = 256,
	OPT_SEED,
	OPT_TRIES,
	OPT_SERIAL,
	OPT_FIRST_VLAN,
	OPT_BCAST_VLAN,
	OPT_STRETCH,
	OPT_LISTEN,
	OPT_TIMEOUT,
	OPT_MAX_CONNS,
	OPT_METRICS,
	OPT_ETCD,
	OPT_PREFIX,
	OPT_GRACE,
	OPT_TENANTS,
	OPT_ETCD_CA,
	OPT_ETCD_CERT,
	OPT_ETCD_KEY,
};

static const struct cli_opt compile_opts[] = {
	{NULL, 'k', "N", 0, "paths per pair of edge switches, 1..8 (default 4)"},
	{"stretch", OPT_STRETCH, "N", 0,
	 "reuse a VLAN's tree path if at most N links longer\n"
	 "than the shortest path, 0..16 (default 1)"},
	{"random", OPT_RANDOM, NULL, 0, "pack the pairs in random orders, keep the best"},
	{"seed", OPT_SEED, "S", 0, "--random: the seed, 0..2147483647 (default 0)"},
	{"tries", OPT_TRIES, "T", 0, "--random: how many orders, 1..10000 (default 8)"},
	{"serial", OPT_SERIAL, "N", 0, "the table's serial, a u64 (default: the time now)"},
	{"first-vlan", OPT_FIRST_VLAN, "V", 0,
	 "path VLAN IDs upwards from V, 2..4094 (default 10)"},
	{"broadcast-vlan", OPT_BCAST_VLAN, "V", 0, "the broadcast VLAN, 2..4094 (default 4094)"},
	{"out", 'o', "dir", 1, "write the output into this directory"},
	{"tenants", OPT_TENANTS, "file", 0,
	 "validate this tenants file and copy it to <dir>/tenants.txt\n"
	 "(docs/tenants.md); without it, a stale one is removed"},
	{0},
};

static struct compile_opts copt = {
	.k = 4,
	.stretch = 1,
	.tries = 8,
	.first_vlan = 10,
	.bcast_vlan = 4094,
};
static int have_serial;
static const char *tenants_src; /* compile --tenants */

static int set_serial(const char *arg)
{
	char *end;

	errno = 0;
	copt.serial = strtoull(arg, &end, 10);
	if (errno || *end || end == arg || arg[0] == '-') {
		fprintf(stderr, "na-repo: --serial must be a decimal u64\n");
		return -EINVAL;
	}
	have_serial = 1;
	return 0;
}

static int compile_opt(int key, const char *arg)
{
	long v = 0;
	int rc = 0;

	switch (key) {
	case 'k':
		rc = cli_num(arg, "-k", 1, NL_MAX_VLANS_PER_PAIR, &v);
		copt.k = (int)v;
		break;
	case OPT_RANDOM:
		copt.randomized = 1;
		break;
	case OPT_SEED:
		rc = cli_num(arg, "--seed", 0, 0x7fffffff, &v);
		copt.seed = (unsigned)v;
		break;
	case OPT_TRIES:
		rc = cli_num(arg, "--tries", 1, 10000, &v);
		copt.tries = (int)v;
		break;
	case OPT_SERIAL:
		return set_serial(arg);
	case OPT_FIRST_VLAN:
		rc = cli_num(arg, "--first-vlan", 2, 4094, &v);
		copt.first_vlan = (int)v;
		break;
	case OPT_BCAST_VLAN:
		rc = cli_num(arg, "--broadcast-vlan", 2, 4094, &v);
		copt.bcast_vlan = (int)v;
		break;
	case OPT_STRETCH:
		rc = cli_num(arg, "--stretch", 0, 16, &v);
		copt.stretch = (int)v;
		break;
	case 'o':
		copt.outdir = arg;
		break;
	case OPT_TENANTS:
		if (!strcmp(arg, "-")) {
			fprintf(stderr, "na-repo: --tenants needs a file, not stdin\n");
			return -EINVAL;
		}
		tenants_src = arg;
		break;
	}
	return rc;
}

static int compile_run(void)
{
	struct compile_result r;
	struct topo t;
	char err[512];
	int rc;

	if (!have_serial)
		copt.serial = (uint64_t)time(NULL);
	if (tenants_src && tenants_file_check(tenants_src)) /* before the long part */
		return -EINVAL;
	rc = load_topo(check_path, &t);
	if (rc)
		return rc;
	rc = repo_compile(&t, &copt, &r, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "na-repo: compile: %s\n", err);
		topo_free(&t);
		return rc;
	}
	rc = tenants_install(tenants_src, copt.outdir);
	if (rc) {
		topo_free(&t);
		return rc;
	}
	printf("switches %u edge %u links %u pairs %u paths %llu max-path-links %u\n", t.nsw,
	       t.nedge, t.nlink, r.npairs, (unsigned long long)r.npaths, r.max_path_len);
	printf("vlans %u lower-bound %u (pairs %u, forest %u) broadcast %d serial %llu\n", r.nvlans,
	       r.lower_bound, r.lb_pairs, r.lb_forest, copt.bcast_vlan,
	       (unsigned long long)copt.serial);
	printf("time %.0f ms (paths and packing %.0f ms) -> %s\n", r.ms_total, r.ms_paths,
	       copt.outdir);
	topo_free(&t);
	return 0;
}

/* ---- serve --------------------------------------------------------------------- */

static const struct cli_opt serve_opts[] = {
	{"listen", OPT_LISTEN, "addr:port", 1, "listen here (port 0: any, printed)"},
	{"timeout-ms", OPT_TIMEOUT, "MS", 0,
	 "per connection: for the whole request, then for\n"
	 "each write, 10..3600000 (default 5000)"},
	{"max-conns", OPT_MAX_CONNS, "N", 0,
	 "answer 503 above N open connections, 1..1000000\n(default 1024)"},
	{"metrics", OPT_METRICS, NULL, 0,
	 "also answer GET /metrics: Prometheus text format\n(docs/operations.md)"},
	{0},
};

static struct serve_opts sopt = {.timeout_ms = 5000, .max_conns = 1024};

static int serve_opt(int key, const char *arg)
{
	long v = 0;
	int rc = 0;

	switch (key) {
	case OPT_LISTEN:
		sopt.listen = arg;
		break;
	case OPT_TIMEOUT:
		rc = cli_num(arg, "--timeout-ms", 10, 3600000, &v);
		sopt.timeout_ms = (int)v;
		break;
	case OPT_MAX_CONNS:
		rc = cli_num(arg, "--max-conns", 1, 1000000, &v);
		sopt.max_conns = (int)v;
		break;
	case OPT_METRICS:
		sopt.metrics = 1;
		break;
	}
	return rc;
}

static int serve_args(int argc, char **argv)
{
	sopt.dir = argv[0];
	return 0;
}

static int serve_run(void)
{
	return repo_serve(&sopt);
}

/* ---- check-table --------------------------------------------------------------- */

static int check_table_run(void)
{
	struct nl_vlan_table vt;
	char err[256];
	size_t len;
	char *buf = read_all(check_path, &len);

	if (!buf)
		return -EIO;
	if (nl_vt_parse_any(buf, len, &vt, err, sizeof(err))) {
		fprintf(stderr, "na-repo: %s: %s\n", check_path, err);
		free(buf);
		return -EINVAL;
	}
	printf("%s: %sformat %u serial %llu broadcast %u switches %u rows %zu\n", check_path,
	       vt.row_only ? "row document, " : "", vt.format, (unsigned long long)vt.serial,
	       vt.broadcast_vlan, vt.nswitches, vt.nrows);
	nl_vt_free(&vt);
	free(buf);
	return 0;
}

/* ---- publish ------------------------------------------------------------------- */

static const struct cli_opt publish_opts[] = {
	{"etcd", OPT_ETCD, "host:port[,...]", 1,
	 "the etcd cluster's client endpoints; etcds://host:port[,...]\n"
	 "or https://host:port entries: over TLS"},
	{"etcd-ca", OPT_ETCD_CA, "FILE", 0,
	 "TLS: the PEM CA bundle that signs the members'\ncertificates (implies TLS)"},
	{"etcd-cert", OPT_ETCD_CERT, "FILE", 0,
	 "TLS: our PEM client certificate (etcd\n--client-cert-auth; implies TLS)"},
	{"etcd-key", OPT_ETCD_KEY, "FILE", 0, "TLS: its PEM key (default: in --etcd-cert)"},
	{"prefix", OPT_PREFIX, "P", 0, "the keys' prefix, /[A-Za-z0-9_./-]* (default /netlord)"},
	{"grace", OPT_GRACE, "S", 0,
	 "a superseded serial is removed by a publish S seconds\nor more later, "
	 "0..31536000 (default 60)"},
	{"timeout-ms", OPT_TIMEOUT, "MS", 0, "each request to etcd, 10..3600000 (default 10000)"},
	{0},
};

static struct publish_opts popt = {.prefix = "/netlord", .grace_s = 60, .timeout_ms = 10000};

static int publish_opt(int key, const char *arg)
{
	long v = 0;
	int rc = 0;

	switch (key) {
	case OPT_ETCD:
		popt.endpoints = arg;
		break;
	case OPT_ETCD_CA:
		popt.ca_file = arg;
		break;
	case OPT_ETCD_CERT:
		popt.cert_file = arg;
		break;
	case OPT_ETCD_KEY:
		popt.key_file = arg;
		break;
	case OPT_PREFIX:
		if (arg[0] != '/' || strlen(arg) > 200 ||
		    strspn(arg,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-") !=
			    strlen(arg)) {
			fprintf(stderr,
				"na-repo: --prefix must start with '/', [A-Za-z0-9_./-], at "
				"most 200 characters\n");
			return -EINVAL;
		}
		popt.prefix = arg;
		break;
	case OPT_GRACE:
		rc = cli_num(arg, "--grace", 0, 31536000, &v);
		popt.grace_s = v;
		break;
	case OPT_TIMEOUT:
		rc = cli_num(arg, "--timeout-ms", 10, 3600000, &v);
		popt.timeout_ms = (int)v;
		break;
	}
	return rc;
}

static int publish_args(int argc, char **argv)
{
	popt.dir = argv[0];
	return 0;
}

static int publish_run(void)
{
	return repo_publish(&popt);
}

/* ---- the verbs ----------------------------------------------------------------- */

static const struct cli_verb verbs[] = {
	{
		.name = "gen",
		.summary =
			"gen fattree <k> [servers-per-edge]   print a fat tree topology\n"
			"gen clique <n> [servers]             print a clique of n edge switches\n"
			"gen hyperx <a> <b> [servers]         print a 2-D HyperX a x b",
		.args = "fattree <k> [servers-per-edge] | clique <n> [servers] |\n"
			"                   hyperx <a> <b> [servers]",
		.help = "Print a generated topology on stdout: a fat tree of k pods (k even,\n"
			"2..254; k/2 servers per edge switch unless given), a clique of n edge\n"
			"switches (1..4096), or a 2-D HyperX of a x b edge switches (1..256 "
			"each);\n"
			"2 servers per switch unless given (1..255).",
		.min_args = 0,
		.max_args = -1,
		.set_args = gen_args,
		.run = gen_run,
	},
	{
		.name = "check-topo",
		.summary = "check-topo <topology|->              validate a topology",
		.args = "<topology|->",
		.help = "Parse and validate a topology (docs/repository.md, \"Topology format\");\n"
			"print its size, or the first error naming the line and element.",
		.min_args = 1,
		.max_args = 1,
		.set_args = check_args,
		.run = check_topo_run,
	},
	{
		.name = "compile",
		.summary = "compile [-k N] [--stretch N] [--random [--seed S] [--tries T]] "
			   "[--serial N]\n"
			   "        [--first-vlan V] [--broadcast-vlan V] -o <dir> <topology|->",
		.args = "[options] -o <dir> <topology|->",
		.help = "Compute up to k paths for every pair of edge switches, pack them into\n"
			"loop-free VLANs, add the broadcast VLAN, and write the VLAN table, one\n"
			"configuration per switch, the canonical topology, vlans.txt and\n"
			"summary.txt into <dir> (docs/repository.md); with --tenants, the\n"
			"validated tenants file as <dir>/tenants.txt (docs/tenants.md).",
		.opts = compile_opts,
		.min_args = 1,
		.max_args = 1,
		.set_opt = compile_opt,
		.set_args = check_args,
		.run = compile_run,
	},
	{
		.name = "serve",
		.summary = "serve --listen <addr:port> [--timeout-ms MS] [--max-conns N] "
			   "[--metrics] <dir>",
		.args = "--listen <addr:port> [options] <dir>",
		.help = "Serve <dir>/vlan-table.txt over HTTP/1.1 (GET /v1/vlan-table, and each\n"
			"edge switch's row: GET /v1/row/<mac>) and <dir>/tenants.txt if present\n"
			"(GET /v1/tenants) until SIGINT or SIGTERM; SIGHUP reloads them (the old\n"
			"ones are kept if the new ones do not parse).",
		.opts = serve_opts,
		.min_args = 1,
		.max_args = 1,
		.set_opt = serve_opt,
		.set_args = serve_args,
		.run = serve_run,
	},
	{
		.name = "check-table",
		.summary = "check-table <vlan-table.txt|row|->   validate a VLAN table or row "
			   "document",
		.args = "<vlan-table.txt|->",
		.help = "Parse and validate a VLAN table document, or one switch's row document\n"
			"(rows/<mac>; docs/vlan-table.md); print its serial, broadcast VLAN and "
			"size.",
		.min_args = 1,
		.max_args = 1,
		.set_args = check_args,
		.run = check_table_run,
	},
	{
		.name = "check-tenants",
		.summary = "check-tenants <tenants.txt|->        validate a tenants file",
		.args = "<tenants.txt|->",
		.help = "Parse and validate a tenants file: subnets, virtual routers, DHCP/RA\n"
			"settings and static routes per tenant (docs/tenants.md); print its\n"
			"size, or the first error naming the line.",
		.min_args = 1,
		.max_args = 1,
		.set_args = check_tenants_args,
		.run = check_tenants_run,
	},
	{
		.name = "publish",
		.summary = "publish --etcd <host:port[,...]> [--prefix P] [--grace S] <dir>\n"
			   "                                      write a compiled repository "
			   "into etcd",
		.args = "--etcd <host:port[,host:port...]> [options] <dir>",
		.help = "Write <dir>/vlan-table.txt's rows into etcd (v3 JSON gateway): every "
			"edge\n"
			"switch's row under <prefix>/serials/<serial>/rows/<mac> and\n"
			"<dir>/tenants.txt, if there is one, validated, as .../tenants\n"
			"(docs/tenants.md), then one transaction, conditional on\n"
			"<prefix>/current being unchanged, writes the serial's meta and points\n"
			"<prefix>/current at it.  Agents with\n"
			"--repo etcd://<host:port,...><prefix> watch that key.  Serials\n"
			"superseded --grace seconds ago or more are removed (docs/repository.md).\n"
			"TLS (etcd's --cert-file, --client-cert-auth): --etcd "
			"etcds://host:port,...\n"
			"or any of --etcd-ca/--etcd-cert/--etcd-key: every member over https,\n"
			"its certificate and name verified; plain http is then refused.",
		.opts = publish_opts,
		.min_args = 1,
		.max_args = 1,
		.set_opt = publish_opt,
		.set_args = publish_args,
		.run = publish_run,
	},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

int main(int argc, char **argv)
{
	const struct cli_verb *v;
	int rc;

	if (argc < 2) {
		cli_usage(verbs, NVERBS, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		cli_usage(verbs, NVERBS, stdout);
		return EXIT_SUCCESS;
	}
	v = cli_find(verbs, NVERBS, argv[1]);
	if (!v) {
		cli_usage(verbs, NVERBS, stderr);
		return EXIT_USAGE;
	}
	rc = cli_parse(v, argc - 1, argv + 1);
	if (rc == CLI_HELP)
		return EXIT_SUCCESS;
	if (rc < 0)
		return EXIT_USAGE;
	return v->run() < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

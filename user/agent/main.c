// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-loader: verb dispatch, --help, exit codes (docs/agent.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "agent.h"

static const char exit_codes[] =
	"Exit codes:\n"
	"  0  success\n"
	"  1  usage error (bad command line or request)\n"
	"  2  environment: not root, no BTF, no bpffs, interface missing, datapath load\n"
	"     or attach failed, another agent already running\n"
	"  3  no agent is running for that interface (start `na-loader attach <iface>`)\n"
	"  4  the agent refused the request (the message says why)\n"
	"  5  the agent stopped on an unrecoverable runtime error\n";

static void usage_main(FILE *f)
{
	fprintf(f,
		"usage: na-loader <verb> [options]\n"
		"NetLord Network Agent: loads the eBPF datapath on an uplink and runs the "
		"agent.\n\n"
		"verbs:\n"
		"  attach <iface> [--repo <url|file>] [--encap ip|udp] [--tenant-bits 16|24] [-v]\n"
		"  detach <iface>\n"
		"  vif add <ifname> --tenant T --mac-as N --mac M [--ip A/len [--router R]] [-i "
		"uplink]\n"
		"  vif del <ifname> [-i uplink]\n"
		"  vif list [-i uplink] [--json]\n"
		"  status [-i uplink] [--json]\n"
		"  nart [-i uplink] [--json]\n"
		"  nart del --tenant T --mac-as N --mac M [-i uplink]     (debug)\n"
		"  nart del --tenant T --ip A [-i uplink]                  (debug, NART-1)\n"
		"  nart set --tenant T --mac-as N --mac M --switch S --port P [--version V] "
		"(debug)\n"
		"  stats [-i uplink] [--json]\n"
		"  refresh [-i uplink]            re-fetch the VLAN table now\n\n"
		"`na-loader <verb> --help` describes each verb.  -i defaults to the only\n"
		"interface under /sys/fs/bpf/netlord/.\n\n%s",
		exit_codes);
}

static void usage_verb(const char *verb, FILE *f)
{
	if (!strcmp(verb, "attach"))
		fprintf(f, "usage: na-loader attach <iface> [--repo <url|file>] [--encap ip|udp]\n"
			   "                         [--tenant-bits 16|24] [-v|--verbose]\n"
			   "Load the datapath on the uplink <iface> (XDP native, generic with a "
			   "warning),\npin maps, programs and the XDP link under "
			   "/sys/fs/bpf/netlord/<iface>/, then\nrun the agent in the foreground "
			   "(logs on stderr) until SIGTERM/SIGINT.\nThe datapath keeps forwarding "
			   "after the agent exits; a new `attach` re-adopts\nthe pinned state and "
			   "VIFs.  --repo: http://host:port[/path] or host:port\n(GET "
			   "/v1/vlan-table), "
			   "or a file path (starting with / or .).  --encap and\n--tenant-bits "
			   "default to ip and 16, or to the pinned state's values.\n");
	else if (!strcmp(verb, "detach"))
		fprintf(f, "usage: na-loader detach <iface>\nStop the agent if running, remove "
			   "XDP, tc filters (uplink and VIFs),\npins and the server address.\n");
	else if (!strcmp(verb, "vif"))
		fprintf(f,
			"usage: na-loader vif add <ifname> --tenant T --mac-as N --mac M\n"
			"                          [--ip A/len [--router R]] [-i uplink]\n"
			"       na-loader vif del <ifname> [-i uplink]\n"
			"       na-loader vif list [-i uplink] [--json]\n"
			"add: attach the datapath to the VIF's host-side interface, set its MTU "
			"to the\nuplink MTU minus the encapsulation overhead, and broadcast HERE.\n"
			"del: detach and broadcast HERE with the GONE flag (other NAs delete "
			"their\n"
			"entries; a lost GONE is repaired by NOT-HERE).  Needs the running "
			"agent.\n");
	else if (!strcmp(verb, "nart"))
		fprintf(f, "usage: na-loader nart [-i uplink] [--json]\n"
			   "       na-loader nart del --tenant T (--mac-as N --mac M | --ip A)\n"
			   "       na-loader nart set --tenant T --mac-as N --mac M --switch S "
			   "--port P [--version V]\nShow NART-1 and NART-2; del/set edit the "
			   "pinned maps directly (debugging, tests).\n");
	else
		fprintf(f,
			"usage: na-loader %s [-i uplink] [--json]\n"
			"status: switch MAC, port, server address, encap, VLAN table, sizes "
			"(\"waiting for\nLLDP\" before the first LLDP frame).  stats: datapath "
			"drop-reason and per-VIF\ncounters, agent NL-ARP counters.  Works from "
			"the pinned maps if the agent is\nnot running (exit 0, agent fields "
			"missing).\n",
			verb);
	fprintf(f, "\n%s", exit_codes);
}

static bool want_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* the only attached interface, for -i's default */
static int default_iface(char *out, size_t len)
{
	FILE *p = popen("ls -1 " NA_PIN_ROOT " 2>/dev/null", "r");
	char line[64];
	int n = 0;

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = 0;
		if (!n)
			snprintf(out, len, "%s", line);
		n++;
	}
	pclose(p);
	return n == 1 ? 0 : -1;
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
	O_JSON,
	O_SWITCH,
	O_PORT,
	O_VERSION
};

static const struct option opts[] = {
	{"repo", required_argument, NULL, O_REPO},
	{"encap", required_argument, NULL, O_ENCAP},
	{"tenant-bits", required_argument, NULL, O_BITS},
	{"tenant", required_argument, NULL, O_TENANT},
	{"mac-as", required_argument, NULL, O_MACAS},
	{"mac", required_argument, NULL, O_MAC},
	{"ip", required_argument, NULL, O_IP},
	{"router", required_argument, NULL, O_ROUTER},
	{"json", no_argument, NULL, O_JSON},
	{"switch", required_argument, NULL, O_SWITCH},
	{"port", required_argument, NULL, O_PORT},
	{"version", required_argument, NULL, O_VERSION},
	{"iface", required_argument, NULL, 'i'},
	{"verbose", no_argument, NULL, 'v'},
	{NULL, 0, NULL, 0},
};

struct cli {
	const char *repo, *encap, *bits, *tenant, *mac_as, *mac, *ip, *router, *sw, *port, *version,
		*iface;
	bool json;
	int verbose;
	int npos;
	char *pos[4];
};

static int parse_cli(int argc, char **argv, struct cli *c)
{
	int o;

	memset(c, 0, sizeof(*c));
	optind = 1;
	while ((o = getopt_long(argc, argv, "i:v", opts, NULL)) != -1) {
		switch (o) {
		case O_REPO:
			c->repo = optarg;
			break;
		case O_ENCAP:
			c->encap = optarg;
			break;
		case O_BITS:
			c->bits = optarg;
			break;
		case O_TENANT:
			c->tenant = optarg;
			break;
		case O_MACAS:
			c->mac_as = optarg;
			break;
		case O_MAC:
			c->mac = optarg;
			break;
		case O_IP:
			c->ip = optarg;
			break;
		case O_ROUTER:
			c->router = optarg;
			break;
		case O_JSON:
			c->json = true;
			break;
		case O_SWITCH:
			c->sw = optarg;
			break;
		case O_PORT:
			c->port = optarg;
			break;
		case O_VERSION:
			c->version = optarg;
			break;
		case 'i':
			c->iface = optarg;
			break;
		case 'v':
			c->verbose++;
			break;
		default:
			return -1;
		}
	}
	for (; optind < argc; optind++) {
		if (c->npos == 4)
			return -1;
		c->pos[c->npos++] = argv[optind];
	}
	return 0;
}

static int err_usage(const char *verb, const char *msg)
{
	fprintf(stderr, "na-loader %s: %s (see `na-loader %s --help`)\n", verb, msg, verb);
	return NA_EXIT_USAGE;
}

static int cmd_attach(struct cli *c)
{
	static struct na_agent a;

	if (c->npos != 1)
		return err_usage("attach", "exactly one uplink interface expected");
	memset(&a, 0, sizeof(a));
	a.encap_mode = -1;
	a.tenant_bits = 0;
	if (c->encap) {
		if (!strcmp(c->encap, "ip"))
			a.encap_mode = NL_ENCAP_IP;
		else if (!strcmp(c->encap, "udp"))
			a.encap_mode = NL_ENCAP_UDP;
		else
			return err_usage("attach", "--encap must be ip or udp");
	}
	if (c->bits) {
		if (!strcmp(c->bits, "16"))
			a.tenant_bits = 16;
		else if (!strcmp(c->bits, "24"))
			a.tenant_bits = 24;
		else
			return err_usage("attach", "--tenant-bits must be 16 or 24");
	}
	if (c->repo)
		snprintf(a.repo, sizeof(a.repo), "%s", c->repo);
	na_log_level = NA_LOG_INFO + (c->verbose ? 1 : 0);
	{
		int rc = na_check_env(c->pos[0], &a.ifindex);
		bool encap_set = a.encap_mode >= 0, bits_set = a.tenant_bits > 0;

		if (rc)
			return rc;
		snprintf(a.ifname, sizeof(a.ifname), "%s", c->pos[0]);
		snprintf(a.pin_dir, sizeof(a.pin_dir), "%s/%s", NA_PIN_ROOT, a.ifname);
		snprintf(a.run_dir, sizeof(a.run_dir), "%s/%s", NA_RUN_ROOT, a.ifname);
		snprintf(a.sock_path, sizeof(a.sock_path), "%s/%s.sock", NA_RUN_ROOT, a.ifname);
		if (!encap_set)
			a.encap_mode = NL_ENCAP_IP;
		if (!bits_set)
			a.tenant_bits = NL_TENANT_BITS_16;
		/* na_agent_run re-derives "set" from these: keep the user's intent */
		if (!encap_set)
			a.encap_mode = -1;
		if (!bits_set)
			a.tenant_bits = 0;
		return na_agent_run(&a);
	}
}

static int cmd_detach(struct cli *c)
{
	int ifindex;

	if (c->npos != 1)
		return err_usage("detach", "exactly one uplink interface expected");
	if (geteuid() != 0) {
		fprintf(stderr, "na-loader detach: must run as root\n");
		return NA_EXIT_ENV;
	}
	(void)ifindex;
	if (na_ctl_request(c->pos[0], "quit", stdout) == 0) {
		/* wait for the agent to let go of its lock and socket */
		for (int i = 0; i < 50; i++) {
			char p[PATH_MAX];

			snprintf(p, sizeof(p), "%s/%s.sock", NA_RUN_ROOT, c->pos[0]);
			if (access(p, F_OK))
				break;
			usleep(100000);
		}
	}
	return na_detach(c->pos[0]);
}

static const char *iface_of(struct cli *c, char *buf, size_t len)
{
	if (c->iface)
		return c->iface;
	if (default_iface(buf, len))
		return NULL;
	return buf;
}

static int no_agent(const char *iface)
{
	fprintf(stderr, "na-loader: no agent is running for %s (start it: na-loader attach %s)\n",
		iface, iface);
	return NA_EXIT_NO_AGENT;
}

static int cmd_vif(struct cli *c)
{
	char ifb[64], line[512];
	const char *iface = iface_of(c, ifb, sizeof(ifb));
	int rc;

	if (c->npos < 1)
		return err_usage("vif", "add, del or list expected");
	if (!iface)
		return err_usage("vif", "cannot tell which uplink: use -i <uplink>");
	if (!strcmp(c->pos[0], "add")) {
		__u8 mac[6];
		__u32 x;
		__be32 ip;
		__u8 len;

		if (c->npos != 2 || !c->tenant || !c->mac_as || !c->mac)
			return err_usage("vif", "vif add <ifname> --tenant T --mac-as N --mac M");
		if (na_parse_u32(c->tenant, 2, NL_TENANT_MAX_24, &x))
			return err_usage("vif", "--tenant must be a number >= 2");
		if (na_parse_u32(c->mac_as, 0, 255, &x))
			return err_usage("vif", "--mac-as must be 0..255");
		if (na_parse_mac(c->mac, mac))
			return err_usage("vif", "--mac must be a unicast xx:xx:xx:xx:xx:xx");
		if (c->ip && na_parse_prefix(c->ip, &ip, &len))
			return err_usage("vif", "--ip must be A.B.C.D/len");
		if (c->router && (!c->ip || na_parse_ipv4(c->router, &ip)))
			return err_usage("vif", "--router must be A.B.C.D and needs --ip");
		snprintf(line, sizeof(line), "vif add %s %s %s %s %s %s", c->pos[1], c->tenant,
			 c->mac_as, c->mac, c->ip ? c->ip : "-", c->router ? c->router : "-");
	} else if (!strcmp(c->pos[0], "del")) {
		if (c->npos != 2)
			return err_usage("vif", "vif del <ifname>");
		snprintf(line, sizeof(line), "vif del %s", c->pos[1]);
	} else if (!strcmp(c->pos[0], "list")) {
		snprintf(line, sizeof(line), "vif list%s", c->json ? " json" : "");
	} else {
		return err_usage("vif", "add, del or list expected");
	}
	rc = na_ctl_request(iface, line, stdout);
	if (rc == -NA_EXIT_NO_AGENT) {
		struct na_maps m;

		/* the list is in the pinned map even without the agent */
		if (!strcmp(c->pos[0], "list") && !na_maps_open_pinned(iface, &m)) {
			na_show_vifs(stdout, &m, c->json);
			na_maps_close(&m);
			return 0;
		}
		return no_agent(iface);
	}
	return rc;
}

static int cmd_show(const char *verb, struct cli *c)
{
	char ifb[64], line[64];
	const char *iface = iface_of(c, ifb, sizeof(ifb));
	struct na_maps m;
	int rc;

	if (!iface)
		return err_usage(verb, "cannot tell which uplink: use -i <uplink>");
	snprintf(line, sizeof(line), "%s%s", verb, c->json ? " json" : "");
	rc = na_ctl_request(iface, line, stdout);
	if (rc != -NA_EXIT_NO_AGENT)
		return rc;
	if (geteuid() != 0) {
		fprintf(stderr, "na-loader %s: must run as root\n", verb);
		return NA_EXIT_ENV;
	}
	if (na_maps_open_pinned(iface, &m)) {
		fprintf(stderr,
			"na-loader %s: no datapath on %s (no pins in %s/%s): run "
			"`na-loader attach %s`\n",
			verb, iface, NA_PIN_ROOT, iface, iface);
		return NA_EXIT_NO_AGENT;
	}
	if (!strcmp(verb, "status"))
		na_show_status(stdout, &m, NULL, c->json);
	else if (!strcmp(verb, "stats"))
		na_show_stats(stdout, &m, NULL, c->json);
	else
		na_show_nart(stdout, &m, NULL, c->json);
	na_maps_close(&m);
	return 0;
}

/*
 * nart set/del (debug): checked here, carried out by the agent over the
 * control socket, since the agent is the only writer of the NARTs.
 */
static int cmd_nart_edit(struct cli *c)
{
	char ifb[64], line[256];
	const char *iface = iface_of(c, ifb, sizeof(ifb));
	__u8 mac[6];
	__be32 ip;
	__u32 tenant, x;
	int rc;

	if (!iface)
		return err_usage("nart", "cannot tell which uplink: use -i <uplink>");
	if (!c->tenant || na_parse_u32(c->tenant, 2, NL_TENANT_MAX_24, &tenant))
		return err_usage("nart", "--tenant T required");
	if (!strcmp(c->pos[0], "del") && c->ip) {
		if (na_parse_ipv4(c->ip, &ip))
			return err_usage("nart", "--ip A.B.C.D");
		snprintf(line, sizeof(line), "nart del %u ip %s", tenant, c->ip);
	} else {
		if (!c->mac_as || na_parse_u32(c->mac_as, 0, 255, &x) || !c->mac ||
		    na_parse_mac(c->mac, mac))
			return err_usage("nart", "--mac-as N --mac M required");
		if (!strcmp(c->pos[0], "del")) {
			snprintf(line, sizeof(line), "nart del %u %u %s", tenant, x, c->mac);
		} else {
			__u32 port;

			if (!c->sw || na_parse_mac(c->sw, mac) || !c->port ||
			    na_parse_u32(c->port, 1, 255, &port))
				return err_usage("nart", "--switch S --port P required");
			snprintf(line, sizeof(line), "nart set %u %u %s %s %u %llu", tenant, x,
				 c->mac, c->sw, port,
				 c->version ? strtoull(c->version, NULL, 10) : 1ULL);
		}
	}
	rc = na_ctl_request(iface, line, stdout);
	return rc == -NA_EXIT_NO_AGENT ? no_agent(iface) : rc;
}

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	struct cli c;

	if (!verb || !strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help")) {
		usage_main(verb ? stdout : stderr);
		return verb ? 0 : NA_EXIT_USAGE;
	}
	if (want_help(argc - 1, argv + 1)) {
		usage_verb(verb, stdout);
		return 0;
	}
	if (parse_cli(argc - 1, argv + 1, &c))
		return err_usage(verb, "bad option");
	if (!strcmp(verb, "attach"))
		return cmd_attach(&c);
	if (!strcmp(verb, "detach"))
		return cmd_detach(&c);
	if (!strcmp(verb, "vif"))
		return cmd_vif(&c);
	if (!strcmp(verb, "status") || !strcmp(verb, "stats") ||
	    (!strcmp(verb, "nart") && c.npos == 0))
		return cmd_show(verb, &c);
	if (!strcmp(verb, "nart") && (!strcmp(c.pos[0], "del") || !strcmp(c.pos[0], "set")))
		return cmd_nart_edit(&c);
	if (!strcmp(verb, "refresh")) {
		char ifb[64];
		const char *iface = iface_of(&c, ifb, sizeof(ifb));
		int rc;

		if (!iface)
			return err_usage(verb, "cannot tell which uplink: use -i <uplink>");
		rc = na_ctl_request(iface, "refresh", stdout);
		return rc == -NA_EXIT_NO_AGENT ? no_agent(iface) : rc;
	}
	fprintf(stderr, "na-loader: unknown verb '%s'\n\n", verb);
	usage_main(stderr);
	return NA_EXIT_USAGE;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * na-repo: the command line -- option parsing and help generated from the
 * verb table (see cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CLI_MAX_OPTS 32
#define CLI_KEY_HELP 'h'

static const struct cli_opt help_opt = {"help", CLI_KEY_HELP, NULL, 0, "show this help"};

/* a verb's options, with --help appended */
static size_t verb_opts(const struct cli_verb *v, const struct cli_opt **out)
{
	size_t n = 0;

	for (const struct cli_opt *o = v->opts; o && (o->name || o->key); o++)
		if (n < CLI_MAX_OPTS - 1)
			out[n++] = o;
	out[n++] = &help_opt;
	return n;
}

/* print the summary lines, each indented by two spaces */
static void print_indented(FILE *f, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");

		fprintf(f, "  %.*s\n", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

/* text whose lines after the first are indented by `indent` (no final newline) */
static void print_wrapped(FILE *f, const char *text, int indent)
{
	for (;;) {
		size_t n = strcspn(text, "\n");

		fprintf(f, "%.*s", (int)n, text);
		if (!text[n])
			return;
		fprintf(f, "\n%*s", indent, "");
		text += n + 1;
	}
}

void cli_usage(const struct cli_verb *verbs, size_t n, FILE *f)
{
	fprintf(f, "usage: na-repo <command> ...\n");
	for (size_t i = 0; i < n; i++)
		print_indented(f, verbs[i].summary);
	fprintf(f, "`na-repo <command> --help` describes a command and its options.\n");
}

void cli_verb_usage(const struct cli_verb *v, FILE *f)
{
	const struct cli_opt *opts[CLI_MAX_OPTS];
	size_t n = verb_opts(v, opts);

	fprintf(f, "usage: na-repo %s %s\n\n%s\n\noptions:\n", v->name, v->args, v->help);
	for (size_t i = 0; i < n; i++) {
		const struct cli_opt *o = opts[i];
		char left[64];
		int len = 0;

		if (o->key && o->key < 256)
			len += snprintf(left + len, sizeof(left) - len, "-%c%s", o->key,
					o->name ? ", " : "");
		if (o->name)
			len += snprintf(left + len, sizeof(left) - len, "--%s", o->name);
		if (o->arg)
			snprintf(left + len, sizeof(left) - len, " <%s>", o->arg);
		fprintf(f, "  %-24s ", left);
		print_wrapped(f, o->help, 27);
		fprintf(f, "%s\n", o->required ? " (required)" : "");
	}
}

const struct cli_verb *cli_find(const struct cli_verb *verbs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

/* getopt_long's tables for the options */
static void build_getopt(const struct cli_opt **opts, size_t n, struct option *lo, char *so)
{
	size_t nl = 0, ns = 0;

	for (size_t i = 0; i < n; i++) {
		int has_arg = opts[i]->arg ? required_argument : no_argument;

		if (opts[i]->name)
			lo[nl++] = (struct option){opts[i]->name, has_arg, NULL, opts[i]->key};
		if (opts[i]->key && opts[i]->key < 256) {
			so[ns++] = (char)opts[i]->key;
			if (has_arg == required_argument)
				so[ns++] = ':';
		}
	}
	lo[nl] = (struct option){0};
	so[ns] = 0;
}

int cli_parse(const struct cli_verb *v, int argc, char **argv)
{
	const struct cli_opt *opts[CLI_MAX_OPTS];
	size_t n = verb_opts(v, opts);
	int given[CLI_MAX_OPTS] = {0};
	struct option lo[CLI_MAX_OPTS + 1];
	char so[2 * CLI_MAX_OPTS + 1];
	int c, nargs;

	build_getopt(opts, n, lo, so);
	optind = 1;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		size_t i;

		if (c == CLI_KEY_HELP) {
			cli_verb_usage(v, stdout);
			return CLI_HELP;
		}
		for (i = 0; i < n && opts[i]->key != c; i++)
			;
		if (i == n) {
			cli_verb_usage(v, stderr);
			return -EINVAL;
		}
		given[i] = 1;
		if (!v->set_opt || v->set_opt(c, optarg))
			return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (opts[i]->required && !given[i]) {
			fprintf(stderr, "%s: option '--%s' is required\n", argv[0], opts[i]->name);
			cli_verb_usage(v, stderr);
			return -EINVAL;
		}
	nargs = argc - optind;
	if (nargs < v->min_args || (v->max_args >= 0 && nargs > v->max_args)) {
		fprintf(stderr, "%s: %s arguments\n", argv[0],
			nargs < v->min_args ? "missing" : "too many");
		cli_verb_usage(v, stderr);
		return -EINVAL;
	}
	return v->set_args ? v->set_args(nargs, argv + optind) : 0;
}

int cli_num(const char *s, const char *opt, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || *end || end == s || *v < lo || *v > hi) {
		fprintf(stderr, "na-repo: %s must be %ld..%ld, got '%s'\n", opt, lo, hi, s);
		return -EINVAL;
	}
	return 0;
}

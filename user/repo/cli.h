/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * na-repo: the command line.  Every verb is one entry of a table (struct
 * cli_verb): its name, its help, its own options (struct cli_opt) and its
 * handlers -- the design of xdp-tools' xdp-loader.  cli.c parses a verb's
 * options from its table and prints the help generated from the tables;
 * main.c holds the table and the handlers, and maps results to exit codes.
 */
#ifndef NA_REPO_CLI_H
#define NA_REPO_CLI_H

#include <stddef.h>
#include <stdio.h>

#define CLI_HELP 1 /* cli_parse(): --help was given and answered */

struct cli_opt {
	const char *name; /* long option, or NULL */
	int key;	  /* the short option's letter, or >= 256 for a long-only option */
	const char *arg;  /* the argument's name; NULL: the option takes none */
	int required;
	const char *help;
};

struct cli_verb {
	const char *name;
	const char *summary;	    /* its lines in `na-repo --help` */
	const char *args;	    /* after "usage: na-repo <name> " */
	const char *help;	    /* what the verb does */
	const struct cli_opt *opts; /* ends with an entry without name and key */
	int min_args, max_args;	    /* positional arguments; max -1: any number */
	/* store an option's value: 0, or -EINVAL with a message printed */
	int (*set_opt)(int key, const char *arg);
	/* check and store the positional arguments: 0, or -EINVAL with a message printed */
	int (*set_args)(int argc, char **argv);
	/* do it: 0, or -errno with a message printed */
	int (*run)(void);
};

/* `na-repo --help`: every verb's summary */
void cli_usage(const struct cli_verb *verbs, size_t n, FILE *f);
/* `na-repo <verb> --help`: usage, description, options */
void cli_verb_usage(const struct cli_verb *v, FILE *f);
const struct cli_verb *cli_find(const struct cli_verb *verbs, size_t n, const char *name);

/*
 * Parse the verb's command line (argv[0] is the verb): options through
 * v->set_opt, then the positional arguments through v->set_args.  Returns 0,
 * CLI_HELP (help printed on stdout), or -EINVAL (a message and, for an
 * unknown option or missing argument, the verb's usage printed on stderr).
 */
int cli_parse(const struct cli_verb *v, int argc, char **argv);

/* "123" within lo..hi into *v: 0, or -EINVAL with "na-repo: <opt> must be lo..hi" */
int cli_num(const char *s, const char *opt, long lo, long hi, long *v);

#endif

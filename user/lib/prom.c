// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Prometheus text exposition 0.0.4 writer (prom.h): HELP/TYPE headers and
 * samples with escaped labels, for the agent's and the repository's
 * /metrics (operations view of patent Fig. 3 and [0036]).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

static bool name_ok(const char *s, bool colon)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || (colon && c == ':')))
			return false;
	}
	return true;
}

bool prom_valid_metric_name(const char *s)
{
	return name_ok(s, true);
}

bool prom_valid_label_name(const char *s)
{
	/* names starting with __ are reserved for Prometheus itself */
	return name_ok(s, false) && strncmp(s, "__", 2);
}

bool prom_escape_label(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in; in++) {
		const char *rep = NULL;
		size_t n;

		if (*in == '\\')
			rep = "\\\\";
		else if (*in == '"')
			rep = "\\\"";
		else if (*in == '\n')
			rep = "\\n";
		n = rep ? 2 : 1;
		if (o + n >= len)
			return false;
		if (rep)
			memcpy(out + o, rep, 2);
		else
			out[o] = *in;
		o += n;
	}
	if (o >= len)
		return false;
	out[o] = '\0';
	return true;
}

int prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	if (!prom_valid_metric_name(name) ||
	    (strcmp(type, "counter") && strcmp(type, "gauge") && strcmp(type, "untyped")))
		return -EINVAL;
	fprintf(f, "# HELP %s ", name);
	/* HELP escapes only the backslash and the newline */
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fprintf(f, "\n# TYPE %s %s\n", name, type);
	return 0;
}

/* name{labels} into a temporary buffer first, so a bad label writes nothing */
static int sample_head(char *buf, size_t len, const char *name, va_list ap)
{
	const char *k;
	size_t o;
	int n = 0;

	if (!prom_valid_metric_name(name))
		return -EINVAL;
	o = (size_t)snprintf(buf, len, "%s", name);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		char esc[512];
		int w;

		if (!prom_valid_label_name(k) || !v || !prom_escape_label(v, esc, sizeof(esc)))
			return -EINVAL;
		w = snprintf(buf + o, len - o, "%s%s=\"%s\"", n++ ? "," : "{", k, esc);
		if (w < 0 || (size_t)w >= len - o)
			return -EINVAL;
		o += (size_t)w;
	}
	if (n) {
		if (o + 2 > len)
			return -EINVAL;
		buf[o++] = '}';
		buf[o] = '\0';
	}
	return 0;
}

int prom_u64(FILE *f, const char *name, __u64 v, ...)
{
	char head[2048];
	va_list ap;
	int err;

	va_start(ap, v);
	err = sample_head(head, sizeof(head), name, ap);
	va_end(ap);
	if (!err)
		fprintf(f, "%s %llu\n", head, (unsigned long long)v);
	return err;
}

int prom_double(FILE *f, const char *name, double v, ...)
{
	char head[2048];
	va_list ap;
	int err;

	va_start(ap, v);
	err = sample_head(head, sizeof(head), name, ap);
	va_end(ap);
	if (err)
		return err;
	if (isnan(v))
		fprintf(f, "%s NaN\n", head);
	else if (isinf(v))
		fprintf(f, "%s %sInf\n", head, v > 0 ? "+" : "-");
	else {
		/* the shortest of 15..17 digits that reads back as @v */
		char num[32];

		for (int prec = 15; prec <= 17; prec++) {
			snprintf(num, sizeof(num), "%.*g", prec, v);
			if (strtod(num, NULL) == v)
				break;
		}
		fprintf(f, "%s %s\n", head, num);
	}
	return 0;
}

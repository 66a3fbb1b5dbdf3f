/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* /proc/meminfo readings for the memory benchmarks. */
#ifndef NL_TEST_MEMINFO_H
#define NL_TEST_MEMINFO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the value of one /proc/meminfo field in kB, -1 if absent */
static inline long long meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)) && line[strlen(field)] == ':')
			v = atoll(line + strlen(field) + 1);
	if (f)
		fclose(f);
	return v;
}

#endif

/*
 * tcp_persona - benchmark helpers: clock, medians, a seeded PRNG, test
 * User-Agents
 *
 * Copyright (C) 2026 tcp_persona authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TP_BENCH_UTIL_H
#define TP_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median of n values (sorts them) */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* xorshift64*: the same sequence on every run */
static inline uint64_t bench_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* up to max lines of path into uas (copies); a stock User-Agent when the
 * file is missing or empty. \return how many */
static inline int bench_load_uas(const char *path, char **uas, int max)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	int n = 0;

	while(f && n < max && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		uas[n++] = strdup(buf);
	}
	if(f)
		fclose(f);
	if(n == 0)
		uas[n++] = "SM-S918B-S918BXXU3BWK6 Samsung IMS 6.0";
	return n;
}

#endif

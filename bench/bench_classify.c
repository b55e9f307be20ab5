/*
 * tcp_persona - benchmark: classifying User-Agents
 *
 * Copyright (C) 2026 tcp_persona authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * 1,000,000 draws (Zipf-like, s = 1) from a corpus of distinct User-Agents,
 * classified by 60 rules in four ways, side by side, alternating rounds:
 *   (a) the module's matcher as the module uses it: PCRE2 JIT + its cache
 *   (b) the same matcher, cache off
 *   (c) the rules as a chain of POSIX regexec() calls: what a chain of
 *       if ($ua =~ "...") costs in kamailio.cfg today
 *   (d) PCRE2 without JIT
 * All four must agree on the rule of every User-Agent. Prints ns per
 * classification (median of the rounds) and the ratios to (c).
 */

#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "tp_cache.h"
#include "tp_match.h"
#include "tp_rules.h"

#include "bench_util.h"

#define BENCH_DRAWS 1000000
#define BENCH_MAX_UA 4096

static char *uas[BENCH_MAX_UA];
static size_t ua_len[BENCH_MAX_UA];
static int n_uas;
static int *draws;

static tp_ruleset_t rs;
static regex_t posix[256];
static pcre2_code *nojit[256];
static pcre2_match_data *md;
static pcre2_match_context *mctx;

static int load_rule(void *arg, int lineno, const char *line, size_t len)
{
	char err[256];
	tp_rule_spec_t spec;

	(void)arg;
	if(tp_rule_parse(line, len, &spec, err, sizeof(err)) < 0
			|| tp_ruleset_add(&rs, &spec, 1, "bench", err, sizeof(err)) < 0) {
		fprintf(stderr, "rule line %d: %s\n", lineno, err);
		return -1;
	}
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = malloc(1 << 20);

	if(f == NULL || buf == NULL) {
		perror(path);
		exit(2);
	}
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void load(const char *rules_path, const char *ua_path)
{
	char *text, *line, *save = NULL;
	size_t len;
	int i, ec;
	PCRE2_SIZE off;

	if(tp_ruleset_init(&rs, TP_UA_MAX_LEN_DEFAULT, TP_MATCH_LIMIT_DEFAULT,
			   TP_DEPTH_LIMIT_DEFAULT)
			< 0)
		exit(2);
	text = slurp(rules_path, &len);
	if(tp_rules_text_each(text, len, load_rule, NULL) < 0)
		exit(2);
	free(text);
	for(i = 0; i < rs.count; i++) {
		/* the flags of kamailio.cfg's =~ (core/rvalue.c) */
		if(regcomp(&posix[i], rs.rules[i].regex,
				   REG_EXTENDED | REG_NOSUB | REG_ICASE)) {
			fprintf(stderr, "rule %s: not POSIX ERE\n", rs.rules[i].name);
			exit(2);
		}
		nojit[i] = pcre2_compile((PCRE2_SPTR)rs.rules[i].regex,
				rs.rules[i].regex_len, PCRE2_NEVER_UTF, &ec, &off, NULL);
		if(nojit[i] == NULL)
			exit(2);
	}
	md = pcre2_match_data_create(1, NULL);
	mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mctx, TP_MATCH_LIMIT_DEFAULT);
	pcre2_set_depth_limit(mctx, TP_DEPTH_LIMIT_DEFAULT);
	text = slurp(ua_path, &len);
	for(line = strtok_r(text, "\n", &save); line && n_uas < BENCH_MAX_UA;
			line = strtok_r(NULL, "\n", &save)) {
		uas[n_uas] = line;
		ua_len[n_uas++] = strlen(line);
	}
}

/* draw i has rank r with probability proportional to 1/(r+1) */
static void make_draws(void)
{
	double *cdf = malloc(sizeof(double) * (size_t)n_uas), sum = 0, u;
	uint64_t seed = 0x5eed2026;
	int i, lo, hi, mid;

	for(i = 0; i < n_uas; i++)
		cdf[i] = (sum += 1.0 / (i + 1));
	draws = malloc(sizeof(int) * BENCH_DRAWS);
	for(i = 0; i < BENCH_DRAWS; i++) {
		u = (double)(bench_rand(&seed) >> 11) / 9007199254740992.0 * sum;
		for(lo = 0, hi = n_uas - 1; lo < hi;) {
			mid = (lo + hi) / 2;
			if(cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		draws[i] = lo;
	}
	free(cdf);
}

/* as kamailio.cfg evaluates if ($ua =~ "...") chains: each test reads the
 * header value into a NUL-terminated buffer and runs regexec() */
static int by_posix(int u)
{
	static char buf[TP_UA_MAX_LEN_DEFAULT + 1];
	size_t n = ua_len[u] < TP_UA_MAX_LEN_DEFAULT ? ua_len[u]
												 : TP_UA_MAX_LEN_DEFAULT;
	int i;

	for(i = 0; i < rs.count; i++) {
		memcpy(buf, uas[u], n);
		buf[n] = '\0';
		if(regexec(&posix[i], buf, 0, NULL, 0) == 0)
			return i;
	}
	return -1;
}

static int by_nojit(int u)
{
	int i;

	for(i = 0; i < rs.count; i++) {
		if(pcre2_match(nojit[i], (PCRE2_SPTR)uas[u], ua_len[u], 0, PCRE2_NO_JIT,
				   md, mctx)
				>= 0)
			return i;
	}
	return -1;
}

static int by_jit(int u)
{
	tp_class_t c;

	tp_ruleset_match(&rs, uas[u], ua_len[u], &c);
	return c.rule;
}

static tp_cache_t cache;

static int by_cache(int u)
{
	tp_class_t c;

	tp_classify(&rs, &cache, uas[u], ua_len[u], &c);
	return c.rule;
}

/* the worst single classification of hostile User-Agents, on the module's
 * default limits, with a catastrophic-backtracking rule added */
static void hostile(void)
{
	static char big[65536];
	const char *spec_text = "name=evil;mode=dialog;ua=^(a|aa)+$";
	struct
	{
		const char *what;
		size_t len;
	} cases[3];
	tp_rule_spec_t spec;
	tp_class_t c;
	char err[256];
	double worst, t0, dt;
	int k, i;

	if(tp_rule_parse(spec_text, strlen(spec_text), &spec, err, sizeof(err)) < 0
			|| tp_ruleset_add(&rs, &spec, 1, "hostile", err, sizeof(err)) < 0)
		return;
	memset(big, 'a', 400);
	big[400] = '!';
	cases[0].what = "400 x 'a' + '!' against ^(a|aa)+$";
	cases[0].len = 401;
	for(i = 0; i < (int)sizeof(big); i++)
		big[401 + i % (sizeof(big) - 401)] = (char)(i * 37);
	cases[1].what = "64 kB of binary (NUL, invalid UTF-8) after it";
	cases[1].len = sizeof(big);
	cases[2].what = "64 kB, matched on its ua_max_len prefix";
	cases[2].len = sizeof(big);
	for(k = 0; k < 3; k++) {
		if(k == 2)
			memset(big, 'S', 16);
		worst = 0;
		for(i = 0; i < 200; i++) {
			t0 = bench_now();
			tp_ruleset_match(&rs, big, cases[k].len, &c);
			dt = bench_now() - t0;
			if(dt > worst)
				worst = dt;
		}
		printf("hostile: %-48s worst %7.1f us (%s) (target < 1 ms: %s)\n",
				cases[k].what, worst * 1e6,
				c.status == TP_MATCH_LIMIT ? "PCRE2 limit: default mode"
				: c.status == TP_MATCH_HIT ? "matched"
										   : "no match",
				worst < 1e-3 ? "met" : "MISSED");
	}
}

typedef int (*method_f)(int u);

static const struct
{
	const char *name;
	method_f f;
	int draws; /* the first n draws of the sequence */
} methods[] = {
		{"(a) module: PCRE2 JIT + cache", by_cache, BENCH_DRAWS},
		{"(b) module, cache off", by_jit, 200000},
		{"(c) POSIX regexec chain", by_posix, 20000},
		{"(d) PCRE2 without JIT", by_nojit, 50000},
};
#define N_METHODS 4

static volatile int sink;

int main(int argc, char **argv)
{
	int rounds = argc > 3 ? atoi(argv[3]) : 5, r, m, i, bad = 0, unmatched = 0;
	int hits[256] = {0};
	double t[N_METHODS][64], ns[N_METHODS], t0;

	if(argc < 3) {
		fprintf(stderr, "usage: %s RULES USER_AGENTS [ROUNDS]\n", argv[0]);
		return 2;
	}
	if(rounds < 1 || rounds > 64)
		rounds = 5;
	load(argv[1], argv[2]);
	make_draws();
	/* the four must agree before any of them is timed */
	for(i = 0; i < n_uas; i++) {
		int a = by_jit(i), c = by_posix(i), d = by_nojit(i);

		if(a != c || a != d) {
			fprintf(stderr, "disagree on [%s]: %d %d %d\n", uas[i], a, c, d);
			bad++;
		}
		if(a >= 0)
			hits[a]++;
		else
			unmatched++;
	}
	for(i = 0, m = 0; i < rs.count; i++)
		m += hits[i] > 0;
	printf("corpus: %d User-Agents, %d rules (%d of them match some), %d"
		   " User-Agents unmatched; %d draws, Zipf s=1; %d rounds, methods"
		   " alternating\n",
			n_uas, rs.count, m, unmatched, BENCH_DRAWS, rounds);
	if(bad) {
		printf("FAILED: %d User-Agents classified differently\n", bad);
		return 1;
	}
	for(r = 0; r < rounds; r++) {
		for(m = 0; m < N_METHODS; m++) {
			if(m == 0) {
				tp_cache_free(&cache);
				tp_cache_init(&cache, 1024); /* the module's default */
			}
			t0 = bench_now();
			for(i = 0; i < methods[m].draws; i++)
				sink += methods[m].f(draws[i]);
			t[m][r] = (bench_now() - t0) / methods[m].draws * 1e9;
		}
	}
	for(m = 0; m < N_METHODS; m++)
		ns[m] = bench_median(t[m], rounds);
	printf("%-34s %12s %10s %12s\n", "method", "ns/classif.", "draws",
			"(c) / this");
	for(m = 0; m < N_METHODS; m++)
		printf("%-34s %12.1f %10d %11.1fx\n", methods[m].name, ns[m],
				methods[m].draws, ns[2] / ns[m]);
	hostile();
	printf("target (a) >= 50x (c): %s (%.1fx)\n",
			ns[2] / ns[0] >= 50 ? "met" : "MISSED", ns[2] / ns[0]);
	printf("target (b) >= 5x (c): %s (%.1fx)\n",
			ns[2] / ns[1] >= 5 ? "met" : "MISSED", ns[2] / ns[1]);
	return 0;
}

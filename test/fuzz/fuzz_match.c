/*
 * tcp_persona - libFuzzer target: classifying a User-Agent (any bytes)
 * with a realistic rule set plus a catastrophic-backtracking rule, through
 * the first-byte index and the cache. The answer must be the same as
 * trying every rule in order, and a limit is an answer, not a crash.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tp_cache.h"
#include "tp_match.h"
#include "tp_rules.h"

static const char *rules[] = {
		"name=samsung;mode=dialog;ua=^SM-[A-Z][0-9]{3}[A-Z]?-[A-Z0-9]+ Samsung IMS",
		"name=apple;mode=reuse;ua=^(iOS/|iPhone OS/)1[5-9]\\.",
		"name=pixel;mode=transaction;ua=^Google_Pixel[0-9]+[a-z]*_Android",
		"name=caseless;mode=dialog;ua=(?i)^xiaomi",
		"name=evil;mode=dialog;ua=^(a|aa)+$",
		"name=nested;mode=none;ua=^(x+x+)+y",
		"name=empty;mode=reuse;ua=^$",
		"name=android;mode=transaction;ua=Android ?[0-9]+",
		NULL};

static tp_ruleset_t rs;
static tp_cache_t cache;

static int setup(void)
{
	tp_rule_spec_t spec;
	char err[256];
	int i;

	if(tp_ruleset_init(&rs, TP_UA_MAX_LEN_DEFAULT, 10000, 1000) < 0
			|| tp_cache_init(&cache, 64) < 0)
		return -1;
	for(i = 0; rules[i]; i++) {
		if(tp_rule_parse(rules[i], strlen(rules[i]), &spec, err, sizeof(err))
						< 0
				|| tp_ruleset_add(&rs, &spec, 1, "fuzz", err, sizeof(err)) < 0)
			return -1;
	}
	return 0;
}

/* every rule in order, on the prefix the matcher looks at */
static int oracle(const uint8_t *ua, size_t len, int *limit)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int i, rc, found = -1;

	*limit = 0;
	if(len > rs.ua_max_len)
		len = rs.ua_max_len;
	for(i = 0; i < rs.count && found < 0; i++) {
		rc = pcre2_match(rs.rules[i].code, ua, len, 0, 0, md, rs.mctx);
		if(rc >= 0)
			found = i;
		else if(rc != PCRE2_ERROR_NOMATCH) {
			*limit = 1;
			break;
		}
	}
	pcre2_match_data_free(md);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	tp_class_t a, b;
	int limit, want;

	if(!ready) {
		if(setup() < 0)
			__builtin_trap();
		ready = 1;
	}
	tp_ruleset_match(&rs, (const char *)data, size, &a);
	tp_classify(&rs, &cache, (const char *)data, size, &b); /* cached */
	if(a.rule != b.rule || a.status != b.status)
		__builtin_trap();
	want = oracle(data, size, &limit);
	if(!limit && a.status != TP_MATCH_LIMIT && a.rule != want)
		__builtin_trap();
	if(a.status == TP_MATCH_HIT && a.mode != rs.rules[a.rule].mode)
		__builtin_trap();
	if(a.status != TP_MATCH_HIT && a.mode != rs.default_mode)
		__builtin_trap();
	return 0;
}

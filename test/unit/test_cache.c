/*
 * tcp_persona - unit tests: the classification cache
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tp_cache.h"
#include "unit.h"

static tp_ruleset_t rs;
static tp_cache_t cache;

static void add_ok(const char *text)
{
	char err[TP_ERR_LEN] = "";
	tp_rule_spec_t s;

	ck_assert_int_eq(
			tp_rule_parse(text, strlen(text), &s, err, sizeof(err)), 0);
	ck_assert_msg(tp_ruleset_add(&rs, &s, 0, "rule", err, sizeof(err)) == 0,
			"%s", err);
}

static void setup(void)
{
	ck_assert_int_eq(tp_ruleset_init(&rs, 64, TP_MATCH_LIMIT_DEFAULT,
							 TP_DEPTH_LIMIT_DEFAULT),
			0);
	add_ok("name=samsung;mode=dialog;ua=Samsung IMS");
	add_ok("name=apple;mode=reuse;ua=^iOS/");
	ck_assert_int_eq(tp_cache_init(&cache, 8), 0);
}

static void teardown(void)
{
	tp_cache_free(&cache);
	tp_ruleset_free(&rs);
}

static tp_class_t classify(const char *ua)
{
	tp_class_t c;

	tp_classify(&rs, &cache, ua, strlen(ua), &c);
	return c;
}

START_TEST(test_cache_hit_gives_same_answer)
{
	tp_class_t a, b;

	a = classify("SM-S916U1 Samsung IMS 6.0");
	ck_assert_uint_eq(cache.misses, 1);
	ck_assert_uint_eq(cache.hits, 0);
	b = classify("SM-S916U1 Samsung IMS 6.0");
	ck_assert_uint_eq(cache.hits, 1);
	ck_assert_int_eq(a.rule, 0);
	ck_assert_int_eq(b.rule, 0);
	ck_assert_int_eq(b.mode, TP_MODE_DIALOG);
	ck_assert_int_eq(b.status, TP_MATCH_HIT);

	a = classify("Xiaomi__Android_12");
	b = classify("Xiaomi__Android_12");
	ck_assert_uint_eq(cache.hits, 2);
	ck_assert_int_eq(b.rule, -1);
	ck_assert_int_eq(b.status, TP_MATCH_MISS);
	ck_assert_int_eq(b.mode, TP_MODE_NONE);
}
END_TEST

/* the match and the cached answer both say the rule is observe-only */
START_TEST(test_cache_carries_observe)
{
	tp_class_t a, b;

	add_ok("name=trial;mode=transaction;observe=1;ua=^Trial/");
	a = classify("Trial/2.1");
	b = classify("Trial/2.1");
	ck_assert_uint_eq(cache.hits, 1);
	ck_assert_int_eq(a.mode, TP_MODE_TRANSACTION);
	ck_assert_int_eq(a.observe, 1);
	ck_assert_int_eq(b.mode, TP_MODE_TRANSACTION);
	ck_assert_int_eq(b.observe, 1);
	b = classify("SM-S916U1 Samsung IMS 6.0");
	ck_assert_int_eq(b.observe, 0);
	b = classify("Xiaomi__Android_12");
	ck_assert_int_eq(b.observe, 0);
}
END_TEST

START_TEST(test_cache_default_mode_follows_set)
{
	tp_class_t c;

	classify("Xiaomi__Android_12");
	rs.default_mode = TP_MODE_REUSE;
	c = classify("Xiaomi__Android_12");
	ck_assert_uint_eq(cache.hits, 1);
	ck_assert_int_eq(c.mode, TP_MODE_REUSE);
}
END_TEST

START_TEST(test_cache_invalidated_when_rules_change)
{
	tp_class_t c;

	c = classify("Google_Pixel8");
	ck_assert_int_eq(c.rule, -1);
	add_ok("name=pixel;mode=transaction;ua=Pixel");
	c = classify("Google_Pixel8");
	ck_assert_uint_eq(cache.hits, 0);
	ck_assert_uint_eq(cache.misses, 2);
	ck_assert_int_eq(c.rule, 2);
	ck_assert_int_eq(c.mode, TP_MODE_TRANSACTION);
}
END_TEST

START_TEST(test_cache_is_bounded_and_evicts_lru)
{
	tp_cache_t one; /* one set of TP_CACHE_WAYS ways */
	static const char *ua[] = {"ua-A", "ua-B", "ua-C", "ua-D", "ua-E"};
	tp_class_t c;
	int i;

	ck_assert_int_eq(tp_cache_init(&one, 1), 0);
	ck_assert_uint_eq(tp_cache_capacity(&one), TP_CACHE_WAYS);
	for(i = 0; i < 4; i++)
		tp_classify(&rs, &one, ua[i], 4, &c);
	tp_classify(&rs, &one, ua[0], 4, &c); /* A is now the most recent */
	ck_assert_uint_eq(one.hits, 1);
	tp_classify(&rs, &one, ua[4], 4, &c); /* E evicts B, the LRU */
	ck_assert_uint_eq(one.misses, 5);
	for(i = 0; i < TP_CACHE_WAYS; i++)
		ck_assert_msg(one.e[i].ua == NULL || memcmp(one.e[i].ua, "ua-B", 4),
				"B should have been evicted");
	tp_classify(&rs, &one, ua[0], 4, &c);
	tp_classify(&rs, &one, ua[2], 4, &c);
	tp_classify(&rs, &one, ua[3], 4, &c);
	tp_classify(&rs, &one, ua[4], 4, &c);
	ck_assert_uint_eq(one.hits, 5);
	tp_classify(&rs, &one, ua[1], 4, &c);
	ck_assert_uint_eq(one.misses, 6);
	tp_cache_free(&one);
}
END_TEST

START_TEST(test_cache_key_is_the_examined_prefix)
{
	char a[100], b[100];
	tp_class_t c;

	/* ua_max_len is 64 here: UAs equal on 64 bytes are one entry */
	memset(a, 'z', sizeof(a));
	memset(b, 'z', sizeof(b));
	memcpy(a + 80, "iOS/", 4);
	tp_classify(&rs, &cache, a, sizeof(a), &c);
	tp_classify(&rs, &cache, b, sizeof(b), &c);
	ck_assert_uint_eq(cache.hits, 1);
	ck_assert_int_eq(c.rule, -1);
}
END_TEST

START_TEST(test_cache_disabled)
{
	tp_cache_t off;
	tp_class_t c;

	ck_assert_int_eq(tp_cache_init(&off, 0), 0);
	ck_assert_uint_eq(tp_cache_capacity(&off), 0);
	tp_classify(&rs, &off, "iOS/17 iPhone", 13, &c);
	tp_classify(&rs, &off, "iOS/17 iPhone", 13, &c);
	ck_assert_int_eq(c.rule, 1);
	ck_assert_uint_eq(off.hits + off.misses, 0);
	tp_classify(&rs, NULL, "iOS/17 iPhone", 13, &c);
	ck_assert_int_eq(c.rule, 1);
	tp_cache_free(&off);
}
END_TEST

START_TEST(test_cache_remembers_limit_errors)
{
	char ua[64];
	tp_class_t c;

	add_ok("name=evil;mode=reuse;ua=^(a|aa)+$");
	tp_ruleset_free(&rs);
	ck_assert_int_eq(tp_ruleset_init(&rs, 64, 1000, 1000), 0);
	add_ok("name=evil;mode=reuse;ua=^(a|aa)+$");
	memset(ua, 'a', sizeof(ua));
	ua[63] = '!';
	tp_classify(&rs, &cache, ua, sizeof(ua), &c);
	ck_assert_int_eq(c.status, TP_MATCH_LIMIT);
	tp_classify(&rs, &cache, ua, sizeof(ua), &c);
	ck_assert_int_eq(c.status, TP_MATCH_LIMIT);
	ck_assert_int_eq(c.limit_rule, 0);
	ck_assert_uint_eq(cache.hits, 1);
}
END_TEST

TCase *tp_tcase_cache(void)
{
	TCase *tc = tcase_create("cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cache_carries_observe);
	tcase_add_test(tc, test_cache_hit_gives_same_answer);
	tcase_add_test(tc, test_cache_default_mode_follows_set);
	tcase_add_test(tc, test_cache_invalidated_when_rules_change);
	tcase_add_test(tc, test_cache_is_bounded_and_evicts_lru);
	tcase_add_test(tc, test_cache_key_is_the_examined_prefix);
	tcase_add_test(tc, test_cache_disabled);
	tcase_add_test(tc, test_cache_remembers_limit_errors);
	return tc;
}

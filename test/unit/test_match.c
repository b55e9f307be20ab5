/*
 * tcp_persona - unit tests: compiling and matching rules
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tp_match.h"
#include "unit.h"

static tp_ruleset_t rs;

static void setup(void)
{
	ck_assert_int_eq(tp_ruleset_init(&rs, TP_UA_MAX_LEN_DEFAULT,
							 TP_MATCH_LIMIT_DEFAULT, TP_DEPTH_LIMIT_DEFAULT),
			0);
}

static void teardown(void)
{
	tp_ruleset_free(&rs);
}

/* parses and adds; returns tp_ruleset_add's result, message in err */
static int add(const char *text, int from_file, const char *origin, char *err)
{
	tp_rule_spec_t s;

	if(tp_rule_parse(text, strlen(text), &s, err, TP_ERR_LEN) < 0)
		return -2;
	return tp_ruleset_add(&rs, &s, from_file, origin, err, TP_ERR_LEN);
}

static void add_ok(const char *text, int from_file, const char *origin)
{
	char err[TP_ERR_LEN] = "";

	ck_assert_msg(add(text, from_file, origin, err) == 0, "%s: %s", text, err);
}

static tp_class_t classify(const char *ua)
{
	tp_class_t c;

	tp_ruleset_match(&rs, ua, strlen(ua), &c);
	return c;
}

START_TEST(test_match_first_match_wins)
{
	tp_class_t c;

	add_ok("name=samsung-s2x;mode=dialog;ua=^SM-S9[0-9]{2}.* Samsung IMS", 0,
			"rule #1");
	add_ok("name=samsung;mode=transaction;ua=Samsung IMS", 0, "rule #2");
	add_ok("name=apple;mode=reuse;ua=^iOS/[0-9.]+ iPhone", 0, "rule #3");

	c = classify("SM-S916U1-S916U1UES7EZB6 Samsung IMS 6.0");
	ck_assert_int_eq(c.status, TP_MATCH_HIT);
	ck_assert_int_eq(c.rule, 0);
	ck_assert_int_eq(c.mode, TP_MODE_DIALOG);

	c = classify("SM-G975W-G975WVLS5GUD1 Samsung IMS 6.0");
	ck_assert_int_eq(c.rule, 1);
	ck_assert_int_eq(c.mode, TP_MODE_TRANSACTION);

	c = classify("iOS/16.7 iPhone");
	ck_assert_int_eq(c.rule, 2);
	ck_assert_int_eq(c.mode, TP_MODE_REUSE);
}
END_TEST

START_TEST(test_match_default_mode_and_no_name)
{
	tp_class_t c;

	add_ok("name=apple;mode=reuse;ua=^iOS/", 0, "rule #1");
	c = classify("Google_Pixel8_Android 16_BP4A.260205.001");
	ck_assert_int_eq(c.status, TP_MATCH_MISS);
	ck_assert_int_eq(c.rule, -1);
	ck_assert_int_eq(c.mode, TP_MODE_NONE);

	rs.default_mode = TP_MODE_TRANSACTION;
	c = classify("Google_Pixel8_Android 16_BP4A.260205.001");
	ck_assert_int_eq(c.rule, -1);
	ck_assert_int_eq(c.mode, TP_MODE_TRANSACTION);
}
END_TEST

START_TEST(test_match_cfg_rules_before_file_rules)
{
	tp_class_t c;

	/* added as the module sees them: a file may be named before a rule */
	add_ok("name=file1;mode=reuse;ua=Pixel", 1, "f.rules:1");
	add_ok("name=cfg1;mode=dialog;ua=Pixel8", 0, "rule #1");
	add_ok("name=file2;mode=none;ua=.", 1, "f.rules:2");
	add_ok("name=cfg2;mode=transaction;ua=Pixel", 0, "rule #2");

	ck_assert_int_eq(rs.count, 4);
	ck_assert_str_eq(rs.rules[0].name, "cfg1");
	ck_assert_str_eq(rs.rules[1].name, "cfg2");
	ck_assert_str_eq(rs.rules[2].name, "file1");
	ck_assert_str_eq(rs.rules[3].name, "file2");
	ck_assert_str_eq(rs.rules[2].origin, "f.rules:1");

	c = classify("Google_Pixel7");
	ck_assert_str_eq(rs.rules[c.rule].name, "cfg2");
	c = classify("Google_Pixel8");
	ck_assert_str_eq(rs.rules[c.rule].name, "cfg1");
	c = classify("Fairphone_Fairphone 6");
	ck_assert_str_eq(rs.rules[c.rule].name, "file2");
}
END_TEST

START_TEST(test_match_duplicate_name)
{
	char err[TP_ERR_LEN] = "";

	add_ok("name=apple;mode=reuse;ua=^iOS/", 0, "rule #1");
	ck_assert_int_eq(add("name=apple;mode=dialog;ua=x", 1, "f:3", err), -1);
	ck_assert_str_eq(err, "duplicate name 'apple' (first defined by rule #1)");
	ck_assert_int_eq(rs.count, 1);
}
END_TEST

START_TEST(test_match_regex_error_names_offset)
{
	char err[TP_ERR_LEN] = "";

	ck_assert_int_eq(
			add("name=bad;mode=dialog;ua=^SM-(S9", 0, "rule #1", err), -1);
	ck_assert_str_eq(err, "column 32: regex error at offset 7: missing closing "
						  "parenthesis");
	ck_assert_int_eq(
			add("name=bad;mode=dialog;ua=a{2,1}", 0, "rule #1", err), -1);
	ck_assert_str_eq(err, "column 30: regex error at offset 5: numbers out of "
						  "order in {} quantifier");
	ck_assert_int_eq(rs.count, 0);
}
END_TEST

START_TEST(test_match_binary_and_nul_bytes)
{
	static const char ua[] = "SM-S911\0\xff\xfe Samsung IMS";
	tp_class_t c;

	add_ok("name=nul;mode=dialog;ua=\\x00\\xff", 0, "rule #1");
	tp_ruleset_match(&rs, ua, sizeof(ua) - 1, &c);
	ck_assert_int_eq(c.status, TP_MATCH_HIT);
	ck_assert_int_eq(c.rule, 0);
	/* a NUL ends no string for the matcher: the rest is still seen */
	tp_ruleset_match(&rs, ua, 7, &c);
	ck_assert_int_eq(c.status, TP_MATCH_MISS);
}
END_TEST

START_TEST(test_match_examines_only_ua_max_len)
{
	char ua[TP_UA_MAX_LEN_DEFAULT + 32];
	tp_class_t c;

	add_ok("name=tail;mode=dialog;ua=TAIL$", 0, "rule #1");
	add_ok("name=edge;mode=reuse;ua=^x{512}$", 0, "rule #2");
	memset(ua, 'x', sizeof(ua));
	memcpy(ua + sizeof(ua) - 4, "TAIL", 4);
	tp_ruleset_match(&rs, ua, sizeof(ua), &c);
	ck_assert_int_eq(c.rule, 1); /* saw exactly the first 512 bytes */
}
END_TEST

START_TEST(test_match_catastrophic_backtracking_is_bounded)
{
	size_t n = 64 * 1024;
	char *ua = malloc(n);
	tp_class_t c;

	ck_assert_ptr_nonnull(ua);
	add_ok("name=evil;mode=dialog;ua=^(a|aa)+$", 0, "rule #1");
	add_ok("name=all;mode=reuse;ua=.", 0, "rule #2");
	rs.default_mode = TP_MODE_TRANSACTION;
	memset(ua, 'a', n);
	ua[TP_UA_MAX_LEN_DEFAULT - 1] = '!';
	tp_ruleset_match(&rs, ua, n, &c);
	ck_assert_int_eq(c.status, TP_MATCH_LIMIT);
	ck_assert_int_eq(c.limit_rule, 0);
	ck_assert_int_eq(c.rule, -1);
	ck_assert_int_eq(c.mode, TP_MODE_TRANSACTION);
	ck_assert(c.pcre2_error == PCRE2_ERROR_MATCHLIMIT
			  || c.pcre2_error == PCRE2_ERROR_DEPTHLIMIT
			  || c.pcre2_error == PCRE2_ERROR_HEAPLIMIT
			  || c.pcre2_error == PCRE2_ERROR_JIT_STACKLIMIT);
	free(ua);
}
END_TEST

START_TEST(test_match_empty_and_null_ua)
{
	tp_class_t c;

	add_ok("name=empty;mode=dialog;ua=^$", 0, "rule #1");
	tp_ruleset_match(&rs, NULL, 0, &c);
	ck_assert_int_eq(c.rule, 0);
	tp_ruleset_match(&rs, "", 0, &c);
	ck_assert_int_eq(c.rule, 0);
}
END_TEST

START_TEST(test_match_generation_changes)
{
	unsigned int g = rs.gen;

	add_ok("name=a;mode=dialog;ua=a", 0, "rule #1");
	ck_assert_uint_ne(rs.gen, g);
	ck_assert_int_eq(tp_ruleset_find(&rs, "a"), 0);
	ck_assert_int_eq(tp_ruleset_find(&rs, "b"), -1);
}
END_TEST

START_TEST(test_match_long_ua_with_per_byte_backtracking)
{
	size_t n = TP_UA_MAX_LEN_MAX;
	char *ua = malloc(n);
	tp_class_t c;

	ck_assert_ptr_nonnull(ua);
	ck_assert_int_eq(tp_ruleset_set_limits(&rs, TP_UA_MAX_LEN_MAX,
							 TP_MATCH_LIMIT_DEFAULT, TP_DEPTH_LIMIT_DEFAULT),
			0);
	/* a group per byte: PCRE2's default 32 KiB JIT stack fails at ~1 KB */
	add_ok("name=grp;mode=dialog;ua=^(?:(x)|y)+ Samsung IMS", 0, "rule #1");
	memset(ua, 'x', n);
	memcpy(ua + n - 12, " Samsung IMS", 12);
	tp_ruleset_match(&rs, ua, n, &c);
	ck_assert_msg(c.status == TP_MATCH_HIT, "status %d, PCRE2 error %d",
			c.status, c.pcre2_error);
	free(ua);
}
END_TEST

START_TEST(test_match_ua_max_len_is_capped)
{
	ck_assert_int_eq(tp_ruleset_set_limits(&rs, 1 << 20, 1000, 1000), 0);
	ck_assert_uint_eq(rs.ua_max_len, TP_UA_MAX_LEN_MAX);
}
END_TEST

START_TEST(test_match_long_origin_is_kept_whole)
{
	char origin[300];

	memset(origin, 'p', sizeof(origin));
	strcpy(origin + 250, ".rules:4242");
	add_ok("name=a;mode=dialog;ua=a", 1, origin);
	ck_assert_str_eq(rs.rules[0].origin, origin);
}
END_TEST

TCase *tp_tcase_match(void)
{
	TCase *tc = tcase_create("match");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_match_first_match_wins);
	tcase_add_test(tc, test_match_default_mode_and_no_name);
	tcase_add_test(tc, test_match_cfg_rules_before_file_rules);
	tcase_add_test(tc, test_match_duplicate_name);
	tcase_add_test(tc, test_match_regex_error_names_offset);
	tcase_add_test(tc, test_match_binary_and_nul_bytes);
	tcase_add_test(tc, test_match_examines_only_ua_max_len);
	tcase_add_test(tc, test_match_catastrophic_backtracking_is_bounded);
	tcase_add_test(tc, test_match_empty_and_null_ua);
	tcase_add_test(tc, test_match_generation_changes);
	tcase_add_test(tc, test_match_long_ua_with_per_byte_backtracking);
	tcase_add_test(tc, test_match_ua_max_len_is_capped);
	tcase_add_test(tc, test_match_long_origin_is_kept_whole);
	return tc;
}

/*
 * tcp_persona - unit tests: the rule proposed for a User-Agent family
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tp_family.h"
#include "tp_match.h"
#include "tp_profile_rule.h"
#include "unit.h"

/* the family's regex, compiled as a rule, matches every User-Agent of the
 * family and not a User-Agent of another */
static int matches(const char *regex, const char *ua)
{
	tp_ruleset_t rs;
	tp_rule_spec_t spec;
	tp_class_t c;
	char err[256];
	int hit;

	ck_assert_int_eq(tp_ruleset_init(&rs, 512, 100000, 5000), 0);
	memset(&spec, 0, sizeof(spec));
	strcpy(spec.name, "f");
	spec.mode = TP_MODE_DIALOG;
	spec.regex = regex;
	spec.regex_len = strlen(regex);
	ck_assert_msg(tp_ruleset_add(&rs, &spec, 0, "t", err, sizeof(err)) == 0,
			"%s: %s", regex, err);
	tp_ruleset_match(&rs, ua, strlen(ua), &c);
	hit = c.status == TP_MATCH_HIT;
	tp_ruleset_free(&rs);
	return hit;
}

static const char *families[][3] = {
		/* a User-Agent, another of its family, one of another family */
		{"iOS/17.5.1 iPhone", "iOS/18 iPhone", "iOS/17.5.1 iPad"},
		{"Maker-A/1.2.3 (IMS 5.0)", "Maker-A/1.4.2b (IMS  5.1)",
				"Maker-B/1.2.3 (IMS 5.0)"},
		{"SM-S918B Samsung IMS 6.0", "SM-S911U1 Samsung IMS 6.1",
				"SM-S918B Samsung IMX 6.0"},
		{"a.b*c+d?e[f]g{h}i|j^k$l\\m", "a.b*c+d?e[f]g{h}i|j^k$l\\m",
				"aXb*c+d?e[f]g{h}i|j^k$l\\m"},
		/* a '#' of the User-Agent's own stays '#' in the family */
		{"Phone#2 v1.0", "Phone#7 v3", "Phone#2 w1.0"},
		{"Google_Pixel8_Android 16_BP4A.260205.001",
				"Google_Pixel9_Android 15_BP3A.241005.015",
				"Google_Pixel8_Android16_BP4A"},
};

START_TEST(test_family_regex_matches_its_family)
{
	char family[TP_FAMILY_MAX + 1], other[TP_FAMILY_MAX + 1], re[2048];
	const char **f = families[_i];

	tp_ua_family(f[0], strlen(f[0]), family, sizeof(family));
	tp_ua_family(f[1], strlen(f[1]), other, sizeof(other));
	ck_assert_str_eq(family, other);
	ck_assert_uint_gt(tp_family_regex(family, re, sizeof(re)), 0);
	ck_assert_msg(matches(re, f[0]), "%s !~ %s", f[0], re);
	ck_assert_msg(matches(re, f[1]), "%s !~ %s", f[1], re);
	ck_assert_msg(!matches(re, f[2]), "%s =~ %s", f[2], re);
}
END_TEST

START_TEST(test_family_regex_too_long)
{
	char re[16];

	ck_assert_uint_eq(tp_family_regex("iOS/# iPhone", re, sizeof(re)), 0);
	ck_assert_str_eq(re, "");
	ck_assert_uint_eq(tp_family_regex("abc", re, sizeof(re)), 4);
	ck_assert_str_eq(re, "^abc");
}
END_TEST

START_TEST(test_family_rule_name)
{
	char name[TP_NAME_MAX + 1], small[8];
	tp_rule_spec_t s;
	char rule[256], err[128];

	tp_family_rule_name("Maker-A/# (IMS #)", name, sizeof(name));
	ck_assert_str_eq(name, "auto-maker-a-ims");
	tp_family_rule_name("#", name, sizeof(name));
	ck_assert_str_eq(name, "auto");
	tp_family_rule_name("iOS/# iPhone", small, sizeof(small));
	ck_assert_str_eq(small, "auto-io");
	/* a long family gives a name a rule accepts */
	tp_family_rule_name("Very Long Vendor Name With Many Words And Digits # "
						"And More Words Still Going On And On",
			name, sizeof(name));
	ck_assert_uint_le(strlen(name), TP_NAME_MAX);
	snprintf(rule, sizeof(rule), "name=%s;mode=dialog;ua=x", name);
	ck_assert_int_eq(tp_rule_parse(rule, strlen(rule), &s, err, sizeof(err)), 0);
}
END_TEST

TCase *tp_tcase_profile_rule(void)
{
	TCase *tc = tcase_create("profile_rule");

	tcase_add_loop_test(tc, test_family_regex_matches_its_family, 0,
			(int)(sizeof(families) / sizeof(families[0])));
	tcase_add_test(tc, test_family_regex_too_long);
	tcase_add_test(tc, test_family_rule_name);
	return tc;
}

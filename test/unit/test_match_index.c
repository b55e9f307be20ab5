/*
 * tcp_persona - unit tests: the first-byte index of the matcher gives the
 * same answer as trying every rule in order
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
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

static void add(const char *text)
{
	char err[TP_ERR_LEN] = "";
	tp_rule_spec_t s;

	ck_assert_msg(
			tp_rule_parse(text, strlen(text), &s, err, sizeof(err)) == 0
					&& tp_ruleset_add(&rs, &s, 1, "t", err, sizeof(err)) == 0,
			"%s: %s", text, err);
}

/* every rule in order, straight through PCRE2: what the index must give */
static int oracle(const char *ua, size_t len)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int i, rc, found = -1;

	for(i = 0; i < rs.count && found < 0; i++) {
		rc = pcre2_match(rs.rules[i].code, (PCRE2_SPTR)ua, len, 0, 0, md, NULL);
		if(rc >= 0)
			found = i;
	}
	pcre2_match_data_free(md);
	return found;
}

static const char *tricky_rules[] = {
		"name=alt;mode=dialog;ua=^(iOS/|iPhone OS/)1[6-8]",
		"name=caseless;mode=reuse;ua=(?i)^samsung",
		"name=optional;mode=dialog;ua=^x?yz",
		"name=class;mode=transaction;ua=^[A-C][0-9]+",
		"name=empty;mode=reuse;ua=^$", "name=look;mode=dialog;ua=^(?=Mo)Moto",
		"name=unanchored;mode=transaction;ua=Android ?[0-9]+",
		"name=branch-anchor;mode=dialog;ua=^Nokia|Fairphone",
		"name=nul;mode=none;ua=^\\x00bin", "name=high;mode=none;ua=^\\xff\\xfe",
		"name=star;mode=dialog;ua=^.*IMS$", NULL};

static const char *uas[] = {"iOS/17.4 iPhone", "iPhone OS/16.7", "iOS/15.0",
		"SAMSUNG foo", "samsung", "Samsung IMS", "yz", "xyz", "zz", "B12", "C",
		"D1", "", "Moto g", "Motorola", "x Android 14", "Android14",
		"Nokia G50", "My Fairphone", "Fairphone_5", "\xff\xfe", "\xfe\xff",
		"SM-S918B Samsung IMS", "abc IMS", NULL};

START_TEST(test_index_agrees_with_every_rule_in_order)
{
	char nul_ua[] = "\0bin tail";
	int i, k;

	for(i = 0; tricky_rules[i]; i++)
		add(tricky_rules[i]);
	for(k = 0; uas[k]; k++) {
		tp_class_t c;

		tp_ruleset_match(&rs, uas[k], strlen(uas[k]), &c);
		ck_assert_msg(c.rule == oracle(uas[k], strlen(uas[k])),
				"[%s]: index says %d, the rules in order %d", uas[k], c.rule,
				oracle(uas[k], strlen(uas[k])));
	}
	{
		tp_class_t c;

		tp_ruleset_match(&rs, nul_ua, sizeof(nul_ua) - 1, &c);
		ck_assert_int_eq(c.rule, oracle(nul_ua, sizeof(nul_ua) - 1));
		ck_assert_str_eq(rs.rules[c.rule].name, "nul");
	}
}
END_TEST

START_TEST(test_index_agrees_on_every_first_byte)
{
	char ua[8];
	int i, b;

	for(i = 0; tricky_rules[i]; i++)
		add(tricky_rules[i]);
	/* each first byte, followed by text some rules want */
	for(b = 0; b < 256; b++) {
		tp_class_t c;

		ua[0] = (char)b;
		memcpy(ua + 1, "yz IMS", 6);
		tp_ruleset_match(&rs, ua, 7, &c);
		ck_assert_msg(c.rule == oracle(ua, 7), "first byte %d: %d vs %d", b,
				c.rule, oracle(ua, 7));
	}
}
END_TEST

START_TEST(test_index_is_rebuilt_after_an_add)
{
	tp_class_t c;

	add("name=late;mode=dialog;ua=^Zoiper");
	tp_ruleset_match(&rs, "Zoiper rv2", 10, &c);
	ck_assert_int_eq(c.rule, 0);
	tp_ruleset_match(&rs, "Yealink", 7, &c);
	ck_assert_int_eq(c.rule, -1);
	add("name=yealink;mode=reuse;ua=^Yea");
	tp_ruleset_match(&rs, "Yealink", 7, &c);
	ck_assert_int_eq(c.rule, 1);
	ck_assert_int_eq(c.mode, TP_MODE_REUSE);
}
END_TEST

TCase *tp_tcase_match_index(void)
{
	TCase *tc = tcase_create("match_index");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_index_agrees_with_every_rule_in_order);
	tcase_add_test(tc, test_index_agrees_on_every_first_byte);
	tcase_add_test(tc, test_index_is_rebuilt_after_an_add);
	return tc;
}

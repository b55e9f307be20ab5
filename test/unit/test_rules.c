/*
 * tcp_persona - unit tests: rule syntax
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tp_rules.h"
#include "unit.h"

static int parse(const char *text, tp_rule_spec_t *spec, char *err)
{
	return tp_rule_parse(text, strlen(text), spec, err, TP_ERR_LEN);
}

START_TEST(test_rule_basic)
{
	tp_rule_spec_t s;
	char err[TP_ERR_LEN] = "";

	ck_assert_int_eq(parse("name=samsung-s2x;mode=dialog;ua=^SM-S9[0-9]{2}.* "
						   "Samsung IMS",
							 &s, err),
			0);
	ck_assert_str_eq(s.name, "samsung-s2x");
	ck_assert_int_eq(s.mode, TP_MODE_DIALOG);
	ck_assert_int_eq(s.regex_len, strlen("^SM-S9[0-9]{2}.* Samsung IMS"));
	ck_assert(
			memcmp(s.regex, "^SM-S9[0-9]{2}.* Samsung IMS", s.regex_len) == 0);
	ck_assert_int_eq(s.regex_col, 33);
}
END_TEST

START_TEST(test_rule_keys_any_order_and_blanks)
{
	tp_rule_spec_t s;
	char err[TP_ERR_LEN] = "";

	ck_assert_int_eq(
			parse(" mode = reuse ; name = apple ;ua=^iOS/", &s, err), 0);
	ck_assert_str_eq(s.name, "apple");
	ck_assert_int_eq(s.mode, TP_MODE_REUSE);
	ck_assert_int_eq(s.regex_len, 5);
}
END_TEST

START_TEST(test_rule_regex_is_verbatim)
{
	tp_rule_spec_t s;
	char err[TP_ERR_LEN] = "";

	ck_assert_int_eq(
			parse("name=a;mode=transaction;ua= x;mode=none;y=z ", &s, err), 0);
	ck_assert_int_eq(s.mode, TP_MODE_TRANSACTION);
	ck_assert_int_eq(s.regex_len, strlen(" x;mode=none;y=z "));
	ck_assert(memcmp(s.regex, " x;mode=none;y=z ", s.regex_len) == 0);
}
END_TEST

START_TEST(test_rule_observe)
{
	tp_rule_spec_t s;
	char err[TP_ERR_LEN] = "";

	ck_assert_int_eq(parse("name=a;mode=dialog;observe=1;ua=^x", &s, err), 0);
	ck_assert_int_eq(s.mode, TP_MODE_DIALOG);
	ck_assert_int_eq(s.observe, 1);
	ck_assert_int_eq(parse("name=a;observe=0;mode=reuse;ua=^x", &s, err), 0);
	ck_assert_int_eq(s.observe, 0);
	ck_assert_int_eq(parse("name=a;mode=reuse;ua=^x", &s, err), 0);
	ck_assert_int_eq(s.observe, 0);
	/* the regex is the rest of the rule: observe after ua= is regex text */
	ck_assert_int_eq(parse("name=a;mode=reuse;ua=^x;observe=1", &s, err), 0);
	ck_assert_int_eq(s.observe, 0);
}
END_TEST

START_TEST(test_rule_every_mode)
{
	static const char *names[] = {"none", "reuse", "dialog", "transaction"};
	tp_mode_t m;
	int i;

	for(i = 0; i < TP_MODE_COUNT; i++) {
		ck_assert_int_eq(tp_mode_parse(names[i], strlen(names[i]), &m), 0);
		ck_assert_int_eq(m, i);
		ck_assert_str_eq(tp_mode_name(m), names[i]);
	}
	ck_assert_int_eq(tp_mode_parse("Dialog", 6, &m), -1);
	ck_assert_int_eq(tp_mode_parse("dialo", 5, &m), -1);
	ck_assert_str_eq(tp_mode_name(TP_MODE_COUNT), "?");
}
END_TEST

/* every syntax error, with the exact message an operator reads */
static const struct
{
	const char *rule;
	const char *err;
} bad_rules[] = {
		{"name=a;mode=sometimes;ua=^x",
				"column 13: unknown mode 'sometimes' (use none, reuse, dialog "
				"or transaction)"},
		{"name=a;mode=dialog;agent=x;ua=^x",
				"column 20: unknown key 'agent' (use name, mode, observe, then ua)"},
		{"mode=dialog;ua=^x", "column 1: missing key 'name'"},
		{"name=a;ua=^x", "column 1: missing key 'mode'"},
		{"name=a;mode=dialog", "column 19: missing key 'ua' (it comes last)"},
		{"name=a;mode=dialog;", "column 20: missing key 'ua' (it comes last)"},
		{"name=a;;mode=dialog;ua=x", "column 8: empty field"},
		{"name=a;mode=dialog;ua=", "column 23: empty regex after 'ua='"},
		{"name=a;name=b;mode=dialog;ua=x", "column 8: duplicate key 'name'"},
		{"name=a;mode=none;mode=reuse;ua=x", "column 18: duplicate key 'mode'"},
		{"name=;mode=dialog;ua=x", "column 6: empty name"},
		{"name=a b;mode=dialog;ua=x",
				"column 7: invalid character ' ' in name 'a b' (allowed: A-Z "
				"a-z 0-9 _ . -)"},
		{"name=a/b;mode=dialog;ua=x",
				"column 7: invalid character '/' in name 'a/b' (allowed: A-Z "
				"a-z 0-9 _ . -)"},
		{"name=a;dialog;ua=x", "column 8: expected key=value, got 'dialog'"},
		{"", "column 1: missing key 'name'"},
		{"ua=x", "column 1: missing key 'name'"},
		{"name=a;mode=dialog;observe=yes;ua=x",
				"column 28: observe must be 0 or 1, got 'yes'"},
		{"name=a;mode=dialog;observe=;ua=x",
				"column 28: observe must be 0 or 1, got ''"},
		{"name=a;mode=dialog;observe=1;observe=0;ua=x",
				"column 30: duplicate key 'observe'"},
};

START_TEST(test_rule_errors)
{
	tp_rule_spec_t s;
	char err[TP_ERR_LEN] = "";

	ck_assert_int_eq(parse(bad_rules[_i].rule, &s, err), -1);
	ck_assert_str_eq(err, bad_rules[_i].err);
}
END_TEST

START_TEST(test_rule_name_length)
{
	tp_rule_spec_t s;
	char err[TP_ERR_LEN] = "";
	char rule[200];

	/* 64 characters are allowed, 65 are not */
	snprintf(rule, sizeof(rule), "name=%.64s;mode=none;ua=x",
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
			"x");
	ck_assert_int_eq(parse(rule, &s, err), 0);
	ck_assert_int_eq(strlen(s.name), 64);
	snprintf(rule, sizeof(rule), "name=%.65s;mode=none;ua=x",
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
			"x");
	ck_assert_int_eq(parse(rule, &s, err), -1);
	ck_assert_str_eq(err, "column 6: name 'abcdefghijklmnop...' is longer than "
						  "64 characters");
}
END_TEST

/* records the lines tp_rules_text_each hands out */
typedef struct lines
{
	int n;
	int lineno[8];
	char text[8][64];
	int stop_at;
} lines_t;

static int collect(void *arg, int lineno, const char *line, size_t len)
{
	lines_t *l = arg;

	if(l->stop_at && lineno == l->stop_at)
		return -7;
	ck_assert_int_lt(l->n, 8);
	l->lineno[l->n] = lineno;
	snprintf(l->text[l->n], sizeof(l->text[0]), "%.*s", (int)len, line);
	l->n++;
	return 0;
}

START_TEST(test_rules_text_lines)
{
	const char text[] = "# personas\n\nname=a;mode=dialog;ua=^a\r\n"
						"   # indented comment\n \t \n"
						"  name=b;mode=reuse;ua=b \n"
						"name=c;mode=none;ua=c";
	lines_t l = {0};

	ck_assert_int_eq(tp_rules_text_each(text, strlen(text), collect, &l), 0);
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_eq(l.lineno[0], 3);
	ck_assert_str_eq(l.text[0], "name=a;mode=dialog;ua=^a");
	ck_assert_int_eq(l.lineno[1], 6);
	ck_assert_str_eq(l.text[1], "  name=b;mode=reuse;ua=b ");
	ck_assert_int_eq(l.lineno[2], 7);
	ck_assert_str_eq(l.text[2], "name=c;mode=none;ua=c");
}
END_TEST

START_TEST(test_rules_text_stops_on_error)
{
	const char text[] = "name=a;mode=dialog;ua=a\nname=b;mode=x;ua=b\nname=c\n";
	lines_t l = {0};

	l.stop_at = 2;
	ck_assert_int_eq(tp_rules_text_each(text, strlen(text), collect, &l), -7);
	ck_assert_int_eq(l.n, 1);
}
END_TEST

TCase *tp_tcase_rules(void)
{
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_rule_basic);
	tcase_add_test(tc, test_rule_keys_any_order_and_blanks);
	tcase_add_test(tc, test_rule_regex_is_verbatim);
	tcase_add_test(tc, test_rule_observe);
	tcase_add_test(tc, test_rule_every_mode);
	tcase_add_loop_test(tc, test_rule_errors, 0,
			(int)(sizeof(bad_rules) / sizeof(bad_rules[0])));
	tcase_add_test(tc, test_rule_name_length);
	tcase_add_test(tc, test_rules_text_lines);
	tcase_add_test(tc, test_rules_text_stops_on_error);
	return tc;
}

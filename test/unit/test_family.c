/*
 * tcp_persona - unit tests: User-Agent families
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <string.h>

#include "tp_family.h"
#include "unit.h"

static const char *family(const char *ua)
{
	static char out[TP_FAMILY_MAX + 1];

	tp_ua_family(ua, strlen(ua), out, sizeof(out));
	return out;
}

START_TEST(test_family_versions)
{
	ck_assert_str_eq(family("iOS/17.5.1 iPhone"), "iOS/# iPhone");
	ck_assert_str_eq(family("iOS/17.6 iPhone"), "iOS/# iPhone");
	ck_assert_str_eq(family("Samsung IMS 6.0"), "Samsung IMS #");
	ck_assert_str_eq(family("SM-G991B-Android-13"), "SM-G#-Android-#");
	ck_assert_str_eq(family("Pixel/UP1A.231005.007 (Android 14)"),
			"Pixel/UP# (Android #)");
	ck_assert_str_eq(family("stack 6.0-rc1"), "stack #-rc#");
	ck_assert_str_eq(family("iPhone14,2"), "iPhone#,#");
	ck_assert_str_eq(family("Xiaomi_V12.5.4.0"), "Xiaomi_V#");
}
END_TEST

/* phones of other makers stay apart */
static void apart(const char *a, const char *b)
{
	char fa[TP_FAMILY_MAX + 1];

	strcpy(fa, family(a));
	ck_assert_msg(strcmp(fa, family(b)) != 0, "[%s] and [%s] are one family", a, b);
}

START_TEST(test_family_apart)
{
	apart("iOS/17.5.1 iPhone", "iOS/17.5.1 iPad");
	apart("Samsung IMS 6.0", "Xiaomi IMS 6.0");
}
END_TEST

START_TEST(test_family_blanks_and_controls)
{
	ck_assert_str_eq(family("  A \t\t B  "), "A B");
	ck_assert_str_eq(family("A\r\nB\x01"), "AB");
	ck_assert_str_eq(family(""), "");
	ck_assert_str_eq(family(" \t "), "");
	ck_assert_str_eq(family("caf\xc3\xa9 1"), "caf\xc3\xa9 #");
}
END_TEST

/* bounded by TP_FAMILY_MAX and by the buffer; a family reduces to itself */
START_TEST(test_family_bounds_and_fixpoint)
{
	char ua[1000], out[TP_FAMILY_MAX + 1], again[TP_FAMILY_MAX + 1], small[5];
	size_t n, i;

	for(i = 0; i < sizeof(ua); i++)
		ua[i] = "ab 1.2-x\t"[i % 9];
	n = tp_ua_family(ua, sizeof(ua), out, sizeof(out));
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_uint_le(n, TP_FAMILY_MAX);
	ck_assert_uint_eq(tp_ua_family(out, n, again, sizeof(again)), n);
	ck_assert_str_eq(again, out);
	ck_assert_uint_eq(tp_ua_family("abcdefgh", 8, small, sizeof(small)), 4);
	ck_assert_str_eq(small, "abcd");
	ck_assert_uint_eq(tp_ua_family("a b", 3, small, 3), 1);
	ck_assert_str_eq(small, "a");
	ck_assert_uint_eq(tp_ua_family("abc", 3, small, 0), 0);
}
END_TEST

TCase *tp_tcase_family(void)
{
	TCase *tc = tcase_create("family");

	tcase_add_test(tc, test_family_versions);
	tcase_add_test(tc, test_family_apart);
	tcase_add_test(tc, test_family_blanks_and_controls);
	tcase_add_test(tc, test_family_bounds_and_fixpoint);
	return tc;
}

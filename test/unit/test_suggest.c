/*
 * tcp_persona - unit tests: the persona suggested by observed behaviour
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <string.h>

#include "tp_suggest.h"
#include "unit.h"

static tp_suggestion_t suggest(uint32_t reg, uint32_t reused, uint32_t dlg,
		uint32_t tx, uint32_t reg_ok, uint32_t reg_fail, uint32_t new_ok,
		uint32_t new_fail)
{
	tp_observed_t o;
	tp_suggestion_t s;

	memset(&o, 0, sizeof(o));
	o.n[TP_OBS_MO_ON_REG] = reg;
	o.n[TP_OBS_MO_ON_REUSED] = reused;
	o.n[TP_OBS_MO_NEW_DIALOG] = dlg;
	o.n[TP_OBS_MO_NEW_TX] = tx;
	o.n[TP_OBS_MT_REG_OK] = reg_ok;
	o.n[TP_OBS_MT_REG_FAIL] = reg_fail;
	o.n[TP_OBS_MT_NEW_OK] = new_ok;
	o.n[TP_OBS_MT_NEW_FAIL] = new_fail;
	tp_suggest(&o, &s);
	return s;
}

/* the seed's manufacturers, by what their phones do themselves */
START_TEST(test_suggest_mirrors_mo)
{
	tp_suggestion_t a = suggest(0, 0, 60, 0, 0, 0, 0, 0),
					b = suggest(0, 0, 2, 58, 0, 0, 0, 0),
					c = suggest(55, 5, 0, 0, 0, 0, 0, 0);

	ck_assert(a.suggested && a.mode == TP_MODE_DIALOG);
	ck_assert_uint_eq(a.confidence, 100);
	ck_assert(b.suggested && b.mode == TP_MODE_TRANSACTION);
	ck_assert_uint_eq(b.confidence, 96); /* 58 of 60 */
	ck_assert(c.suggested && c.mode == TP_MODE_REUSE);
	ck_assert_uint_eq(c.confidence, 100);
}
END_TEST

START_TEST(test_suggest_evidence)
{
	tp_suggestion_t few = suggest(0, 0, 9, 0, 0, 0, 0, 0),
					some = suggest(0, 0, 25, 0, 0, 0, 0, 0);

	ck_assert(!few.suggested);
	ck_assert_uint_eq(few.confidence, 0);
	ck_assert(some.suggested && some.mode == TP_MODE_DIALOG);
	ck_assert_uint_eq(some.confidence, 50); /* 25 of the 50 for full weight */
}
END_TEST

/* terminating requests that fail one way, and work the other */
START_TEST(test_suggest_weighs_mt)
{
	/* sends on one connection, but MT there times out: not reuse */
	tp_suggestion_t s = suggest(40, 0, 10, 0, 6, 4, 10, 0);

	ck_assert(s.suggested && s.mode == TP_MODE_DIALOG);
	ck_assert_uint_eq(s.confidence, 20);
	/* opens connections per dialog, but refuses MT on new ones */
	s = suggest(10, 0, 40, 0, 10, 0, 3, 3);
	ck_assert(s.suggested && s.mode == TP_MODE_REUSE);
	/* a few failures below the bar change nothing */
	s = suggest(0, 0, 50, 0, 0, 0, 19, 1);
	ck_assert(s.mode == TP_MODE_DIALOG && s.confidence == 100);
	/* both fail: the mirror stays, the confidence halves */
	s = suggest(0, 0, 50, 0, 1, 4, 1, 4);
	ck_assert(s.mode == TP_MODE_DIALOG && s.confidence == 50);
}
END_TEST

TCase *tp_tcase_suggest(void)
{
	TCase *tc = tcase_create("suggest");

	tcase_add_test(tc, test_suggest_mirrors_mo);
	tcase_add_test(tc, test_suggest_evidence);
	tcase_add_test(tc, test_suggest_weighs_mt);
	return tc;
}

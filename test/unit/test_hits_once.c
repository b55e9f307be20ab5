/*
 * tcp_persona - unit tests: per-rule hit counters and the once-per-interval
 * limiter of the unmatched event
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tp_hits.h"
#include "tp_once.h"
#include "unit.h"

START_TEST(test_hits_by_name)
{
	tp_hits_t *h = tp_hits_create(3);
	int a, b;

	ck_assert_ptr_nonnull(h);
	a = tp_hits_slot(h, "samsung");
	b = tp_hits_slot(h, "apple");
	ck_assert_int_ge(a, 0);
	ck_assert_int_ne(a, b);
	/* the same name after a reload: the same counter */
	ck_assert_int_eq(tp_hits_slot(h, "samsung"), a);
	tp_hits_add(h, a);
	tp_hits_add(h, a);
	tp_hits_add(h, b);
	tp_hits_add(h, -1); /* an uncounted rule: nothing */
	ck_assert_uint_eq(tp_hits_get(h, a), 2);
	ck_assert_uint_eq(tp_hits_get(h, b), 1);
	ck_assert_uint_eq(tp_hits_get(h, -1), 0);
	ck_assert_int_eq(tp_hits_slot(h, "third"), 2);
	ck_assert_int_eq(tp_hits_slot(h, "fourth"), -1); /* full */
	ck_assert_int_eq(tp_hits_slot(h, "apple"), b);
	tp_hits_destroy(h);
}
END_TEST

START_TEST(test_once_per_key_and_interval)
{
	tp_once_t *o = tp_once_create(12345);

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(tp_once_fire(o, "UA-1", 4, 1000, 60), 1);
	ck_assert_int_eq(tp_once_fire(o, "UA-1", 4, 1000, 60), 0);
	ck_assert_int_eq(tp_once_fire(o, "UA-1", 4, 1059, 60), 0);
	ck_assert_int_eq(tp_once_fire(o, "UA-2", 4, 1001, 60), 1);
	ck_assert_int_eq(tp_once_fire(o, "UA-1", 4, 1060, 60), 1);
	ck_assert_int_eq(tp_once_fire(o, "UA-1", 4, 1061, 60), 0);
	/* interval 0: every time */
	ck_assert_int_eq(tp_once_fire(o, "UA-3", 4, 1000, 0), 1);
	ck_assert_int_eq(tp_once_fire(o, "UA-3", 4, 1000, 0), 1);
	/* bytes, not C strings */
	ck_assert_int_eq(tp_once_fire(o, "A\0B", 3, 1000, 60), 1);
	ck_assert_int_eq(tp_once_fire(o, "A\0C", 3, 1000, 60), 1);
	tp_once_destroy(o);
}
END_TEST

START_TEST(test_once_many_keys_fire_early_never_late)
{
	tp_once_t *o = tp_once_create(12345);
	char key[32];
	int i, fired = 0;

	/* more keys than slots: evicted keys fire again, none is lost */
	for(i = 0; i < 3 * TP_ONCE_SLOTS; i++) {
		snprintf(key, sizeof(key), "UA-%d", i);
		fired += tp_once_fire(o, key, strlen(key), 1000, 3600);
	}
	ck_assert_int_eq(fired, 3 * TP_ONCE_SLOTS);
	for(i = 0; i < 3 * TP_ONCE_SLOTS; i++) {
		snprintf(key, sizeof(key), "UA-%d", i);
		fired += tp_once_fire(o, key, strlen(key), 1001, 3600);
	}
	/* at most one key per slot is still remembered */
	ck_assert_int_ge(fired, 3 * TP_ONCE_SLOTS + 2 * TP_ONCE_SLOTS);
	tp_once_destroy(o);
}
END_TEST

TCase *tp_tcase_hits_once(void)
{
	TCase *tc = tcase_create("hits_once");

	tcase_add_test(tc, test_hits_by_name);
	tcase_add_test(tc, test_once_per_key_and_interval);
	tcase_add_test(tc, test_once_many_keys_fire_early_never_late);
	return tc;
}

/*
 * tcp_persona - unit tests: the set of owned connections
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <string.h>

#include "tp_owned.h"
#include "unit.h"

static int alive_below_100(int conn_id)
{
	return conn_id < 100;
}

START_TEST(test_owned_add_has_del_sweep)
{
	tp_owned_t *o = tp_owned_create(2);
	tp_owner_t w = {{4, 5060, {127, 0, 0, 81}}, TP_MODE_DIALOG, "c1"};
	int i;

	ck_assert_ptr_nonnull(o);
	for(i = 95; i < 105; i++) /* more than slots: chains */
		ck_assert_int_eq(tp_owned_add(o, i, &w), 0);
	ck_assert_uint_eq(tp_owned_count(o), 10);
	ck_assert_int_eq(tp_owned_has(o, 97), 1);
	ck_assert_int_eq(tp_owned_has(o, 7), -1);
	ck_assert_int_eq(tp_owned_del(o, 97, NULL), 1);
	ck_assert_int_eq(tp_owned_del(o, 97, NULL), -1);
	ck_assert_int_eq(tp_owned_sweep(o, alive_below_100), 5);
	ck_assert_uint_eq(tp_owned_count(o), 4);
	ck_assert_int_eq(tp_owned_has(o, 99), 1);
	ck_assert_int_eq(tp_owned_has(o, 100), -1);
	tp_owned_destroy(o);
}
END_TEST

START_TEST(test_owned_owner_and_per_ue_listing)
{
	tp_owned_t *o = tp_owned_create(2);
	tp_owner_t a = {{4, 5060, {127, 0, 0, 81}}, TP_MODE_DIALOG, ""};
	tp_owner_t b = {{4, 5060, {127, 0, 0, 82}}, TP_MODE_TRANSACTION, "tx"};
	tp_owner_t got[8], out;
	int ids[8];
	unsigned int i;

	memset(a.callid, 'c', sizeof(a.callid)); /* no NUL: cut on add */
	ck_assert_int_eq(tp_owned_add(o, 9, &a), 0);
	ck_assert_int_eq(tp_owned_add(o, 3, &a), 0);
	ck_assert_int_eq(tp_owned_add(o, 6, &b), 0);
	ck_assert_int_eq(tp_owned_add(o, 5, &a), 0);
	ck_assert_uint_eq(tp_owned_of(o, &a.ue, ids, got, 8), 3);
	ck_assert_int_eq(ids[0], 3); /* ascending */
	ck_assert_int_eq(ids[1], 5);
	ck_assert_int_eq(ids[2], 9);
	for(i = 0; i < 3; i++) {
		ck_assert_int_eq(got[i].mode, TP_MODE_DIALOG);
		ck_assert_uint_eq(strlen(got[i].callid), TP_OWNER_CALLID_MAX);
	}
	ck_assert_uint_eq(tp_owned_of(o, &a.ue, ids, got, 2), 2); /* bounded */
	ck_assert_int_eq(tp_owned_del(o, 6, &out), 1);
	ck_assert_int_eq(out.mode, TP_MODE_TRANSACTION);
	ck_assert_str_eq(out.callid, "tx");
	ck_assert_uint_eq(tp_owned_of(o, &b.ue, ids, got, 8), 0);
	tp_owned_destroy(o);
}
END_TEST

static int alive_even(int conn_id)
{
	return conn_id % 2 == 0;
}

START_TEST(test_owned_sweep_reaches_the_end_of_long_chains)
{
	tp_owned_t *o = tp_owned_create(0); /* one slot: one chain of 100 */
	tp_owner_t w = {{4, 5060, {127, 0, 0, 81}}, TP_MODE_TRANSACTION, "t"};
	int i;

	for(i = 1; i <= 100; i++)
		ck_assert_int_eq(tp_owned_add(o, i, &w), 0);
	ck_assert_int_eq(tp_owned_sweep(o, alive_even), 50);
	ck_assert_uint_eq(tp_owned_count(o), 50);
	ck_assert_int_eq(tp_owned_has(o, 1), -1); /* the oldest, at the end */
	ck_assert_int_eq(tp_owned_has(o, 99), -1);
	ck_assert_int_eq(tp_owned_has(o, 100), 1);
	tp_owned_destroy(o);
}
END_TEST

TCase *tp_tcase_owned(void)
{
	TCase *tc = tcase_create("owned");

	tcase_add_test(tc, test_owned_add_has_del_sweep);
	tcase_add_test(tc, test_owned_owner_and_per_ue_listing);
	tcase_add_test(tc, test_owned_sweep_reaches_the_end_of_long_chains);
	return tc;
}

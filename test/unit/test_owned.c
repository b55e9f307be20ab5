/*
 * tcp_persona - unit tests: the set of owned connections
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>

#include "tp_owned.h"
#include "unit.h"

static int alive_below_100(int conn_id)
{
	return conn_id < 100;
}

START_TEST(test_owned_add_has_del_sweep)
{
	tp_owned_t *o = tp_owned_create(2);
	tp_addr_t ue = {4, 5060, {127, 0, 0, 81}};
	int i;

	ck_assert_ptr_nonnull(o);
	for(i = 95; i < 105; i++) /* more than slots: chains */
		ck_assert_int_eq(tp_owned_add(o, i, &ue), 0);
	ck_assert_uint_eq(tp_owned_count(o), 10);
	ck_assert_int_eq(tp_owned_has(o, 97), 1);
	ck_assert_int_eq(tp_owned_has(o, 7), -1);
	ck_assert_int_eq(tp_owned_del(o, 97), 1);
	ck_assert_int_eq(tp_owned_del(o, 97), -1);
	ck_assert_int_eq(tp_owned_sweep(o, alive_below_100), 5);
	ck_assert_uint_eq(tp_owned_count(o), 4);
	ck_assert_int_eq(tp_owned_has(o, 99), 1);
	ck_assert_int_eq(tp_owned_has(o, 100), -1);
	tp_owned_destroy(o);
}
END_TEST

TCase *tp_tcase_owned(void)
{
	TCase *tc = tcase_create("owned");

	tcase_add_test(tc, test_owned_add_has_del_sweep);
	return tc;
}

/*
 * tcp_persona - unit tests: the call tracking table
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tp_track.h"
#include "unit.h"

static tp_track_t *t;
static int gone_calls, gone_conn;

static void setup(void)
{
	t = tp_track_create(3);
	ck_assert_ptr_nonnull(t);
	gone_calls = gone_conn = 0;
}

static void teardown(void)
{
	tp_track_destroy(t);
}

static tp_call_t call(int conn, int owned, time_t expires)
{
	tp_call_t c;

	memset(&c, 0, sizeof(c));
	c.ue.af = 4;
	c.ue.port = 5060;
	c.ue.ip[0] = 127;
	c.ue.ip[3] = 81;
	c.conn_id = conn;
	c.owned = owned;
	c.mode = TP_MODE_DIALOG;
	c.expires = expires;
	return c;
}

#define ID(s) (s), strlen(s)
#define UE &ue81

static tp_addr_t ue81 = {4, 5060, {127, 0, 0, 81}};

START_TEST(test_track_set_get_replace_del)
{
	tp_call_t c = call(5, 1, 100), out;

	ck_assert_int_eq(tp_track_get(t, ID("a@x"), UE, &out), -1);
	ck_assert_int_eq(tp_track_set(t, ID("a@x"), &c), 0);
	ck_assert_int_eq(tp_track_get(t, ID("a@x"), UE, &out), 1);
	ck_assert_int_eq(out.conn_id, 5);
	ck_assert_int_eq(out.owned, 1);
	c = call(6, 0, 100);
	ck_assert_int_eq(tp_track_set(t, ID("a@x"), &c), 0);
	ck_assert_uint_eq(tp_track_count(t), 1);
	ck_assert_int_eq(tp_track_get(t, ID("a@x"), UE, &out), 1);
	ck_assert_int_eq(out.conn_id, 6);
	/* a prefix of a Call-ID is another Call-ID */
	ck_assert_int_eq(tp_track_get(t, "a@", 2, UE, &out), -1);
	ck_assert_int_eq(tp_track_del(t, ID("a@x"), UE, &out), 1);
	ck_assert_int_eq(out.conn_id, 6);
	ck_assert_int_eq(tp_track_del(t, ID("a@x"), UE, NULL), -1);
	ck_assert_uint_eq(tp_track_count(t), 0);
}
END_TEST

static void gone(const char *callid, size_t len, const tp_call_t *c)
{
	ck_assert_int_eq(len, 3);
	ck_assert(memcmp(callid, "old", 3) == 0);
	gone_calls++;
	gone_conn = c->conn_id;
}

START_TEST(test_track_sweep_reports_what_it_drops)
{
	tp_call_t c = call(7, 1, 50), out;
	int i;
	char id[16];

	ck_assert_int_eq(tp_track_set(t, ID("old"), &c), 0);
	for(i = 0; i < 40; i++) { /* more than slots: chains */
		c = call(100 + i, 0, 500);
		snprintf(id, sizeof(id), "new-%d", i);
		ck_assert_int_eq(tp_track_set(t, ID(id), &c), 0);
	}
	ck_assert_int_eq(tp_track_sweep(t, 50, gone), 1);
	ck_assert_int_eq(gone_calls, 1);
	ck_assert_int_eq(gone_conn, 7);
	ck_assert_uint_eq(tp_track_count(t), 40);
	ck_assert_int_eq(tp_track_get(t, ID("new-39"), UE, &out), 1);
	ck_assert_int_eq(out.conn_id, 139);
}
END_TEST

START_TEST(test_track_two_legs_of_one_call)
{
	tp_call_t a = call(5, 1, 100), b = call(6, 1, 100), out;

	/* UE 81 calls UE 82 through the same proxy: one Call-ID, two legs */
	b.ue.ip[3] = 82;
	ck_assert_int_eq(tp_track_set(t, ID("x@y"), &a), 0);
	ck_assert_int_eq(tp_track_set(t, ID("x@y"), &b), 0);
	ck_assert_uint_eq(tp_track_count(t), 2);
	ck_assert_int_eq(tp_track_get(t, ID("x@y"), &a.ue, &out), 1);
	ck_assert_int_eq(out.conn_id, 5);
	ck_assert_int_eq(tp_track_get(t, ID("x@y"), &b.ue, &out), 1);
	ck_assert_int_eq(out.conn_id, 6);
	ck_assert_int_eq(tp_track_del(t, ID("x@y"), &b.ue, NULL), 1);
	ck_assert_int_eq(tp_track_get(t, ID("x@y"), &a.ue, &out), 1);
}
END_TEST

START_TEST(test_track_del_if_keeps_a_later_attempt)
{
	tp_call_t first = call(5, 1, 100), retry = call(7, 1, 100), out;

	/* a 422 answered attempt 1; attempt 2 (same Call-ID) was answered */
	first.attempt = 1;
	retry.attempt = 2;
	ck_assert_int_eq(tp_track_set(t, ID("r@y"), &first), 0);
	ck_assert_int_eq(tp_track_set(t, ID("r@y"), &retry), 0);
	/* the first attempt's end comes late: it must not forget the retry */
	ck_assert_int_eq(tp_track_del_if(t, ID("r@y"), UE, 1, 0, NULL), -1);
	ck_assert_int_eq(tp_track_del_if(t, ID("r@y"), UE, 2, 5, NULL), -1);
	ck_assert_int_eq(tp_track_get(t, ID("r@y"), UE, &out), 1);
	ck_assert_int_eq(out.conn_id, 7);
	ck_assert_int_eq(tp_track_del_if(t, ID("r@y"), UE, 2, 7, &out), 1);
	ck_assert_int_eq(out.attempt, 2);
	ck_assert_uint_eq(tp_track_count(t), 0);
}
END_TEST

static tp_track_edit_result_t set_inv_conn(tp_call_t *c, int found, void *arg)
{
	c->inv_conn_id = *(int *)arg;
	c->attempt = found ? c->attempt : 9;
	return TP_EDIT_STORE;
}

static tp_track_edit_result_t drop_if_inv(tp_call_t *c, int found, void *arg)
{
	return found && c->inv_conn_id == *(int *)arg ? TP_EDIT_DROP
												  : TP_EDIT_NONE;
}

START_TEST(test_track_edit_inserts_updates_drops)
{
	tp_call_t out;
	int conn = 11, other = 12;

	ck_assert_int_eq(tp_track_edit(t, ID("e@y"), UE, set_inv_conn, &conn),
			TP_EDIT_STORE);
	ck_assert_uint_eq(tp_track_count(t), 1);
	ck_assert_int_eq(tp_track_get(t, ID("e@y"), UE, &out), 1);
	ck_assert_int_eq(out.inv_conn_id, 11);
	ck_assert_uint_eq(out.attempt, 9);
	ck_assert(tp_addr_eq(&out.ue, UE));
	/* an update keeps what the function did not change */
	out.conn_id = 3;
	ck_assert_int_eq(tp_track_set(t, ID("e@y"), &out), 0);
	ck_assert_int_eq(tp_track_edit(t, ID("e@y"), UE, set_inv_conn, &other),
			TP_EDIT_STORE);
	ck_assert_int_eq(tp_track_get(t, ID("e@y"), UE, &out), 1);
	ck_assert_int_eq(out.conn_id, 3);
	ck_assert_int_eq(out.inv_conn_id, 12);
	ck_assert_uint_eq(tp_track_count(t), 1);
	ck_assert_int_eq(tp_track_edit(t, ID("e@y"), UE, drop_if_inv, &conn),
			TP_EDIT_NONE);
	ck_assert_uint_eq(tp_track_count(t), 1);
	ck_assert_int_eq(tp_track_edit(t, ID("e@y"), UE, drop_if_inv, &other),
			TP_EDIT_DROP);
	ck_assert_uint_eq(tp_track_count(t), 0);
	ck_assert_int_eq(tp_track_edit(t, ID("e@y"), UE, drop_if_inv, &other),
			TP_EDIT_NONE);
	ck_assert_uint_eq(tp_track_count(t), 0);
}
END_TEST

/* starts the entry afresh, as an MO dialog does: the whole record */
static tp_track_edit_result_t restart(tp_call_t *c, int found, void *arg)
{
	(void)found;
	memset(c, 0, sizeof(*c));
	c->conn_id = *(int *)arg;
	return TP_EDIT_STORE;
}

/* the key is the table's: an edit that wipes the record still stores it
 * under the Call-ID and UE it was asked for, inserted or updated */
START_TEST(test_track_edit_keeps_the_key)
{
	tp_call_t out;
	int conn = 21, again = 22;

	ck_assert_int_eq(
			tp_track_edit(t, ID("k@y"), UE, restart, &conn), TP_EDIT_STORE);
	ck_assert_int_eq(tp_track_get(t, ID("k@y"), UE, &out), 1);
	ck_assert_int_eq(out.conn_id, 21);
	ck_assert(tp_addr_eq(&out.ue, UE));
	ck_assert_int_eq(
			tp_track_edit(t, ID("k@y"), UE, restart, &again), TP_EDIT_STORE);
	ck_assert_int_eq(tp_track_get(t, ID("k@y"), UE, &out), 1);
	ck_assert_int_eq(out.conn_id, 22);
	ck_assert_uint_eq(tp_track_count(t), 1);
}
END_TEST

static void count_gone(const char *callid, size_t len, const tp_call_t *c)
{
	ck_assert(len == 3 && memcmp(callid, "f@y", 3) == 0);
	gone_calls++;
	gone_conn += c->conn_id;
}

START_TEST(test_track_end_attempt_takes_every_branch)
{
	tp_call_t a = call(5, 1, 100), b = call(6, 1, 100), c = call(8, 1, 100);

	/* a forked INVITE (attempt 4) to UEs 81 and 82; UE 83 is in a later
	 * attempt of the same Call-ID; another call shares the slot */
	a.attempt = b.attempt = 4;
	c.attempt = 5;
	b.ue.ip[3] = 82;
	c.ue.ip[3] = 83;
	ck_assert_int_eq(tp_track_set(t, ID("f@y"), &a), 0);
	ck_assert_int_eq(tp_track_set(t, ID("f@y"), &b), 0);
	ck_assert_int_eq(tp_track_set(t, ID("f@y"), &c), 0);
	ck_assert_int_eq(tp_track_set(t, ID("g@y"), &a), 0);
	ck_assert_int_eq(tp_track_end_attempt(t, ID("f@y"), 4, count_gone), 2);
	ck_assert_int_eq(gone_calls, 2);
	ck_assert_int_eq(gone_conn, 11);
	ck_assert_uint_eq(tp_track_count(t), 2);
	ck_assert_int_eq(tp_track_end_attempt(t, ID("f@y"), 4, count_gone), 0);
}
END_TEST

TCase *tp_tcase_track(void)
{
	TCase *tc = tcase_create("track");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_track_set_get_replace_del);
	tcase_add_test(tc, test_track_sweep_reports_what_it_drops);
	tcase_add_test(tc, test_track_two_legs_of_one_call);
	tcase_add_test(tc, test_track_del_if_keeps_a_later_attempt);
	tcase_add_test(tc, test_track_edit_inserts_updates_drops);
	tcase_add_test(tc, test_track_edit_keeps_the_key);
	tcase_add_test(tc, test_track_end_attempt_takes_every_branch);
	return tc;
}

/*
 * tcp_persona - unit tests: which connection a phone's dialogs come on
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tp_moconn.h"
#include "tp_observe.h"
#include "unit.h"

static tp_moconn_t *m;
static tp_addr_t phone, other;

static void setup(void)
{
	m = tp_moconn_create(8);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(tp_addr_parse("10.0.0.5:40000", 14, &phone), 0);
	ck_assert_int_eq(tp_addr_parse("192.0.2.1:5060", 14, &other), 0);
}

static void teardown(void)
{
	tp_moconn_destroy(m);
}

/* a request: Call-ID, Via branch, connection */
static tp_moconn_req_t req(const char *cid, const char *branch, int conn)
{
	tp_moconn_req_t r;

	memset(&r, 0, sizeof(r));
	r.callid = cid;
	r.callid_len = strlen(cid);
	r.branch = branch;
	r.branch_len = strlen(branch);
	r.conn = conn;
	return r;
}

/* the INVITE of dialog cid (its branch "inv-" cid) */
static int initial(const char *cid, int conn, int reg, time_t now)
{
	char br[64];
	tp_moconn_req_t r;

	snprintf(br, sizeof(br), "inv-%s", cid);
	r = req(cid, br, conn);
	return tp_moconn_initial(m, &r, &phone, "Maker/# IMS", reg, now);
}

/* a later request of dialog cid with a branch of its own (the ACK of a
 * 2xx, a BYE) */
static int next(const char *cid, const tp_addr_t *src, int conn, time_t now)
{
	char family[TP_FAMILY_MAX + 1] = "";
	tp_moconn_req_t r = req(cid, "z9hG4bK-later", conn);

	return tp_moconn_indialog(m, &r, src, family, now);
}

/* C: everything on the registration connection */
START_TEST(test_moconn_on_registration)
{
	ck_assert_int_eq(initial("c1", 7, 7, 100), TP_OBS_MO_ON_REG);
	ck_assert_int_eq(next("c1", &phone, 7, 100), -1); /* nothing to decide */
	ck_assert_int_eq(initial("c2", 7, 7, 101), TP_OBS_MO_ON_REG);
	/* sent anew after a 401, same Call-ID: counted once */
	ck_assert_int_eq(initial("c2", 7, 7, 102), -1);
}
END_TEST

/* A: a fresh connection, and the dialog's ACK on it */
START_TEST(test_moconn_new_per_dialog)
{
	char family[TP_FAMILY_MAX + 1] = "";
	tp_moconn_req_t ack = req("a1", "z9hG4bK-ack", 11);

	ck_assert_int_eq(initial("a1", 11, 7, 100), -1);
	ck_assert_int_eq(initial("a1", 11, 7, 100), -1); /* retransmission */
	ck_assert_int_eq(tp_moconn_indialog(m, &ack, &phone, family, 101),
			TP_OBS_MO_NEW_DIALOG);
	ck_assert_str_eq(family, "Maker/# IMS");
	ck_assert_int_eq(next("a1", &phone, 11, 102), -1); /* decided: the BYE */
}
END_TEST

/* B: the ACK on another fresh connection */
START_TEST(test_moconn_new_per_transaction)
{
	ck_assert_int_eq(initial("b1", 21, 7, 100), -1);
	ck_assert_int_eq(next("b1", &phone, 22, 101), TP_OBS_MO_NEW_TX);
	ck_assert_int_eq(next("b1", &phone, 23, 102), -1);
}
END_TEST

/* a connection that carried a dialog before carries the next one */
START_TEST(test_moconn_reused_across_dialogs)
{
	ck_assert_int_eq(initial("r1", 31, 7, 100), -1);
	ck_assert_int_eq(next("r1", &phone, 31, 100), TP_OBS_MO_NEW_DIALOG);
	ck_assert_int_eq(initial("r2", 31, 7, 110), TP_OBS_MO_ON_REUSED);
	ck_assert_int_eq(initial("r2", 31, 7, 110), -1); /* retransmission */
	ck_assert_int_eq(initial("r3", 31, 7, 120), TP_OBS_MO_ON_REUSED);
	/* r2 and r3 were decided by the connection: their ACKs count nothing */
	ck_assert_int_eq(next("r2", &phone, 31, 121), -1);
}
END_TEST

/* the ACK of a non-2xx answer has the INVITE's branch: it rides the
 * INVITE's transaction and decides nothing */
START_TEST(test_moconn_non_2xx_ack_decides_nothing)
{
	char family[TP_FAMILY_MAX + 1];
	tp_moconn_req_t ack = req("x1", "inv-x1", 61);

	ck_assert_int_eq(initial("x1", 61, 7, 100), -1);
	ck_assert_int_eq(tp_moconn_indialog(m, &ack, &phone, family, 101), -1);
	ack.conn = 62; /* even on another connection */
	ck_assert_int_eq(tp_moconn_indialog(m, &ack, &phone, family, 101), -1);
	/* the dialog is still open to a 2xx's ACK */
	ck_assert_int_eq(next("x1", &phone, 62, 102), TP_OBS_MO_NEW_TX);
}
END_TEST

/* a new dialog on a connection the proxy opened toward the phone */
START_TEST(test_moconn_proxy_connection_is_reused)
{
	tp_moconn_req_t r = req("p1", "inv-p1", 71);

	r.proxy_opened = 1;
	ck_assert_int_eq(tp_moconn_initial(m, &r, &phone, "F", 7, 100),
			TP_OBS_MO_ON_REUSED);
	ck_assert_int_eq(tp_moconn_initial(m, &r, &phone, "F", 7, 100), -1);
	ck_assert_int_eq(next("p1", &phone, 71, 101), -1); /* decided already */
}
END_TEST

/* a BYE (or another request) of the phone's dialog on connection conn */
static int req_on(const char *cid, int conn, int bye, time_t now)
{
	char family[TP_FAMILY_MAX + 1];
	tp_moconn_req_t r = req(cid, "z9hG4bK-x", conn);

	r.bye = bye;
	return tp_moconn_indialog(m, &r, &phone, family, now);
}

/* who closed the phone's connections, after what */
START_TEST(test_moconn_closes)
{
	char family[TP_FAMILY_MAX + 1] = "";

	/* A: a connection per dialog, closed by the phone after the BYE */
	ck_assert_int_eq(initial("a", 81, 7, 100), -1);
	ck_assert_int_eq(req_on("a", 81, 0, 100), TP_OBS_MO_NEW_DIALOG);
	ck_assert_int_eq(req_on("a", 81, 1, 101), -1);
	ck_assert_int_eq(tp_moconn_closed(m, 81, 1, family, 101),
			TP_OBS_CLOSE_PHONE_DIALOG);
	ck_assert_str_eq(family, "Maker/# IMS");
	ck_assert_int_eq(tp_moconn_closed(m, 81, 1, family, 101), -1); /* once */
	/* B: the INVITE's and the ACK's connections after their transaction,
	 * the BYE's after the dialog */
	ck_assert_int_eq(initial("b", 91, 7, 200), -1);
	ck_assert_int_eq(tp_moconn_closed(m, 91, 1, family, 200),
			TP_OBS_CLOSE_PHONE_TX);
	ck_assert_int_eq(req_on("b", 92, 0, 201), TP_OBS_MO_NEW_TX);
	ck_assert_int_eq(tp_moconn_closed(m, 92, 1, family, 201),
			TP_OBS_CLOSE_PHONE_TX);
	ck_assert_int_eq(req_on("b", 93, 1, 202), -1);
	ck_assert_int_eq(tp_moconn_closed(m, 93, 1, family, 203),
			TP_OBS_CLOSE_PHONE_DIALOG);
	/* C: its registration connection marked by its dialogs too */
	ck_assert_int_eq(initial("c", 7, 7, 300), TP_OBS_MO_ON_REG);
	ck_assert_int_eq(req_on("c", 7, 1, 301), -1);
	ck_assert_int_eq(tp_moconn_closed(m, 7, 1, family, 301),
			TP_OBS_CLOSE_PHONE_DIALOG);
	/* idle: the phone after TP_MOCONN_IDLE_SECS, or the proxy */
	ck_assert_int_eq(initial("i", 95, 7, 400), -1);
	ck_assert_int_eq(tp_moconn_closed(m, 95, 1, family,
							 400 + TP_MOCONN_IDLE_SECS),
			TP_OBS_CLOSE_PHONE_IDLE);
	ck_assert_int_eq(initial("j", 96, 7, 500), -1);
	ck_assert_int_eq(tp_moconn_closed(m, 96, 0, family, 530),
			TP_OBS_CLOSE_PROXY_IDLE);
	/* a connection no dialog of a phone came on */
	ck_assert_int_eq(tp_moconn_closed(m, 97, 1, family, 530), -1);
	ck_assert_int_eq(tp_moconn_closed(m, 0, 1, family, 530), -1);
}
END_TEST

/* the network side's requests within the dialog mark nothing */
START_TEST(test_moconn_network_marks_nothing)
{
	char family[TP_FAMILY_MAX + 1];
	tp_moconn_req_t bye = req("n", "z9hG4bK-net", 55);

	bye.bye = 1;
	ck_assert_int_eq(initial("n", 54, 7, 100), -1);
	ck_assert_int_eq(tp_moconn_indialog(m, &bye, &other, family, 101), -1);
	ck_assert_int_eq(tp_moconn_closed(m, 55, 1, family, 101), -1);
}
END_TEST

/* the network side's requests within the dialog decide nothing */
START_TEST(test_moconn_only_the_phone_decides)
{
	ck_assert_int_eq(initial("n1", 41, 7, 100), -1);
	ck_assert_int_eq(next("n1", &other, 99, 101), -1);
	ck_assert_int_eq(next("n1", &phone, 41, 102), TP_OBS_MO_NEW_DIALOG);
}
END_TEST

/* old evidence is forgotten; a connection id no request came on, and a
 * request without a connection, show nothing */
START_TEST(test_moconn_forgets_and_ignores)
{
	ck_assert_int_eq(initial("o1", 51, 7, 100), -1);
	ck_assert_int_eq(next("o1", &phone, 51, 100 + 600), -1);
	ck_assert_int_eq(initial("o2", 51, 7, 100 + 600), -1); /* fresh again */
	ck_assert_int_eq(next("o2", &phone, 51, 100 + 601), TP_OBS_MO_NEW_DIALOG);
	ck_assert_int_eq(initial("o3", 0, 7, 100), -1);
	ck_assert_int_eq(next("o3", &phone, 0, 100), -1);
	ck_assert_int_eq(next("never", &phone, 5, 100), -1);
}
END_TEST

/* two dialogs in one slot: the later one's evidence wins, the earlier is
 * lost (never counted as the later one's) */
START_TEST(test_moconn_collisions_lose_never_mix)
{
	tp_moconn_t *small = tp_moconn_create(2);
	char cid[16], family[TP_FAMILY_MAX + 1];
	int i, decided = 0, r;

	/* 4 slots, 40 dialogs on fresh connections, then their ACKs */
	tp_moconn_req_t q;

	for(i = 0; i < 40; i++) {
		snprintf(cid, sizeof(cid), "k%d", i);
		q = req(cid, "inv", 100 + i);
		ck_assert_int_eq(tp_moconn_initial(small, &q, &phone, "F", 7, 100), -1);
	}
	for(i = 0; i < 40; i++) {
		snprintf(cid, sizeof(cid), "k%d", i);
		q = req(cid, "ack", 100 + i);
		r = tp_moconn_indialog(small, &q, &phone, family, 101);
		ck_assert(r == -1 || r == TP_OBS_MO_NEW_DIALOG);
		decided += r == TP_OBS_MO_NEW_DIALOG;
	}
	ck_assert_int_le(decided, 4);
	ck_assert_int_ge(decided, 1);
	ck_assert_ptr_null(tp_moconn_create(1));
	ck_assert_ptr_null(tp_moconn_create(21));
	tp_moconn_destroy(small);
}
END_TEST

TCase *tp_tcase_moconn(void)
{
	TCase *tc = tcase_create("moconn");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_moconn_on_registration);
	tcase_add_test(tc, test_moconn_new_per_dialog);
	tcase_add_test(tc, test_moconn_new_per_transaction);
	tcase_add_test(tc, test_moconn_reused_across_dialogs);
	tcase_add_test(tc, test_moconn_only_the_phone_decides);
	tcase_add_test(tc, test_moconn_non_2xx_ack_decides_nothing);
	tcase_add_test(tc, test_moconn_proxy_connection_is_reused);
	tcase_add_test(tc, test_moconn_closes);
	tcase_add_test(tc, test_moconn_network_marks_nothing);
	tcase_add_test(tc, test_moconn_forgets_and_ignores);
	tcase_add_test(tc, test_moconn_collisions_lose_never_mix);
	return tc;
}

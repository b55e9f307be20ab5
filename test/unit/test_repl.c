/*
 * tcp_persona - unit tests: bindings as the text sent between P-CSCFs,
 * the node table, and a replica's put (the later registration wins)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tp_bind.h"
#include "tp_nodes.h"
#include "tp_repl.h"
#include "tp_tomb.h"
#include "unit.h"

static tp_binding_t binding(const char *contact, const char *source)
{
	tp_binding_t b;

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(tp_addr_parse(contact, strlen(contact), &b.contact), 0);
	if(source)
		ck_assert_int_eq(tp_addr_parse(source, strlen(source), &b.source), 0);
	else
		b.source = b.contact;
	b.mode = TP_MODE_DIALOG;
	b.expires = 1893456000;
	strcpy(b.aor, "sip:alice@ims.example");
	strcpy(b.rule, "A-dialog");
	return b;
}

#define MAX_RECS 8
typedef struct seen
{
	int n;
	tp_repl_rec_t r[MAX_RECS];
	char ua[MAX_RECS][64], origin[MAX_RECS][64];
} seen_t;

static int collect(const tp_repl_rec_t *r, void *arg)
{
	seen_t *s = arg;

	ck_assert_int_lt(s->n, MAX_RECS);
	s->r[s->n] = *r;
	ck_assert_uint_lt(r->ua_len, sizeof(s->ua[0]));
	ck_assert_uint_lt(r->origin_len, sizeof(s->origin[0]));
	if(r->ua_len)
		memcpy(s->ua[s->n], r->ua, r->ua_len);
	s->ua[s->n][r->ua_len] = '\0';
	if(r->origin_len)
		memcpy(s->origin[s->n], r->origin, r->origin_len);
	s->origin[s->n][r->origin_len] = '\0';
	s->n++;
	return 0;
}

START_TEST(test_repl_round_trip)
{
	char text[2048];
	tp_repl_buf_t out = {text, 0, sizeof(text)};
	tp_binding_t a = binding("10.0.0.1:5060", NULL),
				 b = binding("[2001:db8::7]:5070", "192.0.2.9:40000");
	/* a User-Agent with the separators of the format in it */
	const char ua[] = "Ph one 3:2\nX";
	tp_repl_kind_t kind;
	seen_t s = {0};
	size_t bad;
	char w[64];

	b.mode = TP_MODE_REUSE;
	b.observe = 1;
	b.rule[0] = '\0';
	ck_assert_int_eq(tp_repl_begin(&out, TP_REPL_UPDATE), 0);
	ck_assert_int_eq(tp_repl_put(&out, &a, 1893455000123ULL, ua, sizeof(ua) - 1, "sip:n1", 6), 0);
	ck_assert_int_eq(tp_repl_put(&out, &b, 0, NULL, 0, "sip:n2:5090", 11), 0);
	ck_assert_int_eq(tp_repl_del(&out, &b.contact, &b.source, 1893450000, 77), 0);
	ck_assert_int_eq(tp_repl_read(text, out.len, &kind, collect, &s, &bad), 3);
	ck_assert_int_eq(kind, TP_REPL_UPDATE);
	ck_assert_int_eq(s.r[0].op, 'P');
	ck_assert(tp_addr_eq(&s.r[0].b.contact, &a.contact));
	ck_assert(tp_addr_eq(&s.r[0].b.source, &a.contact));
	ck_assert_int_eq(s.r[0].b.mode, TP_MODE_DIALOG);
	ck_assert_int_eq(s.r[0].b.observe, 0);
	ck_assert_int_eq(s.r[0].b.expires, a.expires);
	ck_assert_str_eq(s.r[0].b.aor, a.aor);
	ck_assert_str_eq(s.r[0].b.rule, "A-dialog");
	ck_assert_str_eq(s.ua[0], ua);
	ck_assert_str_eq(s.origin[0], "sip:n1");
	ck_assert_uint_eq(s.r[0].at_ms, 1893455000123ULL);
	ck_assert_uint_eq(s.r[1].at_ms, 0);
	ck_assert_int_eq(s.r[1].b.mode, TP_MODE_REUSE);
	ck_assert_int_eq(s.r[1].b.observe, 1);
	ck_assert(strstr(text, " reuse/observe ") != NULL);
	ck_assert_str_eq(s.r[1].b.rule, "");
	ck_assert_str_eq(tp_addr_str(&s.r[1].b.source, w, sizeof(w)),
			"192.0.2.9:40000");
	ck_assert_str_eq(s.origin[1], "sip:n2:5090");
	ck_assert_int_eq(s.r[2].op, 'D');
	ck_assert(tp_addr_eq(&s.r[2].b.contact, &b.contact));
	ck_assert(tp_addr_eq(&s.r[2].b.source, &b.source));
	ck_assert_int_eq(s.r[2].b.expires, 1893450000);
	ck_assert_uint_eq(s.r[2].at_ms, 77);
}
END_TEST

/* a buffer too small keeps what fitted, whole records only */
START_TEST(test_repl_no_room)
{
	char text[120];
	tp_repl_buf_t out = {text, 0, sizeof(text)};
	tp_binding_t a = binding("10.0.0.1:5060", NULL);
	tp_repl_kind_t kind;
	size_t bad, was;
	int n = 0;

	ck_assert_int_eq(tp_repl_begin(&out, TP_REPL_SYNC), 0);
	while((was = out.len, tp_repl_put(&out, &a, 1, "UA", 2, "n", 1)) == 0)
		n++;
	ck_assert_int_eq(out.len, was);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(tp_repl_read(text, out.len, &kind, NULL, NULL, &bad), n);
	ck_assert_int_eq(kind, TP_REPL_SYNC);
	ck_assert_uint_le(out.len,
			strlen(TP_REPL_MAGIC " sync\n") + n * tp_repl_put_max(2, 1));
}
END_TEST

/* every cut of a valid text, and every one-byte change, is read without
 * a fault (ASan watches) and a cut record is refused, not half read */
START_TEST(test_repl_hostile_text)
{
	char text[512], copy[512];
	tp_repl_buf_t out = {text, 0, sizeof(text)};
	tp_binding_t a = binding("10.0.0.1:5060", "10.0.0.2:6000");
	tp_repl_kind_t kind;
	size_t bad, i, full;
	int c;

	tp_repl_begin(&out, TP_REPL_UPDATE);
	tp_repl_put(&out, &a, 5, "UA/1", 4, "sip:n1", 6);
	tp_repl_del(&out, &a.contact, &a.source, 1893450000, 5);
	full = out.len;
	for(i = 0; i < full; i++) {
		char *cut = malloc(i ? i : 1); /* exactly i bytes: ASan sees overreads */
		memcpy(cut, text, i);
		c = tp_repl_read(cut, i, &kind, NULL, NULL, &bad);
		ck_assert_msg(c < 2, "cut at %zu read %d records", i, c);
		free(cut);
	}
	for(i = 0; i < full; i++) {
		memcpy(copy, text, full);
		copy[i] ^= 0x5a;
		tp_repl_read(copy, full, &kind, NULL, NULL, &bad);
	}
	ck_assert_int_eq(tp_repl_read("tcp_persona/1 nonsense\n", 23, &kind, NULL,
							 NULL, &bad),
			-1);
	ck_assert_int_eq(tp_repl_read("tcp_persona/1 update\nP 1.2.3.4:5 - dialog"
								  " 99 7 3:abc 0: 0: 99999:x\n",
							 66, &kind, NULL, NULL, &bad),
			-1);
	ck_assert_uint_gt(bad, 0);
}
END_TEST

START_TEST(test_nodes_names)
{
	tp_nodes_t *n = tp_nodes_create("sip:10.0.0.1:5090", 17);
	char buf[TP_NODE_NAME_MAX + 1];
	int i;

	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(tp_node_id(n, "sip:10.0.0.1:5090", 17), 0);
	ck_assert_int_eq(tp_node_id(n, "sip:10.0.0.2:5090", 17), 1);
	ck_assert_int_eq(tp_node_id(n, "sip:10.0.0.2:5090", 17), 1);
	ck_assert_str_eq(tp_node_name(n, 1, buf, sizeof(buf)), "sip:10.0.0.2:5090");
	ck_assert_str_eq(tp_node_name(n, 9, buf, sizeof(buf)), "");
	ck_assert_int_eq(tp_node_id(n, "", 0), -1);
	ck_assert_int_eq(tp_node_id(n, "a\0b", 3), -1);
	for(i = 2; i < TP_NODES_MAX; i++) {
		snprintf(buf, sizeof(buf), "sip:node%d", i);
		ck_assert_int_eq(tp_node_id(n, buf, strlen(buf)), i);
	}
	ck_assert_int_eq(tp_node_id(n, "sip:one-too-many", 16), -1);
	ck_assert_int_eq(tp_nodes_count(n), TP_NODES_MAX);
	tp_nodes_destroy(n);
}
END_TEST

/* a node's answer to a reload is kept by name, cut to its bound */
START_TEST(test_nodes_reload_answers)
{
	tp_nodes_t *n = tp_nodes_create("sip:a", 5);
	tp_node_info_t info;
	char long_text[300];

	memset(long_text, 'x', sizeof(long_text));
	tp_node_reloaded(n, "sip:b", 5, 200, "reloaded 4 rules", 16, 1000, 7);
	tp_node_reloaded(n, "sip:c", 5, 408, long_text, sizeof(long_text), 1001, 8);
	ck_assert_int_eq(tp_nodes_count(n), 3);
	ck_assert_int_eq(tp_node_info(n, 0, &info), 0);
	ck_assert_str_eq(info.name, "sip:a");
	ck_assert_int_eq(info.reload_at, 0);
	ck_assert_int_eq(tp_node_info(n, 1, &info), 0);
	ck_assert_str_eq(info.name, "sip:b");
	ck_assert_int_eq(info.reload_code, 200);
	ck_assert_str_eq(info.reload_answer, "reloaded 4 rules");
	ck_assert_uint_eq(info.reload_seq, 7);
	ck_assert_int_eq(tp_node_info(n, 2, &info), 0);
	ck_assert_int_eq(info.reload_code, 408);
	ck_assert_uint_eq(strlen(info.reload_answer), TP_NODE_ANSWER_MAX);
	ck_assert_int_eq(tp_node_info(n, 3, &info), -1);
	ck_assert_uint_eq(tp_nodes_next_seq(n), 1);
	ck_assert_uint_eq(tp_nodes_next_seq(n), 2);
	tp_nodes_destroy(n);
}
END_TEST

/* a replica does not replace a registration that expires later */
START_TEST(test_bind_put_newer)
{
	tp_bind_table_t *t = tp_bind_create(16);
	tp_binding_t mine = binding("10.0.0.1:5060", NULL), theirs = mine, got;

	mine.reg_conn_id = 7;
	ck_assert_int_eq(tp_bind_put(t, &mine, "UA", 2), 0);
	theirs.node = 3;
	theirs.mode = TP_MODE_REUSE;
	theirs.expires = mine.expires - 10;
	ck_assert_int_eq(tp_bind_put_newer(t, &theirs, "UA", 2, 1), 0);
	ck_assert_int_eq(tp_bind_get_dst(t, &mine.contact, 0, &got), 1);
	ck_assert_int_eq(got.node, 0);
	ck_assert_int_eq(got.reg_conn_id, 7);
	theirs.expires = mine.expires; /* the same registration again */
	ck_assert_int_eq(tp_bind_put_newer(t, &theirs, "UA", 2, 1), 0);
	ck_assert_int_eq(tp_bind_get_dst(t, &mine.contact, 0, &got), 1);
	ck_assert_int_eq(got.reg_conn_id, 7);
	theirs.expires = mine.expires + 10;
	ck_assert_int_eq(tp_bind_put_newer(t, &theirs, "UA", 2, 1), 1);
	ck_assert_int_eq(tp_bind_get_dst(t, &mine.contact, 0, &got), 1);
	ck_assert_int_eq(got.node, 3);
	ck_assert_int_eq(got.mode, TP_MODE_REUSE);
	ck_assert_int_eq(tp_bind_count(t), 1);
	theirs.expires = 0;
	ck_assert_int_eq(tp_bind_put_newer(t, &theirs, "UA", 2, 1), -1);
	tp_bind_destroy(t);
}
END_TEST

/* another node's end of a registration removes only that registration:
 * not one from another source, not one made since (expiring later) */
START_TEST(test_bind_del_if_until)
{
	tp_bind_table_t *t = tp_bind_create(16);
	tp_binding_t b = binding("10.0.0.1:5060", "10.0.0.9:7000");
	tp_addr_t other;
	time_t was = 0;

	ck_assert_int_eq(tp_addr_parse("10.0.0.9:7001", 13, &other), 0);
	ck_assert_int_eq(tp_bind_put(t, &b, "UA", 2), 0);
	ck_assert_int_eq(tp_bind_del_if(t, &b.contact, &other, 0, 0, NULL), -1);
	ck_assert_int_eq(
			tp_bind_del_if(t, &b.contact, &b.source, b.expires - 1, 0, NULL), -1);
	ck_assert_int_eq(tp_bind_count(t), 1);
	ck_assert_int_eq(
			tp_bind_del_if(t, &b.contact, &b.source, b.expires, 0, &was), 1);
	ck_assert_int_eq(was, b.expires);
	ck_assert_int_eq(tp_bind_count(t), 0);
	tp_bind_destroy(t);
}
END_TEST

TCase *tp_tcase_repl(void)
{
	TCase *tc = tcase_create("repl");

	tcase_add_test(tc, test_repl_round_trip);
	tcase_add_test(tc, test_repl_no_room);
	tcase_add_test(tc, test_repl_hostile_text);
	tcase_add_test(tc, test_nodes_names);
	tcase_add_test(tc, test_nodes_reload_answers);
	tcase_add_test(tc, test_bind_put_newer);
	tcase_add_test(tc, test_bind_del_if_until);
	return tc;
}

/* a removal buries the bindings made before it, for TP_TOMB_SECS */
START_TEST(test_tomb_buries)
{
	tp_tombs_t *t = tp_tombs_create(4);
	tp_addr_t a, b, src, other;
	tp_ms_t now = 1893456000000ULL, rm = now - 50; /* removed 50 ms ago */
	time_t exp = 1893459600;

	ck_assert_int_eq(tp_addr_parse("10.0.0.1:5060", 13, &a), 0);
	ck_assert_int_eq(tp_addr_parse("10.0.0.2:5060", 13, &b), 0);
	ck_assert_int_eq(tp_addr_parse("10.0.0.1:4000", 13, &src), 0);
	ck_assert_int_eq(tp_addr_parse("10.0.0.1:4001", 13, &other), 0);
	ck_assert_int_eq(tp_tomb_buries(t, &a, &src, exp, rm - 5, now), 0);
	tp_tomb_put(t, &a, &src, exp, rm, now);
	/* the registration it ended, made before it, arriving late */
	ck_assert_int_eq(tp_tomb_buries(t, &a, &src, exp, rm - 5, now + 10), 1);
	ck_assert_int_eq(tp_tomb_buries(t, &a, &src, exp, 0, now + 10), 1);
	/* made after the removal (even by a node whose message came first) */
	ck_assert_int_eq(tp_tomb_buries(t, &a, &src, exp, rm + 1, now + 10), 0);
	/* what the removal would have kept: later expiry, other source */
	ck_assert_int_eq(tp_tomb_buries(t, &a, &src, exp + 1, rm - 5, now), 0);
	ck_assert_int_eq(tp_tomb_buries(t, &a, &other, exp, rm - 5, now), 0);
	ck_assert_int_eq(tp_tomb_buries(t, &b, &src, exp, rm - 5, now), 0);
	/* forgotten after TP_TOMB_SECS */
	ck_assert_int_eq(tp_tomb_buries(t, &a, &src, exp, rm - 5,
							 now + TP_TOMB_SECS * 1000ULL),
			0);
	tp_tombs_destroy(t);
}
END_TEST

/* a node's own refresh replaces its binding even when shorter; another
 * node's shorter one does not */
START_TEST(test_bind_put_newer_same_node)
{
	tp_bind_table_t *t = tp_bind_create(16);
	tp_binding_t b = binding("10.0.0.1:5060", NULL), got;

	b.node = 2;
	ck_assert_int_eq(tp_bind_put_newer(t, &b, "UA", 2, 1), 1);
	b.expires -= 100;
	ck_assert_int_eq(tp_bind_put_newer(t, &b, "UA", 2, 1), 1);
	ck_assert_int_eq(tp_bind_get_dst(t, &b.contact, 0, &got), 1);
	ck_assert_int_eq(got.expires, b.expires);
	b.node = 3;
	b.expires -= 100;
	ck_assert_int_eq(tp_bind_put_newer(t, &b, "UA", 2, 1), 0);
	ck_assert_int_eq(tp_bind_get_dst(t, &b.contact, 0, &got), 1);
	ck_assert_int_eq(got.node, 2);
	/* node 2's older binding relayed by another node (a state answer) */
	b.node = 2;
	ck_assert_int_eq(tp_bind_put_newer(t, &b, "UA", 2, 0), 0);
	ck_assert_int_eq(tp_bind_get_dst(t, &b.contact, 0, &got), 1);
	ck_assert_int_eq(got.expires, b.expires + 100);
	/* a removal of this node's own registrations leaves a copy alone */
	ck_assert_int_eq(tp_bind_del_if(t, &b.contact, NULL, 0, 1, NULL), -1);
	ck_assert_int_eq(tp_bind_del_if(t, &b.contact, NULL, 0, 0, NULL), 1);
	tp_bind_destroy(t);
}
END_TEST

TCase *tp_tcase_tomb(void)
{
	TCase *tc = tcase_create("tomb");

	tcase_add_test(tc, test_tomb_buries);
	tcase_add_test(tc, test_bind_put_newer_same_node);
	return tc;
}

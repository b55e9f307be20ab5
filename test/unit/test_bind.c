/*
 * tcp_persona - unit tests: the binding table
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tp_bind.h"
#include "unit.h"

static tp_bind_table_t *t;

static void setup(void)
{
	t = tp_bind_create(1024);
	ck_assert_ptr_nonnull(t);
}

static void teardown(void)
{
	tp_bind_destroy(t);
}

static tp_addr_t addr(const char *ip, unsigned int port)
{
	tp_addr_t a;

	memset(&a, 0, sizeof(a));
	a.af = 4;
	a.port = (uint16_t)port;
	ck_assert_int_eq(inet_pton(AF_INET, ip, a.ip), 1);
	return a;
}

static void bind_ue(const char *cip, unsigned int cport, const char *sip,
		unsigned int sport, tp_mode_t mode, int conn, time_t expires)
{
	tp_binding_t b;

	memset(&b, 0, sizeof(b));
	b.contact = addr(cip, cport);
	b.source = addr(sip, sport);
	b.mode = mode;
	b.reg_conn_id = conn;
	b.expires = expires;
	snprintf(b.rule, sizeof(b.rule), "rule-%d", conn);
	snprintf(b.aor, sizeof(b.aor), "sip:ue%d@ims", conn);
	ck_assert_int_eq(tp_bind_put(t, &b, "UA", 2), 0);
}

START_TEST(test_bind_dst_and_src_lookups)
{
	tp_bind_view_t *v;
	tp_binding_t out;
	tp_addr_t a, c;

	bind_ue("127.0.0.81", 5060, "127.0.0.81", 40001, TP_MODE_DIALOG, 7, 100);
	a = addr("127.0.0.81", 5060);
	ck_assert_int_eq(tp_bind_get_dst(t, &a, 10, &out), 1);
	ck_assert_int_eq(out.mode, TP_MODE_DIALOG);
	ck_assert_int_eq(out.reg_conn_id, 7);
	ck_assert_str_eq(out.rule, "rule-7");
	/* a request's lookup reads the slot only: the AoR is out of line */
	ck_assert_str_eq(out.aor, "");
	v = malloc(sizeof(*v));
	ck_assert_int_eq(tp_bind_find(t, &a, 10, v), 1);
	ck_assert_str_eq(v->b.aor, "sip:ue7@ims");
	ck_assert_str_eq(v->ua, "UA");
	a = addr("127.0.0.81", 40001);
	ck_assert_int_eq(tp_bind_find_src(t, &a, 10, v), 1);
	ck_assert_str_eq(v->b.aor, "sip:ue7@ims");
	free(v);
	ck_assert_int_eq(tp_bind_get_dst(t, &a, 10, &out), 1);
	ck_assert_int_eq(tp_bind_get_src(t, &a, 10, &out), 1);
	/* a UE's new connection from another port is not its source; its
	 * request names its Contact, found from the same IP only */
	a = addr("127.0.0.81", 40999);
	ck_assert_int_eq(tp_bind_get_dst(t, &a, 10, &out), -1);
	ck_assert_int_eq(tp_bind_get_src(t, &a, 10, &out), -1);
	c = addr("127.0.0.81", 5060);
	ck_assert_int_eq(tp_bind_get_by_contact_from(t, &c, &a, 10, &out), 1);
	ck_assert_int_eq(out.reg_conn_id, 7);
	a = addr("127.0.0.82", 40999);
	ck_assert_int_eq(tp_bind_get_by_contact_from(t, &c, &a, 10, &out), -1);
	ck_assert_int_eq(tp_bind_get_by_contact_from(t, &c, &c, 100, &out), -1);
	a = addr("127.0.0.82", 5060);
	ck_assert_int_eq(tp_bind_get_dst(t, &a, 10, &out), -1);
	ck_assert_int_eq(tp_bind_get_src(t, &a, 10, &out), -1);
	ck_assert_uint_eq(tp_bind_count(t), 1);
}
END_TEST

START_TEST(test_bind_refresh_moves_the_registration)
{
	tp_binding_t out;
	tp_addr_t c = addr("127.0.0.83", 5060), old = addr("127.0.0.83", 40001);

	bind_ue("127.0.0.83", 5060, "127.0.0.83", 40001, TP_MODE_REUSE, 7, 100);
	bind_ue("127.0.0.83", 5060, "127.0.0.83", 40002, TP_MODE_REUSE, 9, 200);
	ck_assert_uint_eq(tp_bind_count(t), 1);
	ck_assert_int_eq(tp_bind_get_dst(t, &c, 150, &out), 1);
	ck_assert_int_eq(out.reg_conn_id, 9);
	ck_assert_int_eq(out.expires, 200);
	/* the old source port is no longer an exact match for the UE */
	ck_assert_int_eq(tp_bind_get_dst(t, &old, 150, &out), -1);
}
END_TEST

START_TEST(test_bind_expiry_and_removal)
{
	tp_binding_t out;
	tp_addr_t c = addr("127.0.0.81", 5060);

	bind_ue("127.0.0.81", 5060, "127.0.0.81", 40001, TP_MODE_DIALOG, 7, 100);
	bind_ue("127.0.0.82", 5060, "127.0.0.82", 40001, TP_MODE_DIALOG, 8, 300);
	ck_assert_int_eq(tp_bind_get_dst(t, &c, 100, &out), -1); /* expired */
	ck_assert_int_eq(tp_bind_sweep(t, 100), 1);
	ck_assert_uint_eq(tp_bind_count(t), 1);
	c = addr("127.0.0.82", 5060);
	ck_assert_int_eq(tp_bind_del(t, &c), 1);
	ck_assert_int_eq(tp_bind_del(t, &c), -1);
	ck_assert_int_eq(tp_bind_get_dst(t, &c, 10, &out), -1);
	ck_assert_uint_eq(tp_bind_count(t), 0);
}
END_TEST

START_TEST(test_bind_nat_source_on_another_ip)
{
	tp_binding_t out;
	tp_addr_t pub = addr("127.0.0.99", 61000);

	/* Contact has the private address, the REGISTER came via NAT */
	bind_ue("127.0.0.85", 5060, "127.0.0.99", 61000, TP_MODE_TRANSACTION, 5,
			100);
	ck_assert_int_eq(tp_bind_get_dst(t, &pub, 10, &out), 1);
	ck_assert_int_eq(out.mode, TP_MODE_TRANSACTION);
	ck_assert_int_eq(tp_bind_get_src(t, &pub, 10, &out), 1);
	/* refreshed from another public address: the old copy goes */
	bind_ue("127.0.0.85", 5060, "127.0.0.98", 61000, TP_MODE_TRANSACTION, 6,
			100);
	ck_assert_int_eq(tp_bind_get_dst(t, &pub, 10, &out), -1);
	pub = addr("127.0.0.98", 61000);
	ck_assert_int_eq(tp_bind_get_dst(t, &pub, 10, &out), 1);
	ck_assert_int_eq(tp_bind_sweep(t, 1000), 1);
	ck_assert_int_eq(tp_bind_get_src(t, &pub, 10, &out), -1);
}
END_TEST

/* an ended IMS registration removes the binding only if it made it */
START_TEST(test_bind_del_if_source)
{
	tp_binding_t out;
	tp_addr_t c = addr("127.0.0.85", 5060), pub = addr("127.0.0.99", 61000);
	tp_addr_t other = addr("127.0.0.97", 61000);
	tp_addr_t port = addr("127.0.0.99", 61001);

	bind_ue("127.0.0.85", 5060, "127.0.0.99", 61000, TP_MODE_DIALOG, 5, 100);
	/* the same Contact, registered from another host or port: kept */
	ck_assert_int_eq(tp_bind_del_if_source(t, &c, &other), -1);
	ck_assert_int_eq(tp_bind_del_if_source(t, &c, &port), -1);
	ck_assert_int_eq(tp_bind_get_dst(t, &c, 10, &out), 1);
	ck_assert_int_eq(tp_bind_get_dst(t, &pub, 10, &out), 1);
	/* its own source: gone, with the copy found by the source */
	ck_assert_int_eq(tp_bind_del_if_source(t, &c, &pub), 1);
	ck_assert_int_eq(tp_bind_get_dst(t, &c, 10, &out), -1);
	ck_assert_int_eq(tp_bind_get_dst(t, &pub, 10, &out), -1);
	ck_assert_uint_eq(tp_bind_count(t), 0);
	ck_assert_int_eq(tp_bind_del_if_source(t, &c, &pub), -1);
	/* source and Contact on one IP */
	bind_ue("127.0.0.86", 5060, "127.0.0.86", 40001, TP_MODE_REUSE, 6, 100);
	c = addr("127.0.0.86", 5060);
	port = addr("127.0.0.86", 40002);
	ck_assert_int_eq(tp_bind_del_if_source(t, &c, &port), -1);
	port = addr("127.0.0.86", 40001);
	ck_assert_int_eq(tp_bind_del_if_source(t, &c, &port), 1);
	ck_assert_uint_eq(tp_bind_count(t), 0);
}
END_TEST

/* UEs behind one NAT address, or registered over one connection: each
 * keeps its own binding; the one registered last answers for the shared
 * source; removing any of them leaves the others as they were */
START_TEST(test_bind_many_ues_one_source)
{
	char ip[32];
	tp_binding_t out;
	tp_addr_t a, src = addr("127.0.0.99", 61000);
	int i;

	for(i = 1; i <= 300; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 250, i % 250 + 1);
		bind_ue(ip, 5060, "127.0.0.99", 61000,
				i % 2 ? TP_MODE_DIALOG : TP_MODE_REUSE, i, 100 + i);
		/* and 300 more on one IP, a port each, from their own ports */
		bind_ue("127.0.0.98", 10000 + i, "127.0.0.98", 30000 + i,
				TP_MODE_TRANSACTION, 1000 + i, 100);
	}
	ck_assert_uint_eq(tp_bind_count(t), 600);
	ck_assert_int_eq(tp_bind_get_src(t, &src, 10, &out), 1);
	ck_assert_int_eq(out.reg_conn_id, 300);
	ck_assert_int_eq(tp_bind_get_dst(t, &src, 10, &out), 1);
	ck_assert_int_eq(out.reg_conn_id, 300);
	/* the last one leaves: the one before answers */
	a = out.contact;
	ck_assert_int_eq(tp_bind_del(t, &a), 1);
	ck_assert_int_eq(tp_bind_get_src(t, &src, 10, &out), 1);
	ck_assert_int_eq(out.reg_conn_id, 299);
	/* one in the middle re-registers: it answers, the rest are kept */
	bind_ue("10.0.0.51", 5060, "127.0.0.99", 61000, TP_MODE_DIALOG, 50, 500);
	ck_assert_int_eq(tp_bind_get_src(t, &src, 10, &out), 1);
	ck_assert_int_eq(out.reg_conn_id, 50);
	for(i = 1; i <= 299; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 250, i % 250 + 1);
		a = addr(ip, 5060);
		ck_assert_int_eq(tp_bind_get_dst(t, &a, 10, &out), 1);
		ck_assert_int_eq(out.reg_conn_id, i);
		a = addr("127.0.0.98", 30000 + i);
		ck_assert_int_eq(tp_bind_get_src(t, &a, 10, &out), 1);
		ck_assert_int_eq(out.reg_conn_id, 1000 + i);
	}
	/* all but the refreshed one and the 300 on 127.0.0.98 expire at 400 */
	ck_assert_int_eq(tp_bind_sweep(t, 400), 298 + 300);
	ck_assert_uint_eq(tp_bind_count(t), 1);
	ck_assert_int_eq(tp_bind_get_src(t, &src, 10, &out), 1);
	ck_assert_int_eq(out.reg_conn_id, 50);
}
END_TEST

START_TEST(test_bind_addr_str)
{
	tp_addr_t a = addr("127.0.0.81", 5060), b;
	char buf[64];

	ck_assert_str_eq(tp_addr_str(&a, buf, sizeof(buf)), "127.0.0.81:5060");
	memset(&b, 0, sizeof(b));
	b.af = 6;
	b.port = 5061;
	b.ip[15] = 1;
	ck_assert_str_eq(tp_addr_str(&b, buf, sizeof(buf)), "[::1]:5061");
	ck_assert(!tp_addr_ip_eq(&a, &b));
}
END_TEST

static int reuse_seen[4];
static unsigned int reuse_left[4];

static void on_reuse(int conn_id, unsigned int secs, void *arg)
{
	ck_assert_int_lt(conn_id, 4);
	reuse_seen[conn_id]++;
	reuse_left[conn_id] = secs;
	(*(int *)arg)++;
}

START_TEST(test_bind_each_reuse)
{
	int calls = 0;

	memset(reuse_seen, 0, sizeof(reuse_seen));
	bind_ue("127.0.0.81", 5060, "127.0.0.81", 40001, TP_MODE_REUSE, 1, 100);
	bind_ue("127.0.0.82", 5060, "127.0.0.82", 40001, TP_MODE_DIALOG, 2, 100);
	bind_ue("127.0.0.83", 5060, "127.0.0.83", 40001, TP_MODE_REUSE, 3, 50);
	/* NAT copies are not visited twice */
	bind_ue("127.0.0.84", 5060, "127.0.0.99", 40001, TP_MODE_REUSE, 0, 100);
	tp_bind_each_reuse(t, 40, on_reuse, &calls);
	ck_assert_int_eq(calls, 2);
	ck_assert_int_eq(reuse_seen[1], 1);
	ck_assert_uint_eq(reuse_left[1], 60);
	ck_assert_int_eq(reuse_seen[2], 0);
	ck_assert_int_eq(reuse_seen[3], 1);
	calls = 0;
	tp_bind_each_reuse(t, 50, on_reuse, &calls); /* 3 has expired */
	ck_assert_int_eq(calls, 1);
}
END_TEST

/* an observed reuse UE is handled as none: its connection is not kept */
START_TEST(test_bind_each_reuse_skips_observed)
{
	tp_binding_t b;
	int calls = 0;

	memset(reuse_seen, 0, sizeof(reuse_seen));
	bind_ue("127.0.0.81", 5060, "127.0.0.81", 40001, TP_MODE_REUSE, 1, 100);
	memset(&b, 0, sizeof(b));
	b.contact = addr("127.0.0.82", 5060);
	b.source = addr("127.0.0.82", 40001);
	b.mode = TP_MODE_REUSE;
	b.observe = 1;
	b.reg_conn_id = 2;
	b.expires = 100;
	ck_assert_int_eq(tp_bind_put(t, &b, "UA", 2), 0);
	tp_bind_each_reuse(t, 40, on_reuse, &calls);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(reuse_seen[1], 1);
	ck_assert_int_eq(reuse_seen[2], 0);
	ck_assert_int_eq(tp_bind_get_dst(t, &b.contact, 40, &b), 1);
	ck_assert_int_eq(b.mode, TP_MODE_REUSE);
	ck_assert_int_eq(b.observe, 1);
}
END_TEST

static void count_reuse(int conn_id, unsigned int secs, void *arg)
{
	ck_assert_int_gt(conn_id, 0);
	ck_assert_uint_eq(secs, 99);
	(*(int *)arg)++;
}

START_TEST(test_bind_full_table)
{
	tp_bind_table_t *one = tp_bind_create(150); /* full */
	tp_binding_t b;
	int i, calls = 0;

	for(i = 0; i < 150; i++) {
		memset(&b, 0, sizeof(b));
		b.contact = addr("127.0.0.81", 1000 + i);
		b.mode = TP_MODE_REUSE;
		b.reg_conn_id = i + 1;
		b.expires = 100;
		ck_assert_int_eq(tp_bind_put(one, &b, "", 0), 0);
	}
	/* full: a new UE is refused, one bound is refreshed */
	b.contact = addr("127.0.0.82", 1000);
	ck_assert_int_eq(tp_bind_put(one, &b, "", 0), -1);
	ck_assert_int_eq(tp_bind_has(one, &b.contact), 0);
	b.contact = addr("127.0.0.81", 1000);
	b.reg_conn_id = 1;
	ck_assert_int_eq(tp_bind_put(one, &b, "", 0), 0);
	ck_assert_uint_eq(tp_bind_count(one), 150);
	ck_assert_uint_eq(tp_bind_capacity(one), 150);
	tp_bind_each_reuse(one, 1, count_reuse, &calls);
	ck_assert_int_eq(calls, 150);
	/* one gone, room for one */
	ck_assert_int_eq(tp_bind_del(one, &b.contact), 1);
	b.contact = addr("127.0.0.82", 1000);
	ck_assert_int_eq(tp_bind_put(one, &b, "", 0), 0);
	tp_bind_destroy(one);
}
END_TEST

/* rule names are kept for the table's life, 1024 of them: a UE of a
 * 1025th name is refused, those of known names are still bound */
START_TEST(test_bind_rule_names_bounded)
{
	tp_bind_table_t *tb = tp_bind_create(2000);
	tp_binding_t b, out;
	int i;

	memset(&b, 0, sizeof(b));
	b.mode = TP_MODE_DIALOG;
	b.expires = 100;
	for(i = 0; i < 1025; i++) {
		b.contact = addr("10.1.0.1", 1000 + i);
		snprintf(b.rule, sizeof(b.rule), "name-%d", i);
		ck_assert_int_eq(tp_bind_put(tb, &b, "", 0), i < 1024 ? 0 : -2);
	}
	ck_assert_uint_eq(tp_bind_count(tb), 1024);
	snprintf(b.rule, sizeof(b.rule), "name-7");
	ck_assert_int_eq(tp_bind_put(tb, &b, "", 0), 0);
	ck_assert_int_eq(tp_bind_get_dst(tb, &b.contact, 10, &out), 1);
	ck_assert_str_eq(out.rule, "name-7");
	b.rule[0] = '\0'; /* no rule: no name needed */
	b.contact = addr("10.1.0.2", 1000);
	ck_assert_int_eq(tp_bind_put(tb, &b, "", 0), 0);
	ck_assert_int_eq(tp_bind_get_dst(tb, &b.contact, 10, &out), 1);
	ck_assert_str_eq(out.rule, "");
	tp_bind_destroy(tb);
}
END_TEST

/* the table's size: hash_size's slots at 3/4, else max_bindings */
START_TEST(test_bind_capacity_for)
{
	ck_assert_uint_eq(tp_bind_capacity_for(4, 100000, 7), 12);
	ck_assert_uint_eq(tp_bind_capacity_for(17, 0, 7), 98304);
	ck_assert_uint_eq(tp_bind_capacity_for(0, 500, 7), 500);
	ck_assert_uint_eq(tp_bind_capacity_for(0, 0, 7), 7);
	ck_assert_ptr_null(tp_bind_create(0));
	ck_assert_ptr_null(tp_bind_create(100000001));
}
END_TEST

/* a full table, paged one UE at a time while each UE returned is then
 * removed (a DMQ sync walking while the sweep runs): removals move later
 * UEs back past the walk's position, yet every UE is returned once */
START_TEST(test_bind_next_while_removing)
{
	tp_bind_table_t *tb = tp_bind_create(600);
	static int seen[601];
	tp_bind_cursor_t cur = {0};
	tp_bind_view_t *v = malloc(sizeof(*v));
	tp_binding_t b;
	int i, total = 0;

	memset(seen, 0, sizeof(seen));
	for(i = 0; i < 600; i++) {
		memset(&b, 0, sizeof(b));
		b.contact = addr("10.2.0.1", 1000 + i);
		b.contact.ip[2] = (uint8_t)(i % 7);
		b.reg_conn_id = i + 1;
		b.expires = 100;
		ck_assert_int_eq(tp_bind_put(tb, &b, "", 0), 0);
	}
	while(tp_bind_next(tb, 1, &cur, v, 1) == 1) {
		seen[v->b.reg_conn_id]++;
		total++;
		ck_assert_int_eq(tp_bind_del(tb, &v->b.contact), 1);
		ck_assert_int_le(total, 600);
	}
	for(i = 1; i <= 600; i++)
		ck_assert_msg(seen[i] == 1, "UE %d returned %d times", i, seen[i]);
	ck_assert_uint_eq(tp_bind_count(tb), 0);
	free(v);
	tp_bind_destroy(tb);
}
END_TEST

static void mark_reuse(int conn_id, unsigned int secs, void *arg)
{
	(void)secs;
	((int *)arg)[conn_id]++;
}

/* the timer walks the table in parts: over all parts, each reuse UE is
 * visited exactly once, whatever the parts' count against the slots' */
START_TEST(test_bind_each_reuse_parts)
{
	tp_bind_table_t *tb = tp_bind_create(1000); /* full */
	static int seen[1001], gone[1001];
	unsigned int parts[] = {1, 3, 7, 64, 100}, k, p;
	tp_binding_t b;
	int i;

	for(i = 0; i < 1000; i++) {
		memset(&b, 0, sizeof(b));
		b.contact = addr("127.0.0.81", 1000 + i);
		b.contact.ip[2] = (uint8_t)(i >> 8);
		b.contact.ip[3] = (uint8_t)i;
		b.mode = TP_MODE_REUSE;
		b.reg_conn_id = i + 1;
		b.expires = 100;
		ck_assert_int_eq(tp_bind_put(tb, &b, "", 0), 0);
	}
	for(k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		memset(seen, 0, sizeof(seen));
		for(p = 0; p < parts[k]; p++)
			tp_bind_each_reuse_part(tb, 1, p, parts[k], mark_reuse, seen);
		for(i = 1; i <= 1000; i++)
			ck_assert_int_eq(seen[i], 1);
	}
	/* removals between the parts' walks move UEs back across the parts'
	 * bounds: every UE bound all round is still visited exactly once */
	for(k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		memset(seen, 0, sizeof(seen));
		for(p = 0; p < parts[k]; p++) {
			tp_bind_each_reuse_part(tb, 1, p, parts[k], mark_reuse, seen);
			for(i = 0; i < 5; i++) { /* remove 5, bind them again */
				memset(&b, 0, sizeof(b));
				b.contact = addr("127.0.0.81", 0);
				b.contact.port = (uint16_t)(1000 + (p * 131 + i * 17 + k) % 1000);
				b.contact.ip[2] = (uint8_t)((b.contact.port - 1000) >> 8);
				b.contact.ip[3] = (uint8_t)(b.contact.port - 1000);
				if(tp_bind_del(tb, &b.contact) > 0) {
					gone[b.contact.port - 1000 + 1] = 1;
					b.mode = TP_MODE_REUSE;
					b.reg_conn_id = b.contact.port - 1000 + 1;
					b.expires = 100;
					ck_assert_int_eq(tp_bind_put(tb, &b, "", 0), 0);
				}
			}
		}
		for(i = 1; i <= 1000; i++)
			ck_assert_msg(gone[i] || seen[i] == 1, "parts %u: UE %d seen %d"
					" times", parts[k], i, seen[i]);
		memset(gone, 0, sizeof(gone));
	}
	/* a part out of range visits nothing */
	memset(seen, 0, sizeof(seen));
	tp_bind_each_reuse_part(tb, 1, 3, 3, mark_reuse, seen);
	tp_bind_each_reuse_part(tb, 1, 0, 0, mark_reuse, seen);
	for(i = 1; i <= 1000; i++)
		ck_assert_int_eq(seen[i], 0);
	tp_bind_destroy(tb);
}
END_TEST

TCase *tp_tcase_bind(void)
{
	TCase *tc = tcase_create("bind");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bind_dst_and_src_lookups);
	tcase_add_test(tc, test_bind_refresh_moves_the_registration);
	tcase_add_test(tc, test_bind_expiry_and_removal);
	tcase_add_test(tc, test_bind_nat_source_on_another_ip);
	tcase_add_test(tc, test_bind_del_if_source);
	tcase_add_test(tc, test_bind_many_ues_one_source);
	tcase_add_test(tc, test_bind_addr_str);
	tcase_add_test(tc, test_bind_each_reuse);
	tcase_add_test(tc, test_bind_each_reuse_skips_observed);
	tcase_add_test(tc, test_bind_full_table);
	tcase_add_test(tc, test_bind_next_while_removing);
	tcase_add_test(tc, test_bind_rule_names_bounded);
	tcase_add_test(tc, test_bind_capacity_for);
	tcase_add_test(tc, test_bind_each_reuse_parts);
	return tc;
}

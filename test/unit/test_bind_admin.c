/*
 * tcp_persona - unit tests: what the RPC does with the binding table
 * (addresses as text, find, paging, re-classification)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tp_bind.h"
#include "unit.h"

static tp_bind_table_t *t;

static void setup(void)
{
	t = tp_bind_create(64);
	ck_assert_ptr_nonnull(t);
}

static void teardown(void)
{
	tp_bind_destroy(t);
}

static tp_addr_t addr(const char *text)
{
	tp_addr_t a;

	ck_assert_int_eq(tp_addr_parse(text, strlen(text), &a), 0);
	return a;
}

/* an address for one call's argument */
static const tp_addr_t *at(const char *text)
{
	static tp_addr_t a;

	a = addr(text);
	return &a;
}

static void bind_ua(const char *contact, const char *source, tp_mode_t mode,
		const char *ua, time_t expires)
{
	tp_binding_t b;

	memset(&b, 0, sizeof(b));
	b.contact = addr(contact);
	b.source = addr(source);
	b.mode = mode;
	b.expires = expires;
	snprintf(b.rule, sizeof(b.rule), "old");
	ck_assert_int_eq(tp_bind_put(t, &b, ua, strlen(ua)), 0);
}

START_TEST(test_addr_parse_good)
{
	char buf[64];
	tp_addr_t a;

	ck_assert_int_eq(tp_addr_parse("127.0.0.81:5060", 15, &a), 0);
	ck_assert_int_eq(a.af, 4);
	ck_assert_int_eq(a.port, 5060);
	ck_assert_str_eq(tp_addr_str(&a, buf, sizeof(buf)), "127.0.0.81:5060");
	ck_assert_int_eq(tp_addr_parse("[2001:db8::1]:65535", 19, &a), 0);
	ck_assert_int_eq(a.af, 6);
	ck_assert_str_eq(tp_addr_str(&a, buf, sizeof(buf)), "[2001:db8::1]:65535");
	/* the length counts, not a NUL: a prefix of a longer buffer */
	ck_assert_int_eq(tp_addr_parse("10.0.0.1:5060xyz", 13, &a), 0);
	ck_assert_int_eq(a.port, 5060);
}
END_TEST

START_TEST(test_addr_parse_bad)
{
	static const char *bad[] = {"", ":", "127.0.0.1",
			"127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:123456",
			"127.0.0.1:50a0", "127.0.0.1:-1", "127.0.0.256:5060",
			"ue.example.com:5060", "::1:5060", "[::1]", "[::1]5060",
			"[::1]:", "[]:5060", "[127.0.0.1]:5060", " 127.0.0.1:5060",
			"127.0.0.1:5060 ", NULL};
	tp_addr_t a;
	int i;

	for(i = 0; bad[i]; i++) {
		ck_assert_msg(tp_addr_parse(bad[i], strlen(bad[i]), &a) < 0,
				"'%s' was taken as an address", bad[i]);
		ck_assert_int_eq(a.af, 0);
	}
}
END_TEST

START_TEST(test_find_by_contact_and_by_nat_source)
{
	tp_bind_view_t v;

	bind_ua("127.0.0.81:5060", "192.0.2.9:40000", TP_MODE_REUSE, "Phone/1.0",
			100);
	ck_assert_int_eq(tp_bind_find(t, at("127.0.0.81:5060"), 10, &v), 1);
	ck_assert_str_eq(v.ua, "Phone/1.0");
	ck_assert_uint_eq(v.ua_len, 9);
	/* found through its NAT copy, answered with the UE's own entry */
	memset(&v, 0, sizeof(v));
	ck_assert_int_eq(tp_bind_find(t, at("192.0.2.9:40000"), 10, &v), 1);
	ck_assert_str_eq(v.ua, "Phone/1.0");
	ck_assert_int_eq(tp_addr_eq(&v.b.contact, at("127.0.0.81:5060")), 1);
	ck_assert_int_eq(tp_bind_find(t, at("127.0.0.82:5060"), 10, &v), -1);
	ck_assert_int_eq(
			tp_bind_find(t, at("127.0.0.81:5060"), 100, &v), -1); /* expired */
}
END_TEST

START_TEST(test_find_cuts_a_long_user_agent)
{
	char ua[TP_BIND_UA_SHOW + 100];
	tp_bind_view_t v;

	memset(ua, 'x', sizeof(ua) - 1);
	ua[sizeof(ua) - 1] = '\0';
	bind_ua("127.0.0.81:5060", "127.0.0.81:40000", TP_MODE_NONE, ua, 100);
	ck_assert_int_eq(tp_bind_find(t, at("127.0.0.81:5060"), 10, &v), 1);
	ck_assert_uint_eq(strlen(v.ua), TP_BIND_UA_SHOW);
	ck_assert_uint_eq(v.ua_len, sizeof(ua) - 1);
}
END_TEST

START_TEST(test_next_pages_through_every_ue_once)
{
	tp_bind_cursor_t cur = {0};
	tp_bind_view_t v[3];
	char c[32], s[32];
	int seen[40] = {0}, i, n, total = 0, port;

	for(i = 0; i < 40; i++) {
		snprintf(c, sizeof(c), "127.0.%d.%d:5060", i % 3, i);
		snprintf(s, sizeof(s), "10.9.9.9:%d", 1000 + i); /* NAT copies */
		bind_ua(c, s, TP_MODE_DIALOG, "UA", i < 35 ? 100 : 5);
	}
	/* skip 4, then pages of 3 */
	ck_assert_uint_eq(tp_bind_next(t, 10, &cur, NULL, 4), 4);
	while((n = (int)tp_bind_next(t, 10, &cur, v, 3)) > 0) {
		for(i = 0; i < n; i++) {
			port = v[i].b.contact.ip[3];
			ck_assert_int_lt(port, 35); /* expired ones are not listed */
			ck_assert_int_eq(seen[port]++, 0);
			total++;
		}
	}
	ck_assert_int_eq(total, 35 - 4);
	ck_assert_uint_eq(tp_bind_next(t, 10, &cur, v, 3), 0);
}
END_TEST

static void by_prefix(const char *ua, size_t len, tp_mode_t *mode,
		int *observe, char *rule, size_t rule_size, void *arg)
{
	int reuse = len >= 5 && memcmp(ua, "Reuse", 5) == 0;

	(void)arg;
	*mode = reuse ? TP_MODE_REUSE : TP_MODE_TRANSACTION;
	*observe = len >= 7 && memcmp(ua, "Observe", 7) == 0;
	snprintf(rule, rule_size, "%s", reuse ? "r" : "");
}

START_TEST(test_reclassify_updates_ues_and_nat_copies)
{
	tp_binding_t b;
	unsigned int changed = 99;

	bind_ua("127.0.0.81:5060", "192.0.2.1:4000", TP_MODE_DIALOG, "Reuse/1",
			100);
	bind_ua("127.0.0.82:5060", "127.0.0.82:4000", TP_MODE_TRANSACTION,
			"Other/1", 100);
	bind_ua("127.0.0.83:5060", "127.0.0.83:4000", TP_MODE_NONE, "Reuse/2",
			5); /* expired: left alone */
	ck_assert_uint_eq(tp_bind_reclassify(t, 10, by_prefix, NULL, &changed), 2);
	ck_assert_uint_eq(changed, 1);
	ck_assert_int_eq(tp_bind_get_dst(t, at("127.0.0.81:5060"), 10, &b), 1);
	ck_assert_int_eq(b.mode, TP_MODE_REUSE);
	ck_assert_str_eq(b.rule, "r");
	/* an originating request from behind the NAT sees the new mode too */
	ck_assert_int_eq(tp_bind_get_src(t, at("192.0.2.1:4000"), 10, &b), 1);
	ck_assert_int_eq(b.mode, TP_MODE_REUSE);
	ck_assert_str_eq(b.rule, "r");
	ck_assert_int_eq(tp_bind_get_dst(t, at("127.0.0.82:5060"), 10, &b), 1);
	ck_assert_int_eq(b.mode, TP_MODE_TRANSACTION);
	ck_assert_str_eq(b.rule, "");
}
END_TEST

/* an observe-only rule: the binding keeps the mode it would get and says
 * it is observed; a reload that switches the rule on clears that */
START_TEST(test_reclassify_sets_and_clears_observe)
{
	tp_binding_t b;
	unsigned int changed = 99;

	bind_ua("127.0.0.81:5060", "127.0.0.81:4000", TP_MODE_REUSE,
			"Observe/Reuse", 100);
	ck_assert_int_eq(tp_bind_get_dst(t, at("127.0.0.81:5060"), 10, &b), 1);
	ck_assert_int_eq(b.observe, 0);
	ck_assert_uint_eq(tp_bind_reclassify(t, 10, by_prefix, NULL, &changed), 1);
	ck_assert_uint_eq(changed, 1); /* same mode, now observed */
	ck_assert_int_eq(tp_bind_get_dst(t, at("127.0.0.81:5060"), 10, &b), 1);
	ck_assert_int_eq(b.mode, TP_MODE_TRANSACTION);
	ck_assert_int_eq(b.observe, 1);
	ck_assert_uint_eq(tp_bind_reclassify(t, 10, by_prefix, NULL, &changed), 1);
	ck_assert_uint_eq(changed, 0);
	ck_assert_int_eq(tp_bind_get_src(t, at("127.0.0.81:4000"), 10, &b), 1);
	ck_assert_int_eq(b.observe, 1);
	/* the same User-Agent registered again with observe off */
	memset(&b, 0, sizeof(b));
	b.contact = addr("127.0.0.81:5060");
	b.source = addr("127.0.0.81:4000");
	b.mode = TP_MODE_TRANSACTION;
	b.expires = 100;
	ck_assert_int_eq(tp_bind_put(t, &b, "Observe/Reuse", 13), 0);
	ck_assert_int_eq(tp_bind_get_dst(t, at("127.0.0.81:5060"), 10, &b), 1);
	ck_assert_int_eq(b.observe, 0);
}
END_TEST

TCase *tp_tcase_bind_admin(void)
{
	TCase *tc = tcase_create("bind_admin");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_addr_parse_good);
	tcase_add_test(tc, test_addr_parse_bad);
	tcase_add_test(tc, test_find_by_contact_and_by_nat_source);
	tcase_add_test(tc, test_find_cuts_a_long_user_agent);
	tcase_add_test(tc, test_next_pages_through_every_ue_once);
	tcase_add_test(tc, test_reclassify_updates_ues_and_nat_copies);
	tcase_add_test(tc, test_reclassify_sets_and_clears_observe);
	return tc;
}

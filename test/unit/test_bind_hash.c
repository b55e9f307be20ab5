/*
 * tcp_persona - unit tests: how the binding table spreads its UEs. Address
 * ranges numbered in order (a carrier's pool, the ports of one NAT) must
 * sit as random addresses would; two tables must hash differently (the
 * keys are secret); a miss's lane filter must not hide a UE found by
 * source.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <string.h>

#include "tp_bind.h"
#include "tp_bind_store.h"
#include "unit.h"

#define N_POOL 100000

static tp_addr_t pool_v4(uint32_t i)
{
	tp_addr_t a;

	memset(&a, 0, sizeof(a));
	a.af = 4;
	a.port = 5060;
	a.ip[0] = 10;
	a.ip[1] = (uint8_t)(i >> 16);
	a.ip[2] = (uint8_t)(i >> 8);
	a.ip[3] = (uint8_t)i;
	return a;
}

static tp_addr_t pool_v6(uint32_t i)
{
	tp_addr_t a;

	memset(&a, 0, sizeof(a));
	a.af = 6;
	a.port = 5060;
	a.ip[0] = 0x20;
	a.ip[1] = 0x01;
	a.ip[2] = 0x0d;
	a.ip[3] = 0xb8;
	a.ip[12] = (uint8_t)(i >> 24);
	a.ip[13] = (uint8_t)(i >> 16);
	a.ip[14] = (uint8_t)(i >> 8);
	a.ip[15] = (uint8_t)i;
	return a;
}

static tp_addr_t pool_ports(uint32_t i)
{
	tp_addr_t a = pool_v4(7);

	a.ip[2] = (uint8_t)(i / 60000);
	a.port = (uint16_t)(1024 + i % 60000);
	return a;
}

static void put_ue(tp_bind_table_t *t, const tp_addr_t *c, const tp_addr_t *src)
{
	tp_binding_t b;

	memset(&b, 0, sizeof(b));
	b.contact = *c;
	b.source = *src;
	b.mode = TP_MODE_REUSE;
	b.reg_conn_id = 1;
	b.expires = 5000;
	ck_assert_int_eq(tp_bind_put(t, &b, "UA", 2), 0);
}

/* the mean distance of the UEs from their home slot, the table full (3/4
 * of its slots): linear probing's is 1.5 with a random hash */
static double mean_distance(tp_addr_t (*pool)(uint32_t))
{
	tp_bind_table_t *t = tp_bind_create(N_POOL);
	double sum = 0;
	tp_bind_slot_t c;
	uint32_t i, home;

	ck_assert_ptr_nonnull(t);
	for(i = 0; i < N_POOL; i++) {
		tp_addr_t a = pool(i);

		put_ue(t, &a, &a);
	}
	for(i = 0; i < t->slots; i++) {
		if(!tp_store_read(t, i, &c) || c.u.contact.af == 0)
			continue;
		home = tp_store_home(t, &c.u.contact);
		sum += i >= home ? i - home : i + t->slots - home;
	}
	tp_bind_destroy(t);
	return sum / N_POOL;
}

START_TEST(test_pools_spread_as_random)
{
	double v4 = mean_distance(pool_v4), v6 = mean_distance(pool_v6),
		   ports = mean_distance(pool_ports);

	/* the earlier hash: 10.0.0.0/8 in order, 3.7 */
	ck_assert_msg(v4 < 2.0 && v6 < 2.0 && ports < 2.0,
			"mean distance from home: IPv4 %.2f, IPv6 %.2f, ports %.2f", v4,
			v6, ports);
}
END_TEST

/* the keys are drawn per table: the same 64 contacts do not all get the
 * same homes in two tables */
START_TEST(test_tables_hash_differently)
{
	tp_bind_table_t *a = tp_bind_create(1000), *b = tp_bind_create(1000);
	int i, same = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	for(i = 0; i < 64; i++) {
		tp_addr_t c = pool_v4((uint32_t)i);

		same += tp_store_home(a, &c) == tp_store_home(b, &c);
	}
	ck_assert_int_lt(same, 64);
	tp_bind_destroy(a);
	tp_bind_destroy(b);
}
END_TEST

/* n sources whose home and lane are those of want's */
static int sources_like(tp_bind_table_t *t, const tp_addr_t *want,
		tp_addr_t *out, int n)
{
	uint32_t home = tp_store_home(t, want), i;
	unsigned lane = tp_store_lane(t, want);
	int k = 0;

	for(i = 1; k < n && i < 4000000; i++) {
		tp_addr_t a = pool_ports(i);

		if(tp_store_home(t, &a) == home && tp_store_lane(t, &a) == lane
				&& !tp_addr_eq(&a, want))
			out[k++] = a;
	}
	return k;
}

/* a lane's count stops at 15 and stays there: after 16 UEs of one home
 * and lane come and go, a UE registered from another source of that home
 * and lane is still found by destination, and one of the same home but
 * never registered is not */
START_TEST(test_full_lane_keeps_finding)
{
	tp_bind_table_t *t = tp_bind_create(100);
	tp_addr_t src[17], contact, last = pool_v4(99);
	tp_binding_t out;
	tp_bind_slot_t c;
	unsigned lane;
	int i;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(sources_like(t, &last, src, 17), 17);
	for(i = 0; i < 16; i++) {
		contact = pool_v4(1000 + (uint32_t)i);
		put_ue(t, &contact, &src[i]);
		ck_assert_int_eq(tp_bind_get_dst(t, &src[i], 1000, &out), 1);
	}
	lane = tp_store_lane(t, &last);
	tp_store_read(t, tp_store_home(t, &last), &c);
	ck_assert_uint_eq((c.u.src_here >> (4 * lane)) & 15u, 15);
	for(i = 0; i < 16; i++) {
		contact = pool_v4(1000 + (uint32_t)i);
		ck_assert_int_eq(tp_bind_del(t, &contact), 1);
		ck_assert_int_eq(tp_bind_get_dst(t, &src[i], 1000, &out), -1);
	}
	tp_store_read(t, tp_store_home(t, &last), &c);
	ck_assert_uint_eq((c.u.src_here >> (4 * lane)) & 15u, 15); /* maybe more */
	contact = pool_v4(2000);
	put_ue(t, &contact, &last);
	ck_assert_int_eq(tp_bind_get_dst(t, &last, 1000, &out), 1);
	ck_assert(tp_addr_eq(&out.contact, &contact));
	ck_assert_int_eq(tp_bind_get_dst(t, &src[16], 1000, &out), -1);
	tp_bind_destroy(t);
}
END_TEST

TCase *tp_tcase_bind_hash(void)
{
	TCase *tc = tcase_create("bind_hash");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pools_spread_as_random);
	tcase_add_test(tc, test_tables_hash_differently);
	tcase_add_test(tc, test_full_lane_keeps_finding);
	return tc;
}

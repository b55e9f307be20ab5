/*
 * tcp_persona - unit tests: ids for the connections the module opens
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tp_connid.h"
#include "unit.h"

#define UNUSED __attribute__((unused))

static int never_used(int id UNUSED, void *arg UNUSED)
{
	return 0;
}

static int always_used(int id UNUSED, void *arg UNUSED)
{
	return 1;
}

/* ids listed in arg (0-terminated) are live */
static int used_from_list(int id, void *arg)
{
	const int *l;

	for(l = arg; *l; l++)
		if(*l == id)
			return 1;
	return 0;
}

/* one id in 8, by a hash of it, is live */
static int used_one_in_8(int id, void *arg UNUSED)
{
	return (((uint32_t)id * 2654435761u) >> 29) == 0;
}

START_TEST(test_connid_starts_at_int_max_and_counts_down)
{
	tp_connid_t s;

	tp_connid_init(&s);
	tp_connid_seen(&s, 1);
	ck_assert_int_eq(tp_connid_pick(&s, never_used, NULL), INT_MAX);
	ck_assert_int_eq(tp_connid_pick(&s, never_used, NULL), INT_MAX - 1);
}
END_TEST

START_TEST(test_connid_skips_live_ids_and_gives_up)
{
	tp_connid_t s;
	int live[] = {INT_MAX, INT_MAX - 1, 0};

	tp_connid_init(&s);
	ck_assert_int_eq(tp_connid_pick(&s, used_from_list, live), INT_MAX - 2);
	ck_assert_int_eq(tp_connid_pick(&s, always_used, NULL), 0);
}
END_TEST

START_TEST(test_connid_high_water_mark_takes_fresh_core_ids_only)
{
	tp_connid_t s;

	tp_connid_init(&s);
	tp_connid_seen(&s, 1000);
	tp_connid_seen(&s, 900); /* older: ignored */
	ck_assert_uint_eq(s.core_seen, 1000);
	tp_connid_seen(&s, INT_MAX); /* one of the module's: ignored */
	ck_assert_uint_eq(s.core_seen, 1000);
	tp_connid_seen(&s, 1000 + (int)TP_CONNID_FRESH);
	ck_assert_uint_eq(s.core_seen, 1000 + TP_CONNID_FRESH);
	/* through the core's own overflow */
	s.core_seen = (uint32_t)INT_MAX - 5;
	tp_connid_seen(&s, INT_MIN + 5);
	ck_assert_int_eq((int)s.core_seen, INT_MIN + 5);
}
END_TEST

START_TEST(test_connid_window_never_0_or_minus_1)
{
	tp_connid_t s;

	tp_connid_init(&s);
	/* the next id would be within the margin ahead of the core: back to
	 * the far end of the window, 2^31 ahead */
	s.core_seen = 1000000;
	s.last = s.core_seen + TP_CONNID_MARGIN + 1;
	ck_assert_int_eq(tp_connid_pick(&s, never_used, NULL),
			(int)(s.core_seen + TP_CONNID_FAR));
	/* the core overtook the module (more connections between two picks
	 * than the distance left): also back to the far end */
	s.last = s.core_seen - 5;
	ck_assert_int_eq(tp_connid_pick(&s, never_used, NULL),
			(int)(s.core_seen + TP_CONNID_FAR));
	/* the far end falls on 0 or -1 (Kamailio's "no connection") */
	s.core_seen = TP_CONNID_FAR; /* far end: 0 */
	s.last = TP_CONNID_MARGIN;	 /* the next candidate is out of the window */
	ck_assert_int_eq(tp_connid_pick(&s, never_used, NULL), -2);
	s.core_seen = TP_CONNID_FAR - 1; /* far end: -1 */
	s.last = TP_CONNID_MARGIN;
	ck_assert_int_eq(tp_connid_pick(&s, never_used, NULL), -2);
}
END_TEST

/* A long run of the core (random steps, sometimes a burst of up to
 * TP_CONNID_FRESH / 2, seen by the module late or not at all) and the
 * module (an id now and then, one id in 8 live). For every id given,
 * against the core's real counter then: more than the margin ahead (less
 * what the module had not seen yet), and given by the core, if ever, at
 * least 2^31 connections before; never 0, -1 or a live id; no id given
 * twice among the last 2^16. */
START_TEST(test_connid_keeps_away_from_the_core)
{
	enum
	{
		RING = 1 << 16,
		SET = 1 << 18, /* open addressing, 1/4 full */
		LAG_MAX = 1 << 20
	};
	static uint32_t ring[RING], set[SET];
	tp_connid_t s;
	uint32_t core = 1, seen = 1, d, lag, prev = 0;
	unsigned int seed = 7, i, k, h, picks = 0, jumps = 0, bursts = 0;
	int id;

	memset(ring, 0, sizeof(ring));
	memset(set, 0, sizeof(set));
	tp_connid_init(&s);
	for(i = 0; i < 3000000; i++) {
		/* the core opens connections */
		core += 1 + rand_r(&seed) % 4000;
		if(rand_r(&seed) % 100000 == 0) {
			core += TP_CONNID_FRESH / 4 + rand_r(&seed) % (TP_CONNID_FRESH / 4);
			bursts++;
		}
		/* the module sees some of them, a little late */
		if(rand_r(&seed) % 4 == 0) {
			lag = rand_r(&seed) % LAG_MAX;
			seen = core - lag;
			tp_connid_seen(&s, (int)seen);
		}
		lag = core - s.core_seen;
		id = tp_connid_pick(&s, used_one_in_8, NULL);
		picks++;
		if(id == 0 || id == -1 || used_one_in_8(id, NULL))
			ck_abort_msg("pick %u: id %d", picks, id);
		if(picks > 1 && prev - (uint32_t)id > TP_CONNID_TRIES)
			jumps++; /* not the next one down: back to the far end */
		prev = (uint32_t)id;
		d = (uint32_t)id - core; /* ahead of the real counter */
		if(lag >= TP_CONNID_FRESH)
			ck_abort_msg(
					"pick %u: the module lost the core (lag %u)", picks, lag);
		if(d <= TP_CONNID_MARGIN - lag || d > TP_CONNID_FAR)
			ck_abort_msg("pick %u: id %d is %u ahead of the core %u (lag %u)",
					picks, id, d, core, lag);
		/* no id twice among the last RING: a set of the ring's ids */
		h = ((uint32_t)id * 2654435761u) & (SET - 1);
		while(set[h] != 0 && set[h] != (uint32_t)id)
			h = (h + 1) & (SET - 1);
		if(set[h] == (uint32_t)id)
			ck_abort_msg(
					"pick %u: id %d given twice within %d", picks, id, RING);
		k = picks % RING;
		if(ring[k] != 0) { /* the oldest leaves the set (backward shift) */
			uint32_t j = ((ring[k] * 2654435761u) & (SET - 1)), n;
			while(set[j] != ring[k])
				j = (j + 1) & (SET - 1);
			set[j] = 0;
			for(n = (j + 1) & (SET - 1); set[n] != 0; n = (n + 1) & (SET - 1)) {
				uint32_t home = (set[n] * 2654435761u) & (SET - 1);
				if(((n - home) & (SET - 1)) >= ((n - j) & (SET - 1))) {
					set[j] = set[n];
					set[n] = 0;
					j = n;
				}
			}
		}
		ring[k] = (uint32_t)id;
		set[h] = (uint32_t)id;
	}
	/* the run did go round: the core passed the module's ids again and
	 * again, in bursts too */
	ck_assert_uint_ge(jumps, 3);
	ck_assert_uint_ge(bursts, 10);
}
END_TEST

START_TEST(test_connid_near_core_at_the_margin)
{
	tp_connid_t s;

	tp_connid_init(&s);
	s.core_seen = 1000;
	ck_assert_int_eq(tp_connid_near_core(&s, 1000 + TP_CONNID_MARGIN + 1), 0);
	ck_assert_int_eq(tp_connid_near_core(&s, 1000 + TP_CONNID_MARGIN), 1);
	ck_assert_int_eq(tp_connid_near_core(&s, 1001), 1);
	ck_assert_int_eq(tp_connid_near_core(&s, 1000), 1);
	ck_assert_int_eq(tp_connid_near_core(&s, 999), 1); /* overtaken */
	ck_assert_int_eq(tp_connid_near_core(&s, (int)(1000 + TP_CONNID_FAR)), 0);
	/* across the int overflow */
	s.core_seen = (uint32_t)INT_MAX - 10;
	ck_assert_int_eq(tp_connid_near_core(&s, INT_MIN + 10), 1);
	ck_assert_int_eq(
			tp_connid_near_core(&s, (int)(s.core_seen + TP_CONNID_FAR)), 0);
}
END_TEST

/* a long-lived id (the new-connection marker) moved whenever near_core
 * says so, checked once per "second" of a core opening up to 2^20
 * connections a second: the core never reaches it */
START_TEST(test_connid_marker_moves_before_the_core_reaches_it)
{
	tp_connid_t s;
	uint32_t core = 1;
	unsigned int seed = 11, i, moves = 0;
	int marker;

	tp_connid_init(&s);
	marker = tp_connid_pick(&s, never_used, NULL);
	for(i = 0; i < 40000; i++) {
		core += rand_r(&seed) % (1u << 20);
		tp_connid_seen(&s, (int)core);
		if((uint32_t)marker - core <= TP_CONNID_FRESH
				|| (uint32_t)marker - core > TP_CONNID_FAR)
			ck_abort_msg("second %u: the core (%u) reached the marker (%d)", i,
					core, marker);
		if(tp_connid_near_core(&s, marker)) {
			marker = tp_connid_pick(&s, never_used, NULL);
			moves++;
		}
	}
	ck_assert_uint_ge(moves, 3);
}
END_TEST

TCase *tp_tcase_connid(void)
{
	TCase *tc = tcase_create("connid");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_connid_starts_at_int_max_and_counts_down);
	tcase_add_test(tc, test_connid_skips_live_ids_and_gives_up);
	tcase_add_test(tc, test_connid_high_water_mark_takes_fresh_core_ids_only);
	tcase_add_test(tc, test_connid_window_never_0_or_minus_1);
	tcase_add_test(tc, test_connid_keeps_away_from_the_core);
	tcase_add_test(tc, test_connid_near_core_at_the_margin);
	tcase_add_test(tc, test_connid_marker_moves_before_the_core_reaches_it);
	return tc;
}

/*
 * tcp_persona - unit tests: ids for the connections the module opens
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <limits.h>
#include <string.h>

#include "tp_connid.h"
#include "unit.h"

static int never_used(
		int id __attribute__((unused)), void *arg __attribute__((unused)))
{
	return 0;
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

static int always_used(
		int id __attribute__((unused)), void *arg __attribute__((unused)))
{
	return 1;
}

START_TEST(test_connid_starts_at_int_max_and_counts_down)
{
	uint32_t last = TP_CONNID_START;

	ck_assert_int_eq(tp_connid_pick(&last, 1, never_used, NULL), INT_MAX);
	ck_assert_int_eq(tp_connid_pick(&last, 2, never_used, NULL), INT_MAX - 1);
}
END_TEST

START_TEST(test_connid_skips_live_ids_and_gives_up)
{
	uint32_t last = TP_CONNID_START;
	int live[] = {INT_MAX, INT_MAX - 1, 0};

	ck_assert_int_eq(
			tp_connid_pick(&last, 5, used_from_list, live), INT_MAX - 2);
	ck_assert_int_eq(tp_connid_pick(&last, 5, always_used, NULL), 0);
}
END_TEST

START_TEST(test_connid_jumps_behind_the_core_never_zero)
{
	uint32_t last;
	int core = 1000000;

	/* the next id would be within the margin ahead of the core */
	last = (uint32_t)core + TP_CONNID_MARGIN;
	ck_assert_int_eq(tp_connid_pick(&last, core, never_used, NULL),
			core - (int)TP_CONNID_BEHIND);
	/* behind the core: down to 1, then 0 is skipped into the negatives */
	last = 2;
	ck_assert_int_eq(tp_connid_pick(&last, core, never_used, NULL), 1);
	ck_assert_int_eq(tp_connid_pick(&last, core, never_used, NULL), -1);
	/* the core itself overflowed into the negative ids */
	last = TP_CONNID_START;
	ck_assert_int_eq(
			tp_connid_pick(&last, INT_MIN + 5, never_used, NULL), INT_MAX);
	last = (uint32_t)(INT_MIN + 5) + 10;
	ck_assert_int_eq(tp_connid_pick(&last, INT_MIN + 5, never_used, NULL),
			(int)((uint32_t)(INT_MIN + 5) - TP_CONNID_BEHIND));
}
END_TEST

/* Round and round the 32-bit circle: the core opening connections
 * (several per module connection), the module taking an id for each of
 * its own. Whatever id the module gives, the core needs more than the
 * margin of connections to reach it; and an id the module gave is not
 * given again while it could still be live (the last 2^16). */
START_TEST(test_connid_the_core_never_catches_up)
{
	enum
	{
		WINDOW = 1 << 16
	};
	static int recent[WINDOW];
	uint32_t last = TP_CONNID_START, core = 1, laps = 0, prev_core;
	uint64_t i;
	int id, k, jumps = 0;

	memset(recent, 0, sizeof(recent));
	for(i = 0; laps < 3; i++) {
		prev_core = core;
		core += 65537; /* core connections per module connection */
		if(core < prev_core)
			laps++;
		id = tp_connid_pick(&last, (int)core, never_used, NULL);
		/* plain checks in the loop: each ck_assert writes its location */
		if(id == 0 || (uint32_t)id - core <= TP_CONNID_MARGIN)
			ck_abort_msg("id %d with the core at %u", id, core);
		if((uint32_t)id == core - TP_CONNID_BEHIND)
			jumps++;
		k = (int)(i % WINDOW);
		if(i >= WINDOW && (i % 1021) == 0) { /* sampled: window is large */
			int j;
			for(j = 0; j < WINDOW; j++)
				if(recent[j] == id)
					ck_abort_msg("id %d given twice within %d", id, WINDOW);
		}
		recent[k] = id;
	}
	ck_assert_int_ge(jumps, 3); /* it did meet the core, again and again */
}
END_TEST

TCase *tp_tcase_connid(void)
{
	TCase *tc = tcase_create("connid");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_connid_starts_at_int_max_and_counts_down);
	tcase_add_test(tc, test_connid_skips_live_ids_and_gives_up);
	tcase_add_test(tc, test_connid_jumps_behind_the_core_never_zero);
	tcase_add_test(tc, test_connid_the_core_never_catches_up);
	return tc;
}

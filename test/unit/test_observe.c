/*
 * tcp_persona - unit tests: the per-family observation store
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tp_observe.h"
#include "unit.h"

static int see(tp_observe_t *o, const char *f, tp_obs_event_t ev, time_t now)
{
	return tp_observe(o, f, strlen(f), ev, now);
}

START_TEST(test_observe_counts)
{
	tp_observe_t *o = tp_observe_create(8);
	tp_obs_family_t f;

	ck_assert_int_eq(see(o, "iOS/# iPhone", TP_OBS_MO_ON_REG, 100), 1);
	ck_assert_int_eq(see(o, "iOS/# iPhone", TP_OBS_MO_ON_REG, 101), 0);
	ck_assert_int_eq(see(o, "iOS/# iPhone", TP_OBS_MT_REG_OK, 102), 0);
	ck_assert_int_eq(see(o, "", TP_OBS_MO_ON_REG, 102), -1);
	ck_assert_int_eq(tp_observe_get(o, "iOS/# iPhone", 12, &f), 1);
	ck_assert_uint_eq(f.seen.n[TP_OBS_MO_ON_REG], 2);
	ck_assert_uint_eq(f.seen.n[TP_OBS_MT_REG_OK], 1);
	ck_assert_int_eq(f.first, 100);
	ck_assert_int_eq(f.last, 102);
	ck_assert_int_eq(tp_observe_get(o, "iOS/# iPad", 10, &f), 0);
	ck_assert_uint_eq(tp_observe_count(o), 1);
	tp_observe_destroy(o);
}
END_TEST

/* beyond the bound, the family seen least recently goes, counted */
START_TEST(test_observe_lru)
{
	tp_observe_t *o = tp_observe_create(3);
	tp_obs_family_t f, all[4];

	see(o, "A", TP_OBS_MO_NEW_DIALOG, 10);
	see(o, "B", TP_OBS_MO_NEW_TX, 11);
	see(o, "C", TP_OBS_MO_ON_REG, 12);
	see(o, "A", TP_OBS_MO_NEW_DIALOG, 13); /* A is now the most recent */
	ck_assert_int_eq(see(o, "D", TP_OBS_MO_ON_REG, 14), 1);
	ck_assert_int_eq(tp_observe_get(o, "B", 1, &f), 0);
	ck_assert_int_eq(tp_observe_get(o, "A", 1, &f), 1);
	ck_assert_uint_eq(f.seen.n[TP_OBS_MO_NEW_DIALOG], 2);
	ck_assert_int_eq(tp_observe_get(o, "D", 1, &f), 1);
	ck_assert_uint_eq(f.seen.n[TP_OBS_MO_ON_REG], 1);
	ck_assert_uint_eq(tp_observe_evicted(o), 1);
	ck_assert_uint_eq(tp_observe_count(o), 3);
	ck_assert_uint_eq(tp_observe_list(o, 0, all, 4), 3);
	ck_assert_uint_eq(tp_observe_list(o, 2, all, 4), 1);
	tp_observe_destroy(o);
}
END_TEST

/* many families through a small store: every one present is found with
 * its own counts, and the chains stay whole across evictions */
START_TEST(test_observe_churn)
{
	tp_observe_t *o = tp_observe_create(64);
	tp_obs_family_t f;
	char name[32];
	int i, found = 0;

	for(i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "fam-%d", i % 300);
		see(o, name, TP_OBS_MO_NEW_TX, i);
	}
	for(i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "fam-%d", i);
		if(tp_observe_get(o, name, strlen(name), &f)) {
			found++;
			ck_assert_str_eq(f.family, name);
			ck_assert_uint_ge(f.seen.n[TP_OBS_MO_NEW_TX], 1);
		}
	}
	ck_assert_int_eq(found, 64);
	ck_assert_uint_eq(tp_observe_count(o), 64);
	/* no family twice, and each listed one is the one found by name */
	{
		tp_obs_family_t all[64], g;
		unsigned int n = tp_observe_list(o, 0, all, 64), a, b;

		ck_assert_uint_eq(n, 64);
		for(a = 0; a < n; a++) {
			for(b = a + 1; b < n; b++)
				ck_assert_str_ne(all[a].family, all[b].family);
			ck_assert_int_eq(tp_observe_get(o, all[a].family,
									 strlen(all[a].family), &g),
					1);
			ck_assert_int_eq(g.first, all[a].first);
			ck_assert_uint_eq(g.seen.n[TP_OBS_MO_NEW_TX],
					all[a].seen.n[TP_OBS_MO_NEW_TX]);
		}
	}
	/* the 64 seen last are the ones kept */
	for(i = 4999; i > 4999 - 64; i--) {
		snprintf(name, sizeof(name), "fam-%d", i % 300);
		ck_assert_int_eq(tp_observe_get(o, name, strlen(name), &f), 1);
	}
	tp_observe_destroy(o);
}
END_TEST

/* random families, some seen often, against a plain model of a bounded
 * store that evicts the least recently seen */
#define MODEL_MAX 16
#define MODEL_FAMS 60
START_TEST(test_observe_model)
{
	tp_observe_t *o = tp_observe_create(MODEL_MAX);
	int in[MODEL_FAMS], count[MODEL_FAMS], last[MODEL_FAMS];
	unsigned int seed = 12345, held = 0;
	tp_obs_family_t f;
	char name[16];
	int op, k, j, old;

	memset(in, 0, sizeof(in));
	for(op = 1; op <= 20000; op++) {
		seed = seed * 1103515245u + 12345u;
		k = (int)((seed >> 16) % MODEL_FAMS);
		if(k % 3) /* skewed: the low families come back often */
			k %= 10;
		snprintf(name, sizeof(name), "f%d", k);
		if(!in[k]) {
			if(held == MODEL_MAX) {
				for(old = -1, j = 0; j < MODEL_FAMS; j++)
					if(in[j] && (old < 0 || last[j] < last[old]))
						old = j;
				in[old] = 0;
				held--;
			}
			in[k] = 1;
			count[k] = 0;
			held++;
		}
		count[k]++;
		last[k] = op;
		ck_assert_int_eq(tp_observe(o, name, strlen(name), TP_OBS_MO_ON_REG, op),
				count[k] == 1);
	}
	for(k = 0; k < MODEL_FAMS; k++) {
		snprintf(name, sizeof(name), "f%d", k);
		ck_assert_int_eq(tp_observe_get(o, name, strlen(name), &f), in[k]);
		if(in[k])
			ck_assert_uint_eq(f.seen.n[TP_OBS_MO_ON_REG], (unsigned)count[k]);
	}
	ck_assert_uint_eq(tp_observe_count(o), held);
	tp_observe_destroy(o);
}
END_TEST

TCase *tp_tcase_observe(void)
{
	TCase *tc = tcase_create("observe");

	tcase_add_test(tc, test_observe_counts);
	tcase_add_test(tc, test_observe_lru);
	tcase_add_test(tc, test_observe_churn);
	tcase_add_test(tc, test_observe_model);
	return tc;
}

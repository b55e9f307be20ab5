/*
 * tcp_persona - benchmark: the binding table
 *
 * Copyright (C) 2026 tcp_persona authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The module's own table code (tp_bind.c, built standalone: calloc for
 * shm_malloc, a 4-byte spin lock like gen_lock_t) with 1,000,000 bindings:
 * memory per binding including the index, insert, lookup hit and miss,
 * refresh, expiry sweep (and the longest time it holds one slot's lock),
 * then two threads looking up while a third inserts and expires.
 */

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tp_bind.h"

#include "bench_util.h"

#define N_UES 1000000

static tp_bind_table_t *t;
static char *uas[512];
static int n_uas;

static tp_addr_t ue_addr(uint32_t i, uint16_t port)
{
	tp_addr_t a;

	memset(&a, 0, sizeof(a));
	a.af = 4;
	a.port = port;
	a.ip[0] = 10;
	a.ip[1] = (uint8_t)(i >> 16);
	a.ip[2] = (uint8_t)(i >> 8);
	a.ip[3] = (uint8_t)i;
	return a;
}

static void ue_binding(uint32_t i, time_t expires, tp_binding_t *b)
{
	memset(b, 0, sizeof(*b));
	b->contact = ue_addr(i, 5060);
	b->source = ue_addr(i, (uint16_t)(30000 + i % 30000));
	b->mode = (tp_mode_t)(i % 4);
	b->reg_conn_id = (int)i + 1;
	b->expires = expires;
	snprintf(b->rule, sizeof(b->rule), "rule-%u", i % 60);
	snprintf(b->aor, sizeof(b->aor),
			"sip:+4917%08u@ims.mnc001.mcc262.3gppnetwork.org", i);
}

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static int put(uint32_t i, time_t expires)
{
	tp_binding_t b;
	const char *ua = uas[i % (uint32_t)n_uas];

	ue_binding(i, expires, &b);
	return tp_bind_put(t, &b, ua, strlen(ua));
}

/* lookups by contact of random UEs below n (hit) or above it (miss);
 * serial: each key depends on the last lookup's result, so lookups
 * cannot overlap their waits for memory (in kamailio a message does one
 * lookup among much other work) */
static double lookups_how(
		uint32_t n, int miss, int count, uint64_t *seed, int serial)
{
	tp_binding_t out;
	tp_addr_t a;
	int i, found = 0;
	double t0 = bench_now();

	for(i = 0; i < count; i++) {
		uint64_t r = bench_rand(seed) ^ (serial ? (uint64_t)(found & 1) : 0);
		uint32_t k = (uint32_t)(r % n) + (miss ? n : 0);

		a = ue_addr(k, 5060);
		found += tp_bind_get_dst(t, &a, 1000, &out) > 0;
	}
	if(found != (miss ? 0 : count))
		fprintf(stderr, "lookups: %d of %d found\n", found, count);
	return count / (bench_now() - t0);
}

static double lookups(uint32_t n, int miss, int count, uint64_t *seed)
{
	return lookups_how(n, miss, count, seed, 0);
}

/* the same lookups on 10,000 UEs, which fit in the CPU's caches: the
 * table's own cost without the wait for memory */
static void small_table_lookups(void)
{
	tp_bind_table_t *big = t;
	uint64_t seed = 7;
	double hit, miss;
	uint32_t i;

	t = tp_bind_create(10000);
	for(i = 0; i < 10000; i++)
		put(i, 5000);
	lookups(10000, 0, 200000, &seed); /* warm */
	hit = lookups(10000, 0, 2000000, &seed);
	miss = lookups(10000, 1, 2000000, &seed);
	printf("lookup on 10,000 UEs (cache-resident): hit %.2f M/s, miss %.2f "
		   "M/s\n",
			hit / 1e6, miss / 1e6);
	tp_bind_destroy(t);
	t = big;
}

/* the same million UEs in a table of 1.5 million (max_bindings above the
 * UEs bound, as an operator sizes it): shorter probes, more memory */
static void roomier_table_lookups(void)
{
	tp_bind_table_t *full = t;
	size_t before = heap_used();
	uint64_t seed = 11;
	double hit, miss, bytes;
	uint32_t i;

	t = tp_bind_create(N_UES + N_UES / 2);
	for(i = 0; i < N_UES; i++)
		put(i, 5000);
	bytes = (double)(heap_used() - before) / N_UES;
	hit = lookups(N_UES, 0, 2000000, &seed);
	miss = lookups(N_UES, 1, 2000000, &seed);
	printf("in a table of 1,500,000 (2/3 full): hit %.2f M/s, miss %.2f M/s,"
		   " %.1f bytes per binding\n",
			hit / 1e6, miss / 1e6, bytes);
	tp_bind_destroy(t);
	t = full;
}

static volatile int stop;
static long thread_lookups[2];

static void *lookup_thread(void *arg)
{
	long id = (long)arg;
	uint64_t seed = 0x1000 + (uint64_t)id;
	tp_binding_t out;
	tp_addr_t a;
	long n = 0;

	while(!stop) {
		a = ue_addr((uint32_t)(bench_rand(&seed) % N_UES), 5060);
		tp_bind_get_dst(t, &a, 1000, &out);
		n++;
	}
	thread_lookups[id] = n;
	return NULL;
}

static void *churn_thread(void *arg)
{
	uint32_t i = 0;
	long *done = arg;

	/* re-registrations with short lives, and sweeps of what expired */
	while(!stop) {
		put(i % N_UES, (i & 1) ? 999 : 5000);
		if(++i % 100000 == 0)
			tp_bind_sweep(t, 1000);
	}
	*done = i;
	return NULL;
}

int main(int argc, char **argv)
{
	size_t before, after;
	uint64_t seed = 42, max_hold = 0;
	double t0, ins, hit, miss, refresh, sweep_s, conc_s = 2.0;
	long churned = 0;
	pthread_t th[3];
	uint32_t i;
	int swept;

	n_uas = bench_load_uas(
			argc > 1 ? argv[1] : "data/user_agents.txt", uas, 512);
	before = heap_used();
	t = tp_bind_create(N_UES); /* full: 3/4 of its slots */
	t0 = bench_now();
	for(i = 0; i < N_UES; i++) {
		if(put(i, 5000) < 0)
			return 1;
	}
	ins = N_UES / (bench_now() - t0);
	after = heap_used();
	printf("bindings: %u UEs, a table of %u (full), %d distinct"
		   " User-Agents\n",
			tp_bind_count(t), tp_bind_capacity(t), n_uas);
	printf("memory per binding (incl. index): %.1f bytes (target <= 128: %s)\n",
			(double)(after - before) / N_UES,
			(double)(after - before) / N_UES <= 128 ? "met" : "MISSED");
	printf("insert: %.2f M/s\n", ins / 1e6);
	hit = lookups(N_UES, 0, 2000000, &seed);
	miss = lookups(N_UES, 1, 2000000, &seed);
	printf("lookup hit: %.2f M/s, miss: %.2f M/s, one core (target >= 5 M/s:"
		   " %s)\n",
			hit / 1e6, miss / 1e6,
			hit >= 5e6 && miss >= 5e6 ? "met" : "MISSED");
	hit = lookups_how(N_UES, 0, 2000000, &seed, 1);
	miss = lookups_how(N_UES, 1, 2000000, &seed, 1);
	printf("lookup one after another (each waits for the last): hit %.2f"
		   " M/s, miss %.2f M/s\n",
			hit / 1e6, miss / 1e6);
	small_table_lookups();
	roomier_table_lookups();
	t0 = bench_now();
	for(i = 0; i < N_UES; i++)
		put(i, (i & 1) ? 999 : 5000); /* half of them expire at 999 */
	refresh = N_UES / (bench_now() - t0);
	printf("refresh: %.2f M/s\n", refresh / 1e6);
	t0 = bench_now();
	swept = tp_bind_sweep_timed(t, 1000, &max_hold);
	sweep_s = bench_now() - t0;
	printf("sweep: %d expired of %d in %.1f ms; longest slot lock hold %.1f us"
		   " (target <= 1 ms: %s)\n",
			swept, N_UES, sweep_s * 1e3, max_hold / 1e3,
			max_hold <= 1000000 ? "met" : "MISSED");
	for(i = 0; i < N_UES; i += 2)
		put(i + 1, 5000); /* back to a million */
	pthread_create(&th[0], NULL, lookup_thread, (void *)0L);
	pthread_create(&th[1], NULL, lookup_thread, (void *)1L);
	pthread_create(&th[2], NULL, churn_thread, &churned);
	usleep((useconds_t)(conc_s * 1e6));
	stop = 1;
	for(i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	printf("concurrent (%.0f s): 2 lookup threads %.2f + %.2f M/s while a third"
		   " put %.2f M/s with sweeps\n",
			conc_s, thread_lookups[0] / conc_s / 1e6,
			thread_lookups[1] / conc_s / 1e6, churned / conc_s / 1e6);
	tp_bind_destroy(t);
	return 0;
}

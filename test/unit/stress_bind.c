/*
 * tcp_persona - the binding table under threads, for ThreadSanitizer.
 * Two writers (REGISTERs, removals, sweeps, re-classification) and two
 * readers (every lookup, walks) on 2,000 UEs that share 40 source
 * addresses and 8 IPs, so entries sit in two chains and locks are taken
 * in pairs, for STRESS_SECONDS (default 2). Built with -fsanitize=thread
 * (make -C test/unit stress): any data race ends it with TSan's report;
 * at the end the table's count must match a walk of it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bind_fixtures.h"
#include "tp_bind.h"

#define N_UES 2000

static tp_bind_table_t *t;
static int stop;

static tp_addr_t contact_of(unsigned int k)
{
	return tp_fx_addr((uint8_t)(1 + k % 8), (uint16_t)(5060 + k / 8));
}

static tp_addr_t source_of(unsigned int k, uint64_t *s)
{
	if(tp_fx_rand(s) % 3 == 0)
		return contact_of(k);
	return tp_fx_addr((uint8_t)(100 + tp_fx_rand(s) % 4), (uint16_t)(61000 + tp_fx_rand(s) % 10));
}

static void classify(const char *ua, size_t len, tp_mode_t *mode,
		int *observe, char *rule, size_t rule_size, void *arg)
{
	(void)arg;
	*mode = (tp_mode_t)(len % 4);
	*observe = len % 3 == 0;
	snprintf(rule, rule_size, "r%.*s", (int)(len > 4 ? 4 : len), ua);
}

static void on_reuse(int conn_id, unsigned int secs, void *arg)
{
	(void)conn_id;
	(void)secs;
	(void)arg;
}

static void *writer(void *arg)
{
	uint64_t s = 0x9e3779b97f4a7c15ull + (uintptr_t)arg;
	time_t now = 1000;
	unsigned int changed, k;
	tp_binding_t b;
	tp_addr_t c, src;

	while(!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		k = (unsigned int)(tp_fx_rand(&s) % N_UES);
		c = contact_of(k);
		switch(tp_fx_rand(&s) % 16) {
			case 0:
				tp_bind_del(t, &c);
				break;
			case 1:
				src = source_of(k, &s);
				tp_bind_del_if_source(t, &c, &src);
				break;
			case 2:
				tp_bind_sweep(t, now + (time_t)(tp_fx_rand(&s) % 30));
				break;
			case 3:
				if((uintptr_t)arg == 1)
					tp_bind_reclassify(t, now, classify, NULL, &changed);
				break;
			default:
				memset(&b, 0, sizeof(b));
				b.contact = c;
				b.source = source_of(k, &s);
				/* each field tells of the others: a torn read shows */
				b.reg_conn_id = (int)(k * 1000 + tp_fx_rand(&s) % 1000) + 1;
				b.mode = (tp_mode_t)(b.reg_conn_id % 4);
				b.expires = now + 1 + (time_t)(tp_fx_rand(&s) % 60);
				snprintf(b.rule, sizeof(b.rule), "rule-%u", k % 7);
				snprintf(b.aor, sizeof(b.aor), "sip:ue%u@ims%u", k, k % 3);
				tp_bind_put(t, &b, k % 2 ? "UA-one" : "UA-two/2", k % 2 ? 6 : 8);
		}
	}
	return NULL;
}

static int torn;

/* a binding read while writers change it is one a writer wrote: its
 * connection names its contact, its mode and rule follow (re-classified
 * ones excepted: those have the classifier's mode and rule) */
static void check_whole(int found, const tp_binding_t *b)
{
	unsigned int k = (unsigned int)(b->reg_conn_id - 1) / 1000;
	tp_addr_t c = contact_of(k);
	char rule[16];

	if(found < 0)
		return;
	snprintf(rule, sizeof(rule), "rule-%u", k % 7);
	if(k >= N_UES || !tp_addr_eq(&b->contact, &c)
			|| (strcmp(b->rule, rule) == 0
					&& b->mode != (tp_mode_t)(b->reg_conn_id % 4))
			|| (b->rule[0] != 'r'))
		__atomic_add_fetch(&torn, 1, __ATOMIC_RELAXED);
}

static void *reader(void *arg)
{
	uint64_t s = 0x12345 + (uintptr_t)arg;
	tp_bind_cursor_t cur = {0};
	tp_bind_view_t v[4];
	tp_binding_t out;
	tp_addr_t a, c;
	unsigned int k, part = 0;

	while(!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		k = (unsigned int)(tp_fx_rand(&s) % N_UES);
		c = contact_of(k);
		a = source_of(k, &s);
		check_whole(tp_bind_get_dst(t, &c, 1000, &out), &out);
		check_whole(tp_bind_get_dst(t, &a, 1000, &out), &out);
		check_whole(tp_bind_get_src(t, &a, 1000, &out), &out);
		check_whole(tp_bind_get_by_contact_from(t, &c, &a, 1000, &out), &out);
		tp_bind_has(t, &c);
		tp_bind_find(t, &a, 1000, &v[0]);
		if(tp_bind_next(t, 1000, &cur, v, 4) == 0)
			memset(&cur, 0, sizeof(cur));
		tp_bind_each_reuse_part(t, 1000, part++ % 16, 16, on_reuse, NULL);
	}
	return NULL;
}

/* phase 2: UE A registered from source S after UE B did; while A
 * refreshes over and over, a lookup by S must answer A every time (the
 * source's entry names B for a moment inside each refresh) */
static tp_bind_table_t *t2;
static int wrong_newest;

static void put_ue(tp_bind_table_t *tb, uint8_t host, int conn)
{
	tp_binding_t b;

	memset(&b, 0, sizeof(b));
	b.contact = tp_fx_addr(host, 5060);
	b.source = tp_fx_addr(9, 40000); /* an SBC's one connection */
	b.contact.ip[3] = 9;			 /* same IP as the source */
	b.contact.port = (uint16_t)(5060 + host);
	b.mode = TP_MODE_REUSE;
	b.reg_conn_id = conn;
	b.expires = 5000;
	snprintf(b.rule, sizeof(b.rule), "rule-%d", conn);
	tp_bind_put(tb, &b, "UA", 2);
}

static void *refresher(void *arg)
{
	(void)arg;
	while(!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		put_ue(t2, 1, 1);
	return NULL;
}

static void *newest_reader(void *arg)
{
	tp_addr_t s = tp_fx_addr(9, 40000);
	tp_binding_t out;

	(void)arg;
	s.ip[3] = 9;
	while(!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		if(tp_bind_get_src(t2, &s, 1000, &out) < 0 || out.reg_conn_id != 1)
			__atomic_add_fetch(&wrong_newest, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* one writer and two readers for a second */
static void refresh_while_read(void *(*writer_f)(void *), void *(*reader_f)(void *))
{
	pthread_t th[3];
	int i;

	__atomic_store_n(&stop, 0, __ATOMIC_RELAXED);
	for(i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, i == 0 ? writer_f : reader_f, NULL);
	sleep(1);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for(i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
}

static int newest_holds(void)
{
	if((t2 = tp_bind_create(16)) == NULL)
		return 0;
	put_ue(t2, 2, 2); /* B */
	put_ue(t2, 1, 1); /* A, the newest */
	refresh_while_read(refresher, newest_reader);
	printf("stress_bind: the newest UE of a source while it refreshes: %d"
		   " wrong answers\n",
			wrong_newest);
	tp_bind_destroy(t2);
	return wrong_newest == 0;
}

/* phase 3: the only UE registered from source S refreshes over and
 * over; each refresh takes it off S's list and puts it back, so the
 * count of S's lane in its home slot is 0 for a moment. A lookup by
 * destination S that reads the count then must not believe it (the
 * source-list change count says so) and must answer the UE every time */
static tp_bind_table_t *t3;
static int lone_missed;

static tp_binding_t lone_ue(void)
{
	tp_binding_t b;

	memset(&b, 0, sizeof(b));
	b.contact = tp_fx_addr(3, 5060);
	b.source = tp_fx_addr(3, 41000); /* the UE's own connection */
	b.mode = TP_MODE_REUSE;
	b.reg_conn_id = 3;
	b.expires = 5000;
	return b;
}

static void *lone_refresher(void *arg)
{
	tp_binding_t b = lone_ue();

	(void)arg;
	while(!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		tp_bind_put(t3, &b, "UA", 2);
	return NULL;
}

static void *lone_reader(void *arg)
{
	tp_addr_t s = lone_ue().source;
	tp_binding_t out;

	(void)arg;
	while(!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		if(tp_bind_get_dst(t3, &s, 1000, &out) < 0 || out.reg_conn_id != 3)
			__atomic_add_fetch(&lone_missed, 1, __ATOMIC_RELAXED);
	return NULL;
}

static int lone_source_holds(void)
{
	tp_binding_t b = lone_ue();

	if((t3 = tp_bind_create(16)) == NULL || tp_bind_put(t3, &b, "UA", 2) < 0)
		return 0;
	refresh_while_read(lone_refresher, lone_reader);
	printf("stress_bind: a source's only UE while it refreshes, by"
		   " destination: %d misses\n",
			lone_missed);
	tp_bind_destroy(t3);
	return lone_missed == 0;
}

/* after the storm, every UE is found by its contact, and its source
 * answers with a UE registered from there */
static int indexed(const tp_bind_view_t *v)
{
	tp_binding_t out;

	if(tp_bind_get_dst(t, &v->b.contact, 0, &out) < 0
			|| out.reg_conn_id != v->b.reg_conn_id)
		return 0;
	if(tp_bind_get_src(t, &v->b.source, 0, &out) < 0)
		return 0;
	return tp_addr_eq(&out.source, &v->b.source)
		   || tp_addr_eq(&out.contact, &v->b.source);
}

int main(void)
{
	const char *env = getenv("STRESS_SECONDS");
	int secs = env ? atoi(env) : 2, i;
	tp_bind_cursor_t cur = {0};
	unsigned int walked = 0, lost = 0, n;
	static tp_bind_view_t v[1];
	pthread_t th[4];

	if((t = tp_bind_create(N_UES)) == NULL)
		return 1;
	for(i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, i < 2 ? writer : reader, (void *)(uintptr_t)i);
	sleep((unsigned int)secs);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for(i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	/* every UE bound once: the count and a walk agree (expired ones are
	 * still counted until swept) */
	while((n = tp_bind_next(t, 0, &cur, v, 1)) > 0) {
		walked += n;
		lost += !indexed(&v[0]);
	}
	printf("stress_bind: %u UEs bound, %u walked after %d s of 2 writers and"
		   " 2 readers; %d torn reads, %u UEs not found by contact or source\n",
			tp_bind_count(t), walked, secs, torn, lost);
	if(walked != tp_bind_count(t) || torn || lost)
		return 1;
	tp_bind_destroy(t);
	if(!newest_holds() || !lone_source_holds())
		return 1;
	return 0;
}

/*
 * tcp_persona - one new connection at a time to a UE
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <time.h>

#include "core/dprint.h"
#include "core/locking.h"
#include "core/mem/shm_mem.h"

#include "tp_open.h"

/* stripes: two UEs sharing one only wait for each other's send */
#define TP_OPEN_LOCKS 256

typedef struct tp_open_stats
{
	unsigned long waits;
	unsigned long waits_over_1ms;
	unsigned long max_wait_us;
	unsigned long max_hold_us; /* the longest a process held a lock */
} tp_open_stats_t;

static gen_lock_set_t *tp_open_locks;
static tp_open_stats_t *tp_open_st;
static int tp_open_mine = -1; /* per process: the stripe it holds */
static uint64_t tp_open_since;	/* per process: since when */

int tp_open_init(void)
{
	tp_open_st = shm_mallocxz(sizeof(*tp_open_st));
	tp_open_locks = lock_set_alloc(TP_OPEN_LOCKS);
	if(tp_open_st == NULL || tp_open_locks == NULL
			|| lock_set_init(tp_open_locks) == NULL) {
		LM_ERR("no shared memory for the connection-opening locks\n");
		return -1;
	}
	return 0;
}

static unsigned int tp_open_stripe(const tp_addr_t *ue)
{
	unsigned int h = 2166136261u;
	int i;

	for(i = 0; i < 16; i++)
		h = (h ^ ue->ip[i]) * 16777619u;
	h = (h ^ ue->port) * 16777619u;
	return (h ^ (h >> 16)) % TP_OPEN_LOCKS;
}

static uint64_t tp_open_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void tp_open_raise(unsigned long *max, unsigned long us)
{
	unsigned long old = __atomic_load_n(max, __ATOMIC_RELAXED);

	while(us > old
			&& !__atomic_compare_exchange_n(
					max, &old, us, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* the wait is counted only when the lock was taken by someone else */
static void tp_open_count_wait(uint64_t ns)
{
	unsigned long us = (unsigned long)(ns / 1000);

	__atomic_add_fetch(&tp_open_st->waits, 1, __ATOMIC_RELAXED);
	if(us > 1000)
		__atomic_add_fetch(&tp_open_st->waits_over_1ms, 1, __ATOMIC_RELAXED);
	tp_open_raise(&tp_open_st->max_wait_us, us);
}

int tp_open_lock(const tp_addr_t *ue)
{
	unsigned int i;
	uint64_t start;

	if(tp_open_locks == NULL)
		return -1;
	tp_open_unlock();
	i = tp_open_stripe(ue);
	if(lock_set_try(tp_open_locks, i) != 0) {
		start = tp_open_now_ns();
		lock_set_get(tp_open_locks, i);
		tp_open_count_wait(tp_open_now_ns() - start);
	}
	tp_open_mine = (int)i;
	tp_open_since = tp_open_now_ns();
	return 0;
}

void tp_open_unlock(void)
{
	if(tp_open_mine < 0)
		return;
	lock_set_release(tp_open_locks, tp_open_mine);
	tp_open_mine = -1;
	tp_open_raise(&tp_open_st->max_hold_us,
			(unsigned long)((tp_open_now_ns() - tp_open_since) / 1000));
}

int tp_open_held(void)
{
	return tp_open_mine >= 0;
}

unsigned long tp_open_waits(void)
{
	return tp_open_st ? __atomic_load_n(&tp_open_st->waits, __ATOMIC_RELAXED)
					  : 0;
}

unsigned long tp_open_waits_over_1ms(void)
{
	return tp_open_st ? __atomic_load_n(
								&tp_open_st->waits_over_1ms, __ATOMIC_RELAXED)
					  : 0;
}

unsigned long tp_open_hold_max_us(void)
{
	return tp_open_st ? __atomic_load_n(
								&tp_open_st->max_hold_us, __ATOMIC_RELAXED)
					  : 0;
}

unsigned long tp_open_wait_max_us(void)
{
	return tp_open_st ? __atomic_load_n(
								&tp_open_st->max_wait_us, __ATOMIC_RELAXED)
					  : 0;
}

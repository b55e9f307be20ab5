/*
 * tcp_persona - once per key and interval
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tp_sys.h"
#include "tp_once.h"

struct tp_once
{
	uint32_t seed;
	uint64_t slot[TP_ONCE_SLOTS]; /* hash << 32 | seconds, 0 = empty */
};

tp_once_t *tp_once_create(uint32_t seed)
{
	tp_once_t *o = tp_shm_zalloc(sizeof(tp_once_t));

	if(o)
		o->seed = seed;
	return o;
}

void tp_once_destroy(tp_once_t *o)
{
	if(o)
		tp_shm_free(o);
}

static uint32_t tp_once_hash(uint32_t seed, const char *key, size_t len)
{
	uint32_t h = 2166136261u ^ seed;
	size_t i;

	for(i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	h ^= h >> 16; /* FNV's low bits mix poorly */
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h ? h : 1; /* 0 would look like an empty slot */
}

int tp_once_fire(tp_once_t *o, const char *key, size_t len, time_t now,
		unsigned int interval)
{
	uint32_t h = tp_once_hash(o->seed, key, len), secs = (uint32_t)now;
	uint64_t *w = &o->slot[(h ^ (h >> 16)) % TP_ONCE_SLOTS];
	uint64_t old = __atomic_load_n(w, __ATOMIC_RELAXED);
	uint64_t fresh = (uint64_t)h << 32 | secs;

	if(interval == 0)
		return 1;
	do {
		if((uint32_t)(old >> 32) == h && secs - (uint32_t)old < interval)
			return 0; /* fired lately, here or in another process */
		/* whoever swaps the word in fires; a failed swap reads it again */
	} while(!__atomic_compare_exchange_n(
			w, &old, fresh, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 1;
}

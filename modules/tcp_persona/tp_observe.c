/*
 * tcp_persona - what each User-Agent family was seen to do
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "tp_observe.h"
#include "tp_sys.h"

/* a family and the next of its hash chain (-1: none) */
typedef struct tp_obs_slot
{
	tp_obs_family_t f;
	int next;
} tp_obs_slot_t;

struct tp_observe
{
	tp_lock_t lock;
	unsigned int max, count, mask;
	unsigned long evicted;
	int *heads; /* mask + 1 chains, after the slots */
	tp_obs_slot_t slot[];
};

static unsigned int tp_obs_hash(const char *s, size_t len)
{
	unsigned int h = 2166136261u; /* FNV-1a */

	while(len--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

tp_observe_t *tp_observe_create(unsigned int max)
{
	tp_observe_t *o;
	unsigned int chains = 1, i;

	if(max == 0 || max > 65536)
		return NULL;
	while(chains < max)
		chains <<= 1;
	if((o = tp_shm_zalloc(sizeof(*o) + max * sizeof(tp_obs_slot_t)
							+ chains * sizeof(int)))
			== NULL)
		return NULL;
	tp_lock_init(&o->lock);
	o->max = max;
	o->mask = chains - 1;
	o->heads = (int *)(void *)&o->slot[max];
	for(i = 0; i < chains; i++)
		o->heads[i] = -1;
	return o;
}

void tp_observe_destroy(tp_observe_t *o)
{
	if(o) {
		tp_lock_destroy(&o->lock);
		tp_shm_free(o);
	}
}

/* the family's place, or -1 (the lock held) */
static int tp_find(tp_observe_t *o, const char *family, size_t len)
{
	int i = o->heads[tp_obs_hash(family, len) & o->mask];

	for(; i >= 0; i = o->slot[i].next)
		if(strlen(o->slot[i].f.family) == len
				&& memcmp(o->slot[i].f.family, family, len) == 0)
			return i;
	return -1;
}

/* takes slot i out of its chain */
static void tp_unchain(tp_observe_t *o, int i)
{
	const char *f = o->slot[i].f.family;
	int *at = &o->heads[tp_obs_hash(f, strlen(f)) & o->mask];

	while(*at >= 0 && *at != i)
		at = &o->slot[*at].next;
	if(*at == i)
		*at = o->slot[i].next;
}

/* a place for a new family: free, else the least recently seen's (a
 * scan, only when a new family comes to a full store) */
static int tp_place(tp_observe_t *o)
{
	unsigned int i, old = 0;

	if(o->count < o->max)
		return (int)o->count++;
	for(i = 1; i < o->count; i++)
		if(o->slot[i].f.last < o->slot[old].f.last)
			old = i;
	tp_unchain(o, (int)old);
	o->evicted++;
	return (int)old;
}

int tp_observe(tp_observe_t *o, const char *family, size_t len,
		tp_obs_event_t ev, time_t now)
{
	return tp_observe_ua(o, family, len, NULL, 0, ev, now);
}

int tp_observe_ua(tp_observe_t *o, const char *family, size_t len,
		const char *ua, size_t ua_len, tp_obs_event_t ev, time_t now)
{
	tp_obs_family_t *f;
	int i, fresh = 0;

	if(len == 0 || (int)ev >= TP_OBS_EVENTS || (int)ev < (int)TP_OBS_NOTHING)
		return -1;
	if(len > TP_FAMILY_MAX)
		len = TP_FAMILY_MAX;
	tp_lock(&o->lock);
	if((i = tp_find(o, family, len)) < 0) {
		unsigned int chain = tp_obs_hash(family, len) & o->mask;

		i = tp_place(o);
		f = &o->slot[i].f;
		memset(f, 0, sizeof(*f));
		memcpy(f->family, family, len);
		f->first = now;
		o->slot[i].next = o->heads[chain];
		o->heads[chain] = i;
		fresh = 1;
	} else {
		f = &o->slot[i].f;
	}
	if(ua && f->example[0] == '\0') {
		if(ua_len > TP_OBS_EXAMPLE_MAX)
			ua_len = TP_OBS_EXAMPLE_MAX;
		memcpy(f->example, ua, ua_len);
		f->example[ua_len] = '\0';
	}
	if(ev != TP_OBS_NOTHING && f->seen.n[ev] < UINT32_MAX)
		f->seen.n[ev]++;
	f->last = now;
	tp_unlock(&o->lock);
	return fresh;
}

unsigned int tp_observe_list(tp_observe_t *o, unsigned int offset,
		tp_obs_family_t *out, unsigned int n)
{
	unsigned int k = 0;

	tp_lock(&o->lock);
	for(; offset < o->count && k < n; offset++)
		out[k++] = o->slot[offset].f;
	tp_unlock(&o->lock);
	return k;
}

int tp_observe_get(
		tp_observe_t *o, const char *family, size_t len, tp_obs_family_t *out)
{
	int i;

	if(len > TP_FAMILY_MAX)
		len = TP_FAMILY_MAX;
	tp_lock(&o->lock);
	if((i = tp_find(o, family, len)) >= 0)
		*out = o->slot[i].f;
	tp_unlock(&o->lock);
	return i >= 0;
}

unsigned int tp_observe_count(tp_observe_t *o)
{
	unsigned int c;

	tp_lock(&o->lock);
	c = o->count;
	tp_unlock(&o->lock);
	return c;
}

unsigned long tp_observe_evicted(tp_observe_t *o)
{
	unsigned long e;

	tp_lock(&o->lock);
	e = o->evicted;
	tp_unlock(&o->lock);
	return e;
}

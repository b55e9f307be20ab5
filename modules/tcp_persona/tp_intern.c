/*
 * tcp_persona - interned strings
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "tp_sys.h"
#include "tp_intern.h"

struct tp_intern
{
	tp_lock_t lock; /* strings come and go with REGISTERs: one lock is enough */
	unsigned int mask;
	unsigned int count;
	tp_istr_t *buckets[];
};

tp_intern_t *tp_intern_create(unsigned int size_log2)
{
	unsigned int n = 1u << size_log2;
	tp_intern_t *in = tp_shm_zalloc(sizeof(*in) + n * sizeof(tp_istr_t *));

	if(in == NULL)
		return NULL;
	in->mask = n - 1;
	tp_lock_init(&in->lock);
	return in;
}

void tp_intern_destroy(tp_intern_t *in)
{
	tp_istr_t *s, *n;
	unsigned int i;

	if(in == NULL)
		return;
	for(i = 0; i <= in->mask; i++) {
		for(s = in->buckets[i]; s; s = n) {
			n = s->next;
			tp_shm_free(s);
		}
	}
	tp_lock_destroy(&in->lock);
	tp_shm_free(in);
}

static uint32_t tp_intern_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for(i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h ^ (h >> 15);
}

tp_istr_t *tp_intern_get(tp_intern_t *in, const char *s, size_t len)
{
	uint32_t h = tp_intern_hash(s, len);
	tp_istr_t **b = &in->buckets[h & in->mask], *e, *fresh;

	tp_lock(&in->lock);
	for(e = *b; e; e = e->next) {
		if(e->hash == h && e->len == len && memcmp(e->s, s, len) == 0) {
			__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
			tp_unlock(&in->lock);
			return e;
		}
	}
	tp_unlock(&in->lock);
	/* allocated outside the lock; another process may add it meanwhile */
	if((fresh = tp_shm_zalloc(sizeof(*fresh) + len + 1)) == NULL)
		return NULL;
	fresh->refs = 1;
	fresh->hash = h;
	fresh->len = (uint32_t)len;
	memcpy(fresh->s, s, len);
	tp_lock(&in->lock);
	for(e = *b; e; e = e->next) {
		if(e->hash == h && e->len == len && memcmp(e->s, s, len) == 0) {
			__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
			tp_unlock(&in->lock);
			tp_shm_free(fresh);
			return e;
		}
	}
	fresh->next = *b;
	*b = fresh;
	in->count++;
	tp_unlock(&in->lock);
	return fresh;
}

void tp_intern_ref(tp_istr_t *s)
{
	if(s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
}

void tp_intern_put(tp_intern_t *in, tp_istr_t *s)
{
	tp_istr_t **pp;

	if(s == NULL)
		return;
	tp_lock(&in->lock);
	if(__atomic_sub_fetch(&s->refs, 1, __ATOMIC_RELAXED) > 0) {
		tp_unlock(&in->lock);
		return;
	}
	for(pp = &in->buckets[s->hash & in->mask]; *pp && *pp != s;
			pp = &(*pp)->next)
		;
	if(*pp)
		*pp = s->next;
	in->count--;
	tp_unlock(&in->lock);
	tp_shm_free(s);
}

unsigned int tp_intern_count(tp_intern_t *in)
{
	unsigned int n;

	tp_lock(&in->lock);
	n = in->count;
	tp_unlock(&in->lock);
	return n;
}

/*
 * tcp_persona - calls in progress and the connections they ride on
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "tp_sys.h"
#include "tp_track.h"

typedef struct tp_track_entry
{
	struct tp_track_entry *next;
	tp_call_t c;
	size_t len;
	char callid[]; /* len bytes */
} tp_track_entry_t;

typedef struct tp_track_slot
{
	tp_lock_t lock;
	tp_track_entry_t *head;
} tp_track_slot_t;

struct tp_track
{
	unsigned int mask;
	unsigned int count;
	tp_track_slot_t slots[];
};

static unsigned int tp_str_hash(const char *s, size_t len)
{
	unsigned int h = 2166136261u;
	size_t i;

	for(i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h ^ (h >> 15);
}

tp_track_t *tp_track_create(unsigned int size_log2)
{
	unsigned int i, n = 1u << size_log2;
	tp_track_t *t = tp_shm_zalloc(sizeof(*t) + n * sizeof(tp_track_slot_t));

	if(t == NULL)
		return NULL;
	t->mask = n - 1;
	for(i = 0; i < n; i++)
		tp_lock_init(&t->slots[i].lock);
	return t;
}

void tp_track_destroy(tp_track_t *t)
{
	tp_track_entry_t *e, *n;
	unsigned int i;

	if(t == NULL)
		return;
	for(i = 0; i <= t->mask; i++) {
		for(e = t->slots[i].head; e; e = n) {
			n = e->next;
			tp_shm_free(e);
		}
		tp_lock_destroy(&t->slots[i].lock);
	}
	tp_shm_free(t);
}

static tp_track_slot_t *tp_track_slot(
		tp_track_t *t, const char *callid, size_t len)
{
	return &t->slots[tp_str_hash(callid, len) & t->mask];
}

static tp_track_entry_t **tp_track_find(
		tp_track_slot_t *s, const char *callid, size_t len, const tp_addr_t *ue)
{
	tp_track_entry_t **pp;

	for(pp = &s->head; *pp; pp = &(*pp)->next) {
		if((*pp)->len == len && memcmp((*pp)->callid, callid, len) == 0
				&& tp_addr_eq(&(*pp)->c.ue, ue))
			break;
	}
	return pp;
}

int tp_track_set(
		tp_track_t *t, const char *callid, size_t len, const tp_call_t *c)
{
	tp_track_slot_t *s = tp_track_slot(t, callid, len);
	tp_track_entry_t **pp, *fresh, *old = NULL;

	/* allocated before the lock: the lock guards pointers, not malloc */
	if((fresh = tp_shm_zalloc(sizeof(*fresh) + len)) == NULL)
		return -1;
	fresh->c = *c;
	fresh->len = len;
	memcpy(fresh->callid, callid, len);
	tp_lock(&s->lock);
	pp = tp_track_find(s, callid, len, &c->ue);
	if((old = *pp) != NULL)
		fresh->next = old->next;
	*pp = fresh;
	tp_unlock(&s->lock);
	if(old)
		tp_shm_free(old);
	else
		__atomic_add_fetch(&t->count, 1, __ATOMIC_RELAXED);
	return 0;
}

int tp_track_get(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, tp_call_t *out)
{
	tp_track_slot_t *s = tp_track_slot(t, callid, len);
	tp_track_entry_t *e;
	int ret = -1;

	tp_lock(&s->lock);
	if((e = *tp_track_find(s, callid, len, ue)) != NULL) {
		*out = e->c;
		ret = 1;
	}
	tp_unlock(&s->lock);
	return ret;
}

/* removes the entry of (callid, ue): any, or only while it belongs to
 * attempt (and rides on conn_id, unless 0) */
static int tp_track_take(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, int any, unsigned int attempt, int conn_id,
		tp_call_t *out)
{
	tp_track_slot_t *s = tp_track_slot(t, callid, len);
	tp_track_entry_t **pp, *e;

	tp_lock(&s->lock);
	pp = tp_track_find(s, callid, len, ue);
	if((e = *pp) != NULL && !any
			&& (e->c.attempt != attempt
					|| (conn_id != 0 && e->c.conn_id != conn_id)))
		e = NULL;
	if(e)
		*pp = e->next;
	tp_unlock(&s->lock);
	if(e == NULL)
		return -1;
	if(out)
		*out = e->c;
	tp_shm_free(e);
	__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
	return 1;
}

int tp_track_del(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, tp_call_t *out)
{
	return tp_track_take(t, callid, len, ue, 1, 0, 0, out);
}

int tp_track_del_if(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, unsigned int attempt, int conn_id, tp_call_t *out)
{
	return tp_track_take(t, callid, len, ue, 0, attempt, conn_id, out);
}

int tp_track_edit(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, tp_track_edit_f f, void *arg)
{
	tp_track_slot_t *s = tp_track_slot(t, callid, len);
	tp_track_entry_t **pp, *e, *fresh, *gone = NULL;
	tp_track_edit_result_t r;
	int inserted = 0;

	/* an insert needs memory: taken before the lock, freed if unused */
	if((fresh = tp_shm_zalloc(sizeof(*fresh) + len)) == NULL)
		return -1;
	fresh->len = len;
	memcpy(fresh->callid, callid, len);
	tp_lock(&s->lock);
	pp = tp_track_find(s, callid, len, ue);
	e = *pp;
	fresh->c = e ? e->c : fresh->c;
	fresh->c.ue = *ue;
	r = f(&fresh->c, e != NULL, arg);
	fresh->c.ue = *ue; /* the key stays, whatever f wrote */
	if(r == TP_EDIT_STORE && e) {
		e->c = fresh->c;
	} else if(r == TP_EDIT_STORE) {
		*pp = fresh;
		inserted = 1;
	} else if(r == TP_EDIT_DROP && e) {
		*pp = e->next;
		gone = e;
	}
	tp_unlock(&s->lock);
	if(inserted) {
		__atomic_add_fetch(&t->count, 1, __ATOMIC_RELAXED);
	} else {
		tp_shm_free(fresh);
	}
	if(gone) {
		tp_shm_free(gone);
		__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
	}
	return r;
}

/* what one reap removes: entries of callid (all if NULL) of attempt, or
 * expired at now */
typedef struct tp_track_doom
{
	const char *callid;
	size_t len;
	unsigned int attempt;
	time_t now;
} tp_track_doom_t;

static int tp_track_doomed(const tp_track_entry_t *e, const tp_track_doom_t *d)
{
	if(d->callid == NULL)
		return e->c.expires <= d->now;
	return e->len == d->len && memcmp(e->callid, d->callid, d->len) == 0
		   && e->c.attempt == d->attempt;
}

/* moves the doomed entries of slot s onto *dead, under its lock */
static void tp_track_unlink_doomed(
		tp_track_slot_t *s, const tp_track_doom_t *d, tp_track_entry_t **dead)
{
	tp_track_entry_t **pp, *e;

	tp_lock(&s->lock);
	for(pp = &s->head; (e = *pp) != NULL;) {
		if(!tp_track_doomed(e, d)) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		e->next = *dead;
		*dead = e;
	}
	tp_unlock(&s->lock);
}

/* calls gone for each unlinked entry, outside any lock, and frees it */
static int tp_track_reap(
		tp_track_t *t, tp_track_entry_t *dead, tp_track_gone_f gone)
{
	tp_track_entry_t *e;
	int n = 0;

	for(; dead; dead = e, n++) {
		e = dead->next;
		if(gone)
			gone(dead->callid, dead->len, &dead->c);
		tp_shm_free(dead);
		__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELAXED);
	}
	return n;
}

int tp_track_end_attempt(tp_track_t *t, const char *callid, size_t len,
		unsigned int attempt, tp_track_gone_f gone)
{
	tp_track_doom_t d = {callid, len, attempt, 0};
	tp_track_entry_t *dead = NULL;

	tp_track_unlink_doomed(tp_track_slot(t, callid, len), &d, &dead);
	return tp_track_reap(t, dead, gone);
}

int tp_track_sweep(tp_track_t *t, time_t now, tp_track_gone_f gone)
{
	tp_track_doom_t d = {NULL, 0, 0, now};
	tp_track_entry_t *dead = NULL;
	unsigned int i;

	for(i = 0; i <= t->mask; i++)
		tp_track_unlink_doomed(&t->slots[i], &d, &dead);
	return tp_track_reap(t, dead, gone);
}

unsigned int tp_track_count(tp_track_t *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}

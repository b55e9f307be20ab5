/*
 * tcp_persona - the connections the module opened and still owns
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tp_sys.h"
#include "tp_owned.h"

typedef struct tp_owned_entry
{
	struct tp_owned_entry *next;
	int conn_id;
	tp_owner_t w;
} tp_owned_entry_t;

typedef struct tp_owned_slot
{
	tp_lock_t lock;
	tp_owned_entry_t *head;
} tp_owned_slot_t;

struct tp_owned
{
	unsigned int mask;
	unsigned int count;
	tp_owned_slot_t slots[];
};

tp_owned_t *tp_owned_create(unsigned int size_log2)
{
	unsigned int i, n = 1u << size_log2;
	tp_owned_t *o = tp_shm_zalloc(sizeof(*o) + n * sizeof(tp_owned_slot_t));

	if(o == NULL)
		return NULL;
	o->mask = n - 1;
	for(i = 0; i < n; i++)
		tp_lock_init(&o->slots[i].lock);
	return o;
}

void tp_owned_destroy(tp_owned_t *o)
{
	tp_owned_entry_t *e, *n;
	unsigned int i;

	if(o == NULL)
		return;
	for(i = 0; i <= o->mask; i++) {
		for(e = o->slots[i].head; e; e = n) {
			n = e->next;
			tp_shm_free(e);
		}
		tp_lock_destroy(&o->slots[i].lock);
	}
	tp_shm_free(o);
}

static tp_owned_slot_t *tp_owned_slot(tp_owned_t *o, int conn_id)
{
	/* connection ids are sequential: the low bits spread them */
	return &o->slots[(unsigned int)conn_id & o->mask];
}

int tp_owned_add(tp_owned_t *o, int conn_id, const tp_owner_t *w)
{
	tp_owned_slot_t *s = tp_owned_slot(o, conn_id);
	tp_owned_entry_t *e = tp_shm_zalloc(sizeof(*e));

	if(e == NULL)
		return -1;
	e->conn_id = conn_id;
	e->w = *w;
	e->w.callid[TP_OWNER_CALLID_MAX] = '\0';
	tp_lock(&s->lock);
	e->next = s->head;
	s->head = e;
	tp_unlock(&s->lock);
	__atomic_add_fetch(&o->count, 1, __ATOMIC_RELAXED);
	return 0;
}

int tp_owned_del(tp_owned_t *o, int conn_id, tp_owner_t *out)
{
	tp_owned_slot_t *s = tp_owned_slot(o, conn_id);
	tp_owned_entry_t **pp, *e;

	tp_lock(&s->lock);
	for(pp = &s->head; (e = *pp) != NULL; pp = &e->next) {
		if(e->conn_id == conn_id) {
			*pp = e->next;
			break;
		}
	}
	tp_unlock(&s->lock);
	if(e == NULL)
		return -1;
	if(out)
		*out = e->w;
	tp_shm_free(e);
	__atomic_sub_fetch(&o->count, 1, __ATOMIC_RELAXED);
	return 1;
}

int tp_owned_has(tp_owned_t *o, int conn_id)
{
	tp_owned_slot_t *s = tp_owned_slot(o, conn_id);
	tp_owned_entry_t *e;

	tp_lock(&s->lock);
	for(e = s->head; e && e->conn_id != conn_id; e = e->next)
		;
	tp_unlock(&s->lock);
	return e ? 1 : -1;
}

/* inserts id and w into the first n of ids/owners, keeping ids sorted */
static void tp_owned_insert(int *ids, tp_owner_t *owners, unsigned int n,
		int id, const tp_owner_t *w)
{
	unsigned int at = n;

	while(at > 0 && ids[at - 1] > id) {
		ids[at] = ids[at - 1];
		owners[at] = owners[at - 1];
		at--;
	}
	ids[at] = id;
	owners[at] = *w;
}

unsigned int tp_owned_of(tp_owned_t *o, const tp_addr_t *ue, int *ids,
		tp_owner_t *owners, unsigned int n)
{
	tp_owned_entry_t *e;
	unsigned int i, got = 0;

	for(i = 0; i <= o->mask && got < n; i++) {
		tp_lock(&o->slots[i].lock);
		for(e = o->slots[i].head; e && got < n; e = e->next) {
			if(tp_addr_eq(&e->w.ue, ue))
				tp_owned_insert(ids, owners, got++, e->conn_id, &e->w);
		}
		tp_unlock(&o->slots[i].lock);
	}
	return got;
}

#define TP_OWNED_BATCH 32

int tp_owned_sweep(tp_owned_t *o, tp_owned_alive_f alive)
{
	int ids[TP_OWNED_BATCH], dead = 0, gone;
	tp_owned_entry_t *e;
	unsigned int i, n, k, skip, seen;

	/* ids are copied out under the lock and checked without it: alive()
	 * takes the core's connection lock. A slot goes in batches; what a
	 * batch removed is not skipped in the next one. */
	for(i = 0; i <= o->mask; i++) {
		for(skip = 0;; skip += TP_OWNED_BATCH - (unsigned int)gone) {
			n = seen = 0;
			gone = 0;
			tp_lock(&o->slots[i].lock);
			for(e = o->slots[i].head; e && n < TP_OWNED_BATCH; e = e->next) {
				if(seen++ >= skip)
					ids[n++] = e->conn_id;
			}
			tp_unlock(&o->slots[i].lock);
			for(k = 0; k < n; k++) {
				if(!alive(ids[k]) && tp_owned_del(o, ids[k], NULL) > 0)
					gone++;
			}
			dead += gone;
			if(n < TP_OWNED_BATCH)
				break;
		}
	}
	return dead;
}

unsigned int tp_owned_count(tp_owned_t *o)
{
	return __atomic_load_n(&o->count, __ATOMIC_RELAXED);
}

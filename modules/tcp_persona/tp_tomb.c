/*
 * tcp_persona - the registrations removed lately, for replicas that come late
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tp_sys.h"
#include "tp_tomb.h"

typedef struct tp_tomb
{
	tp_addr_t contact, source;
	time_t expires; /* of the registration removed */
	tp_ms_t removed;
	tp_ms_t at; /* this node's time then; 0: an empty slot */
} tp_tomb_t;

struct tp_tombs
{
	tp_lock_t lock;
	unsigned int mask;
	tp_tomb_t slot[];
};

tp_tombs_t *tp_tombs_create(unsigned int size_log2)
{
	tp_tombs_t *t;
	size_t n = (size_t)1 << size_log2;

	if(size_log2 > 20
			|| (t = tp_shm_zalloc(sizeof(*t) + n * sizeof(tp_tomb_t))) == NULL)
		return NULL;
	tp_lock_init(&t->lock);
	t->mask = (unsigned int)(n - 1);
	return t;
}

void tp_tombs_destroy(tp_tombs_t *t)
{
	if(t) {
		tp_lock_destroy(&t->lock);
		tp_shm_free(t);
	}
}

void tp_tomb_put(tp_tombs_t *t, const tp_addr_t *contact,
		const tp_addr_t *source, time_t expires, tp_ms_t removed, tp_ms_t now)
{
	tp_tomb_t *s = &t->slot[tp_addr_hash(contact) & t->mask];

	tp_lock(&t->lock);
	s->contact = *contact;
	s->source = *source;
	s->expires = expires;
	s->removed = removed;
	s->at = now ? now : 1;
	tp_unlock(&t->lock);
}

int tp_tomb_buries(tp_tombs_t *t, const tp_addr_t *contact,
		const tp_addr_t *source, time_t expires, tp_ms_t made, tp_ms_t now)
{
	tp_tomb_t *s = &t->slot[tp_addr_hash(contact) & t->mask];
	int r;

	tp_lock(&t->lock);
	r = s->at && now < s->at + (tp_ms_t)TP_TOMB_SECS * 1000
		&& tp_addr_eq(&s->contact, contact) && tp_addr_eq(&s->source, source)
		&& expires <= s->expires && made < s->removed;
	tp_unlock(&t->lock);
	return r;
}

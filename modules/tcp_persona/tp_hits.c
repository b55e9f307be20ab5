/*
 * tcp_persona - per-rule hit counters
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "tp_sys.h"
#include "tp_hits.h"

typedef struct tp_hits_slot
{
	char name[TP_NAME_MAX + 1];
	uint64_t hits;
} tp_hits_slot_t;

struct tp_hits
{
	tp_lock_t lock; /* taken to add a name; counting is atomic */
	unsigned int cap;
	unsigned int used;
	tp_hits_slot_t slots[];
};

tp_hits_t *tp_hits_create(unsigned int cap)
{
	tp_hits_t *h = tp_shm_zalloc(sizeof(*h) + cap * sizeof(tp_hits_slot_t));

	if(h == NULL)
		return NULL;
	h->cap = cap;
	tp_lock_init(&h->lock);
	return h;
}

void tp_hits_destroy(tp_hits_t *h)
{
	if(h == NULL)
		return;
	tp_lock_destroy(&h->lock);
	tp_shm_free(h);
}

int tp_hits_slot(tp_hits_t *h, const char *name)
{
	unsigned int i;
	int slot = -1;

	tp_lock(&h->lock);
	for(i = 0; i < h->used; i++) {
		if(strcmp(h->slots[i].name, name) == 0) {
			slot = (int)i;
			break;
		}
	}
	if(slot < 0 && h->used < h->cap) {
		strncpy(h->slots[h->used].name, name, TP_NAME_MAX);
		slot = (int)h->used++;
	}
	tp_unlock(&h->lock);
	return slot;
}

void tp_hits_add(tp_hits_t *h, int slot)
{
	if(slot >= 0 && (unsigned int)slot < h->cap)
		__atomic_add_fetch(&h->slots[slot].hits, 1, __ATOMIC_RELAXED);
}

uint64_t tp_hits_get(tp_hits_t *h, int slot)
{
	if(slot < 0 || (unsigned int)slot >= h->cap)
		return 0;
	return __atomic_load_n(&h->slots[slot].hits, __ATOMIC_RELAXED);
}

/*
 * tcp_persona - ids for the connections the module opens
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tp_connid.h"

void tp_connid_init(tp_connid_t *s)
{
	s->core_seen = 0;
	s->last = TP_CONNID_FAR; /* the first id: INT_MAX */
}

/* any process, without the caller's lock: a compare-and-swap loop */
void tp_connid_seen(tp_connid_t *s, int core_id)
{
	uint32_t seen = __atomic_load_n(&s->core_seen, __ATOMIC_RELAXED), ahead;

	do {
		ahead = (uint32_t)core_id - seen;
		if(ahead == 0 || ahead > TP_CONNID_FRESH)
			return;
	} while(!__atomic_compare_exchange_n(&s->core_seen, &seen,
			(uint32_t)core_id, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

int tp_connid_pick(tp_connid_t *s, tp_connid_used_f used, void *arg)
{
	uint32_t id = s->last, d, core;
	int tries;

	for(tries = 0; tries < TP_CONNID_TRIES; tries++) {
		id--;
		core = __atomic_load_n(&s->core_seen, __ATOMIC_RELAXED);
		d = id - core; /* places ahead of the core */
		if(d <= TP_CONNID_MARGIN || d > TP_CONNID_FAR)
			id = core + TP_CONNID_FAR;
		if(id == 0 || id == UINT32_MAX || used((int)id, arg))
			continue;
		s->last = id;
		return (int)id;
	}
	s->last = id;
	return 0;
}

int tp_connid_near_core(tp_connid_t *s, int id)
{
	uint32_t d = (uint32_t)id - __atomic_load_n(&s->core_seen, __ATOMIC_RELAXED);

	return d <= TP_CONNID_MARGIN || d > TP_CONNID_FAR;
}

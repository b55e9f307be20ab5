/*
 * tcp_persona - ids for the connections the module opens
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tp_connid.h"

int tp_connid_pick(
		uint32_t *last, int core_newest, tp_connid_used_f used, void *arg)
{
	uint32_t core = (uint32_t)core_newest, id = *last;
	int tries;

	for(tries = 0; tries < TP_CONNID_TRIES; tries++) {
		id--;
		/* how many connections the core opens before it gives id */
		if(id - core <= TP_CONNID_MARGIN)
			id = core - TP_CONNID_BEHIND;
		if(id == 0 || used((int)id, arg))
			continue;
		*last = id;
		return (int)id;
	}
	*last = id;
	return 0;
}

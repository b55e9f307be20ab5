/*
 * tcp_persona - the order in which modules were loaded
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/sr_module.h"

#include "tp_mods.h"

int tp_mod_loaded_before(const char *name)
{
	sr_module_t *m;

	/* the list is newest first: after tcp_persona come the older ones */
	for(m = modules; m; m = m->next) {
		if(strcmp(m->exports.name, "tcp_persona") == 0)
			break;
	}
	for(; m; m = m->next) {
		if(strcmp(m->exports.name, name) == 0)
			return 1;
	}
	return 0;
}

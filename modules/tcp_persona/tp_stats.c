/*
 * tcp_persona - statistics
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "core/dprint.h"

#include "tp_stats.h"

stat_var *tp_stat_reuse_refused;
stat_var *tp_stat_owned_lost;

/* clang-format off */
static stat_export_t tp_stats[] = {
	{"reuse_refused", 0, &tp_stat_reuse_refused},
	{"owned_lost", 0, &tp_stat_owned_lost},
	{0, 0, 0}
};
/* clang-format on */

int tp_stats_init(void)
{
	if(register_module_stats("tcp_persona", tp_stats) != 0) {
		LM_ERR("cannot register the statistics\n");
		return -1;
	}
	return 0;
}

/*
 * tcp_persona - statistics
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "core/dprint.h"

#include "tp_discover.h"
#include "tp_hooks.h"
#include "tp_stats.h"

stat_var *tp_stat_register[TP_MODE_COUNT];
stat_var *tp_stat_unmatched;
stat_var *tp_stat_conn_opened[TP_MODE_COUNT];
stat_var *tp_stat_conn_closed[TP_MODE_COUNT];
stat_var *tp_stat_bindings_refused;
stat_var *tp_stat_reuse_refused;
stat_var *tp_stat_owned_lost;
stat_var *tp_stat_dmq_sent;
stat_var *tp_stat_dmq_received;
stat_var *tp_stat_dmq_sync_batches;
stat_var *tp_stat_dmq_conflicts;
stat_var *tp_stat_dmq_dropped;
stat_var *tp_stat_observe_registers;
stat_var *tp_stat_observe_requests;
stat_var *tp_stat_new_families;

/* a gauge read from the binding table when asked */
static counter_val_t tp_stat_bindings(void)
{
	return tp_bindings ? (counter_val_t)tp_bind_count(tp_bindings) : 0;
}

/* persona discovery's store: families held, and evicted for room */
static counter_val_t tp_stat_families(void)
{
	tp_observe_t *o = tp_discover_store();

	return o ? (counter_val_t)tp_observe_count(o) : 0;
}

static counter_val_t tp_stat_families_evicted(void)
{
	tp_observe_t *o = tp_discover_store();

	return o ? (counter_val_t)tp_observe_evicted(o) : 0;
}

/* clang-format off */
static stat_export_t tp_stats[] = {
	{"bindings", STAT_IS_FUNC | STAT_NO_RESET, (stat_var **)tp_stat_bindings},
	{"register_none", 0, &tp_stat_register[TP_MODE_NONE]},
	{"register_reuse", 0, &tp_stat_register[TP_MODE_REUSE]},
	{"register_dialog", 0, &tp_stat_register[TP_MODE_DIALOG]},
	{"register_transaction", 0, &tp_stat_register[TP_MODE_TRANSACTION]},
	{"unmatched", 0, &tp_stat_unmatched},
	{"conn_opened_dialog", 0, &tp_stat_conn_opened[TP_MODE_DIALOG]},
	{"conn_opened_transaction", 0, &tp_stat_conn_opened[TP_MODE_TRANSACTION]},
	{"conn_closed_dialog", 0, &tp_stat_conn_closed[TP_MODE_DIALOG]},
	{"conn_closed_transaction", 0, &tp_stat_conn_closed[TP_MODE_TRANSACTION]},
	{"bindings_refused", 0, &tp_stat_bindings_refused},
	{"reuse_refused", 0, &tp_stat_reuse_refused},
	{"owned_lost", 0, &tp_stat_owned_lost},
	{"dmq_sent", 0, &tp_stat_dmq_sent},
	{"dmq_received", 0, &tp_stat_dmq_received},
	{"dmq_sync_batches", 0, &tp_stat_dmq_sync_batches},
	{"dmq_conflicts", 0, &tp_stat_dmq_conflicts},
	{"dmq_dropped", 0, &tp_stat_dmq_dropped},
	{"observe_registers", 0, &tp_stat_observe_registers},
	{"observe_requests", 0, &tp_stat_observe_requests},
	{"families", STAT_IS_FUNC | STAT_NO_RESET, (stat_var **)tp_stat_families},
	{"families_evicted", STAT_IS_FUNC | STAT_NO_RESET,
		(stat_var **)tp_stat_families_evicted},
	{"new_families", 0, &tp_stat_new_families},
	{0, 0, 0}
};
/* clang-format on */

void tp_stat_mode(stat_var **per_mode, tp_mode_t mode)
{
	if(mode >= 0 && mode < TP_MODE_COUNT && per_mode[mode] != NULL)
		update_stat(per_mode[mode], 1);
}

int tp_stats_init(void)
{
	if(register_module_stats("tcp_persona", tp_stats) != 0) {
		LM_ERR("cannot register the statistics\n");
		return -1;
	}
	return 0;
}

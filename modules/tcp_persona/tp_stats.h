/*
 * tcp_persona - statistics
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * Kamailio statistics of group tcp_persona
 * (kamcmd stats.get_statistics tcp_persona:, xhttp_prom).
 */

#ifndef TP_STATS_H
#define TP_STATS_H

#include "core/counters.h"

#include "tp_rules.h"

/*! REGISTERs classified by persona_bind(), by resulting mode */
extern stat_var *tp_stat_register[TP_MODE_COUNT];

/*! REGISTERs whose User-Agent matched no rule */
extern stat_var *tp_stat_unmatched;

/*! connections the module opened / closed, by mode (dialog, transaction) */
extern stat_var *tp_stat_conn_opened[TP_MODE_COUNT];
extern stat_var *tp_stat_conn_closed[TP_MODE_COUNT];

/*! new UEs not bound for lack of room (max_bindings, shared memory) */
extern stat_var *tp_stat_bindings_refused;

/*! terminating requests refused because a reuse UE's connection is gone */
extern stat_var *tp_stat_reuse_refused;

/*! connections the proxy opened that died while the module owned them */
extern stat_var *tp_stat_owned_lost;

/*! DMQ: binding records sent and applied, batches sent to joining nodes,
 * replicas kept out by a later registration, records not queued (full) */
extern stat_var *tp_stat_dmq_sent;
extern stat_var *tp_stat_dmq_received;
extern stat_var *tp_stat_dmq_sync_batches;
extern stat_var *tp_stat_dmq_conflicts;
extern stat_var *tp_stat_dmq_dropped;

/*! observe-only rules: REGISTERs of their UEs (also counted in their
 * mode's register_ counter), and requests to or from their UEs, handled
 * as none (one per UE a request goes to or comes from) */
extern stat_var *tp_stat_observe_registers;
extern stat_var *tp_stat_observe_requests;

/*! persona discovery: User-Agent families seen for the first time (the
 * gauges families and families_evicted read its store) */
extern stat_var *tp_stat_new_families;

/*! counts one in a per-mode counter; modes without one are ignored */
void tp_stat_mode(stat_var **per_mode, tp_mode_t mode);

/*! \return 0, or -1 */
int tp_stats_init(void);

#endif /* TP_STATS_H */

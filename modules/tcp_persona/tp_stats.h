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
 * (kamcmd stats.get_statistics tcp_persona:).
 */

#ifndef TP_STATS_H
#define TP_STATS_H

#include "core/counters.h"

/*! terminating requests refused because a reuse UE's connection is gone */
extern stat_var *tp_stat_reuse_refused;

/*! connections the proxy opened that the peer closed or reset */
extern stat_var *tp_stat_owned_lost;

/*! \return 0, or -1 */
int tp_stats_init(void);

#endif /* TP_STATS_H */

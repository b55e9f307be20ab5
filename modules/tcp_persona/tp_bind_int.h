/*
 * tcp_persona - the binding table's helpers shared by its files
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE, internal to tp_bind.c (puts, removals, lookups) and tp_bind_walk.c
 * (walks over every UE).
 */

#ifndef TP_BIND_INT_H
#define TP_BIND_INT_H

#include "tp_bind.h"
#include "tp_bind_store.h"

/*! frees an out-of-line part (NULL: nothing) */
void tp_bind_cold_free(tp_bind_table_t *t, tp_bind_cold_t *cold);

/*! the binding of slot copy c, AoR left empty; \return 1, or
 * TP_STORE_LOCKED when its source is out of line and locked is 0 */
int tp_bind_fill(tp_bind_table_t *t, const tp_bind_slot_t *c, tp_binding_t *b,
		int locked);

/*! the view of slot copy c, AoR and User-Agent included (under the lock) */
void tp_bind_view_fill(
		tp_bind_table_t *t, const tp_bind_slot_t *c, tp_bind_view_t *v);

#endif /* TP_BIND_INT_H */

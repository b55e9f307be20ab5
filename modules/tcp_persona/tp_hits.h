/*
 * tcp_persona - per-rule hit counters
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE (through tp_sys.h): hit counters in shared memory, one per rule
 * name. Every process keeps its own compiled rule set, so the counters live
 * apart from the sets, keyed by name: a rule keeps its count across reloads
 * as long as it keeps its name. Slots are never freed.
 */

#ifndef TP_HITS_H
#define TP_HITS_H

#include <stdint.h>

#include "tp_rules.h"

/*! distinct rule names counted over Kamailio's lifetime */
#define TP_HITS_MAX 4096

typedef struct tp_hits tp_hits_t;

/*! \return counters for up to cap names, or NULL */
tp_hits_t *tp_hits_create(unsigned int cap);
void tp_hits_destroy(tp_hits_t *h);

/*! \return the slot of name, made on first use; -1 when all are taken */
int tp_hits_slot(tp_hits_t *h, const char *name);

/*! counts one hit in slot (slot < 0: nothing) */
void tp_hits_add(tp_hits_t *h, int slot);

/*! \return the hits of slot, 0 for slot < 0 */
uint64_t tp_hits_get(tp_hits_t *h, int slot);

#endif /* TP_HITS_H */

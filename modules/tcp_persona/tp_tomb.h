/*
 * tcp_persona - the registrations removed lately, for replicas that come late
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * PURE: DMQ gives no order: a binding made on another node may arrive
 * after its removal (two DMQ workers, a retransmission). A removal leaves
 * a tombstone, the Contact and when it was removed, for TP_TOMB_SECS; a
 * binding made before that (or when, unknown) is not taken. A fixed table
 * in shared memory, one tombstone per slot: a newer removal in the same
 * slot replaces the older one. Times are milliseconds since the epoch.
 */
#ifndef TP_TOMB_H
#define TP_TOMB_H

#include "tp_addr.h"

#define TP_TOMB_SECS 120 /* beyond tm's fr_timer: no replica is that late */

typedef unsigned long long tp_ms_t;

typedef struct tp_tombs tp_tombs_t;

tp_tombs_t *tp_tombs_create(unsigned int size_log2);
void tp_tombs_destroy(tp_tombs_t *t);

/*! contact's binding was removed at now */
void tp_tomb_put(tp_tombs_t *t, const tp_addr_t *contact, tp_ms_t now);

/*! 1 when a binding of contact made at made (0: not known) was removed
 * since, else 0 */
int tp_tomb_buries(
		tp_tombs_t *t, const tp_addr_t *contact, tp_ms_t made, tp_ms_t now);

#endif /* TP_TOMB_H */

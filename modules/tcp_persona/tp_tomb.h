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
 * a tombstone for TP_TOMB_SECS: the Contact, the source and expiry of the
 * registration it ended, and when (the removing node's time). A binding
 * the removal would have ended, made before it (or when, unknown), is not
 * taken; a registration made since, or one it would have kept (a later
 * expiry, another source), is. A fixed table in shared memory, one
 * tombstone per slot: a newer removal in the same slot replaces the older
 * one. Times are milliseconds since the epoch.
 */
#ifndef TP_TOMB_H
#define TP_TOMB_H

#include "tp_addr.h"

#define TP_TOMB_SECS 120 /* beyond tm's fr_timer: no replica is that late */

typedef unsigned long long tp_ms_t;

typedef struct tp_tombs tp_tombs_t;

tp_tombs_t *tp_tombs_create(unsigned int size_log2);
void tp_tombs_destroy(tp_tombs_t *t);

#include <time.h>

/*! the registration of contact from source, expiring at expires, was
 * removed at removed; now is this node's time */
void tp_tomb_put(tp_tombs_t *t, const tp_addr_t *contact,
		const tp_addr_t *source, time_t expires, tp_ms_t removed, tp_ms_t now);

/*! 1 when the binding of contact from source, expiring at expires, made at
 * made (0: not known), was removed since, else 0 */
int tp_tomb_buries(tp_tombs_t *t, const tp_addr_t *contact,
		const tp_addr_t *source, time_t expires, tp_ms_t made, tp_ms_t now);

#endif /* TP_TOMB_H */

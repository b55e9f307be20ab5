/*
 * tcp_persona - ids for the connections the module opens
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * Kamailio 5.6 numbers TCP connections with a plain (*connection_id)++ in
 * tcpconn_new(), which workers opening connections at the same time run
 * concurrently: two connections can get one id, and a send by id may then
 * take the other one. The module gives each connection it opens an id of
 * its own, chosen here.
 *
 * Ids live on a 32-bit circle that the core's counter goes round (up,
 * through INT_MAX into the negative ids: its own int overflow). Seen from
 * the core's newest id, an id d places ahead is safe when d > MARGIN (the
 * core needs that many more connections to give it again) and d <= 2^31
 * (the core gave it, if ever, at least 2^31 connections ago: no record of
 * a closed connection still names it). The module counts down inside that
 * window and, when it leaves it, goes back to its far end, d = 2^31. The
 * core's newest id is a high-water mark of fresh core ids the module sees
 * (tp_connid_seen()). Ids 0 and -1 are never given: Kamailio reads them as
 * "no connection".
 */

#ifndef TP_CONNID_H
#define TP_CONNID_H

#include <stdint.h>

/*! core connections at least between one of the module's ids being given
 * and the core's counter reaching it: 2^28 is a day at 3000 per second */
#define TP_CONNID_MARGIN (UINT32_C(1) << 28)
/*! the far end of the window: ids the core gave 2^31 connections ago */
#define TP_CONNID_FAR (UINT32_C(1) << 31)
/*! a fresh core id is at most this far ahead of the last one seen */
#define TP_CONNID_FRESH (UINT32_C(1) << 27)
/*! tries before giving up (the live connections are far fewer) */
#define TP_CONNID_TRIES 4096

typedef struct tp_connid
{
	uint32_t last;		/*!< the last id given */
	uint32_t core_seen; /*!< high-water mark of the core's ids */
} tp_connid_t;

/*! \return non-zero when a live connection has id */
typedef int (*tp_connid_used_f)(int id, void *arg);

/*! the state before the first connection (the core's first id is 1) */
void tp_connid_init(tp_connid_t *s);

/*!
 * A core id seen on a connection (one the module opened, before it is
 * renumbered; a REGISTER's): it moves the high-water mark when it is fresh,
 * at most TP_CONNID_FRESH ahead of it; older ids, and the module's own
 * (more than TP_CONNID_MARGIN ahead), do not. Safe from any process.
 * The mark stays put if the core opened 2^27 connections that the module
 * never saw, which new registrations and the module's own connections
 * make implausible.
 */
void tp_connid_seen(tp_connid_t *s, int core_id);

/*!
 * The next id for a connection the module opened (the caller serialises
 * the calls to pick). \return the id, or 0 when TP_CONNID_TRIES candidates were
 * all in use
 */
int tp_connid_pick(tp_connid_t *s, tp_connid_used_f used, void *arg);

/*! \return 1 when the core's counter is within TP_CONNID_MARGIN of id
 * (or past it): an id that must live on should move */
int tp_connid_near_core(tp_connid_t *s, int id);

#endif /* TP_CONNID_H */

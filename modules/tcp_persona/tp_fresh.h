/*
 * tcp_persona - making tcp_send() open a new connection, without a lock
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * tcp_send() looks a connection up by dst->id first, and by the
 * destination address only when no connection has that id. A connection it
 * finds marked close-after-send (SND_F_CON_CLOSE) it does not use: it
 * opens a new connection, with no second lookup. The module keeps one such
 * connection record in the core's id index: a marker, with no socket, no
 * address alias and no timer, that tcp_main never sees. A send with dst->id
 * set to the marker's id opens a new connection to dst->to, whatever
 * connections to that address exist or appear at the same instant: no
 * worker waits for another.
 *
 * The marker's id is one of the module's own (tp_connid.h). Before the
 * core's numbering comes near it, the timer moves the marker to a new id;
 * the old id stays linked for a few seconds for sends that read it.
 */

#ifndef TP_FRESH_H
#define TP_FRESH_H

/*! links the marker (mod_init: the core's tables exist, no child yet);
 * \return 0, or -1 (no shared memory, no free id) */
int tp_fresh_init(void);

/*! the id that makes a send open a new connection; 0 before init */
int tp_fresh_id(void);

/*! \return 1 when id is a marker's (the current or the previous one) */
int tp_fresh_is(int id);

/*! the timer, each second: moves the marker away from the core's
 * numbering when that comes near, unlinks a previous one after its grace */
void tp_fresh_tick(void);

/*! unlinks the markers at shutdown, unless a dead process left the core's
 * lock held (then the core frees them with its own table) */
void tp_fresh_destroy(void);

#endif /* TP_FRESH_H */

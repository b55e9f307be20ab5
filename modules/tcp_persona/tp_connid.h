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
 * its own, chosen here, that the core's counter cannot reach for a long
 * time (TP_CONNID_MARGIN connections) and that no live connection has.
 *
 * The core counts up, through INT_MAX into the negative ids (its own int
 * overflow) and round; the module counts down from INT_MAX in the same
 * 32-bit circle, and when the two come within the margin it jumps to just
 * behind the core's newest id, which the core has passed and will not give
 * again for 2^32 connections. Any id but 0 is valid, negative ones too.
 */

#ifndef TP_CONNID_H
#define TP_CONNID_H

#include <stdint.h>

/*! core connections at least between one of the module's ids being given
 * and the core's counter reaching it: 2^28 is a day at 3000 per second */
#define TP_CONNID_MARGIN (UINT32_C(1) << 28)
/*! how far behind the core's newest id a jump lands: ids a worker that
 * read the counter a moment ago could still hand out are nearer */
#define TP_CONNID_BEHIND (UINT32_C(1) << 16)
/*! the first value of the state: the first id is INT_MAX */
#define TP_CONNID_START (UINT32_C(1) << 31)
/*! tries before giving up (the live connections are far fewer) */
#define TP_CONNID_TRIES 4096

/*! \return non-zero when a live connection has id */
typedef int (*tp_connid_used_f)(int id, void *arg);

/*!
 * The next id for a connection the module opened. \param last the state:
 * the last id given, TP_CONNID_START at first (the caller serialises).
 * \param core_newest the id the core gave the connection a moment ago.
 * \return the id, or 0 when TP_CONNID_TRIES candidates were all in use
 */
int tp_connid_pick(
		uint32_t *last, int core_newest, tp_connid_used_f used, void *arg);

#endif /* TP_CONNID_H */

/*
 * tcp_persona - the connections the module opened and still owns
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE (through tp_sys.h): a shared-memory set of connection ids the proxy
 * opened for a dialog or transaction persona and has not yet decided to
 * close. A member that tcp_main reports closed died under the module; a
 * UE request arriving on a member rides on another call's connection.
 */

#ifndef TP_OWNED_H
#define TP_OWNED_H

#include "tp_bind.h"

#define TP_OWNER_CALLID_MAX 95

/*! what a connection was opened for */
typedef struct tp_owner
{
	tp_addr_t ue;
	tp_mode_t mode;						  /*!< dialog or transaction */
	char callid[TP_OWNER_CALLID_MAX + 1]; /*!< cut, NUL-terminated */
} tp_owner_t;

typedef struct tp_owned tp_owned_t;

/*! 1 when the connection is still usable */
typedef int (*tp_owned_alive_f)(int conn_id);

tp_owned_t *tp_owned_create(unsigned int size_log2);
void tp_owned_destroy(tp_owned_t *o);

/*! adds conn_id, opened for w; \return 0, or -1 no memory */
int tp_owned_add(tp_owned_t *o, int conn_id, const tp_owner_t *w);

/*! removes conn_id, what it was opened for into *out (if not NULL);
 * \return 1 removed, -1 not a member */
int tp_owned_del(tp_owned_t *o, int conn_id, tp_owner_t *out);

/*! \return 1 member, -1 not */
int tp_owned_has(tp_owned_t *o, int conn_id);

/*!
 * The connections owned for ue: up to n of them, ids in ascending order,
 * with their owners.
 * \return how many were copied
 */
unsigned int tp_owned_of(tp_owned_t *o, const tp_addr_t *ue, int *ids,
		tp_owner_t *owners, unsigned int n);

/*! drops members that alive() says are gone; \return how many */
int tp_owned_sweep(tp_owned_t *o, tp_owned_alive_f alive);

unsigned int tp_owned_count(tp_owned_t *o);

#endif /* TP_OWNED_H */

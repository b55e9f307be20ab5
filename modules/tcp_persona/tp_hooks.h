/*
 * tcp_persona - tm callbacks that carry a persona's policy through
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * persona_enforce() decides, for one request, what its transaction has to
 * do with connections (an "arm"); these tm callbacks carry it out when tm
 * creates the transaction, sends the request, receives the final answer
 * and destroys the transaction. They also own the shared tables.
 */

#ifndef TP_HOOKS_H
#define TP_HOOKS_H

#include "core/parser/msg_parser.h"
#include "modules/tm/tm_load.h"

#include "tp_bind.h"
#include "tp_owned.h"
#include "tp_track.h"

/*! what a transaction does with connections */
typedef enum tp_arm_kind
{
	TP_ARM_NONE = 0,
	TP_ARM_NEW_DIALOG, /*!< new proxy connection, then the dialog's */
	TP_ARM_NEW_TX,	   /*!< new proxy connection, closed after the tx */
	TP_ARM_END_DIALOG, /*!< a BYE: on its final answer the dialog ends */
} tp_arm_kind_t;

typedef struct tp_arm
{
	tp_arm_kind_t kind;
	tp_mode_t mode;
	tp_addr_t ue; /*!< contact of the UE: the binding's key */
	int is_invite;
	int reopen;		 /*!< NEW_DIALOG for a dialog whose connection died */
	int reg_conn_id; /*!< the UE's own connection: never owned */
	int owner;		 /*!< holder of the UE's opening marker, 0 none */
} tp_arm_t;

extern tp_bind_table_t *tp_bindings;
extern tp_track_t *tp_calls;
extern tp_owned_t *tp_owned_conns;

/*! longest a dialog is remembered without an end (backstop) */
#define TP_CALL_MAX_SECS (12 * 3600)

/*! loads tm, creates the tables, registers the tm, script and TCP
 * closed-event callbacks; \return 0, or -1 with the reason logged */
int tp_hooks_init(unsigned int bind_slots_log2);

/*! remembers a for msg: tm's callbacks pick it up for its transaction */
void tp_hooks_arm(sip_msg_t *msg, const tp_arm_t *a);

/*! the module lets go of a connection it owns (the caller closes it or
 * marks its last message), counted as closed; \return 1, or -1 not owned */
int tp_disown(int conn_id);

/*! the module is done with an owned connection: close it now */
void tp_release_conn(int conn_id);

/*! ends the call (callid, ue): forgets it and closes the connection the
 * proxy opened for it */
void tp_call_end(const str *callid, const tp_addr_t *ue);

#endif /* TP_HOOKS_H */

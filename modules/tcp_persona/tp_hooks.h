/*
 * tcp_persona - tm callbacks that carry a persona's policy through
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * persona_enforce() decides what a request's transaction has to do with
 * connections (an "arm") and plans the leg of every branch tm will build
 * (which UE it goes to, and what its persona wants). tm's callbacks carry
 * it out, branch by branch: TMCB_REQUEST_FWDED (a branch is being built:
 * its leg's connection id and the next branch's send flags, tp_send.h),
 * TMCB_REQUEST_SENT (right after its send: claim the new connection),
 * TMCB_RESPONSE_IN (a branch's final answer) and TMCB_DESTROY. They also
 * own the shared tables.
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
	TP_ARM_BRANCHES,   /*!< an initial request: each branch by its UE */
} tp_arm_kind_t;

typedef struct tp_arm
{
	tp_arm_kind_t kind;
	tp_mode_t mode;
	tp_addr_t ue;  /*!< NEW_*, END_DIALOG: the UE's contact (binding key) */
	tp_addr_t hop; /*!< NEW_*: where the request is routed */
	int is_invite;
	int dialog_creating; /*!< BRANCHES: INVITE, SUBSCRIBE or REFER */
	int reopen;			 /*!< NEW_DIALOG for a dialog whose connection died */
	int reg_conn_id;	 /*!< the UE's own connection: never owned */
	unsigned int attempt; /*!< which attempt of the Call-ID's dialog */
} tp_arm_t;

extern tp_bind_table_t *tp_bindings;
extern tp_track_t *tp_calls;
extern tp_track_t *tp_calls_ended; /*!< calls ended lately (no connection) */
extern tp_owned_t *tp_owned_conns;
extern struct tm_binds tp_tmb;

/*! longest a dialog is remembered without an end (backstop) */
#define TP_CALL_MAX_SECS (12 * 3600)

/*! how long an ended dialog is remembered: a request in flight at its
 * end comes well within 64*T1 (as long as a transaction lasts) */
#define TP_CALL_ENDED_SECS 32

/*! loads tm, creates the tables, registers the tm, script, send and TCP
 * closed-event callbacks; \return 0, or -1 with the reason logged */
int tp_hooks_init(unsigned int bind_capacity);

/*! a number for a new attempt (INVITE) of a dialog, never 0 */
unsigned int tp_attempt_new(void);

/*! the attempt of the transaction being routed when the module follows it
 * already (persona_enforce() in failure_route), else 0 */
unsigned int tp_hooks_attempt(void);

struct tp_leg;

/*! remembers a for msg: tm's callbacks pick it up for its transaction.
 * BRANCHES: legs (n) are the branches persona_enforce() keeps, in the
 * order tm sends them (R-URI first); else NULL, 0 */
void tp_hooks_arm(sip_msg_t *msg, const tp_arm_t *a,
		const struct tp_leg *legs, int n);

/*! the module lets go of a connection it owns (the caller closes it or
 * marks its last message), counted as closed; \return 1, or -1 not owned */
int tp_disown(int conn_id);

/*! the module is done with a connection it owns: close it now (one it
 * does not own is left alone); \return 1 closed, -1 not owned */
int tp_release_conn(int conn_id);

/*! forgets the call (callid, ue) while it is that attempt's,
 * remembering that it ended (persona dialog); \return 1 and its last
 * state in *out (may be NULL), or -1 */
int tp_call_forget(const str *callid, const tp_addr_t *ue,
		unsigned int attempt, tp_call_t *out);

/*! ends the call (callid, ue) of that attempt: forgets it and closes
 * the connection the proxy opened for it */
void tp_call_end(const str *callid, const tp_addr_t *ue, unsigned int attempt);

/*! ends one attempt of a dialog (all its UEs): forgets it and closes the
 * connections the proxy opened for it; a later attempt is left alone */
void tp_call_end_attempt(const str *callid, unsigned int attempt);

#endif /* TP_HOOKS_H */
